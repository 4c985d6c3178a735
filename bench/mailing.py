"""Bulk mail at scale: the segment count at 100,000 members, and one mailing sent through a local SMTP
sink (aiosmtpd) against a bare smtplib loop sending the same messages, in the same run.

    .venv/bin/python bench/mailing.py                       # 100,000 members, sends to 20,000
    .venv/bin/python bench/mailing.py --send 100000         # the whole network (the issue's bar)

Uses its own PostgreSQL database (``convene_bench_h`` by default, ``--database-url``), created and
migrated when missing, filled once with members made by bulk insert (people with a language, a
country and a sector; no demo groups). The mailing goes to the segment of the ``--send`` members whose
language is Danish. The sink runs in its own process and only counts. The sender is
``convene mailing_send`` in its own process (as a worker runs it), at an unlimited rate, so its peak
memory is measured alone (its VmHWM, read while it runs). Appends the figures to bench/README.md."""

import argparse
import datetime
import os
import platform
import shlex
import smtplib
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/convene_bench_h"
COUNTRIES = ["KE", "GH", "ZM", "DK", "FR", "BR", "US", "IN", "PH", "MX", "ES", "PT", "NG", "CN", "AU"]
SECTORS = ["government", "ngo", "academic", "donor", "community_practitioner", "un_agency"]
LANGUAGES = ["en", "fr", "es", "pt"]

