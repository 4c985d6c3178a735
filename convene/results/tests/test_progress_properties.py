"""Properties of the progress arithmetic (``results.progress``), checked by Hypothesis over readings of
any shape; the hand-worked cases are in ``test_progress.py`` and ``test_progress_levels.py``."""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from convene.results.progress import (
    HUNDRED,
    Period,
    Reading,
    Spec,
    Status,
    compute,
    judge,
    life_of_plan_target,
)
from convene.results.tests.test_progress import (
    CUMULATIVE,
    NUMBER,
    PERCENT,
    QUARTERS,
    YEAR,
    D,
    date,
    ratio,
    value,
)

# --- Properties -----------------------------------------------------------------------------------

MONTHS = [
    (date(2025, m, 1), date(2025 + m // 12, m % 12 + 1, 1) - datetime.timedelta(days=1)) for m in range(1, 13)
]
# Months, quarters and the year: reported periods that nest (a month in its quarter in the year).
ANY_PERIOD = MONTHS + list(QUARTERS) + [YEAR]
amounts = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
signed = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
positive = st.integers(min_value=1, max_value=500)
quarter_targets = st.lists(st.one_of(st.none(), amounts), min_size=0, max_size=4)
directions = st.sampled_from(["increase", "decrease"])
days = st.dates(min_value=date(2024, 12, 1), max_value=date(2026, 2, 1))
fast = settings(max_examples=200, deadline=None)


def periods_of(values, lop=None) -> list[Period]:
    periods = [Period(*q, v) for q, v in zip(QUARTERS, values, strict=False)]
    if lop is not None:
        periods.append(Period(*YEAR, lop, life_of_plan=True))
    return periods


@st.composite
def distinct_month_readings(draw, make):
    """Readings of distinct months (nothing nested), each made by ``make(period, draw)``."""
    months = draw(st.lists(st.sampled_from(MONTHS), unique=True, max_size=12))
    return [make(month, draw) for month in months]


@st.composite
def any_readings(draw):
    """Readings of any unit's shape over periods that may nest and repeat, totals and breakdowns."""
    breakdown = st.sampled_from(
        [
            {},
            {"sex": "female"},
            {"sex": "male"},
            {"country": "KE"},
            {"country": "UG"},
            {"sex": "female", "country": "KE"},
        ]
    )
    readings = []
    for _ in range(draw(st.integers(min_value=0, max_value=10))):
        period = draw(st.sampled_from(ANY_PERIOD))
        n = draw(st.integers(min_value=0, max_value=50))
        readings.append(
            Reading.of(
                *period,
                value=draw(st.sampled_from([0, 1])) if draw(st.booleans()) else draw(amounts),
                numerator=n,
                denominator=n + draw(st.integers(min_value=1, max_value=50)),
                disaggregation=draw(breakdown),
            )
        )
    return readings


@fast
@given(
    readings=distinct_month_readings(lambda month, draw: value(month, draw(amounts))), values=quarter_targets
)
def test_life_of_plan_actual_of_a_level_is_its_latest_reading(readings, values):
    lop = compute(NUMBER, periods_of(values), readings).life_of_plan
    expected = max(readings, key=lambda r: r.ends_on).value if readings else None
    assert (lop.actual if lop else None) == expected


@fast
@given(
    readings=distinct_month_readings(lambda month, draw: value(month, draw(amounts))), values=quarter_targets
)
def test_cumulative_actuals_never_fall_for_readings_of_zero_or_more(readings, values):
    progress = compute(CUMULATIVE, periods_of(values), readings)
    actuals = [p.actual for p in progress.periods if p.actual is not None]
    assert actuals == sorted(actuals)
    if actuals:
        assert progress.life_of_plan.actual == actuals[-1] == sum((r.value for r in readings), D(0))


@fast
@given(
    readings=distinct_month_readings(
        lambda month, draw: ratio(month, draw(st.integers(0, 300)), draw(positive))
    ),
    values=quarter_targets,
    factor=st.integers(min_value=1, max_value=1000),
)
def test_percentage_ignores_scale_and_is_one_of_its_period_ratios(readings, values, factor):
    periods = periods_of(values)
    progress = compute(PERCENT, periods, readings)
    scaled = [ratio((r.starts_on, r.ends_on), r.numerator * factor, r.denominator * factor) for r in readings]
    again = compute(PERCENT, periods, scaled)
    assert [p.actual for p in again.periods] == [p.actual for p in progress.periods]
    assert [p.status for p in again.periods] == [p.status for p in progress.periods]
    if readings:
        assert again.life_of_plan.actual == progress.life_of_plan.actual
        latest = max(readings, key=lambda r: r.ends_on)
        assert progress.life_of_plan.actual == latest.numerator * HUNDRED / latest.denominator
        for row in progress.periods:
            if row.actual is not None:
                inside = [r for r in readings if row.starts_on <= r.starts_on and r.ends_on <= row.ends_on]
                last = max(inside, key=lambda r: r.ends_on)
                assert row.actual == last.numerator * HUNDRED / last.denominator


@fast
@given(
    data=st.data(),
    readings=any_readings(),
    unit=st.sampled_from(["number", "percentage", "yes_no", "qualitative"]),
    cumulative=st.booleans(),
    direction=directions,
    values=quarter_targets,
    lop=st.one_of(st.none(), amounts),
    today=st.one_of(st.none(), days),
)
def test_the_order_of_readings_and_targets_changes_nothing(
    data, readings, unit, cumulative, direction, values, lop, today
):
    spec = Spec(unit, direction, cumulative, ("sex", "country"))
    periods = periods_of(values, lop)
    expected = compute(spec, periods, readings, today=today)
    shuffled = data.draw(st.permutations(readings))
    reordered_periods = data.draw(st.permutations(periods))
    assert compute(spec, reordered_periods, shuffled, today=today) == expected
    assert expected.status == compute(spec, reordered_periods, shuffled, today=today).status


@fast
@given(
    target=st.one_of(st.none(), amounts),
    actual=st.one_of(st.none(), signed),
    baseline=amounts,
    band=st.sampled_from([(0.85, 1.15), (0.9, 1.1), (0.5, 2.0), (1.0, 1.0)]),
)
def test_from_a_baseline_the_direction_changes_nothing_but_a_tie(target, actual, baseline, band):
    """The way from baseline to target has its own sign: 120 → 80 is a decrease whatever the field."""
    up = judge(Spec("number", baseline=baseline), target, actual, band=band)
    down = judge(Spec("number", direction="decrease", baseline=baseline), target, actual, band=band)
    if target is not None and target == baseline and actual is not None and actual != target:
        # No way to cover: beyond the target is ahead or behind by direction, never the same.
        assert up[0] is down[0] is None
        assert {up[1], down[1]} == {Status.AHEAD, Status.BEHIND}
    else:
        assert up == down


@fast
@given(
    target=amounts,
    actual=signed,
    baseline=st.one_of(st.none(), amounts),
    direction=directions,
    cumulative=st.booleans(),
)
def test_the_status_follows_the_percent_met(target, actual, baseline, direction, cumulative):
    percent, status = judge(Spec("number", direction, cumulative, baseline=baseline), target, actual)
    if percent is not None:
        expected = Status.AHEAD if percent > 115 else Status.BEHIND if percent < 85 else Status.ON_TRACK
        assert status == expected


@fast
@given(
    readings=any_readings(),
    cumulative=st.booleans(),
    direction=directions,
    values=quarter_targets,
    lop=st.one_of(st.none(), amounts),
)
def test_without_a_baseline_percent_met_is_actual_over_target(readings, cumulative, direction, values, lop):
    progress = compute(Spec("number", direction, cumulative), periods_of(values, lop), readings)
    rows = progress.periods + ([progress.life_of_plan] if progress.life_of_plan else [])
    for row in rows:
        if row.actual is not None and row.target and direction == "increase":
            assert row.percent_met == row.actual / row.target * HUNDRED
        elif row.actual is not None and row.actual > 0 and row.target and direction == "decrease":
            assert row.percent_met == row.target / row.actual * HUNDRED  # 15 planned, 30 found: 50 %
        else:
            assert row.percent_met is None


@fast
@given(values=st.lists(amounts, min_size=1, max_size=4), cumulative=st.booleans())
def test_derived_life_of_plan_target_is_the_last(values, cumulative):
    periods = periods_of(values)
    spec = Spec("number", cumulative=cumulative)
    assert life_of_plan_target(spec, periods, None) == values[-1]
    assert life_of_plan_target(PERCENT, periods, None) == values[-1]


@fast
@given(
    readings=any_readings(),
    unit=st.sampled_from(["number", "percentage", "yes_no", "qualitative"]),
    cumulative=st.booleans(),
    direction=directions,
    baseline=st.one_of(st.none(), amounts),
    values=quarter_targets,
    lop=st.one_of(st.none(), amounts),
    today=st.one_of(st.none(), days),
)
def test_never_no_target_beside_a_computed_percentage(
    readings, unit, cumulative, direction, baseline, values, lop, today
):
    spec = Spec(unit, direction, cumulative, ("sex", "country"), baseline)
    progress = compute(spec, periods_of(values, lop), readings, today=today)
    life = progress.life_of_plan
    if life is not None and life.percent_met is not None:
        assert progress.status != Status.NO_TARGET
    for row in progress.periods + ([life] if life else []):
        if row.percent_met is None:
            assert (row.bar_percent, row.moving_away) == (None, False)
        else:
            assert 0 <= row.bar_percent <= 100
            assert row.moving_away == (row.percent_met < 0)
