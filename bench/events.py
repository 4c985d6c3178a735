"""The annual calendar of events under load, on PostgreSQL (see bench/README.md). (Not named
calendar.py: that would hide the standard library's calendar module from everything in bench/.)

    .venv/bin/python bench/events.py [--events 5000] [--duration 20] [--concurrency 8]

Uses a database of its own (``convene_bench_calendar``: the calendar does not depend on the number
of members, so a small demo network of ``--members`` people is built once, then ``--events`` events
over three years, in bulk, hosted by the demo's groups, a fifth with a translation). Starts ``convene
serve --no-worker`` on 127.0.0.1, logs in as member@convene.example, and measures, beside the floor
page in the same run: the calendar page ``/events/`` with a mix of years and filters, its iCalendar
feed with the same mix, and the API's ``/api/v1/events``. Prints a markdown table and appends it,
with the command and the machine, to bench/README.md. ``--explain`` prints EXPLAIN ANALYZE of typical
calendar queries instead.
"""

import argparse
import datetime
import os
import random
import shlex
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import directory as d  # noqa: E402  (the shared machinery of the directory benchmark)

ROOT = d.ROOT
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/convene_bench_calendar"
ZONES = [
    "America/New_York",
    "Africa/Nairobi",
    "Africa/Lusaka",
    "Asia/Manila",
    "Asia/Kathmandu",
    "Europe/Paris",
]
TOPICS = [
    "Case management",
    "Supervision",
    "Para professionals",
    "Workforce planning",
    "Child protection",
    "Social work education",
    "Licensing and regulation",
    "Alternative care",
]
FORMATS = ["Webinar", "Symposium", "Regional conference", "Workshop", "Learning session", "Campaign day"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_CALENDAR_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--members", type=int, default=1000, help="size of the demo network (built once)")
    parser.add_argument("--groups", type=int, default=40)
    parser.add_argument(
        "--events", type=int, default=5000, help="events wanted over three years (built once)"
    )
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--server-workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--server-threads", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE typical calendars and stop")
    return parser.parse_args()


def years() -> list[int]:
    """The three years the events are spread over: last year, this one (the page's default), next."""
    this = datetime.datetime.now(datetime.UTC).year
    return [this - 1, this, this + 1]


def ensure_events(wanted: int, seed: int) -> float | None:
    """Top the calendar up to ``wanted`` events, in bulk, spread over ``years()``."""
    from django.db import connection

    from convene.events.models import Event, EventKind, EventTranslation, Region
    from convene.groups.models import Group
    from convene.people.models import Person

    have = Event.objects.count()
    if have >= wanted:
        print(f"bench: {have:,} events are there already")
        return None
    print(f"bench: adding {wanted - have:,} events to the {have:,} there are", flush=True)
    started = time.monotonic()
    rng = random.Random(f"calendar-{seed}-{have}")
    organiser = Person.objects.get(email="secretariat@convene.example")
    groups = list(Group.objects.values_list("pk", flat=True))
    kinds, regions = EventKind.values, Region.values
    first = datetime.datetime(years()[0], 1, 1, tzinfo=datetime.UTC)
    span = (datetime.datetime(years()[-1] + 1, 1, 1, tzinfo=datetime.UTC) - first).total_seconds()
    through = Event.host_groups.through
    batch: list[Event] = []

    def flush():
        made = Event.objects.bulk_create(batch)
        through.objects.bulk_create(
            [
                through(event_id=e.pk, group_id=g)
                for e in made
                for g in rng.sample(groups, rng.choice([0, 1, 1, 1, 2]))
            ]
        )
        EventTranslation.objects.bulk_create(
            [
                EventTranslation(event=e, language=rng.choice(["fr", "es", "pt"]), title=f"{e.title} (trad.)")
                for e in made
                if rng.random() < 0.2
            ]
        )
        batch.clear()

    for n in range(have, wanted):
        starts = first + datetime.timedelta(seconds=rng.uniform(0, span))
        starts = starts.replace(minute=0, second=0, microsecond=0)
        hours = rng.choice([1, 1, 1.5, 2, 3, 8, 30, 54])
        online = rng.random() < 0.7
        batch.append(
            Event(
                kind=rng.choice(kinds),
                title=f"{rng.choice(FORMATS)}: {rng.choice(TOPICS)} {n}",
                description="An event of the network's year. " * rng.randint(1, 6),
                language=rng.choice(["en"] * 6 + ["fr", "es", "pt"]),
                zone_name=rng.choice(ZONES),
                starts=starts,
                ends=starts + datetime.timedelta(hours=hours),
                online_url="https://meet.example/e" if online else "",
                venue="" if online else "Conference centre",
                region=rng.choice(regions),
                capacity=rng.choice([None, 100, 300]),
                visibility="public" if rng.random() < 0.8 else "members",
                organiser=organiser,
            )
        )
        if len(batch) >= 1000:
            flush()
    if batch:
        flush()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.monotonic() - started


def calendar_mix(seed: int) -> list[dict[str, str]]:
    """Calendars as people ask for them: this year (most), another year, a type, a group, a
    language, a region, or two filters together."""
    from convene.events.models import EventKind, Region
    from convene.groups.models import Group

    rng = random.Random(seed)
    groups = list(Group.objects.filter(events__isnull=False).distinct().values_list("slug", flat=True)[:40])
    this = years()[1]
    mix = []
    for _n in range(1000):
        roll = rng.random()
        params: dict[str, str] = {}
        if rng.random() < 0.3:
            params["year"] = str(rng.choice(years()))
        elif rng.random() < 0.5:
            params["year"] = str(this)
        if roll < 0.25:
            pass
        elif roll < 0.45:
            params["kind"] = rng.choice(EventKind.values)
        elif roll < 0.60 and groups:
            params["group"] = rng.choice(groups)
        elif roll < 0.72:
            params["language"] = rng.choice(["fr", "es", "pt"])
        elif roll < 0.85:
            params["region"] = rng.choice(Region.values)
        else:
            params["kind"] = rng.choice(EventKind.values)
            params["region"] = rng.choice(Region.values)
        mix.append(params)
    return mix


