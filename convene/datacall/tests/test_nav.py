"""The menu links to the data calls for the secretariat always, for others while a call is open to
them; without a query per page (the answer is kept in the session until the calls change)."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import client_for, make_person
from convene.datacall import services

LINK = 'href="/data-calls/"'


def _menu(client) -> str:
    return client.get("/library/").content.decode()


def test_the_menu_follows_the_calls_open_to_each_person(
    secretariat, member, outsider, django_capture_on_commit_callbacks
):
    nowhere = make_person("no.country@example.org", name="Nadia Nowhere", country="")
    with django_capture_on_commit_callbacks(execute=True):
        call = services.datacall_create(
            acting=secretariat, title="Call", year=2030, deadline=datetime.date(2099, 1, 1)
        )
    clients = {
        name: client_for(p)
        for name, p in [
            ("sec", secretariat),
            ("member", member),
            ("nowhere", nowhere),
            ("outsider", outsider),
        ]
    }
    shown = lambda: {name: LINK in _menu(c) for name, c in clients.items()}  # noqa: E731
    assert shown() == {"sec": True, "member": False, "nowhere": False, "outsider": False}
    with django_capture_on_commit_callbacks(execute=True):
        services.datacall_set_status(call=call, acting=secretariat, status="open")
    assert shown() == {"sec": True, "member": True, "nowhere": False, "outsider": False}
    # A focal point sees it whatever their country; then the call closes.
    with django_capture_on_commit_callbacks(execute=True):
        services.focal_point_name(call=call, acting=secretariat, person=nowhere, country="NP")
    assert shown() == {"sec": True, "member": True, "nowhere": True, "outsider": False}
    with django_capture_on_commit_callbacks(execute=True):
        services.datacall_set_status(call=call, acting=secretariat, status="closed")
    assert shown() == {"sec": True, "member": False, "nowhere": False, "outsider": False}


def test_the_menu_costs_no_query_once_worked_out(secretariat, member, django_capture_on_commit_callbacks):
    client = client_for(member)
    _menu(client)
    with CaptureQueriesContext(connection) as before:
        _menu(client)
    with django_capture_on_commit_callbacks(execute=True):
        call = services.datacall_create(
            acting=secretariat, title="Call", year=2030, deadline=datetime.date(2099, 1, 1)
        )
        services.datacall_set_status(call=call, acting=secretariat, status="open")
    assert LINK in _menu(client)  # worked out again, once
    with CaptureQueriesContext(connection) as after:
        assert LINK in _menu(client)
    assert len(after) == len(before)
    # A person who logs in while the call is open sees it on their first page, at no cost.
    fresh = client_for(member)
    with CaptureQueriesContext(connection) as first:
        assert LINK in _menu(fresh)
    assert len(first) == len(before)
