"""The events API: create an event with its programme and questions, register (a place or the waiting
list), the organisers' lists, cancelling, attendance; the same services and rules as the pages."""

import json

from django.test import Client

from convene.events import services
from convene.events.models import Event, Registration
from convene.people import services as people_services

from .conftest import members


def api(person) -> Client:
    _token, key = people_services.api_token_create(person=person, name="test")
    return Client(headers={"Authorization": f"Bearer {key}"})


def post(client, path, body=None):
    return client.post(f"/api/v1/{path}", json.dumps(body or {}), content_type="application/json")


EVENT = {
    "kind": "webinar",
    "title": "Para professionals",
    "starts": "2030-03-14T12:00",
    "ends": "2030-03-14T13:30",
    "zone_name": "America/New_York",
    "online_url": "https://meet.example/p",
    "capacity": 1,
    "sessions": [
        {"title": "Panel", "starts": "2030-03-14T12:00", "ends": "2030-03-14T13:00", "speakers": ["Dr A"]}
    ],
    "questions": [
        {"kind": "choice", "label": "Your role?", "choices": ["Social worker", "Para professional"]}
    ],
    "translations": {"fr": {"title": "Para-professionnels"}},
}


def test_create_register_wait_cancel_and_attendance(secretariat, clock, mailoutbox):
    created = post(api(secretariat), "events", EVENT)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["starts"], body["zone_name"]) == ("2030-03-14T16:00:00Z", "America/New_York")  # EDT
    assert [s["speakers"] for s in body["sessions"]] == [["Dr A"]]
    question = body["questions"][0]["id"]
    event_id = body["id"]

    a, b = members(2)
    first = post(
        api(a), f"events/{event_id}/registrations", {"answers": {str(question): "Para professional"}}
    )
    assert (first.status_code, first.json()["status"]) == (201, "registered")
    second = post(api(b), f"events/{event_id}/registrations", {"answers": {str(question): "Nurse"}})
    assert second.status_code == 422
    second = post(api(b), f"events/{event_id}/registrations", {})
    assert (second.status_code, second.json()["status"]) == (201, "waiting")
    again = post(api(b), f"events/{event_id}/registrations", {})
    assert again.status_code == 409

    organiser = api(secretariat)
    waiting = organiser.get(f"/api/v1/events/{event_id}/waiting-list").json()
    assert [r["email"] for r in waiting] == [b.email]
    assert api(a).get(f"/api/v1/events/{event_id}/registrations").status_code == 403

    # a's own registration: a cancels it, b is offered the place.
    refused = post(api(b), f"events/{event_id}/registrations/{first.json()['id']}/cancel")
    assert refused.status_code == 403
    cancelled = post(api(a), f"events/{event_id}/registrations/{first.json()['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    assert organiser.get(f"/api/v1/events/{event_id}/waiting-list").json()[0]["status"] == "offered"

    # Attendance: one list, all or nothing.
    reg_b = services.offer_accept(registration=Registration.objects.get(person=b))
    bad = post(
        organiser, f"events/{event_id}/attendance", {"attended": {str(reg_b.pk): True, "999999": True}}
    )
    assert bad.status_code == 422
    assert Registration.objects.get(pk=reg_b.pk).attended is None  # the good half was not kept
    good = post(organiser, f"events/{event_id}/attendance", {"attended": {str(reg_b.pk): True}})
    assert good.json()[0]["attended"] is True


def test_the_calendar_and_one_event_in_the_api(secretariat, clock):
    post(api(secretariat), "events", EVENT)
    post(api(secretariat), "events", {**EVENT, "title": "Members only", "visibility": "members"})
    (member,) = members(1)
    listing = api(member).get("/api/v1/events", {"year": 2030}).json()
    assert [e["title"] for e in listing["items"]] == ["Para professionals", "Members only"]
    assert all(e["online_url"] is None for e in listing["items"])  # not registered: no link
    assert api(member).get("/api/v1/events", {"year": 2030, "kind": "symposium"}).json()["items"] == []
    event = Event.objects.get(title="Para professionals")
    assert api(member).get(f"/api/v1/events/{event.pk}/sessions").json()[0]["title"] == "Panel"
    assert Client().get(f"/api/v1/events/{event.pk}").status_code == 401


def test_the_calendar_api_reads_the_same_whatever_the_number_of_events(secretariat, clock):
    """The places and the caller's registration come in one query each, not one per event."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .conftest import consent, make_event, webinar_questions

    client = api(secretariat)
    client.get("/api/v1/events", {"year": 2030})  # what is cached after the first call
    (a,) = members(1)
    counts = []
    for n in (2, 12):
        for i in range(n - Event.objects.count()):
            event = make_event(secretariat, title=f"Webinar {i}", capacity=5, questions=webinar_questions())
            services.registration_register(event=event, acting=a, answers=consent(event))
        with CaptureQueriesContext(connection) as captured:
            listing = client.get("/api/v1/events", {"year": 2030})
        assert listing.status_code == 200
        assert {e["places_taken"] for e in listing.json()["items"]} == {1}
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_an_organiser_changes_an_event_through_the_api(secretariat, clock, mailoutbox):
    event = post(api(secretariat), "events", EVENT).json()
    body = {k: v for k, v in EVENT.items() if k not in ("sessions", "translations")}
    changed = api(secretariat).put(
        f"/api/v1/events/{event['id']}",
        json.dumps(body | {"starts": "2030-03-14T12:30", "ends": "2030-03-14T14:00", "capacity": 2}),
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["sessions"][0]["starts"].startswith("2030-03-14T16:30")  # moved with the start
    assert Event.objects.get().sequence == 1
    bad = api(secretariat).put(
        f"/api/v1/events/{event['id']}",
        json.dumps(body | {"ends": "2030-03-14T11:00"}),
        content_type="application/json",
    )
    assert bad.status_code == 422
