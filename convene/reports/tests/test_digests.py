# ruff: noqa: F811 (the meetings tests' fixtures are imported below and named as test arguments)
"""The digest e-mail: around 06:00 in each member's own zone (Manila, New York, Kathmandu), weekly on
Mondays; what it holds (meetings ahead, action items due or overdue, new minutes and updates of their
groups); nothing to say, no mail; once per person and period however often the task runs; a run that
fails part-way sends the rest on the next one and nothing twice; its contents built in the same number
of queries for 5 and 50 people; sent through a real SMTP server and parsed back."""

import datetime
import email
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from convene.groups.models import GroupMembership, MembershipStatus, Role
from convene.meetings import minutes_services
from convene.meetings import services as meeting_services
from convene.meetings.models import MeetingPreferences
from convene.meetings.tests.conftest import chair, chair_two, group, group_member  # noqa: F401
from convene.meetings.tests.test_mail import smtp  # noqa: F401
from convene.meetings.times import to_local
from convene.people.models import Person
from convene.reports import digests, notifications, reminders, services
from convene.reports.models import Digest

UTC = datetime.UTC


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def choose(person, digest="daily", zone="Asia/Manila", language=""):
    meeting_services.preferences_set(person=person, digest=digest)
    Person.objects.filter(pk=person.pk).update(time_zone=zone, language=language)
    person.time_zone, person.language = zone, language


# --- When: 06:00 where the member lives ---------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "before", "at"),
    [
        # Monday 7 December 2026, 06:00 local.
        ("Asia/Manila", utc(2026, 12, 6, 21, 45), utc(2026, 12, 6, 22, 0)),  # UTC+8
        ("America/New_York", utc(2026, 12, 7, 10, 45), utc(2026, 12, 7, 11, 0)),  # UTC-5 in winter
        ("Asia/Kathmandu", utc(2026, 12, 7, 0, 0), utc(2026, 12, 7, 0, 15)),  # UTC+05:45
    ],
)
@pytest.mark.parametrize("choice", ["daily", "weekly"])
def test_the_digest_is_owed_from_six_in_the_members_own_zone(member, zone, before, at, choice):
    choose(member, choice, zone)
    assert digests.digests_due(now=before) == []
    ((person_id, period, since),) = digests.digests_due(now=at)
    assert (person_id, period) == (member.pk, f"{choice}:2026-12-07")
    assert since == at - (datetime.timedelta(days=7) if choice == "weekly" else datetime.timedelta(days=1))
    # Not in the afternoon, and a weekly digest not on Tuesday.
    assert digests.digests_due(now=at + datetime.timedelta(hours=6)) == []
    tuesday = digests.digests_due(now=at + datetime.timedelta(days=1))
    assert [row[1] for row in tuesday] == (["daily:2026-12-08"] if choice == "daily" else [])


def test_a_recorded_digest_is_not_owed_again_and_the_next_starts_where_it_ended(member):
    choose(member, "daily", "Asia/Manila")
    at = utc(2026, 12, 6, 22, 0)
    services.digests_record(owed=digests.digests_due(now=at))
    assert digests.digests_due(now=at + datetime.timedelta(minutes=15)) == []
    row = Digest.objects.get()
    Digest.objects.filter(pk=row.pk).update(sent_at=at)
    ((_p, period, since),) = digests.digests_due(now=at + datetime.timedelta(days=1))
    assert (period, since) == ("daily:2026-12-08", row.created_at)


# --- What, and once -----------------------------------------------------------------------------


def _morning(zone: str = "Asia/Manila") -> datetime.datetime:
    """A moment near now when it is 07:00 in ``zone`` (the recorded rows' ``since`` is a day before;
    the contents are read at the real now)."""
    now = timezone.now()
    local = now.astimezone(ZoneInfo(zone)).replace(hour=7, minute=0, second=0, microsecond=0)
    return local.astimezone(UTC)


def _wall_in(hours: float, zone: str) -> datetime.datetime:
    return to_local(timezone.now() + datetime.timedelta(hours=hours), zone).replace(
        second=0, microsecond=0, tzinfo=None
    )


