"""Directory search under load, on PostgreSQL, at 100,000 members (see bench/README.md).

    .venv/bin/python bench/directory.py [--members 100000] [--duration 20] [--concurrency 8]

Builds (once) the demo network in its own database, starts ``convene serve --no-worker`` on
127.0.0.1, logs in as member@convene.example, then runs a closed loop of N client threads against
three scenarios: the floor page, the directory page with a mix of searches, and the same searches
through the API. Prints a markdown table and appends it, with the command and the machine, to
bench/README.md. ``--explain`` prints EXPLAIN ANALYZE of the directory's queries instead.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import random
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "bench" / "README.md"
PYTHON = sys.executable
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/convene_bench"
MEMBER_EMAIL = "member@convene.example"
RESULTS_MARK = "## Results"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--members", type=int, default=100_000, help="size of the demo network (built once)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per scenario (default 20)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of unmeasured load first")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads (default 8)")
    parser.add_argument("--server-workers", type=int, default=os.cpu_count() or 1, help="granian workers")
    parser.add_argument("--server-threads", type=int, default=8, help="threads per granian worker")
    parser.add_argument("--scenarios", default="floor,directory,api,groups,group", help="comma-separated")
    parser.add_argument("--groups", type=int, default=2000, help="groups in the network (default 2000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/README.md")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE the directory queries and stop"
    )
    return parser.parse_args()


# --- The database ----------------------------------------------------------------------------------


def prepare_database(args: argparse.Namespace, env: dict[str, str]) -> float | None:
    """Create, migrate and fill the benchmark database; return the demo build time if it was built."""
    url = urllib.parse.urlparse(args.database_url)
    name = url.path.lstrip("/")
    if url.scheme not in ("postgres", "postgresql") or url.hostname not in ("127.0.0.1", "localhost"):
        sys.exit("bench: a PostgreSQL database on 127.0.0.1 is needed (--database-url)")
    if name in ("test", "postgres", "template0", "template1") or name.startswith("test_"):
        sys.exit(f"bench: refusing to use the database {name!r}; the benchmark needs its own")
    import psycopg

    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if not exists:
        print(f"bench: creating the database {name}")
        cmd = [
            "createdb",
            "-h",
            url.hostname,
            "-p",
            str(url.port or 5432),
            "-U",
            url.username or "postgres",
            name,
        ]
        subprocess.run(cmd, check=True)
    run([PYTHON, "-m", "convene", "migrate", "--noinput", "-v0"], env)
    run([PYTHON, "-m", "convene", "collectstatic", "--noinput", "-v0"], env)
    with psycopg.connect(args.database_url) as conn:
        people = conn.execute("SELECT count(*) FROM people_person").fetchone()[0]
    if people == 0:
        print(f"bench: building the demo network with {args.members:,} members (once)")
        started = time.monotonic()
        run(
            [PYTHON, "-m", "convene", "demo", "--members", str(args.members), "--groups", str(args.groups)],
            env,
        )
        return time.monotonic() - started
    if people != args.members:
        sys.exit(
            f"bench: {name} holds {people:,} people, not {args.members:,}; drop it "
            f"(dropdb -h {url.hostname} -U {url.username or 'postgres'} {name}) or pass --members {people}"
        )
    return None


def run(cmd: list[str], env: dict[str, str]) -> None:
    subprocess.run(cmd, env=env, cwd=ROOT, check=True)


def django_setup(env: dict[str, str]) -> None:
    os.environ.update({k: v for k, v in env.items() if k in ("DATABASE_URL", "CONVENE_VAR_DIR")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "convene.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def api_token_for(email: str) -> tuple[int, str]:
    from convene.people.models import Person
    from convene.people.services import api_token_create

    token, key = api_token_create(person=Person.objects.get(email=email), name="bench/directory.py")
    return token.pk, key


def api_token_revoke(token_id: int, email: str) -> None:
    from convene.people.models import ApiToken, Person
    from convene.people.services import api_token_revoke as revoke

    revoke(token=ApiToken.objects.get(pk=token_id), acting=Person.objects.get(email=email))


# --- The searches ----------------------------------------------------------------------------------


def search_mix(seed: int) -> list[dict[str, str]]:
    """Directory searches as members make them: names, organisations, topics, countries, sectors,
    sometimes the next pages. Drawn from the words the demo network is made of."""
    from convene.people.demo import COUNTRIES, NAMES, TOPICS
    from convene.people.models import Sector

    rng = random.Random(seed)
    first = sorted({n for firsts, _lasts in NAMES.values() for n in firsts})
    last = sorted({n for _firsts, lasts in NAMES.values() for n in lasts})
    orgs = [
        "unicef",
        "ministry",
        "university",
        "association of social workers",
        "social welfare",
        "caritas",
        "hope",
        "school of social work",
        "foundation",
        "community",
    ]
    topics = [name.lower() for name, _w in TOPICS]
    countries = [code for code, weight, *_rest in COUNTRIES for _n in range(max(1, round(weight)))]
    sectors = list(Sector.values)
    mix = []
    for _n in range(2000):
        roll = rng.random()
        params: dict[str, str] = {}
        if roll < 0.05:
            pass  # the directory as it opens
        elif roll < 0.35:
            params["q"] = rng.choice(last if rng.random() < 0.6 else first)
        elif roll < 0.50:
            params["q"] = f"{rng.choice(first)} {rng.choice(last)}"
        elif roll < 0.62:
            params["q"] = rng.choice(orgs)
        elif roll < 0.75:
            params["q"] = rng.choice(topics)
        elif roll < 0.88:
            params["country"] = rng.choice(countries)
            if rng.random() < 0.3:
                params["q"] = rng.choice(topics)
        else:
            params["sector"] = rng.choice(sectors)
            if rng.random() < 0.5:
                params["country"] = rng.choice(countries)
        if rng.random() < 0.25:
            params["page"] = str(rng.randint(2, 5))
        mix.append(params)
    return mix


# --- HTTP --------------------------------------------------------------------------------------------


def ensure_groups(wanted: int) -> None:
    """Top the network up to ``wanted`` groups (a database built before groups were benchmarked)."""
    import random

    from django.db import connection

    from convene.groups.demo import build_groups
    from convene.groups.models import Group

    have = Group.objects.count()
    if have >= wanted:
        return
    print(f"bench: adding {wanted - have:,} groups to the {have:,} there are", flush=True)
    build_groups(rng=random.Random(f"bench-{have}"), extra=wanted - have, include_seeds=False)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def group_list_mix(seed: int) -> list[str]:
    """The group list as people use it: browse, filter by topic, kind, language, status, search, page."""
    import random

    from convene.groups.models import GroupKind
    from convene.people.models import Topic

    rng = random.Random(seed)
    topics = list(Topic.objects.values_list("slug", flat=True))
    kinds = list(GroupKind.objects.values_list("slug", flat=True))
    paths = ["/groups/", "/groups/?page=2", "/groups/?page=5"]
    for _ in range(40):
        params = rng.choice(
            [
                {"topic": rng.choice(topics)},
                {"kind": rng.choice(kinds)},
                {"language": rng.choice(["en", "fr", "es", "pt", "da"])},
                {"status": rng.choice(["active", "launched", "closed"])},
                {"q": rng.choice(["case", "supervision", "workforce", "care", "education"])},
                {"topic": rng.choice(topics), "page": str(rng.randint(2, 4))},
            ]
        )
        paths.append("/groups/?" + urllib.parse.urlencode(params))
    return paths


def group_page_mix(seed: int) -> list[str]:
    import random

    from convene.groups.models import Group, GroupStatus

    slugs = list(
        Group.objects.filter(status__in=[GroupStatus.ACTIVE, GroupStatus.LAUNCHED]).values_list(
            "slug", flat=True
        )
    )
    rng = random.Random(seed)
    return [f"/groups/{slug}/" for slug in rng.sample(slugs, min(200, len(slugs)))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(conn: http.client.HTTPConnection, method: str, path: str, headers: dict, body: str | None = None):
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response, data


def cookies_of(response) -> dict[str, str]:
    jar = SimpleCookie()
    for header in response.msg.get_all("Set-Cookie") or []:
        jar.load(header)
    return {key: morsel.value for key, morsel in jar.items()}


def wait_until_up(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("bench: the server stopped while starting")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            response, _data = request(conn, "GET", "/floor/", {})
            conn.close()
            if response.status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit("bench: the server did not answer within a minute")


def log_in(port: int, email: str, password: str) -> str:
    """The session cookie of a login through the real login page (GET for the CSRF cookie, then POST)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    response, _data = request(conn, "GET", "/accounts/login/", {})
    csrf = cookies_of(response)["csrftoken"]
    body = urllib.parse.urlencode({"login": email, "password": password, "csrfmiddlewaretoken": csrf})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}"}
    response, _data = request(conn, "POST", "/accounts/login/", headers, body)
    conn.close()
    session = cookies_of(response).get("sessionid")
    if response.status != 302 or not session:
        sys.exit(f"bench: logging in as {email} failed (HTTP {response.status})")
    return session


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)


