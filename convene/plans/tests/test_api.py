"""The work plans API (/api/v1/): what each answer says, the review through the API, no lost writes
(409), bad input (422), objects the caller may not see (404), volunteers, and pinned query counts.

Who may call what, for every role, is in the permission matrix (``convene/plans/tests/permission_rows/api.py``)."""

import datetime
import json
import warnings
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_person
from convene.groups import services as group_services
from convene.groups.models import Visibility
from convene.people import services as people_services
from convene.people.models import Person, Topic
from convene.plans import services
from convene.plans.models import (
    BudgetLine,
    Deliverable,
    ExchangeRate,
    HRNeed,
    PlanStatus,
    Task,
    Volunteer,
    WorkPlan,
)
from convene.plans.tests.factories import PlanWorld, approve, build_plan, launch_group, make_cochair

MEMBER, GROUP_MEMBER, COCHAIR, COMMITTEE, SECRETARIAT, OUTSIDER = (
    "member",
    "group member",
    "co-chair",
    "committee",
    "secretariat",
    "outsider",
)


def messages(response) -> list[str]:
    """The messages of an error answer (convene.core.api_schemas.ErrorOut)."""
    return [error["msg"] for error in response.json()["detail"]]


@dataclass
class World:
    plans: PlanWorld
    people: dict[str, Person]
    keys: dict[str, str]

    def client(self, role: str) -> Client:
        return Client(headers={"Authorization": f"Bearer {self.keys[role]}"})

    def person(self, role: str) -> Person:
        return self.people[role]

    @property
    def plan(self) -> WorkPlan:
        return WorkPlan.objects.get(pk=self.plans.plan.pk)

    def url(self, name: str, *args) -> str:
        return reverse(name, args=[self.plans.group.slug, self.plans.plan.pk, *args])


def make_world(member, committee_member, secretariat, outsider) -> World:
    """G launched, co-chaired by Pia Planchair, with Gita Groupmember in it and responsible for the
    indicator of G's draft plan (``build_plan``); a token for each role. Shared with results' API tests."""
    cochair = make_cochair()
    group = launch_group(committee=committee_member, cochair=cochair)
    group_member = make_person("gm@example.org", name="Gita Groupmember", country="NP")
    group_services.membership_join(group=group, acting=group_member)
    plans = build_plan(group=group, cochair=cochair, secretariat=secretariat, responsible=group_member)
    people = {
        MEMBER: member,
        GROUP_MEMBER: group_member,
        COCHAIR: cochair,
        COMMITTEE: committee_member,
        SECRETARIAT: secretariat,
        OUTSIDER: outsider,
    }
    keys = {role: people_services.api_token_create(person=p, name=role)[1] for role, p in people.items()}
    return World(plans=plans, people=people, keys=keys)


@pytest.fixture
def world(db, member, committee_member, secretariat, outsider) -> World:
    return make_world(member, committee_member, secretariat, outsider)


def send(client: Client, method: str, path: str, body: dict | None = None):
    return client.generic(method, path, json.dumps(body or {}), content_type="application/json")


# --- What the plan says --------------------------------------------------------------------------