@pytest.fixture
def busy_group(group, chair, group_member, django_capture_on_commit_callbacks):
    """A meeting in two days, and one held yesterday whose minutes are published with an action item
    for the member, due in three days."""
    starts = _wall_in(48, "Europe/Copenhagen")
    meeting_services.meeting_schedule(
        acting=chair,
        title="Next steps",
        starts=starts,
        ends=starts + datetime.timedelta(hours=1),
        zone_name="Europe/Copenhagen",
        groups=[group],
        video_url="https://meet.example/g",
    )
    held_starts = _wall_in(-24, "Europe/Copenhagen")
    held = meeting_services.meeting_schedule(
        acting=chair,
        title="Kick-off",
        starts=held_starts,
        ends=held_starts + datetime.timedelta(hours=1),
        zone_name="Europe/Copenhagen",
        groups=[group],
        video_url="https://meet.example/g",
    )
    minutes_services.minutes_save(meeting=held, acting=chair, body="We met.", revision=None)
    minutes_services.action_item_add(
        meeting=held,
        acting=chair,
        what="Draft the survey",
        assignee=group_member,
        due_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    minutes_services.action_item_add(
        meeting=held, acting=chair, what="Far ahead", assignee=group_member, due_on=datetime.date(2099, 1, 1)
    )
    minutes_services.minutes_publish(meeting=held, acting=chair)
    update = services.update_draft(group=group, acting=chair)
    update = services.update_save(update=update, acting=chair, revision=update.revision, achievements="Met.")
    services.update_submit(update=update, acting=chair)
    return group


def run(capture, now) -> int:
    with capture(execute=True):
        return reminders.send_due_digests(now=now)


def test_the_digest_says_what_is_new_once_however_often_the_task_runs(
    busy_group, group_member, django_capture_on_commit_callbacks
):
    choose(group_member, "daily", "Asia/Manila")
    mail.outbox.clear()

    assert run(django_capture_on_commit_callbacks, _morning()) == 1
    assert run(django_capture_on_commit_callbacks, _morning()) == 0

    (message,) = mail.outbox
    assert message.to == [group_member.email]
    assert message.subject == "Your day in " + message.subject.split(" in ", 1)[1]
    body = message.body
    assert "Meetings in the next seven days (Asia/Manila)" in body
    assert "Next steps" in body
    assert "Kick-off" in body.split("New minutes", 1)[1]
    assert "Draft the survey (Danish Working Group) – due " in body
    assert "Far ahead" not in body
    assert "New group updates\n- Danish Working Group: " in body
    assert "(Submitted)" in body
    (html, kind) = message.alternatives[0]
    assert kind == "text/html"
    assert "<h2>Your action items</h2>" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/meetings/preferences/" in message.extra_headers["List-Unsubscribe"]
    assert Digest.objects.get().sent_at is not None


def test_the_meeting_shows_in_the_members_zone_and_the_digest_in_their_language(
    busy_group, group_member, django_capture_on_commit_callbacks
):
    choose(group_member, "daily", "Asia/Kathmandu", language="fr")
    mail.outbox.clear()
    run(django_capture_on_commit_callbacks, _morning("Asia/Kathmandu"))

    (message,) = mail.outbox
    assert message.body.startswith("Bonjour ")
    meeting = busy_group.meetings.get(title="Next steps")
    local = to_local(meeting.starts, "Asia/Kathmandu")
    assert f"{local:%H:%M}–" in message.body


def test_nothing_to_say_no_mail(group, group_member, django_capture_on_commit_callbacks):
    choose(group_member, "daily", "Asia/Manila")
    mail.outbox.clear()
    run(django_capture_on_commit_callbacks, _morning())
    assert mail.outbox == []
    assert Digest.objects.values_list("empty", flat=True).get() is True


def test_a_failure_part_way_sends_the_rest_on_the_next_run_and_nothing_twice(
    busy_group, chair, chair_two, group_member, django_capture_on_commit_callbacks
):
    for person in (chair, chair_two, group_member):
        choose(person, "daily", "Asia/Manila")
    mail.outbox.clear()
    real = notifications.digest
    calls = []

    def flaky(content, *, weekly):
        calls.append(content.person.pk)
        if len(calls) == 2:
            raise ConnectionError("mail server away")
        real(content, weekly=weekly)

    with mock.patch.object(notifications, "digest", flaky):
        run(django_capture_on_commit_callbacks, _morning())
    assert len(mail.outbox) == 1
    assert Digest.objects.filter(sent_at__isnull=True, claimed_at__isnull=True).count() == 2

    run(django_capture_on_commit_callbacks, _morning())
    run(django_capture_on_commit_callbacks, _morning())
    assert sorted(m.to[0] for m in mail.outbox) == sorted([chair.email, chair_two.email, group_member.email])
    assert not Digest.objects.filter(sent_at__isnull=True).exists()


def _people(group, n: int) -> list[Digest]:
    people = Person.objects.bulk_create([Person(email=f"p{i}.{n}@example.org") for i in range(n)])
    GroupMembership.objects.bulk_create(
        [
            GroupMembership(group=group, person=p, status=MembershipStatus.ACTIVE, role=Role.MEMBER)
            for p in people
        ]
    )
    since = timezone.now() - datetime.timedelta(days=1)
    Digest.objects.bulk_create([Digest(person=p, period=f"daily:x{n}", since=since) for p in people])
    return list(Digest.objects.filter(period=f"daily:x{n}").select_related("person__profile"))


def test_the_contents_take_the_same_queries_for_5_and_50_people(busy_group):
    counts = []
    for n in (5, 50):
        rows = _people(busy_group, n)
        with CaptureQueriesContext(connection) as queries:
            contents = digests.digest_contents(rows)
        counts.append(len(queries))
        assert len(contents) == n
        assert all([m.title for m in c.meetings] == ["Next steps"] for c in contents.values())
    assert counts == [5, 5]


def test_through_a_real_smtp_server(smtp, busy_group, group_member, django_capture_on_commit_callbacks):
    choose(group_member, "weekly", "Asia/Manila")
    monday = _morning()
    while monday.astimezone(ZoneInfo("Asia/Manila")).weekday() != 0:
        monday -= datetime.timedelta(days=1)
    run(django_capture_on_commit_callbacks, monday)

    from convene.meetings.tests.test_mail import received

    (message,) = received(smtp, group_member.email)
    assert isinstance(message, email.message.EmailMessage)
    assert message["Subject"].startswith("Your week in ")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = str(message["List-Unsubscribe"]).strip().strip("<>")
    assert "/meetings/preferences/" in url
    assert message.get_body(preferencelist=("html",)).get_content_type() == "text/html"
    assert "Draft the survey" in message.get_body(preferencelist=("plain",)).get_content()

    from django.test import Client

    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    Client().post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert MeetingPreferences.objects.get(person=group_member).digest == "none"
