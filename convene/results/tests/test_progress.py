"""Progress arithmetic (``results.progress``) against cases worked by hand, then properties.

Every hand-worked case writes its arithmetic in a comment next to the numbers it asserts. Targets are
quarters of 2025 unless a case says otherwise. Without a baseline ``percent_met`` is actual ÷ target ×
100 (target ÷ actual when a decrease is good); the band is 85–115 % unless a case passes another. The
cases with baselines, one per unit × direction × cumulative, are in ``test_progress_levels.py``.
"""

import datetime
from decimal import Decimal

from convene.results.progress import (
    HUNDRED,
    Period,
    Progress,
    Reading,
    Spec,
    Status,
    actual_of,
    combine_period,
    compute,
    judge,
    life_of_plan_target,
)

D = Decimal
date = datetime.date

Q1 = (date(2025, 1, 1), date(2025, 3, 31))
Q2 = (date(2025, 4, 1), date(2025, 6, 30))
Q3 = (date(2025, 7, 1), date(2025, 9, 30))
Q4 = (date(2025, 10, 1), date(2025, 12, 31))
QUARTERS = (Q1, Q2, Q3, Q4)
YEAR = (date(2025, 1, 1), date(2025, 12, 31))
JAN = (date(2025, 1, 1), date(2025, 1, 31))
FEB = (date(2025, 2, 1), date(2025, 2, 28))
MAR = (date(2025, 3, 1), date(2025, 3, 31))
AFTER_THE_YEAR = date(2026, 1, 15)

NUMBER = Spec("number")
CUMULATIVE = Spec("number", cumulative=True)
DECREASE = Spec("number", direction="decrease")
PERCENT = Spec("percentage")
YES_NO = Spec("yes_no")
QUALITATIVE = Spec("qualitative")


def targets(*values, lop=None) -> list[Period]:
    """Quarterly targets (None for a quarter without one), and a life-of-plan target if given."""
    periods = [Period(*q, None if v is None else D(v)) for q, v in zip(QUARTERS, values, strict=False)]
    if lop is not None:
        periods.append(Period(*YEAR, D(lop), life_of_plan=True))
    return periods


def value(period, amount, **disaggregation) -> Reading:
    return Reading.of(*period, value=amount, disaggregation=disaggregation)


def ratio(period, numerator, denominator, **disaggregation) -> Reading:
    return Reading.of(*period, numerator=numerator, denominator=denominator, disaggregation=disaggregation)


def text(period) -> Reading:
    """A qualitative reading: words only (kept on the measurement), no value."""
    return Reading.of(*period)


def table(progress: Progress) -> list[tuple]:
    return [(p.starts_on, p.target, p.actual, p.status) for p in progress.periods]


def two_places(amount: Decimal) -> Decimal:
    return amount.quantize(D("0.01"))


# --- Numbers, cumulative or not ----------------------------------------------------------------------


def test_non_cumulative_number_each_quarter_stands_alone():
    progress = compute(
        NUMBER,
        targets(10, 10, 10, 10),
        [value(Q1, 9), value(Q2, 12), value(Q3, 7)],
        today=date(2025, 12, 15),
    )
    assert table(progress) == [
        (Q1[0], D(10), D(9), Status.ON_TRACK),  # 9 / 10 = 90 %: inside 85–115
        (Q2[0], D(10), D(12), Status.AHEAD),  # 12 / 10 = 120 % > 115
        (Q3[0], D(10), D(7), Status.BEHIND),  # 7 / 10 = 70 % < 85
        (Q4[0], D(10), None, Status.NOT_REPORTING),  # begun on 1 October, nothing reported
    ]
    assert [p.percent_met for p in progress.periods] == [D(90), D(120), D(70), None]
    lop = progress.life_of_plan
    # Life of plan: a level, so the last target, 10 (not 10 + 10 + 10 + 10 = 40), and the latest
    # reading, Q3's 7 (not 9 + 12 + 7 = 28): 7 / 10 = 70 % → behind.
    assert (lop.starts_on, lop.ends_on) == YEAR
    assert (lop.target, lop.actual, lop.percent_met, lop.status) == (D(10), D(7), D(70), Status.BEHIND)
    # Q4 is still running on 15 December: the indicator is judged by Q3, the last period with a verdict.
    assert progress.status == Status.BEHIND


