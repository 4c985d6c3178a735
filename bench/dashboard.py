"""The committee's dashboard and pack at scale, on PostgreSQL: 2,000 groups, 20,000 meetings, a million
measurements.

    .venv/bin/python bench/dashboard.py [--database-url …] [--members 20000] [--duration 20]

Uses a benchmark database of its own (``convene_bench_q`` by default; built once with the machinery of
bench/directory.py: ``convene demo`` with ``--members`` people and ``--groups`` groups), adds the work
plans with about ``--measurements`` measurements (bench/plans.py's ``ensure_plans``), tops the meetings
up to ``--meetings`` with bulk inserts (each in one of the groups, over the last year, a third of them
joint with a second group) and gives ``--pack-groups`` groups a submitted update for the last ended
quarter (figures frozen as on submit). Then, with the server running, measures beside the floor page
in the same run: the dashboard page (sorted and filtered as people use it) and the API's dashboard
rows, as the steering committee. Last, the committee pack of the last ended quarter (``--pack-groups``
updates), PDF and DOCX, each drawn ``--pack-runs`` times in a fresh process: seconds and peak memory
(maximum resident set size; the process's size after loading Django, before drawing, beside it).
Prints a markdown table and appends it, with the command and the machine, to bench/README.md.
"""

import argparse
import datetime
import json
import os
import random
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import directory as d  # noqa: E402  (the shared machinery of the directory benchmark)
import plans as p  # noqa: E402  (the plans and measurements of the plans benchmark)

ROOT = d.ROOT
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/convene_bench_q"
COMMITTEE_EMAIL = "committee@convene.example"
DASHBOARD_MIX = [
    "",
    "",
    "",
    "?sort=-overdue",
    "?sort=off_track",
    "?sort=-budget",
    "?sort=trend",
    "?plan=approved",
    "?overdue=true",
    "?off_track=true&sort=-members",
    "?kind=working-group",
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--groups", type=int, default=2000)
    parser.add_argument("--measurements", type=int, default=1_000_000)
    parser.add_argument("--meetings", type=int, default=20_000)
    parser.add_argument("--pack-groups", type=int, default=200)
    parser.add_argument("--pack-runs", type=int, default=2)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--server-workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--server-threads", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--build-only", action="store_true", help="build the database and stop")
    parser.add_argument("--skip-load", action="store_true", help="only the pack")
    parser.add_argument("--pack-child", choices=["pdf", "docx"], help=argparse.SUPPRESS)
    return parser.parse_args()