def load(
    port: int, paths: list[str], headers: dict, *, concurrency: int, seconds: float, seed: int
) -> Outcome:
    """A closed loop: each thread sends its next request as soon as the previous one is answered."""
    outcomes = [Outcome() for _n in range(concurrency)]
    deadline = time.monotonic() + seconds

    def client(n: int) -> None:
        rng, outcome = random.Random(seed * 1000 + n), outcomes[n]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline:
            path = rng.choice(paths)
            started = time.perf_counter()
            try:
                response, _data = request(conn, "GET", path, headers)
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 0
            outcome.latencies.append(time.perf_counter() - started)
            outcome.statuses[status] = outcome.statuses.get(status, 0) + 1
            if status != 200:
                outcome.errors += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = Outcome()
    for outcome in outcomes:
        total.latencies += outcome.latencies
        total.errors += outcome.errors
        for status, count in outcome.statuses.items():
            total.statuses[status] = total.statuses.get(status, 0) + count
    return total


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


# --- Reporting ---------------------------------------------------------------------------------------


def results_table(measured: list[tuple], labels: dict[str, str] | None = None) -> str:
    """The markdown table of a run: (name, requests, errors, req/s, sorted latencies) per scenario.

    Each page's requests/s is also given as a share of the floor's in the same run (the scenario
    named "floor"): comparable across machines and loads where the raw figures are not. A scenario
    with more than 1 % errors measured refusals, not pages: the table says so."""
    labels = labels or {}
    floor_rate = next((rate for name, _n, _e, rate, _l in measured if name == "floor"), None)
    rows = []
    for name, count, errors, rate, latencies in measured:
        ratio = f"{rate / floor_rate:.3f}" if floor_rate else "–"
        flag = " ⚠ errors: not a valid measurement" if errors > count * 0.01 else ""
        rows.append(
            f"| {labels.get(name, name)}{flag} | {count:,} | {errors} | {rate:,.1f} | {ratio} | "
            f"{percentile(latencies, 50) * 1000:,.1f} | {percentile(latencies, 95) * 1000:,.1f} | "
            f"{percentile(latencies, 99) * 1000:,.1f} |"
        )
    return "\n".join(
        [
            "| scenario | requests | errors | req/s | × floor | p50 ms | p95 ms | p99 ms |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            *rows,
        ]
    )


