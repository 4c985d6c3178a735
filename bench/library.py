"""Library search under load, on PostgreSQL, at 100,000 resources (see bench/README.md).

    .venv/bin/python bench/library.py [--resources 100000] [--duration 20] [--concurrency 8]

Uses a database of its own (``convene_bench_library``: the search does not depend on the number of
members, so a small demo network of ``--members`` people is built once, then ``--resources``
resources in bulk, with the same folded search text the services write). Starts ``convene serve
--no-worker`` on 127.0.0.1, logs in as member@convene.example, and measures, beside the floor page in
the same run: the library page with a mix of searches and filters, and the same through the API.
Prints a markdown table and appends it, with the command and the machine, to bench/README.md.
``--explain`` prints EXPLAIN ANALYZE of typical searches instead.
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
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/convene_bench_library"

SUBJECTS = [
    "case management",
    "supervision",
    "para professionals",
    "child protection",
    "social work education",
    "workforce planning",
    "community development",
    "alternative care",
    "family strengthening",
    "mental health",
    "disability",
    "ageing",
    "youth justice",
    "violence prevention",
    "social protection",
    "cash transfers",
    "licensing",
    "regulation",
    "competencies",
    "deinstitutionalisation",
    "kinship care",
    "foster care",
]
FORMS = ["toolkit", "guide", "report", "framework", "fact sheet", "review", "study", "brief", "handbook"]
PLACES = [
    "Kenya",
    "Uganda",
    "Ethiopia",
    "Nigeria",
    "Ghana",
    "South Africa",
    "India",
    "Nepal",
    "Philippines",
    "Indonesia",
    "Perú",
    "Colombia",
    "Moldova",
    "Côte d'Ivoire",
    "Sénégal",
    "Zambia",
    "Malawi",
]
WORDS = [
    "the",
    "of",
    "and",
    "for",
    "in",
    "workforce",
    "social",
    "service",
    "workers",
    "children",
    "families",
    "strengthening",
    "practice",
    "policy",
    "training",
    "data",
    "national",
    "district",
    "evidence",
    "outcomes",
    "quality",
    "standards",
    "support",
    "services",
    "community",
    "government",
    "ministry",
    "partners",
    "capacity",
    "systems",
    "learning",
    "findings",
    "recommendations",
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_LIBRARY_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--members", type=int, default=1000, help="size of the demo network (built once)")
    parser.add_argument("--groups", type=int, default=40)
    parser.add_argument("--resources", type=int, default=100_000, help="resources wanted (built once)")
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--server-workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--server-threads", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE typical searches and stop")
    return parser.parse_args()


def ensure_resources(wanted: int, seed: int) -> float | None:
    """Top the library up to ``wanted`` resources, in bulk, with the services' search text."""
    from django.db import connection

    from convene.groups.models import Group
    from convene.library.models import Resource, ResourceKind, fold
    from convene.people.demo import NAMES
    from convene.people.models import Topic

    have = Resource.objects.count()
    if have >= wanted:
        print(f"bench: {have:,} resources are there already")
        return None
    print(f"bench: adding {wanted - have:,} resources to the {have:,} there are", flush=True)
    started = time.monotonic()
    rng = random.Random(f"library-{seed}-{have}")
    firsts = sorted({n for firsts, _lasts in NAMES.values() for n in firsts})
    lasts = sorted({n for _firsts, lasts in NAMES.values() for n in lasts})
    groups = list(Group.objects.values_list("pk", flat=True)) + [None] * 10
    topics = list(Topic.objects.values_list("pk", flat=True))
    kinds = ResourceKind.values
    codes = [
        "KE",
        "UG",
        "ET",
        "NG",
        "GH",
        "ZA",
        "IN",
        "NP",
        "PH",
        "ID",
        "PE",
        "CO",
        "MD",
        "CI",
        "SN",
        "ZM",
        "MW",
    ]
    through = Resource.topics.through
    batch: list[Resource] = []
    topic_rows: list = []

    def flush():
        made = Resource.objects.bulk_create(batch)
        through.objects.bulk_create(
            [
                through(resource_id=r.pk, topic_id=t)
                for r in made
                for t in rng.sample(topics, min(2, len(topics)))
            ]
        )
        batch.clear()

    for n in range(have, wanted):
        subject, form, place = rng.choice(SUBJECTS), rng.choice(FORMS), rng.choice(PLACES)
        title = (
            f"{subject.capitalize()} {form}: {place}"
            if rng.random() < 0.6
            else f"{subject.capitalize()} {form}"
        )
        authors = [f"{rng.choice(lasts)}, {rng.choice(firsts)}" for _a in range(rng.randint(1, 4))]
        abstract = " ".join(rng.choice(WORDS) for _w in range(rng.randint(30, 80))) + f" {subject} {place}."
        resource = Resource(
            kind=rng.choice(kinds),
            title=title,
            authors=authors,
            publisher="Global Social Service Workforce Alliance",
            published_on=datetime.date(rng.randint(2000, 2026), rng.randint(1, 12), rng.randint(1, 28)),
            language=rng.choice(["en"] * 6 + ["fr", "fr", "es", "pt", "pt-BR"]),
            countries=rng.sample(codes, rng.randint(0, 3)),
            abstract=abstract,
            link=f"https://library.example/{n}",
            group_id=rng.choice(groups),
            visibility="public" if rng.random() < 0.8 else "members",
        )
        resource.search_text = fold(title, " ".join(authors), abstract)
        batch.append(resource)
        if len(batch) >= 2000:
            flush()
    if batch:
        flush()
    del topic_rows
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.monotonic() - started