def test_cumulative_number_runs_from_the_start_against_targets_to_date():
    progress = compute(
        CUMULATIVE,
        targets(10, 20, 30, 40),
        [value(Q1, 8), value(Q2, 14), value(Q3, 9)],
        today=AFTER_THE_YEAR,
    )
    assert table(progress) == [
        (Q1[0], D(10), D(8), Status.BEHIND),  # 8 / 10 = 80 %
        (Q2[0], D(20), D(22), Status.ON_TRACK),  # 8 + 14 = 22; 22 / 20 = 110 %
        (Q3[0], D(30), D(31), Status.ON_TRACK),  # 22 + 9 = 31; 31 / 30 = 103.33 %
        (Q4[0], D(40), None, Status.NOT_REPORTING),  # nothing reported in Q4 itself
    ]
    assert two_places(progress.periods[2].percent_met) == D("103.33")
    lop = progress.life_of_plan
    # Life of plan: the last target to date, 40 (not 10 + 20 + 30 + 40 = 100); actual 8 + 14 + 9 = 31;
    # 31 / 40 = 77.5 % → behind.
    assert (lop.target, lop.actual, lop.percent_met, lop.status) == (D(40), D(31), D("77.5"), Status.BEHIND)
    # The year is over and Q4 never reported: that is the indicator's state now.
    assert progress.status == Status.NOT_REPORTING


def test_the_same_readings_cumulative_and_not():
    readings = [value(Q1, 5), value(Q2, 5)]
    alone = compute(NUMBER, targets(5, 5), readings)
    running = compute(CUMULATIVE, targets(5, 10), readings)
    assert [p.actual for p in alone.periods] == [D(5), D(5)]  # each quarter: 5
    assert [p.actual for p in running.periods] == [D(5), D(10)]  # Q2 to date: 5 + 5
    assert [p.status for p in alone.periods + running.periods] == [Status.ON_TRACK] * 4
    # Life of plan: the latest 5 against the last target 5 (a level); 5 + 5 = 10 against 10 (to date).
    assert (alone.life_of_plan.target, alone.life_of_plan.actual) == (D(5), D(5))
    assert (running.life_of_plan.target, running.life_of_plan.actual) == (D(10), D(10))


# --- Direction of change -------------------------------------------------------------------------------


def test_decreasing_indicator_without_a_baseline_is_target_over_actual():
    # "Days a child waits for an assessment": target 10 days each quarter, no baseline.
    readings = [value(Q1, 8), value(Q2, 12), value(Q3, 9)]
    down = compute(DECREASE, targets(10, 10, 10), readings)
    up = compute(NUMBER, targets(10, 10, 10), readings)
    # 10 / 8 = 125 %: fewer days than planned → ahead when a decrease is good.
    # 10 / 12 = 83.33 %: more days than planned → behind.
    # 10 / 9 = 111.11 %: on track.
    assert [p.status for p in down.periods] == [Status.AHEAD, Status.BEHIND, Status.ON_TRACK]
    assert [two_places(p.percent_met) for p in down.periods] == [D("125.00"), D("83.33"), D("111.11")]
    # When an increase is good, 8 / 10 = 80 % behind, 12 / 10 = 120 % ahead, 9 / 10 = 90 % on track.
    assert [p.status for p in up.periods] == [Status.BEHIND, Status.AHEAD, Status.ON_TRACK]
    assert [p.percent_met for p in up.periods] == [D(80), D(120), D(90)]
    # Life of plan (a level): the last target, 10, and the latest reading, 9: 10 / 9 = 111.11 %.
    assert (down.life_of_plan.target, down.life_of_plan.actual) == (D(10), D(9))
    assert down.life_of_plan.status == Status.ON_TRACK


# --- Percentages: a rate, its latest reading; within a period the sum of numerators over denominators ----


