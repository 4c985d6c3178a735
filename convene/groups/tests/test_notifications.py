"""E-mail about posts (each, digests, none), one-click unsubscribe, the sweep and work-plan reminders."""

import datetime
import email
import email.policy
import socket
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import client_for, give_term, make_person
from convene.groups import reminders, services, tasks, tokens
from convene.groups.models import DeliveryStatus, GroupMembership, Notify, PostDelivery, Reminder

from .conftest import make_group


def _join(group, person, notify=Notify.EACH_POST) -> GroupMembership:
    membership = services.membership_join(group=group, acting=person)
    if notify != Notify.EACH_POST:
        services.membership_set_notify(membership=membership, notify=notify, acting=person)
    return membership


@pytest.fixture
def readers(open_group):
    """Four members of the group, one for each notification choice."""
    people = {
        choice: make_person(f"{choice}@example.org", name=f"{choice.title()} Reader", country="GH")
        for choice in Notify.values
    }
    for choice, person in people.items():
        _join(open_group, person, choice)
    return people


def _start(group, author, capture, title="Supervision tools", body="Who has a checklist?"):
    with capture(execute=True):
        return services.thread_start(group=group, acting=author, title=title, body=body)


def test_a_post_reaches_each_member_as_they_chose(
    open_group, chair, chair_two, readers, mailoutbox, django_capture_on_commit_callbacks
):
    _start(open_group, chair, django_capture_on_commit_callbacks)

    # Each post: one e-mail each now; the author gets no copy.
    assert sorted(m.to[0] for m in mailoutbox) == sorted([readers["each"].email, chair_two.email])
    message = mailoutbox[0]
    assert message.subject == "[Case Management Interest Group] Supervision tools"
    assert "Chipo Chair wrote in Case Management Interest Group:" in message.body
    assert "Who has a checklist?" in message.body
    assert message.body.rstrip().endswith(message.extra_headers["List-Unsubscribe"].strip("<>"))
    statuses = dict(PostDelivery.objects.values_list("person__email", "status"))
    assert statuses == {
        "each@example.org": DeliveryStatus.SENT,
        chair_two.email: DeliveryStatus.SENT,
        "daily@example.org": DeliveryStatus.PENDING,
        "weekly@example.org": DeliveryStatus.PENDING,
        "none@example.org": DeliveryStatus.SKIPPED,
    }

    # Daily and weekly: nothing now, one digest later.
    mailoutbox.clear()
    assert tasks.send_digests(Notify.DAILY) == 1
    assert [m.to for m in mailoutbox] == [[readers["daily"].email]]
    digest = mailoutbox[0]
    assert digest.subject == "Your daily digest from Convene demo network"
    assert "== Case Management Interest Group ==" in digest.body
    assert "Supervision tools" in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert digest.extra_headers["List-Unsubscribe"].strip("<>") in digest.body
    assert tasks.send_digests(Notify.DAILY) == 0  # run twice: nothing more

    mailoutbox.clear()
    assert tasks.send_digests(Notify.WEEKLY) == 1
    assert [m.to for m in mailoutbox] == [[readers["weekly"].email]]
    assert all(m.to != [readers["none"].email] for m in mailoutbox)


