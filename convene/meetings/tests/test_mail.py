"""Meeting e-mail through a real local SMTP server, parsed back: the invitation's calendar part
(METHOD:REQUEST, UID, SEQUENCE, VTIMEZONE, URL), the one-click answer link working without a session,
List-Unsubscribe (RFC 8058); the update when a meeting moves, the cancellation, a series as one
invitation, and the minutes' follow-up."""

import datetime
import email
import email.policy
import socket
import time

import icalendar
import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.test import Client

from convene.meetings import minutes_services, services
from convene.meetings.models import Invitation
from convene.meetings.times import Frequency, Recurrence

UTC = datetime.UTC


def wall(*args) -> datetime.datetime:
    return datetime.datetime(*args)  # noqa: DTZ001 (a wall-clock time; its zone is passed beside it)


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
def smtp(settings):
    handler = _Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield handler
    finally:
        controller.stop()


def received(handler, to: str, count: int = 1) -> list[email.message.EmailMessage]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        mine = [e for e in handler.envelopes if e.rcpt_tos == [to]]
        if len(mine) >= count:
            break
        time.sleep(0.05)
    return [email.message_from_bytes(e.content, policy=email.policy.default) for e in mine]


def calendar_part(message) -> tuple[str, icalendar.Calendar]:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return part.get_param("method"), icalendar.Calendar.from_ical(part.get_content())


def schedule(chair, group, capture):
    with capture(execute=True):
        return services.meeting_schedule(
            acting=chair,
            title="Kick-off",
            starts=wall(2030, 1, 15, 15),
            ends=wall(2030, 1, 15, 16),
            zone_name="Europe/Copenhagen",
            groups=[group],
            video_url="https://meet.example/k",
        )


def test_the_invitation_carries_the_calendar_entry_and_answers_in_one_click(
    smtp, group, chair, group_member, django_capture_on_commit_callbacks
):
    meeting = schedule(chair, group, django_capture_on_commit_callbacks)

    (message,) = received(smtp, group_member.email)
    method, cal = calendar_part(message)
    assert method == "REQUEST"
    assert str(cal["METHOD"]) == "REQUEST"
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == meeting.uid
    assert event["SEQUENCE"] == 0
    assert str(event["URL"]).endswith(f"/meetings/{meeting.pk}/")
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    assert str(message["List-Unsubscribe"]).strip().startswith("<http")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Organiser's time: Tuesday 15 January 2030, 15:00–16:00 (Europe/Copenhagen)" in text
    yes = next(line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("Yes: "))

    path = "/" + yes.split("://", 1)[1].split("/", 1)[1]
    visitor = Client()
    assert visitor.get(path).status_code == 200
    visitor.post(path.split("?")[0], {"answer": "yes"})
    assert Invitation.objects.get(meeting=meeting, person=group_member).answer == "yes"


def test_a_move_is_an_update_and_a_cancellation_a_cancel(
    smtp, group, chair, group_member, django_capture_on_commit_callbacks
):
    meeting = schedule(chair, group, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_move(
            meeting=meeting, acting=chair, starts=wall(2030, 1, 16, 9), ends=wall(2030, 1, 16, 10)
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting, acting=chair)

    first, moved, cancelled = received(smtp, group_member.email, 3)
    assert moved["Subject"].startswith("Changed: Kick-off")
    method, cal = calendar_part(moved)
    (event,) = cal.walk("VEVENT")
    assert (method, str(event["UID"]), event["SEQUENCE"]) == ("REQUEST", meeting.uid, 1)
    method, cal = calendar_part(cancelled)
    (event,) = cal.walk("VEVENT")
    assert (method, str(event["UID"]), event["SEQUENCE"], str(event["STATUS"])) == (
        "CANCEL",
        meeting.uid,
        2,
        "CANCELLED",
    )


def test_a_series_is_one_invitation_with_its_rule(
    group, chair, group_member, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        series = services.series_schedule(
            acting=chair,
            title="Monthly",
            starts=wall(2030, 1, 8, 15),
            ends=wall(2030, 1, 8, 16),
            zone_name="Europe/Copenhagen",
            recurrence=Recurrence(Frequency.MONTHLY, weekday=1, position=2, count=6),
            groups=[group],
            video_url="https://meet.example/m",
        )
    mine = [m for m in mailoutbox if m.to == [group_member.email]]
    assert len(mine) == 1
    ics = next(content for content, mimetype in mine[0].alternatives if mimetype.startswith("text/calendar"))
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["UID"]) == series.uid
    assert event["RRULE"]["BYDAY"] == ["2TU"]
    assert not Invitation.objects.filter(meeting__series=series, sent_sequence__lt=0).exists()

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.series_cancel(series=series, acting=chair, now=datetime.datetime(2030, 3, 1, tzinfo=UTC))
    (cancel,) = [m for m in mailoutbox if m.to == [group_member.email]]
    ics = next(content for content, mimetype in cancel.alternatives if mimetype.startswith("text/calendar"))
    cal = icalendar.Calendar.from_ical(ics)
    assert str(cal["METHOD"]) == "CANCEL"


def test_the_minutes_follow_up_lists_decisions_and_action_items(
    group, chair, group_member, django_capture_on_commit_callbacks, mailoutbox
):
    meeting = schedule(chair, group, django_capture_on_commit_callbacks)
    minutes_services.meeting_decision_record(meeting=meeting, acting=chair, title="Adopt the outline")
    minutes_services.action_item_add(
        meeting=meeting,
        acting=chair,
        what="Circulate it",
        assignee=group_member,
        due_on=datetime.date(2030, 2, 1),
    )
    minutes_services.minutes_save(meeting=meeting, acting=chair, body="We met.", revision=None)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        minutes_services.minutes_publish(meeting=meeting, acting=chair)

    (message,) = [m for m in mailoutbox if m.to == [group_member.email]]
    assert message.subject == "Minutes: Kick-off"
    assert "- Adopt the outline" in message.body
    assert "- Circulate it — " in message.body
    assert "We met." in message.body


def test_the_sweep_sends_what_a_lost_task_left_owed(group, chair, group_member, mailoutbox):
    from convene.meetings import tasks

    meeting = services.meeting_schedule(  # no commit callbacks run: the task is "lost"
        acting=chair,
        title="Lost",
        starts=wall(2030, 1, 15, 15),
        ends=wall(2030, 1, 15, 16),
        zone_name="UTC",
        groups=[group],
        video_url="https://meet.example/l",
    )
    assert not mail.outbox
    tasks.sweep_meeting_mail.call_local()
    assert [m.to for m in mailoutbox].count([group_member.email]) == 1
    tasks.sweep_meeting_mail.call_local()  # twice is once
    assert [m.to for m in mailoutbox].count([group_member.email]) == 1
    assert Invitation.objects.get(meeting=meeting, person=group_member).sent_sequence == 0
