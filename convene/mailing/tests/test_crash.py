"""The sender killed mid-send, again and again: nobody skipped, at most the message in flight twice.

A mailing to RECIPIENTS members is started here (every delivery row written), then sent by
``convene mailing_send`` in another process through a real SMTP sink (aiosmtpd, in this process). The
test SIGKILLs the sender at KILLS random points (when the sink has seen a random number of messages),
starts a new one each time (``--take-over``: the operator, or the sweep once the lease runs out), and
at the end asserts on the sink: everyone got it, and each kill cost at most one duplicate.

The other process reaches the test database as in tests/test_crash_safety.py (PostgreSQL: the test
database itself; SQLite: a file copy made with SQLite's backup API, copied back to read the result).
The issue's bar (5,000 recipients, 10 kills) is ``MAILING_CRASH_RECIPIENTS=5000 MAILING_CRASH_KILLS=10``;
the default (400, 3) keeps the suite fast: each sender process takes a second or two to start."""

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from convene.mailing import services, tasks
from convene.mailing.models import BulkList, Delivery, DeliveryState, Mailing, MailingState
from convene.people.models import MembershipStatus, Person, Profile
from tests.test_crash_safety import Database

from .conftest import Sink, free_port

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parents[3]
RECIPIENTS = int(os.environ.get("MAILING_CRASH_RECIPIENTS", "400"))
KILLS = int(os.environ.get("MAILING_CRASH_KILLS", "3"))
WAIT = 120


def members(n: int) -> None:
    people = Person.objects.bulk_create(
        [Person(email=f"crash{i:05d}@example.org", password="!", language="en") for i in range(n)],
        batch_size=1000,
    )
    Profile.objects.bulk_create(
        [Profile(person=p, name=f"Crash {p.pk}", membership_status=MembershipStatus.ACTIVE) for p in people],
        batch_size=1000,
    )


def test_killed_again_and_again_nobody_is_skipped_and_only_the_message_in_flight_repeats(
    staff, tmp_path, monkeypatch
):
    # The other process sends, not this one (where Huey runs tasks at once during tests).
    monkeypatch.setattr(tasks, "send_mailing", lambda mailing_id: None)
    members(RECIPIENTS)
    mailing = services.create_mailing(
        purpose=BulkList.EUPDATE,
        title="Crash",
        segment={},
        editions={"en": {"subject": "S", "html": "<p>H</p>", "text": "T"}},
        default_language="en",
        created_by=staff,
    )
    services.start(mailing, staff)
    expected = set(Delivery.objects.filter(mailing=mailing).values_list("person__email", flat=True))
    assert len(expected) == RECIPIENTS + 1

    database = Database(tmp_path)
    database.share()
    sink = Sink()
    server = Controller(sink, hostname="127.0.0.1", port=free_port())
    server.start()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTEST_VERSION", "CONVENE_TESTING", "HUEY_IMMEDIATE", "HUEY_REDIS_URL", "DEBUG"}
        and not k.startswith(("PYTEST_", "EMAIL_", "MAILING_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="convene.settings",
        DATABASE_URL=database.url,
        CONVENE_VAR_DIR=str(tmp_path / "var"),
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(server.port),
        MAILING_DOMAIN="lists.example.org",
        MAILING_RATE_PER_SECOND="0",
        MAILING_BATCH_SIZE="100",
    )
    command = [sys.executable, "-m", "convene", "mailing_send", str(mailing.pk), "--take-over"]
    rng = random.Random(os.environ.get("MAILING_CRASH_SEED", "13"))
    kill_points = sorted(rng.sample(range(1, RECIPIENTS), KILLS))
    log_file = tmp_path / "out.log"
    try:
        with log_file.open("ab") as log:
            for point in kill_points:
                process = subprocess.Popen(
                    command,
                    env=env,
                    cwd=ROOT,
                    start_new_session=True,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
                deadline = time.monotonic() + WAIT
                # A fast sender may be past the next point when it is killed: each sender sends at least
                # one message before its kill (the last one's message in flight, sent again, at least).
                target = max(point, len(sink.received) + 1)
                while len(sink.received) < target:
                    assert process.poll() is None, log_file.read_text()[-3000:]
                    assert time.monotonic() < deadline, f"no progress to {point}"
                    time.sleep(0.002)
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=WAIT)
            last = subprocess.run(command, env=env, cwd=ROOT, timeout=WAIT, capture_output=True, check=False)
            assert last.returncode == 0, last.stderr.decode()[-2000:]
    finally:
        server.stop()

    database.refresh()
    got = Counter(rcpt for _from, rcpts, _data in sink.received for rcpt in rcpts)
    assert set(got) == expected  # nobody skipped, nobody else
    duplicates = {address: n for address, n in got.items() if n > 1}
    # Each kill repeats at most its message in flight: one extra copy a kill. (Killed again while it
    # sends that same message anew, a sender repeats it once more: still one a kill.)
    assert sum(n - 1 for n in duplicates.values()) <= KILLS, duplicates
    assert Mailing.objects.get(pk=mailing.pk).state == MailingState.SENT
    assert not Delivery.objects.filter(mailing=mailing).exclude(state=DeliveryState.SENT).exists()
