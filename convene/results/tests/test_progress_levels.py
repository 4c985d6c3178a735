"""Percent met and status for every unit × direction × cumulative, worked by hand (issue 9).

Each row of ``CASES`` is one indicator: its spec (unit, direction, cumulative, baseline), its targets
(quarterly or life of plan only) and two quarters of readings, with what the arithmetic must give for
each period row, for the life of plan and for the indicator's state. Every unit × direction ×
cumulative appears twice: once with a baseline and once without, once with quarterly targets and once
with only a life-of-plan target. The comment on each row is the arithmetic. Percent met is compared to
one decimal place.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest

from convene.results.progress import Period, Reading, Spec, Status, compute, judge

D = Decimal
date = datetime.date
Q1 = (date(2025, 1, 1), date(2025, 3, 31))
Q2 = (date(2025, 4, 1), date(2025, 6, 30))
YEAR = (date(2025, 1, 1), date(2025, 12, 31))

ON, AHEAD, BEHIND, NO_TARGET = Status.ON_TRACK, Status.AHEAD, Status.BEHIND, Status.NO_TARGET


def quarterly(q1, q2) -> list[Period]:
    return [Period(*Q1, D(q1)), Period(*Q2, D(q2))]


def lop_only(target) -> list[Period]:
    return [Period(*YEAR, D(target), life_of_plan=True)]


def values(q1, q2) -> list[Reading]:
    return [Reading.of(*Q1, value=q1), Reading.of(*Q2, value=q2)]


def rates(q1, q2) -> list[Reading]:
    """Two quarters of a percentage, each given as (numerator, denominator)."""
    return [
        Reading.of(*Q1, numerator=q1[0], denominator=q1[1]),
        Reading.of(*Q2, numerator=q2[0], denominator=q2[1]),
    ]


def texts() -> list[Reading]:
    return [Reading.of(*Q1), Reading.of(*Q2)]


def spec(unit, direction, cumulative, baseline=None) -> Spec:
    return Spec(unit, direction, cumulative, baseline=None if baseline is None else D(baseline))


def one_place(amount):
    return None if amount is None else amount.quantize(D("0.1"), rounding=ROUND_HALF_UP)


# (id, spec, targets, readings, period rows [(actual, % met, status)], life of plan (target, actual,
# % met, status), the indicator's state)
CASES = [
    # --- Number, not cumulative: a level, its latest reading ---------------------------------------
    (
        "number-up-level-baseline-quarterly",
        spec("number", "increase", False, 10),
        quarterly(30, 40),
        values(20, 30),
        # Q1 (20 − 10) / (30 − 10) = 50 %; Q2 (30 − 10) / (40 − 10) = 66.7 %.
        [(D(20), D("50.0"), BEHIND), (D(30), D("66.7"), BEHIND)],
        # Life of plan: the last target 40, the latest reading 30 (not 20 + 30 = 50).
        (D(40), D(30), D("66.7"), BEHIND),
        BEHIND,
    ),
    (
        "number-up-level-no-baseline-life-of-plan",
        spec("number", "increase", False),
        lop_only(40),
        values(20, 30),
        # No quarterly target: each quarter is a row of its own without a verdict.
        [(D(20), None, NO_TARGET), (D(30), None, NO_TARGET)],
        (D(40), D(30), D("75.0"), BEHIND),  # 30 / 40
        BEHIND,  # judged by the life of plan, not "no target" beside 75 %
    ),
    (
        "number-down-level-baseline-life-of-plan (issue 9: caseload 120 → 80)",
        spec("number", "decrease", False, 120),
        lop_only(80),
        values(110, 95),
        [(D(110), None, NO_TARGET), (D(95), None, NO_TARGET)],
        # The latest 95, not 110 + 95 = 205; (95 − 120) / (80 − 120) = −25 / −40 = 62.5 %.
        (D(80), D(95), D("62.5"), BEHIND),
        BEHIND,
    ),
    (
        "number-down-level-no-baseline-quarterly",
        spec("number", "decrease", False),
        quarterly(100, 80),
        values(110, 95),
        # Without a baseline a decrease is target ÷ actual: 100 / 110 = 90.9 %; 80 / 95 = 84.2 %.
        [(D(110), D("90.9"), ON), (D(95), D("84.2"), BEHIND)],
        (D(80), D(95), D("84.2"), BEHIND),
        BEHIND,
    ),
    # --- Number, cumulative: a count, the sum to date; its baseline takes no part -----------------------
    (
        "number-up-cumulative-baseline-quarterly",
        spec("number", "increase", True, 10),
        quarterly(30, 60),
        values(20, 30),
        # Q1 20 / 30 = 66.7 %; Q2 to date 20 + 30 = 50, 50 / 60 = 83.3 % (not (50 − 10) / (60 − 10)).
        [(D(20), D("66.7"), BEHIND), (D(50), D("83.3"), BEHIND)],
        (D(60), D(50), D("83.3"), BEHIND),
        BEHIND,
    ),
    (
        "number-up-cumulative-no-baseline-life-of-plan",
        spec("number", "increase", True),
        lop_only(50),
        values(20, 30),
        [(D(20), None, NO_TARGET), (D(50), None, NO_TARGET)],  # Q2 to date: 20 + 30
        (D(50), D(50), D("100.0"), ON),  # 50 / 50
        ON,
    ),
    (
        "number-down-cumulative-baseline-life-of-plan",
        spec("number", "decrease", True, 40),
        lop_only(30),
        values(10, 15),
        # "Incidents over the plan", at most 30: 10 + 15 = 25; 30 / 25 = 120 % (baseline ignored).
        [(D(10), None, NO_TARGET), (D(25), None, NO_TARGET)],
        (D(30), D(25), D("120.0"), AHEAD),
        AHEAD,
    ),
    (
        "number-down-cumulative-no-baseline-quarterly",
        spec("number", "decrease", True),
        quarterly(10, 20),
        values(10, 15),
        # Q1 10 / 10 = 100 %; Q2 to date 25, 20 / 25 = 80 %.
        [(D(10), D("100.0"), ON), (D(25), D("80.0"), BEHIND)],
        (D(20), D(25), D("80.0"), BEHIND),
        BEHIND,
    ),
    # --- Percentage, not cumulative: a rate, its latest reading -------------------------------------
    (
        "percentage-up-level-baseline-quarterly",
        spec("percentage", "increase", False, 20),
        quarterly(40, 60),
        rates((30, 100), (40, 100)),
        # Q1 30 %: (30 − 20) / (40 − 20) = 50 %; Q2 40 %: (40 − 20) / (60 − 20) = 50 %.
        [(D(30), D("50.0"), BEHIND), (D(40), D("50.0"), BEHIND)],
        (D(60), D(40), D("50.0"), BEHIND),
        BEHIND,
    ),
    (
        "percentage-up-level-no-baseline-life-of-plan",
        spec("percentage", "increase", False),
        lop_only(50),
        rates((30, 100), (40, 100)),
        [(D(30), None, NO_TARGET), (D(40), None, NO_TARGET)],
        (D(50), D(40), D("80.0"), BEHIND),  # the latest 40 %, not (30 + 40) / 200 = 35 %; 40 / 50
        BEHIND,
    ),
    (
        "percentage-down-level-baseline-life-of-plan (issue 9: SSW-4 50 → 15)",
        spec("percentage", "decrease", False, 50),
        lop_only(15),
        rates((40, 100), (31, 100)),
        [(D(40), None, NO_TARGET), (D(31), None, NO_TARGET)],
        # (31 − 50) / (15 − 50) = −19 / −35 = 54.3 %, not 31 / 15 = 206 %.
        (D(15), D(31), D("54.3"), BEHIND),
        BEHIND,
    ),
    (
        "percentage-down-level-no-baseline-quarterly",
        spec("percentage", "decrease", False),
        quarterly(40, 30),
        rates((40, 100), (31, 100)),
        # Q1 40 / 40 = 100 %; Q2 30 / 31 = 96.8 %.
        [(D(40), D("100.0"), ON), (D(31), D("96.8"), ON)],
        (D(30), D(31), D("96.8"), ON),
        ON,
    ),
    # --- Percentage, cumulative: still a rate (the latest to date), never pooled across periods -------
    (
        "percentage-up-cumulative-baseline-quarterly",
        spec("percentage", "increase", True, 20),
        quarterly(30, 60),
        rates((50, 200), (45, 100)),
        # Q1 25 %: (25 − 20) / (30 − 20) = 50 %; Q2 45 % (not pooled 95 / 300 = 31.7 %):
        # (45 − 20) / (60 − 20) = 62.5 %.
        [(D(25), D("50.0"), BEHIND), (D(45), D("62.5"), BEHIND)],
        (D(60), D(45), D("62.5"), BEHIND),
        BEHIND,
    ),
    (
        "percentage-up-cumulative-no-baseline-life-of-plan",
        spec("percentage", "increase", True),
        lop_only(40),
        rates((50, 200), (45, 100)),
        [(D(25), None, NO_TARGET), (D(45), None, NO_TARGET)],
        (D(40), D(45), D("112.5"), ON),  # 45 / 40
        ON,
    ),
    (
        "percentage-down-cumulative-baseline-life-of-plan",
        spec("percentage", "decrease", True, 60),
        lop_only(20),
        rates((50, 100), (30, 100)),
        [(D(50), None, NO_TARGET), (D(30), None, NO_TARGET)],
        (D(20), D(30), D("75.0"), BEHIND),  # (30 − 60) / (20 − 60) = 75 %
        BEHIND,
    ),
    (
        "percentage-down-cumulative-no-baseline-quarterly",
        spec("percentage", "decrease", True),
        quarterly(40, 30),
        rates((50, 100), (30, 100)),
        # Q1 40 / 50 = 80 %; Q2 30 / 30 = 100 %.
        [(D(50), D("80.0"), BEHIND), (D(30), D("100.0"), ON)],
        (D(30), D(30), D("100.0"), ON),
        ON,
    ),
    # --- Yes/no: the latest answer, 1 or 0 ----------------------------------------------------------
    (
        "yes-no-up-level-baseline-quarterly",
        spec("yes_no", "increase", False, 0),
        quarterly(0, 1),
        values(0, 1),
        # Q1: target = baseline, no way to cover: 0 = 0 is on track; Q2 (1 − 0) / (1 − 0) = 100 %.
        [(D(0), None, ON), (D(1), D("100.0"), ON)],
        (D(1), D(1), D("100.0"), ON),
        ON,
    ),
    (
        "yes-no-up-level-no-baseline-life-of-plan",
        spec("yes_no", "increase", False),
        lop_only(1),
        values(1, 0),
        [(D(1), None, NO_TARGET), (D(0), None, NO_TARGET)],
        (D(1), D(0), D("0.0"), BEHIND),  # the latest no: 0 / 1 (the standard was withdrawn)
        BEHIND,
    ),
    (
        "yes-no-down-level-baseline-life-of-plan",
        spec("yes_no", "decrease", False, 1),
        lop_only(0),
        values(1, 0),
        # "A discriminatory law in force": from yes (1) to no (0); (0 − 1) / (0 − 1) = 100 %.
        [(D(1), None, NO_TARGET), (D(0), None, NO_TARGET)],
        (D(0), D(0), D("100.0"), ON),
        ON,
    ),
    (
        "yes-no-down-level-no-baseline-quarterly",
        spec("yes_no", "decrease", False),
        quarterly(1, 0),
        values(1, 1),
        # Q1 1 / 1 = 100 %; Q2 a zero target, no share: 1 where 0 was planned, lower is better → behind.
        [(D(1), D("100.0"), ON), (D(1), None, BEHIND)],
        (D(0), D(1), None, BEHIND),
        BEHIND,
    ),
    (
        "yes-no-up-cumulative-baseline-quarterly",
        spec("yes_no", "increase", True, 0),
        quarterly(1, 1),
        values(1, 0),
        # Q1 (1 − 0) / (1 − 0) = 100 %; Q2 the latest to date, 0: 0 %.
        [(D(1), D("100.0"), ON), (D(0), D("0.0"), BEHIND)],
        (D(1), D(0), D("0.0"), BEHIND),
        BEHIND,
    ),
    (
        "yes-no-up-cumulative-no-baseline-life-of-plan",
        spec("yes_no", "increase", True),
        lop_only(1),
        values(0, 1),
        [(D(0), None, NO_TARGET), (D(1), None, NO_TARGET)],
        (D(1), D(1), D("100.0"), ON),  # 1 / 1
        ON,
    ),
    (
        "yes-no-down-cumulative-baseline-life-of-plan",
        spec("yes_no", "decrease", True, 1),
        lop_only(0),
        values(0, 1),
        [(D(0), None, NO_TARGET), (D(1), None, NO_TARGET)],
        (D(0), D(1), D("0.0"), BEHIND),  # back to yes: (1 − 1) / (0 − 1) = 0 %
        BEHIND,
    ),
    (
        "yes-no-down-cumulative-no-baseline-quarterly",
        spec("yes_no", "decrease", True),
        quarterly(0, 0),
        values(0, 0),
        # Zero targets met by zero: no share to divide, on track.
        [(D(0), None, ON), (D(0), None, ON)],
        (D(0), D(0), None, ON),
        ON,
    ),
    # --- Qualitative: words, no arithmetic, whatever the rest ---------------------------------------
    *[
        (
            f"qualitative-{direction}-{'cumulative' if cumulative else 'level'}-{kind}",
            spec("qualitative", direction, cumulative, baseline),
            targets,
            texts(),
            [(None, None, NO_TARGET), (None, None, NO_TARGET)],
            (D(1), None, None, NO_TARGET),
            NO_TARGET,
        )
        for direction in ("increase", "decrease")
        for cumulative in (False, True)
        for kind, baseline, targets in (
            ("baseline-quarterly", 0, quarterly(1, 1)),
            ("no-baseline-life-of-plan", None, lop_only(1)),
        )
    ],
]


@pytest.mark.parametrize(
    ("spec", "targets", "readings", "rows", "lop", "state"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_every_unit_direction_and_cumulation(spec, targets, readings, rows, lop, state):
    progress = compute(spec, targets, readings)
    assert [(p.actual, one_place(p.percent_met), p.status) for p in progress.periods] == rows
    life = progress.life_of_plan
    assert (life.target, life.actual, one_place(life.percent_met), life.status) == lop
    assert progress.status == state


def test_the_table_covers_every_combination_with_and_without_baseline():
    seen = {(s.unit, s.direction, s.cumulative, s.baseline is not None) for _id, s, *_rest in CASES}
    assert len(seen) == 4 * 2 * 2 * 2  # unit × direction × cumulative × baseline or not
    kinds = {(s.unit, s.direction, s.cumulative, t[0].life_of_plan) for _id, s, t, *_rest in CASES}
    assert len(kinds) == 4 * 2 * 2 * 2  # … and quarterly targets or a life-of-plan one


def test_issue_9_caseload_is_the_latest_reading_and_the_way_covered():
    progress = compute(spec("number", "decrease", False, 120), lop_only(80), values(110, 95))
    assert (progress.life_of_plan.actual, progress.life_of_plan.percent_met) == (D(95), D("62.5"))
    assert progress.status == BEHIND


def test_issue_9_ssw_4_vacancy_rate():
    percent, status = judge(spec("percentage", "decrease", False, 50), D(15), D(31))
    assert (one_place(percent), status) == (D("54.3"), BEHIND)  # (31 − 50) / (15 − 50), not 206 %


def test_moving_away_from_the_target_is_a_negative_share_and_an_empty_bar():
    # Caseload 120 → 80 that rose to 130: (130 − 120) / (80 − 120) = 10 / −40 = −25 %.
    progress = compute(spec("number", "decrease", False, 120), lop_only(80), values(110, 130))
    life = progress.life_of_plan
    assert (life.percent_met, life.status, life.moving_away, life.bar_percent) == (
        D(-25),
        BEHIND,
        True,
        D(0),
    )
    # Beyond the target the text keeps the true figure and the bar stops at 100.
    beyond = compute(spec("number", "decrease", False, 120), lop_only(80), values(110, 60)).life_of_plan
    assert (beyond.percent_met, beyond.status, beyond.moving_away, beyond.bar_percent) == (
        D(150),  # (60 − 120) / (80 − 120) = 150 %
        AHEAD,
        False,
        D(100),
    )


def test_a_latest_reading_outside_the_quarterly_targets_is_judged_by_the_life_of_plan():
    # Quarterly target for Q1 only plus a life-of-plan target; Q2's reading has no quarter target.
    targets = [Period(*Q1, D(10)), Period(*YEAR, D(40), life_of_plan=True)]
    progress = compute(spec("number", "increase", True), targets, values(10, 30))
    assert [p.status for p in progress.periods] == [ON, NO_TARGET]  # Q1 10 / 10; Q2 has none
    assert (progress.life_of_plan.percent_met, progress.status) == (D(100), ON)  # 40 / 40
