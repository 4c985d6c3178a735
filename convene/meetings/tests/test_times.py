"""Meeting times on the hard cases: daylight-saving changes on both sides, a monthly "second Tuesday"
series over a year, exceptions, midnight, 30- and 45-minute offsets, a poll across four continents."""

import calendar
import datetime

import pytest
from django.utils import translation

from convene.meetings.times import (
    Answer,
    Exceptions,
    Frequency,
    Recurrence,
    best_slot,
    crosses_midnight,
    occurrences,
    outside_working_hours,
    tally,
    to_local,
    to_utc,
)

UTC = datetime.UTC
CPH, NYC, LUSAKA, MANILA = "Europe/Copenhagen", "America/New_York", "Africa/Lusaka", "Asia/Manila"
KOLKATA, KATHMANDU = "Asia/Kolkata", "Asia/Kathmandu"
SECOND_TUESDAY = Recurrence(Frequency.MONTHLY, weekday=1, position=2, count=12)


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def wall(*args) -> datetime.datetime:
    """A wall-clock time; its zone is the one passed beside it."""
    return datetime.datetime(*args)  # noqa: DTZ001


def second_tuesday(year: int, month: int) -> datetime.date:
    """Worked out apart from the code under test: the calendar module's month grid."""
    tuesdays = [
        week[calendar.TUESDAY] for week in calendar.monthcalendar(year, month) if week[calendar.TUESDAY]
    ]
    return datetime.date(year, month, tuesdays[1])


def test_a_monthly_second_tuesday_series_keeps_copenhagen_wall_time_across_a_year():
    found = occurrences(wall(2027, 1, 12, 15), wall(2027, 1, 12, 16, 30), CPH, SECOND_TUESDAY)

    assert [o.starts.date() for o in found] == [second_tuesday(2027, m) for m in range(1, 13)]
    assert {to_local(o.starts, CPH).time() for o in found} == {datetime.time(15)}
    # 14:00 UTC in winter (CET, +1), 13:00 UTC in summer (CEST, +2): summer time from 28 March to
    # 31 October 2027.
    assert [o.starts.hour for o in found] == [14, 14, 14, 13, 13, 13, 13, 13, 13, 13, 14, 14]
    assert all(o.ends - o.starts == datetime.timedelta(minutes=90) for o in found)


def test_the_viewers_own_daylight_saving_change_moves_the_meeting_for_them_alone():
    # New York changes on 14 March 2027, Copenhagen on 28 March: for two weeks the gap is 5 hours.
    weekly = Recurrence(Frequency.WEEKLY, count=4)
    found = occurrences(wall(2027, 3, 9, 15), wall(2027, 3, 9, 16), CPH, weekly)

    in_new_york = [to_local(o.starts, NYC).time() for o in found]
    assert in_new_york == [datetime.time(9), datetime.time(10), datetime.time(10), datetime.time(9)]
    assert [to_local(o.starts, CPH).time() for o in found] == [datetime.time(15)] * 4


def test_a_local_time_skipped_in_spring_reads_with_the_offset_before_the_gap_rfc5545():
    # 02:30 on 28 March 2027 does not exist in Copenhagen (02:00 → 03:00).
    assert to_utc(wall(2027, 3, 28, 2, 30), CPH) == utc(2027, 3, 28, 1, 30)
    # 02:30 on 31 October 2027 exists twice: the first (still summer time, +2).
    assert to_utc(wall(2027, 10, 31, 2, 30), CPH) == utc(2027, 10, 31, 0, 30)


def test_a_cancelled_and_a_moved_occurrence_keep_their_original_start_as_identity():
    found = occurrences(wall(2027, 1, 12, 15), wall(2027, 1, 12, 16), CPH, SECOND_TUESDAY)
    february, march = found[1].original, found[2].original
    moved_to = (utc(2027, 3, 11, 9), utc(2027, 3, 11, 10))

    changed = occurrences(
        wall(2027, 1, 12, 15),
        wall(2027, 1, 12, 16),
        CPH,
        SECOND_TUESDAY,
        exceptions=Exceptions(cancelled=frozenset({february}), moved={march: moved_to}),
    )

    assert [o.original for o in changed] == [o.original for o in found]
    assert changed[1].cancelled
    assert not changed[1].moved
    assert changed[2].moved
    assert (changed[2].starts, changed[2].ends) == moved_to
    assert not any(o.cancelled or o.moved for i, o in enumerate(changed) if i not in (1, 2))