def load_average() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def machine() -> str:
    mem_kb = 0
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load1, load5, _load15 = os.getloadavg()
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {mem_kb / 1024 / 1024:.1f} GiB RAM, Python {platform.python_version()}, "
        f"load average {load1:.1f} / {load5:.1f} (1 / 5 min) at the start"
    )


def postgres_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def record(text: str) -> None:
    content = README.read_text() if README.exists() else f"# Benchmarks\n\n{RESULTS_MARK}\n"
    if RESULTS_MARK not in content:
        content += f"\n{RESULTS_MARK}\n"
    README.write_text(content.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n")


def explain(filters_list: list[dict[str, str]]) -> None:
    """EXPLAIN ANALYZE of the queries the directory page runs for a few typical searches: the page's
    own paginator (the capped count, a LIMITed subquery), the page size, and the people's rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from convene.core.pagination import CappedPaginator
    from convene.people import queries
    from convene.people.models import Person
    from convene.people.views import PAGE_SIZE

    viewer = Person.objects.get(email=MEMBER_EMAIL)
    for params in filters_list:
        page = params.pop("page", "1")
        filters = queries.DirectoryFilters(**params)
        with CaptureQueriesContext(connection) as captured:
            result = CappedPaginator(
                queries.directory_search(viewer=viewer, filters=filters), PAGE_SIZE
            ).get_page(page)
            list(result)
        print(f"\n### {params} page {page}: {len(captured)} queries")
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                if "people_profile" not in query["sql"] or not query["sql"].startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                print("\n" + query["sql"][:300] + ("…" if len(query["sql"]) > 300 else ""))
                print("\n".join(row[0] for row in cursor.fetchall()))


def main() -> None:
    args = parse_args()
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "CONVENE_VAR_DIR": str(ROOT / "var" / "bench"),
        "DJANGO_SETTINGS_MODULE": "convene.settings",
        # One token and one address make every call: the API's rate limits (120 a minute per token)
        # would answer nearly all of them 429 and the scenario would time refusals, not searches.
        "CONVENE_API_RATE_PER_ADDRESS": "1000000",
        "CONVENE_API_RATE_PER_MINUTE": "1000000",
    }
    env.pop("PYTEST_VERSION", None)
    env.pop("DEBUG", None)
    host_load = machine()
    build_seconds = prepare_database(args, env)
    django_setup(env)
    ensure_groups(args.groups)
    if args.explain:
        explain(
            [
                {"q": "banda"},
                {"q": "sarah"},
                {"q": "case management"},
                {"q": "grace mwangi"},
                {"country": "KE", "page": "3"},
                {"sector": "academic", "country": "IN"},
                {"q": "unicef"},
                {},
            ]
        )
        return

    port = free_port()
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
    token_id = None
    try:
        wait_until_up(port, server)
        session = log_in(port, MEMBER_EMAIL, "convene-demo")
        token_id, key = api_token_for(MEMBER_EMAIL)
        mix = search_mix(args.seed)
        scenarios = {
            "floor": (["/floor/"], {"Cookie": f"sessionid={session}"}),
            "directory": (
                ["/members/" + ("?" + urllib.parse.urlencode(p) if p else "") for p in mix],
                {"Cookie": f"sessionid={session}"},
            ),
            "api": (
                ["/api/v1/members" + ("?" + urllib.parse.urlencode(p) if p else "") for p in mix],
                {"Authorization": f"Bearer {key}"},
            ),
            "groups": (group_list_mix(args.seed), {"Cookie": f"sessionid={session}"}),
            "group": (group_page_mix(args.seed), {"Cookie": f"sessionid={session}"}),
        }
        labels = {
            "floor": "floor `/floor/` (session)",
            "directory": "directory `/members/` search mix (session)",
            "api": "API `/api/v1/members` search mix (token)",
            "groups": "group list `/groups/` filter mix (session)",
            "group": "group pages `/groups/<slug>/` (session)",
        }
        measured = []  # (name, requests, errors, req/s, latencies)
        for name in [s.strip() for s in args.scenarios.split(",") if s.strip()]:
            paths, headers = scenarios[name]
            print(f"bench: {name}: {args.warmup:.0f} s warm-up, {args.duration:.0f} s measured", flush=True)
            load(port, paths, headers, concurrency=args.concurrency, seconds=args.warmup, seed=args.seed + 99)
            started = time.monotonic()
            outcome = load(
                port, paths, headers, concurrency=args.concurrency, seconds=args.duration, seed=args.seed
            )
            elapsed = time.monotonic() - started
            latencies = sorted(outcome.latencies)
            measured.append((name, len(latencies), outcome.errors, len(latencies) / elapsed, latencies))
            if outcome.errors:
                print(f"bench: {name}: statuses {json.dumps(outcome.statuses)}")
    finally:
        if token_id is not None:
            api_token_revoke(token_id, MEMBER_EMAIL)
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()

    table = results_table(measured, labels)
    load_after = f"{load_average()} after the run"
    command = " ".join(
        shlex.quote(part) for part in [os.path.relpath(PYTHON, ROOT), "bench/directory.py", *sys.argv[1:]]
    )
    build = f"; demo built in {build_seconds:.0f} s by this run" if build_seconds is not None else ""
    text = (
        f"### {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC\n\n"
        f"`{command}`\n\n"
        f"- machine: {host_load}; {load_after}\n"
        f"- PostgreSQL {postgres_version(args.database_url)}, {args.members:,} people{build}\n"
        f"- server: granian, {args.server_workers} worker(s) × {args.server_threads} threads; client: "
        f"{args.concurrency} threads (closed loop, http.client keep-alive) on the same machine; "
        f"{args.duration:.0f} s per scenario after {args.warmup:.0f} s warm-up\n\n"
        f"{table}\n"
    )
    print("\n" + text)
    if not args.no_record:
        record(text)
        print(f"bench: appended to {README.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
