"""The results API (/api/v1/): the framework with computed progress, results and indicators edited
with the plan (409 on a stale revision), targets, measurements reported, reviewed and withdrawn (with
an evidence file), the shared catalogue and its network-wide totals, and pinned query counts.

Who may call what, for every role, is in the permission matrix (``convene/results/tests/permission_rows.py``)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import make_person
from convene.plans.tests.factories import QUARTERS, approve, build_plan, launch_group
from convene.plans.tests.test_api import (
    COCHAIR,
    COMMITTEE,
    GROUP_MEMBER,
    MEMBER,
    SECRETARIAT,
    World,
    make_world,
    send,
)
from convene.results import services
from convene.results.models import Indicator, Measurement, Result, ResultLevel, SharedIndicator, Target


@pytest.fixture(autouse=True)
def _one_lead_records_and_approves(settings):
    """Values here are recorded and approved by the same co-chair: these tests are about what an
    approved value does, not about who approves it (separation of duties: results/tests/test_separation.py)."""
    settings.CONVENE_SEPARATE_RECORD_AND_APPROVE = False


@pytest.fixture
def world(db, member, committee_member, secretariat, outsider) -> World:
    return make_world(member, committee_member, secretariat, outsider)


@pytest.fixture
def approved(world, committee_member) -> World:
    approve(world.plans, committee_member)
    return world


def messages(response) -> list[str]:
    """The messages of an error answer (convene.core.api_schemas.ErrorOut)."""
    return [error["msg"] for error in response.json()["detail"]]


def record(world: World, role: str, indicator_id: int, **body):
    body = {"starts_on": "2025-01-01", "ends_on": "2025-03-31", **body}
    return send(world.client(role), "POST", world.url("api:record_measurement", indicator_id), body)


def period(
    starts_on: str, ends_on: str, target, actual, percent_met, status: str, life_of_plan=False
) -> dict:

    labels = {"behind": "Behind target", "not_reporting": "Not reporting", "on_track": "On track"}
    return {
        "starts_on": starts_on,
        "ends_on": ends_on,
        "life_of_plan": life_of_plan,
        "target": target,
        "actual": actual,
        "numerator": None,
        "denominator": None,
        "percent_met": percent_met,
        "status": status,
        "status_label": labels[status],
    }


# --- The framework -----------------------------------------------------------------------------------


def test_framework_is_a_tree_with_progress_from_approved_values_only(approved):
    world, indicator = approved, approved.plans.indicator
    response = record(world, GROUP_MEMBER, indicator.pk, value="7", disaggregation={"sex": "female"})
    assert response.status_code == 201, response.content
    pending = world.client(MEMBER).get(world.url("api:get_framework")).json()
    outcome = pending["results"][0]["children"][0]
    assert outcome["indicators"][0]["progress"]["periods"][0]["status"] == "not_reporting"

    review = send(
        world.client(COCHAIR),
        "POST",
        world.url("api:review_measurement", response.json()["id"]),
        {"approve": True},
    )
    assert review.status_code == 200, review.content

    body = world.client(MEMBER).get(world.url("api:get_framework")).json()
    assert (body["plan_status"], body["on_track_band"], body["can_edit"]) == (
        "approved",
        {"low": 0.85, "high": 1.15},
        False,
    )
    assert [(level["name"], level["depth"]) for level in body["levels"]] == [
        ("Goal", 0),
        ("Outcome", 1),
        ("Output", 2),
        ("Activity", 3),
    ]
    [goal] = body["results"]
    assert (goal["code"], goal["statement"], goal["indicators"], goal["level"]["name"]) == (
        "1",
        "Children live in families.",
        [],
        "Goal",
    )
    [outcome] = goal["children"]
    assert (outcome["code"], outcome["parent_id"], outcome["children"]) == ("1.1", goal["id"], [])
    [cm1] = outcome["indicators"]
    assert {k: cm1[k] for k in ("code", "name", "unit", "frequency", "baseline_value", "responsible")} == {
        "code": "CM1",
        "name": "Case workers trained",
        "unit": "number",
        "frequency": "quarterly",
        "baseline_value": "0.0000",
        "responsible": {"id": world.person(GROUP_MEMBER).pk, "name": "Gita Groupmember"},
    }
    assert cm1["disaggregations"] == [
        {"name": "sex", "options": ["female", "male"]},
        {"name": "country", "options": []},
    ]
    # 7 of 10 in the first quarter (behind), nothing reported since, 7 of 40 for the life of the plan.
    assert cm1["progress"] == {
        "status": "not_reporting",
        "periods": [
            period("2025-01-01", "2025-03-31", "10.0000", "7.0000", "70.0", "behind"),
            period("2025-04-01", "2025-06-30", "10.0000", None, None, "not_reporting"),
            period("2025-07-01", "2025-09-30", "10.0000", None, None, "not_reporting"),
            period("2025-10-01", "2025-12-31", "10.0000", None, None, "not_reporting"),
        ],
        "life_of_plan": period("2025-01-01", "2025-12-31", "40.0000", "7.0000", "17.500", "behind", True),
    }


def test_results_and_indicators_are_edited_with_the_plan(world):
    chair, plans = world.client(COCHAIR), world.plans
    output_level = ResultLevel.objects.get(depth=2)

    same_level = send(
        chair,
        "POST",
        world.url("api:create_result"),
        {"level_id": plans.goal.level_id, "parent_id": plans.goal.pk, "statement": "Too high"},
    )
    assert same_level.status_code == 422
    assert messages(same_level) == ["A result sits at a lower level than the result it contributes to."]
    output = send(
        chair,
        "POST",
        world.url("api:create_result"),
        {
            "level_id": output_level.pk,
            "parent_id": plans.outcome.pk,
            "code": "1.1.1",
            "statement": "Toolkit used",
        },
    )
    assert output.status_code == 201, output.content
    assert (output.json()["level"]["name"], output.json()["revision"]) == ("Output", 1)

    indicator = send(
        chair,
        "POST",
        world.url("api:create_indicator"),
        {
            "result_id": output.json()["id"],
            "name": "Share of districts using the toolkit",
            "unit": "percentage",
            "frequency": "annual",
            "responsible_id": world.person(GROUP_MEMBER).pk,
            "disaggregations": [{"name": " Country "}],
        },
    )
    assert indicator.status_code == 201, indicator.content
    body = indicator.json()
    assert (body["unit"], body["disaggregations"], body["targets"], body["permissions"]) == (
        "percentage",
        [{"name": "country", "options": []}],
        [],
        {"edit": True, "record": False, "review": False},
    )
    assert body["progress"] == {"status": "not_reporting", "periods": [], "life_of_plan": None}

    url = world.url("api:update_indicator", body["id"])
    assert (
        send(chair, "PATCH", url, {"revision": 1, "name": "Districts using the toolkit (%)"}).status_code
        == 200
    )
    stale = send(chair, "PATCH", url, {"revision": 1, "name": "Mine", "data_source": "District reports"})
    assert stale.status_code == 409
    assert (stale.json()["conflicts"], stale.json()["mine_changed"]) == (["name"], ["name", "data_source"])
    assert Indicator.objects.get(pk=body["id"]).name == "Districts using the toolkit (%)"

    result_url = world.url("api:update_result", output.json()["id"])
    response = send(
        chair, "PATCH", result_url, {"revision": 1, "parent_id": plans.goal.pk, "level_id": output_level.pk}
    )
    assert (response.status_code, response.json()["parent_id"], response.json()["revision"]) == (
        200,
        plans.goal.pk,
        2,
    )
    # A result cannot contribute to one under it.
    loop = send(
        chair,
        "PATCH",
        world.url("api:update_result", plans.goal.pk),
        {"revision": 1, "parent_id": output.json()["id"]},
    )
    assert loop.status_code == 422
    assert Result.objects.get(pk=plans.goal.pk).parent_id is None

    assert send(chair, "DELETE", world.url("api:delete_result", output.json()["id"])).status_code == 204
    assert not Indicator.objects.filter(pk=body["id"]).exists()
    # Other groups' co-chairs and members are refused, and nothing changes.
    before = list(Result.objects.filter(plan=plans.plan).values_list("pk", "statement"))
    assert (
        send(world.client(MEMBER), "DELETE", world.url("api:delete_result", plans.outcome.pk)).status_code
        == 403
    )
    assert list(Result.objects.filter(plan=plans.plan).values_list("pk", "statement")) == before


def test_framework_is_frozen_once_submitted(world):
    send(world.client(COCHAIR), "POST", world.url("api:submit_plan"))
    response = send(
        world.client(COCHAIR),
        "PATCH",
        world.url("api:update_indicator", world.plans.indicator.pk),
        {"revision": 1, "name": "X"},
    )
    assert response.status_code == 403
    assert Indicator.objects.get(pk=world.plans.indicator.pk).name == "Case workers trained"


def test_targets_are_replaced_all_at_once(world):
    chair, indicator = world.client(COCHAIR), world.plans.indicator
    url = world.url("api:set_targets", indicator.pk)
    before = list(
        Target.objects.filter(indicator=indicator).values_list("starts_on", "value", "life_of_plan")
    )
    assert len(before) == 5

    two_totals = [
        {"starts_on": "2025-01-01", "ends_on": "2025-12-31", "value": "40", "life_of_plan": True},
        {"starts_on": "2025-01-01", "ends_on": "2025-06-30", "value": "20", "life_of_plan": True},
    ]
    response = send(chair, "PUT", url, {"targets": two_totals})
    assert response.status_code == 422
    assert messages(response) == ["An indicator has one life-of-plan target at most."]
    backwards = [{"starts_on": "2025-06-30", "ends_on": "2025-01-01", "value": "1"}]
    assert messages(send(chair, "PUT", url, {"targets": backwards})) == [
        "Target 1: the period cannot end before it starts."
    ]
    assert (
        list(Target.objects.filter(indicator=indicator).values_list("starts_on", "value", "life_of_plan"))
        == before
    )

    halves = [
        {"starts_on": "2025-07-01", "ends_on": "2025-12-31", "value": "25"},
        {"starts_on": "2025-01-01", "ends_on": "2025-06-30", "value": "15.5"},
    ]
    response = send(chair, "PUT", url, {"targets": halves})
    assert response.status_code == 200, response.content
    expected = [
        {"starts_on": "2025-01-01", "ends_on": "2025-06-30", "value": "15.5000", "life_of_plan": False},
        {"starts_on": "2025-07-01", "ends_on": "2025-12-31", "value": "25.0000", "life_of_plan": False},
    ]
    assert response.json() == expected
    assert world.client(MEMBER).get(world.url("api:get_targets", indicator.pk)).json() == expected


# --- Measurements -----------------------------------------------------------------------------------------


def test_measurements_are_reported_reviewed_and_withdrawn(approved):
    world, indicator = approved, approved.plans.indicator
    chair = world.client(COCHAIR)
    assert record(world, MEMBER, indicator.pk, value="3").status_code == 403
    assert messages(record(world, GROUP_MEMBER, indicator.pk, value="3", disaggregation={"age": "0-5"})) == [
        "age is not a disaggregation of this indicator."
    ]
    assert (
        record(
            world, GROUP_MEMBER, indicator.pk, starts_on="2099-01-01", ends_on="2099-03-31", value="1"
        ).json()["detail"][0]["msg"]
        == "Results are reported for a period that has begun."
    )
    assert not Measurement.objects.exists()

    first = record(
        world, GROUP_MEMBER, indicator.pk, value="4", disaggregation={"country": "ke"}, note="Nairobi."
    )
    assert first.status_code == 201, first.content
    assert (first.json()["disaggregation"], first.json()["status"], first.json()["note"]) == (
        {"country": "KE"},
        "submitted",
        "Nairobi.",
    )
    second = record(
        world,
        COCHAIR,
        indicator.pk,
        starts_on="2025-04-01",
        ends_on="2025-06-30",
        value="9",
        evidence_url="https://example.org/attendance",
    )
    assert second.status_code == 201, second.content

    listing = world.client(MEMBER).get(world.url("api:list_measurements", indicator.pk)).json()
    assert [(m["starts_on"], m["value"], m["recorded_by"]["name"]) for m in listing["items"]] == [
        ("2025-04-01", "9.0000", "Pia Planchair"),
        ("2025-01-01", "4.0000", "Gita Groupmember"),
    ]
    assert listing["items"][0]["evidence_url"] == "https://example.org/attendance"

    review = world.url("api:review_measurement", first.json()["id"])
    assert send(world.client(GROUP_MEMBER), "POST", review, {"approve": True}).status_code == 403
    assert messages(send(chair, "POST", review, {"approve": False})) == ["Say why the value is not approved."]
    response = send(chair, "POST", review, {"approve": False, "note": "Count the second training too."})
    assert response.status_code == 200
    assert (
        response.json()["status"],
        response.json()["review_note"],
        response.json()["reviewed_by"]["name"],
    ) == (
        "rejected",
        "Count the second training too.",
        "Pia Planchair",
    )
    reviewed_again = send(chair, "POST", review, {"approve": True})
    assert reviewed_again.status_code == 409
    assert messages(reviewed_again) == ["This value has already been reviewed."]
    rejected = world.client(MEMBER).get(
        world.url("api:list_measurements", indicator.pk), {"status": "rejected"}
    )
    assert [m["id"] for m in rejected.json()["items"]] == [first.json()["id"]]

    withdraw = world.url("api:withdraw_measurement", second.json()["id"])
    assert send(world.client(GROUP_MEMBER), "POST", withdraw).status_code == 403
    assert send(chair, "POST", withdraw).status_code == 204
    assert list(Measurement.objects.values_list("pk", flat=True)) == [first.json()["id"]]
    assert (
        send(
            world.client(GROUP_MEMBER), "POST", world.url("api:withdraw_measurement", first.json()["id"])
        ).json()["detail"][0]["msg"]
        == "Only a value waiting for approval can be withdrawn."
    )


def test_measurement_with_an_evidence_file(approved):
    world, indicator = approved, approved.plans.indicator
    url = world.url("api:record_measurement_with_file", indicator.pk)
    fake = SimpleUploadedFile("report.pdf", b"not a pdf at all", content_type="application/pdf")
    response = world.client(GROUP_MEMBER).post(
        url, {"starts_on": "2025-01-01", "ends_on": "2025-03-31", "value": "2", "evidence_file": fake}
    )
    assert response.status_code == 422
    assert messages(response) == ["The file's content does not match its type."]
    assert not Measurement.objects.exists()

    csv = SimpleUploadedFile("attendance.csv", b"district,trained\nNorth,2\n", content_type="text/csv")
    response = world.client(GROUP_MEMBER).post(
        url,
        {
            "starts_on": "2025-01-01",
            "ends_on": "2025-03-31",
            "value": "2",
            "disaggregation": "sex=female, country=NP",
            "evidence_file": csv,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["evidence_file"], body["disaggregation"], body["value"]) == (
        "attendance.csv",
        {"sex": "female", "country": "NP"},
        "2.0000",
    )

    download = world.client(MEMBER).get(world.url("api:download_evidence", body["id"]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"district,trained\nNorth,2\n"
    assert download["Content-Disposition"] == 'attachment; filename="attendance.csv"'
    assert (download["X-Content-Type-Options"], download["Content-Type"]) == (
        "nosniff",
        "application/octet-stream",
    )
    assert download["Content-Security-Policy"].startswith("sandbox")
    without = record(world, GROUP_MEMBER, indicator.pk, value="1")
    assert (
        world.client(MEMBER).get(world.url("api:download_evidence", without.json()["id"])).status_code == 404
    )


def test_objects_of_another_plan_are_404_under_this_one(approved, committee_member, secretariat):
    world = approved
    chair = make_person("other.chair@example.org", name="Omar Other", country="EG")
    other = build_plan(
        group=launch_group(committee=committee_member, cochair=chair, name="Advocacy Network"),
        cochair=chair,
        secretariat=secretariat,
    )
    approve(other, committee_member)
    theirs = services.measurement_record(
        indicator=other.indicator, acting=chair, starts_on=QUARTERS[0][0], ends_on=QUARTERS[0][1], value="5"
    )
    client = world.client(COCHAIR)
    assert client.get(world.url("api:get_indicator", other.indicator.pk)).status_code == 404
    assert client.get(world.url("api:list_measurements", other.indicator.pk)).status_code == 404
    assert (
        send(client, "POST", world.url("api:review_measurement", theirs.pk), {"approve": True}).status_code
        == 404
    )
    assert send(client, "DELETE", world.url("api:delete_result", other.goal.pk)).status_code == 404
    assert Measurement.objects.get(pk=theirs.pk).status == "submitted"
    assert Result.objects.filter(pk=other.goal.pk).exists()


# --- The shared catalogue and the network's totals ------------------------------------------------------


def test_catalogue_adoption_and_network_totals(world, committee_member):
    secretariat, chair = world.client(SECRETARIAT), world.client(COCHAIR)
    assert (
        send(
            world.client(MEMBER), "POST", reverse("api:create_shared_indicator"), {"code": "X", "name": "X"}
        ).status_code
        == 403
    )
    created = send(
        secretariat,
        "POST",
        reverse("api:create_shared_indicator"),
        # A count: cumulative, so the network adds up its quarters (a level would take the latest).
        {"code": " ssw1 ", "name": "Social workers trained", "cumulative": True},
    )
    assert created.status_code == 201, created.content
    shared = created.json()
    assert {k: shared[k] for k in ("code", "unit", "is_active", "groups")} == {
        "code": "SSW1",
        "unit": "number",
        "is_active": True,
        "groups": 0,
    }
    clash = send(
        secretariat, "POST", reverse("api:create_shared_indicator"), {"code": "SSW1", "name": "Again"}
    )
    assert messages(clash) == ["Another shared indicator has this code."]

    adopted = send(
        chair,
        "POST",
        world.url("api:adopt_shared_indicator"),
        {
            "shared_id": shared["id"],
            "result_id": world.plans.outcome.pk,
            "baseline_value": "3",
            "disaggregations": [{"name": "country"}],
            "responsible_id": world.person(GROUP_MEMBER).pk,
        },
    )
    assert adopted.status_code == 201, adopted.content
    adopted = adopted.json()
    assert (adopted["shared_id"], adopted["code"], adopted["name"], adopted["baseline_value"]) == (
        shared["id"],
        "SSW1",
        "Social workers trained",
        "3.0000",
    )
    again = send(
        chair,
        "POST",
        world.url("api:adopt_shared_indicator"),
        {"shared_id": shared["id"], "result_id": world.plans.outcome.pk},
    )
    assert messages(again) == ["This plan has already adopted this shared indicator."]
    rename = send(
        chair, "PATCH", world.url("api:update_indicator", adopted["id"]), {"revision": 1, "name": "Ours"}
    )
    assert messages(rename) == ["A shared indicator keeps the catalogue's definition and unit."]
    assert (
        send(
            secretariat,
            "PATCH",
            reverse("api:update_shared_indicator", args=[shared["id"]]),
            {"unit": "percentage"},
        ).json()["detail"][0]["msg"]
        == "Groups have adopted this indicator: its unit and arithmetic cannot change."
    )

    approve(world.plans, committee_member)
    for country, value, quarter in (
        ("KE", "5", QUARTERS[0]),
        ("ZM", "7", QUARTERS[0]),
        ("KE", "4", QUARTERS[1]),
    ):
        response = record(
            world,
            GROUP_MEMBER,
            adopted["id"],
            starts_on=quarter[0].isoformat(),
            ends_on=quarter[1].isoformat(),
            value=value,
            disaggregation={"country": country},
        )
        assert response.status_code == 201, response.content
        send(chair, "POST", world.url("api:review_measurement", response.json()["id"]), {"approve": True})

    totals = reverse("api:get_network_totals", args=[shared["id"]])
    assert world.client(MEMBER).get(totals).status_code == 403
    committee = world.client(COMMITTEE)
    by_quarter = committee.get(totals).json()
    assert (by_quarter["by"], by_quarter["years"], by_quarter["shared"]["groups"]) == ("quarter", [2025], 1)
    assert by_quarter["rows"] == [
        {"label": "2025-01-01", "value": "12.0000", "numerator": None, "denominator": None, "groups": 1},
        {"label": "2025-04-01", "value": "4.0000", "numerator": None, "denominator": None, "groups": 1},
    ]
    by_country = committee.get(totals, {"by": "country", "year": 2025}).json()["rows"]
    assert [(row["label"], row["value"]) for row in by_country] == [("KE", "9.0000"), ("ZM", "7.0000")]
    by_year = committee.get(totals, {"by": "year"}).json()["rows"]
    assert [(row["label"], row["value"]) for row in by_year] == [("2025-01-01", "16.0000")]
    assert committee.get(totals, {"by": "year", "year": 2024}).json()["rows"] == []
    assert committee.get(totals, {"by": "month"}).status_code == 422


def test_catalogue_hides_retired_indicators_from_members(world, secretariat):
    live = services.shared_indicator_save(acting=secretariat, code="A1", name="Alive")
    retired = services.shared_indicator_save(acting=secretariat, code="B1", name="Retired", is_active=False)

    def codes(role):
        return [
            s["code"] for s in world.client(role).get(reverse("api:list_shared_indicators")).json()["items"]
        ]

    assert (codes(MEMBER), codes(SECRETARIAT)) == (["A1"], ["A1", "B1"])
    assert world.client(MEMBER).get(reverse("api:get_shared_indicator", args=[retired.pk])).status_code == 404
    assert (
        world.client(MEMBER).get(reverse("api:get_shared_indicator", args=[live.pk])).json()["name"]
        == "Alive"
    )
    response = send(
        world.client(SECRETARIAT),
        "PATCH",
        reverse("api:update_shared_indicator", args=[retired.pk]),
        {"is_active": True},
    )
    assert (response.status_code, response.json()["is_active"]) == (200, True)
    assert SharedIndicator.objects.get(pk=retired.pk).is_active is True


def test_every_results_operation_is_documented_with_a_summary(world):
    schema = world.client(MEMBER).get(reverse("api:openapi-json")).json()
    operations = [
        op for item in schema["paths"].values() for op in item.values() if "results" in op.get("tags", [])
    ]
    assert len(operations) == 22
    assert all(op.get("summary") for op in operations)
    upload = schema["paths"][
        "/api/v1/groups/{slug}/plans/{plan_id}/indicators/{indicator_id}/measurements/upload"
    ]
    assert list(upload["post"]["requestBody"]["content"]) == ["multipart/form-data"]


# --- Pinned query counts --------------------------------------------------------------------------------


def _more_indicators(world: World, n: int) -> None:
    """``n`` more outputs under the outcome, each with an indicator, its targets and, once the plan is
    approved, two approved values."""
    level = ResultLevel.objects.get(depth=2)
    cochair = world.plans.cochair
    indicators = []
    for i in range(n):
        result = services.result_save(
            plan=world.plans.plan,
            acting=cochair,
            level=level,
            parent=world.plans.outcome,
            statement=f"Output {i}",
        )
        indicator = services.indicator_save(
            plan=world.plans.plan, acting=cochair, result=result, name=f"Indicator {i}", responsible=cochair
        )
        services.targets_set(
            indicator=indicator,
            acting=cochair,
            targets=[{"starts_on": s, "ends_on": e, "value": Decimal(5)} for s, e in QUARTERS],
        )
        indicators.append(indicator)
    return indicators


@pytest.mark.parametrize("n", [0, 12])
def test_framework_query_count_does_not_grow(n, world, committee_member, django_assert_num_queries):
    indicators = [world.plans.indicator, *_more_indicators(world, n)]
    approve(world.plans, committee_member)
    for indicator in indicators:
        for starts_on, ends_on in QUARTERS[:2]:
            m = services.measurement_record(
                indicator=indicator,
                acting=world.plans.cochair,
                starts_on=starts_on,
                ends_on=ends_on,
                value="4",
            )
            services.measurement_review(measurement=m, acting=world.plans.cochair, approve=True)
    client = world.client(MEMBER)
    client.get(reverse("api:list_shared_indicators"))  # records the token's first use

    # token, terms, profile (is_member), group, plan, results, indicators, targets, approved values, levels
    with django_assert_num_queries(10):
        response = client.get(world.url("api:get_framework"))

    outputs = response.json()["results"][0]["children"][0]["children"]
    assert len(outputs) == n
    assert all(o["indicators"][0]["progress"]["periods"][0]["actual"] == "4.0000" for o in outputs)


@pytest.mark.parametrize("n", [1, 30])
def test_measurements_query_count_does_not_grow(n, approved, django_assert_num_queries):
    world = approved
    for i in range(n):
        m = services.measurement_record(
            indicator=world.plans.indicator,
            acting=world.person(GROUP_MEMBER),
            starts_on=datetime.date(2025, 1, 1),
            ends_on=datetime.date(2025, 3, 31),
            value=str(i),
        )
        if i % 2:
            services.measurement_review(measurement=m, acting=world.plans.cochair, approve=True)
    client = world.client(MEMBER)
    client.get(reverse("api:list_shared_indicators"))

    # token, terms, profile (is_member), group, plan, indicator (+ targets), count, measurements
    with django_assert_num_queries(9):
        response = client.get(world.url("api:list_measurements", world.plans.indicator.pk))

    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 30])
def test_shared_list_query_count_does_not_grow(n, world, secretariat, django_assert_num_queries):
    for i in range(n):
        shared = services.shared_indicator_save(acting=secretariat, code=f"S{i:02}", name=f"Shared {i}")
        services.indicator_adopt(
            plan=world.plans.plan, acting=world.plans.cochair, shared=shared, result=world.plans.outcome
        )
    client = world.client(MEMBER)
    client.get(reverse("api:list_plans", args=["case-management"]))

    # token, terms, profile (is_member), count, shared indicators with their adoption counts
    with django_assert_num_queries(5):
        response = client.get(reverse("api:list_shared_indicators"))

    assert response.json()["count"] == n
    assert {s["groups"] for s in response.json()["items"]} == {1}
