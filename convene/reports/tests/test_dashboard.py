"""The committee's dashboard: budget used against plan, the membership trend (a server-drawn chart with
its text), composition gaps, the filters (kind, plan state, overdue, off track) and the sort links that
keep them, and the CSV and XLSX downloads with the same columns and filters."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for, make_person
from convene.groups import services as group_services
from convene.groups.models import Group, GroupKind, GroupMembership
from convene.plans.models import BudgetLine
from convene.plans.queries import budget_summary
from convene.plans.tests.factories import launch_group
from convene.reports import queries
from convene.reports.dashboard_table import EXPORT_HEADERS


@pytest.fixture
def two_groups(approved, committee_member, member):
    other = launch_group(committee=committee_member, cochair=member, name="Advocacy")
    return approved.group, other


def _row(rows, group):
    return next(r for r in rows if r.group.pk == group.pk)


def test_budget_used_against_plan_matches_the_plans_own_summary(two_groups, approved):
    BudgetLine.objects.filter(plan=approved.plan, description="Layout").update(actual=1000)
    rows = queries.dashboard_rows()
    row = _row(rows, approved.group)
    summary = budget_summary(approved.plan)
    assert (row.budget_planned, row.budget_actual, row.budget_currency) == (
        summary.planned,
        summary.actual,
        approved.plan.currency,
    )
    assert row.budget_percent == round(100 * 1000 / summary.planned)
    assert _row(rows, two_groups[1]).budget_percent is None  # no plan, no budget


def test_membership_trend_counts_members_at_each_months_end(two_groups, committee_member):
    group = two_groups[1]
    today = timezone.localdate()
    ends = queries.month_ends(today)
    assert (len(ends), ends[-1]) == (12, today)
    assert all(e.month != (e + datetime.timedelta(days=1)).month for e in ends[:-1])  # month ends
    joiner, leaver = make_person("joiner@example.org"), make_person("leaver@example.org")
    group_services.membership_join(group=group, acting=joiner)
    group_services.membership_join(group=group, acting=leaver)
    GroupMembership.objects.filter(person=joiner).update(joined_on=ends[5])  # counted from month 6
    GroupMembership.objects.filter(person=leaver).update(joined_on=ends[0], left_on=ends[8], status="left")
    row = _row(queries.dashboard_rows(), group)
    cochair = 1  # launched in 2025, before the twelve months
    expected = [cochair + (i >= 5) + (i < 8) for i in range(12)]
    assert row.trend == expected
    page = client_for(committee_member).get(reverse("reports:dashboard"))
    html = page.content.decode()
    assert f'id="trend-{group.pk}-t"' in html
    assert "<polyline" in html
    assert "Members of Advocacy over 12 months" in html
    assert f"{expected[0]} → {expected[-1]}" in html  # the text alternative beside the chart


def test_composition_gaps_are_what_the_charter_asks_for_and_lacks(two_groups):
    group = two_groups[0]
    Group.objects.filter(pk=group.pk).update(
        required_countries=["KE", "DK"], required_sectors=["academic"], max_size=1
    )
    row = _row(queries.dashboard_rows(), group)
    # The co-chair, the one member, is from Kenya and an NGO.
    assert row.gaps == ["Academic", "Denmark"]
    group_services.membership_join(group=group, acting=make_person("one.more@example.org", country="DK"))
    assert _row(queries.dashboard_rows(), group).gaps == ["Academic", "More members than the charter's 1"]
    Group.objects.filter(pk=group.pk).update(required_countries=[], required_sectors=[])
    GroupMembership.objects.filter(group=group).delete()
    assert _row(queries.dashboard_rows(), group).gaps == ["No co-chair"]


def test_filters_narrow_rows_page_and_downloads_alike(two_groups, approved, committee_member):
    kept, dropped = two_groups
    Group.objects.filter(pk=dropped.pk).update(kind=GroupKind.objects.get(slug="working-group"))
    client = client_for(committee_member)
    for query, names in [
        ({"kind": "interest-group"}, ["Case Management"]),
        ({"kind": "working-group"}, ["Advocacy"]),
        ({"plan": "missing"}, ["Advocacy"]),
        ({"plan": "approved"}, ["Case Management"]),
        ({"overdue": "true"}, ["Advocacy", "Case Management"]),
        ({"off_track": "false"}, ["Advocacy", "Case Management"]),
        ({"off_track": "true"}, []),
        ({"kind": "no-such-kind"}, ["Advocacy", "Case Management"]),  # a wrong value narrows nothing
    ]:
        page = client.get(reverse("reports:dashboard"), query)
        assert page.status_code == 200
        assert [r.group.name for r in page.context["rows"]] == names, query
        table = list(
            csv.reader(
                io.StringIO(client.get(reverse("reports:dashboard_csv"), query).content.decode("utf-8-sig"))
            )
        )
        assert [r[0] for r in table[1:]] == names, query
        sheet = openpyxl.load_workbook(
            io.BytesIO(client.get(reverse("reports:dashboard_xlsx"), query).content)
        ).active
        assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == names, query


def test_sort_links_keep_the_filters_and_downloads_share_the_columns(two_groups, committee_member):
    client = client_for(committee_member)
    page = client.get(reverse("reports:dashboard"), {"plan": "missing", "sort": "budget"})
    html = page.content.decode()
    assert "?plan=missing&amp;sort=-budget" in html  # the active column sorts the other way
    assert "?plan=missing&amp;sort=gaps" in html
    assert 'aria-sort="ascending"' in html
    assert "dashboard.xlsx?plan=missing&amp;sort=budget" in html
    for key, _label in [("trend", ""), ("gaps", ""), ("budget", ""), ("kind", "")]:
        assert client.get(reverse("reports:dashboard"), {"sort": f"-{key}"}).status_code == 200
    table = list(
        csv.reader(io.StringIO(client.get(reverse("reports:dashboard_csv")).content.decode("utf-8-sig")))
    )
    response = client.get(reverse("reports:dashboard_xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == table[0] == [str(h) for h in EXPORT_HEADERS]
    case = next(r for r in rows if r[0] == "Case Management")
    assert isinstance(case[4], datetime.datetime)  # dates stay dates in the workbook
    assert case[14] == 1  # members, a number


def test_a_name_that_looks_like_a_formula_is_defused(two_groups, committee_member):
    Group.objects.filter(pk=two_groups[1].pk).update(name="=HYPERLINK(1)")
    client = client_for(committee_member)
    text = client.get(reverse("reports:dashboard_csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(reverse("reports:dashboard_xlsx")).content)).active
    assert "'=HYPERLINK(1)" in [r[0] for r in sheet.iter_rows(values_only=True)]


def test_indicator_counts_from_stored_actuals_match_the_plans_progress(two_groups, approved, secretariat):
    """The dashboard reads PeriodActual; the plan's own progress reads every approved measurement."""
    from convene.plans.tests.factories import QUARTERS
    from convene.results import services as results_services
    from convene.results.queries import plan_progress

    for (starts, ends), value, sex in zip(
        QUARTERS, ["10", "4", "6", "12"], ["female", "male", "female", "male"], strict=True
    ):
        for part in (value, "1"):
            m = results_services.measurement_record(
                indicator=approved.indicator,
                acting=approved.cochair,
                starts_on=starts,
                ends_on=ends,
                value=part,
                disaggregation={"sex": sex} if part == "1" else {},
            )
            results_services.measurement_review(measurement=m, acting=secretariat, approve=True)
    _rows, progress = plan_progress(approved.plan)
    live = [p.status for p in progress.values()]
    row = _row(queries.dashboard_rows(), approved.group)
    assert (row.on_track, row.off_track) == (
        sum(1 for s in live if s in queries.ON_TRACK),
        sum(1 for s in live if s in queries.OFF_TRACK),
    )
    assert row.on_track + row.off_track == 1  # judged, one way or the other


def test_the_page_shows_a_hundred_rows_at_a_time_keeping_filters_and_sort(approved, committee_member):
    kind = GroupKind.objects.get(slug="interest-group")
    Group.objects.bulk_create(
        Group(kind=kind, name=f"Group {i:03}", slug=f"group-{i:03}", purpose="Work.", status="active")
        for i in range(120)
    )
    client = client_for(committee_member)
    first = client.get(reverse("reports:dashboard"), {"kind": "interest-group", "sort": "-name"})
    assert len(first.context["rows"]) == 100
    assert "121 groups" in first.content.decode()
    assert "?kind=interest-group&amp;sort=-name&amp;page=2" in first.content.decode()
    second = client.get(
        reverse("reports:dashboard"), {"kind": "interest-group", "sort": "-name", "page": "2"}
    )
    assert [r.group.name for r in second.context["rows"]][-1] == "Case Management"
    assert "page=" not in second.context["export_query"]
    table = client.get(reverse("reports:dashboard_csv"), {"kind": "interest-group"}).content.decode(
        "utf-8-sig"
    )
    assert len(table.strip().splitlines()) == 122  # the download holds every row
