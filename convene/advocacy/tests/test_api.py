"""The advocacy API: the same rules as the pages (a private plan is 404 to others), the invariants."""

import json

from django.test import Client
from django.utils import timezone

from convene.advocacy.models import AdvocacyPlan
from convene.people import services as people_services


def api(person) -> Client:
    _token, key = people_services.api_token_create(person=person, name="script")
    return Client(headers={"Authorization": f"Bearer {key}"})


def post(client, path, body):
    return client.post(f"/api/v1/{path}", json.dumps(body), content_type="application/json")


def test_the_narrative_and_a_plan_through_the_api(secretariat, member, other_member):
    sec, mem, other = api(secretariat), api(member), api(other_member)
    response = post(
        sec,
        "advocacy/narrative",
        {
            "kind": "fact",
            "title": "Gap",
            "statement": "Too few.",
            "source": "Mapping",
            "audiences": ["minister"],
        },
    )
    assert response.status_code == 201, response.content
    item = response.json()["id"]
    assert (
        post(mem, "advocacy/narrative", {"kind": "fact", "title": "X", "statement": "Y"}).status_code == 403
    )
    # A draft is not a starting point for a message.
    plan = post(mem, "advocacy/plans", {"title": "Zambia", "country": "ZM"}).json()["id"]
    assert post(mem, f"advocacy/plans/{plan}/messages", {"source_id": item, "text": "A"}).status_code == 422
    for state in ("in_review", "approved"):
        assert post(sec, f"advocacy/narrative/{item}/state", {"state": state}).status_code == 200
    translation = post(
        sec,
        f"advocacy/narrative/{item}/translations",
        {"language": "fr", "title": "Manque", "statement": "Trop peu."},
    ).json()["id"]
    assert post(sec, f"advocacy/translations/{translation}/approve", {}).json()["approved"] is True
    listed = other.get("/api/v1/advocacy/narrative", {"language": "fr"}).json()["items"]
    assert [(i["title"], i["translated"]) for i in listed] == [("Manque", True)]

    audience = post(
        mem,
        f"advocacy/plans/{plan}/audiences",
        {"name": "Minister", "kind": "minister", "alignment": 5, "interest": 5},
    ).json()
    assert audience["approach"] == "partner"
    assert (
        post(
            mem,
            f"advocacy/plans/{plan}/messages",
            {"source_id": item, "text": "A", "audience_id": audience["id"]},
        ).status_code
        == 201
    )
    assert (
        post(mem, f"advocacy/plans/{plan}/worksheets/context", {"issue": "Too few"}).json()["issue"]
        == "Too few"
    )
    assert post(mem, f"advocacy/plans/{plan}/worksheets/context", {"risks": "X"}).status_code == 422
    response = post(
        mem,
        f"advocacy/plans/{plan}/evidence",
        {
            "step": "acted",
            "what": "Budget",
            "happened_on": timezone.localdate().isoformat(),
            "document": "Act",
        },
    )
    assert response.status_code == 201
    response = post(
        mem,
        f"advocacy/plans/{plan}/tests",
        {"hypothesis": "H", "method": "survey", "variants": [{"text": "A"}, {"text": "B"}], "winner": 0},
    )
    assert response.status_code == 201

    # Private: the others get 404 and do not see it listed.
    assert other.get(f"/api/v1/advocacy/plans/{plan}").status_code == 404
    assert sec.get(f"/api/v1/advocacy/plans/{plan}").status_code == 404
    assert other.get("/api/v1/advocacy/plans").json()["items"] == []
    assert sec.get("/api/v1/advocacy/network").json()["plans"] == []

    body = {"title": "Zambia", "visibility": "published", "stage": "under_way"}
    assert post(mem, f"advocacy/plans/{plan}/settings", body).status_code == 200
    assert other.get(f"/api/v1/advocacy/plans/{plan}").json()["messages"][0]["source_id"] == item
    assert post(other, f"advocacy/plans/{plan}/worksheets/context", {"issue": "Mine"}).status_code == 403
    network = sec.get("/api/v1/advocacy/network").json()
    assert network["countries"] == [{"country": "ZM", "plans": 1, "informed": 0, "persuaded": 0, "acted": 1}]
    copy = post(other, "advocacy/plans", {"title": "Nigeria", "copy_of": plan}).json()
    assert (copy["visibility"], copy["issue"]) == ("private", "Too few")
    assert AdvocacyPlan.objects.count() == 2
    assert other.get("/api/v1/advocacy/network").status_code == 403
