"""Crash safety of background e-mail, shown by killing a real worker (DESIGN "Background work").

A real Huey consumer (``convene run_huey``: its own process, its own database connections) sends a
post, or a daily digest, to 30 members through a real SMTP server (aiosmtpd, in this process) that
takes 0.2 s over each message. The test kills the consumer with SIGKILL when about a third of the
messages are out, starts another consumer, lets the lease (shortened to 3 s through
``CONVENE_DELIVERY_LEASE_SECONDS``) run out and runs the periodic sweep in the new consumer, as its
schedule would. Then everyone has the message, only the one in flight when the worker died may have
it twice, and no delivery is left claimed.

The database. The consumer is another process, so it needs a database it can open:
- PostgreSQL: pytest-django's test database itself; the test is transactional, so what it writes is
  committed and the consumer sees it.
- SQLite: pytest-django keeps the test database in this process's memory, where no other process
  can reach it. The test copies it into a file with SQLite's backup API for the consumer, and copies
  the file back into memory to read what the consumer did. (A file test database for the whole suite
  would slow every other test down for this one.)
Both are transactional tests with ``serialized_rollback``: the rows the migrations put in (group
kinds, languages) are back for the tests that run after them in the same worker.

The queue is a SQLite Huey file of the test's own (never a shared Redis queue), and the consumer runs
without its periodic schedule so that nothing but the test decides when the sweep runs. About 15 s
per test.
"""

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from conftest import TEST_REDIS_URL, make_person, redis_or_skip
from convene.governance.models import DecisionOutcome
from convene.groups import services, tasks
from convene.groups.models import DeliveryStatus, GroupKind, Notify, PostDelivery

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parent.parent
RECIPIENTS = 30
SECONDS_PER_MESSAGE = 0.2
LEASE_SECONDS = 3
KILL_AFTER = 10  # messages received when the worker is killed
WAIT = 60  # seconds any one step may take before the test gives up