def test_percentage_over_the_plan_is_its_latest_rate():
    # Q1: 9 of 10 cases closed (90 %); Q2: 10 of 100 (10 %).
    readings = [ratio(Q1, 9, 10), ratio(Q2, 10, 100)]
    progress = compute(PERCENT, targets(50, 50, lop=50), readings)
    q1, q2 = progress.periods
    assert (q1.actual, q1.numerator, q1.denominator, q1.percent_met, q1.status) == (
        D(90),
        D(9),
        D(10),
        D(180),
        Status.AHEAD,  # 9 / 10 = 90 %; 90 / 50 = 180 %
    )
    assert (q2.actual, q2.percent_met, q2.status) == (D(10), D(20), Status.BEHIND)  # 10 %; 10 / 50 = 20 %
    lop = progress.life_of_plan
    # The rate now is the latest, Q2's 10 of 100 = 10 %: not pooled over the plan ((9 + 10) / (10 + 100)
    # = 17.27 %) nor averaged ((90 + 10) / 2 = 50 %); 10 / 50 = 20 % → behind.
    assert (lop.numerator, lop.denominator, lop.actual) == (D(10), D(100), D(10))
    assert (lop.percent_met, lop.status) == (D(20), Status.BEHIND)


def test_percentage_within_a_period_and_cumulative():
    # Q1 by sex: women 1 of 2 (50 %), men 9 of 10 (90 %): 10 / 12 = 83.33 %, not (50 + 90) / 2 = 70 %.
    q1 = [ratio(Q1, 1, 2, sex="female"), ratio(Q1, 9, 10, sex="male")]
    actual = combine_period(PERCENT, q1)
    assert (actual.numerator, actual.denominator) == (D(10), D(12))
    assert two_places(actual.value) == D("83.33")
    # Cumulative: Q2 reports 2 of 8 = 25 %; a rate to date is the latest one, 25 %, not the pooled
    # (10 + 2) / (12 + 8) = 60 %.
    spec = Spec("percentage", cumulative=True)
    progress = compute(spec, targets(80, 80), [*q1, ratio(Q2, 2, 8)])
    assert [(p.numerator, p.denominator, p.actual) for p in progress.periods] == [
        (D(10), D(12), D(10) * HUNDRED / D(12)),
        (D(2), D(8), D(25)),
    ]
    # 83.33 / 80 = 104.2 % on track; 25 / 80 = 31.25 % behind. Life of plan: the last target, 80.
    assert [p.status for p in progress.periods] == [Status.ON_TRACK, Status.BEHIND]
    assert (progress.life_of_plan.target, progress.life_of_plan.actual) == (D(80), D(25))


# --- Yes/no and qualitative -----------------------------------------------------------------------


def test_yes_no_is_the_latest_answer():
    # "A national standard is adopted": not expected in Q1 (0), expected from Q2 (1).
    progress = compute(YES_NO, targets(0, 1, 1), [value(Q1, 0), value(Q2, 1), value(Q3, 0)])
    assert table(progress) == [
        (Q1[0], D(0), D(0), Status.ON_TRACK),  # zero target met by zero
        (Q2[0], D(1), D(1), Status.ON_TRACK),  # 1 / 1 = 100 %
        (Q3[0], D(1), D(0), Status.BEHIND),  # 0 / 1 = 0 % (the standard was withdrawn)
    ]
    # Life of plan: the last target (1); the latest answer, Q3's no (0) → behind.
    assert (progress.life_of_plan.target, progress.life_of_plan.actual) == (D(1), D(0))
    assert progress.life_of_plan.status == Status.BEHIND
    # A later yes counts even when it is listed first.
    again = compute(YES_NO, targets(0, 1, 1), [value(Q3, 1), value(Q1, 0), value(Q2, 0)])
    assert (again.life_of_plan.actual, again.life_of_plan.status) == (D(1), Status.ON_TRACK)


def test_yes_no_answers_in_one_period_a_yes_wins_a_tie():
    # Two approved answers for the same quarter (say by two countries): the latest end, then yes.
    assert combine_period(YES_NO, [value(Q1, 0, country="KE"), value(Q1, 1, country="UG")]).value == D(1)
    # Over several periods, the latest: Q1 (ends 31 March) after January.
    assert actual_of(YES_NO, [value(Q1, 0), value(JAN, 1)]).value == D(0)


def test_qualitative_readings_are_reported_without_a_verdict():
    progress = compute(QUALITATIVE, targets(None, None, None), [text(Q1), text(Q2)], today=date(2025, 8, 1))
    # Words cannot be divided by a target: a period with a reading is "no target", not "not reporting".
    assert [(p.actual, p.percent_met, p.status) for p in progress.periods] == [
        (None, None, Status.NO_TARGET),
        (None, None, Status.NO_TARGET),
        (None, None, Status.NOT_REPORTING),  # Q3 has begun and has no reading
    ]
    assert progress.life_of_plan.status == Status.NO_TARGET
    assert compute(QUALITATIVE, targets(None), []).life_of_plan.status == Status.NOT_REPORTING


