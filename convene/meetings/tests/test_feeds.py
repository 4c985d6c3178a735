"""Calendar feeds: a person's private address and a public group's feed, parsed back as a calendar
program reads them (one series with its exceptions, links, no video link for strangers)."""

import datetime

import icalendar
from django.urls import reverse

from conftest import client_for
from convene.meetings import services
from convene.meetings.models import CalendarFeed
from convene.meetings.times import Frequency, Recurrence

UTC = datetime.UTC
CPH = "Europe/Copenhagen"


def wall(*args) -> datetime.datetime:
    return datetime.datetime(*args)  # noqa: DTZ001 (a wall-clock time; its zone is passed beside it)


def series_with_changes(group, chair):
    series = services.series_schedule(
        acting=chair,
        title="Arbejdsgruppen",
        starts=wall(2030, 1, 8, 15),
        ends=wall(2030, 1, 8, 16),
        zone_name=CPH,
        recurrence=Recurrence(Frequency.MONTHLY, weekday=1, position=2, count=6),
        groups=[group],
        video_url="https://meet.example/wg",
    )
    meetings = list(series.meetings.order_by("starts"))
    services.meeting_cancel(meeting=meetings[1], acting=chair)
    services.meeting_move(
        meeting=meetings[2], acting=chair, starts=wall(2030, 3, 14, 9), ends=wall(2030, 3, 14, 10)
    )
    return series, meetings


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_the_private_feed_shows_one_series_with_its_cancelled_and_moved_meetings(group, chair, group_member):
    series, meetings = series_with_changes(group, chair)
    single = services.meeting_schedule(
        acting=chair,
        title="Extra",
        starts=wall(2030, 5, 2, 9),
        ends=wall(2030, 5, 2, 10),
        zone_name="UTC",
        groups=[group],
        video_url="https://meet.example/x",
    )
    key = services.calendar_feed_for(person=group_member).key

    cal = parse(client_for(None).get(reverse("meetings:personal_feed", args=[key])))

    events = cal.walk("VEVENT")
    by_uid = {}
    for event in events:
        by_uid.setdefault(str(event["UID"]), []).append(event)
    assert set(by_uid) == {series.uid, single.uid}
    master, moved = sorted(by_uid[series.uid], key=lambda e: "RECURRENCE-ID" in e)
    assert master["RRULE"]["BYDAY"] == ["2TU"]
    assert master["RRULE"]["COUNT"] == [6]
    assert [d.dt for d in master["EXDATE"].dts] == [
        meetings[1].original_starts.astimezone(master.decoded("DTSTART").tzinfo)
    ]
    assert moved.decoded("RECURRENCE-ID").astimezone(UTC) == meetings[2].original_starts
    assert moved.decoded("DTSTART").astimezone(UTC) == datetime.datetime(2030, 3, 14, 8, tzinfo=UTC)
    assert moved["SEQUENCE"] >= 1
    assert "https://meet.example/wg" in str(master["DESCRIPTION"])
    assert str(master["URL"]).endswith(reverse("meetings:series", args=[series.pk]))
    assert CPH in {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}


def test_a_new_address_retires_the_old_one(group_member):
    old = services.calendar_feed_for(person=group_member).key
    client = client_for(group_member)
    assert old in client.get(reverse("meetings:calendar")).content.decode()

    assert client.post(reverse("meetings:calendar")).status_code == 302

    new = CalendarFeed.objects.get(person=group_member).key
    assert new != old
    assert client_for(None).get(reverse("meetings:personal_feed", args=[old])).status_code == 404
    assert client_for(None).get(reverse("meetings:personal_feed", args=[new])).status_code == 200


def test_a_public_groups_feed_is_open_to_anyone_without_video_links(group, chair):
    series_with_changes(group, chair)
    cal = parse(client_for(None).get(reverse("meetings:group_feed", args=[group.slug])))
    assert str(cal["X-WR-CALNAME"]) == group.name
    assert cal.walk("VEVENT")
    assert b"meet.example" not in cal.to_ical()


def test_a_deactivated_persons_address_no_longer_answers(group_member):
    key = services.calendar_feed_for(person=group_member).key
    group_member.is_active = False
    group_member.save(update_fields=["is_active"])
    assert client_for(None).get(reverse("meetings:personal_feed", args=[key])).status_code == 404


def test_a_groups_feed_costs_the_same_queries_with_5_and_50_meetings(group, chair, group_member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def make(first: int, n: int) -> None:
        for day in range(first, first + n):
            services.meeting_schedule(
                acting=chair,
                title=f"Meeting {day}",
                starts=wall(2030, 1, 1, 9) + datetime.timedelta(days=day),
                ends=wall(2030, 1, 1, 10) + datetime.timedelta(days=day),
                zone_name="UTC",
                groups=[group],
                video_url="https://meet.example/m",
            )

    client = client_for(group_member)
    url = reverse("meetings:group_feed", args=[group.slug])
    make(0, 5)
    client.get(url)
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    make(5, 45)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url)
    assert response.content.count(b"BEGIN:VEVENT") == 50
    assert b"meet.example" in response.content  # a member of the group gets the links
    assert len(five) == len(fifty)
