"""The page's progress and the stored period actuals (the network's totals) follow the same rules
(``results.progress``): over a few groups of readings in several countries, with breakdowns, totals and a
month inside its reported quarter, the indicator's actual per quarter and for the life of the plan is the
same computed both ways, in total and in each country."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from convene.plans.tests.factories import QUARTERS, approve
from convene.results import progress, queries, services
from convene.results.models import Measurement, PeriodActual
from convene.results.tests.test_progress_properties import any_readings

Q1, Q2, Q3, Q4 = QUARTERS
d = datetime.date
JULY = (d(2025, 7, 1), d(2025, 7, 31))

# (period, disaggregation, amount): no total in Q1 (the breakdown by sex makes it), a total in Q2 and
# Q3; Kenya by country alone in Q1 (its breakdown by sex is detail), only by sex in Q2; Zambia's July
# lies inside its reported third quarter; nothing in Q4.
READINGS = [
    (Q1, {"sex": "female"}, 6),
    (Q1, {"sex": "male"}, 6),
    (Q1, {"country": "KE"}, 5),
    (Q1, {"country": "KE", "sex": "female"}, 3),
    (Q1, {"country": "KE", "sex": "male"}, 2),
    (Q1, {"country": "ZM"}, 7),
    (Q2, {}, 10),
    (Q2, {"country": "KE", "sex": "female"}, 4),
    (Q2, {"country": "KE", "sex": "male"}, 1),
    (Q2, {"country": "UG"}, 3),
    (Q3, {}, 9),
    (JULY, {"country": "ZM"}, 2),
    (Q3, {"country": "ZM"}, 8),
]
COUNTRIES = ["", "KE", "UG", "ZM"]


@pytest.fixture(autouse=True)
def _one_lead_records_and_approves(settings):
    settings.CONVENE_SEPARATE_RECORD_AND_APPROVE = False


def indicator_of(world, unit: str, cumulative: bool):
    indicator = services.indicator_save(
        plan=world.plan,
        acting=world.cochair,
        result=world.outcome,
        code="AG1",
        name="Agreement",
        unit=unit,
        cumulative=cumulative,
        frequency="quarterly",
        disaggregations=[{"name": "sex", "options": ["female", "male"]}, {"name": "country", "options": []}],
    )
    services.targets_set(
        indicator=indicator,
        acting=world.cochair,
        targets=[
            {"starts_on": s, "ends_on": e, "value": Decimal(1 if unit == "yes_no" else 10)}
            for s, e in QUARTERS
        ],
    )
    return indicator


def record(world, indicator, period, disaggregation, amount, *, approve_it=True):
    values = (
        {"numerator": amount, "denominator": amount * 2 + 1}
        if indicator.unit == "percentage"
        else {"value": amount}
    )
    m = services.measurement_record(
        indicator=indicator,
        acting=world.cochair,
        starts_on=period[0],
        ends_on=period[1],
        disaggregation=disaggregation,
        **values,
    )
    if approve_it:
        services.measurement_review(measurement=m, acting=world.cochair, approve=True)


def figure(row) -> tuple:
    """What a stored row or a page's period says: the value, or the numerator and denominator."""
    if row is None:
        return None
    return (row.value, None, None) if row.numerator is None else (None, row.numerator, row.denominator)


def stored_figures(indicator, country: str, counts: bool) -> tuple[list, object]:
    """Per quarter and for the life of the plan, what the stored period actuals give."""
    rows = list(PeriodActual.objects.filter(indicator=indicator, country=country).order_by("ends_on"))

    def added(upto):
        return (sum((r.value for r in rows if r.ends_on <= upto), Decimal(0)), None, None)

    per_quarter = []
    for start, end in QUARTERS:
        own = [r for r in rows if r.starts_on >= start and r.ends_on <= end]
        if not own:
            per_quarter.append(None)
        elif counts:
            per_quarter.append(added(end))
        else:
            per_quarter.append(figure(own[-1]))
    life = None if not rows else added(QUARTERS[-1][1]) if counts else figure(rows[-1])
    return per_quarter, life


def page_figures(indicator, country: str) -> tuple[list, object]:
    readings = queries.approved_readings([indicator])[indicator.pk]
    computed = queries.progress_of(indicator, readings, country=country)
    by_period = {(p.starts_on, p.ends_on): p for p in computed.periods}

    def seen(p):
        if p is None or (p.actual is None and p.numerator is None):
            return None
        if p.numerator is not None:
            return (None, p.numerator, p.denominator)
        return (p.actual, None, None)

    return [seen(by_period.get(q)) for q in QUARTERS], seen(computed.life_of_plan)


