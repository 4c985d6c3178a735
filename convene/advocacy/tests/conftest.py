"""People, narrative items and plans for the advocacy tests, built through the services."""

import datetime

import pytest
from django.utils import timezone

from conftest import give_term, make_person
from convene.advocacy import services
from convene.advocacy.models import ItemKind, ItemState


def approved_item(
    secretariat, *, title="Workforce gap", statement="Zambia needs more social workers.", **extra
):
    item = services.narrative_item_save(
        acting=secretariat,
        kind=extra.pop("kind", ItemKind.FACT),
        title=title,
        statement=statement,
        source=extra.pop("source", "Alliance workforce mapping"),
        source_year=extra.pop("source_year", 2024),
        audiences=extra.pop("audiences", ["minister", "finance_ministry"]),
        topic=extra.pop("topic", "workforce"),
        **extra,
    )
    services.narrative_item_move(item=item, acting=secretariat, state=ItemState.IN_REVIEW)
    return services.narrative_item_move(item=item, acting=secretariat, state=ItemState.APPROVED)


@pytest.fixture
def fact(secretariat):
    return approved_item(secretariat)


@pytest.fixture
def ambassador(db):
    person = make_person("amb.zambia@example.org", name="Mwila Ambassador", country="ZM")
    give_term(person, "ambassador")
    return person


@pytest.fixture
def other_member(db):
    return make_person("other.member@example.org", name="Olu Other", country="NG")


@pytest.fixture
def plan(member):
    return services.plan_create(acting=member, title="Social workforce in Zambia", country="ZM")


def publish_resource(secretariat, *, title="Guidelines to strengthen the workforce", **extra):
    """A resource of the library, published by the secretariat for the network."""
    from convene.library import services as library_services

    values = {
        "kind": "guideline",
        "title": title,
        "published_on": datetime.date(2023, 4, 1),
        "language": "en",
        "link": "https://example.org/guidelines.pdf",
    } | extra
    return library_services.resource_create(acting=secretariat, group=None, **values)


def upcoming_event(secretariat, *, title="World Social Work Day", days=30, **extra):
    """An event of the calendar ``days`` from now: 08:00 to 10:00 in Auckland (the evening before, in
    UTC), so that its day and a viewer's differ."""
    from convene.events import services as event_services

    day = timezone.localdate() + datetime.timedelta(days=days)
    values = {
        "kind": "advocacy_day",
        "title": title,
        "starts": datetime.datetime.combine(day, datetime.time(8)),
        "ends": datetime.datetime.combine(day, datetime.time(10)),
        "zone_name": "Pacific/Auckland",
        "online_url": "https://meet.example/wswd",
    } | extra
    return event_services.event_create(acting=secretariat, **values)


@pytest.fixture
def guideline(secretariat):
    return publish_resource(secretariat)


@pytest.fixture
def world_day(secretariat):
    return upcoming_event(secretariat)
