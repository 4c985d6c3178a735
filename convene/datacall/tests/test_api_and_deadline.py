"""The data call through the API (the secretariat makes, changes, opens and closes calls with the
pages' services), its edit page, and calls that close by themselves at the end of the deadline day in
their time zone (the real periodic task, a frozen clock)."""

import datetime

import pytest
from django.utils import timezone

from conftest import client_for
from convene.datacall import schedules, services
from convene.datacall.models import CallStatus, DataCall
from convene.people.services import api_token_create


def _api(person):
    _token, key = api_token_create(person=person, name="test")
    return client_for(None), {"Authorization": f"Bearer {key}"}


def _json(client, method, path, headers, body=None):
    import json

    return client.generic(
        method, path, json.dumps(body or {}), content_type="application/json", headers=headers
    )


def test_the_secretariat_makes_changes_opens_and_closes_a_call(secretariat, member):
    client, headers = _api(secretariat)
    response = _json(
        client,
        "POST",
        "/api/v1/data-calls",
        headers,
        {
            "title": "4th State of the Workforce",
            "year": 2018,
            "deadline": "2099-06-30",
            "zone_name": "Asia/Manila",
        },
    )
    assert response.status_code == 201, response.content
    made = response.json()
    assert (made["status"], made["zone_name"], len(made["fields"])) == ("draft", "Asia/Manila", 9)
    path = f"/api/v1/data-calls/{made['id']}"
    fields = [{"key": "sw_total", "label": "Social workers", "kind": "number"}]
    changed = _json(client, "PATCH", path, headers, {"title": "4th report", "fields": fields}).json()
    assert (changed["title"], changed["fields"], changed["year"]) == ("4th report", fields, 2018)
    assert _json(client, "POST", f"{path}/open", headers).json()["status"] == "open"
    assert _json(client, "POST", f"{path}/open", headers).status_code == 409  # open already
    # Once answered, the fields' keys and kinds stay; their labels may change.
    services.submission_save(call=DataCall.objects.get(pk=made["id"]), acting=member, values={"sw_total": 5})
    other = [{"key": "other", "label": "Other", "kind": "text"}]
    assert _json(client, "PATCH", path, headers, {"fields": other}).status_code == 409
    relabelled = [{"key": "sw_total", "label": "Social workers (all)", "kind": "number"}]
    assert _json(client, "PATCH", path, headers, {"fields": relabelled}).status_code == 200
    assert _json(client, "POST", f"{path}/close", headers).json()["status"] == "closed"
    assert _json(client, "POST", f"{path}/close", headers).status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {"zone_name": "Mars/Olympus"},
        {"fields": [{"key": "Bad Key", "label": "x", "kind": "number"}]},
        {"title": "   "},
    ],
)
def test_bad_changes_are_refused_and_nothing_changes(call, secretariat, body):
    client, headers = _api(secretariat)
    before = DataCall.objects.values().get(pk=call.pk)
    assert _json(client, "PATCH", f"/api/v1/data-calls/{call.pk}", headers, body).status_code == 422
    assert DataCall.objects.values().get(pk=call.pk) == before


def test_members_may_not_make_change_or_close_calls(call, member):
    client, headers = _api(member)
    body = {"title": "Mine", "year": 2018, "deadline": "2099-06-30"}
    assert _json(client, "POST", "/api/v1/data-calls", headers, body).status_code == 403
    assert _json(client, "PATCH", f"/api/v1/data-calls/{call.pk}", headers, {"title": "x"}).status_code == 403
    assert _json(client, "POST", f"/api/v1/data-calls/{call.pk}/close", headers).status_code == 403
    assert DataCall.objects.get(pk=call.pk).status == CallStatus.OPEN


def test_the_edit_page_changes_the_call(call, secretariat):
    client = client_for(secretariat)
    page = client.get(f"/data-calls/{call.pk}/edit/")
    assert 'value="2099-12-01"' in page.content.decode()
    response = client.post(
        f"/data-calls/{call.pk}/edit/",
        {
            "title": "3rd report",
            "year": "2017",
            "deadline": "2099-11-30",
            "zone_name": "Africa/Lusaka",
            "answerers": "members",
            "fields": "sw_ngo | Social workers, NGOs | number",
        },
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.title, call.deadline, call.zone_name, call.keys) == (
        "3rd report",
        datetime.date(2099, 11, 30),
        "Africa/Lusaka",
        ["sw_ngo"],
    )


def _at(monkeypatch, when: datetime.datetime):
    monkeypatch.setattr(timezone, "now", lambda: when)


def test_calls_close_by_themselves_at_the_end_of_the_deadline_day_in_their_zone(secretariat, monkeypatch):
    def make(title, zone):
        made = services.datacall_create(
            acting=secretariat, title=title, year=2030, deadline=datetime.date(2030, 3, 31), zone_name=zone
        )
        return services.datacall_set_status(call=made, acting=secretariat, status="open")

    kiribati = make("Kiribati", "Pacific/Kiritimati")  # UTC+14
    lusaka = make("Lusaka", "Africa/Lusaka")  # UTC+2
    washington = make("Washington", "America/New_York")  # UTC-4 in summer time
    status = lambda: dict(DataCall.objects.values_list("title", "status"))  # noqa: E731

    _at(monkeypatch, datetime.datetime(2030, 3, 31, 9, 59, tzinfo=datetime.UTC))
    schedules.close_past_deadline()  # the real periodic task
    assert status() == {"Kiribati": "open", "Lusaka": "open", "Washington": "open"}
    _at(monkeypatch, datetime.datetime(2030, 3, 31, 10, 0, tzinfo=datetime.UTC))  # midnight in Kiribati
    schedules.close_past_deadline()
    assert status() == {"Kiribati": "closed", "Lusaka": "open", "Washington": "open"}
    _at(monkeypatch, datetime.datetime(2030, 3, 31, 22, 0, tzinfo=datetime.UTC))  # midnight in Lusaka
    schedules.close_past_deadline()
    assert status() == {"Kiribati": "closed", "Lusaka": "closed", "Washington": "open"}
    # A member in Washington still answers at 23:59 there.
    _at(monkeypatch, datetime.datetime(2030, 4, 1, 3, 59, tzinfo=datetime.UTC))
    assert not services.is_past_deadline(washington)
    _at(monkeypatch, datetime.datetime(2030, 4, 1, 4, 0, tzinfo=datetime.UTC))
    assert services.calls_close_due() == [washington.pk]
    assert services.calls_close_due() == []  # idempotent
    schedules.close_past_deadline()
    assert set(status().values()) == {"closed"}
    # A call past its deadline is not opened again until the deadline moves.
    with pytest.raises(services.ValidationError):
        services.datacall_set_status(call=lusaka, acting=secretariat, status="open")
    assert DataCall.objects.get(pk=kiribati.pk).status == "closed"
