"""The meeting pages as people use them: schedule, see times in their zone, answer, move, cancel,
find a time with a poll. Every write goes through the page's form and is checked in the database."""

import datetime
import re

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for
from convene.meetings import services
from convene.meetings.models import Invitation, Meeting, MeetingStatus, PollAnswer, Series, TimePoll

UTC = datetime.UTC


def wall(*args) -> datetime.datetime:
    return datetime.datetime(*args)  # noqa: DTZ001 (a wall-clock time; its zone is passed beside it)


@pytest.fixture
def meeting(group, chair, group_member):
    return services.meeting_schedule(
        acting=chair,
        title="Kick-off",
        starts=wall(2030, 1, 15, 15),
        ends=wall(2030, 1, 15, 16),
        zone_name="Europe/Copenhagen",
        groups=[group],
        video_url="https://meet.example/kick-off",
    )


SCHEDULE = {
    "title": "Monthly meeting",
    "day": "2030-01-08",
    "starts": "15:00",
    "ends": "16:30",
    "zone_name": "Europe/Copenhagen",
    "form": "virtual",
    "video_url": "https://meet.example/wg",
    "interval": "1",
    "monthly_by": "weekday",
}


def test_a_cochair_schedules_a_monthly_series_from_the_form(group, chair, group_member):
    response = client_for(chair).post(
        reverse("meetings:new", args=[group.slug]), {**SCHEDULE, "repeats": "monthly"}
    )

    series = Series.objects.get()
    first = series.meetings.order_by("starts").first()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:detail", args=[first.pk])
    assert series.recurrence.describe() == "Monthly on the second Tuesday"
    assert first.starts == datetime.datetime(2030, 1, 8, 14, tzinfo=UTC)
    assert Invitation.objects.filter(meeting=first, person=group_member).exists()


def test_a_form_with_an_unknown_zone_or_no_video_link_is_shown_again_and_makes_nothing(group, chair):
    for change in ({"zone_name": "Mars/Olympus"}, {"video_url": ""}):
        response = client_for(chair).post(reverse("meetings:new", args=[group.slug]), {**SCHEDULE, **change})
        assert response.status_code == 200
        assert response.context["form"].errors
    assert not Meeting.objects.exists()


def test_the_meeting_page_shows_the_viewers_time_and_the_organisers(meeting, group_member):
    group_member.time_zone = "Africa/Lusaka"
    group_member.save(update_fields=["time_zone"])

    page = client_for(group_member).get(reverse("meetings:detail", args=[meeting.pk])).content.decode()

    assert "Tue 15 Jan 2030, 16:00–17:00" in page  # Lusaka, UTC+2
    assert "Tue 15 Jan 2030, 15:00–16:00 (Europe/Copenhagen)" in page
    assert "https://meet.example/kick-off" in page


def test_a_visitor_sees_a_public_groups_meeting_but_not_its_video_link(meeting):
    page = client_for(None).get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Kick-off" in page
    assert "meet.example" not in page
    ics = client_for(None).get(reverse("meetings:ics", args=[meeting.pk])).content
    assert b"meet.example" not in ics


def test_an_invited_member_answers_on_the_page(meeting, group_member, member):
    client = client_for(group_member)
    assert client.post(reverse("meetings:answer", args=[meeting.pk]), {"answer": "maybe"}).status_code == 302
    assert Invitation.objects.get(meeting=meeting, person=group_member).answer == "maybe"
    client.post(reverse("meetings:answer", args=[meeting.pk]), {"answer": "perhaps"})
    assert Invitation.objects.get(meeting=meeting, person=group_member).answer == "maybe"


def test_the_calendar_file_is_the_meeting_with_its_link(meeting, group_member):
    response = client_for(group_member).get(reverse("meetings:ics", args=[meeting.pk]))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["UID"]) == meeting.uid
    assert str(event["URL"]).endswith(reverse("meetings:detail", args=[meeting.pk]))
    assert "https://meet.example/kick-off" in str(event["DESCRIPTION"])


def test_moving_and_cancelling_from_the_pages(meeting, chair, group_member):
    client = client_for(chair)
    moved = client.post(
        reverse("meetings:move", args=[meeting.pk]),
        {"day": "2030-01-16", "starts": "09:00", "ends": "10:00", "zone_name": "Europe/Copenhagen"},
    )
    assert moved.status_code == 302
    meeting.refresh_from_db()
    assert meeting.starts == datetime.datetime(2030, 1, 16, 8, tzinfo=UTC)
    assert meeting.sequence == 1

    assert client.get(reverse("meetings:cancel", args=[meeting.pk])).status_code == 200
    assert client.post(reverse("meetings:cancel", args=[meeting.pk])).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.CANCELLED
    assert client_for(group_member).post(reverse("meetings:cancel", args=[meeting.pk])).status_code == 403