def test_a_digest_gathers_several_posts_in_one_e_mail(
    open_group, chair, readers, mailoutbox, django_capture_on_commit_callbacks
):
    thread = _start(open_group, chair, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(thread=thread, acting=readers["each"], body="Here is ours.")
    mailoutbox.clear()

    tasks.send_digests(Notify.WEEKLY)

    [digest] = mailoutbox
    assert "Who has a checklist?" in digest.body
    assert "Here is ours." in digest.body


def test_list_unsubscribe_one_click_stops_the_e_mail(
    open_group, chair, readers, mailoutbox, django_capture_on_commit_callbacks
):
    reader = readers["each"]
    _start(open_group, chair, django_capture_on_commit_callbacks)
    message = next(m for m in mailoutbox if m.to == [reader.email])
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = url.removeprefix("http://127.0.0.1:8000")

    # What a mail program does (RFC 8058): a POST, no cookie, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert GroupMembership.objects.get(group=open_group, person=reader, status="active").notify == Notify.NONE
    mailoutbox.clear()
    _start(open_group, chair, django_capture_on_commit_callbacks, title="Second")
    assert all(m.to != [reader.email] for m in mailoutbox)
    assert len(mailoutbox) == 1  # chair_two still gets it


def test_unsubscribing_also_stops_the_digest_already_gathering(
    open_group, chair, readers, mailoutbox, django_capture_on_commit_callbacks
):
    _start(open_group, chair, django_capture_on_commit_callbacks)
    membership = GroupMembership.objects.get(group=open_group, person=readers["weekly"], status="active")

    client_for(None).post(reverse("groups:unsubscribe", args=[tokens.unsubscribe_token(membership.pk)]))
    mailoutbox.clear()

    assert tasks.send_digests(Notify.WEEKLY) == 0
    assert mailoutbox == []
    assert PostDelivery.objects.get(person=readers["weekly"]).status == DeliveryStatus.SKIPPED


def test_the_unsubscribe_link_opened_in_a_browser_asks_first(open_group, member):
    membership = _join(open_group, member)
    url = reverse("groups:unsubscribe", args=[tokens.unsubscribe_token(membership.pk)])

    response = client_for(None).get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Case Management Interest Group" in html
    assert "Stop these e-mails" in html
    membership.refresh_from_db()
    assert membership.notify == Notify.EACH_POST

    response = client_for(None).post(url)
    assert "Done" in response.content.decode()
    membership.refresh_from_db()
    assert membership.notify == Notify.NONE


@pytest.mark.parametrize("token", ["nonsense", "eyJtIjoxfQ:1u2v3w:forgedsignature"])
def test_a_bad_unsubscribe_token_gets_a_clear_400(open_group, member, token):
    membership = _join(open_group, member)

    for method in ("get", "post"):
        response = getattr(client_for(None), method)(reverse("groups:unsubscribe", args=[token]))
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()
    membership.refresh_from_db()
    assert membership.notify == Notify.EACH_POST


def test_a_member_who_left_is_not_sent_an_owed_post(open_group, chair, chair_two, member, mailoutbox):
    _join(open_group, member)
    services.thread_start(group=open_group, acting=chair, title="Owed", body="Hello")  # the send never ran
    services.membership_leave(group=open_group, acting=member)

    PostDelivery.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    tasks.sweep_deliveries()

    assert [m.to for m in mailoutbox] == [[chair_two.email]]
    assert PostDelivery.objects.get(person=member).status == DeliveryStatus.SKIPPED


def test_the_sweep_resends_a_delivery_a_dead_worker_claimed_exactly_once(
    open_group, chair, member, mailoutbox
):
    _join(open_group, member)
    services.thread_start(group=open_group, acting=chair, title="Lost?", body="Hello")  # on_commit never ran
    delivery = PostDelivery.objects.get(person=member)
    # A worker claimed the row and died before sending.
    PostDelivery.objects.filter(pk=delivery.pk).update(
        claimed_at=timezone.now() - tasks.LEASE - timedelta(seconds=1), attempts=1
    )
    # Another row is held by a live worker, inside its lease: the sweep leaves it alone.
    held = PostDelivery.objects.exclude(pk=delivery.pk).get()
    PostDelivery.objects.filter(pk=held.pk).update(claimed_at=timezone.now(), attempts=1)

    assert tasks.sweep_deliveries() == 1
    assert tasks.sweep_deliveries() == 0

    assert [m.to for m in mailoutbox] == [[member.email]]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    held.refresh_from_db()
    assert held.status == DeliveryStatus.PENDING


# --- Work plan reminders -----------------------------------------------------------------------------


def test_workplan_reminders_30_7_and_1_days_before_then_overdue(
    committee_member, secretariat, chair, chair_two, mailoutbox
):
    launched = datetime.date(2025, 1, 15)
    group = make_group(committee=committee_member, cochairs=[chair, chair_two], launched_on=launched)
    due = group.workplan_due_on
    assert due == launched + timedelta(days=90)
    cochair_emails = sorted([chair.email, chair_two.email])

    assert reminders.send_workplan_reminders(today=due - timedelta(days=31)) == 0
    assert mailoutbox == []
    for days in (30, 7, 1):
        mailoutbox.clear()
        assert reminders.send_workplan_reminders(today=due - timedelta(days=days)) == 1
        assert reminders.send_workplan_reminders(today=due - timedelta(days=days)) == 0  # twice: sent once
        assert sorted(m.to[0] for m in mailoutbox) == cochair_emails
        assert f"due in {days} day" in mailoutbox[0].subject
    mailoutbox.clear()
    assert reminders.send_workplan_reminders(today=due - timedelta(days=3)) == 0  # between steps: nothing

    assert reminders.send_workplan_reminders(today=due + timedelta(days=2)) == 1
    assert reminders.send_workplan_reminders(today=due + timedelta(days=3)) == 0
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [*cochair_emails, committee_member.email, secretariat.email]
    )
    assert "overdue" in mailoutbox[0].subject
    assert "2 days ago" in mailoutbox[0].body
    assert Reminder.objects.filter(group=group).count() == 4


def test_no_reminder_once_the_work_plan_is_received(
    committee_member, secretariat, chair, chair_two, mailoutbox
):
    group = make_group(
        committee=committee_member, cochairs=[chair, chair_two], launched_on=datetime.date(2025, 1, 15)
    )
    services.workplan_mark_received(group=group, acting=secretariat)

    assert reminders.send_workplan_reminders(today=group.workplan_due_on - timedelta(days=7)) == 0
    assert mailoutbox == []


# --- Through a real SMTP server ----------------------------------------------------------------------


class _Collector:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.envelopes.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = _Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


def test_a_post_goes_out_through_a_real_smtp_server(
    settings, smtp_server, open_group, chair, member, django_capture_on_commit_callbacks
):
    controller, handler = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    _join(open_group, member)

    _start(open_group, chair, django_capture_on_commit_callbacks, body="Über die Supervision — ¿qué opinan?")

    deadline = time.monotonic() + 5
    while len(handler.envelopes) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    [envelope] = [e for e in handler.envelopes if e.rcpt_tos == [member.email]]
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    unsubscribe = str(message["List-Unsubscribe"]).strip()  # folded onto its own line by the mailer
    assert unsubscribe.startswith("<http://127.0.0.1:8000/groups/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Subject"] == "[Case Management Interest Group] Supervision tools"
    assert "Über die Supervision — ¿qué opinan?" in message.get_content()
    assert message.get_content().rstrip().endswith(unsubscribe.strip("<>"))
    assert PostDelivery.objects.get(person=member).status == DeliveryStatus.SENT


def test_the_secretariat_on_the_committee_list_is_written_once(
    committee_member, chair, chair_two, mailoutbox
):
    """A person on both the committee and the secretariat gets one overdue reminder, not two."""
    give_term(committee_member, "secretariat")
    group = make_group(
        committee=committee_member, cochairs=[chair, chair_two], launched_on=datetime.date(2025, 1, 15)
    )

    reminders.send_workplan_reminders(today=group.workplan_due_on + timedelta(days=1))

    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [chair.email, chair_two.email, committee_member.email]
    )
