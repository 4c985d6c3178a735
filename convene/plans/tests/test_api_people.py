"""Whom the API lets a co-chair name on a group's records (issue 9): the people the page's form offers
(groups.queries.choosable_people), and nobody else. A hidden profile or a pending applicant answers
exactly as an id that does not exist, and their name is never echoed back."""

import json

import pytest

from conftest import make_person
from convene.groups import queries as group_queries
from convene.groups import services as group_services
from convene.people.models import ProfileVisibility
from convene.plans.forms import DeliverableForm, TaskForm
from convene.plans.forms_budget import HRNeedForm
from convene.plans.models import Deliverable, HRNeed, Task
from convene.plans.tests.test_api import COCHAIR, GROUP_MEMBER, make_world, send
from convene.results.forms import IndicatorForm
from convene.results.models import Indicator

HIDDEN_NAME, APPLICANT_NAME = "Hana Hiddenprofile", "Paco Pendingapplicant"

# (the endpoint, the record in the plan world, its model, the id field, the field it sets)
FIELDS = [
    ("api:update_deliverable", "deliverable", Deliverable, "owner_id", "owner"),
    ("api:update_task", "task", Task, "assignee_id", "assignee"),
    ("api:update_hr_need", "need", HRNeed, "filled_by_id", "filled_by"),
    ("api:update_indicator", "indicator", Indicator, "responsible_id", "responsible"),
]


@pytest.fixture
def world(db, member, committee_member, secretariat, outsider):
    return make_world(member, committee_member, secretariat, outsider)


@pytest.fixture
def strangers(db) -> dict:
    """A member of the network whose profile is shown to nobody, and an applicant not yet approved."""
    hidden = make_person("hana@example.org", name=HIDDEN_NAME, profile_visibility=ProfileVisibility.NOBODY)
    applicant = make_person("paco@example.org", name=APPLICANT_NAME, member=False)
    return {"hidden": hidden.pk, "applicant": applicant.pk, "nobody": 987_654}


def _patch(world, url_name: str, record, model, body: dict):
    obj = model.objects.get(pk=record.pk)
    return send(
        world.client(COCHAIR), "PATCH", world.url(url_name, obj.pk), {"revision": obj.revision, **body}
    )


@pytest.mark.parametrize(("url_name", "attr", "model", "id_field", "field"), FIELDS)
def test_a_hidden_profile_or_an_applicant_answers_like_nobody(
    world, strangers, url_name, attr, model, id_field, field
):
    record = getattr(world.plans, attr)
    before = getattr(model.objects.get(pk=record.pk), f"{field}_id")
    answers = {}
    for who, person_id in strangers.items():
        response = _patch(world, url_name, record, model, {id_field: person_id})
        answers[who] = (response.status_code, response.content)
        assert HIDDEN_NAME not in response.content.decode()
        assert APPLICANT_NAME not in response.content.decode()
    assert answers["hidden"] == answers["applicant"] == answers["nobody"]
    status, body = answers["nobody"]
    assert status == 422
    assert [item["msg"] for item in json.loads(body)["detail"]] == ["No such person."]
    assert getattr(model.objects.get(pk=record.pk), f"{field}_id") == before

    # A member of the group is chosen, as the page's form offers.
    response = _patch(world, url_name, record, model, {id_field: world.person(GROUP_MEMBER).pk})
    assert response.status_code == 200, response.content
    assert getattr(model.objects.get(pk=record.pk), f"{field}_id") == world.person(GROUP_MEMBER).pk


def test_whoever_holds_the_place_may_be_kept_after_leaving_the_group(world):
    """The page's form keeps the current holder among its choices; the API accepts them back too."""
    deliverable = Deliverable.objects.get(pk=world.plans.deliverable.pk)
    deliverable.owner = world.person(GROUP_MEMBER)
    deliverable.save(update_fields=["owner"])
    group_services.membership_leave(group=world.plans.group, acting=world.person(GROUP_MEMBER))
    response = _patch(
        world, "api:update_deliverable", deliverable, Deliverable, {"owner_id": world.person(GROUP_MEMBER).pk}
    )
    assert response.status_code == 200, response.content
    task = Task.objects.get(pk=world.plans.task.pk)
    response = _patch(world, "api:update_task", task, Task, {"assignee_id": world.person(GROUP_MEMBER).pk})
    assert response.status_code == 422


def test_the_forms_offer_the_same_people_the_api_accepts(world, strangers):
    plans = world.plans
    expected = set(group_queries.choosable_people(group=plans.group).values_list("pk", flat=True))
    assert world.person(GROUP_MEMBER).pk in expected
    assert not expected & set(strangers.values())
    offered = {
        "owner": DeliverableForm(plan=plans.plan).fields["owner"].queryset,
        "assignee": TaskForm(plan=plans.plan).fields["assignee"].queryset,
        "filled_by": HRNeedForm(plan=plans.plan).fields["filled_by"].queryset,
        "responsible": IndicatorForm(plan=plans.plan).fields["responsible"].queryset,
    }
    for name, queryset in offered.items():
        assert set(queryset.values_list("pk", flat=True)) == expected, name
