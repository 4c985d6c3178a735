"""The IATI 2.03 activity XML of a work plan, validated against the IATI schema."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from lxml import etree

from conftest import client_for
from convene.plans.tests.factories import PLAN_END, PLAN_START, QUARTERS, approve
from convene.results import iati
from convene.results import services as results_services


@pytest.fixture(autouse=True)
def _one_lead_records_and_approves(settings):
    """Values here are recorded and approved by the same co-chair: these tests are about what an
    approved value does, not about who approves it (separation of duties: results/tests/test_separation.py)."""
    settings.CONVENE_SEPARATE_RECORD_AND_APPROVE = False


# The schema lives beside the repository (…/shared/iati-2.03), never copied into it.
SCHEMA_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "iati-2.03"
SCHEMA_FILE = SCHEMA_DIR / "iati-activities-schema.xsd"


@pytest.fixture(scope="module")
def schema():
    if not SCHEMA_FILE.exists():
        pytest.skip(f"the IATI 2.03 schema is not at {SCHEMA_FILE} (a sibling folder of the repository)")
    # iati-activities-schema.xsd includes iati-common.xsd and imports xml.xsd from the same folder.
    return etree.XMLSchema(etree.parse(str(SCHEMA_FILE)))


def valid(schema, plan) -> etree._Element:
    data = iati.activity_xml(plan)
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = etree.fromstring(data)
    assert schema.validate(root), schema.error_log
    return root


def test_a_draft_plan_is_a_valid_pipeline_activity(schema, plan_world):
    root = valid(schema, plan_world.plan)
    activity = root.find("iati-activity")
    assert root.get("version") == "2.03"
    assert activity.findtext("iati-identifier") == f"XM-CONVENE-WP{plan_world.plan.pk}"
    assert activity.find("reporting-org").get("ref") == "XM-CONVENE"
    assert activity.findtext("title/narrative") == "Case Management: Work plan 2025"
    assert activity.find("activity-status").get("code") == "1"
    assert [(d.get("type"), d.get("iso-date")) for d in activity.findall("activity-date")] == [
        ("1", "2025-01-01"),
        ("3", "2025-12-31"),
    ]
    assert [(o.get("role"), o.findtext("narrative")) for o in activity.findall("participating-org")] == [
        ("2", "Convene demo network"),
        ("4", "Case Management"),
        ("1", "Global Social Service Workforce Partner"),
    ]
    budget = activity.find("budget")
    assert (budget.get("status"), budget.find("value").text, budget.find("value").get("currency")) == (
        "1",
        "4340.00",
        "USD",
    )
    # The goal has no indicator: IATI wants one per result, so only the outcome is a result.
    results = activity.findall("result")
    assert [(r.get("type"), r.findtext("title/narrative")) for r in results] == [
        ("2", "1.1 Workers use common standards.")
    ]
    indicator = results[0].find("indicator")
    assert (indicator.get("measure"), indicator.get("ascending")) == ("1", "1")
    assert dict(indicator.find("baseline").attrib) == {"year": "2025", "iso-date": "2025-01-01", "value": "0"}
    periods = indicator.findall("period")
    assert [(p.find("period-start").get("iso-date"), p.find("target").get("value")) for p in periods] == [
        ("2025-01-01", "10"),
        ("2025-04-01", "10"),
        ("2025-07-01", "10"),
        ("2025-10-01", "10"),
    ]
    assert indicator.find("period/actual") is None


def test_approved_plan_reports_only_approved_actuals_with_their_dimensions(
    schema, plan_world, committee_member, secretariat, settings
):
    settings.CONVENE_IATI_ORG_REF = "XM-DAC-41122"
    world, chair = plan_world, plan_world.cochair
    plan = world.plan
    percentage = results_services.indicator_save(
        plan=plan,
        acting=chair,
        result=world.outcome,
        code="CM2",
        name="Share of cases closed within 90 days",
        unit="percentage",
        direction="decrease",
        baseline_value=Decimal("40"),
        baseline_on=datetime.date(2024, 12, 1),
    )
    results_services.targets_set(
        indicator=percentage,
        acting=chair,
        targets=[{"starts_on": PLAN_START, "ends_on": PLAN_END, "value": Decimal(30), "life_of_plan": True}],
    )
    story = results_services.indicator_save(
        plan=plan, acting=chair, result=world.goal, code="Q1", name="Stories of change", unit="qualitative"
    )
    shared = results_services.shared_indicator_save(
        acting=secretariat, code="NET-1", name="Members trained", unit="number"
    )
    adopted = results_services.indicator_adopt(plan=plan, acting=chair, shared=shared, result=world.goal)
    approve(world, committee_member)

    def record(indicator, period, review=True, **values):
        m = results_services.measurement_record(
            indicator=indicator, acting=chair, starts_on=period[0], ends_on=period[1], **values
        )
        if review:
            results_services.measurement_review(measurement=m, acting=chair, approve=True)

    record(world.indicator, QUARTERS[0], value="7")
    record(world.indicator, QUARTERS[0], value="4", disaggregation={"sex": "female"})
    record(world.indicator, QUARTERS[0], value="3", disaggregation={"sex": "male"})
    record(world.indicator, QUARTERS[1], value="6", disaggregation={"sex": "female", "country": "KE"})
    record(world.indicator, QUARTERS[2], review=False, value="50")  # waiting: not reported
    record(percentage, QUARTERS[0], numerator="1", denominator="4")
    record(percentage, QUARTERS[1], numerator="2", denominator="4")
    record(story, QUARTERS[0], text="A district adopted the standards.")

    root = valid(schema, plan)
    activity = root.find("iati-activity")
    assert activity.findtext("iati-identifier") == f"XM-DAC-41122-WP{plan.pk}"
    assert activity.find("activity-status").get("code") == "3"  # approved, and its period is over
    assert [d.get("type") for d in activity.findall("activity-date")] == ["1", "2", "3"]
    assert activity.find("budget").get("status") == "2"
    results = {r.findtext("title/narrative"): r for r in activity.findall("result")}
    assert list(results) == ["1 Children live in families.", "1.1 Workers use common standards."]
    assert results["1 Children live in families."].get("type") == "3"  # goal: impact

    indicators = {i.findtext("title/narrative"): i for r in results.values() for i in r.findall("indicator")}
    trained = indicators["Case workers trained"]

    def actuals(period):
        return [
            (a.get("value"), [(d.get("name"), d.get("value")) for d in a.findall("dimension")])
            for a in period.findall("actual")
        ]

    periods = trained.findall("period")
    assert actuals(periods[0]) == [("7", []), ("4", [("sex", "female")]), ("3", [("sex", "male")])]
    assert actuals(periods[1]) == [("6", []), ("6", [("country", "KE"), ("sex", "female")])]
    assert actuals(periods[2]) == []  # the 50 waits for approval
    assert [p.find("target").get("value") for p in periods] == ["10", "10", "10", "10"]

    share = indicators["Share of cases closed within 90 days"]
    assert (share.get("measure"), share.get("ascending")) == ("2", "0")
    assert dict(share.find("baseline").attrib) == {"year": "2024", "iso-date": "2024-12-01", "value": "40"}
    share_periods = share.findall("period")
    # No periodic target: each reported quarter, a percentage as the ratio of its parts.
    assert [(p.find("period-start").get("iso-date"), actuals(p)) for p in share_periods] == [
        ("2025-01-01", [("25", [])]),
        ("2025-04-01", [("50", [])]),
    ]

    stories = indicators["Stories of change"]
    assert stories.get("measure") == "5"
    assert stories.get("ascending") is None
    assert stories.findtext("period/actual/comment/narrative") == "A district adopted the standards."

    members = indicators["Members trained"]
    assert members.find("reference").attrib == {"vocabulary": "99", "code": "NET-1"}
    assert adopted.shared_id == shared.pk


def test_text_with_control_characters_still_gives_valid_xml(schema, plan_world):
    from convene.plans import services

    services.plan_update(plan=plan_world.plan, acting=plan_world.cochair, revision=None, title="Plan \x07two")
    root = valid(schema, plan_world.plan)
    assert root.findtext("iati-activity/title/narrative") == "Case Management: Plan two"


def test_iati_download(plan_world, member):
    response = client_for(member).get(
        reverse("plans:export_iati", args=[plan_world.group.slug, plan_world.plan.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="case-management-work-plan-{plan_world.plan.pk}-v0.xml"'
    )
    assert etree.fromstring(response.content).findtext("iati-activity/iati-identifier") == (
        f"XM-CONVENE-WP{plan_world.plan.pk}"
    )


def test_iati_reads_a_fixed_number_of_queries(plan_world, committee_member, django_assert_num_queries):
    plan, chair = plan_world.plan, plan_world.cochair
    with django_assert_num_queries(13) as few:
        iati.activity_xml(plan)
    for n in range(8):
        indicator = results_services.indicator_save(
            plan=plan, acting=chair, result=plan_world.goal, name=f"I{n}"
        )
        results_services.targets_set(
            indicator=indicator,
            acting=chair,
            targets=[{"starts_on": s, "ends_on": e, "value": n} for s, e in QUARTERS],
        )
    approve(plan_world, committee_member)
    for indicator in plan.indicators.all():
        measurement = results_services.measurement_record(
            indicator=indicator, acting=chair, starts_on=QUARTERS[0][0], ends_on=QUARTERS[0][1], value="3"
        )
        results_services.measurement_review(measurement=measurement, acting=chair, approve=True)
    with django_assert_num_queries(len(few.captured_queries)):
        iati.activity_xml(plan)
