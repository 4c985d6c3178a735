"""The sending loop of one mailing (driven by ``tasks.send_mailing`` and ``convene mailing_send``).

Every recipient has a pending Delivery row before this runs. The loop takes pending rows in id order,
a batch at a time, sends each through one SMTP connection and marks the row sent (its own committed
UPDATE) right after the server said 250. Killed at any point, a restart finds the rows still pending:
nobody is skipped, and only the message in flight (handed over, not yet marked) can go twice.

One worker sends a mailing at a time: it holds the mailing's lease, renewed every batch; a worker that
died leaves its lease to run out and the periodic sweep (schedules.py) starts another. The rate is
MAILING_RATE_PER_SECOND (0: as fast as the server takes them)."""

import datetime
import smtplib
import time

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection as db
from django.db.models import Q
from django.utils import timezone

from .messages import Prepared, build
from .models import Delivery, DeliveryState, Mailing, MailingState

LEASE = datetime.timedelta(seconds=120)
MARK = (
    f"UPDATE {Delivery._meta.db_table} SET state = %s, sent_at = %s, error = %s WHERE id = %s AND state = %s"  # noqa: S608 (the table name only)
)


def take_lease(mailing_id: int, *, take_over: bool = False) -> bool:
    now = timezone.now()
    mailings = Mailing.objects.filter(pk=mailing_id, state=MailingState.SENDING)
    if not take_over:
        mailings = mailings.filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
    return mailings.update(lease_until=now + LEASE) == 1


def send_mailing(mailing_id: int, *, take_over: bool = False, limit: int | None = None) -> int:
    """Send what is pending of the mailing; returns how many messages went. ``limit`` stops early
    (the tests and the benchmark)."""
    if not take_over and not take_lease(mailing_id):
        return 0
    if take_over and not take_lease(mailing_id, take_over=True):
        return 0
    mailing = Mailing.objects.get(pk=mailing_id)
    rate = settings.MAILING_RATE_PER_SECOND
    interval = 1.0 / rate if rate > 0 else 0.0
    sent = 0
    next_at = time.monotonic()
    connection = get_connection()
    connection.open()
    # Talking SMTP itself, the sender makes each language's message once and only puts the recipient's
    # parts in per message (messages.Prepared); through any other backend it builds each message.
    prepared: dict[str, Prepared] | None = {} if isinstance(connection, SMTPBackend) else None
    _fast_commits(True)
    try:
        while True:
            state = Mailing.objects.filter(pk=mailing_id).values_list("state", flat=True).first()
            if state != MailingState.SENDING:
                break
            batch = list(
                Delivery.objects.filter(mailing_id=mailing_id, state=DeliveryState.PENDING)
                .order_by("pk")
                .values_list("pk", "person_id", "person__email", "language")[: settings.MAILING_BATCH_SIZE]
            )
            if not batch:
                Mailing.objects.filter(pk=mailing_id, state=MailingState.SENDING).update(
                    state=MailingState.SENT, finished_at=timezone.now(), lease_until=None
                )
                break
            for delivery_id, person_id, email, language in batch:
                if interval:
                    pause = next_at - time.monotonic()
                    if pause > 0:
                        time.sleep(pause)
                    next_at = max(next_at, time.monotonic() - 1.0) + interval
                try:
                    _deliver(connection, prepared, mailing, delivery_id, person_id, email, language)
                except smtplib.SMTPRecipientsRefused as error:
                    _mark(delivery_id, DeliveryState.FAILED, str(error.recipients)[:300])
                    continue
                except smtplib.SMTPResponseException as error:
                    if error.smtp_code < 500:
                        raise  # the server is busy: the task's retry sends the rest later
                    # This one message is refused for good: it must not stop the others.
                    _mark(delivery_id, DeliveryState.FAILED, f"{error.smtp_code} {error.smtp_error!r}"[:300])
                    continue
                _mark(delivery_id, DeliveryState.SENT)
                sent += 1
                if limit is not None and sent >= limit:
                    return sent
            Mailing.objects.filter(pk=mailing_id).update(lease_until=timezone.now() + LEASE)
    except Exception:
        # A failure (not a kill): let the retry or the sweep take the mailing up at once.
        Mailing.objects.filter(pk=mailing_id).update(lease_until=None)
        raise
    finally:
        connection.close()
        _fast_commits(False)
        Mailing.objects.filter(pk=mailing_id).exclude(state=MailingState.SENDING).update(lease_until=None)
    return sent


def _deliver(connection, prepared, mailing, delivery_id, person_id, email, language) -> None:
    language = language or mailing.default_language
    if prepared is not None:
        message = prepared.get(language)
        if message is None:
            message = prepared[language] = Prepared(
                edition=mailing.edition_for(language), list_name=mailing.purpose, language=language
            )
        envelope = message.render(to=email, person_id=person_id, delivery_id=delivery_id)
        _send_prepared(connection, *envelope)
    else:  # another backend (a provider's through anymail, the tests' memory): a message each
        message = build(
            edition=mailing.edition_for(language),
            to=email,
            person_id=person_id,
            list_name=mailing.purpose,
            language=language,
            delivery_id=delivery_id,
            connection=connection,
        )
        _send_message(connection, message)


def _send_prepared(connection: SMTPBackend, sender: str, recipients: list[str], data: bytes) -> None:
    try:
        connection.connection.sendmail(sender, recipients, data)
    except smtplib.SMTPServerDisconnected:
        # The server hung up between messages: once more on a fresh connection. This message was not
        # accepted, so it is not sent twice.
        connection.close()
        connection.open()
        connection.connection.sendmail(sender, recipients, data)


def _send_message(connection, message) -> None:
    try:
        connection.send_messages([message])
    except smtplib.SMTPServerDisconnected:
        connection.close()
        connection.open()
        connection.send_messages([message])


def _fast_commits(on: bool) -> None:
    """Each row is marked sent in a commit of its own; on PostgreSQL the sender does not wait for that
    commit to reach the disk (``synchronous_commit = off``). A killed worker loses nothing by it (the
    commit is in the server's log buffer); only a crash of the database server itself within a fraction
    of a second could lose the last marks, and those few messages would go again: the price of not
    waiting for the disk once per message (at 20 ms a flush on a busy disk, a limit of 50 messages/s)."""
    if db.vendor == "postgresql":
        with db.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF" if on else "RESET synchronous_commit")


def _mark(delivery_id: int, state: str, error: str = "") -> None:
    """The row's own committed UPDATE, right after the server took the message: one statement made once
    (the ORM's compiling of the same UPDATE cost more than sending it to the database)."""
    with db.cursor() as cursor:
        cursor.execute(
            MARK,
            [
                state,
                db.ops.adapt_datetimefield_value(timezone.now()),
                error,
                delivery_id,
                DeliveryState.PENDING,
            ],
        )


def abandoned() -> list[int]:
    """The mailings still "sending" whose worker's lease ran out (a dead worker, or never started)."""
    now = timezone.now()
    return list(
        Mailing.objects.filter(state=MailingState.SENDING)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .values_list("pk", flat=True)
    )
