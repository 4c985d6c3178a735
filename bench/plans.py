"""Work plans and shared indicators under load, on PostgreSQL: 2,000 groups, a million measurements.

    .venv/bin/python bench/plans.py [--measurements 1000000] [--duration 20] [--concurrency 8]

Uses the benchmark database of bench/directory.py (100,000 members, 2,000 groups; built once), adds
the work plans with about ``--measurements`` measurements once (``convene.plans.demo.build_plans``),
then measures, beside the floor page in the same run: the plan page, the results page of a plan, and
the network-wide page of a shared indicator (by quarter and by country) as the steering committee.
Prints a markdown table and appends it, with the command and the machine, to bench/README.md.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import directory as d  # noqa: E402  (the shared machinery of the directory benchmark)

ROOT = d.ROOT
COMMITTEE_EMAIL = "committee@convene.example"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", d.DEFAULT_URL))
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=2000)
    parser.add_argument(
        "--measurements", type=int, default=1_000_000, help="measurements wanted (built once)"
    )
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--server-workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--server-threads", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--build-only", action="store_true", help="build the database and stop")
    return parser.parse_args()


def ensure_plans(measurements: int) -> float | None:
    """Build the plans once, with enough measurement rows per quarter to reach ``measurements``."""
    from django.db import connection

    from convene.plans.demo import build_plans
    from convene.plans.models import WorkPlan
    from convene.results.models import Measurement

    if WorkPlan.objects.exists():
        have = Measurement.objects.count()
        if have >= measurements * 0.9:
            print(f"bench: {WorkPlan.objects.count():,} plans and {have:,} measurements are there already")
            return None
        # `convene demo --members …` makes plans for a few groups only (86,943 measurements at
        # 100,000 members): too few to measure at scale. This database is the benchmark's own.
        print(f"bench: {have:,} measurements, {measurements:,} wanted: building the plans again", flush=True)
        WorkPlan.objects.all().delete()
    started = time.monotonic()
    from convene.groups.models import Group

    # Active groups get approved plans with three indicators each, reported for every past quarter
    # of a two-year plan except about one in ten; yes/no indicators (one in five) report totals only.
    active_groups = Group.objects.filter(status="active").count()
    from django.utils import timezone

    today = timezone.localdate()
    quarters_reported = 4 + (today.month - 1) // 3
    rows = max(4, round(measurements / max(1, active_groups * 3 * quarters_reported * 0.9 * 0.8)))
    print(
        f"bench: building plans for the open groups, {rows} measurement rows per indicator and quarter",
        flush=True,
    )
    result = build_plans(rng=random.Random("bench-plans"), rows_per_period=rows)
    print(f"bench: built {result}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.monotonic() - started


def plan_paths(seed: int) -> tuple[list[str], list[str], list[str]]:
    from django.urls import reverse

    from convene.plans.models import WorkPlan
    from convene.results.models import SharedIndicator

    rng = random.Random(seed)
    plans = list(WorkPlan.objects.filter(status="approved").select_related("group").order_by("pk"))
    sample = rng.sample(plans, min(200, len(plans)))
    plan_pages = [reverse("plans:detail", args=[p.group.slug, p.pk]) for p in sample]
    results_pages = [reverse("results:framework", args=[p.group.slug, p.pk]) for p in sample]
    shared_pages = []
    for shared in SharedIndicator.objects.order_by("pk"):
        base = reverse("results:shared", args=[shared.pk])
        shared_pages += [base, base + "?by=country", base + "?by=year"]
    return plan_pages, results_pages, shared_pages


def main() -> None:
    args = parse_args()
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "CONVENE_VAR_DIR": str(ROOT / "var" / "bench"),
        "DJANGO_SETTINGS_MODULE": "convene.settings",
    }
    env.pop("PYTEST_VERSION", None)
    env.pop("DEBUG", None)
    host_load = d.machine()
    d.prepare_database(args, env)
    d.django_setup(env)
    d.ensure_groups(args.groups)
    build_seconds = ensure_plans(args.measurements)
    if args.build_only:
        return
    from convene.results.models import Measurement

    measurement_count = Measurement.objects.count()
    plan_pages, results_pages, shared_pages = plan_paths(args.seed)

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
    try:
        d.wait_until_up(port, server)
        member = d.log_in(port, d.MEMBER_EMAIL, "convene-demo")
        committee = d.log_in(port, COMMITTEE_EMAIL, "convene-demo")
        scenarios = [
            ("floor `/floor/` (session)", ["/floor/"], member),
            ("plan page `/groups/<slug>/plans/<id>/` (member)", plan_pages, member),
            ("results page `…/plans/<id>/results/` (member)", results_pages, member),
            (
                "shared indicator `/results/shared/<id>/` quarter/country/year (committee)",
                shared_pages,
                committee,
            ),
        ]
        for label, paths, session in scenarios:
            headers = {"Cookie": f"sessionid={session}"}
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

    table = d.results_table(measured, {"floor": "floor `/floor/` (session)"})
    command = " ".join(
        shlex.quote(p) for p in [os.path.relpath(d.PYTHON, ROOT), "bench/plans.py", *sys.argv[1:]]
    )
    build = f"; plans built in {build_seconds:.0f} s by this run" if build_seconds is not None else ""
    text = (
        f"### Work plans: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC\n\n"
        f"`{command}`\n\n"
        f"- machine: {host_load}; {d.load_average()} after the run\n"
        f"- PostgreSQL {d.postgres_version(args.database_url)}, {args.members:,} people, {args.groups:,} groups, "
        f"{measurement_count:,} measurements{build}\n"
        f"- server: granian, {args.server_workers} worker(s) × {args.server_threads} threads; client: "
        f"{args.concurrency} threads (closed loop) on the same machine; {args.duration:.0f} s per scenario after "
        f"{args.warmup:.0f} s warm-up\n\n"
        f"{table}\n"
    )
    print("\n" + text)
    if not args.no_record:
        d.record(text)
        print("bench: appended to bench/README.md")


if __name__ == "__main__":
    main()
