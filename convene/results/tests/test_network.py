"""Shared measurement: the network-wide totals of a shared indicator by quarter, year and country,
computed exactly from the groups' approved values, and the stored period actuals they rest on kept
right through approvals, withdrawals, late adoptions and edits of the categories."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import client_for, make_person
from convene.groups.models import Group, GroupKind, GroupStatus
from convene.plans import services as plan_services
from convene.plans.models import PlanStatus, WorkPlan
from convene.plans.tests.factories import PLAN_END, PLAN_START, QUARTERS, approve, build_plan, launch_group
from convene.results import queries, services
from convene.results.models import Indicator, PeriodActual, Result, ResultLevel, SharedIndicator


@pytest.fixture(autouse=True)
def _one_lead_records_and_approves(settings):
    """Values here are recorded and approved by the same co-chair: these tests are about what an
    approved value does, not about who approves it (separation of duties: results/tests/test_separation.py)."""
    settings.CONVENE_SEPARATE_RECORD_AND_APPROVE = False


Q1, Q2, Q3 = QUARTERS[:3]
d = datetime.date


def stored(indicator=None) -> list[tuple]:
    rows = (
        PeriodActual.objects.all() if indicator is None else PeriodActual.objects.filter(indicator=indicator)
    )
    return sorted(
        rows.values_list(
            "indicator_id",
            "shared_id",
            "starts_on",
            "ends_on",
            "country",
            "value",
            "numerator",
            "denominator",
        )
    )


def assert_stored_actuals_are_rebuildable() -> None:
    """What is stored equals what a rebuild from the approved values gives."""
    before = stored()
    for indicator in Indicator.objects.all():
        services.actuals_rebuild(indicator=indicator)
    assert stored() == before


def report(indicator, acting, period, *, approve_it=True, **values):
    m = services.measurement_record(
        indicator=indicator, acting=acting, starts_on=period[0], ends_on=period[1], **values
    )
    if approve_it:
        services.measurement_review(measurement=m, acting=acting, approve=True)
    return m


@pytest.fixture
def second(plan_world, committee_member, secretariat):
    chair = make_person("bea.chair@example.org", name="Bea Chair", country="ZM")
    group = launch_group(committee=committee_member, cochair=chair, name="Social Work Education")
    return build_plan(group=group, cochair=chair, secretariat=secretariat, title="Education plan 2025")


@pytest.fixture
def shared(secretariat):
    # A count: cumulative, its readings add up over the plan (a non-cumulative number is a level).
    return services.shared_indicator_save(
        acting=secretariat,
        code="SSW1",
        name="Social workers trained",
        cumulative=True,
        disaggregations=["country"],
    )


def adopt(world, shared):
    return services.indicator_adopt(
        plan=world.plan, acting=world.cochair, shared=shared, result=world.outcome
    )


def test_network_totals_of_two_groups_in_two_countries(plan_world, second, shared, committee_member):
    a, b = adopt(plan_world, shared), adopt(second, shared)
    approve(plan_world, committee_member)
    approve(second, committee_member)
    # Group A: Q1 by country only (5 + 7); Q2 a total of 10 with a detail of 4 in Kenya.
    report(a, plan_world.cochair, Q1, value=5, disaggregation={"country": "KE"})
    report(a, plan_world.cochair, Q1, value=7, disaggregation={"country": "ZM"})
    report(a, plan_world.cochair, Q2, value=10)
    report(a, plan_world.cochair, Q2, value=4, disaggregation={"country": "KE"})
    # Group B: 3 in Kenya in Q1 (a monthly reading), 6 in Zambia in Q3, and a value still waiting.
    report(b, second.cochair, (d(2025, 2, 1), d(2025, 2, 28)), value=3, disaggregation={"country": "KE"})
    report(b, second.cochair, Q3, value=6, disaggregation={"country": "ZM"})
    report(b, second.cochair, Q3, value=100, approve_it=False)
    shared = SharedIndicator.objects.get(pk=shared.pk)

    by_quarter = [(r.label, r.value, r.groups) for r in queries.network_totals(shared)]
    assert by_quarter == [
        (d(2025, 1, 1), Decimal(15), 2),
        (d(2025, 4, 1), Decimal(10), 1),
        (d(2025, 7, 1), Decimal(6), 1),
    ]
    assert [(r.label, r.value, r.groups) for r in queries.network_totals(shared, by="year")] == [
        (d(2025, 1, 1), Decimal(31), 2)
    ]
    assert [(r.label, r.value, r.groups) for r in queries.network_totals(shared, by="country")] == [
        ("KE", Decimal(12), 2),
        ("ZM", Decimal(13), 2),
    ]
    assert queries.network_totals(shared, by="country", year=2024) == []
    assert queries.network_years(shared) == [2025]
    assert_stored_actuals_are_rebuildable()

    # The committee's page says the same.
    client = client_for(committee_member)
    html = client.get(reverse("results:shared", args=[shared.pk])).content.decode()
    assert 'Q1 2025</th><td class="num">15</td>' in html
    assert 'Q2 2025</th><td class="num">10</td>' in html
    assert 'Q3 2025</th><td class="num">6</td>' in html
    assert "Case Management" in html
    assert "Social Work Education" in html
    assert (
        f'<title id="shared-{shared.pk}-title">Social workers trained: the network&#x27;s total</title>'
        in html
    )
    html = client.get(
        reverse("results:shared", args=[shared.pk]), {"by": "country", "year": "2025"}
    ).content.decode()
    assert 'Kenya</th><td class="num">12</td>' in html
    assert 'Zambia</th><td class="num">13</td>' in html
    html = client.get(reverse("results:shared", args=[shared.pk]), {"by": "year"}).content.decode()
    assert '2025</th><td class="num">31</td>' in html
    # A year nobody reported in, or nonsense, falls back to every year.
    html = client.get(
        reverse("results:shared", args=[shared.pk]), {"by": "nonsense", "year": "1999"}
    ).content.decode()
    assert 'Q1 2025</th><td class="num">15</td>' in html


def test_a_percentage_adds_up_as_a_ratio_across_groups(plan_world, second, secretariat, committee_member):
    shared = services.shared_indicator_save(
        acting=secretariat, code="CM3", name="Cases closed", unit="percentage", disaggregations=["country"]
    )
    a, b = adopt(plan_world, shared), adopt(second, shared)
    approve(plan_world, committee_member)
    approve(second, committee_member)
    report(a, plan_world.cochair, Q1, numerator=3, denominator=4, disaggregation={"country": "KE"})
    report(b, second.cochair, Q1, numerator=1, denominator=6, disaggregation={"country": "KE"})
    shared = SharedIndicator.objects.get(pk=shared.pk)

    (row,) = queries.network_totals(shared)
    # 4 of 10 is 40 %, not the average of 75 % and 16.7 %.
    assert (row.numerator, row.denominator, row.value) == (Decimal(4), Decimal(10), Decimal(40))
    html = client_for(secretariat).get(reverse("results:shared", args=[shared.pk])).content.decode()
    assert '<td class="num">40 %</td><td class="num">4</td><td class="num">10</td>' in html


def test_a_group_adopting_later_joins_the_totals_from_its_first_approval(
    plan_world, second, shared, committee_member
):
    a = adopt(plan_world, shared)
    approve(plan_world, committee_member)
    approve(second, committee_member)
    report(a, plan_world.cochair, Q1, value=5, disaggregation={"country": "KE"})
    shared = SharedIndicator.objects.get(pk=shared.pk)
    assert [(r.label, r.value) for r in queries.network_totals(shared)] == [(d(2025, 1, 1), Decimal(5))]

    # The second group revises its approved plan to adopt the indicator, and reports under it at once.
    plan_services.plan_revise(plan=second.plan, acting=second.cochair)
    b = adopt(second, shared)
    report(b, second.cochair, Q1, value=2, disaggregation={"country": "ZM"})

    assert [(r.label, r.value, r.groups) for r in queries.network_totals(shared)] == [
        (d(2025, 1, 1), Decimal(7), 2)
    ]
    assert {row[1] for row in stored(b)} == {shared.pk}
    assert_stored_actuals_are_rebuildable()


def test_withdrawing_and_sending_back_leave_the_stored_actuals_right(plan_world, shared, committee_member):
    a = adopt(plan_world, shared)
    approve(plan_world, committee_member)
    report(a, plan_world.cochair, Q1, value=5, disaggregation={"country": "KE"})
    waiting = report(a, plan_world.cochair, Q1, value=50, approve_it=False)
    refused = report(a, plan_world.cochair, Q1, value=60, approve_it=False)
    before = stored(a)

    services.measurement_withdraw(measurement=waiting, acting=plan_world.cochair)
    services.measurement_review(
        measurement=refused, acting=plan_world.cochair, approve=False, note="Double count."
    )

    assert stored(a) == before
    assert [(row[4], row[5]) for row in before] == [("", Decimal(5)), ("KE", Decimal(5))]
    assert_stored_actuals_are_rebuildable()


@pytest.mark.parametrize("quarter_first", [True, False])
def test_a_month_inside_a_reported_quarter_is_counted_once(
    plan_world, shared, committee_member, quarter_first
):
    """January reported and the whole first quarter too: the quarter counts, January is its detail, in
    the group's progress and in the network's totals alike, whichever was approved first."""
    a = adopt(plan_world, shared)
    approve(plan_world, committee_member)
    january = (d(2025, 1, 1), d(2025, 1, 31))
    reports = [(Q1, 9), (january, 4)] if quarter_first else [(january, 4), (Q1, 9)]
    for period, value in reports:
        report(a, plan_world.cochair, period, value=value, disaggregation={"country": "KE"})
    report(a, plan_world.cochair, Q2, value=1, disaggregation={"country": "KE"})
    shared = SharedIndicator.objects.get(pk=shared.pk)

    assert [(r.label, r.value) for r in queries.network_totals(shared)] == [
        (d(2025, 1, 1), Decimal(9)),
        (d(2025, 4, 1), Decimal(1)),
    ]
    assert [(r.label, r.value) for r in queries.network_totals(shared, by="country")] == [("KE", Decimal(10))]
    a.refresh_from_db()
    lop = queries.progress_of(a, queries.approved_readings([a])[a.pk]).life_of_plan
    assert lop.actual == Decimal(10)
    assert {(row[2], row[3]) for row in stored(a)} == {Q1, Q2}
    assert_stored_actuals_are_rebuildable()


def test_reordering_the_categories_rebuilds_the_stored_totals(plan_world, committee_member):
    """No total reported: the first category of the indicator makes the total (progress.combine_period).
    Reordering the categories in a revision changes which one, in the progress and in the stored actuals
    alike."""
    indicator = plan_world.indicator  # categories: sex, country
    approve(plan_world, committee_member)
    for values in ({"sex": "female"}, {"sex": "male"}):
        report(
            indicator,
            plan_world.cochair,
            Q1,
            value=6 if values["sex"] == "female" else 4,
            disaggregation=values,
        )
    report(indicator, plan_world.cochair, Q1, value=7, disaggregation={"country": "KE"})

    def total_now():
        indicator.refresh_from_db()
        live = (
            queries.progress_of(indicator, queries.approved_readings([indicator])[indicator.pk])
            .periods[0]
            .actual
        )
        return live, PeriodActual.objects.get(indicator=indicator, country="").value

    assert total_now() == (Decimal(10), Decimal(10))
    plan_services.plan_revise(plan=plan_world.plan, acting=plan_world.cochair)
    services.indicator_save(
        plan=plan_world.plan,
        acting=plan_world.cochair,
        indicator=indicator,
        revision=indicator.revision,
        disaggregations=[{"name": "country", "options": []}, {"name": "sex", "options": ["female", "male"]}],
    )
    assert total_now() == (Decimal(7), Decimal(7))
    assert_stored_actuals_are_rebuildable()


# --- Many adopting groups, written in bulk (the page's query count) ----------------------------------


def adopting_groups(shared: SharedIndicator, n: int, *, committee) -> None:
    """``n`` active groups, each with an approved plan that adopted ``shared`` and reported by country."""
    kind = GroupKind.objects.get(slug="interest-group")
    groups = Group.objects.bulk_create(
        Group(kind=kind, name=f"Group {i:03}", slug=f"group-{i:03}", purpose="P.", status=GroupStatus.ACTIVE)
        for i in range(n)
    )
    plans = WorkPlan.objects.bulk_create(
        WorkPlan(
            group=g, title=f"Plan {i}", starts_on=PLAN_START, ends_on=PLAN_END, status=PlanStatus.APPROVED
        )
        for i, g in enumerate(groups)
    )
    goal = ResultLevel.objects.get(depth=0)
    results = Result.objects.bulk_create(Result(plan=p, level=goal, statement="Goal.") for p in plans)
    indicators = Indicator.objects.bulk_create(
        Indicator(plan=p, result=r, shared=shared, code=shared.code, name=shared.name)
        for p, r in zip(plans, results, strict=True)
    )
    PeriodActual.objects.bulk_create(
        PeriodActual(
            indicator=indicator, shared=shared, starts_on=start, ends_on=end, country=country, value=value
        )
        for i, indicator in enumerate(indicators)
        for start, end in QUARTERS
        for country, value in (("", 3), (["KE", "ZM", "UG"][i % 3], 3))
    )


def test_a_level_is_not_added_up_over_time_only_across_groups(
    plan_world, second, secretariat, committee_member
):
    """Caseload per worker (a non-cumulative number): each group's latest reading in the quarter, the
    year or the plan counts, then the groups add up. Monthly caseloads are not summed into a quarter."""
    shared = services.shared_indicator_save(
        acting=secretariat,
        code="CL1",
        name="Caseload per worker",
        direction="decrease",
        disaggregations=["country"],
    )
    a, b = adopt(plan_world, shared), adopt(second, shared)
    approve(plan_world, committee_member)
    approve(second, committee_member)
    for month, caseload in ((1, 30), (2, 28), (3, 25)):
        end = d(2025, month + 1, 1) - datetime.timedelta(days=1)
        report(
            a, plan_world.cochair, (d(2025, month, 1), end), value=caseload, disaggregation={"country": "KE"}
        )
    report(a, plan_world.cochair, Q2, value=22, disaggregation={"country": "KE"})
    report(b, second.cochair, Q1, value=40, disaggregation={"country": "ZM"})
    report(b, second.cochair, Q3, value=35, disaggregation={"country": "ZM"})
    shared = SharedIndicator.objects.get(pk=shared.pk)

    # Q1: A's March 25 (not 30 + 28 + 25) + B's 40 = 65; Q2: A's 22; Q3: B's 35.
    assert [(r.label, r.value, r.groups) for r in queries.network_totals(shared)] == [
        (d(2025, 1, 1), Decimal(65), 2),
        (d(2025, 4, 1), Decimal(22), 1),
        (d(2025, 7, 1), Decimal(35), 1),
    ]
    # 2025: A's latest, Q2's 22, + B's latest, Q3's 35 = 57 (not the 180 of every reading).
    assert [(r.label, r.value) for r in queries.network_totals(shared, by="year")] == [
        (d(2025, 1, 1), Decimal(57))
    ]
    assert [(r.label, r.value) for r in queries.network_totals(shared, by="country", year=2025)] == [
        ("KE", Decimal(22)),
        ("ZM", Decimal(35)),
    ]
    assert queries.network_totals(shared, by="country", year=2024) == []
