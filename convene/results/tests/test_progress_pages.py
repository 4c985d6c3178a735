"""Issue 9 through the pages and the API: a level indicator shows its latest reading and the share of
the way from baseline to target, and its state is judged against a life-of-plan target when that is
the only one (never "No target" beside a computed percentage)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import client_for
from convene.plans.tests.factories import PLAN_END, PLAN_START, QUARTERS, approve
from convene.plans.tests.test_api import MEMBER, make_world
from convene.results import services


@pytest.fixture(autouse=True)
def _one_lead_records_and_approves(settings):
    """Values here are recorded and approved by the same co-chair: these tests are about what an
    approved value does, not about who approves it (separation of duties: results/tests/test_separation.py)."""
    settings.CONVENE_SEPARATE_RECORD_AND_APPROVE = False


def level_indicator(world, *, name, unit, baseline, target, direction="decrease"):
    """An indicator with a baseline and only a life-of-plan target, added while the plan is a draft."""
    indicator = services.indicator_save(
        plan=world.plan,
        acting=world.cochair,
        result=world.outcome,
        name=name,
        unit=unit,
        direction=direction,
        frequency="quarterly",
        baseline_value=Decimal(baseline),
        baseline_on=PLAN_START,
    )
    services.targets_set(
        indicator=indicator,
        acting=world.cochair,
        targets=[
            {"starts_on": PLAN_START, "ends_on": PLAN_END, "value": Decimal(target), "life_of_plan": True}
        ],
    )
    return indicator


def report(world, indicator, quarter, **value):
    starts_on, ends_on = QUARTERS[quarter]
    m = services.measurement_record(
        indicator=indicator, acting=world.cochair, starts_on=starts_on, ends_on=ends_on, **value
    )
    services.measurement_review(measurement=m, acting=world.cochair, approve=True)


@pytest.fixture
def caseload(plan_world, committee_member):
    """Caseload per worker, lower is better, 120 → 80 over the plan; 110 then 95 approved."""
    indicator = level_indicator(
        plan_world, name="Caseload per worker", unit="number", baseline=120, target=80
    )
    vacancy = level_indicator(
        plan_world, name="Vacancy rate in social work posts", unit="percentage", baseline=50, target=15
    )
    approve(plan_world, committee_member)
    report(plan_world, indicator, 0, value="110")
    report(plan_world, indicator, 1, value="95")
    report(plan_world, vacancy, 1, numerator="31", denominator="100")
    return plan_world, indicator, vacancy


def row_of(html: str, name: str) -> str:
    return re.search(rf"<tr>\s*<th scope=\"row\">[^\n]*{name}.*?</tr>", html, re.S).group(0)


def test_framework_shows_the_latest_reading_and_the_way_covered(caseload, member):
    world, indicator, vacancy = caseload
    html = client_for(member).get(reverse("results:framework", args=[world.group.slug, world.plan.pk]))
    assert html.status_code == 200
    html = html.content.decode()

    row = row_of(html, "Caseload per worker")
    # Actual 95 (the latest), not 110 + 95 = 205; (95 − 120) / (80 − 120) = 62.5 %, not 256 %.
    assert re.search(r'<td class="num"[^>]*>95</td>', row)
    assert "205" not in row
    assert re.search(r'<td class="num"[^>]*>62\.5\ %</td>', row)
    assert "256" not in row
    # Judged against the life-of-plan target, the only one: behind, not "No target".
    assert '<span class="status progress-behind">Behind target</span>' in row
    assert "No target" not in row
    # The bar fills 62.5 % of its track (118 wide).
    assert re.search(r'class="spark-actual"[^>]*width="73\.8"', row)

    row = row_of(html, "Vacancy rate in social work posts")
    # SSW-4: (31 − 50) / (15 − 50) = 54.3 %, not 31 / 15 = 206 % with a full bar.
    assert re.search(r'<td class="num"[^>]*>54\.3\ %</td>', row)
    assert "206" not in row
    assert '<span class="status progress-behind">Behind target</span>' in row
    assert re.search(r'class="spark-actual"[^>]*width="64\.1"', row)  # 118 × 0.543


def test_framework_says_moving_away_instead_of_a_negative_bar(caseload, member):
    world, indicator, _vacancy = caseload
    report(world, indicator, 2, value="130")  # (130 − 120) / (80 − 120) = −25 %
    html = client_for(member).get(reverse("results:framework", args=[world.group.slug, world.plan.pk]))
    row = row_of(html.content.decode(), "Caseload per worker")
    assert re.search(r'<td class="num"[^>]*>\-25\ %</td>', row)
    assert "Moving away from target" in row
    assert "spark-actual" not in row


def test_indicator_page_shows_the_share_to_one_place(caseload, member):
    world, indicator, _vacancy = caseload
    response = client_for(member).get(
        reverse("results:indicator", args=[world.group.slug, world.plan.pk, indicator.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "62.5 %" in html
    assert "No: a level; each period" in html  # what "not cumulative" means for the arithmetic


def test_targets_page_says_the_last_target_stands_for_the_life_of_the_plan(plan_world):
    response = client_for(plan_world.cochair).get(
        reverse("results:targets", args=[plan_world.group.slug, plan_world.plan.pk, plan_world.indicator.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Without a life-of-plan target, the last target counts for the life of the plan." in html
    assert "sum of the targets" not in html


@pytest.fixture
def api_world(db, member, committee_member, secretariat, outsider):
    return make_world(member, committee_member, secretariat, outsider)


def test_api_progress_status_is_judged_against_the_life_of_plan_target(api_world, committee_member):
    world = api_world
    indicator = level_indicator(
        world.plans, name="Caseload per worker", unit="number", baseline=120, target=80
    )
    approve(world.plans, committee_member)
    report(world.plans, indicator, 0, value="110")
    report(world.plans, indicator, 1, value="95")

    response = world.client(MEMBER).get(world.url("api:get_indicator", indicator.pk))
    assert response.status_code == 200, response.content
    progress = response.json()["progress"]
    assert progress["status"] == "behind"  # not "no_target" beside a computed percentage
    lop = progress["life_of_plan"]
    assert (lop["target"], lop["actual"], Decimal(lop["percent_met"]), lop["status"]) == (
        "80.0000",
        "95.0000",
        Decimal("62.5"),
        "behind",
    )
    # The quarters have no target of their own: their rows say so, with their latest reading.
    assert [(p["actual"], p["status"]) for p in progress["periods"]] == [
        ("110.0000", "no_target"),
        ("95.0000", "no_target"),
    ]