def test_a_time_poll_from_proposal_to_meeting_through_the_pages(group, chair, group_member):
    proposal = {"title": "Kick-off", "zone_name": "Europe/Copenhagen", "minutes": "60"}
    for n, (day, time) in enumerate(
        [("2030-02-05", "09:00"), ("2030-02-06", "14:00"), ("2030-02-07", "16:00")], 1
    ):
        proposal |= {f"day_{n}": day, f"time_{n}": time}
    created = client_for(chair).post(reverse("meetings:poll_new", args=[group.slug]), proposal)
    poll = TimePoll.objects.get()
    assert created["Location"] == reverse("meetings:poll", args=[poll.pk])
    slots = list(poll.slots.all())

    answers = {f"slot_{slots[0].pk}": "yes", f"slot_{slots[1].pk}": "no", f"slot_{slots[2].pk}": "if_need_be"}
    assert client_for(group_member).post(reverse("meetings:poll", args=[poll.pk]), answers).status_code == 302
    assert PollAnswer.objects.filter(person=group_member).count() == 3
    page = client_for(chair).get(reverse("meetings:poll", args=[poll.pk]))
    assert page.status_code == 200

    chosen = client_for(chair).post(
        reverse("meetings:poll_choose", args=[poll.pk]),
        {"slot": slots[0].pk, "video_url": "https://meet.example/k"},
    )
    meeting = Meeting.objects.get()
    assert chosen["Location"] == reverse("meetings:detail", args=[meeting.pk])
    assert meeting.starts == slots[0].starts


def test_a_poll_with_too_few_times_is_shown_again(group, chair):
    response = client_for(chair).post(
        reverse("meetings:poll_new", args=[group.slug]),
        {"title": "K", "zone_name": "UTC", "minutes": "60", "day_1": "2030-02-05", "time_1": "09:00"},
    )
    assert response.status_code == 200
    assert "Propose from 3 to 8 times." in response.content.decode()
    assert not TimePoll.objects.exists()


def make_meetings(group, chair, n: int) -> None:
    for day in range(1, n + 1):
        services.meeting_schedule(
            acting=chair,
            title=f"Meeting {day}",
            starts=wall(2030, 3, 1, 9) + datetime.timedelta(days=day),
            ends=wall(2030, 3, 1, 10) + datetime.timedelta(days=day),
            zone_name="UTC",
            groups=[group],
            video_url="https://meet.example/m",
        )


def test_the_groups_meetings_page_costs_the_same_queries_with_5_and_50_meetings(group, chair, group_member):
    client = client_for(group_member)
    url = reverse("meetings:group", args=[group.slug])
    make_meetings(group, chair, 5)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    Meeting.objects.all().delete()
    make_meetings(group, chair, 50)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(re.findall(r'href="/meetings/\d+/"', page.content.decode())) == 50
    assert len(few) == len(many)


def test_the_link_in_the_email_answers_without_a_login_after_one_click(meeting, group_member):
    from convene.meetings.tokens import answer_url

    invitation = Invitation.objects.get(meeting=meeting, person=group_member)
    path = answer_url(invitation.pk, "yes").split("://", 1)[1].split("/", 1)[1]
    client = client_for(None)

    shown = client.get(f"/{path}")
    assert shown.status_code == 200
    assert Invitation.objects.get(pk=invitation.pk).answer == ""  # a mail scanner's GET answers nothing
    assert client.post(f"/{path.split('?')[0]}", {"answer": "yes"}).status_code == 200
    assert Invitation.objects.get(pk=invitation.pk).answer == "yes"


def test_a_tampered_link_answers_nothing(meeting, group_member):
    from convene.meetings.tokens import answer_token

    token = answer_token(Invitation.objects.get(meeting=meeting, person=group_member).pk)
    response = client_for(None).post(
        reverse("meetings:answer_by_link", args=[token[:-2] + "xx"]), {"answer": "no"}
    )
    assert response.status_code == 404
    assert not Invitation.objects.exclude(answer="").exists()


def _members(group, n: int) -> None:
    from conftest import make_person
    from convene.groups import services as group_services

    for i in range(n):
        group_services.membership_join(
            group=group, acting=make_person(f"m{i}-{n}@example.org", name=f"Member {i}")
        )


def test_the_meeting_page_costs_the_same_queries_with_5_and_50_people_asked(group, chair):
    def meeting_with(n: int):
        _members(group, n)
        return services.meeting_schedule(
            acting=chair,
            title=f"With {n}",
            starts=wall(2030, 3, 1, 9),
            ends=wall(2030, 3, 1, 10),
            zone_name="UTC",
            groups=[group],
            video_url="https://meet.example/q",
        )

    client = client_for(chair)  # the organiser sees every answer
    few = meeting_with(5)
    client.get(reverse("meetings:detail", args=[few.pk]))
    with CaptureQueriesContext(connection) as five:
        client.get(reverse("meetings:detail", args=[few.pk]))
    many = meeting_with(45)
    with CaptureQueriesContext(connection) as fifty:
        page = client.get(reverse("meetings:detail", args=[many.pk]))
    assert page.context["invitations"].__len__() >= 50
    assert len(five) == len(fifty)


def test_the_calendar_feed_costs_the_same_queries_with_5_and_50_meetings(group, chair, group_member):
    key = services.calendar_feed_for(person=group_member).key
    client = client_for(None)
    url = reverse("meetings:personal_feed", args=[key])
    make_meetings(group, chair, 5)
    client.get(url)
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    make_meetings(group, chair, 45)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url)
    assert response.content.count(b"BEGIN:VEVENT") == 50
    assert len(five) == len(fifty)
