"""API semantics (issue 9): ids within range, 401 with a challenge, one error shape, 409 for state
conflicts, JSON for every answer under /api/v1/, strict dates and bodies, an honest OpenAPI document."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from conftest import client_for, make_person
from convene.core.errors import StateConflict
from convene.governance.models import Decision, DecisionOutcome
from convene.groups import services as group_services
from convene.groups.models import CochairTerm, GroupKind, GroupMembership
from convene.people import services as people_services
from convene.people.models import Person

HUGE = "99999999999999999999"  # more than a 64-bit integer
BIGGEST = str(2**63 - 1)
ROOT = Path(__file__).resolve().parents[2]


def bearer(person) -> Client:
    _token, key = people_services.api_token_create(person=person, name="test")
    return Client(headers={"Authorization": f"Bearer {key}"})


# --- Ids out of the database's range (item 8) ----------------------------------------------------


def test_no_url_pattern_takes_an_unbounded_int():
    """Ids in URLs use the ``id`` converter (convene/core/converters.py), bounded to the database's range."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(ROOT.glob("**/urls*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "<int:" in line
    ]
    assert offenders == []


@pytest.mark.parametrize("number", [HUGE, "9223372036854775808", "0" * 30 + "1"])
def test_a_huge_id_in_a_page_url_is_not_found(member, number):
    assert Client().get(f"/members/{number}/").status_code == 404
    client = client_for(member)
    assert client.get(f"/members/{number}/").status_code == 404
    assert client.get(f"/audit/people/person/{number}/").status_code == 404
    assert client.get(f"/groups/some-group/plans/{number}/").status_code == 404


def test_the_biggest_id_is_still_an_id(member):
    """A number within range reaches the view, which answers 404 for a row that does not exist."""
    assert client_for(member).get(f"/members/{BIGGEST}/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/members/{HUGE}",
        f"/api/v1/organisations/{HUGE}",
        f"/api/v1/groups/some-group/plans/{HUGE}",
        f"/api/v1/tasks/{HUGE}/volunteer",
        f"/api/v1/members/{-1}",
    ],
)
def test_a_huge_id_in_the_api_is_refused_in_json(member, path):
    client = bearer(member)
    response = (
        client.post(path, "{}", content_type="application/json") if "volunteer" in path else client.get(path)
    )
    assert response.status_code in (404, 422), response.content
    assert response.headers["Content-Type"].startswith("application/json")


# --- A group to join ---------------------------------------------------------------------------------


@pytest.fixture
def group(committee_member):
    chair = make_person("sem.chair@example.org", name="Sam Chair", country="KE")
    proposal = group_services.group_propose(
        acting=chair, kind=GroupKind.objects.get(slug="interest-group"), name="Semantics", purpose="Agree."
    )
    group_services.group_decide(
        group=proposal, outcome=DecisionOutcome.APPROVED, acting=committee_member, text="Launched."
    )
    proposal.refresh_from_db()
    return proposal


def join_url(group) -> str:
    return f"/api/v1/groups/{group.slug}/join"


def memberships(group) -> list:
    return list(GroupMembership.objects.filter(group=group).values_list("person_id", "status"))


# --- 401 with a challenge; session writes still need CSRF (item 1) -------------------------------------


def test_a_write_without_a_token_is_401_with_a_challenge(group):
    before = memberships(group)
    response = Client(enforce_csrf_checks=True).post(join_url(group), "{}", content_type="application/json")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="Convene API"'
    assert response.json()["detail"][0]["type"] == "not_authenticated"
    assert memberships(group) == before


def test_a_write_with_a_revoked_token_is_401_invalid_token(group, member):
    token, key = people_services.api_token_create(person=member, name="old")
    people_services.api_token_revoke(token=token, acting=member)
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {key}"})
    response = client.post(join_url(group), "{}", content_type="application/json")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="Convene API", error="invalid_token"'
    assert memberships(group) == []


