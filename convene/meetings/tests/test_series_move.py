"""Moving a whole series "from this meeting on" and ending a series on a day: held meetings untouched,
cancelled ones stay cancelled, those moved alone keep their time unless asked, across daylight-saving
changes in two zones; the update is one series (same UID, higher SEQUENCE) in the mail and the feeds."""

import datetime

import icalendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from convene.core.errors import StateConflict
from convene.meetings import services, tasks
from convene.meetings.models import Meeting, MeetingStatus
from convene.meetings.times import Frequency, Recurrence, to_local

UTC = datetime.UTC
CPH, NYC = "Europe/Copenhagen", "America/New_York"
CREATED = datetime.datetime(2027, 1, 1, tzinfo=UTC)
NOW = datetime.datetime(2027, 2, 20, tzinfo=UTC)  # January's and February's meetings are held


def wall(*args) -> datetime.datetime:
    return datetime.datetime(*args)  # noqa: DTZ001 (a wall-clock time; its zone is passed beside it)


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def series(group, chair, group_member):
    """Second Tuesday of the month, 15:00–16:00 in Copenhagen, two years (January 2027 on)."""
    made = services.series_schedule(
        acting=chair,
        title="Monthly",
        starts=wall(2027, 1, 12, 15),
        ends=wall(2027, 1, 12, 16),
        zone_name=CPH,
        recurrence=Recurrence(Frequency.MONTHLY, weekday=1, position=2, count=24),
        groups=[group],
        video_url="https://meet.example/m",
        now=CREATED,
    )
    tasks.send_series_mail(made.pk)  # the invitation went out (no commit callbacks run here)
    return made


def by_month(series) -> dict[tuple[int, int], Meeting]:
    return {
        (m.original_starts.year, m.original_starts.month): m
        for m in Meeting.objects.filter(series=series).order_by("original_starts")
    }


def test_this_and_following_move_to_another_zone_across_both_daylight_saving_changes(series, chair):
    before = by_month(series)
    services.meeting_cancel(meeting=before[(2027, 4)], acting=chair)
    services.meeting_move(
        meeting=before[(2027, 5)], acting=chair, starts=wall(2027, 5, 12, 9), ends=wall(2027, 5, 12, 10)
    )
    before = by_month(series)

    moved = services.series_move(
        series=series,
        acting=chair,
        meeting=before[(2027, 3)],
        starts=wall(2027, 3, 9, 17),  # the same day, 17:00 in New York, 90 minutes
        ends=wall(2027, 3, 9, 18, 30),
        zone_name=NYC,
        now=NOW,
    )

    after = by_month(series)
    # Held meetings stay where they were.
    for month in ((2027, 1), (2027, 2)):
        assert (after[month].starts, after[month].sequence) == (before[month].starts, before[month].sequence)
    # 9 March: New York still on standard time (UTC-5); 8 June: summer time (UTC-4); 9 November 2027
    # after New York's change back (7 November), 14 December in winter again.
    assert after[(2027, 3)].starts == utc(2027, 3, 9, 22)
    assert after[(2027, 3)].ends == utc(2027, 3, 9, 23, 30)
    assert after[(2027, 6)].starts == utc(2027, 6, 8, 21)
    assert after[(2027, 11)].starts == utc(2027, 11, 9, 22)
    assert after[(2027, 12)].starts == utc(2027, 12, 14, 22)
    assert all(after[month].zone_name == NYC for month in ((2027, 3), (2027, 6)))
    # The RECURRENCE-ID stays the rule's original start in Copenhagen.
    assert after[(2027, 6)].original_starts == before[(2027, 6)].original_starts == utc(2027, 6, 8, 13)
    # Cancelled stays cancelled and where it was; moved alone keeps its own time.
    assert after[(2027, 4)].status == MeetingStatus.CANCELLED
    assert after[(2027, 4)].starts == before[(2027, 4)].starts
    assert after[(2027, 5)].starts == before[(2027, 5)].starts == utc(2027, 5, 12, 7)
    assert after[(2027, 6)].sequence == before[(2027, 6)].sequence + 1
    assert {m.pk for m in moved} == {
        m.pk for key, m in after.items() if key >= (2027, 3) and key not in ((2027, 4), (2027, 5))
    }
    series.refresh_from_db()
    assert series.sequence == 1
    assert len(series.retimings) == 1


