"""The bulk mail API: count a segment, create a mailing, start it and follow it, the suppression list."""

import json

import pytest
from django.test import Client

from convene.mailing import services
from convene.mailing.models import Mailing, MailingState, Suppression
from convene.people import services as people_services

pytestmark = pytest.mark.django_db

EDITION = {"subject": "News", "html": "<p>News</p>", "text": "News"}


def api(person) -> Client:
    _token, key = people_services.api_token_create(person=person, name="test")
    return Client(headers={"Authorization": f"Bearer {key}"})


def post(client, path, body=None):
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def test_the_secretariat_counts_creates_starts_and_follows_a_mailing(
    staff, audience, sink, django_capture_on_commit_callbacks
):
    client = api(staff)
    counted = post(
        client, "/api/v1/mailing/segments/count", {"segment": {"regions": ["europe"], "sectors": ["ngo"]}}
    )
    assert counted.json() == {"count": 2}  # Luc, Sofia

    created = post(
        client,
        "/api/v1/mailing/mailings",
        {
            "purpose": "eupdate",
            "title": "December",
            "segment": {"languages": ["fr", "da"]},
            "editions": {"en": EDITION, "fr": {**EDITION, "subject": "Nouvelles"}},
            "default_language": "en",
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["state"], body["languages"], body["segment"]) == (
        "draft",
        ["en", "fr"],
        {"languages": ["da", "fr"]},
    )

    with django_capture_on_commit_callbacks(execute=True):
        started = post(client, f"/api/v1/mailing/mailings/{body['id']}/start")
    assert started.status_code == 200
    status = client.get(f"/api/v1/mailing/mailings/{body['id']}").json()
    assert status["state"] == "sent"
    assert status["progress"] == {
        "total": 2,
        "pending": 0,
        "sent": 2,
        "failed": 0,
        "bounced": 0,
        "unsubscribed": 0,
    }
    assert sorted(m["Subject"] for _f, _r, m in sink.messages()) == ["News", "Nouvelles"]
    # Started twice: 409, nothing sent again.
    assert post(client, f"/api/v1/mailing/mailings/{body['id']}/start").status_code == 409
    assert len(sink.messages()) == 2
    assert [m["id"] for m in client.get("/api/v1/mailing/mailings").json()["items"]] == [body["id"]]


def test_bad_input_changes_nothing(staff):
    client = api(staff)
    refused = post(
        client,
        "/api/v1/mailing/mailings",
        {"purpose": "eupdate", "title": "x", "editions": {"fr": EDITION}, "default_language": "en"},
    )
    assert refused.status_code == 422
    assert (
        post(client, "/api/v1/mailing/segments/count", {"segment": {"regions": ["atlantis"]}}).status_code
        == 422
    )
    assert not Mailing.objects.exists()


def test_members_are_refused(audience):
    client = api(audience["kofi"])
    assert post(client, "/api/v1/mailing/segments/count").status_code == 403
    assert client.get("/api/v1/mailing/suppressions").status_code == 403


@pytest.mark.parametrize("rows", [5, 50])
def test_the_suppression_list_and_lift(staff, rows, django_assert_num_queries):
    for i in range(rows):
        services.bounce_record(email=f"gone{i}@example.org", status="5.1.1")
    client = api(staff)
    client.get("/api/v1/mailing/suppressions")
    with django_assert_num_queries(4):  # token, roles, count, page
        listed = client.get("/api/v1/mailing/suppressions?limit=100").json()
    assert listed["count"] == rows
    first = Suppression.objects.order_by("pk").first()
    lifted = post(client, f"/api/v1/mailing/suppressions/{first.pk}/lift")
    assert lifted.status_code == 200
    assert lifted.json()["lifted_at"] is not None
    assert post(client, f"/api/v1/mailing/suppressions/{first.pk}/lift").status_code == 409
    assert Suppression.objects.active().count() == rows - 1
    assert Mailing.objects.filter(state=MailingState.SENT).count() == 0