def test_between_keeps_an_occurrence_moved_into_the_window():
    exceptions = Exceptions(moved={utc(2027, 2, 9, 14): (utc(2027, 4, 1, 9), utc(2027, 4, 1, 10))})
    found = occurrences(
        wall(2027, 1, 12, 15),
        wall(2027, 1, 12, 16),
        CPH,
        SECOND_TUESDAY,
        exceptions=exceptions,
        between=(utc(2027, 4, 1), utc(2027, 5, 1)),
    )
    assert [o.starts for o in found] == [utc(2027, 4, 1, 9), utc(2027, 4, 13, 13)]


def test_every_two_weeks_until_a_date_includes_that_date():
    fortnightly = Recurrence(Frequency.WEEKLY, interval=2, until=datetime.date(2027, 3, 2))
    found = occurrences(wall(2027, 1, 5, 10), wall(2027, 1, 5, 11), LUSAKA, fortnightly)
    assert [o.starts.date() for o in found] == [
        datetime.date(2027, 1, 5),
        datetime.date(2027, 1, 19),
        datetime.date(2027, 2, 2),
        datetime.date(2027, 2, 16),
        datetime.date(2027, 3, 2),
    ]
    assert {o.starts.hour for o in found} == {8}  # Lusaka is UTC+2 all year


def test_a_meeting_crosses_midnight_in_manila_but_not_in_lusaka():
    starts, ends = utc(2027, 5, 4, 15, 30), utc(2027, 5, 4, 16, 30)  # 23:30–00:30 in Manila
    assert crosses_midnight(starts, ends, MANILA)
    assert not crosses_midnight(starts, ends, LUSAKA)
    assert outside_working_hours(starts, ends, MANILA)
    # Ending at midnight exactly does not cross it.
    assert not crosses_midnight(utc(2027, 5, 4, 15), utc(2027, 5, 4, 16), MANILA)


def test_half_and_three_quarter_hour_offsets_decide_the_working_day_to_the_minute():
    starts, ends = utc(2027, 6, 1, 2, 20), utc(2027, 6, 1, 3, 20)
    assert to_local(starts, KOLKATA).time() == datetime.time(7, 50)  # +05:30
    assert to_local(starts, KATHMANDU).time() == datetime.time(8, 5)  # +05:45
    assert outside_working_hours(starts, ends, KOLKATA)
    assert not outside_working_hours(starts, ends, KATHMANDU)
    assert not outside_working_hours(utc(2027, 6, 1, 2, 30), utc(2027, 6, 1, 3, 30), KOLKATA)


def test_a_time_poll_across_lusaka_copenhagen_new_york_and_manila():
    zones = {"chipo": LUSAKA, "mette": CPH, "ana": NYC, "jun": MANILA}
    slots = [
        (utc(2027, 6, 8, 6), utc(2027, 6, 8, 7)),  # 08 Lusaka, 08 Cph, 02 NY, 14 Manila
        (utc(2027, 6, 8, 12), utc(2027, 6, 8, 13)),  # 14, 14, 08, 20–21 Manila
        (utc(2027, 6, 8, 16), utc(2027, 6, 8, 17)),  # 18, 18, 12, 00–01 Manila
    ]
    answers = {
        "chipo": {0: Answer.YES, 1: Answer.YES, 2: Answer.YES},
        "mette": {0: Answer.YES, 1: Answer.IF_NEED_BE, 2: Answer.NO},
        "ana": {0: Answer.NO, 1: Answer.YES},
        "jun": {0: Answer.YES, 1: Answer.IF_NEED_BE, 2: Answer.NO},
    }

    tallies = tally(slots, answers, zones)

    assert [(t.yes, t.if_need_be, t.no) for t in tallies] == [(3, 0, 1), (2, 2, 0), (1, 0, 2)]
    assert [set(t.outside_hours) for t in tallies] == [{"ana"}, {"jun"}, {"jun"}]
    assert [t.score for t in tallies] == [6, 6, 2]
    assert tallies[2].answered == 3  # Ana did not answer the third slot
    # A tie on score: the same number outside working hours, so the earlier slot.
    assert best_slot(tallies) == 0


