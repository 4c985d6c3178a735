"""Meeting times across time zones: recurring series, exceptions, working hours (pure functions).

A meeting is planned in its organiser's named zone ("Europe/Copenhagen"), and a series keeps its
wall-clock time there across daylight-saving changes, as calendar programs do: the monthly meeting
at 15:00 in Copenhagen is at 15:00 in winter and in summer, and so moves by an hour for a member in
Lusaka. Everything here takes and returns aware datetimes in UTC, or local wall-clock datetimes with
a zone name, never naive times of unknown zone. RFC 5545 §3.3.5 decides the two odd cases: a local
time that does not exist (the hour skipped in spring) is read with the offset before the gap, one that
exists twice (the hour repeated in autumn) is the first of the two.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo

from dateutil import rrule
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext, pgettext

UTC = datetime.UTC
# The working day a slot is judged against, where each member lives (08:00–20:00).
WORKDAY_STARTS = datetime.time(8, 0)
WORKDAY_ENDS = datetime.time(20, 0)
# A series is expanded this far at the most (a weekly series for ten years).
MAX_OCCURRENCES = 520


class Frequency(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)


@dataclass(frozen=True)
class Recurrence:
    """How a series repeats: weekly every ``interval`` weeks, or monthly on a weekday's position in the
    month (``position`` 1–4, or -1 for the last: "the second Tuesday" is weekday=1, position=2), or
    monthly on the first meeting's day of the month when ``position`` is None. It ends after ``count``
    meetings or on ``until`` (a local date, included), whichever comes first."""

    frequency: Frequency
    interval: int = 1
    weekday: int | None = None
    position: int | None = None
    count: int | None = None
    until: datetime.date | None = None

    def __post_init__(self):
        if not 1 <= self.interval <= 12:
            raise ValueError("interval must be 1 to 12")
        if self.position is not None and self.position not in (1, 2, 3, 4, -1):
            raise ValueError("position must be 1 to 4, or -1 for the last")
        if (self.position is None) != (self.weekday is None) and self.frequency == Frequency.MONTHLY:
            raise ValueError("a monthly series by weekday needs both weekday and position")
        if self.weekday is not None and not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be 0 (Monday) to 6 (Sunday)")
        if self.count is not None and not 1 <= self.count <= MAX_OCCURRENCES:
            raise ValueError(f"count must be 1 to {MAX_OCCURRENCES}")

    def _byweekday(self):
        if self.frequency == Frequency.MONTHLY and self.weekday is not None:
            return WEEKDAYS[self.weekday](self.position)
        return None

    def rrule(self, first: datetime.datetime) -> rrule.rrule:
        """The dateutil rule over local wall-clock times (naive, in the organiser's zone)."""
        freq = rrule.WEEKLY if self.frequency == Frequency.WEEKLY else rrule.MONTHLY
        until = None
        if self.until is not None:
            until = datetime.datetime.combine(self.until, datetime.time.max)
        return rrule.rrule(
            freq,
            dtstart=first,
            interval=self.interval,
            byweekday=self._byweekday(),
            count=self.count if self.count is not None else (None if until else MAX_OCCURRENCES),
            until=until,
        )

    def ical(self) -> dict:
        """The RRULE's parts for icalendar (``vRecur``); UNTIL is given in UTC by the caller's zone."""
        parts: dict = {"FREQ": "WEEKLY" if self.frequency == Frequency.WEEKLY else "MONTHLY"}
        if self.interval != 1:
            parts["INTERVAL"] = self.interval
        if self.frequency == Frequency.MONTHLY and self.weekday is not None:
            parts["BYDAY"] = f"{self.position}{('MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU')[self.weekday]}"
        if self.count is not None:
            parts["COUNT"] = self.count
        return parts

    def describe(self) -> str:
        """In words, in the active language: "Every 2 weeks", "Monthly on the second Tuesday"."""
        if self.frequency == Frequency.WEEKLY:
            if self.interval == 1:
                return _("Every week")
            return ngettext("Every %(n)d week", "Every %(n)d weeks", self.interval) % {"n": self.interval}
        if self.weekday is None:
            if self.interval == 1:
                return _("Monthly on the same day")
            return ngettext(
                "Every %(n)d month on the same day", "Every %(n)d months on the same day", self.interval
            ) % {"n": self.interval}
        if self.interval == 1:
            return _monthly_on(self.position, self.weekday)
        return _every_months_on(self.position, self.weekday, self.interval)


# One whole sentence per case, so that each language can put its ordinal, its article and its
# weekday in the order and the gender it needs ("le deuxième mardi", "la segunda martes" is wrong:
# "el segundo martes"; Danish "den anden tirsdag"). Keys: (position, weekday).
def _monthly_on(position: int, weekday: int) -> str:
    return {
        (1, 0): pgettext("series", "Monthly on the first Monday"),
        (1, 1): pgettext("series", "Monthly on the first Tuesday"),
        (1, 2): pgettext("series", "Monthly on the first Wednesday"),
        (1, 3): pgettext("series", "Monthly on the first Thursday"),
        (1, 4): pgettext("series", "Monthly on the first Friday"),
        (1, 5): pgettext("series", "Monthly on the first Saturday"),
        (1, 6): pgettext("series", "Monthly on the first Sunday"),
        (2, 0): pgettext("series", "Monthly on the second Monday"),
        (2, 1): pgettext("series", "Monthly on the second Tuesday"),
        (2, 2): pgettext("series", "Monthly on the second Wednesday"),
        (2, 3): pgettext("series", "Monthly on the second Thursday"),
        (2, 4): pgettext("series", "Monthly on the second Friday"),
        (2, 5): pgettext("series", "Monthly on the second Saturday"),
        (2, 6): pgettext("series", "Monthly on the second Sunday"),
        (3, 0): pgettext("series", "Monthly on the third Monday"),
        (3, 1): pgettext("series", "Monthly on the third Tuesday"),
        (3, 2): pgettext("series", "Monthly on the third Wednesday"),
        (3, 3): pgettext("series", "Monthly on the third Thursday"),
        (3, 4): pgettext("series", "Monthly on the third Friday"),
        (3, 5): pgettext("series", "Monthly on the third Saturday"),
        (3, 6): pgettext("series", "Monthly on the third Sunday"),
        (4, 0): pgettext("series", "Monthly on the fourth Monday"),
        (4, 1): pgettext("series", "Monthly on the fourth Tuesday"),
        (4, 2): pgettext("series", "Monthly on the fourth Wednesday"),
        (4, 3): pgettext("series", "Monthly on the fourth Thursday"),
        (4, 4): pgettext("series", "Monthly on the fourth Friday"),
        (4, 5): pgettext("series", "Monthly on the fourth Saturday"),
        (4, 6): pgettext("series", "Monthly on the fourth Sunday"),
        (-1, 0): pgettext("series", "Monthly on the last Monday"),
        (-1, 1): pgettext("series", "Monthly on the last Tuesday"),
        (-1, 2): pgettext("series", "Monthly on the last Wednesday"),
        (-1, 3): pgettext("series", "Monthly on the last Thursday"),
        (-1, 4): pgettext("series", "Monthly on the last Friday"),
        (-1, 5): pgettext("series", "Monthly on the last Saturday"),
        (-1, 6): pgettext("series", "Monthly on the last Sunday"),
    }[(position, weekday)]


def _every_months_on(position: int, weekday: int, n: int) -> str:
    return {
        (1, 0): npgettext(
            "series",
            "Every %(n)d month on the first Monday",
            "Every %(n)d months on the first Monday",
            n,
        ),
        (1, 1): npgettext(
            "series",
            "Every %(n)d month on the first Tuesday",
            "Every %(n)d months on the first Tuesday",
            n,
        ),
        (1, 2): npgettext(
            "series",
            "Every %(n)d month on the first Wednesday",
            "Every %(n)d months on the first Wednesday",
            n,
        ),
        (1, 3): npgettext(
            "series",
            "Every %(n)d month on the first Thursday",
            "Every %(n)d months on the first Thursday",
            n,
        ),
        (1, 4): npgettext(
            "series",
            "Every %(n)d month on the first Friday",
            "Every %(n)d months on the first Friday",
            n,
        ),
        (1, 5): npgettext(
            "series",
            "Every %(n)d month on the first Saturday",
            "Every %(n)d months on the first Saturday",
            n,
        ),
        (1, 6): npgettext(
            "series",
            "Every %(n)d month on the first Sunday",
            "Every %(n)d months on the first Sunday",
            n,
        ),
        (2, 0): npgettext(
            "series",
            "Every %(n)d month on the second Monday",
            "Every %(n)d months on the second Monday",
            n,
        ),
        (2, 1): npgettext(
            "series",
            "Every %(n)d month on the second Tuesday",
            "Every %(n)d months on the second Tuesday",
            n,
        ),
        (2, 2): npgettext(
            "series",
            "Every %(n)d month on the second Wednesday",
            "Every %(n)d months on the second Wednesday",
            n,
        ),
        (2, 3): npgettext(
            "series",
            "Every %(n)d month on the second Thursday",
            "Every %(n)d months on the second Thursday",
            n,
        ),
        (2, 4): npgettext(
            "series",
            "Every %(n)d month on the second Friday",
            "Every %(n)d months on the second Friday",
            n,
        ),
        (2, 5): npgettext(
            "series",
            "Every %(n)d month on the second Saturday",
            "Every %(n)d months on the second Saturday",
            n,
        ),
        (2, 6): npgettext(
            "series",
            "Every %(n)d month on the second Sunday",
            "Every %(n)d months on the second Sunday",
            n,
        ),
        (3, 0): npgettext(
            "series",
            "Every %(n)d month on the third Monday",
            "Every %(n)d months on the third Monday",
            n,
        ),
        (3, 1): npgettext(
            "series",
            "Every %(n)d month on the third Tuesday",
            "Every %(n)d months on the third Tuesday",
            n,
        ),
        (3, 2): npgettext(
            "series",
            "Every %(n)d month on the third Wednesday",
            "Every %(n)d months on the third Wednesday",
            n,
        ),
        (3, 3): npgettext(
            "series",
            "Every %(n)d month on the third Thursday",
            "Every %(n)d months on the third Thursday",
            n,
        ),
        (3, 4): npgettext(
            "series",
            "Every %(n)d month on the third Friday",
            "Every %(n)d months on the third Friday",
            n,
        ),
        (3, 5): npgettext(
            "series",
            "Every %(n)d month on the third Saturday",
            "Every %(n)d months on the third Saturday",
            n,
        ),
        (3, 6): npgettext(
            "series",
            "Every %(n)d month on the third Sunday",
            "Every %(n)d months on the third Sunday",
            n,
        ),
        (4, 0): npgettext(
            "series",
            "Every %(n)d month on the fourth Monday",
            "Every %(n)d months on the fourth Monday",
            n,
        ),
        (4, 1): npgettext(
            "series",
            "Every %(n)d month on the fourth Tuesday",
            "Every %(n)d months on the fourth Tuesday",
            n,
        ),
        (4, 2): npgettext(
            "series",
            "Every %(n)d month on the fourth Wednesday",
            "Every %(n)d months on the fourth Wednesday",
            n,
        ),
        (4, 3): npgettext(
            "series",
            "Every %(n)d month on the fourth Thursday",
            "Every %(n)d months on the fourth Thursday",
            n,
        ),
        (4, 4): npgettext(
            "series",
            "Every %(n)d month on the fourth Friday",
            "Every %(n)d months on the fourth Friday",
            n,
        ),
        (4, 5): npgettext(
            "series",
            "Every %(n)d month on the fourth Saturday",
            "Every %(n)d months on the fourth Saturday",
            n,
        ),
        (4, 6): npgettext(
            "series",
            "Every %(n)d month on the fourth Sunday",
            "Every %(n)d months on the fourth Sunday",
            n,
        ),
        (-1, 0): npgettext(
            "series",
            "Every %(n)d month on the last Monday",
            "Every %(n)d months on the last Monday",
            n,
        ),
        (-1, 1): npgettext(
            "series",
            "Every %(n)d month on the last Tuesday",
            "Every %(n)d months on the last Tuesday",
            n,
        ),
        (-1, 2): npgettext(
            "series",
            "Every %(n)d month on the last Wednesday",
            "Every %(n)d months on the last Wednesday",
            n,
        ),
        (-1, 3): npgettext(
            "series",
            "Every %(n)d month on the last Thursday",
            "Every %(n)d months on the last Thursday",
            n,
        ),
        (-1, 4): npgettext(
            "series",
            "Every %(n)d month on the last Friday",
            "Every %(n)d months on the last Friday",
            n,
        ),
        (-1, 5): npgettext(
            "series",
            "Every %(n)d month on the last Saturday",
            "Every %(n)d months on the last Saturday",
            n,
        ),
        (-1, 6): npgettext(
            "series",
            "Every %(n)d month on the last Sunday",
            "Every %(n)d months on the last Sunday",
            n,
        ),
    }[(position, weekday)] % {"n": n}


def weekday_name(weekday: int) -> str:
    return (
        _("Monday"),
        _("Tuesday"),
        _("Wednesday"),
        _("Thursday"),
        _("Friday"),
        _("Saturday"),
        _("Sunday"),
    )[weekday]


def zone(name: str) -> ZoneInfo:
    """The IANA zone of that name (``zoneinfo.ZoneInfoNotFoundError`` for an unknown one)."""
    return ZoneInfo(name)


def to_utc(local: datetime.datetime, zone_name: str) -> datetime.datetime:
    """A local wall-clock time in the named zone, in UTC (RFC 5545 §3.3.5 for skipped and repeated
    hours: the offset before the gap, the first of two)."""
    if local.tzinfo is not None:
        raise ValueError("to_utc takes a naive local wall-clock time")
    return local.replace(tzinfo=zone(zone_name), fold=0).astimezone(UTC)


def to_local(moment: datetime.datetime, zone_name: str) -> datetime.datetime:
    """An aware moment as wall-clock time in the named zone (aware, in that zone)."""
    if moment.tzinfo is None:
        raise ValueError("to_local takes an aware datetime")
    return moment.astimezone(zone(zone_name))


@dataclass(frozen=True)
class Occurrence:
    """One meeting of a series: ``original`` is the start the rule gives (the RECURRENCE-ID, in UTC),
    ``starts``/``ends`` where it really is (moved or not)."""

    original: datetime.datetime
    starts: datetime.datetime
    ends: datetime.datetime
    cancelled: bool = False

    @property
    def moved(self) -> bool:
        return self.starts != self.original


@dataclass(frozen=True)
class Exceptions:
    """Single occurrences cancelled or moved, keyed by their original start (UTC)."""

    cancelled: frozenset[datetime.datetime] = frozenset()
    moved: Mapping[datetime.datetime, tuple[datetime.datetime, datetime.datetime]] = field(
        default_factory=dict
    )


def occurrences(
    first_start: datetime.datetime,
    first_end: datetime.datetime,
    zone_name: str,
    recurrence: Recurrence | None,
    *,
    exceptions: Exceptions | None = None,
    between: tuple[datetime.datetime, datetime.datetime] | None = None,
) -> list[Occurrence]:
    """The meetings of a series, in order of their original start, each in UTC.

    ``first_start``/``first_end`` are local wall-clock times (naive) in ``zone_name``; every occurrence
    keeps that wall-clock time and length there. ``between`` (UTC, start included, end excluded) keeps
    those whose original or real start falls inside. Cancelled ones are returned, marked.
    """
    if first_end <= first_start:
        raise ValueError("a meeting ends after it starts")
    length = first_end - first_start
    exceptions = exceptions or Exceptions()
    locals_ = [first_start] if recurrence is None else list(recurrence.rrule(first_start))
    found = []
    for local in locals_:
        original = to_utc(local, zone_name)
        starts, ends = exceptions.moved.get(original, (original, to_utc(local + length, zone_name)))
        if between is not None:
            low, high = between
            if not (low <= original < high or low <= starts < high):
                continue
        found.append(Occurrence(original, starts, ends, cancelled=original in exceptions.cancelled))
    return found


@dataclass(frozen=True)
class Retiming:
    """A series moved "from this meeting on": every meeting whose original start (the rule's, UTC) is
    at or after ``since`` starts at ``time`` in ``zone_name`` on its original local day shifted by
    ``days``, and lasts ``minutes``. The original start stays each meeting's identity (RECURRENCE-ID)."""

    since: datetime.datetime
    zone_name: str
    time: datetime.time
    minutes: int
    days: int = 0

    def span(
        self, original: datetime.datetime, series_zone: str
    ) -> tuple[datetime.datetime, datetime.datetime]:
        """Where the meeting the rule put at ``original`` (UTC; its day read in ``series_zone``) now is."""
        day = to_local(original, series_zone).date() + datetime.timedelta(days=self.days)
        local = datetime.datetime.combine(day, self.time)
        return (
            to_utc(local, self.zone_name),
            to_utc(local + datetime.timedelta(minutes=self.minutes), self.zone_name),
        )

    def as_json(self) -> dict:
        return {
            "since": self.since.astimezone(UTC).isoformat(),
            "zone": self.zone_name,
            "time": self.time.strftime("%H:%M"),
            "minutes": self.minutes,
            "days": self.days,
        }

    @classmethod
    def from_json(cls, data: Mapping) -> "Retiming":
        return cls(
            since=datetime.datetime.fromisoformat(data["since"]),
            zone_name=data["zone"],
            time=datetime.time.fromisoformat(data["time"]),
            minutes=int(data["minutes"]),
            days=int(data.get("days", 0)),
        )


def retimed(original: datetime.datetime, retimings: Sequence[Retiming]) -> Retiming | None:
    """The latest retiming that covers the meeting the rule put at ``original``, or None."""
    covering = [r for r in retimings if r.since <= original]
    return covering[-1] if covering else None


def outside_working_hours(
    starts: datetime.datetime,
    ends: datetime.datetime,
    zone_name: str,
    *,
    day_starts: datetime.time = WORKDAY_STARTS,
    day_ends: datetime.time = WORKDAY_ENDS,
) -> bool:
    """Whether any part of the meeting falls outside the working day where the person lives."""
    local_start, local_end = to_local(starts, zone_name), to_local(ends, zone_name)
    if local_start.date() != local_end.date():
        return True  # it runs past midnight, so past the end of the working day
    return local_start.time() < day_starts or local_end.time() > day_ends


def crosses_midnight(starts: datetime.datetime, ends: datetime.datetime, zone_name: str) -> bool:
    """Whether the meeting starts on one day and ends on the next where the person lives."""
    local_start = to_local(starts, zone_name)
    local_end = to_local(ends - datetime.timedelta(microseconds=1), zone_name)
    return local_start.date() != local_end.date()


class Answer(StrEnum):
    YES = "yes"
    IF_NEED_BE = "if_need_be"
    NO = "no"


@dataclass(frozen=True)
class SlotTally:
    """A time poll's slot with its answers: counts, and who would meet outside their working day."""

    starts: datetime.datetime
    ends: datetime.datetime
    yes: int
    if_need_be: int
    no: int
    outside_hours: tuple  # the keys (people) for whom it is outside 08:00–20:00
    score: int  # 2 a yes, 1 an if-need-be: the best slot has the highest

    @property
    def answered(self) -> int:
        return self.yes + self.if_need_be + self.no


def tally(
    slots: Sequence[tuple[datetime.datetime, datetime.datetime]],
    answers: Mapping[object, Mapping[int, Answer]],
    zones: Mapping[object, str],
) -> list[SlotTally]:
    """Each slot's answers: ``answers[person][slot index]``, ``zones[person]`` where they live.

    People outside working hours are counted over everyone whose zone is known (the invited), whether
    or not they answered: the co-chair sees who a slot is hard for before they say so."""
    result = []
    for index, (starts, ends) in enumerate(slots):
        counts = dict.fromkeys(Answer, 0)
        for per_slot in answers.values():
            answer = per_slot.get(index)
            if answer is not None:
                counts[Answer(answer)] += 1
        outside = tuple(key for key, name in zones.items() if outside_working_hours(starts, ends, name))
        result.append(
            SlotTally(
                starts,
                ends,
                counts[Answer.YES],
                counts[Answer.IF_NEED_BE],
                counts[Answer.NO],
                outside,
                2 * counts[Answer.YES] + counts[Answer.IF_NEED_BE],
            )
        )
    return result


def best_slot(tallies: Iterable[SlotTally]) -> int | None:
    """The index of the slot most can make (yes counts double an if-need-be), fewest outside their
    working day breaking a tie, then the earliest."""
    ranked = sorted(
        enumerate(tallies), key=lambda pair: (-pair[1].score, len(pair[1].outside_hours), pair[1].starts)
    )
    return ranked[0][0] if ranked else None
