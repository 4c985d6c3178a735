"""The iCalendar a meeting becomes, parsed back and held to RFC 5545 / 5546."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
from dateutil.rrule import rrulestr

from convene.meetings.ical import Entry, calendar, invitation
from convene.meetings.times import Exceptions, Frequency, Recurrence, occurrences

UTC = datetime.UTC
CPH = "Europe/Copenhagen"
URL = "https://convene.example/groups/arbejdsgruppen/meetings/7/"


def wall(*args) -> datetime.datetime:
    return datetime.datetime(*args)  # noqa: DTZ001 (a wall-clock time in CPH)


def entry(**changes) -> Entry:
    values = {
        "uid": "meeting-7@convene.example",
        "sequence": 0,
        "title": "Arbejdsgruppen: månedligt møde",
        "url": URL,
        "starts": wall(2027, 1, 12, 15),
        "ends": wall(2027, 1, 12, 16, 30),
        "zone_name": CPH,
        "video_url": "https://meet.example/abc",
        "recurrence": Recurrence(Frequency.MONTHLY, weekday=1, position=2, until=datetime.date(2027, 12, 31)),
        "organiser": ("Mette Jensen", "mette@example.org"),
        "attendees": [("Chipo Banda", "chipo@example.org")],
        "updated": datetime.datetime(2026, 12, 1, 9, tzinfo=UTC),
    }
    values.update(changes)
    return Entry(**values)


def parse(data: bytes) -> icalendar.Calendar:
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded lines (RFC 5545 §3.1)
    return icalendar.Calendar.from_ical(data)


def events(cal: icalendar.Calendar) -> list:
    return list(cal.walk("VEVENT"))


def test_an_invitation_is_a_request_with_its_zone_link_and_rule():
    cal = parse(invitation(entry()))

    assert str(cal["METHOD"]) == "REQUEST"
    assert str(cal["VERSION"]) == "2.0"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == [CPH]
    (event,) = events(cal)
    assert str(event["UID"]) == "meeting-7@convene.example"
    assert event["SEQUENCE"] == 0
    assert str(event["URL"]) == URL
    assert URL in str(event["DESCRIPTION"])
    assert "https://meet.example/abc" in str(event["DESCRIPTION"])
    assert event.decoded("DTSTART") == datetime.datetime(2027, 1, 12, 15, tzinfo=ZoneInfo(CPH))
    assert event["DTSTART"].params["TZID"] == CPH
    rule = event["RRULE"]
    assert rule["FREQ"] == ["MONTHLY"]
    assert rule["BYDAY"] == ["2TU"]
    # UNTIL is in UTC, as RFC 5545 requires when DTSTART has a TZID: the last day at 15:00 CET = 14:00Z.
    assert rule["UNTIL"] == [datetime.datetime(2027, 12, 31, 14, tzinfo=UTC)]
    assert str(event["ORGANIZER"]) == "mailto:mette@example.org"
    assert event["ATTENDEE"].params["RSVP"] == "TRUE"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_the_rule_a_calendar_program_expands_gives_the_meetings_convene_lists():
    (event,) = events(parse(calendar([entry()])))
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=event.decoded("DTSTART"))
    ours = occurrences(wall(2027, 1, 12, 15), wall(2027, 1, 12, 16, 30), CPH, entry().recurrence)

    assert [moment.astimezone(UTC) for moment in rule] == [o.starts for o in ours]
    assert len(ours) == 12


def test_an_update_keeps_the_uid_and_raises_the_sequence_with_exceptions():
    first = occurrences(wall(2027, 1, 12, 15), wall(2027, 1, 12, 16, 30), CPH, entry().recurrence)
    february, march = first[1].original, first[2].original
    moved = (datetime.datetime(2027, 3, 11, 8, tzinfo=UTC), datetime.datetime(2027, 3, 11, 9, tzinfo=UTC))
    updated = entry(sequence=1, exceptions=Exceptions(cancelled=frozenset({february}), moved={march: moved}))

    cal = parse(invitation(updated))

    master, moved_event = events(cal)
    assert {str(master["UID"]), str(moved_event["UID"])} == {"meeting-7@convene.example"}
    assert master["SEQUENCE"] == moved_event["SEQUENCE"] == 1
    (exdate,) = master["EXDATE"].dts
    assert exdate.dt == datetime.datetime(2027, 2, 9, 15, tzinfo=ZoneInfo(CPH))
    assert moved_event.decoded("RECURRENCE-ID") == datetime.datetime(2027, 3, 9, 15, tzinfo=ZoneInfo(CPH))
    assert moved_event.decoded("DTSTART").astimezone(UTC) == moved[0]
    assert str(moved_event["URL"]) == URL


def test_a_cancelled_meeting_is_a_cancel_message_marked_cancelled():
    cal = parse(invitation(entry(sequence=2, cancelled=True)))
    assert str(cal["METHOD"]) == "CANCEL"
    (event,) = events(cal)
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 2


def test_a_feed_has_no_method_and_one_zone_per_zone_used():
    lusaka = entry(uid="meeting-8@convene.example", zone_name="Africa/Lusaka", recurrence=None)
    cal = parse(calendar([entry(), lusaka, entry(uid="meeting-9@convene.example")], name="Arbejdsgruppen"))
    assert "METHOD" not in cal
    assert str(cal["X-WR-CALNAME"]) == "Arbejdsgruppen"
    assert sorted(str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")) == ["Africa/Lusaka", CPH]
    assert len(events(cal)) == 3