def test_plan_shows_its_parts_the_budget_summary_and_what_the_caller_may_do(world):
    plans = world.plans
    response = world.client(MEMBER).get(world.url("api:get_plan"))

    assert response.status_code == 200, response.content
    body = response.json()
    cochair = {"id": plans.cochair.pk, "name": "Pia Planchair"}
    assert {k: body[k] for k in ("id", "title", "status", "version", "currency", "top_issues", "group")} == {
        "id": plans.plan.pk,
        "title": "Work plan 2025",
        "status": "draft",
        "version": 0,
        "currency": "USD",
        "top_issues": "Caseloads.",
        "group": {"slug": "case-management", "name": "Case Management"},
    }
    assert (body["starts_on"], body["ends_on"], body["created_by"]) == ("2025-01-01", "2025-12-31", cochair)
    assert body["objectives"] == [
        {
            "id": plans.objective.pk,
            "title": "Common case management standards",
            "description": "",
            "position": 0,
            "revision": 1,
        }
    ]
    assert body["deliverables"] == [
        {
            "id": plans.deliverable.pk,
            "objective_id": plans.objective.pk,
            "title": "Toolkit on case management",
            "description": "",
            "owner": cochair,
            "starts_on": "2025-02-01",
            "due_on": "2025-09-30",
            "cost": "5000.00",
            "status": "planned",
            "late": True,
            "position": 0,
            "revision": 1,
            "tasks": [
                {
                    "id": plans.task.pk,
                    "deliverable_id": plans.deliverable.pk,
                    "title": "Translate the toolkit into French",
                    "description": "",
                    "assignee": None,
                    "starts_on": None,
                    "due_on": "2025-08-31",
                    "status": "todo",
                    "late": True,
                    "help_wanted": True,
                    "skills": [],
                    "position": 0,
                    "revision": 1,
                    "offers": [],
                }
            ],
        }
    ]
    # 300,000 KES at 0.0078 (in kind, from the partner) and 2,000 USD still to raise.
    assert body["budget"] == {
        "currency": "USD",
        "planned": "4340.00",
        "actual": "0",
        "funded": "2340.00",
        "gap": "2000.00",
        "by_category": {"meetings": "2340.00", "publications": "2000.00"},
        "by_source": {"partner": "2340.00", "needed": "2000.00"},
        "partners": [
            {
                "organisation": {"id": plans.partner.pk, "name": "Global Social Service Workforce Partner"},
                "cash": "0",
                "in_kind": "2340.00",
            }
        ],
        "missing_rates": [],
    }
    assert body["permissions"] == dict.fromkeys(
        ("edit", "submit", "review", "revise", "comment", "update_progress"), False
    )
    chair_view = world.client(COCHAIR).get(world.url("api:get_plan")).json()["permissions"]
    assert chair_view == {
        "edit": True,
        "submit": True,
        "review": False,
        "revise": False,
        "comment": True,
        "update_progress": False,
    }


def test_list_plans_newest_period_first(world, committee_member):
    approve(world.plans, committee_member)
    response = send(
        world.client(COCHAIR),
        "POST",
        reverse("api:create_plan", args=["case-management"]),
        {
            "title": "  Work   plan 2026 ",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "summary": "Next.",
        },
    )
    assert response.status_code == 201, response.content
    assert (response.json()["title"], response.json()["status"], response.json()["deliverables"]) == (
        "Work plan 2026",
        "draft",
        [],
    )

    body = world.client(MEMBER).get(reverse("api:list_plans", args=["case-management"])).json()

    assert body["count"] == 2
    assert [(p["title"], p["status"], p["version"]) for p in body["items"]] == [
        ("Work plan 2026", "draft", 0),
        ("Work plan 2025", "approved", 1),
    ]


# --- The review, through the API -------------------------------------------------------------------


