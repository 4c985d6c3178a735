"""People, narrative items and plans for the advocacy tests, built through the services."""

import pytest

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