# --- Missing periods ----------------------------------------------------------------------------------


def test_missing_periods_are_not_reporting_or_upcoming():
    progress = compute(NUMBER, targets(10, 10, 10, 10), [value(Q2, 10)], today=date(2025, 5, 15))
    assert [p.status for p in progress.periods] == [
        Status.NOT_REPORTING,  # Q1 is over and nothing came
        Status.ON_TRACK,  # 10 / 10
        Status.UPCOMING,  # Q3 starts on 1 July, after 15 May
        Status.UPCOMING,
    ]
    assert [p.actual for p in progress.periods] == [None, D(10), None, None]
    # Life of plan: the latest 10 against the last target 10 → 100 %.
    assert (progress.life_of_plan.actual, progress.life_of_plan.percent_met) == (D(10), D(100))
    assert progress.status == Status.ON_TRACK  # Q2, the latest period with a verdict


def test_upcoming_turns_into_not_reporting_on_the_first_day():
    periods = targets(10, 10, 10)
    on_the_eve = compute(NUMBER, periods, [], today=date(2025, 6, 30))
    first_day = compute(NUMBER, periods, [], today=Q3[0])
    assert on_the_eve.periods[2].status == Status.UPCOMING
    assert first_day.periods[2].status == Status.NOT_REPORTING
    # Without a date, nothing is upcoming: every period without a reading is not reporting.
    assert {p.status for p in compute(NUMBER, periods, []).periods} == {Status.NOT_REPORTING}
    # Nothing reported at all: life of plan has a target (the last, 10) and nothing to judge.
    lop = first_day.life_of_plan
    assert (lop.target, lop.actual, lop.status) == (D(10), None, Status.NOT_REPORTING)


def test_a_running_period_without_a_reading_yet_does_not_hide_the_last_verdict():
    readings = [value(Q1, 10)]
    mid_q2 = compute(NUMBER, targets(10, 10, 10, 10), readings, today=date(2025, 5, 15))
    assert [p.status for p in mid_q2.periods][:2] == [Status.ON_TRACK, Status.NOT_REPORTING]
    assert mid_q2.status == Status.ON_TRACK  # Q2 ends on 30 June: not late yet
    after_q2 = compute(NUMBER, targets(10, 10, 10, 10), readings, today=date(2025, 7, 2))
    assert after_q2.status == Status.NOT_REPORTING  # Q2 is over with nothing reported
    # Nothing reported and the first period still running: nothing to judge.
    assert compute(NUMBER, targets(10), [], today=date(2025, 2, 1)).status == Status.NOT_REPORTING


def test_no_targets_and_no_readings():
    progress = compute(NUMBER, [], [])
    assert (progress.periods, progress.life_of_plan, progress.status) == ([], None, Status.NOT_REPORTING)


# --- Zero targets -------------------------------------------------------------------------------------


def test_zero_target_is_met_by_zero_and_otherwise_judged_by_direction():
    assert judge(NUMBER, D(0), D(0)) == (None, Status.ON_TRACK)
    assert judge(NUMBER, D(0), D(3)) == (None, Status.AHEAD)  # more than none, more is good
    assert judge(DECREASE, D(0), D(3)) == (None, Status.BEHIND)  # "no incidents" planned, 3 happened
    assert judge(DECREASE, D(0), D(0)) == (None, Status.ON_TRACK)
    assert judge(DECREASE, D(0), D(-2)) == (None, Status.AHEAD)  # a fall where none was planned
    progress = compute(NUMBER, targets(0, 5), [value(Q1, 2), value(Q2, 5)])
    # Q1: no percentage of zero, 2 > 0 → ahead; Q2: 5 / 5 = 100 %; life of plan the latest 5 / 5 = 100 %.
    assert [(p.percent_met, p.status) for p in progress.periods] == [
        (None, Status.AHEAD),
        (D(100), Status.ON_TRACK),
    ]
    assert (progress.life_of_plan.target, progress.life_of_plan.percent_met) == (D(5), D(100))


# --- Life-of-plan targets -----------------------------------------------------------------------------