def explain(mix: list[dict[str, str]]) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from convene.events import queries

    for params in mix:
        filters = queries.CalendarFilters(year=int(params.pop("year", years()[1])), **params)
        with CaptureQueriesContext(connection) as captured:
            found = queries.calendar_events(viewer=AnonymousUser(), filters=filters)
        print(f"\n### {filters}: {len(found)} events, {len(captured)} queries")
        with connection.cursor() as cursor:
            for query in captured.captured_queries[:1]:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                print("\n" + query["sql"][:300])
                print("\n".join(row[0] for row in cursor.fetchall()))


def main() -> None:
    args = parse_args()
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "CONVENE_VAR_DIR": str(ROOT / "var" / "bench-calendar"),
        "DJANGO_SETTINGS_MODULE": "convene.settings",
        "CONVENE_API_RATE_PER_ADDRESS": "1000000",
        "CONVENE_API_RATE_PER_MINUTE": "1000000",
    }
    env.pop("PYTEST_VERSION", None)
    env.pop("DEBUG", None)
    host_load = d.machine()
    network_seconds = d.prepare_database(args, env)
    d.django_setup(env)
    build_seconds = ensure_events(args.events, args.seed)
    if args.build_only:
        return
    mix = calendar_mix(args.seed)
    if args.explain:
        explain([{}, {"kind": "webinar"}, {"region": "africa"}, {"language": "fr"}])
        return
    from convene.events.models import Event

    event_count = Event.objects.count()
    this_year = Event.objects.filter(starts__year=years()[1]).count()
    port = d.free_port()
    server_cmd = [
        d.PYTHON,
        "-m",
        "convene",
        "serve",
        "--no-worker",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(args.server_workers),
        "--threads",
        str(args.server_threads),
    ]
    server = subprocess.Popen(server_cmd, env=env, cwd=ROOT, start_new_session=True)
    measured = []
    token_id = None

    def query(p: dict[str, str]) -> str:
        return "?" + urllib.parse.urlencode(p) if p else ""

    try:
        d.wait_until_up(port, server)
        session = d.log_in(port, d.MEMBER_EMAIL, "convene-demo")
        token_id, key = d.api_token_for(d.MEMBER_EMAIL)
        cookie = {"Cookie": f"sessionid={session}"}
        scenarios = [
            ("floor", ["/floor/"], cookie),
            ("calendar", ["/events/" + query(p) for p in mix], cookie),
            ("feed", ["/events/calendar.ics" + query(p) for p in mix], cookie),
            ("api", ["/api/v1/events" + query(p) for p in mix], {"Authorization": f"Bearer {key}"}),
        ]
        for name, paths, headers in scenarios:
            print(f"bench: {name}: {args.warmup:.0f} s warm-up, {args.duration:.0f} s measured", flush=True)
            d.load(
                port, paths, headers, concurrency=args.concurrency, seconds=args.warmup, seed=args.seed + 99
            )
            started = time.monotonic()
            outcome = d.load(
                port, paths, headers, concurrency=args.concurrency, seconds=args.duration, seed=args.seed
            )
            elapsed = time.monotonic() - started
            latencies = sorted(outcome.latencies)
            measured.append((name, len(latencies), outcome.errors, len(latencies) / elapsed, latencies))
            if outcome.errors:
                print(f"bench: {name}: statuses {outcome.statuses}")
    finally:
        if token_id is not None:
            d.api_token_revoke(token_id, d.MEMBER_EMAIL)
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()

    labels = {
        "floor": "floor `/floor/` (session)",
        "calendar": "calendar `/events/` filter mix (session)",
        "feed": "feed `/events/calendar.ics` filter mix (session)",
        "api": "API `/api/v1/events` filter mix (token)",
    }
    table = d.results_table(measured, labels)
    command = " ".join(
        shlex.quote(p) for p in [os.path.relpath(d.PYTHON, ROOT), "bench/events.py", *sys.argv[1:]]
    )
    built = []
    if network_seconds is not None:
        built.append(f"network built in {network_seconds:.0f} s")
    if build_seconds is not None:
        built.append(f"events added in {build_seconds:.0f} s")
    text = (
        f"### Annual calendar: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC\n\n"
        f"`{command}`\n\n"
        f"- machine: {host_load}; {d.load_average()} after the run\n"
        f"- PostgreSQL {d.postgres_version(args.database_url)}, {event_count:,} events over {years()[0]}–"
        f"{years()[-1]} ({this_year:,} starting in {years()[1]}, the page's default year; a page lists at most"
        f" 500), {args.members:,} people{'; ' + ', '.join(built) if built else ''}\n"
        f"- server: granian, {args.server_workers} worker(s) × {args.server_threads} threads; client: "
        f"{args.concurrency} threads (closed loop) on the same machine; {args.duration:.0f} s per scenario after "
        f"{args.warmup:.0f} s warm-up\n\n{table}\n"
    )
    print(text)
    if not args.no_record:
        d.record(text)


if __name__ == "__main__":
    main()