def test_best_slot_prefers_fewer_people_outside_their_working_day_on_a_tie():
    zones = {"a": LUSAKA, "b": MANILA}
    slots = [(utc(2027, 6, 8, 16), utc(2027, 6, 8, 17)), (utc(2027, 6, 8, 9), utc(2027, 6, 8, 10))]
    answers = {"a": {0: Answer.YES, 1: Answer.YES}, "b": {0: Answer.YES, 1: Answer.YES}}
    assert best_slot(tally(slots, answers, zones)) == 1
    assert best_slot([]) is None


def test_the_series_says_itself_in_words_and_as_an_rrule():
    with translation.override("en"):
        assert SECOND_TUESDAY.describe() == "Monthly on the second Tuesday"
        assert Recurrence(Frequency.WEEKLY, interval=2).describe() == "Every 2 weeks"
        assert (
            Recurrence(Frequency.MONTHLY, weekday=4, position=-1).describe() == "Monthly on the last Friday"
        )
    assert SECOND_TUESDAY.ical() == {"FREQ": "MONTHLY", "BYDAY": "2TU", "COUNT": 12}
    assert Recurrence(Frequency.WEEKLY, interval=2).ical() == {"FREQ": "WEEKLY", "INTERVAL": 2}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"interval": 0}, "interval"),
        ({"interval": 13}, "interval"),
        ({"weekday": 1}, "both weekday and position"),  # monthly by weekday without a position
        ({"weekday": 9, "position": 1}, "weekday must be"),
        ({"weekday": 1, "position": 5}, "position must be"),
        ({"count": 0}, "count must be"),
    ],
)
def test_a_recurrence_that_cannot_be_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Recurrence(Frequency.MONTHLY, **kwargs)


def test_a_meeting_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="ends after it starts"):
        occurrences(wall(2027, 1, 1, 10), wall(2027, 1, 1, 9), CPH, None)


@pytest.mark.parametrize(
    ("recurrence", "english"),
    [
        (Recurrence(Frequency.WEEKLY), "Every week"),
        (Recurrence(Frequency.WEEKLY, interval=3), "Every 3 weeks"),
        (Recurrence(Frequency.MONTHLY), "Monthly on the same day"),
        (Recurrence(Frequency.MONTHLY, interval=2), "Every 2 months on the same day"),
        (Recurrence(Frequency.MONTHLY, weekday=0, position=1), "Monthly on the first Monday"),
        (Recurrence(Frequency.MONTHLY, weekday=2, position=3), "Monthly on the third Wednesday"),
        (Recurrence(Frequency.MONTHLY, weekday=3, position=4), "Monthly on the fourth Thursday"),
        (Recurrence(Frequency.MONTHLY, weekday=6, position=-1), "Monthly on the last Sunday"),
        (
            Recurrence(Frequency.MONTHLY, interval=2, weekday=1, position=2),
            "Every 2 months on the second Tuesday",
        ),
        (
            Recurrence(Frequency.MONTHLY, interval=3, weekday=5, position=-1),
            "Every 3 months on the last Saturday",
        ),
    ],
)
def test_each_kind_of_series_is_said_in_english(recurrence, english):
    with translation.override("en"):
        assert recurrence.describe() == english


def test_every_weekday_and_position_is_a_whole_sentence_of_its_own_for_translators(monkeypatch):
    """Each (position, weekday) is one message with the context "series", never pieces put together:
    a language can then agree its ordinal with the weekday's gender and order the words as it needs."""
    from convene.meetings import times

    asked = []
    real_pgettext, real_npgettext = times.pgettext, times.npgettext
    monkeypatch.setattr(
        times, "pgettext", lambda ctx, msg: asked.append((ctx, msg)) or real_pgettext(ctx, msg)
    )
    monkeypatch.setattr(
        times,
        "npgettext",
        lambda ctx, one, many, n: asked.append((ctx, one, many)) or real_npgettext(ctx, one, many, n),
    )
    said = set()
    with translation.override("en"):
        for position in (1, 2, 3, 4, -1):
            for weekday in range(7):
                for interval in (1, 2):
                    rule = Recurrence(
                        Frequency.MONTHLY, interval=interval, weekday=weekday, position=position
                    )
                    said.add(rule.describe())
    assert len(said) == 70
    assert {entry[0] for entry in asked} == {"series"}
    assert {entry[1] for entry in asked if len(entry) == 2} == {
        f"Monthly on the {p} {d}"
        for p in ("first", "second", "third", "fourth", "last")
        for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    }
    assert all("%(position)s" not in entry[1] and "%(weekday)s" not in entry[1] for entry in asked)