def test_explicit_life_of_plan_target_wins_over_the_periodic_ones():
    progress = compute(CUMULATIVE, targets(10, 20, 30, 40, lop=100), [value(Q1, 30), value(Q2, 30)])
    lop = progress.life_of_plan
    # 100, not the last target to date, 40; 30 + 30 = 60 → 60 % → behind.
    assert (lop.target, lop.actual, lop.percent_met, lop.status) == (D(100), D(60), D(60), Status.BEHIND)
    assert lop.life_of_plan is True
    assert (lop.starts_on, lop.ends_on) == YEAR
    # The life-of-plan target is not a period of its own.
    assert len(progress.periods) == 4


def test_derived_life_of_plan_targets():
    periods = targets(10, 20, None, 40)  # Q3 has no target
    assert life_of_plan_target(NUMBER, periods, None) == D(40)  # a level: the last, not 10 + 20 + 40
    assert life_of_plan_target(CUMULATIVE, periods, None) == D(40)  # the last, to date
    assert life_of_plan_target(PERCENT, periods, None) == D(40)  # a rate: the last
    assert life_of_plan_target(YES_NO, targets(0, 1), None) == D(1)
    assert life_of_plan_target(NUMBER, targets(None, None), None) is None
    explicit = Period(*YEAR, D(55), life_of_plan=True)
    assert life_of_plan_target(NUMBER, periods, explicit) == D(55)
    # An explicit life-of-plan period without a value stays without a target.
    assert life_of_plan_target(NUMBER, periods, Period(*YEAR, None, life_of_plan=True)) is None


def test_life_of_plan_without_targets_is_no_target_once_reported():
    progress = compute(NUMBER, [], [value(Q1, 4), value(Q2, 6)])
    # Both readings become rows of their own ("no target"); life of plan spans them: the latest, 6.
    assert [(p.starts_on, p.actual, p.status) for p in progress.periods] == [
        (Q1[0], D(4), Status.NO_TARGET),
        (Q2[0], D(6), Status.NO_TARGET),
    ]
    lop = progress.life_of_plan
    assert (lop.starts_on, lop.ends_on, lop.target, lop.actual, lop.status) == (
        Q1[0],
        Q2[1],
        None,
        D(6),
        Status.NO_TARGET,
    )
    assert progress.status == Status.NO_TARGET  # nothing to judge against, anywhere


# --- Reported periods and target periods ----------------------------------------------------------


def test_monthly_readings_of_a_level_give_their_quarter_the_latest():
    progress = compute(NUMBER, targets(5, 12), [value(JAN, 3), value(FEB, 4), value(MAR, 5), value(Q2, 6)])
    # Q1: the latest month, March's 5 (not 3 + 4 + 5 = 12): 5 / 5 = 100 %; Q2: 6 / 12 = 50 %.
    assert table(progress) == [(Q1[0], D(5), D(5), Status.ON_TRACK), (Q2[0], D(12), D(6), Status.BEHIND)]
    assert progress.life_of_plan.actual == D(6)  # the latest, not 3 + 4 + 5 + 6 = 18


def test_cumulative_monthly_readings():
    progress = compute(
        CUMULATIVE, targets(12, 24), [value(JAN, 3), value(FEB, 4), value(MAR, 5), value(Q2, 6)]
    )
    # Q1 to date 3 + 4 + 5 = 12 (100 %); Q2 to date 12 + 6 = 18 (75 %).
    assert [(p.actual, p.percent_met) for p in progress.periods] == [(D(12), D(100)), (D(18), D(75))]


def test_a_reported_period_inside_another_is_its_detail():
    # January was reported (5), then the whole quarter (12): the quarter already contains January.
    readings = [value(JAN, 5), value(Q1, 12), value(Q2, 10)]
    progress = compute(NUMBER, targets(12, 10), readings)
    assert [p.actual for p in progress.periods] == [D(12), D(10)]  # not 5 + 12 = 17
    assert progress.life_of_plan.actual == D(10)  # a level: the latest, Q2
    counted = compute(CUMULATIVE, targets(12, 22), readings)
    assert counted.life_of_plan.actual == D(22)  # 12 + 10, not 5 + 12 + 10 = 27
    # A percentage the same way: Q1 6 of 10, January 2 of 4 inside it → 60 %, not 8 / 14.
    assert actual_of(PERCENT, [ratio(JAN, 2, 4), ratio(Q1, 6, 10)]).value == D(60)
    # Periods that only overlap are separate reports and both count: 5 + 7; a level takes the later one.
    overlap = (date(2025, 1, 15), date(2025, 2, 15))
    assert actual_of(CUMULATIVE, [value(JAN, 5), value(overlap, 7)]).value == D(12)
    assert actual_of(NUMBER, [value(JAN, 5), value(overlap, 7)]).value == D(7)


