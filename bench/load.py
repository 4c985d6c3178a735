"""Logged-in members browsing Convene at 100,000 members, with locust (see bench/README.md).

    .venv/bin/python bench/load.py [--users 50] [--duration 90] [--wait 0.5,2]

Uses the benchmark database of bench/directory.py (built once, the same way), gives ``--users``
members of the network a password, starts ``convene serve --no-worker`` on 127.0.0.1, logs each of
them in through the login page, then runs locust headless for ``--duration`` seconds after a
``--ramp`` of unmeasured start-up: every member, with their own session, browses the directory, the
groups, their groups' members and discussions, profiles and the API, and the floor page, with a
think time between pages (bench/locustfile.py has the mix). Prints a table per kind of page and for
all of them, appends it to bench/README.md with the command and the machine, and exits with 1 when
any request got anything but HTTP 200.
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
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import directory as bench  # noqa: E402 - the benchmark next door: database, server, login, reporting

ROOT = bench.ROOT
PYTHON = sys.executable
LOCUST = str(Path(PYTHON).parent / "locust")
PASSWORD = "bench-load-members"  # noqa: S105 - set on the benchmark's own database only
# The rows of the table, in the order of the mix (bench/locustfile.py names the requests so).
KINDS = {
    "directory": "directory `/members/` search mix",
    "group list": "group list `/groups/` filter mix",
    "group page": "group pages `/groups/<slug>/`",
    "group members": "group members `/groups/<slug>/members/`",
    "threads": "discussion `/groups/<slug>/threads/`",
    "thread": "threads `/groups/<slug>/threads/<id>/`",
    "own profile": "own profile `/members/<me>/`",
    "profiles": "other profiles `/members/<id>/`",
    "API members": "API `/api/v1/members` search mix (session)",
    "home": "home `/`",
    "floor": "floor `/floor/`",
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", bench.DEFAULT_URL))
    parser.add_argument("--members", type=int, default=100_000, help="size of the demo network (built once)")
    parser.add_argument("--groups", type=int, default=2000, help="groups in the network (default 2000)")
    parser.add_argument("--users", type=int, default=50, help="logged-in members browsing (default 50)")
    parser.add_argument("--duration", type=float, default=90.0, help="seconds measured (default 90)")
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds to start every member, unmeasured")
    parser.add_argument("--wait", default="0.5,2", help="think time between pages, min,max seconds")
    parser.add_argument("--server-workers", type=int, default=os.cpu_count() or 1, help="granian workers")
    parser.add_argument("--server-threads", type=int, default=8, help="threads per granian worker")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/README.md")
    return parser.parse_args()


def choose_members(count: int, seed: int) -> list[dict]:
    """Members who belong to groups, those of groups with a discussion first; each gets the password."""
    from django.contrib.auth.hashers import make_password
    from django.db.models import Count

    from convene.groups.models import Group, GroupMembership, MembershipStatus, Thread
    from convene.people.models import Person

    rng = random.Random(seed)
    talking = set(Group.objects.annotate(n=Count("threads")).filter(n__gt=0).values_list("pk", flat=True))
    rows = list(
        GroupMembership.objects.filter(status=MembershipStatus.ACTIVE, person__is_active=True)
        .values_list("person_id", "group_id", "group__slug")
        .order_by("person_id", "group_id")
    )
    groups_of: dict[int, list[tuple[int, str]]] = {}
    for person_id, group_id, slug in rows:
        groups_of.setdefault(person_id, []).append((group_id, slug))
    talkers = sorted(p for p, groups in groups_of.items() if any(g in talking for g, _s in groups))
    others = sorted(set(groups_of) - set(talkers))
    chosen = rng.sample(talkers, min(len(talkers), count // 2))
    chosen += rng.sample(others, count - len(chosen))
    threads: dict[int, list[int]] = {}
    for thread_id, group_id in Thread.objects.filter(group_id__in=talking).values_list("pk", "group_id"):
        threads.setdefault(group_id, []).append(thread_id)
    emails = dict(Person.objects.filter(pk__in=chosen).values_list("pk", "email"))
    # One hash for all: hashing is slow on purpose, and these accounts exist only in this database.
    Person.objects.filter(pk__in=chosen).update(password=make_password(PASSWORD))
    return [
        {
            "id": person_id,
            "email": emails[person_id],
            "groups": [slug for _g, slug in groups_of[person_id]],
            "threads": [
                [slug, thread_id]
                for group_id, slug in groups_of[person_id]
                for thread_id in threads.get(group_id, [])
            ],
        }
        for person_id in chosen
    ]


def visible_profiles(seed: int, count: int = 500) -> list[int]:
    from convene.people.models import MembershipStatus, Profile, ProfileVisibility

    ids = list(
        Profile.objects.filter(
            membership_status=MembershipStatus.ACTIVE,
            profile_visibility__in=[ProfileVisibility.PUBLIC, ProfileVisibility.MEMBERS],
            person__is_active=True,
        )
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    return random.Random(seed).sample(ids, min(count, len(ids)))


def main() -> None:
    args = parse_args()
    wait = [float(x) for x in args.wait.split(",")]
    var = ROOT / "var" / "bench"
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "CONVENE_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "convene.settings",
        # Every simulated member comes from 127.0.0.1: the per-address API limit would refuse them.
        "CONVENE_API_RATE_PER_ADDRESS": "1000000",
        "CONVENE_API_RATE_PER_MINUTE": "1000000",
    }
    env.pop("PYTEST_VERSION", None)
    env.pop("DEBUG", None)
    host_load = bench.machine()
    build_seconds = bench.prepare_database(args, env)
    bench.django_setup(env)
    bench.ensure_groups(args.groups)
    members = choose_members(args.users, args.seed)
    mix = bench.search_mix(args.seed)
    plan_file, output = var / "load-plan.json", var / "load-latencies.json"
    output.unlink(missing_ok=True)

    port = bench.free_port()
    server_cmd = [
        PYTHON,
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
    try:
        bench.wait_until_up(port, server)
        print(f"bench: logging {len(members)} members in", flush=True)
        with ThreadPoolExecutor(4) as pool:
            sessions = list(pool.map(lambda m: bench.log_in(port, m["email"], PASSWORD), members))
        for member, session in zip(members, sessions, strict=True):
            member["session"] = session
        plan = {
            "members": members,
            "directory": ["/members/" + ("?" + urllib.parse.urlencode(p) if p else "") for p in mix],
            "api": ["/api/v1/members" + ("?" + urllib.parse.urlencode(p) if p else "") for p in mix],
            "group_list": bench.group_list_mix(args.seed),
            "group_pages": [path.split("/")[2] for path in bench.group_page_mix(args.seed)],
            "profiles": visible_profiles(args.seed),
            "wait": wait,
            "output": str(output),
        }
        plan_file.write_text(json.dumps(plan))
        print(
            f"bench: {args.users} members, {args.ramp:.0f} s ramp-up, {args.duration:.0f} s measured",
            flush=True,
        )
        locust_cmd = [
            LOCUST,
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(args.users),
            "--spawn-rate",
            str(max(1.0, args.users / max(args.ramp, 1))),
            "--run-time",
            f"{int(args.ramp + args.duration)}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--only-summary",
            "--loglevel",
            "WARNING",
        ]
        subprocess.run(locust_cmd, env={**env, "BENCH_LOAD_PLAN": str(plan_file)}, cwd=ROOT, check=False)
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()

    measured = json.loads(output.read_text())
    seconds = measured["seconds"]
    rows, everything, errors = [], [], 0
    total = sum(len(v) for v in measured["latencies"].values())
    for kind, label in KINDS.items():
        latencies = sorted(measured["latencies"].get(kind, []))
        everything += latencies
        kind_errors = measured["errors"].get(kind, 0)
        errors += kind_errors
        rows.append(row(label, latencies, kind_errors, seconds, total))
    rows.append(row("**all pages**", sorted(everything), errors, seconds, total))
    table = "\n".join(
        [
            "| pages | share | requests | errors | req/s | p50 ms | p95 ms | p99 ms |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            *rows,
        ]
    )
    command = " ".join(
        shlex.quote(part) for part in [os.path.relpath(PYTHON, ROOT), "bench/load.py", *sys.argv[1:]]
    )
    build = f"; demo built in {build_seconds:.0f} s by this run" if build_seconds is not None else ""
    text = (
        f"### {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC: logged-in mix (`load.py`)\n\n"
        f"`{command}`\n\n"
        f"- machine: {host_load}\n"
        f"- PostgreSQL {bench.postgres_version(args.database_url)}, {args.members:,} people, "
        f"{args.groups:,} generated groups{build}\n"
        f"- server: granian, {args.server_workers} worker(s) × {args.server_threads} threads; client: locust "
        f"(FastHttpUser, one process) on the same machine, {args.users} logged-in members, each with a "
        f"session of their own and {wait[0]:g}–{wait[1]:g} s think time; {seconds:.0f} s measured after "
        f"{args.ramp:.0f} s ramp-up\n\n"
        f"{table}\n"
    )
    if errors:
        text += f"\nStatuses of the errors: `{json.dumps(measured['statuses'])}`\n"
    print("\n" + text)
    if not args.no_record:
        bench.record(text)
        print(f"bench: appended to {bench.README.relative_to(ROOT)}")
    if errors:
        sys.exit(f"bench: {errors} request(s) failed")


def row(label: str, latencies: list[float], errors: int, seconds: float, total: int) -> str:
    p = bench.percentile
    return (
        f"| {label} | {len(latencies) / max(total, 1):.0%} | {len(latencies):,} | {errors} | "
        f"{len(latencies) / seconds:,.1f} | {p(latencies, 50) * 1000:,.1f} | {p(latencies, 95) * 1000:,.1f} | "
        f"{p(latencies, 99) * 1000:,.1f} |"
    )


if __name__ == "__main__":
    main()
