"""Progress of an indicator: actuals against targets, per period and for the life of the plan.

Pure arithmetic on plain values (no database), so that it can be checked by hand-worked cases and by
property-based tests. The rules, the ones TolaData and IATI use:

- Only approved measurements reach this module (the caller filters).
- **One reported period.** Readings for the same period (same start and end) combine into one actual:
  if any reading is a total (no disaggregation), the totals are used and the disaggregated readings are
  detail; otherwise the readings of one disaggregation (the one with the fewest categories, then the
  one whose categories come first in the indicator's order) are added up, so that a breakdown by sex
  and another by country are not counted twice.
- **One country.** A country's actual is the same combination over the readings disaggregated by that
  country, the country set aside: a reading by country alone is the country's total, a breakdown by
  country and sex its detail. The page's progress (``compute(country=…)``) and the stored period
  actuals (``period_actuals``) both follow it.
- **Nested reported periods.** A reported period that lies inside another reported period is its
  detail, as a breakdown is of a total: January reported, then the whole first quarter, counts the
  quarter once, not the quarter plus January. Periods that only overlap are separate reports.
- **Cumulative numbers** (people trained) count what the plan adds: a period's actual is the sum of
  the readings from the start of the plan to the end of the period, the life of plan's the sum of every
  reading, and its target is the target to date.
- **Levels**: a non-cumulative number (caseload per worker), any percentage and yes/no are states, not
  counts. Their actual is the latest reading: the latest reported period inside the target period
  (non-cumulative) or up to its end (cumulative), and the latest of all for the life of plan. Readings
  are never added up across periods (110 then 95 is 95, not 205). Within one reported period a
  percentage is the sum of numerators over the sum of denominators (never an average of percentages);
  yes/no is 1 or 0, a yes wins a tie. **Qualitative** indicators have no arithmetic: a period with a
  reading is "no target" (there is nothing to divide), not "not reporting".
- A reading counts in a target period when it lies inside it (a monthly reading in its quarter).
- **Life of plan target**: the explicit life-of-plan target if there is one; otherwise the last periodic
  target (a level's latest goal, a cumulative indicator's target to date).
- **Percent met** is the share of the way from baseline to target that has been covered:
  (actual − baseline) ÷ (target − baseline) × 100, the same formula whichever way is good (120 → 80 with
  95 is 25 ÷ 40 = 62.5 %). It exceeds 100 beyond the target and is negative when the indicator moves
  away from it (``PeriodProgress.moving_away``); bars clamp it to 0–100, the text shows it as it is.
  Without a baseline: actual ÷ target when an increase is good, target ÷ actual when a decrease is good
  (15 planned, 30 found: 50 %). A cumulative number's readings count from zero what the plan adds, so
  its baseline (what existed before) takes no part: actual ÷ target (target ÷ actual for a decrease).
- Where the share cannot be divided (target equal to the baseline; a zero target; a decrease with an
  actual of zero or less) there is no percentage and the status compares actual and target: equal is on
  track, beyond it in the good direction ahead, otherwise behind. A negative target is no target.
- **Status**: on track when the percent met lies within the band (85–115 % by default, both edges
  included), ahead above it, behind below it. A period with no reading is "not reporting" (or
  "upcoming" before it starts); a period with readings but no target is "no target".
- **The indicator's state** (``Progress.status``) is the latest period's verdict, skipping periods not
  begun and periods still running with nothing reported yet (a report is not late before its period
  ends); with nothing to judge, or when the latest reading falls in a period without a target of its
  own, the life of plan's (so a plan with only a life-of-plan target is judged against it, never
  "no target" beside a computed percentage).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.conf import settings
from django.utils.translation import gettext_lazy as _

HUNDRED = Decimal(100)
COUNTRY = "country"


class Status(StrEnum):
    ON_TRACK = "on_track"
    AHEAD = "ahead"
    BEHIND = "behind"
    NOT_REPORTING = "not_reporting"
    UPCOMING = "upcoming"
    NO_TARGET = "no_target"


STATUS_LABELS = {
    Status.ON_TRACK: _("On track"),
    Status.AHEAD: _("Ahead of target"),
    Status.BEHIND: _("Behind target"),
    Status.NOT_REPORTING: _("Not reporting"),
    Status.UPCOMING: _("Upcoming"),
    Status.NO_TARGET: _("No target"),
}


@dataclass(frozen=True)
class Spec:
    unit: str = "number"  # number, percentage, yes_no, qualitative
    direction: str = "increase"  # increase, decrease
    cumulative: bool = False
    disaggregations: tuple[str, ...] = ()  # category names in the indicator's order
    baseline: Decimal | None = None

    @property
    def counts(self) -> bool:
        """A count (a cumulative number) adds its readings up; anything else is a level."""
        return self.unit == "number" and self.cumulative


@dataclass(frozen=True)
class Period:
    starts_on: datetime.date
    ends_on: datetime.date
    target: Decimal | None = None
    life_of_plan: bool = False


@dataclass(frozen=True)
class Reading:
    starts_on: datetime.date
    ends_on: datetime.date
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    disaggregation: tuple[tuple[str, str], ...] = ()  # sorted (category, option) pairs; () is a total

    @staticmethod
    def of(
        starts_on, ends_on, value=None, numerator=None, denominator=None, disaggregation=None
    ) -> "Reading":
        return Reading(
            starts_on,
            ends_on,
            None if value is None else Decimal(value),
            None if numerator is None else Decimal(numerator),
            None if denominator is None else Decimal(denominator),
            tuple(sorted((disaggregation or {}).items())),
        )


@dataclass(frozen=True)
class Actual:
    """An actual: ``value`` for numbers and yes/no; a percentage keeps its numerator and denominator."""

    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    ends_on: datetime.date | None = None  # the latest reading's end (yes/no takes the latest)


def spec_of(indicator) -> Spec:
    """The arithmetic of an indicator (or of a shared indicator): what the rules below need of it."""
    return Spec(
        unit=indicator.unit,
        direction=indicator.direction,
        cumulative=indicator.cumulative,
        disaggregations=tuple(c["name"] for c in indicator.disaggregations or []),
        baseline=getattr(indicator, "baseline_value", None),
    )


def reading_of(measurement) -> Reading:
    """A measurement as a reading (the caller passes approved measurements only)."""
    m = measurement
    return Reading(
        m.starts_on,
        m.ends_on,
        m.value,
        m.numerator,
        m.denominator,
        tuple(sorted((m.disaggregation or {}).items())),
    )


def on_track_band() -> tuple[float, float]:
    """The share of the target that counts as on track (85–115 % unless the network sets another)."""
    return (settings.CONVENE_ON_TRACK_LOW, settings.CONVENE_ON_TRACK_HIGH)


@dataclass
class PeriodProgress:
    starts_on: datetime.date
    ends_on: datetime.date
    target: Decimal | None
    actual: Decimal | None
    percent_met: Decimal | None
    status: Status
    life_of_plan: bool = False
    numerator: Decimal | None = None
    denominator: Decimal | None = None

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def moving_away(self) -> bool:
        """Further from the target than the baseline was (a negative percent met)."""
        return self.percent_met is not None and self.percent_met < 0

    @property
    def bar_percent(self) -> Decimal | None:
        """The percent met clamped to 0–100, for a bar (the text shows the true figure)."""
        if self.percent_met is None:
            return None
        return min(max(self.percent_met, Decimal(0)), HUNDRED)


@dataclass
class Progress:
    periods: list[PeriodProgress] = field(default_factory=list)
    life_of_plan: PeriodProgress | None = None
    today: datetime.date | None = None

    @property
    def status(self) -> Status:
        """The indicator's state today: the latest period that has a judgement, else life of plan.

        A period still running with nothing reported has no judgement yet: its report is not late. A
        latest reading in a period without a target of its own is judged by the life of plan."""
        judged = [
            p
            for p in self.periods
            if p.status != Status.UPCOMING
            and not (p.status == Status.NOT_REPORTING and self.today is not None and p.ends_on >= self.today)
        ]
        if judged and judged[-1].status != Status.NO_TARGET:
            return judged[-1].status
        if self.life_of_plan is not None:
            return self.life_of_plan.status
        return Status.NO_TARGET if judged else Status.NOT_REPORTING


def _key_order(spec: Spec, key: tuple[tuple[str, str], ...]) -> tuple:
    # Fewest categories, then the categories that come first in the indicator's order (sorted, so that
    # the alphabetical order of the names in the key does not decide), then the names.
    order = {name: i for i, name in enumerate(spec.disaggregations)}
    return (len(key), sorted(order.get(name, len(order)) for name, _option in key), [n for n, _o in key])


def combine_period(spec: Spec, readings: Sequence[Reading]) -> Actual:
    """The actual of readings that all report the same period (totals win over breakdowns)."""
    if not readings:
        return Actual(None)
    totals = [r for r in readings if not r.disaggregation]
    if totals:
        chosen = totals
    else:
        by_categories: dict[tuple[str, ...], list[Reading]] = defaultdict(list)
        for reading in readings:
            by_categories[tuple(name for name, _option in reading.disaggregation)].append(reading)
        best = min(
            by_categories,
            key=lambda names: _key_order(spec, tuple((n, "") for n in names)),
        )
        chosen = by_categories[best]
    return aggregate(spec, chosen)


def aggregate(spec: Spec, readings: Sequence[Reading]) -> Actual:
    """The readings added up as they are (the caller chose them so that nothing counts twice)."""
    ends_on = max(r.ends_on for r in readings)
    if spec.unit == "percentage":
        pairs = [(r.numerator, r.denominator) for r in readings if r.numerator is not None and r.denominator]
        if not pairs:
            return Actual(None, ends_on=ends_on)
        numerator = sum((n for n, _d in pairs), Decimal(0))
        denominator = sum((d for _n, d in pairs), Decimal(0))
        return Actual(
            numerator * HUNDRED / denominator if denominator else None, numerator, denominator, ends_on
        )
    values = [r for r in readings if r.value is not None]
    if not values:
        return Actual(None, ends_on=ends_on)
    if spec.unit == "yes_no":
        latest = max(values, key=lambda r: (r.ends_on, r.value))
        return Actual(latest.value, ends_on=latest.ends_on)
    if spec.unit == "qualitative":
        return Actual(None, ends_on=ends_on)
    return Actual(sum((r.value for r in values), Decimal(0)), ends_on=ends_on)


def in_country(readings: Iterable[Reading], country: str) -> list[Reading]:
    """The readings disaggregated by ``country``, the country set aside (a reading by country alone
    becomes that country's total)."""
    return [
        Reading(
            r.starts_on,
            r.ends_on,
            r.value,
            r.numerator,
            r.denominator,
            tuple(pair for pair in r.disaggregation if pair[0] != COUNTRY),
        )
        for r in readings
        if (COUNTRY, country) in r.disaggregation
    ]


def countries_of(readings: Iterable[Reading]) -> list[str]:
    return sorted({option for r in readings for name, option in r.disaggregation if name == COUNTRY})


def has_figure(actual: Actual) -> bool:
    """An actual with something in it (a qualitative reading has no number)."""
    return actual.value is not None or actual.numerator is not None


def period_actuals(spec: Spec, readings: Sequence[Reading]) -> dict[str, Actual]:
    """The actuals of one reported period: the total (key ``""``) and each country's (its code), those
    with a number only. What ``PeriodActual`` stores."""
    actuals = {"": combine_period(spec, readings)}
    for country in countries_of(readings):
        actuals[country] = combine_period(spec, in_country(readings, country))
    return {key: actual for key, actual in actuals.items() if has_figure(actual)}


def actual_of(spec: Spec, readings: Iterable[Reading], *, country: str = "") -> Actual:
    """The actual over several reported periods: each period combined, then the periods aggregated.

    With ``country``, that country's: the periods that count are still decided by every reading (a
    country reported for January inside a quarter reported in total is the quarter's detail)."""
    by_period: dict[tuple, list[Reading]] = defaultdict(list)
    for reading in readings:
        by_period[(reading.starts_on, reading.ends_on)].append(reading)
    if not by_period:
        return Actual(None)
    reported = {key: combine_period(spec, group) for key, group in by_period.items()}
    reported = {key: c for key, c in reported.items() if has_figure(c)}
    if country:
        reported = {key: combine_period(spec, in_country(by_period[key], country)) for key in reported}
    combined = [reported[key] for key in outermost(reported) if has_figure(reported[key])]
    if not combined:
        return Actual(None)
    if spec.counts:
        return Actual(sum((c.value for c in combined), Decimal(0)), ends_on=max(c.ends_on for c in combined))
    # A level: the latest reported period (outermost periods end on different days; yes/no breaks a tie
    # between equal ends, which cannot happen here, towards yes all the same).
    return max(combined, key=lambda c: (c.ends_on, c.value or 0))


def outermost(periods: Iterable[tuple[datetime.date, datetime.date]]) -> list[tuple]:
    """The reported periods that lie inside no other one (a month inside its quarter is detail)."""
    kept, latest_end = [], None
    # By start, the longest first: a period is inside another iff one before it ends no earlier.
    for start, end in sorted(periods, key=lambda p: (p[0], -p[1].toordinal())):
        if latest_end is None or end > latest_end:
            kept.append((start, end))
            latest_end = end
    return kept


def _compare(spec: Spec, target: Decimal, actual: Decimal) -> Status:
    """The status where no share can be divided: at the target, beyond it the good way, or short."""
    if actual == target:
        return Status.ON_TRACK
    return Status.AHEAD if (actual > target) == (spec.direction != "decrease") else Status.BEHIND


def judge(
    spec: Spec,
    target: Decimal | None,
    actual: Decimal | None,
    *,
    band: tuple[float, float] = (0.85, 1.15),
) -> tuple[Decimal | None, Status]:
    """Percent met (the share of the way from baseline to target) and the status it gives."""
    if actual is None:
        return None, Status.NOT_REPORTING
    if target is None or target < 0 or spec.unit == "qualitative":
        return None, Status.NO_TARGET
    baseline = None if spec.counts else spec.baseline
    if baseline is not None:
        if target == baseline:
            return None, _compare(spec, target, actual)
        share = (actual - baseline) / (target - baseline)
    elif target == 0:
        return None, _compare(spec, target, actual)
    elif spec.direction != "decrease":
        share = actual / target
    elif actual <= 0:
        return None, _compare(spec, target, actual)
    else:
        share = target / actual
    low, high = Decimal(str(band[0])), Decimal(str(band[1]))
    if low <= share <= high:
        status = Status.ON_TRACK
    elif share > high:
        status = Status.AHEAD
    else:
        status = Status.BEHIND
    return share * HUNDRED, status


def _verdict(
    spec: Spec, target: Decimal | None, actual: Decimal | None, *, reported: bool, band: tuple[float, float]
) -> tuple[Decimal | None, Status]:
    if spec.unit == "qualitative" and reported:
        return None, Status.NO_TARGET  # reported in words: nothing to divide, yet not "not reporting"
    return judge(spec, target, actual, band=band)


def _inside(reading: Reading, starts_on: datetime.date | None, ends_on: datetime.date) -> bool:
    return (starts_on is None or reading.starts_on >= starts_on) and reading.ends_on <= ends_on


def compute(
    spec: Spec,
    periods: Sequence[Period],
    readings: Sequence[Reading],
    *,
    band: tuple[float, float] = (0.85, 1.15),
    today: datetime.date | None = None,
    country: str = "",
) -> Progress:
    """Progress per target period (plus the reported periods that have no target) and for the life
    of the plan; with ``country``, of that country's readings (the targets are the indicator's)."""
    periodic = sorted((p for p in periods if not p.life_of_plan), key=lambda p: (p.starts_on, p.ends_on))
    explicit_lop = next((p for p in periods if p.life_of_plan), None)
    mine = in_country(readings, country) if country else list(readings)

    progress = Progress(today=today)
    for period in _rows(periodic, mine):
        if not any(_inside(r, period.starts_on, period.ends_on) for r in mine):
            status = (
                Status.UPCOMING if today is not None and period.starts_on > today else Status.NOT_REPORTING
            )
            progress.periods.append(
                PeriodProgress(period.starts_on, period.ends_on, period.target, None, None, status)
            )
            continue
        since = None if spec.cumulative else period.starts_on
        actual = actual_of(spec, [r for r in readings if _inside(r, since, period.ends_on)], country=country)
        percent, status = _verdict(spec, period.target, actual.value, reported=True, band=band)
        progress.periods.append(
            PeriodProgress(
                period.starts_on,
                period.ends_on,
                period.target,
                actual.value,
                percent,
                status,
                numerator=actual.numerator,
                denominator=actual.denominator,
            )
        )
    progress.life_of_plan = _life_of_plan(spec, periodic, explicit_lop, readings, mine, country, band)
    return progress


def _rows(periodic: Sequence[Period], readings: Sequence[Reading]) -> list[Period]:
    """The target periods and the reported periods no target covers (they show as "no target")."""
    rows = list(periodic)
    for start, end in sorted({(r.starts_on, r.ends_on) for r in readings}):
        if not any(p.starts_on <= start and end <= p.ends_on for p in periodic):
            rows.append(Period(start, end, None))
    return sorted(rows, key=lambda p: (p.starts_on, p.ends_on))


def _life_of_plan(
    spec: Spec,
    periodic: Sequence[Period],
    explicit: Period | None,
    readings: Sequence[Reading],
    mine: Sequence[Reading],
    country: str,
    band: tuple[float, float],
) -> PeriodProgress | None:
    target = life_of_plan_target(spec, periodic, explicit)
    actual = actual_of(spec, readings, country=country)
    percent, status = _verdict(spec, target, actual.value, reported=bool(mine), band=band)
    first = explicit or (periodic[0] if periodic else None)
    last = explicit or (periodic[-1] if periodic else None)
    if first is None and not mine:
        return None
    return PeriodProgress(
        first.starts_on if first else min(r.starts_on for r in mine),
        last.ends_on if last else max(r.ends_on for r in mine),
        target,
        actual.value,
        percent,
        status,
        life_of_plan=True,
        numerator=actual.numerator,
        denominator=actual.denominator,
    )


def life_of_plan_target(spec: Spec, periodic: Sequence[Period], explicit: Period | None) -> Decimal | None:
    """The explicit life-of-plan target, else the last periodic one (a level's latest goal, a count's
    target to date: adding up the targets of a level would be the 205 of 110 then 95)."""
    if explicit is not None:
        return explicit.target
    targets = [p.target for p in periodic if p.target is not None]
    return targets[-1] if targets else None