def test_readings_outside_every_target_period_show_as_no_target_rows():
    straddling = (date(2025, 3, 15), date(2025, 4, 15))
    progress = compute(NUMBER, targets(10, 10), [value(Q1, 10), value(straddling, 3), value(Q3, 7)])
    assert [(p.starts_on, p.ends_on, p.target, p.actual, p.status) for p in progress.periods] == [
        (Q1[0], Q1[1], D(10), D(10), Status.ON_TRACK),
        (straddling[0], straddling[1], None, D(3), Status.NO_TARGET),  # in neither Q1 nor Q2
        (Q2[0], Q2[1], D(10), None, Status.NOT_REPORTING),
        (Q3[0], Q3[1], None, D(7), Status.NO_TARGET),  # the targets stop at Q2
    ]
    # Life of plan: the latest reading, Q3's 7, against the last target, 10 → 70 %; spans the targets.
    lop = progress.life_of_plan
    assert (lop.starts_on, lop.ends_on, lop.target, lop.actual, lop.status) == (
        Q1[0],
        Q2[1],
        D(10),
        D(7),
        Status.BEHIND,
    )
    # The latest reading has no target of its own: the indicator is judged by the life of plan.
    assert progress.status == Status.BEHIND


# --- Disaggregated and total values -----------------------------------------------------------------

SEX_COUNTRY = Spec("number", disaggregations=("sex", "country"))


def test_a_total_wins_over_its_breakdown():
    readings = [value(Q1, 10), value(Q1, 6, sex="female"), value(Q1, 5, sex="male")]
    assert combine_period(SEX_COUNTRY, readings).value == D(10)  # not 10 + 6 + 5 = 21, not 6 + 5 = 11
    # Two totals for the same period are two reports: 4 + 6 = 10.
    assert combine_period(SEX_COUNTRY, [value(Q1, 4), value(Q1, 6), value(Q1, 1, sex="male")]).value == D(10)


def test_without_a_total_one_breakdown_is_added_up():
    by_sex = [value(Q1, 6, sex="female"), value(Q1, 5, sex="male")]  # 11
    by_country = [value(Q1, 7, country="KE"), value(Q1, 5, country="UG")]  # 12
    # The indicator lists sex first: 6 + 5 = 11, not 11 + 12 = 23.
    assert combine_period(SEX_COUNTRY, by_sex + by_country).value == D(11)
    # Listed the other way round, country first: 7 + 5 = 12.
    country_first = Spec("number", disaggregations=("country", "sex"))
    assert combine_period(country_first, by_country + by_sex).value == D(12)
    # Fewest categories first: sex alone (11) over sex × country (2 + 3 + 4 = 9).
    crossed = [
        value(Q1, 2, sex="female", country="KE"),
        value(Q1, 3, sex="female", country="UG"),
        value(Q1, 4, sex="male", country="KE"),
    ]
    assert combine_period(SEX_COUNTRY, crossed + by_sex).value == D(11)
    assert combine_period(SEX_COUNTRY, crossed).value == D(9)
    # A category the indicator does not list comes after the listed ones.
    assert combine_period(SEX_COUNTRY, [value(Q1, 8, age="0-17"), *by_country]).value == D(12)


def test_between_crossed_breakdowns_the_indicator_order_decides_not_the_spelling():
    # Listed: sex, age, country. age × country uses the 2nd and 3rd; country × sex the 1st and 3rd:
    # country × sex (2 + 3 = 5) comes first, whatever the alphabet says about the names.
    spec = Spec("number", disaggregations=("sex", "age", "country"))
    age_country = [value(Q1, 7, age="0-17", country="KE"), value(Q1, 1, age="18+", country="KE")]  # 8
    country_sex = [value(Q1, 2, country="KE", sex="female"), value(Q1, 3, country="KE", sex="male")]  # 5
    assert combine_period(spec, age_country + country_sex).value == D(5)


