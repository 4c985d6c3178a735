"""Reminders before meetings and the person's choices: the page, the API, the one-click stop link;
reminders sent once per (meeting, person, lead time), whatever the number of runs; skipped for
cancelled and past meetings and for people who answered no; a run that fails part-way sends the
rest on the next one, and nothing twice."""

import datetime
import re
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from convene.meetings import notifications, queries, schedules, services
from convene.meetings.models import Invitation, Meeting, MeetingPreferences, MeetingReminder
from convene.meetings.tests.test_mail import received, smtp  # noqa: F401 (a fixture)
from convene.meetings.times import to_local

UTC = datetime.UTC


def soon(chair, group, *, hours: float, zone="Europe/Copenhagen", capture=None) -> Meeting:
    """A meeting ``hours`` from now, made two days ago (its invitation long sent)."""
    starts = to_local(timezone.now() + datetime.timedelta(hours=hours), zone).replace(
        second=0, microsecond=0, tzinfo=None
    )
    meeting = services.meeting_schedule(
        acting=chair,
        title="Planning",
        starts=starts,
        ends=starts + datetime.timedelta(hours=1),
        zone_name=zone,
        groups=[group],
        video_url="https://meet.example/planning",
    )
    Meeting.objects.filter(pk=meeting.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    return meeting


def run(capture, now=None) -> int:
    with capture(execute=True):
        return schedules.send_meeting_reminders(now=now)


def to(person) -> list:
    return [m for m in mail.outbox if m.to == [person.email]]


def test_a_day_ahead_by_default_once_however_often_the_task_runs(
    group, chair, chair_two, group_member, django_capture_on_commit_callbacks
):
    group_member.time_zone = "Asia/Manila"
    group_member.save(update_fields=["time_zone"])
    meeting = soon(chair, group, hours=20)
    mail.outbox.clear()

    assert run(django_capture_on_commit_callbacks) == 3  # both co-chairs and the member
    assert run(django_capture_on_commit_callbacks) == 0

    (message,) = to(group_member)
    assert message.subject.startswith("Reminder: Planning, ")
    manila = to_local(meeting.starts, "Asia/Manila")
    copenhagen = to_local(meeting.starts, "Europe/Copenhagen")
    assert f"Your time: {manila:%A} {manila.day} {manila:%B %Y, %H:%M}" in message.body
    assert "(Asia/Manila)" in message.body
    assert f"Organiser's time: {copenhagen:%A} {copenhagen.day} {copenhagen:%B %Y, %H:%M}" in message.body
    assert "Video link: https://meet.example/planning" in message.body
    assert "begins tomorrow" in message.body
    yes = next(line.split(": ", 1)[1] for line in message.body.splitlines() if line.startswith("Yes: "))
    assert "/meetings/answer/" in yes
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/meetings/preferences/" in message.extra_headers["List-Unsubscribe"]
    assert len(mail.outbox) == 3
    assert MeetingReminder.objects.filter(sent_at__isnull=False).count() == 3


def test_cancelled_past_and_declined_get_none_and_choices_are_followed(
    group, chair, chair_two, group_member, django_capture_on_commit_callbacks
):
    services.preferences_set(person=chair, reminder="none")
    services.preferences_set(person=chair_two, reminder="both")
    meeting = soon(chair, group, hours=0.5)  # within the hour: the hour's reminder only
    cancelled = soon(chair, group, hours=10)
    services.meeting_cancel(meeting=cancelled, acting=chair)
    soon(chair, group, hours=-2)  # begun already
    Invitation.objects.filter(meeting=meeting, person=group_member).update(answer="no")
    mail.outbox.clear()

    run(django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [[chair_two.email]]
    assert "begins in an hour" in mail.outbox[0].body
    assert list(MeetingReminder.objects.values_list("person_id", "lead")) == [(chair_two.pk, 60)]


def test_a_meeting_made_after_the_reminder_time_gets_no_late_reminder(
    group, chair, group_member, django_capture_on_commit_callbacks
):
    meeting = soon(chair, group, hours=20)
    Meeting.objects.filter(pk=meeting.pk).update(created_at=timezone.now())
    assert queries.reminders_due() == []


def test_a_failure_part_way_sends_the_rest_on_the_next_run_and_nothing_twice(
    group, chair, chair_two, group_member, django_capture_on_commit_callbacks
):
    soon(chair, group, hours=20)
    mail.outbox.clear()
    real = notifications.meeting_reminder
    calls = []

    def flaky(invitation, *, lead):
        calls.append(invitation.person_id)
        if len(calls) == 2:
            raise ConnectionError("mail server away")
        real(invitation, lead=lead)

    with mock.patch.object(notifications, "meeting_reminder", flaky):
        run(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    failed = MeetingReminder.objects.get(sent_at__isnull=True)
    assert failed.claimed_at is None  # given back

    # The next run finds the row its lost task left once the lease is over, and sends it alone.
    later = timezone.now() + queries.REMINDER_LEASE + datetime.timedelta(minutes=1)
    run(django_capture_on_commit_callbacks, now=later)
    run(django_capture_on_commit_callbacks, now=later)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([chair.email, chair_two.email, group_member.email])
    assert not MeetingReminder.objects.filter(sent_at__isnull=True).exists()


def test_the_preferences_page_saves_the_choices(member):
    client = client_for(member)
    page = client.get(reverse("meetings:preferences"))
    assert page.status_code == 200
    assert re.search(r'<input[^>]*name="reminder" value="day"[^>]*checked', page.content.decode())

    response = client.post(reverse("meetings:preferences"), {"reminder": "both", "digest": "weekly"})
    assert response.status_code == 302
    assert MeetingPreferences.objects.filter(person=member).values_list("reminder", "digest").get() == (
        "both",
        "weekly",
    )
    bad = client.post(reverse("meetings:preferences"), {"reminder": "often", "digest": "weekly"})
    assert bad.status_code == 400
    assert MeetingPreferences.objects.get(person=member).reminder == "both"


def test_the_profile_page_and_the_calendar_page_lead_to_the_choices(member):
    client = client_for(member)
    url = reverse("meetings:preferences")
    assert url in client.get(reverse("people:profile_edit")).content.decode()
    assert url in client.get(reverse("meetings:calendar")).content.decode()


def test_the_api_reads_and_sets_the_choices(member):
    client = client_for(member)
    url = "/api/v1/me/meeting-preferences"
    assert client.get(url).json() == {"reminder": "day", "digest": "none"}
    response = client.put(url, {"digest": "daily"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"reminder": "day", "digest": "daily"}
    bad = client.put(url, {"reminder": "often"}, content_type="application/json")
    assert bad.status_code == 422
    assert MeetingPreferences.objects.get(person=member).reminder == "day"
    assert Client().get(url).status_code == 401


@pytest.mark.parametrize("what", ["reminder", "digest"])
def test_one_click_stop_without_login(member, what):
    from convene.meetings.tokens import preferences_url

    services.preferences_set(person=member, reminder="both", digest="daily")
    path = "/" + preferences_url(member.pk, what).split("://", 1)[1].split("/", 1)[1]
    visitor = Client(enforce_csrf_checks=True)
    assert visitor.get(path).status_code == 200  # a confirm page: a link scanner stops nothing
    assert MeetingPreferences.objects.get(person=member).digest == "daily"
    response = visitor.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    preferences = MeetingPreferences.objects.get(person=member)
    assert (preferences.reminder, preferences.digest) == (
        ("none", "daily") if what == "reminder" else ("both", "none")
    )
    assert Client().post("/meetings/preferences/forged/").status_code == 404


def test_the_reminder_through_a_real_smtp_server(
    smtp,  # noqa: F811 (the fixture imported above)
    group,
    chair,
    group_member,
    django_capture_on_commit_callbacks,
):
    type(group_member).objects.filter(pk=group_member.pk).update(time_zone="America/New_York")
    meeting = soon(chair, group, hours=20)
    run(django_capture_on_commit_callbacks)

    (message,) = received(smtp, group_member.email)
    assert message["Subject"].startswith("Reminder: Planning, ")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = str(message["List-Unsubscribe"]).strip().strip("<>")
    text = message.get_body(preferencelist=("plain",)).get_content()
    new_york = to_local(meeting.starts, "America/New_York")
    assert f"Your time: {new_york:%A} {new_york.day} {new_york:%B %Y, %H:%M}" in text
    assert "Video link: https://meet.example/planning" in text

    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    assert Client().post(path, "List-Unsubscribe=One-Click", content_type="text/plain").status_code == 200
    assert MeetingPreferences.objects.get(person=group_member).reminder == "none"


def test_finding_the_reminders_owed_takes_the_same_queries_for_5_and_50_people(group, chair):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Person = type(chair)
    counts = []
    for n in (5, 50):
        meeting = soon(chair, group, hours=20)
        people = Person.objects.bulk_create([Person(email=f"r{i}.{n}@example.org") for i in range(n)])
        Invitation.objects.bulk_create([Invitation(meeting=meeting, person=p) for p in people])
        services.preferences_set(person=people[0], reminder="both")
        with CaptureQueriesContext(connection) as queries_run:
            due = queries.reminders_due()
        counts.append(len(queries_run))
        # With the two co-chairs; "both" has one reminder due now (the day's).
        assert sum(1 for m, _p, _l in due if m == meeting.pk) == n + 2
        MeetingReminder.objects.bulk_create(
            [MeetingReminder(meeting_id=m, person_id=p, lead=lead) for m, p, lead in due]
        )
    assert counts == [3, 3]


def test_a_moved_meeting_is_reminded_at_its_new_time(
    group, chair, group_member, django_capture_on_commit_callbacks
):
    meeting = soon(chair, group, hours=20)
    run(django_capture_on_commit_callbacks)
    assert MeetingReminder.objects.filter(meeting=meeting, person=group_member).exists()

    new_start = to_local(meeting.starts + datetime.timedelta(days=3), meeting.zone_name).replace(tzinfo=None)
    services.meeting_move(
        meeting=meeting, acting=chair, starts=new_start, ends=new_start + datetime.timedelta(hours=1)
    )
    assert queries.reminders_due() == []  # three days ahead: not yet
    later = timezone.now() + datetime.timedelta(days=3)
    assert (meeting.pk, group_member.pk, 24 * 60) in queries.reminders_due(now=later)