class SlowMailbox:
    """An SMTP handler that keeps every message, then takes its time to say 250 OK.

    The message is kept before the pause: a worker killed during the pause has handed the message
    over but not heard back, so it cannot have marked it sent (the message "in flight")."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self._lock:
            for rcpt in envelope.rcpt_tos:
                self.received.append((rcpt, envelope.content.decode("utf-8", "replace")))
        await asyncio.sleep(SECONDS_PER_MESSAGE)
        return "250 OK"

    def recipients(self) -> Counter:
        with self._lock:
            return Counter(rcpt for rcpt, _content in self.received)


class Database:
    """The test database as another process reaches it (see the module's docstring)."""

    def __init__(self, tmp_path: Path) -> None:
        settings_dict = connection.settings_dict
        self.sqlite = connection.vendor == "sqlite"
        if self.sqlite:
            self.file = tmp_path / "convene.sqlite3"
            self.url = f"sqlite:///{self.file}"
        elif connection.vendor == "postgresql":
            user = urllib.parse.quote(settings_dict["USER"] or "postgres")
            password = settings_dict["PASSWORD"]
            auth = f"{user}:{urllib.parse.quote(password)}" if password else user
            host = settings_dict["HOST"] or "127.0.0.1"
            port = settings_dict["PORT"] or 5432
            self.url = f"postgres://{auth}@{host}:{port}/{settings_dict['NAME']}"
        else:
            pytest.skip(f"no way to share a {connection.vendor} test database with another process")

    def share(self) -> None:
        """Make what this test wrote visible to the other process."""
        if self.sqlite:
            connection.ensure_connection()
            with sqlite3.connect(self.file) as target:
                connection.connection.backup(target)
            target.close()

    def refresh(self) -> None:
        """Make what the other process wrote visible to this test."""
        if self.sqlite:
            source = sqlite3.connect(self.file)
            try:
                source.backup(connection.connection)
            finally:
                source.close()


class Consumers:
    """Huey consumers started by the test, each in its own process group, all stopped at the end."""

    def __init__(self, tmp_path: Path, env: dict[str, str]) -> None:
        self.tmp_path, self.env, self.started = tmp_path, env, []

    def start(self) -> subprocess.Popen:
        log = open(self.tmp_path / f"consumer-{len(self.started)}.log", "wb")  # noqa: SIM115
        command = [
            sys.executable,
            "-m",
            "convene",
            "run_huey",
            "--workers",
            "2",
            "--worker-type",
            "thread",
            "--no-periodic",
            "--delay",
            "0.1",
            "--max-delay",
            "0.2",
        ]
        process = subprocess.Popen(
            command, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.started.append(process)
        return process

    def enqueue(self, code: str) -> None:
        """Put a task in the consumers' queue, through Django's shell like any script would."""
        subprocess.run(
            [sys.executable, "-m", "convene", "shell", "--no-imports", "-c", code],
            env=self.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=WAIT,
        )

    def logs(self) -> str:
        return "\n".join(
            f"--- consumer {n} ---\n"
            + (self.tmp_path / f"consumer-{n}.log").read_text(errors="replace")[-3000:]
            for n in range(len(self.started))
        )

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=WAIT)


@pytest.fixture
def mailbox():
    handler = SlowMailbox()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


@pytest.fixture
def shared_db(transactional_db, tmp_path) -> Database:
    return Database(tmp_path)


@pytest.fixture
def consumers(shared_db, mailbox, tmp_path):
    controller, _handler = mailbox
    env = {
        key: value
        for key, value in os.environ.items()
        # Not a test run for the consumer (Huey would run tasks at once), and no shared queue.
        if key not in {"PYTEST_VERSION", "CONVENE_TESTING", "HUEY_IMMEDIATE", "HUEY_REDIS_URL", "DEBUG"}
        and not key.startswith(("PYTEST_", "EMAIL_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="convene.settings",
        DATABASE_URL=shared_db.url,
        CONVENE_VAR_DIR=str(tmp_path / "var"),
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(controller.port),
        EMAIL_TIMEOUT="10",
        CONVENE_DELIVERY_LEASE_SECONDS=str(LEASE_SECONDS),
        LOG_LEVEL="WARNING",
    )
    running = Consumers(tmp_path, env)
    try:
        yield running
    finally:
        running.stop_all()


def wait_for(condition: Callable[[], bool], what: str, consumers: Consumers) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {WAIT} s for {what}\n{consumers.logs()}")
        time.sleep(0.05)


@pytest.fixture
def group_of_thirty(committee_member, monkeypatch):
    """An open group: two co-chairs and 30 members who each want every post by e-mail."""
    # The consumer sends the post, not this process (where Huey runs tasks at once during tests).
    monkeypatch.setattr(tasks, "deliver_post", lambda post_id: None)
    chair = make_person("chair.one@example.org", name="Chipo Chair", country="ZW")
    chair_two = make_person("chair.two@example.org", name="Dana Chair", country="DK", sector="academic")
    group = services.group_propose(
        acting=chair,
        kind=GroupKind.objects.get(slug="interest-group"),
        name="Case Management",
        purpose="Gather practice.",
    )
    services.group_decide(group=group, outcome=DecisionOutcome.APPROVED, acting=committee_member)
    for person in (chair, chair_two):
        services.cochair_appoint(group=group, person=person, acting=committee_member)
    members = [
        make_person(f"reader.{n:02d}@example.org", name=f"Reader {n:02d}", country="GH")
        for n in range(RECIPIENTS)
    ]
    for person in members:
        services.membership_join(group=group, acting=person)
    return group, chair, members


def kill_mid_batch_then_recover(consumers, handler, shared_db, task_code: str, expected: set[str]):
    """Run ``task_code`` in a consumer, SIGKILL it mid-batch, recover; return the state at the kill."""
    shared_db.share()
    first = consumers.start()
    consumers.enqueue(task_code)
    wait_for(lambda: len(handler.received) >= KILL_AFTER, f"{KILL_AFTER} messages", consumers)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=WAIT)
    killed_at = time.monotonic()
    assert first.returncode == -signal.SIGKILL

    shared_db.refresh()
    # (A digest claims and marks all of a person's rows together: one row per person says it all.)
    at_kill = {row.person.email: row for row in PostDelivery.objects.select_related("person")}
    sent_at_kill = {email for email, row in at_kill.items() if row.status == DeliveryStatus.SENT}
    claimed_at_kill = {
        email for email, row in at_kill.items() if row.status == DeliveryStatus.PENDING and row.claimed_at
    }
    received_at_kill = handler.recipients()
    # Half done: some sent, some not; the worker held at most the one message it was sending.
    assert 0 < len(sent_at_kill) < len(expected), (len(sent_at_kill), consumers.logs())
    assert len(claimed_at_kill) <= 1, claimed_at_kill
    assert set(received_at_kill) >= sent_at_kill

    # Another worker starts; the dead worker's task is lost with it (Huey had taken it off the queue).
    consumers.start()
    # The periodic sweep, once the dead worker's lease is over (the schedule runs it every 5 minutes).
    time.sleep(max(0.0, killed_at + LEASE_SECONDS + 0.5 - time.monotonic()))
    consumers.enqueue("from convene.groups.tasks import periodic_sweep; periodic_sweep()")

    def all_sent() -> bool:
        if set(handler.recipients()) != expected:
            return False
        shared_db.refresh()
        return not PostDelivery.objects.filter(status=DeliveryStatus.PENDING).exists()

    wait_for(all_sent, "every recipient and every delivery marked sent", consumers)
    return sent_at_kill, claimed_at_kill


def assert_each_once_in_flight_at_most_twice(handler, expected, sent_at_kill, claimed_at_kill):
    received = handler.recipients()
    assert set(received) == expected  # nobody skipped
    twice = {email for email, count in received.items() if count == 2}
    assert all(count <= 2 for count in received.values()), received
    # Only the message in flight at the kill may have gone twice; what was marked sent never again.
    assert twice <= claimed_at_kill, (twice, claimed_at_kill)
    assert not twice & sent_at_kill
    # No delivery left claimed past its lease: every row is sent, none pending, none failed.
    statuses = Counter(PostDelivery.objects.values_list("status", flat=True))
    assert statuses == {DeliveryStatus.SENT: PostDelivery.objects.count()}
    assert not PostDelivery.objects.filter(status=DeliveryStatus.PENDING, claimed_at__isnull=False).exists()


def test_a_worker_killed_mid_send_skips_nobody_and_repeats_only_the_message_in_flight(
    group_of_thirty, consumers, mailbox, shared_db
):
    group, chair, members = group_of_thirty
    _controller, handler = mailbox
    thread = services.thread_start(group=group, acting=chair, title="Supervision tools", body="Who has one?")
    post_id = thread.posts.get().pk
    expected = set(PostDelivery.objects.filter(mode=Notify.EACH_POST).values_list("person__email", flat=True))
    assert len(expected) == RECIPIENTS + 1  # the members and the other co-chair; not the author

    sent_at_kill, claimed_at_kill = kill_mid_batch_then_recover(
        consumers,
        handler,
        shared_db,
        f"from convene.groups.tasks import deliver_post; deliver_post({post_id})",
        expected,
    )

    assert_each_once_in_flight_at_most_twice(handler, expected, sent_at_kill, claimed_at_kill)
    assert all("Supervision tools" in content for _rcpt, content in handler.received)


def test_a_worker_killed_mid_digest_skips_nobody_and_repeats_only_the_digest_in_flight(
    group_of_thirty, consumers, mailbox, shared_db
):
    group, chair, members = group_of_thirty
    _controller, handler = mailbox
    for person in members:
        membership = person.group_memberships.get(group=group)
        services.membership_set_notify(membership=membership, notify=Notify.DAILY, acting=person)
    for title in ("Supervision tools", "Case conferences"):
        services.thread_start(group=group, acting=chair, title=title, body="Who has one?")
    expected = {person.email for person in members}
    assert (
        set(PostDelivery.objects.filter(mode=Notify.DAILY).values_list("person__email", flat=True))
        == expected
    )
    # The other co-chair wants each post: those rows are not the digest's, and nothing sends them here.
    PostDelivery.objects.filter(mode=Notify.EACH_POST).delete()

    sent_at_kill, claimed_at_kill = kill_mid_batch_then_recover(
        consumers,
        handler,
        shared_db,
        "from convene.groups.tasks import daily_digest; daily_digest()",
        expected,
    )

    # One digest per person carries both posts: the counts are of e-mails, not of rows.
    assert_each_once_in_flight_at_most_twice(handler, expected, sent_at_kill, claimed_at_kill)
    assert all(
        "Supervision tools" in content and "Case conferences" in content
        for _rcpt, content in handler.received
    )


# --- Several workers on one Redis queue (production with more than one process) -----------------

POSTS = 3


@pytest.fixture
def redis_queue(consumers):
    """A Huey queue on Redis, of this test's own name, emptied at the end."""
    import uuid

    client = redis_or_skip()
    name = f"convene_test_{uuid.uuid4().hex[:12]}"
    consumers.env.update(HUEY_REDIS_URL=TEST_REDIS_URL, HUEY_NAME=name)
    try:
        yield client
    finally:
        for key in client.scan_iter(f"*{name}*"):
            client.delete(key)
        client.close()


def test_two_workers_on_one_redis_queue_send_each_message_once(
    group_of_thirty, consumers, mailbox, shared_db, redis_queue
):
    """Two Huey processes (two threads each) take from one Redis queue in which every send is
    enqueued twice (a retry racing the original, or two schedulers): each person gets each post once."""
    group, chair, members = group_of_thirty
    _controller, handler = mailbox
    titles = [f"Supervision tools {n}" for n in range(POSTS)]
    post_ids = [
        services.thread_start(group=group, acting=chair, title=title, body="Who has one?").posts.get().pk
        for title in titles
    ]
    recipients = set(
        PostDelivery.objects.filter(mode=Notify.EACH_POST).values_list("person__email", flat=True)
    )
    assert len(recipients) == RECIPIENTS + 1
    shared_db.share()
    consumers.start()
    consumers.start()
    sends = "; ".join(f"deliver_post({post_id}); deliver_post({post_id})" for post_id in post_ids)
    consumers.enqueue(
        f"from convene.groups.tasks import deliver_post, periodic_sweep; {sends}; periodic_sweep()"
    )

    def all_sent() -> bool:
        if len(handler.received) < len(recipients) * POSTS:
            return False
        shared_db.refresh()
        return not PostDelivery.objects.filter(status=DeliveryStatus.PENDING).exists()

    wait_for(all_sent, "every post sent to everyone", consumers)
    # Both processes are alive and the queue is drained: no task is left to send anything again.
    wait_for(
        lambda: redis_queue.llen(f"huey.redis.{consumers.env['HUEY_NAME']}") == 0, "an empty queue", consumers
    )
    assert all(process.poll() is None for process in consumers.started), consumers.logs()
    consumers.stop_all()

    per_message = Counter(
        (rcpt, next(title for title in titles if f"{title}" in content)) for rcpt, content in handler.received
    )
    assert set(per_message) == {(email, title) for email in recipients for title in titles}
    assert set(per_message.values()) == {1}, [key for key, count in per_message.items() if count > 1]