SINK = """
import sys, time
from aiosmtpd.controller import Controller
class H:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"
c = Controller(H(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("ready", flush=True)
sys.stdin.read()
c.stop()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument(
        "--send", type=int, default=20_000, help="recipients of the mailing (Danish speakers)"
    )
    return parser.parse_args()


def prepare(args, env) -> None:
    url = urllib.parse.urlparse(args.database_url)
    name = url.path.lstrip("/")
    if url.hostname not in ("127.0.0.1", "localhost") or name.startswith("test") or name == "postgres":
        sys.exit("bench: needs its own PostgreSQL database on 127.0.0.1")
    import psycopg

    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            subprocess.run(
                ["createdb", "-h", url.hostname, "-U", url.username or "postgres", name], check=True
            )
    subprocess.run([PYTHON, "-m", "convene", "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)


def fill(members: int, send: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from convene.people.models import MembershipStatus, Person, Profile

    unusable = make_password(None)

    have = Person.objects.count()
    danish = Person.objects.filter(email__startswith="bench", language="da").count()
    if have >= members and danish < send:  # filled for a smaller --send: more Danish speakers
        print(f"bench: {send - danish:,} more members read Danish")
        Person.objects.filter(email__gte=f"bench{danish:06d}", email__lt=f"bench{send:06d}").update(
            language="da"
        )
    if have >= members:
        return
    print(f"bench: adding {members - have:,} members")
    batch = 5000
    for start in range(have, members, batch):
        people = Person.objects.bulk_create(
            [
                Person(
                    email=f"bench{i:06d}@example.org",
                    password=unusable,
                    language="da" if i < send else LANGUAGES[i % len(LANGUAGES)],
                )
                for i in range(start, min(start + batch, members))
            ]
        )
        Profile.objects.bulk_create(
            [
                Profile(
                    person=p,
                    name=f"Member {p.pk}",
                    country=COUNTRIES[p.pk % len(COUNTRIES)],
                    sector=SECTORS[p.pk % len(SECTORS)],
                    membership_status=MembershipStatus.ACTIVE,
                )
                for p in people
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def vm_hwm(pid: int) -> int:
    """The peak resident memory of a running process, in KiB (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def timed(fn, repeat: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    args = parse_args()
    env = {**os.environ, "DATABASE_URL": args.database_url, "DJANGO_SETTINGS_MODULE": "convene.settings"}
    env.update(CONVENE_VAR_DIR=str(ROOT / "var" / "bench"), MAILING_DOMAIN="lists.bench.example")
    env.pop("PYTEST_VERSION", None)
    prepare(args, env)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))  # this checkout's code, not an installed copy
    import django

    django.setup()
    from django.conf import settings

    from convene.core.rules import is_secretariat  # noqa: F401 (rules loaded)
    from convene.mailing import queries, services, tasks
    from convene.mailing.messages import Prepared
    from convene.mailing.models import Delivery
    from convene.people.models import Person

    fill(args.members, args.send)
    segments = {
        "everyone": {},
        "africa + ngo": {"regions": ["africa"], "sectors": ["ngo"]},
        "Danish": {"languages": ["da"]},
    }
    counts = {label: timed(lambda s=s: queries.count_recipients(s)) for label, s in segments.items()}

    staff = Person.objects.filter(is_superuser=True).first() or Person.objects.create_superuser(
        "bench.staff@example.org", None
    )
    tasks.send_mailing = lambda mailing_id: None  # the sender below runs it, in its own process
    edition = {
        "subject": "The E-Update, benchmark",
        "html": "<html><body><h1>News</h1>"
        + "<p>A paragraph of news for the network.</p>" * 20
        + "</body></html>",
        "text": "News\n\n" + "A paragraph of news for the network.\n" * 20,
    }
    mailing = services.create_mailing(
        purpose="eupdate",
        title=f"Bench {datetime.datetime.now(tz=datetime.UTC):%Y-%m-%d %H:%M}",
        segment={"languages": ["da"]},
        editions={"en": edition},
        default_language="en",
        created_by=staff,
    )
    started = time.perf_counter()
    services.start(mailing, staff)
    rows_seconds = time.perf_counter() - started
    recipients = Delivery.objects.filter(mailing=mailing).count()

    port = free_port()
    sink = subprocess.Popen([PYTHON, "-c", SINK, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    sink.stdout.readline()
    try:
        # The bare loop: the same messages, prebuilt, through one smtplib connection.
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        deliveries = list(
            Delivery.objects.filter(mailing=mailing).values_list(
                "pk", "person_id", "person__email", "language"
            )
        )
        # Made as the sender makes them (messages.Prepared), the same bytes Django's SMTP backend
        # would send once parsed (convene/mailing/tests/test_prepared.py).
        template = Prepared(edition=edition, list_name="eupdate", language="en")
        prebuilt = [template.render(to=e, person_id=p, delivery_id=d) for d, p, e, _lang in deliveries]
        del deliveries
        smtp = smtplib.SMTP("127.0.0.1", port)
        started = time.perf_counter()
        for sender, to, data in prebuilt:
            smtp.sendmail(sender, to, data)
        bare_seconds = time.perf_counter() - started
        smtp.quit()
        del prebuilt

        child_env = {
            **env,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "MAILING_RATE_PER_SECOND": "0",
        }
        command = [PYTHON, "-m", "convene", "mailing_send", str(mailing.pk), "--take-over"]
        started = time.perf_counter()
        child = subprocess.Popen(command, env=child_env, cwd=ROOT)
        # The child's own high-water mark (VmHWM), read while it runs: its ru_maxrss would count this
        # process's memory too (Linux keeps the maximum across the fork and exec that started it).
        peak_kib = 0
        while True:
            pid, status, _usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            peak_kib = max(peak_kib, vm_hwm(child.pid))
            time.sleep(0.2)
        send_seconds = time.perf_counter() - started
        if status != 0:
            sys.exit("bench: the sender failed")
    finally:
        sink.stdin.close()
        sink.wait(timeout=30)
    mailing.refresh_from_db()
    assert mailing.state == "sent", mailing.state

    bare_rate = recipients / bare_seconds
    rate = recipients / send_seconds
    lines = [
        f"\n### {datetime.datetime.now(tz=datetime.UTC):%Y-%m-%d %H:%M} UTC · {platform.node()} · "
        f"{os.cpu_count()} CPUs · load {os.getloadavg()[0]:.2f}\n",
        f"`{shlex.join(['.venv/bin/python', 'bench/mailing.py', *sys.argv[1:]])}`: {args.members:,} members, "
        f"{recipients:,} recipients\n",
        "| measure | value |",
        "|---|---|",
        *[f"| count query, {label} ({n:,}) | {t * 1000:.1f} ms |" for label, (t, n) in counts.items()],
        f"| delivery rows written (start) | {rows_seconds:.2f} s |",
        f"| bare smtplib loop (prebuilt messages) | {bare_rate:,.0f} msg/s |",
        f"| `convene mailing_send` (put the recipient in, send, mark each row) | {rate:,.0f} msg/s ({rate / bare_rate:.2f}× bare) |",
        f"| sender wall time incl. start-up | {send_seconds:.1f} s |",
        f"| sender peak memory (VmHWM) | {peak_kib / 1024:.0f} MiB |",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    readme = ROOT / "bench" / "README.md"
    text = readme.read_text()
    heading = "## `mailing.py`: one mailing through a local SMTP sink, against a bare smtplib loop\n"
    if heading not in text:
        text += "\n" + heading + "\n" + (__doc__ or "") + "\n"
    readme.write_text(text + report)


if __name__ == "__main__":
    main()