def test_write_submit_return_fix_approve_revise_and_compare(world):
    chair, committee = world.client(COCHAIR), world.client(COMMITTEE)
    plan = world.plan

    response = send(
        chair, "PATCH", world.url("api:update_plan"), {"revision": plan.revision, "summary": "Ours."}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["summary"], response.json()["revision"]) == ("Ours.", plan.revision + 1)

    response = send(chair, "POST", world.url("api:submit_plan"))
    assert response.status_code == 200, response.content
    assert (response.json()["effect"], response.json()["group"]) == ("workplan_submitted", "case-management")
    # Submitted: frozen for its co-chair.
    frozen = send(
        chair, "PATCH", world.url("api:update_plan"), {"revision": plan.revision + 1, "summary": "X"}
    )
    assert frozen.status_code == 403

    assert (
        send(world.client(MEMBER), "POST", world.url("api:review_plan"), {"approve": True}).status_code == 403
    )
    response = send(committee, "POST", world.url("api:review_plan"), {"approve": False})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["body", "comment"],
                "msg": "Say what should change when returning a work plan.",
                "type": "invalid",
            }
        ]
    }
    assert world.plan.status == PlanStatus.SUBMITTED
    response = send(
        committee, "POST", world.url("api:review_plan"), {"approve": False, "comment": "Add travel."}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["effect"], response.json()["outcome"], response.json()["on_behalf"]) == (
        "workplan_returned",
        "changes_requested",
        False,
    )

    # Sent back as the committee returned it: refused unless the co-chairs say why.
    response = send(chair, "POST", world.url("api:submit_plan"))
    assert response.status_code == 422
    assert [item["msg"] for item in response.json()["detail"]] == [
        "The plan has not changed since the steering committee returned it. Change it as the "
        "committee asked, or say in a comment why it should be approved as it is."
    ]
    assert world.plan.status == PlanStatus.RETURNED
    response = send(
        chair,
        "POST",
        world.url("api:create_budget_line"),
        {"category": "travel", "description": "Flights", "planned": "900"},
    )
    assert response.status_code == 201, response.content
    assert send(chair, "POST", world.url("api:submit_plan")).status_code == 200
    response = send(
        world.client(SECRETARIAT),
        "POST",
        world.url("api:review_plan"),
        {"approve": True, "decided_on": "2025-03-01"},
    )
    assert response.status_code == 200, response.content
    assert (response.json()["effect"], response.json()["on_behalf"], response.json()["decided_on"]) == (
        "workplan_approved",
        True,
        "2025-03-01",
    )
    assert (world.plan.status, world.plan.version, world.plan.approved_on) == (
        PlanStatus.APPROVED,
        2,
        datetime.date(2025, 3, 1),
    )

    versions = world.client(MEMBER).get(world.url("api:list_plan_versions")).json()["items"]
    assert [(v["number"], v["status"]) for v in versions] == [
        (2, "approved"),
        (2, "submitted"),
        (1, "returned"),
        (1, "submitted"),
    ]
    assert versions[0]["created_by"] == {"id": world.person(SECRETARIAT).pk, "name": "Sara Secretariat"}
    first, last = versions[-1]["id"], versions[0]["id"]
    comparison = world.client(MEMBER).get(world.url("api:compare_plan_versions", first), {"to": last}).json()
    assert (comparison["from_version"]["id"], comparison["to_version"]["id"]) == (first, last)
    assert [(c["section"], c["kind"], c["label"]) for c in comparison["changes"]] == [
        ("budget", "added", "Flights")
    ]

    response = send(chair, "POST", world.url("api:revise_plan"))
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["permissions"]["edit"]) == ("revising", True)
    response = send(
        chair,
        "PATCH",
        world.url("api:update_plan"),
        {"revision": world.plan.revision, "title": "Plan 2025, v3"},
    )
    assert response.status_code == 200
    # Against the approved version, the plan as it is now has a new title.
    comparison = world.client(MEMBER).get(world.url("api:compare_plan_versions", last)).json()
    assert comparison["to_version"] is None
    assert comparison["changes"] == [
        {
            "section": "plan",
            "kind": "changed",
            "label": "Plan 2025, v3",
            "fields": [{"name": "title", "before": "Work plan 2025", "after": "Plan 2025, v3"}],
        }
    ]

    comments = world.client(MEMBER).get(world.url("api:list_plan_comments")).json()
    assert [(c["author"]["name"], c["body"]) for c in comments["items"]] == [("Sam Committee", "Add travel.")]


def test_comment_by_a_member_of_the_group(world):
    response = send(world.client(GROUP_MEMBER), "POST", world.url("api:add_plan_comment"), {"body": " Yes! "})
    assert response.status_code == 201, response.content
    assert (response.json()["body"], response.json()["author"]["name"]) == ("Yes!", "Gita Groupmember")
    assert (
        send(world.client(MEMBER), "POST", world.url("api:add_plan_comment"), {"body": "Me"}).status_code
        == 403
    )
    assert world.plan.comments.count() == 1


# --- Two co-chairs at once: 409 ---------------------------------------------------------------------


def test_stale_revision_is_409_with_what_changed_and_nothing_written(world, secretariat):
    start = world.plan.revision
    first = send(
        world.client(COCHAIR), "PATCH", world.url("api:update_plan"), {"revision": start, "title": "A"}
    )
    assert first.status_code == 200

    second = send(
        world.client(SECRETARIAT),
        "PATCH",
        world.url("api:update_plan"),
        {"revision": start, "title": "B", "summary": "Mine."},
    )

    assert second.status_code == 409
    assert second.json() == {
        "detail": [
            {
                "loc": ["body", "revision"],
                "msg": "Someone else saved this record while you were editing it.",
                "type": "edit_conflict",
            }
        ],
        "revision": start + 1,
        "theirs_changed": ["title"],
        "mine_changed": ["title", "summary"],
        "conflicts": ["title"],
        "theirs": {"title": "A", "summary": ""},
    }
    assert (world.plan.title, world.plan.summary, world.plan.revision) == ("A", "", start + 1)
    # Sent again with the new revision, the change is a deliberate merge.
    again = send(
        world.client(SECRETARIAT),
        "PATCH",
        world.url("api:update_plan"),
        {"revision": start + 1, "title": "B", "summary": "Mine."},
    )
    assert again.status_code == 200
    assert (world.plan.title, world.plan.summary) == ("B", "Mine.")