def test_a_session_write_without_the_csrf_token_is_still_refused(group, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(join_url(group), "{}", content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"][0]["type"] == "csrf_failed"
    assert memberships(group) == []
    # With the token the page would send, the same call goes through.
    client.get("/")
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        join_url(group), "{}", content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert response.status_code == 200, response.content


# --- JSON for every answer under /api/v1/ (item 2) -----------------------------------------------------


def test_a_method_the_path_does_not_take_is_405_in_json(member):
    response = bearer(member).delete("/api/v1/members")
    assert response.status_code == 405
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.headers["Allow"] == "GET"
    assert response.json()["detail"][0]["type"] == "method_not_allowed"


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v1/members/1/more", "/api/v1/groups/", "/api/v1/"])
def test_an_unknown_api_path_is_404_in_json(member, path):
    for client in (Client(), bearer(member)):
        for response in (client.get(path), client.post(path, "{}", content_type="application/json")):
            assert response.status_code == 404
            assert response.json() == {
                "detail": [{"loc": [], "msg": "No such API endpoint.", "type": "not_found"}]
            }


# --- One error shape (item 3) and 409 for state conflicts (item 4) -----------------------------------


def shape(response) -> list[tuple]:
    return [(sorted(error), error["type"]) for error in response.json()["detail"]]


def test_every_refusal_has_the_same_shape(group, member, outsider):
    client = bearer(member)
    keys = ["loc", "msg", "type"]
    # ninja's own validation (422), a service's refusal (422), not found (404), a rule (403), 401.
    assert shape(client.post(join_url(group), '{"note": 5}', content_type="application/json")) == [
        (keys, "string_type")
    ]
    proposal = {"kind": "no-such-kind", "name": "X", "purpose": "Y"}
    response = client.post("/api/v1/groups/proposals", proposal, content_type="application/json")
    assert (response.status_code, shape(response)) == (422, [(keys, "invalid")])
    assert shape(client.get("/api/v1/groups/no-such-group")) == [(keys, "not_found")]
    assert shape(bearer(outsider).get("/api/v1/decisions")) == [(keys, "permission_denied")]
    assert shape(Client().get("/api/v1/members")) == [(keys, "not_authenticated")]


def test_joining_twice_is_a_409_state_conflict(group, member):
    client = bearer(member)
    assert client.post(join_url(group), "{}", content_type="application/json").status_code == 200
    before = memberships(group)

    again = client.post(join_url(group), "{}", content_type="application/json")

    assert again.status_code == 409
    msg = "You are already in this group or have asked to join."
    assert again.json() == {"detail": [{"loc": [], "msg": msg, "type": "state_conflict"}]}
    assert memberships(group) == before


def test_a_state_conflict_is_a_normal_error_on_the_page(group, member):
    """StateConflict is a ValidationError: the page shows its message like any other refusal."""
    client = client_for(member)
    client.post(f"/groups/{group.slug}/join/")
    before = memberships(group)
    response = client.post(f"/groups/{group.slug}/join/", follow=True)
    assert response.status_code == 200
    assert "You are already in this group or have asked to join." in response.content.decode()
    assert memberships(group) == before
    assert issubclass(StateConflict, ValidationError)


def test_closing_a_closed_group_is_409(group, committee_member):
    client = bearer(committee_member)
    url = f"/api/v1/groups/{group.slug}/close"
    assert client.post(url, "{}", content_type="application/json").status_code == 200
    decisions = Decision.objects.count()
    again = client.post(url, "{}", content_type="application/json")
    assert again.status_code == 409
    assert again.json()["detail"][0]["msg"] == "This group is already closed."
    assert Decision.objects.count() == decisions


# --- Strict dates, bodies that are objects (item 6) -------------------------------------------------------


@pytest.mark.parametrize("decided_on", [0, 1700000000, "0", "2024-05-01T00:00:00", "20240501", True])
def test_a_date_is_an_iso_string_only(group, committee_member, decided_on):
    proposal = group_services.group_propose(
        acting=committee_member,
        kind=GroupKind.objects.get(slug="working-group"),
        name="Dated",
        purpose="Decide.",
    )
    before = Decision.objects.count()
    response = bearer(committee_member).post(
        f"/api/v1/groups/{proposal.slug}/decisions",
        {"outcome": "approved", "decided_on": decided_on},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "decided_on"]
    assert Decision.objects.count() == before
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


def test_an_iso_date_is_taken(group, committee_member):
    proposal = group_services.group_propose(
        acting=committee_member, kind=GroupKind.objects.get(slug="working-group"), name="Dated", purpose="D."
    )
    response = bearer(committee_member).post(
        f"/api/v1/groups/{proposal.slug}/decisions",
        {"outcome": "approved", "decided_on": "2024-05-01"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["decided_on"] == "2024-05-01"


@pytest.mark.parametrize("body", ["[null, null]", "[]", "0", '"join"', "null", "true", "[{}]"])
def test_a_body_that_is_not_a_json_object_is_400(group, member, body):
    response = bearer(member).post(join_url(group), body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json() == {
        "detail": [
            {"loc": ["body"], "msg": "The request body must be a JSON object.", "type": "body_not_an_object"}
        ]
    }
    assert memberships(group) == []


def test_a_body_that_is_not_json_is_400(group, member):
    response = bearer(member).post(join_url(group), "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"][0]["type"] == "json_invalid"
    assert memberships(group) == []


# --- The OpenAPI document says what happens (item 5) and a generated client builds (item 7) -------------


@pytest.fixture
def document(db) -> dict:
    return Client().get("/api/v1/openapi.json").json()


def operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_operation_declares_its_refusals_in_the_one_shape(document):
    for path, method, operation in operations(document):
        if path.endswith(("/openapi.json", "/docs")):
            continue
        declared = set(operation["responses"])
        expected = {"401", "403", "429"} if path.endswith("/me/data") else {"401", "403", "404", "422", "429"}
        if method != "get":
            expected |= {"400", "409", "415"}
        assert expected <= declared, f"{method.upper()} {path}: {sorted(expected - declared)} not declared"
        for status in expected:
            schema = operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
            assert schema in ("#/components/schemas/ErrorOut", "#/components/schemas/ConflictOut")
    error = document["components"]["schemas"]["ErrorItem"]
    assert set(error["properties"]) == {"loc", "msg", "type"}


def test_decimals_carry_their_pattern_and_limits(document):
    planned = document["components"]["schemas"]["BudgetLineIn"]["properties"]["planned"]["anyOf"]
    assert planned[0] == {"type": "number", "minimum": 0.0, "maximum": 999999999999.99}
    assert planned[1]["type"] == "string"
    pattern = re.compile(planned[1]["pattern"])
    assert pattern.match("1234.50")
    assert not pattern.match("12.345")
    assert not pattern.match("abc")
    answered = document["components"]["schemas"]["BudgetLineOut"]["properties"]["planned"]
    assert re.compile(answered["pattern"]).match("6000.00")


def test_fixed_sets_are_enums(document):
    schemas = document["components"]["schemas"]
    assert "government" in schemas["MemberOut"]["properties"]["sector"]["enum"]
    assert "government" in schemas["OrganisationOut"]["properties"]["sector"]["enum"]
    assert schemas["BudgetLineIn"]["properties"]["kind"]["enum"] == ["cash", "in_kind"]
    decision = schemas["DecisionIn"]["properties"]["decided_on"]
    assert {"type": "string", "format": "date"} in decision["anyOf"]


def test_a_generated_client_builds_without_a_warning(document, tmp_path):
    """openapi-python-client, as an outside user would run it (a development requirement)."""
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(document))
    command = Path(sys.executable).with_name("openapi-python-client")
    result = subprocess.run(  # noqa: S603 (a fixed command on a file this test wrote)
        [
            str(command),
            "generate",
            "--path",
            str(spec),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / "client"),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        # Its post-generation hooks run ruff, from the same environment.
        env={**os.environ, "PATH": f"{command.parent}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr


@pytest.mark.parametrize("approve", [0, 1, "true", "yes", None])
def test_a_yes_or_no_is_true_or_false_only(group, committee_member, approve):
    """Pydantic's lax mode would take 1 or "yes" for true; the document says boolean."""
    chair = Person.objects.get(email="sem.chair@example.org")
    group_services.cochair_appoint(group=group, person=chair, acting=committee_member)
    group_services.charter_update(group=group, acting=chair, join_policy="approval")
    asker = make_person("sem.asker@example.org", name="Ama Asker", country="GH")
    request = group_services.membership_join(group=group, acting=asker, note="Please.")
    response = bearer(chair).post(
        f"/api/v1/groups/{group.slug}/requests/{request.pk}",
        {"approve": approve},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    request.refresh_from_db()
    assert request.status == "requested"


@pytest.mark.parametrize("person_id", ["1", True, "one"])
def test_a_whole_number_is_an_integer_only(group, committee_member, person_id):
    before = list(CochairTerm.objects.values_list("pk", flat=True))
    response = bearer(committee_member).post(
        f"/api/v1/groups/{group.slug}/cochairs", {"person_id": person_id}, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "person_id"]
    assert list(CochairTerm.objects.values_list("pk", flat=True)) == before
