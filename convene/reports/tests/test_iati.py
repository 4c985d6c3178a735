"""The IATI 2.03 activity XML of a work plan, validated against the IATI schema."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from lxml import etree

from conftest import client_for
from convene.plans.tests.factories import PLAN_END, PLAN_START, QUARTERS, approve
from convene.reports import iati
from convene.results import services as results_services


@pytest.fixture(autouse=True)
def _one_lead_records_and_approves(settings):
    """Values here are recorded and approved by the same co-chair: these tests are about what an
    approved value does, not about who approves it (separation of duties: results/tests/test_separation.py)."""
    settings.CONVENE_SEPARATE_RECORD_AND_APPROVE = False


def _schema_file() -> Path:
    """The schema lives beside the repository (…/shared/iati-2.03), never copied into it: the nearest
    such folder above the checkout (a git worktree may sit a level deeper than the main checkout)."""
    for folder in Path(__file__).resolve().parents[3].parents:
        candidate = folder / "shared" / "iati-2.03" / "iati-activities-schema.xsd"
        if candidate.exists():
            return candidate
    return Path(__file__).resolve().parents[3].parent / "shared" / "iati-2.03" / "iati-activities-schema.xsd"


SCHEMA_FILE = _schema_file()


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
    # 15: the group's topics (sectors) and its activities' countries joined the 13 reads of the plan.
    with django_assert_num_queries(15) as few:
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


def test_a_plan_over_two_years_reports_one_budget_per_year_pro_rata(schema, plan_world):
    """IATI: a budget covers at most one year. The plan runs 18 months (365 + 181 days): the KES
    venue (2,340 USD) belongs to its deliverable (Feb.–Sept. 2025), the 2,000 USD layout is spread
    over the plan by days (2,000 × 365 / 546 = 1,336.996…; × 181 / 546 = 663.004…)."""
    from convene.plans import services

    plan = plan_world.plan
    services.plan_update(
        plan=plan, acting=plan_world.cochair, revision=None, ends_on=datetime.date(2026, 6, 30)
    )
    root = valid(schema, plan)
    budgets = root.findall("iati-activity/budget")
    assert [
        (
            b.find("period-start").get("iso-date"),
            b.find("period-end").get("iso-date"),
            b.find("value").text,
            b.find("value").get("value-date"),
        )
        for b in budgets
    ] == [
        ("2025-01-01", "2025-12-31", "3677.00", "2025-01-01"),
        ("2026-01-01", "2026-06-30", "663.00", "2026-01-01"),
    ]
    for budget in budgets:
        start = datetime.date.fromisoformat(budget.find("period-start").get("iso-date"))
        end = datetime.date.fromisoformat(budget.find("period-end").get("iso-date"))
        assert (end - start).days < 366
    assert sum(Decimal(b.find("value").text) for b in budgets) == Decimal("4340.00")


def test_yearly_budgets_add_up_to_the_cent():
    """Three years share 100.00 by days (2024 has 366): 33.394…, 33.302…, 33.302… round down to
    99.99; the cent left goes to the largest remainder, 2024's, never lost."""
    from types import SimpleNamespace

    plan = SimpleNamespace(
        starts_on=datetime.date(2024, 1, 1), ends_on=datetime.date(2026, 12, 31), currency="USD"
    )
    line = SimpleNamespace(planned=Decimal("100.00"), currency="USD", deliverable=None)
    budgets = iati.yearly_budgets(plan, [line], [])
    assert [value for _s, _e, value in budgets] == [Decimal("33.40"), Decimal("33.30"), Decimal("33.30")]
    assert sum(value for _s, _e, value in budgets) == Decimal("100.00")


def test_sector_countries_org_types_and_language(schema, plan_world, settings):
    from convene.groups import services as group_services
    from convene.people.models import Language, Topic

    settings.CONVENE_IATI_ORG_REF = "XM-DAC-99999"
    settings.CONVENE_IATI_ORG_TYPE = "22"
    world, chair = plan_world, plan_world.cochair
    # Nothing known: no sector, no country, rather than invented ones; the site's language.
    root = valid(schema, world.plan)
    activity = root.find("iati-activity")
    assert activity.findall("sector") == []
    assert activity.findall("recipient-country") == []
    assert activity.findall("recipient-region") == []
    assert activity.get(iati.XML_LANG) == "en"

    # The network's default sector when no topic has a DAC code.
    settings.CONVENE_IATI_SECTOR = "16010"
    activity = valid(schema, world.plan).find("iati-activity")
    assert [dict(s.attrib) for s in activity.findall("sector")] == [
        {"vocabulary": "1", "code": "16010", "percentage": "100"}
    ]

    # The topics' DAC codes win; the activities' countries; the working language.
    world.group.topics.set(
        [
            Topic.objects.create(name="Social protection", slug="social-protection", dac_code="16010"),
            Topic.objects.create(name="Child protection", slug="child-protection", dac_code="15180"),
            Topic.objects.create(name="Case management", slug="case-management", dac_code="16010"),
            Topic.objects.create(name="Peer learning", slug="peer-learning"),
        ]
    )
    for country in ("KE", "UG", "KE", "ZA", ""):
        group_services.activity_save(group=world.group, acting=chair, what="Training", country=country)
    group_services.charter_update(
        group=world.group, acting=chair, working_language=Language.objects.get(code="fr")
    )
    world.partner.sector = "government"
    world.partner.save(update_fields=["sector"])

    root = valid(schema, world.plan)
    activity = root.find("iati-activity")
    assert [dict(s.attrib) for s in activity.findall("sector")] == [
        {"vocabulary": "1", "code": "15180", "percentage": "50"},
        {"vocabulary": "1", "code": "16010", "percentage": "50"},
    ]
    assert [(c.get("code"), c.get("percentage")) for c in activity.findall("recipient-country")] == [
        ("KE", "33.34"),
        ("UG", "33.33"),
        ("ZA", "33.33"),
    ]
    assert dict(activity.find("reporting-org").attrib) == {"ref": "XM-DAC-99999", "type": "22"}
    assert [dict(o.attrib) for o in activity.findall("participating-org")] == [
        {"ref": "XM-DAC-99999", "type": "22", "role": "2"},
        {"type": "22", "role": "4"},
        {"role": "1", "type": "10"},
    ]
    # The group's working language is the activity's; the network's name stays in the site's.
    assert activity.get(iati.XML_LANG) == "fr"
    assert activity.find("title/narrative").get(iati.XML_LANG) == "fr"
    assert activity.find("result/indicator/title/narrative").get(iati.XML_LANG) == "fr"
    assert activity.find("reporting-org/narrative").get(iati.XML_LANG) == "en"
    narratives = activity.iter("narrative")
    assert all(n.get(iati.XML_LANG) in ("fr", "en") for n in narratives)
