"""Group updates and the committee's dashboard through the API (/api/v1/): the update loop (start,
write with the revision, submit with frozen figures, comment, acknowledge), the rules and the one error
shape, the dashboard rows with the page's filters and sort, and the query counts of the rows, the page
and the update page with 5 and with 50 groups."""

import datetime
import json

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for
from convene.groups import services as group_services
from convene.groups.models import Group, GroupKind, GroupStatus
from convene.people import services as people_services
from convene.plans.tests.factories import QUARTERS
from convene.reports.models import GroupUpdate, UpdateStatus
from convene.results import services as results_services


def api(person) -> Client:
    if person is None:
        return Client()
    _token, key = people_services.api_token_create(person=person, name="test")
    return Client(headers={"Authorization": f"Bearer {key}"})


def call(client, path, body=None, method="post"):
    if method == "get":
        return client.get(f"/api/v1/{path}")
    return getattr(client, method)(f"/api/v1/{path}", json.dumps(body or {}), content_type="application/json")


def test_the_update_loop_through_the_api(approved, committee_member, secretariat, member):
    chair, committee = api(approved.cochair), api(committee_member)
    slug = approved.group.slug
    started = call(
        chair, f"groups/{slug}/updates", {"period_starts": "2025-10-01", "period_ends": "2025-12-31"}
    )
    assert started.status_code == 201, started.content
    update = started.json()
    assert (update["status"], update["revision"], update["due_on"]) == ("draft", 1, "2026-01-30")
    assert update["figures"]["frozen"] is False
    assert [i["name"] for i in update["figures"]["indicators"]] == [approved.indicator.name]
    path = f"updates/{update['id']}"

    saved = call(chair, path, {"revision": 1, "achievements": "A toolkit."}, method="patch")
    assert saved.status_code == 200, saved.content
    assert (saved.json()["achievements"], saved.json()["revision"]) == ("A toolkit.", 2)
    stale = call(chair, path, {"revision": 1, "achievements": "Other."}, method="patch")
    assert stale.status_code == 409
    assert stale.json()["detail"][0]["type"] == "edit_conflict"
    assert stale.json()["conflicts"] == ["achievements"]
    assert call(committee, path, {"revision": 2, "challenges": "Mine."}, method="patch").status_code == 403
    assert call(api(member), path, {"revision": 2}, method="patch").status_code == 404  # a draft is hidden

    value = results_services.measurement_record(
        indicator=approved.indicator,
        acting=approved.cochair,
        starts_on=QUARTERS[3][0],
        ends_on=QUARTERS[3][1],
        value="10",
    )
    results_services.measurement_review(measurement=value, acting=secretariat, approve=True)
    submitted = call(chair, f"{path}/submit")
    assert submitted.status_code == 200, submitted.content
    figures = submitted.json()["figures"]
    assert figures["frozen"] is True
    assert figures["frozen_at"]
    assert float(figures["indicators"][0]["actual"]) == 10
    later = results_services.measurement_record(
        indicator=approved.indicator,
        acting=approved.cochair,
        starts_on=QUARTERS[3][0],
        ends_on=QUARTERS[3][1],
        value="5",
    )
    results_services.measurement_review(measurement=later, acting=secretariat, approve=True)
    shown = call(committee, path, method="get").json()
    assert float(shown["figures"]["indicators"][0]["actual"]) == 10  # as submitted
    again = call(chair, f"{path}/submit")
    assert (again.status_code, again.json()["detail"][0]["type"]) == (409, "state_conflict")

    comment = call(committee, f"{path}/comments", {"body": "Thank you."})
    assert comment.status_code == 201
    assert comment.json()["author"]["id"] == committee_member.pk
    assert call(chair, f"{path}/acknowledge").status_code == 403
    acknowledged = call(committee, f"{path}/acknowledge")
    assert acknowledged.status_code == 200
    assert acknowledged.json()["status"] == "acknowledged"
    assert [c["body"] for c in acknowledged.json()["comments"]] == ["Thank you."]

    listed = call(chair, f"groups/{slug}/updates", method="get")
    assert [u["id"] for u in listed.json()["items"]] == [update["id"]]
    assert GroupUpdate.objects.get().status == UpdateStatus.ACKNOWLEDGED