def test_the_organiser_may_also_move_those_moved_alone_and_a_shift_in_days_is_kept(series, chair):
    months = by_month(series)
    services.meeting_move(
        meeting=months[(2027, 5)], acting=chair, starts=wall(2027, 5, 12, 9), ends=wall(2027, 5, 12, 10)
    )
    services.series_move(
        series=series,
        acting=chair,
        meeting=months[(2027, 3)],
        starts=wall(2027, 3, 10, 15),  # a day later: the Wednesday after the second Tuesday
        ends=wall(2027, 3, 10, 16),
        include_moved=True,
        now=NOW,
    )
    after = by_month(series)
    # 12 May 2027 is a Wednesday; Copenhagen in summer time (UTC+2) from 28 March.
    assert after[(2027, 5)].starts == utc(2027, 5, 12, 13)
    assert not after[(2027, 5)].moved_alone
    assert after[(2027, 3)].starts == utc(2027, 3, 10, 14)
    assert to_local(after[(2027, 10)].starts, CPH).weekday() == 2


def test_the_meetings_made_later_keep_the_new_time(series, chair):
    services.series_move(
        series=series,
        acting=chair,
        meeting=by_month(series)[(2027, 3)],
        starts=wall(2027, 3, 9, 17),
        ends=wall(2027, 3, 9, 18),
        zone_name=NYC,
        now=NOW,
    )
    assert (2028, 8) not in by_month(series)  # beyond the horizon when the series was made
    made = services.series_extend(series=series, now=utc(2028, 1, 1))
    assert made
    august = by_month(series)[(2028, 8)]
    assert august.starts == utc(2028, 8, 8, 21)  # 17:00 in New York, summer time
    assert august.zone_name == NYC


def test_moving_is_the_organisers_and_only_for_meetings_to_come(series, chair, other_chair, group_member):
    months = by_month(series)
    for person in (other_chair, group_member):
        with pytest.raises(PermissionDenied):
            services.series_move(
                series=series,
                acting=person,
                meeting=months[(2027, 3)],
                starts=wall(2027, 3, 9, 17),
                ends=wall(2027, 3, 9, 18),
                now=NOW,
            )
    with pytest.raises(StateConflict):
        services.series_move(
            series=series,
            acting=chair,
            meeting=months[(2027, 1)],
            starts=wall(2027, 3, 9, 17),
            ends=wall(2027, 3, 9, 18),
            now=NOW,
        )
    with pytest.raises(ValidationError):
        services.series_move(
            series=series,
            acting=chair,
            meeting=months[(2027, 3)],
            starts=wall(2027, 2, 1, 17),
            ends=wall(2027, 2, 1, 18),
            now=NOW,
        )
    assert by_month(series)[(2027, 3)].sequence == 0