def search_mix(seed: int) -> list[dict[str, str]]:
    """Library searches as people make them: a subject, a subject and a place, an author, a filter."""
    from convene.groups.models import Group
    from convene.people.demo import NAMES
    from convene.people.models import Topic

    rng = random.Random(seed)
    lasts = sorted({n for _firsts, lasts in NAMES.values() for n in lasts})
    topics = list(Topic.objects.values_list("slug", flat=True))
    groups = list(Group.objects.values_list("slug", flat=True)[:40])
    mix = []
    for _n in range(2000):
        roll = rng.random()
        params: dict[str, str] = {}
        if roll < 0.05:
            pass
        elif roll < 0.35:
            params["q"] = rng.choice(SUBJECTS)
        elif roll < 0.50:
            params["q"] = f"{rng.choice(SUBJECTS).split()[0]} {rng.choice(PLACES).split()[0].lower()}"
        elif roll < 0.62:
            params["q"] = rng.choice(lasts)
        elif roll < 0.72:
            params["q"] = rng.choice(SUBJECTS)[:5]  # a prefix, as typed
        elif roll < 0.82:
            params["kind"] = rng.choice(["toolkit", "report", "guideline"])
            params["year"] = str(rng.randint(2005, 2026))
        elif roll < 0.90:
            params["topic"] = rng.choice(topics)
            params["language"] = rng.choice(["en", "fr", "pt"])
        elif roll < 0.95 and groups:
            params["group"] = rng.choice(groups)
        else:
            params["country"] = rng.choice(["KE", "IN", "PE", "SN"])
            params["q"] = rng.choice(SUBJECTS).split()[0]
        if rng.random() < 0.2:
            params["page"] = str(rng.randint(2, 4))
        mix.append(params)
    return mix


def explain(mix: list[dict[str, str]]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from convene.core.pagination import CappedPaginator
    from convene.library import queries
    from convene.library.views import PAGE_SIZE

    for params in mix:
        params = dict(params)
        page = params.pop("page", "1")
        with CaptureQueriesContext(connection) as captured:
            list(
                CappedPaginator(
                    queries.search(viewer=None, filters=queries.ResourceFilters.from_query(params)), PAGE_SIZE
                ).get_page(page)
            )
        print(f"\n### {params} page {page}: {len(captured)} queries")
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                print("\n" + query["sql"][:300])
                print("\n".join(row[0] for row in cursor.fetchall()))


def main() -> None:
    args = parse_args()
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "CONVENE_VAR_DIR": str(ROOT / "var" / "bench-library"),
        "DJANGO_SETTINGS_MODULE": "convene.settings",
        "CONVENE_API_RATE_PER_ADDRESS": "1000000",
        "CONVENE_API_RATE_PER_MINUTE": "1000000",
    }
    env.pop("PYTEST_VERSION", None)
    env.pop("DEBUG", None)
    host_load = d.machine()
    network_seconds = d.prepare_database(args, env)
    d.django_setup(env)
    build_seconds = ensure_resources(args.resources, args.seed)
    if args.build_only:
        return
    mix = search_mix(args.seed)
    if args.explain:
        explain(
            [
                {"q": "case management"},
                {"q": "supervision kenya"},
                {"q": "workforce"},
                {"q": "mwan"},
                {"kind": "report", "year": "2017"},
                {"q": "child", "country": "KE"},
                {},
            ]
        )
        return
    from convene.library.models import Resource

    resource_count = Resource.objects.count()
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
    try:
        d.wait_until_up(port, server)
        session = d.log_in(port, d.MEMBER_EMAIL, "convene-demo")
        token_id, key = d.api_token_for(d.MEMBER_EMAIL)
        scenarios = [
            ("floor", ["/floor/"], {"Cookie": f"sessionid={session}"}),
            (
                "library",
                ["/library/" + ("?" + urllib.parse.urlencode(p) if p else "") for p in mix],
                {"Cookie": f"sessionid={session}"},
            ),
            (
                "api",
                ["/api/v1/library/resources" + ("?" + urllib.parse.urlencode(p) if p else "") for p in mix],
                {"Authorization": f"Bearer {key}"},
            ),
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
        "library": "library `/library/` search mix (session)",
        "api": "API `/api/v1/library/resources` search mix (token)",
    }
    table = d.results_table(measured, labels)
    command = " ".join(
        shlex.quote(p) for p in [os.path.relpath(d.PYTHON, ROOT), "bench/library.py", *sys.argv[1:]]
    )
    built = []
    if network_seconds is not None:
        built.append(f"network built in {network_seconds:.0f} s")
    if build_seconds is not None:
        built.append(f"resources added in {build_seconds:.0f} s")
    text = (
        f"### Library search: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC\n\n"
        f"`{command}`\n\n"
        f"- machine: {host_load}; {d.load_average()} after the run\n"
        f"- PostgreSQL {d.postgres_version(args.database_url)}, {resource_count:,} resources, "
        f"{args.members:,} people{'; ' + ', '.join(built) if built else ''}\n"
        f"- server: granian, {args.server_workers} worker(s) × {args.server_threads} threads; client: "
        f"{args.concurrency} threads (closed loop) on the same machine; {args.duration:.0f} s per scenario after "
        f"{args.warmup:.0f} s warm-up\n\n{table}\n"
    )
    print(text)
    if not args.no_record:
        d.record(text)


if __name__ == "__main__":
    main()