def test_parts_carry_their_revision_too(world):
    deliverable = world.plans.deliverable
    url = world.url("api:update_deliverable", deliverable.pk)
    chair = world.client(COCHAIR)
    assert send(chair, "PATCH", url, {"revision": 1, "cost": "6000"}).json()["revision"] == 2

    response = send(chair, "PATCH", url, {"revision": 1, "cost": "7000", "status": "in_progress"})

    assert response.status_code == 409
    assert (response.json()["theirs_changed"], response.json()["conflicts"]) == (["cost"], ["cost"])
    assert response.json()["theirs"] == {"cost": "6000.00", "status": "planned"}
    deliverable.refresh_from_db()
    assert (deliverable.cost, deliverable.status) == (Decimal("6000.00"), "planned")


def test_missing_revision_is_422(world):
    response = send(world.client(COCHAIR), "PATCH", world.url("api:update_plan"), {"title": "No revision"})
    assert response.status_code == 422
    assert world.plan.title == "Work plan 2025"


# --- Bad input: 422, nothing changed -----------------------------------------------------------------


def state(world: World) -> tuple:
    plan = world.plans.plan
    return (
        list(
            WorkPlan.objects.filter(group=world.plans.group).values_list("pk", "title", "ends_on", "revision")
        ),
        list(Deliverable.objects.filter(plan=plan).values_list("pk", "title", "objective_id")),
        list(Task.objects.filter(deliverable__plan=plan).values_list("pk", "title")),
        list(BudgetLine.objects.filter(plan=plan).values_list("pk", "description", "source", "currency")),
    )