def test_refusals_have_the_one_error_shape(approved, member, committee_member):
    slug = approved.group.slug
    assert call(Client(), f"groups/{slug}/updates", method="get").status_code == 401
    refused = call(api(member), f"groups/{slug}/updates", method="get")
    assert refused.status_code == 403
    assert refused.json()["detail"][0]["type"] == "permission_denied"
    chair = api(approved.cochair)
    half = call(chair, f"groups/{slug}/updates", {"period_starts": "2025-01-01"})
    assert (half.status_code, half.json()["detail"][0]["loc"]) == (422, ["body", "period_ends"])
    long = call(chair, f"groups/{slug}/updates", {"period_starts": "2025-01-01", "period_ends": "9999-12-31"})
    assert long.status_code == 422
    assert call(chair, "updates/999999", method="get").status_code == 404
    assert call(api(committee_member), "committee/dashboard?sort=nonsense", method="get").status_code == 422
    assert call(api(member), "committee/dashboard", method="get").status_code == 403
    assert not GroupUpdate.objects.exists()


def test_dashboard_rows_filter_and_sort_as_the_page(approved, committee_member, member):
    other = group_services.group_propose(
        acting=member, kind=GroupKind.objects.get(slug="working-group"), name="Advocacy", purpose="Speak."
    )
    Group.objects.filter(pk=other.pk).update(status=GroupStatus.ACTIVE, launched_on=datetime.date(2025, 1, 1))
    client = api(committee_member)
    rows = call(client, "committee/dashboard?sort=-name", method="get").json()["items"]
    assert [r["name"] for r in rows] == ["Case Management", "Advocacy"]
    case = rows[0]
    assert (case["plan_state"], case["kind"], len(case["members_trend"])) == (
        "approved",
        "interest-group",
        12,
    )
    assert case["budget_planned"] is not None
    assert case["budget_used_percent"] == 0
    assert rows[1]["composition_gaps"] == ["No co-chair"]
    for query, names in [
        ("kind=working-group", ["Advocacy"]),
        ("plan=approved", ["Case Management"]),
        ("overdue=true", ["Advocacy", "Case Management"]),
        ("off_track=true", []),
    ]:
        found = call(client, f"committee/dashboard?{query}", method="get").json()["items"]
        assert [r["name"] for r in found] == names, query
        page = client_for(committee_member).get(f"{reverse('reports:dashboard')}?{query}")
        assert [r.group.name for r in page.context["rows"]] == names, query


def _groups(n: int, start: int = 0) -> None:
    kind = GroupKind.objects.get(slug="interest-group")
    Group.objects.bulk_create(
        Group(
            kind=kind,
            name=f"Group {i:03}",
            slug=f"group-{i:03}",
            purpose="Work.",
            status=GroupStatus.ACTIVE,
            launched_on=datetime.date(2025, 1, 1),
            meeting_frequency="monthly",
            required_countries=["DK"],
        )
        for i in range(start, start + n)
    )


def test_query_counts_do_not_grow_with_groups(submitted, committee_member):
    page, update = client_for(committee_member), reverse("reports:update", args=[submitted.pk])
    rows = api(committee_member)

    def counts() -> list[int]:
        found = []
        for get in (
            lambda: page.get(reverse("reports:dashboard")),
            lambda: page.get(update),
            lambda: rows.get("/api/v1/committee/dashboard"),
            lambda: rows.get(f"/api/v1/updates/{submitted.pk}"),
        ):
            get()  # warm the session and the caches
            with CaptureQueriesContext(connection) as captured:
                assert get().status_code == 200
            found.append(len(captured.captured_queries))
        return found

    _groups(4)
    five = counts()
    _groups(45, start=4)
    assert Group.objects.count() == 50
    assert counts() == five
    assert len(rows.get("/api/v1/committee/dashboard").json()["items"]) == 50