def ensure_meetings(wanted: int, seed: int) -> int:
    """Top the meetings up to ``wanted``: bulk inserts, over the past year, in open groups."""
    from django.db import connection
    from django.utils import timezone

    from convene.groups.models import OPEN_STATUSES, Group
    from convene.meetings.models import Meeting, MeetingStatus

    have = Meeting.objects.count()
    if have >= wanted:
        return have
    rng = random.Random(seed)
    groups = list(Group.objects.filter(status__in=OPEN_STATUSES).values_list("pk", flat=True))
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    print(f"bench: adding {wanted - have:,} meetings to the {have:,} there are", flush=True)
    from convene.people.models import Person

    organiser = Person.objects.get(email=COMMITTEE_EMAIL)
    links = Meeting.groups.through
    batch = 2000
    for first in range(have, wanted, batch):
        meetings = []
        for n in range(first, min(first + batch, wanted)):
            starts = now - datetime.timedelta(hours=rng.randrange(24, 24 * 365))
            meetings.append(
                Meeting(
                    title=f"Bench meeting {n}",
                    starts=starts,
                    ends=starts + datetime.timedelta(hours=1),
                    zone_name="UTC",
                    organiser=organiser,
                    status=MeetingStatus.SCHEDULED if rng.random() > 0.05 else MeetingStatus.CANCELLED,
                )
            )
        made = Meeting.objects.bulk_create(meetings)
        rows = []
        for meeting in made:
            chosen = rng.sample(groups, 2 if rng.random() < 0.33 else 1)
            rows += [links(meeting_id=meeting.pk, group_id=g) for g in chosen]
        links.objects.bulk_create(rows, ignore_conflicts=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE meetings_meeting")
    return Meeting.objects.count()


def ensure_updates(count: int) -> tuple[datetime.date, datetime.date]:
    """``count`` groups with a plan get a submitted update for the last ended quarter, its figures
    frozen as ``services.update_submit`` freezes them."""
    from django.utils import timezone

    from convene.plans.models import WorkPlan
    from convene.reports.frozen import freeze
    from convene.reports.models import GroupUpdate, UpdateStatus
    from convene.reports.queries import last_ended_quarter, update_figures

    starts, ends = last_ended_quarter(timezone.localdate())
    have = GroupUpdate.objects.filter(period_starts=starts, status=UpdateStatus.SUBMITTED).count()
    if have >= count:
        return starts, ends
    print(f"bench: {count - have} submitted updates for {starts} – {ends}", flush=True)
    taken = set(GroupUpdate.objects.filter(period_starts=starts).values_list("group_id", flat=True))
    plans = WorkPlan.objects.filter(status="approved").exclude(group_id__in=taken).select_related("group")
    now = timezone.now()
    text = "We trained case workers in three countries and published the toolkit. " * 4
    for plan in plans.order_by("pk")[: count - have]:
        figures = freeze(update_figures(plan.group, starts, ends))
        GroupUpdate.objects.create(
            group=plan.group,
            period_starts=starts,
            period_ends=ends,
            status=UpdateStatus.SUBMITTED,
            achievements=text,
            challenges="Funding for the second year.",
            support_needed="An introduction to the regional partners.",
            submitted_at=now,
            figures=figures,
            figures_frozen_at=now,
        )
    return starts, ends


def pack_child(kind: str) -> None:
    """In a fresh process: draw the pack once and print seconds and memory as JSON."""
    import resource

    from convene.reports import pack
    from convene.reports.queries import last_ended_quarter

    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    from django.utils import timezone

    starts, ends = last_ended_quarter(timezone.localdate())
    started = time.perf_counter()
    data = pack.pack_pdf(starts, ends) if kind == "pdf" else pack.pack_docx(starts, ends)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_kib": peak, "base_kib": base, "bytes": len(data)}))


def measure_pack(kind: str, runs: int, env: dict) -> list[dict]:
    results = []
    for _n in range(runs):
        out = subprocess.run(
            [d.PYTHON, str(Path(__file__).resolve()), "--pack-child", kind],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return results


def main() -> None:
    args = parse_args()
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "CONVENE_VAR_DIR": str(ROOT / "var" / "bench"),
        "DJANGO_SETTINGS_MODULE": "convene.settings",
        # One session and one address make every API call: lift the API's rate limits.
        "CONVENE_API_RATE_PER_ADDRESS": "1000000",
        "CONVENE_API_RATE_PER_MINUTE": "1000000",
    }
    env.pop("PYTEST_VERSION", None)
    env.pop("DEBUG", None)
    if args.pack_child:
        d.django_setup(env)
        pack_child(args.pack_child)
        return
    host_load = d.machine()
    d.prepare_database(args, env)
    d.django_setup(env)
    d.ensure_groups(args.groups)
    p.ensure_plans(args.measurements)
    meeting_count = ensure_meetings(args.meetings, args.seed)
    ensure_updates(args.pack_groups)
    if args.build_only:
        return
    from convene.groups.models import Group
    from convene.results.models import Measurement

    measurement_count = Measurement.objects.count()
    group_count = Group.objects.count()

    measured = []
    if not args.skip_load:
        measured = run_load(args, env)
    pdf = measure_pack("pdf", args.pack_runs, env)
    docx = measure_pack("docx", args.pack_runs, env)

    table = d.results_table(measured, {"floor": "floor `/floor/` (session)"}) if measured else ""
    pack_rows = [
        "| pack | runs | seconds (each run) | peak RSS MiB | RSS before drawing MiB | size KiB |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for label, runs in (("PDF (WeasyPrint)", pdf), ("DOCX (python-docx)", docx)):
        if not runs:  # --pack-runs 0
            continue
        each = ", ".join(f"{r['seconds']:.1f}" for r in runs)
        pack_rows.append(
            f"| {label} | {len(runs)} | {each} | "
            f"{max(r['peak_kib'] for r in runs) / 1024:,.0f} | {min(r['base_kib'] for r in runs) / 1024:,.0f} | "
            f"{runs[-1]['bytes'] / 1024:,.0f} |"
        )
    command = " ".join(
        shlex.quote(x) for x in [os.path.relpath(d.PYTHON, ROOT), "bench/dashboard.py", *sys.argv[1:]]
    )
    text = (
        f"### Committee dashboard and pack: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC\n\n"
        f"`{command}`\n\n"
        f"- machine: {host_load}; {d.load_average()} after the run\n"
        f"- PostgreSQL {d.postgres_version(args.database_url)}, {args.members:,} people, {group_count:,} groups, "
        f"{meeting_count:,} meetings, {measurement_count:,} measurements; the pack holds {args.pack_groups} "
        f"submitted updates\n"
        f"- server: granian, {args.server_workers} worker(s) × {args.server_threads} threads; client: "
        f"{args.concurrency} threads (closed loop) on the same machine; {args.duration:.0f} s per scenario after "
        f"{args.warmup:.0f} s warm-up\n\n"
        f"{table}\n" + ("\n".join(pack_rows) + "\n" if args.pack_runs else "")
    )
    print("\n" + text)
    if not args.no_record:
        d.record(text)
        print("bench: appended to bench/README.md")


def run_load(args, env) -> list[tuple]:
    from django.urls import reverse

    dashboard = reverse("reports:dashboard")
    port = d.free_port()
    server_cmd = [
        d.PYTHON, "-m", "convene", "serve", "--no-worker", "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(args.server_workers), "--threads", str(args.server_threads),
    ]  # fmt: skip
    server = subprocess.Popen(server_cmd, env=env, cwd=ROOT, start_new_session=True)
    measured = []
    try:
        d.wait_until_up(port, server)
        committee = d.log_in(port, COMMITTEE_EMAIL, "convene-demo")
        scenarios = [
            ("floor `/floor/` (session)", ["/floor/"]),
            (
                "dashboard `/committee/dashboard/` sort/filter mix (committee)",
                [dashboard + q for q in DASHBOARD_MIX],
            ),
            ("API `/api/v1/committee/dashboard` (committee, session)", ["/api/v1/committee/dashboard"]),
        ]
        headers = {"Cookie": f"sessionid={committee}"}
        for label, paths in scenarios:
            print(f"bench: {label}: {args.warmup:.0f} s warm-up, {args.duration:.0f} s measured", flush=True)
            d.load(
                port, paths, headers, concurrency=args.concurrency, seconds=args.warmup, seed=args.seed + 99
            )
            started = time.monotonic()
            outcome = d.load(
                port, paths, headers, concurrency=args.concurrency, seconds=args.duration, seed=args.seed
            )
            elapsed = time.monotonic() - started
            latencies = sorted(outcome.latencies)
            name = "floor" if label.startswith("floor") else label
            measured.append((name, len(latencies), outcome.errors, len(latencies) / elapsed, latencies))
            if outcome.errors:
                print(f"bench: {label}: statuses {outcome.statuses}")
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
    return measured


if __name__ == "__main__":
    main()