@pytest.mark.parametrize(
    ("name", "method", "args", "body", "detail"),
    [
        (
            "api:update_plan",
            "PATCH",
            "plan",
            {"revision": 1, "ends_on": "2024-12-31"},
            ["The period cannot end before it starts."],
        ),
        (
            "api:create_deliverable",
            "POST",
            "plan",
            {"title": "Elsewhere", "objective_id": 999_999},
            ["This belongs to another work plan."],
        ),
        (
            "api:create_task",
            "POST",
            "deliverable",
            {"title": "Skilled", "skills": ["nope"]},
            ["Unknown topics: nope."],
        ),
        (
            "api:create_budget_line",
            "POST",
            "plan",
            {"category": "travel", "description": "Flights", "source": "partner"},
            ["Name the partner organisation that contributes."],
        ),
        (
            "api:create_budget_line",
            "POST",
            "plan",
            {"category": "travel", "description": "Flights", "currency": "EUR", "planned": "10"},
            ["Store the rate of EUR to USD with the plan first."],
        ),
        (
            "api:create_deliverable",
            "POST",
            "plan",
            {"title": "Backwards", "starts_on": "2025-05-01", "due_on": "2025-04-01"},
            ["The due date cannot come before the start."],
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and value.startswith("api:") else "",
)
def test_bad_input_is_422_with_the_message(world, name, method, args, body, detail):
    before = state(world)
    path_args = {
        "group": ["case-management"],
        "plan": ["case-management", world.plans.plan.pk],
        "deliverable": ["case-management", world.plans.plan.pk, world.plans.deliverable.pk],
    }[args]

    response = send(world.client(COCHAIR), method, reverse(name, args=path_args), body)

    assert response.status_code == 422, response.content
    assert [error["msg"] for error in response.json()["detail"]] == detail
    assert state(world) == before


def test_a_second_plan_being_written_is_a_409_state_conflict(world):
    before = state(world)
    body = {"title": "Another", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}

    response = send(world.client(COCHAIR), "POST", reverse("api:create_plan", args=["case-management"]), body)

    assert response.status_code == 409, response.content
    msg = "This group already has a work plan being written or reviewed: finish it first."
    assert response.json() == {"detail": [{"loc": [], "msg": msg, "type": "state_conflict"}]}
    assert state(world) == before


def test_nul_character_in_a_text_is_422(world):
    before = state(world)
    response = send(world.client(COCHAIR), "POST", world.url("api:create_deliverable"), {"title": "A\x00B"})
    assert response.status_code == 422
    assert "Text cannot contain NUL characters." in response.content.decode()
    assert state(world) == before


def test_null_for_a_field_that_cannot_be_empty_is_422(world):
    before = state(world)
    response = send(
        world.client(COCHAIR), "PATCH", world.url("api:update_plan"), {"revision": 1, "title": None}
    )
    assert response.status_code == 422
    assert state(world) == before


# --- What the caller may not see: 404 ------------------------------------------------------------------


def test_plans_and_parts_of_another_group_are_404_under_this_one(world, committee_member, secretariat):
    other_chair = make_person("other.chair@example.org", name="Omar Other", country="EG")
    other_group = launch_group(committee=committee_member, cochair=other_chair, name="Advocacy Network")
    other = build_plan(group=other_group, cochair=other_chair, secretariat=secretariat)
    chair = world.client(COCHAIR)
    before = state(world), Deliverable.objects.filter(plan=other.plan).count()

    assert chair.get(reverse("api:get_plan", args=["case-management", other.plan.pk])).status_code == 404
    assert chair.get(reverse("api:get_plan", args=["advocacy-network", other.plan.pk])).status_code == 200
    # A part of the other plan under G's plan: not found, and not changed.
    path = world.url("api:update_deliverable", other.deliverable.pk)
    assert send(chair, "PATCH", path, {"revision": 1, "title": "Mine"}).status_code == 404
    assert send(chair, "DELETE", world.url("api:delete_task", other.task.pk)).status_code == 404
    # Under its own group, G's co-chair is refused.
    path = reverse("api:delete_deliverable", args=["advocacy-network", other.plan.pk, other.deliverable.pk])
    assert send(chair, "DELETE", path).status_code == 403
    assert (state(world), Deliverable.objects.filter(plan=other.plan).count()) == before


def test_outsiders_and_hidden_groups(world, committee_member, secretariat):
    outsider = world.client(OUTSIDER)
    # A public group: the outsider may see it, but plans are for the network's members.
    assert outsider.get(reverse("api:list_plans", args=["case-management"])).status_code == 403
    assert outsider.get(world.url("api:get_plan")).status_code == 403
    assert outsider.get(reverse("api:list_help_wanted")).status_code == 403
    # A members-only group does not exist for the outsider.
    chair = make_person("quiet.chair@example.org", name="Quinn Quiet", country="FI")
    quiet = launch_group(committee=committee_member, cochair=chair, name="Quiet Circle")
    group_services.charter_update(group=quiet, acting=chair, visibility=Visibility.MEMBERS)
    quiet_plan = build_plan(group=quiet, cochair=chair, secretariat=secretariat)
    assert outsider.get(reverse("api:list_plans", args=["quiet-circle"])).status_code == 404
    assert outsider.get(reverse("api:get_plan", args=["quiet-circle", quiet_plan.plan.pk])).status_code == 404
    assert (
        send(outsider, "POST", reverse("api:volunteer_for_task", args=[quiet_plan.task.pk])).status_code
        == 404
    )
    assert not Volunteer.objects.exists()
    assert world.client(MEMBER).get(reverse("api:list_plans", args=["quiet-circle"])).status_code == 200


# --- Parts of the plan -------------------------------------------------------------------------------


def test_objectives_deliverables_and_tasks(world):
    chair, plans = world.client(COCHAIR), world.plans
    topic = Topic.objects.create(name="Translation", slug="translation")

    objective = send(chair, "POST", world.url("api:create_objective"), {"title": "Reach", "position": 2})
    assert objective.status_code == 201
    deliverable = send(
        chair,
        "POST",
        world.url("api:create_deliverable"),
        {
            "title": "Webinar series",
            "objective_id": objective.json()["id"],
            "owner_id": world.person(GROUP_MEMBER).pk,
            "due_on": "2025-11-30",
            "cost": "250.5",
        },
    )
    assert deliverable.status_code == 201, deliverable.content
    assert (deliverable.json()["owner"]["name"], deliverable.json()["cost"]) == ("Gita Groupmember", "250.50")
    task = send(
        chair,
        "POST",
        world.url("api:create_task", deliverable.json()["id"]),
        {"title": "Book speakers", "help_wanted": True, "skills": ["translation"]},
    )
    assert task.status_code == 201, task.content
    assert task.json()["skills"] == ["translation"]
    assert list(Task.objects.get(pk=task.json()["id"]).skills.all()) == [topic]

    response = send(
        chair,
        "PATCH",
        world.url("api:update_task", task.json()["id"]),
        {"revision": 1, "assignee_id": world.person(GROUP_MEMBER).pk, "skills": []},
    )
    assert response.status_code == 200, response.content
    assert (response.json()["assignee"]["name"], response.json()["skills"]) == ("Gita Groupmember", [])
    # An explicit null clears a field that may be empty.
    response = send(
        chair,
        "PATCH",
        world.url("api:update_deliverable", deliverable.json()["id"]),
        {"revision": 1, "objective_id": None},
    )
    assert response.json()["objective_id"] is None

    assert send(chair, "DELETE", world.url("api:delete_task", task.json()["id"])).status_code == 204
    assert send(chair, "DELETE", world.url("api:delete_objective", plans.objective.pk)).status_code == 204
    assert Deliverable.objects.get(pk=plans.deliverable.pk).objective_id is None
    assert send(chair, "DELETE", world.url("api:delete_deliverable", plans.deliverable.pk)).status_code == 204
    assert list(Deliverable.objects.filter(plan=plans.plan).values_list("title", flat=True)) == [
        "Webinar series"
    ]
    assert not Task.objects.filter(pk=plans.task.pk).exists()


def test_approved_plan_keeps_its_statuses_up_to_date_only(world, committee_member):
    approve(world.plans, committee_member)
    chair = world.client(COCHAIR)
    url = world.url("api:update_deliverable", world.plans.deliverable.pk)

    assert send(chair, "PATCH", url, {"revision": 1, "title": "Renamed"}).status_code == 403
    response = send(chair, "PATCH", url, {"revision": 1, "status": "done"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["late"]) == ("done", False)
    line = world.url("api:update_budget_line", world.plans.line.pk)
    assert send(chair, "PATCH", line, {"revision": 1, "actual": "280000"}).status_code == 200
    assert world.client(MEMBER).get(world.url("api:get_plan")).json()["budget"]["actual"] == "2184.00"


# --- Budget, rates, human resources ---------------------------------------------------------------------


def test_budget_lines_and_rates(world):
    chair = world.client(COCHAIR)
    budget = world.client(MEMBER).get(world.url("api:list_budget_lines")).json()
    assert budget["summary"]["gap"] == "2000.00"
    assert [(line["description"], line["currency"], line["planned"]) for line in budget["lines"]] == [
        ("Venue for the validation workshop", "KES", "300000.00"),
        ("Layout", "USD", "2000.00"),
    ]
    assert budget["lines"][0]["partner"] == {
        "id": world.plans.partner.pk,
        "name": "Global Social Service Workforce Partner",
    }
    assert [(r["currency"], r["rate"]) for r in budget["rates"]] == [("KES", "0.00780000")]

    response = send(chair, "POST", world.url("api:set_rate"), {"currency": "eur", "rate": "1.1"})
    assert (response.status_code, response.json()["currency"]) == (201, "EUR")
    response = send(
        chair, "POST", world.url("api:set_rate"), {"currency": "EUR", "rate": "1.08", "as_of": "2025-01-02"}
    )
    assert (response.status_code, response.json()["rate"], response.json()["as_of"]) == (
        200,
        "1.08000000",
        "2025-01-02",
    )
    eur = ExchangeRate.objects.get(plan=world.plans.plan, currency="EUR")
    response = send(chair, "PATCH", world.url("api:update_rate", eur.pk), {"rate": "1.09"})
    assert (response.status_code, response.json()["rate"], response.json()["as_of"]) == (
        200,
        "1.09000000",
        "2025-01-02",
    )

    line = send(
        chair,
        "POST",
        world.url("api:create_budget_line"),
        {
            "category": "travel",
            "description": "Train",
            "currency": "EUR",
            "planned": "100",
            "source": "network",
        },
    )
    assert line.status_code == 201, line.content
    assert (
        world.client(MEMBER).get(world.url("api:list_budget_lines")).json()["summary"]["planned"] == "4449.00"
    )
    response = send(chair, "DELETE", world.url("api:delete_rate", eur.pk))
    assert response.status_code == 422
    assert messages(response) == ["Budget lines still use this currency."]
    assert send(chair, "DELETE", world.url("api:delete_budget_line", line.json()["id"])).status_code == 204
    assert send(chair, "DELETE", world.url("api:delete_rate", eur.pk)).status_code == 204
    assert [r["currency"] for r in world.client(MEMBER).get(world.url("api:list_rates")).json()] == ["KES"]


def test_human_resource_needs(world):
    chair = world.client(COCHAIR)
    assert world.client(MEMBER).get(world.url("api:list_hr_needs")).json() == [
        {
            "id": world.plans.need.pk,
            "role": "Editor",
            "hours_per_month": "10.0",
            "starts_on": "2025-03-01",
            "ends_on": None,
            "filled_by": None,
            "filled_by_organisation": None,
            "is_open": True,
            "note": "",
            "revision": 1,
        }
    ]
    created = send(
        chair,
        "POST",
        world.url("api:create_hr_need"),
        {"role": "Designer", "hours_per_month": "4.5", "starts_on": "2025-04-01", "ends_on": "2025-03-01"},
    )
    assert created.status_code == 422
    assert messages(created) == ["The period cannot end before it starts."]
    created = send(
        chair, "POST", world.url("api:create_hr_need"), {"role": "Designer", "hours_per_month": "4.5"}
    )
    assert created.status_code == 201
    response = send(
        chair,
        "PATCH",
        world.url("api:update_hr_need", created.json()["id"]),
        {"revision": 1, "filled_by_id": world.person(GROUP_MEMBER).pk},
    )
    assert response.status_code == 200, response.content
    assert (response.json()["is_open"], response.json()["filled_by"]["name"]) == (False, "Gita Groupmember")
    assert send(chair, "DELETE", world.url("api:delete_hr_need", created.json()["id"])).status_code == 204
    assert list(HRNeed.objects.filter(plan=world.plans.plan).values_list("role", flat=True)) == ["Editor"]


# --- Help wanted and volunteers ----------------------------------------------------------------------


def test_volunteer_then_accepted_by_the_cochair(world):
    member, chair = world.client(MEMBER), world.client(COCHAIR)
    task = world.plans.task
    listing = member.get(reverse("api:list_help_wanted")).json()
    assert listing["count"] == 1
    assert listing["items"][0] == {
        "id": task.pk,
        "title": "Translate the toolkit into French",
        "description": "",
        "due_on": "2025-08-31",
        "skills": [],
        "matches_my_expertise": False,
        "group": {"slug": "case-management", "name": "Case Management"},
        "plan_id": world.plans.plan.pk,
        "deliverable": "Toolkit on case management",
        "my_offer": None,
    }

    offer = send(member, "POST", reverse("api:volunteer_for_task", args=[task.pk]), {"note": "I translate."})
    assert offer.status_code == 201, offer.content
    assert (offer.json()["status"], offer.json()["person"]["name"], offer.json()["note"]) == (
        "offered",
        "Amina Member",
        "I translate.",
    )
    again = send(member, "POST", reverse("api:volunteer_for_task", args=[task.pk]))
    assert messages(again) == ["You have already offered to help with this task."]
    assert (
        member.get(reverse("api:list_help_wanted")).json()["items"][0]["my_offer"]["id"] == offer.json()["id"]
    )

    def offers(role):
        plan = world.client(role).get(world.url("api:get_plan")).json()
        return [o["person"]["name"] for o in plan["deliverables"][0]["tasks"][0]["offers"]]

    # The co-chairs see every open offer; a member only their own.
    assert (offers(MEMBER), offers(GROUP_MEMBER), offers(COCHAIR)) == (["Amina Member"], [], ["Amina Member"])

    decide = reverse("api:decide_volunteer", args=[offer.json()["id"]])
    assert send(world.client(GROUP_MEMBER), "POST", decide, {"accept": True}).status_code == 403
    response = send(chair, "POST", decide, {"accept": True})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    task.refresh_from_db()
    assert (task.assignee_id, task.help_wanted, task.revision) == (world.person(MEMBER).pk, False, 2)
    assert member.get(reverse("api:list_help_wanted")).json()["count"] == 0
    withdraw = send(member, "POST", reverse("api:withdraw_volunteer", args=[offer.json()["id"]]))
    assert messages(withdraw) == ["Only an offer still open can be withdrawn."]


def test_withdraw_own_offer_only(world):
    offer = services.volunteer_offer(task=world.plans.task, acting=world.person(MEMBER))
    url = reverse("api:withdraw_volunteer", args=[offer.pk])
    assert send(world.client(COCHAIR), "POST", url).status_code == 403
    assert Volunteer.objects.get(pk=offer.pk).status == "offered"
    response = send(world.client(MEMBER), "POST", url)
    assert (response.status_code, response.json()["status"]) == (200, "withdrawn")


def test_help_wanted_matching_my_expertise(world):
    topic = Topic.objects.create(name="Translation", slug="translation")
    services.task_save(
        deliverable=world.plans.deliverable,
        acting=world.plans.cochair,
        title="Translate the summary",
        help_wanted=True,
        skills=[topic],
    )
    translator = make_person("translator@example.org", name="Tess Translator", topics=[topic])
    _, key = people_services.api_token_create(person=translator, name="t")
    client = Client(headers={"Authorization": f"Bearer {key}"})

    everything = client.get(reverse("api:list_help_wanted")).json()["items"]
    matching = client.get(reverse("api:list_help_wanted"), {"matching": "true"}).json()["items"]

    assert [(t["title"], t["matches_my_expertise"]) for t in everything] == [
        ("Translate the summary", True),
        ("Translate the toolkit into French", False),
    ]
    assert [t["title"] for t in matching] == ["Translate the summary"]


# --- The OpenAPI document, deprecations ---------------------------------------------------------------


def test_every_plan_operation_is_documented_with_a_summary_and_its_errors(world):
    schema = world.client(MEMBER).get(reverse("api:openapi-json")).json()
    operations = [
        (path, method, op)
        for path, item in schema["paths"].items()
        if "/plans" in path
        or "help-wanted" in path
        or "/volunteer" in path
        or path.startswith("/api/v1/tasks")
        for method, op in item.items()
        # The plans router's own (advocacy has plans of its own, results paths under /plans/).
        if op["operationId"].startswith("convene_plans_api_")
    ]
    assert len(operations) == 36
    assert all(op.get("summary") for _path, _method, op in operations)
    patches = [op for _path, method, op in operations if method == "patch" and "rates" not in _path]
    assert len(patches) == 6
    assert all("409" in op["responses"] for op in patches)
    assert schema["components"]["schemas"]["ConflictOut"]["required"] == ["detail"]
    assert set(schema["components"]["schemas"]["ConflictOut"]["properties"]) == {
        "detail",
        "revision",
        "theirs_changed",
        "mine_changed",
        "conflicts",
        "theirs",
    }


def test_answers_raise_no_deprecation_warning(world):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert (
            send(world.client(COCHAIR), "POST", world.url("api:create_objective"), {"title": "X"}).status_code
            == 201
        )
        assert (
            send(
                world.client(COCHAIR), "DELETE", world.url("api:delete_objective", world.plans.objective.pk)
            ).status_code
            == 204
        )
    assert [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)] == []


# --- Pinned query counts --------------------------------------------------------------------------------


def _approved_plans(world: World, committee: Person, n: int) -> None:
    """``n`` more approved plans of G, one after another (one plan at a time is in the works)."""
    approve(world.plans, committee)
    for year in range(2026, 2026 + n):
        plan = services.plan_create(
            group=world.plans.group,
            acting=world.plans.cochair,
            title=f"Plan {year}",
            starts_on=datetime.date(year, 1, 1),
            ends_on=datetime.date(year, 12, 31),
        )
        services.deliverable_save(plan=plan, acting=world.plans.cochair, title="Report")
        services.plan_submit(plan=plan, acting=world.plans.cochair)
        services.plan_review(plan=plan, acting=committee, approve=True)


@pytest.mark.parametrize("n", [1, 12])
def test_list_plans_query_count_does_not_grow(n, world, committee_member, django_assert_num_queries):
    _approved_plans(world, committee_member, n)
    client = world.client(MEMBER)
    client.get(reverse("api:list_help_wanted"))  # records the token's first use

    # token, terms, profile (is_member), group, count, plans
    with django_assert_num_queries(6):
        response = client.get(reverse("api:list_plans", args=["case-management"]))

    assert response.json()["count"] == n + 1


@pytest.mark.parametrize("n", [1, 25])
def test_help_wanted_query_count_does_not_grow(n, world, django_assert_num_queries):
    topic = Topic.objects.create(name="Translation", slug="translation")
    for i in range(n):
        services.task_save(
            deliverable=world.plans.deliverable,
            acting=world.plans.cochair,
            title=f"Task {i:02}",
            help_wanted=True,
            skills=[topic],
        )
    services.volunteer_offer(task=world.plans.task, acting=world.person(MEMBER))
    client = world.client(MEMBER)
    client.get(reverse("api:list_plans", args=["case-management"]))

    # token, terms, profile (is_member), profile (expertise), topics, count, tasks, skills, my offers
    with django_assert_num_queries(9):
        response = client.get(reverse("api:list_help_wanted"))

    assert response.json()["count"] == n + 1
    offers = {item["id"]: item["my_offer"] for item in response.json()["items"]}
    assert offers[world.plans.task.pk]["status"] == "offered"


@pytest.mark.parametrize("n", [1, 10])
def test_get_plan_query_count_does_not_grow(n, world, django_assert_num_queries):
    topic = Topic.objects.create(name="Translation", slug="translation")
    for i in range(n):
        deliverable = services.deliverable_save(
            plan=world.plans.plan, acting=world.plans.cochair, title=f"D{i}", owner=world.person(MEMBER)
        )
        services.task_save(
            deliverable=deliverable,
            acting=world.plans.cochair,
            title="T",
            skills=[topic],
            assignee=world.person(MEMBER),
        )
    client = world.client(COCHAIR)
    client.get(reverse("api:list_help_wanted"))

    with django_assert_num_queries(14):
        response = client.get(world.url("api:get_plan"))

    assert len(response.json()["deliverables"]) == n + 1