def test_disaggregated_and_total_periods_mixed_over_the_plan():
    readings = [
        value(Q1, 10),
        value(Q1, 6, sex="female"),
        value(Q1, 4, country="KE"),
        value(Q2, 6, sex="female"),
        value(Q2, 5, sex="male"),
        value(Q2, 9, country="KE"),
        value(Q2, 3, country="UG"),
    ]
    progress = compute(SEX_COUNTRY, targets(10, 10), readings)
    # Q1: the total, 10. Q2: no total, by sex 6 + 5 = 11 (not by country, 9 + 3 = 12; not 23).
    assert [p.actual for p in progress.periods] == [D(10), D(11)]
    assert progress.life_of_plan.actual == D(11)  # a level: the latest, Q2
    cumulative = compute(
        Spec("number", cumulative=True, disaggregations=("sex", "country")), targets(10, 20), readings
    )
    assert [p.actual for p in cumulative.periods] == [D(10), D(21)]


def test_percentage_total_and_breakdown():
    readings = [
        ratio(Q1, 8, 10),
        ratio(Q1, 1, 5, sex="female"),
        ratio(Q2, 3, 4, sex="female"),
        ratio(Q2, 1, 4, sex="male"),
    ]
    progress = compute(Spec("percentage", disaggregations=("sex",)), targets(50, 50), readings)
    # Q1: the total 8 / 10 = 80 %; Q2: (3 + 1) / (4 + 4) = 50 %; life of plan the latest, Q2's 4 / 8.
    assert [(p.numerator, p.denominator, p.actual) for p in progress.periods] == [
        (D(8), D(10), D(80)),
        (D(4), D(8), D(50)),
    ]
    assert (progress.life_of_plan.numerator, progress.life_of_plan.denominator) == (D(4), D(8))


# --- The on-track band -------------------------------------------------------------------------------


def test_band_edges_are_on_track():
    assert judge(NUMBER, D(20), D(17)) == (D(85), Status.ON_TRACK)  # 17 / 20 = 85 % exactly
    assert judge(NUMBER, D(20), D(23)) == (D(115), Status.ON_TRACK)  # 23 / 20 = 115 % exactly
    assert judge(NUMBER, D(20), D("16.99")) == (D("84.95"), Status.BEHIND)  # 16.99 / 20 = 84.95 %
    assert judge(NUMBER, D(20), D("23.01")) == (D("115.05"), Status.AHEAD)  # 23.01 / 20 = 115.05 %
    # Lower is better from a baseline of 40 to 20: the way is 20 long.
    down = Spec("number", direction="decrease", baseline=D(40))
    assert judge(down, D(20), D(23)) == (D(85), Status.ON_TRACK)  # (40 − 23) / 20 = 85 % exactly
    assert judge(down, D(20), D(17)) == (D(115), Status.ON_TRACK)  # (40 − 17) / 20 = 115 % exactly
    assert judge(down, D(20), D("23.01")) == (D("84.95"), Status.BEHIND)  # 16.99 / 20
    assert judge(down, D(20), D("16.99")) == (D("115.05"), Status.AHEAD)  # 23.01 / 20


def test_band_is_configurable():
    band = (0.9, 1.1)
    assert judge(NUMBER, D(20), D(17), band=band)[1] == Status.BEHIND  # 85 % < 90 %
    assert judge(NUMBER, D(20), D(18), band=band)[1] == Status.ON_TRACK  # 90 % exactly
    assert judge(NUMBER, D(20), D(22), band=band)[1] == Status.ON_TRACK  # 110 % exactly
    assert judge(NUMBER, D(20), D("22.01"), band=band)[1] == Status.AHEAD  # 110.05 %
    progress = compute(NUMBER, targets(20, 20), [value(Q1, 17), value(Q2, 23)], band=band)
    # 85 % and 115 %: on track with the default band, out of it with 90–110 %.
    assert [p.status for p in progress.periods] == [Status.BEHIND, Status.AHEAD]
    # Life of plan: the latest 23 against the last target 20 = 115 % → ahead of 90–110 %.
    assert progress.life_of_plan.status == Status.AHEAD


def test_judge_without_a_value_or_target():
    assert judge(NUMBER, D(10), None) == (None, Status.NOT_REPORTING)
    assert judge(NUMBER, None, D(3)) == (None, Status.NO_TARGET)
    assert judge(NUMBER, D(-1), D(3)) == (None, Status.NO_TARGET)  # a negative target is not a target