@pytest.mark.parametrize(
    ("unit", "cumulative"), [("number", False), ("number", True), ("percentage", False), ("yes_no", False)]
)
def test_the_page_and_the_stored_totals_agree_in_total_and_in_each_country(
    plan_world, committee_member, unit, cumulative
):
    indicator = indicator_of(plan_world, unit, cumulative)
    approve(plan_world, committee_member)
    for period, disaggregation, amount in READINGS:
        record(plan_world, indicator, period, disaggregation, amount % 2 if unit == "yes_no" else amount)
    record(plan_world, indicator, Q3, {"country": "UG"}, 1, approve_it=False)  # waiting: counts nowhere
    assert Measurement.objects.filter(indicator=indicator).approved().count() == len(READINGS)
    counts = progress.spec_of(indicator).counts

    for country in COUNTRIES:
        assert page_figures(indicator, country) == stored_figures(indicator, country, counts), country

    if unit == "number":
        # The figures themselves, worked by hand: Q1's total is the breakdown by sex (no total, sex
        # first), Kenya's Q1 its reading by country alone, its Q2 its breakdown by sex; Zambia's July
        # is the detail of its third quarter.
        quarters, life = page_figures(indicator, "")
        assert [q[0] for q in quarters[:3]] == ([12, 22, 31] if cumulative else [12, 10, 9])
        assert life[0] == (31 if cumulative else 9)
        assert [q and q[0] for q in page_figures(indicator, "KE")[0]] == (
            [5, 10, None, None] if cumulative else [5, 5, None, None]
        )
        assert [q and q[0] for q in page_figures(indicator, "ZM")[0]] == (
            [7, None, 15, None] if cumulative else [7, None, 8, None]
        )


def test_a_country_reported_in_two_breakdowns_counts_one_of_them():
    """Kenya reported by sex and by age, never alone: its actual is one breakdown (the categories'
    order decides, as for the total), not both added up, in the stored row and on the page alike."""
    spec = progress.Spec(disaggregations=("sex", "age", "country"))
    readings = [
        progress.Reading.of(*Q1, value=3, disaggregation={"country": "KE", "sex": "female"}),
        progress.Reading.of(*Q1, value=2, disaggregation={"country": "KE", "sex": "male"}),
        progress.Reading.of(*Q1, value=4, disaggregation={"country": "KE", "age": "adult"}),
    ]
    stored = progress.period_actuals(spec, readings)
    assert {key: actual.value for key, actual in stored.items()} == {"": Decimal(5), "KE": Decimal(5)}
    page = progress.compute(spec, [progress.Period(*Q1, Decimal(10))], readings, country="KE")
    assert (page.periods[0].actual, page.life_of_plan.actual) == (Decimal(5), Decimal(5))


@examples(max_examples=200, deadline=None)
@given(
    readings=any_readings(),
    unit=st.sampled_from(["number", "percentage", "yes_no"]),
    cumulative=st.booleans(),
)
def test_the_life_of_plan_is_what_the_stored_periods_give(readings, unit, cumulative):
    """Over readings of any shape (nested periods, totals, breakdowns, two countries): the page's life
    of plan, in total and per country, is the stored rows of the outermost reported periods added up
    (a count) or the latest of them (a level)."""
    spec = progress.Spec(unit=unit, cumulative=cumulative, disaggregations=("sex", "country"))
    by_period = {}
    for reading in readings:
        by_period.setdefault((reading.starts_on, reading.ends_on), []).append(reading)
    stored = {key: progress.period_actuals(spec, group) for key, group in by_period.items()}
    kept = progress.outermost(key for key, rows in stored.items() if "" in rows)
    for country in ["", "KE", "UG"]:
        rows = [stored[key][country] for key in kept if country in stored[key]]
        if not rows:
            expected = None
        elif spec.counts:
            expected = (sum((r.value for r in rows), Decimal(0)), None, None)
        else:
            latest = max(rows, key=lambda r: (r.ends_on, r.value or 0))
            expected = (latest.value, latest.numerator, latest.denominator)
        lop = progress.compute(spec, [], readings, country=country).life_of_plan
        seen = None if lop is None or lop.actual is None else (lop.actual, lop.numerator, lop.denominator)
        assert seen == expected, country
