"""Logged-in members browsing Convene: the locust side of bench/load.py (see bench/README.md).

Run by bench/load.py, which logs the members in and writes the plan this file reads
(``BENCH_LOAD_PLAN``: sessions, each member's groups and threads, the searches). Each simulated member
has a session of their own, waits ``wait`` seconds between pages (think time), and follows the mix
below. Anything but HTTP 200 is an error (redirects are not followed: an expired session is an error,
not a login page). Latencies are kept from the moment every member is running until the stop, and
written to the plan's ``output`` for bench/load.py to turn into figures.
"""

import itertools
import json
import os
import random
import time
from collections import defaultdict

from locust import FastHttpUser, between, events, task

PLAN = json.loads(open(os.environ["BENCH_LOAD_PLAN"]).read())  # noqa: SIM115 - read once at import
SESSIONS = itertools.count()
MEASURED: dict = {"started": None, "latencies": defaultdict(list), "errors": defaultdict(int), "statuses": {}}


@events.spawning_complete.add_listener
def _every_member_is_running(user_count, **_kwargs):
    MEASURED["started"] = time.monotonic()


@events.request.add_listener
def _record(name, response_time, exception, response=None, **_kwargs):
    if MEASURED["started"] is None:
        return  # ramp-up: not measured
    MEASURED["latencies"][name].append(response_time / 1000)
    if exception is not None:
        MEASURED["errors"][name] += 1
        status = str(getattr(response, "status_code", 0) or 0)
        by_name = MEASURED["statuses"].setdefault(name, {})
        by_name[status] = by_name.get(status, 0) + 1


@events.test_stop.add_listener
def _write(**_kwargs):
    started = MEASURED["started"]
    with open(PLAN["output"], "w") as out:
        json.dump(
            {
                "seconds": (time.monotonic() - started) if started else 0,
                "latencies": MEASURED["latencies"],
                "errors": MEASURED["errors"],
                "statuses": MEASURED["statuses"],
            },
            out,
        )


class Member(FastHttpUser):
    wait_time = between(*PLAN["wait"])

    def on_start(self):
        self.me = PLAN["members"][next(SESSIONS) % len(PLAN["members"])]
        self.headers = {"Cookie": f"sessionid={self.me['session']}"}
        self.rng = random.Random(self.me["id"])

    def page(self, kind: str, path: str) -> None:
        with self.client.get(
            path, name=kind, headers=self.headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task(20)
    def directory(self):
        self.page("directory", self.rng.choice(PLAN["directory"]))

    @task(12)
    def group_list(self):
        self.page("group list", self.rng.choice(PLAN["group_list"]))

    @task(14)
    def group_page(self):
        slug = self.rng.choice(self.me["groups"] + PLAN["group_pages"])
        self.page("group page", f"/groups/{slug}/")

    @task(8)
    def group_members(self):
        self.page("group members", f"/groups/{self.rng.choice(self.me['groups'])}/members/")

    @task(8)
    def threads(self):
        self.page("threads", f"/groups/{self.rng.choice(self.me['groups'])}/threads/")

    @task(8)
    def thread(self):
        if self.me["threads"]:
            slug, thread_id = self.rng.choice(self.me["threads"])
            self.page("thread", f"/groups/{slug}/threads/{thread_id}/")
        else:
            self.threads()

    @task(5)
    def own_profile(self):
        self.page("own profile", f"/members/{self.me['id']}/")

    @task(6)
    def profile(self):
        self.page("profiles", f"/members/{self.rng.choice(PLAN['profiles'])}/")

    @task(8)
    def api_members(self):
        self.page("API members", self.rng.choice(PLAN["api"]))

    @task(4)
    def home(self):
        self.page("home", "/")

    @task(5)
    def floor(self):
        self.page("floor", "/floor/")