def test_the_update_is_one_series_with_the_same_uid_a_higher_sequence_and_recurrence_ids(
    series, chair, group_member, django_capture_on_commit_callbacks, mailoutbox
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.series_move(
            series=series,
            acting=chair,
            meeting=by_month(series)[(2027, 3)],
            starts=wall(2027, 3, 9, 17),
            ends=wall(2027, 3, 9, 18),
            zone_name=NYC,
            now=NOW,
        )
    mine = [m for m in mailoutbox if m.to == [group_member.email]]
    assert len(mine) == 1
    assert mine[0].subject.startswith("Changed:")
    ics = next(content for content, mimetype in mine[0].alternatives if mimetype.startswith("text/calendar"))
    cal = icalendar.Calendar.from_ical(ics)
    assert str(cal["METHOD"]) == "REQUEST"
    events = cal.walk("VEVENT")
    assert {str(e["UID"]) for e in events} == {series.uid}
    master = next(e for e in events if "RRULE" in e)
    assert master["SEQUENCE"] >= 1
    overrides = {e["RECURRENCE-ID"].dt: e for e in events if "RECURRENCE-ID" in e}
    june = overrides[datetime.datetime(2027, 6, 8, 15, tzinfo=to_local(NOW, CPH).tzinfo)]
    assert june["DTSTART"].dt.astimezone(UTC) == utc(2027, 6, 8, 21)
    assert june["SEQUENCE"] >= 1
    # March 2027 on, of those made (to the horizon): each its own instance.
    assert len(overrides) == Meeting.objects.filter(series=series, starts__gte=NOW).count() == 12

    # Sent once: the sweep finds nothing owed.
    from convene.meetings.tasks import sweep_meeting_mail

    mailoutbox.clear()
    sweep_meeting_mail.call_local()
    assert mailoutbox == []


def test_the_group_feed_shows_the_moved_meetings_as_instances_of_the_series(series, chair, client):
    services.series_move(
        series=series,
        acting=chair,
        meeting=by_month(series)[(2027, 3)],
        starts=wall(2027, 3, 9, 17),
        ends=wall(2027, 3, 9, 18),
        zone_name=NYC,
        now=NOW,
    )
    group = series.groups.get()
    cal = icalendar.Calendar.from_ical(client.get(f"/groups/{group.slug}/meetings.ics").content)
    events = [e for e in cal.walk("VEVENT") if str(e["UID"]) == series.uid]
    moved = [e for e in events if "RECURRENCE-ID" in e]
    assert moved
    assert all(e["DTSTART"].dt.astimezone(UTC).hour in (21, 22) for e in moved)


def test_ending_a_series_on_a_day_removes_the_meetings_after_it_and_tells_the_rule(
    series, chair, group_member, django_capture_on_commit_callbacks, mailoutbox
):
    months = by_month(series)
    held = months[(2027, 1)]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        removed = services.series_end(
            series=series, acting=chair, last_day=datetime.date(2027, 6, 30), now=NOW
        )

    after = by_month(series)
    assert sorted(after) == [(2027, month) for month in range(1, 7)]
    assert removed == len(months) - 6
    assert after[(2027, 1)].sequence == held.sequence
    series.refresh_from_db()
    assert series.until == datetime.date(2027, 6, 30)
    (message,) = [m for m in mailoutbox if m.to == [group_member.email]]
    ics = next(content for content, mimetype in message.alternatives if mimetype.startswith("text/calendar"))
    (master,) = [e for e in icalendar.Calendar.from_ical(ics).walk("VEVENT") if "RRULE" in e]
    assert master["RRULE"]["UNTIL"][0].date() == datetime.date(2027, 6, 30)
    # Made no further, even by the periodic extension.
    assert services.series_extend(series=series, now=utc(2027, 12, 1)) == []
    with pytest.raises(ValidationError):
        services.series_end(series=series, acting=chair, last_day=datetime.date(2027, 8, 1), now=NOW)


def test_moving_and_ending_on_the_pages(series, chair, group_member):
    from conftest import client_for

    march = by_month(series)[(2027, 3)]
    assert client_for(group_member).get(f"/meetings/{march.pk}/move-following/").status_code == 403
    page = client_for(chair).get(f"/meetings/{march.pk}/move-following/")
    assert page.status_code == 200
    moved = client_for(chair).post(
        f"/meetings/{march.pk}/move-following/",
        {"day": "2027-03-09", "starts": "17:00", "ends": "18:00", "zone_name": NYC},
    )
    assert moved.status_code == 302
    assert by_month(series)[(2027, 6)].starts == utc(2027, 6, 8, 21)
    listed = client_for(chair).get(f"/meetings/series/{series.pk}/").content.decode()
    assert "From the meeting of" in listed
    assert "17:00 (America/New_York), 60 minutes" in listed
    response = client_for(chair).post(f"/meetings/series/{series.pk}/end/", {"last_day": "2028-01-31"})
    assert response.status_code == 302
    series.refresh_from_db()
    assert series.until == datetime.date(2028, 1, 31)


def test_an_end_by_day_replaces_an_end_by_count_and_cannot_come_after_it(series, chair):
    with pytest.raises(ValidationError):  # the 24th meeting is on 12 December 2028
        services.series_end(series=series, acting=chair, last_day=datetime.date(2028, 12, 31), now=NOW)
    services.series_end(series=series, acting=chair, last_day=datetime.date(2028, 6, 30), now=NOW)
    series.refresh_from_db()
    assert (series.count, series.until) == (None, datetime.date(2028, 6, 30))
    assert "COUNT" not in series.recurrence.ical()
