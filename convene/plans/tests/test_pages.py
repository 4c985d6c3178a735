"""The pages of a work plan: the list, the plan, its parts, the review, the versions, and no lost writes
when two people edit the same record (409 with the merge)."""

import datetime
import re
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for, make_person
from convene.core.tests.test_security import assert_csp_safe_html
from convene.governance.models import Decision, DecisionEffect
from convene.groups import services as group_services
from convene.groups.models import GroupMembership, MembershipStatus
from convene.groups.rules import forget_roles
from convene.people.models import Topic
from convene.plans import services
from convene.plans.models import (
    Deliverable,
    Objective,
    PlanComment,
    PlanStatus,
    PlanVersion,
    Task,
    WorkPlan,
)
from convene.plans.tests.factories import launch_group, make_cochair

# --- Helpers -------------------------------------------------------------------------------------


def _url(name: str, plan: WorkPlan | None = None, *args, group=None) -> str:
    if plan is None:
        return reverse(f"plans:{name}", args=[group.slug, *args])
    return reverse(f"plans:{name}", args=[plan.group.slug, plan.pk, *args])


def _html(response, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    return unescape(response.content.decode())


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


class _Forms(HTMLParser):
    """The values a browser would post from each form of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"_action": a.get("action", ""), "_data": {}})
            return
        if not self.forms:
            return
        data = self.forms[-1]["_data"]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    data.setdefault(name, []).append(a.get("value", "on"))
            elif kind not in ("submit", "button"):
                data[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            data[name] = ""
        elif tag == "select" and name:
            self._select = name
            data[name] = [] if "multiple" in a else ""
        elif tag == "option" and self._select and "selected" in a:
            if isinstance(data[self._select], list):
                data[self._select].append(a.get("value", ""))
            else:
                data[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, text):
        if self._textarea and self.forms:
            # Django writes a newline after <textarea ...> that the browser drops.
            value = self.forms[-1]["_data"][self._textarea] + text
            self.forms[-1]["_data"][self._textarea] = value.removeprefix("\n")


def edit_form(response) -> dict:
    """The data of the page's edit form (the one carrying a revision), as a browser would post it."""
    parser = _Forms()
    parser.feed(response.content.decode())
    forms = [form["_data"] for form in parser.forms if "revision" in form["_data"]]
    assert len(forms) == 1, parser.forms
    return forms[0]


def join(group, person, cochair):
    membership = group_services.membership_join(group=group, acting=person)
    if membership.status == MembershipStatus.REQUESTED:
        group_services.membership_request_decide(membership=membership, acting=cochair, approve=True)
    forget_roles(person)


@pytest.fixture
def group_member(plan_world):
    person = make_person("gabi.group@example.org", name="Gabi Groupmember", country="UG")
    join(plan_world.group, person, plan_world.cochair)
    assert GroupMembership.objects.filter(group=plan_world.group, person=person, status="active").exists()
    return person


def plan_form(plan: WorkPlan, **changes) -> dict:
    data = {
        "title": plan.title,
        "starts_on": plan.starts_on.isoformat(),
        "ends_on": plan.ends_on.isoformat(),
        "top_issues": plan.top_issues,
        "summary": plan.summary,
        "revision": plan.revision,
    }
    return {**data, **changes}


def deliverable_form(deliverable: Deliverable, **changes) -> dict:
    data = {
        "title": deliverable.title,
        "objective": deliverable.objective_id or "",
        "description": deliverable.description,
        "owner": deliverable.owner_id or "",
        "starts_on": deliverable.starts_on.isoformat() if deliverable.starts_on else "",
        "due_on": deliverable.due_on.isoformat() if deliverable.due_on else "",
        "cost": deliverable.cost if deliverable.cost is not None else "",
        "status": deliverable.status,
        "revision": deliverable.revision,
    }
    return {**data, **changes}


def effects(group) -> list[str]:
    return list(
        Decision.objects.filter(group=group, effect__startswith="workplan_")
        .order_by("pk")
        .values_list("effect", flat=True)
    )


# --- The list and a new plan ---------------------------------------------------------------------


def test_list_shows_the_groups_plans_to_members_and_no_start_button_while_one_is_drafted(plan_world, member):
    html = _html(client_for(member).get(_url("list", group=plan_world.group)))
    assert "Work plan 2025" in html
    assert "status-draft" in html
    assert _url("detail", plan_world.plan) in html
    assert _url("create", group=plan_world.group) not in html

    cochair_html = _html(client_for(plan_world.cochair).get(_url("list", group=plan_world.group)))
    assert _url("create", group=plan_world.group) not in cochair_html
    assert "“Work plan 2025” is being written or reviewed (Draft)." in cochair_html


def test_plans_are_not_for_visitors(plan_world):
    response = client_for(None).get(_url("detail", plan_world.plan))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_group_page_links_to_the_work_plans_for_members_only(plan_world, member):
    group_url = reverse("groups:detail", args=[plan_world.group.slug])
    assert _url("list", group=plan_world.group) in _html(client_for(member).get(group_url))
    assert _url("list", group=plan_world.group) not in _html(client_for(None).get(group_url))


def test_a_cochair_starts_a_plan_through_the_form(committee_member):
    chair = make_cochair("new.chair@example.org")
    group = launch_group(committee=committee_member, cochair=chair, name="Peer Support")
    client = client_for(chair)
    assert "Start a work plan" in _html(client.get(_url("list", group=group)))
    assert _html(client.get(_url("create", group=group)))

    response = client.post(
        _url("create", group=group),
        {
            "title": "  Plan   2026 ",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "top_issues": "Burnout.",
        },
    )

    plan = WorkPlan.objects.get(group=group)
    assert response.status_code == 302
    assert response["Location"] == _url("detail", plan)
    assert (plan.title, plan.starts_on, plan.ends_on, plan.top_issues, plan.status, plan.created_by) == (
        "Plan 2026",
        datetime.date(2026, 1, 1),
        datetime.date(2026, 12, 31),
        "Burnout.",
        PlanStatus.DRAFT,
        chair,
    )
    page = _html(client.get(response["Location"]))
    assert "The work plan is started. Add its objectives and deliverables." in page


def test_a_plan_with_its_period_upside_down_is_refused_and_nothing_is_made(committee_member):
    chair = make_cochair("new.chair@example.org")
    group = launch_group(committee=committee_member, cochair=chair, name="Peer Support")

    html = _html(
        client_for(chair).post(
            _url("create", group=group), {"title": "Plan", "starts_on": "2026-12-31", "ends_on": "2026-01-01"}
        )
    )

    assert "The period cannot end before it starts." in html
    assert not WorkPlan.objects.filter(group=group).exists()


def test_a_second_plan_while_one_is_drafted_is_refused(plan_world):
    html = _html(
        client_for(plan_world.cochair).post(
            _url("create", group=plan_world.group),
            {"title": "Another", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
        )
    )
    assert "This group already has a work plan being written or reviewed: finish it first." in html
    assert WorkPlan.objects.filter(group=plan_world.group).count() == 1


def test_only_the_groups_cochairs_and_the_secretariat_start_plans(plan_world, member, committee_member):
    for person in (member, committee_member):
        assert client_for(person).get(_url("create", group=plan_world.group)).status_code == 403


# --- The plan page -------------------------------------------------------------------------------


def test_plan_page_shows_the_whole_plan(plan_world, group_member):
    services.comment_add(plan=plan_world.plan, acting=group_member, body="Add a session on supervision.")
    response = client_for(group_member).get(_url("detail", plan_world.plan))
    html = _html(response)

    assert_csp_safe_html(response)
    for text in (
        "Work plan 2025",
        "status-draft",
        "Caseloads.",  # top issues
        "Common case management standards",  # objective
        "Toolkit on case management",  # deliverable
        "Pia Planchair",  # its owner
        "5,000.00 USD",  # its cost
        "Translate the toolkit into French",  # task
        "Help wanted",
        "4,340.00 USD",  # planned: 300,000 KES × 0.0078 + 2,000 USD
        "2,340.00 USD",  # funded
        "2,000.00 USD",  # the gap
        "Global Social Service Workforce Partner",
        "1 role, 10 hours a month in all.",
        "1 still open (10 hours a month).",
        "Add a session on supervision.",
        "Gabi Groupmember",
        _url("versions", plan_world.plan),
    ):
        assert text in html, text
    # A member of the group comments, but does not edit or submit.
    assert _url("comment", plan_world.plan) in html
    assert _url("edit", plan_world.plan) not in html
    assert _url("submit", plan_world.plan) not in html
    assert _url("review", plan_world.plan) not in html


def test_plan_page_offers_each_role_its_actions(plan_world, member, committee_member, secretariat):
    plan = plan_world.plan
    cochair = _html(client_for(plan_world.cochair).get(_url("detail", plan)))
    assert _url("edit", plan) in cochair
    assert _url("submit", plan) in cochair
    assert _url("deliverable_create", plan) in cochair
    assert _url("task_create", plan, plan_world.deliverable.pk) in cochair
    assert _url("task_edit", plan, plan_world.task.pk) in cochair

    outsider = _html(client_for(member).get(_url("detail", plan)))
    assert _url("comment", plan) not in outsider  # not in the group
    assert _url("edit", plan) not in outsider
    assert _url("task_edit", plan, plan_world.task.pk) not in outsider

    services.plan_submit(plan=plan, acting=plan_world.cochair)
    for person in (committee_member, secretariat):
        html = _html(client_for(person).get(_url("detail", plan)))
        assert _url("review", plan) in html
        assert _url("comment", plan) in html
    assert _url("review", plan) not in _html(client_for(plan_world.cochair).get(_url("detail", plan)))
    assert _url("edit", plan) not in _html(client_for(plan_world.cochair).get(_url("detail", plan)))


def test_every_page_runs_under_the_csp(plan_world, committee_member):
    plan, group = plan_world.plan, plan_world.group
    chair = client_for(plan_world.cochair)
    pages = [
        _url("list", group=group),
        _url("create", group=group),
        _url("edit", plan),
        _url("objective_create", plan),
        _url("objective_edit", plan, plan_world.objective.pk),
        _url("deliverable_create", plan),
        _url("deliverable_edit", plan, plan_world.deliverable.pk),
        _url("task_create", plan, plan_world.deliverable.pk),
        _url("task_edit", plan, plan_world.task.pk),
    ]
    for url in pages:
        response = chair.get(url)
        assert response.status_code == 200, url
        assert_csp_safe_html(response)
    services.plan_submit(plan=plan, acting=plan_world.cochair)
    for url in (_url("review", plan), _url("versions", plan), _url("versions", plan) + "?a=1&b=current"):
        response = client_for(committee_member).get(url)
        assert response.status_code == 200, url
        assert_csp_safe_html(response)


def test_a_plan_of_another_group_is_not_found_under_this_one(plan_world, committee_member):
    chair = make_cochair("new.chair@example.org")
    other = launch_group(committee=committee_member, cochair=chair, name="Peer Support")
    url = reverse("plans:detail", args=[other.slug, plan_world.plan.pk])
    assert client_for(plan_world.cochair).get(url).status_code == 404


# --- Editing the plan and its parts --------------------------------------------------------------


def test_cochair_edits_the_plan(plan_world):
    plan = plan_world.plan
    client = client_for(plan_world.cochair)
    data = edit_form(client.get(_url("edit", plan)))
    assert data["title"] == "Work plan 2025"

    response = client.post(_url("edit", plan), {**data, "summary": "Two products this year."})

    assert response.status_code == 302
    assert response["Location"] == _url("detail", plan)
    plan.refresh_from_db()
    assert (plan.summary, plan.revision) == ("Two products this year.", 2)
    assert plan.history.first().history_user == plan_world.cochair


def test_bad_plan_input_is_refused_with_a_message_and_changes_nothing(plan_world):
    plan = plan_world.plan
    client = client_for(plan_world.cochair)

    upside_down = _html(client.post(_url("edit", plan), plan_form(plan, title="New", ends_on="2024-01-01")))
    no_title = _html(client.post(_url("edit", plan), plan_form(plan, title="   ")))
    no_revision = plan_form(plan, title="New")
    del no_revision["revision"]
    incomplete = _html(client.post(_url("edit", plan), no_revision))

    assert "The period cannot end before it starts." in upside_down
    assert "This field is required." in no_title
    assert "The form is incomplete: open the page again." in incomplete
    plan.refresh_from_db()
    assert (plan.title, plan.ends_on, plan.revision) == ("Work plan 2025", datetime.date(2025, 12, 31), 1)


def test_a_member_cannot_edit_the_plan(plan_world, member, group_member):
    for person in (member, group_member):
        assert client_for(person).get(_url("edit", plan_world.plan)).status_code == 403
        response = client_for(person).post(
            _url("edit", plan_world.plan), plan_form(plan_world.plan, title="Mine")
        )
        assert response.status_code == 403
    assert WorkPlan.objects.get(pk=plan_world.plan.pk).title == "Work plan 2025"


def test_objectives_are_added_edited_and_deleted(plan_world):
    plan = plan_world.plan
    client = client_for(plan_world.cochair)
    assert _html(client.get(_url("objective_create", plan)))

    response = client.post(
        _url("objective_create", plan), {"title": "Shared data", "description": "One format.", "revision": 1}
    )
    objective = Objective.objects.get(plan=plan, title="Shared data")
    assert response["Location"] == _url("detail", plan) + "#objectives"
    assert objective.description == "One format."

    data = edit_form(client.get(_url("objective_edit", plan, objective.pk)))
    client.post(_url("objective_edit", plan, objective.pk), {**data, "title": "Shared data standards"})
    objective.refresh_from_db()
    assert (objective.title, objective.revision) == ("Shared data standards", 2)

    empty = _html(client.post(_url("objective_create", plan), {"title": " ", "revision": 1}))
    assert "This field is required." in empty
    assert Objective.objects.filter(plan=plan).count() == 2

    response = client.post(_url("objective_delete", plan, objective.pk))
    assert response["Location"] == _url("detail", plan) + "#objectives"
    assert not Objective.objects.filter(pk=objective.pk).exists()


def test_deliverables_are_added_edited_and_deleted(plan_world, group_member):
    plan = plan_world.plan
    client = client_for(plan_world.cochair)
    page = _html(client.get(_url("deliverable_create", plan)))
    assert "Gabi Groupmember" in page  # members of the group can own a deliverable

    response = client.post(
        _url("deliverable_create", plan),
        {
            "title": "Webinar series",
            "objective": plan_world.objective.pk,
            "owner": group_member.pk,
            "starts_on": "2025-03-01",
            "due_on": "2025-06-30",
            "cost": "1200.50",
            "status": "planned",
            "revision": 1,
        },
    )
    deliverable = Deliverable.objects.get(plan=plan, title="Webinar series")
    assert response["Location"] == _url("detail", plan) + "#deliverables"
    assert (deliverable.owner, deliverable.objective, deliverable.cost, deliverable.due_on) == (
        group_member,
        plan_world.objective,
        Decimal("1200.50"),
        datetime.date(2025, 6, 30),
    )

    response = client.post(
        _url("deliverable_edit", plan, deliverable.pk), deliverable_form(deliverable, status="in_progress")
    )
    assert response["Location"] == _url("detail", plan) + f"#deliverable-{deliverable.pk}"
    deliverable.refresh_from_db()
    assert deliverable.status == "in_progress"

    response = client.post(_url("deliverable_delete", plan, deliverable.pk))
    assert not Deliverable.objects.filter(pk=deliverable.pk).exists()
    assert "The deliverable and its tasks are deleted." in _messages(client.get(response["Location"]))


def test_bad_deliverable_input_is_refused_and_changes_nothing(plan_world, member):
    plan, deliverable = plan_world.plan, plan_world.deliverable
    client = client_for(plan_world.cochair)

    backwards = _html(
        client.post(
            _url("deliverable_edit", plan, deliverable.pk),
            deliverable_form(deliverable, starts_on="2025-05-01", due_on="2025-04-01"),
        )
    )
    negative = _html(
        client.post(_url("deliverable_edit", plan, deliverable.pk), deliverable_form(deliverable, cost="-5"))
    )
    stranger = _html(
        client.post(
            _url("deliverable_edit", plan, deliverable.pk), deliverable_form(deliverable, owner=member.pk)
        )
    )

    assert "The due date cannot come before the start." in backwards
    assert "Ensure this value is greater than or equal to 0." in negative
    assert "Select a valid choice." in stranger  # not a member of the group
    deliverable.refresh_from_db()
    assert (deliverable.due_on, deliverable.cost, deliverable.owner, deliverable.revision) == (
        datetime.date(2025, 9, 30),
        Decimal("5000.00"),
        plan_world.cochair,
        1,
    )


def test_tasks_are_added_with_skills_and_help_wanted_edited_and_deleted(plan_world, group_member):
    plan, deliverable = plan_world.plan, plan_world.deliverable
    topics = [
        Topic.objects.create(name="Translation", slug="translation"),
        Topic.objects.create(name="Design", slug="design"),
    ]
    client = client_for(plan_world.cochair)
    page = _html(client.get(_url("task_create", plan, deliverable.pk)))
    assert "Translation" in page
    assert "Design" in page

    response = client.post(
        _url("task_create", plan, deliverable.pk),
        {
            "title": "Lay out the toolkit",
            "due_on": "2025-07-31",
            "status": "todo",
            "help_wanted": "on",
            "skills": [topics[1].pk],
            "revision": 1,
        },
    )
    task = Task.objects.get(deliverable=deliverable, title="Lay out the toolkit")
    assert response["Location"] == _url("detail", plan) + f"#deliverable-{deliverable.pk}"
    assert (task.help_wanted, list(task.skills.all()), task.due_on) == (
        True,
        [topics[1]],
        datetime.date(2025, 7, 31),
    )
    assert "Design" in _html(client.get(_url("detail", plan)))

    data = edit_form(client.get(_url("task_edit", plan, task.pk)))
    assert (data["skills"], data["help_wanted"]) == ([str(topics[1].pk)], ["on"])
    data.pop("help_wanted")
    client.post(
        _url("task_edit", plan, task.pk),
        {**data, "assignee": group_member.pk, "skills": [topics[0].pk, topics[1].pk]},
    )
    task.refresh_from_db()
    assert (task.help_wanted, task.assignee, set(task.skills.all())) == (False, group_member, set(topics))

    client.post(_url("task_delete", plan, task.pk))
    assert not Task.objects.filter(pk=task.pk).exists()


def test_a_task_under_a_deliverable_of_another_plan_is_not_found(plan_world, committee_member, secretariat):
    from convene.plans.tests.factories import build_plan

    chair = make_cochair("new.chair@example.org")
    other = build_plan(
        group=launch_group(committee=committee_member, cochair=chair, name="Peer Support"),
        cochair=chair,
        secretariat=secretariat,
    )
    client = client_for(plan_world.cochair)
    assert client.get(_url("task_create", plan_world.plan, other.deliverable.pk)).status_code == 404
    assert client.get(_url("task_edit", plan_world.plan, other.task.pk)).status_code == 404
    assert client.post(_url("task_delete", plan_world.plan, other.task.pk)).status_code == 404
    assert Task.objects.filter(pk=other.task.pk).exists()


# --- Comments ------------------------------------------------------------------------------------


def test_group_members_comment_and_an_empty_comment_is_refused(plan_world, group_member, member):
    plan = plan_world.plan
    client = client_for(group_member)

    response = client.post(_url("comment", plan), {"body": "  Looks good.  "})
    assert response["Location"] == _url("detail", plan) + "#comments"
    assert list(PlanComment.objects.filter(plan=plan).values_list("author", "body")) == [
        (group_member.pk, "Looks good.")
    ]

    response = client.post(_url("comment", plan), {"body": "   "})
    assert "Write a comment first." in _messages(client.get(response["Location"]))
    assert client_for(member).post(_url("comment", plan), {"body": "Outsider"}).status_code == 403
    assert PlanComment.objects.filter(plan=plan).count() == 1


# --- The review workflow -------------------------------------------------------------------------


def test_submit_return_fix_submit_approve_through_the_pages(plan_world, committee_member):
    plan, deliverable = plan_world.plan, plan_world.deliverable
    chair, committee = client_for(plan_world.cochair), client_for(committee_member)

    response = chair.post(_url("submit", plan))
    assert response["Location"] == _url("detail", plan)
    assert "The work plan (version 1) is submitted to the steering committee." in _messages(
        chair.get(response["Location"])
    )
    assert WorkPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED

    # Returning needs a comment: refused with a message, nothing recorded.
    assert "Review the work plan of Case Management" in _html(committee.get(_url("review", plan)))
    today = timezone.localdate().isoformat()
    refused = _html(
        committee.post(_url("review", plan), {"decision": "return", "comment": " ", "decided_on": today})
    )
    assert "Say what should change when returning a work plan." in refused
    assert WorkPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED
    assert effects(plan.group) == [DecisionEffect.WORKPLAN_SUBMITTED]

    response = committee.post(
        _url("review", plan),
        {"decision": "return", "comment": "Cost the toolkit at 6,000.", "decided_on": today},
    )
    assert response["Location"] == _url("detail", plan)
    page = _html(chair.get(_url("detail", plan)))
    assert "Returned with comments" in page
    assert "Cost the toolkit at 6,000." in page

    deliverable.refresh_from_db()
    chair.post(_url("deliverable_edit", plan, deliverable.pk), deliverable_form(deliverable, cost="6000"))
    chair.post(_url("submit", plan))
    committee.post(_url("review", plan), {"decision": "approve", "comment": "", "decided_on": today})

    plan.refresh_from_db()
    assert (plan.status, plan.version, plan.approved_on) == (PlanStatus.APPROVED, 2, timezone.localdate())
    assert effects(plan.group) == [
        DecisionEffect.WORKPLAN_SUBMITTED,
        DecisionEffect.WORKPLAN_RETURNED,
        DecisionEffect.WORKPLAN_SUBMITTED,
        DecisionEffect.WORKPLAN_APPROVED,
    ]
    assert list(PlanVersion.objects.filter(plan=plan).order_by("pk").values_list("number", "status")) == [
        (1, "submitted"),
        (1, "returned"),
        (2, "submitted"),
        (2, "approved"),
    ]

    compare = _html(chair.get(_url("versions", plan), {"a": "1", "b": "2"}))
    assert "From version 1 to version 2" in compare
    assert re.search(
        r"<h3>Deliverables</h3>.*Changed</span> <strong>Toolkit on case management</strong>.*"
        r'<th scope="row">Cost</th><td>5,000</td><td>6,000</td>',
        compare,
        re.S,
    )


def test_a_returned_plan_sent_back_unchanged_needs_an_answer_on_the_page(plan_world, committee_member):
    plan = plan_world.plan
    chair = client_for(plan_world.cochair)
    chair.post(_url("submit", plan))
    services.plan_review(plan=plan, acting=committee_member, approve=False, comment="Add travel.")
    page = _html(chair.get(_url("detail", plan)))
    assert 'name="comment" id="id_submit_comment"' in page
    assert "Your answer to the committee's comments" in page

    response = chair.post(_url("submit", plan), {"comment": ""})

    assert _messages(chair.get(response["Location"])) == [
        "The plan has not changed since the steering committee returned it. Change it as the committee "
        "asked, or say in a comment why it should be approved as it is."
    ]
    assert WorkPlan.objects.get(pk=plan.pk).status == PlanStatus.RETURNED
    chair.post(_url("submit", plan), {"comment": "Travel is paid by a partner."})
    assert WorkPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED
    assert "Travel is paid by a partner." in Decision.objects.filter(group=plan.group).latest("pk").text


def test_submitting_a_plan_without_deliverables_is_refused(plan_world):
    plan = plan_world.plan
    client = client_for(plan_world.cochair)
    client.post(_url("deliverable_delete", plan, plan_world.deliverable.pk))

    response = client.post(_url("submit", plan))

    assert "Add at least one deliverable before submitting the work plan." in _messages(
        client.get(response["Location"])
    )
    assert WorkPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT
    assert effects(plan.group) == []


def test_only_the_committee_and_the_secretariat_review(plan_world, group_member, member):
    services.plan_submit(plan=plan_world.plan, acting=plan_world.cochair)
    today = timezone.localdate().isoformat()
    for person in (plan_world.cochair, group_member, member):
        client = client_for(person)
        assert client.get(_url("review", plan_world.plan)).status_code == 403
        response = client.post(_url("review", plan_world.plan), {"decision": "approve", "decided_on": today})
        assert response.status_code == 403
    assert WorkPlan.objects.get(pk=plan_world.plan.pk).status == PlanStatus.SUBMITTED


def test_a_decision_cannot_be_dated_in_the_future(plan_world, committee_member):
    services.plan_submit(plan=plan_world.plan, acting=plan_world.cochair)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    html = _html(
        client_for(committee_member).post(
            _url("review", plan_world.plan), {"decision": "approve", "decided_on": tomorrow}
        )
    )
    assert "A decision cannot be dated in the future." in html
    assert WorkPlan.objects.get(pk=plan_world.plan.pk).status == PlanStatus.SUBMITTED


def test_a_running_plan_takes_progress_and_is_revised(plan_world, committee_member):
    plan, deliverable, task = plan_world.plan, plan_world.deliverable, plan_world.task
    services.plan_submit(plan=plan, acting=plan_world.cochair)
    services.plan_review(plan=plan, acting=committee_member, approve=True)
    client = client_for(plan_world.cochair)

    page = _html(client.get(_url("detail", plan)))
    assert "Update the status" in page
    assert _url("edit", plan) not in page
    assert client.get(_url("edit", plan)).status_code == 403
    assert client.get(_url("objective_edit", plan, plan_world.objective.pk)).status_code == 403

    # Only the status of a deliverable can change while the plan runs.
    form = edit_form(client.get(_url("deliverable_edit", plan, deliverable.pk)))
    assert set(form) == {"csrfmiddlewaretoken", "status", "revision"}
    client.post(
        _url("deliverable_edit", plan, deliverable.pk), {**form, "status": "in_progress", "title": "Hijack"}
    )
    task_form = edit_form(client.get(_url("task_edit", plan, task.pk)))
    assert set(task_form) == {"csrfmiddlewaretoken", "assignee", "status", "revision"}
    client.post(_url("task_edit", plan, task.pk), {**task_form, "status": "doing"})
    deliverable.refresh_from_db()
    task.refresh_from_db()
    assert (deliverable.status, deliverable.title, task.status) == (
        "in_progress",
        "Toolkit on case management",
        "doing",
    )

    response = client.post(_url("revise", plan))
    assert response["Location"] == _url("detail", plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.REVISING
    assert _url("edit", plan) in _html(client.get(_url("detail", plan)))


# --- Versions ------------------------------------------------------------------------------------


def test_versions_compare_shows_each_section_with_readable_labels(plan_world, committee_member, group_member):
    plan, deliverable = plan_world.plan, plan_world.deliverable
    services.plan_submit(plan=plan, acting=plan_world.cochair)
    services.plan_review(plan=plan, acting=committee_member, approve=True)
    services.plan_revise(plan=plan, acting=plan_world.cochair)
    plan.refresh_from_db()
    deliverable.refresh_from_db()
    services.deliverable_save(
        plan=plan,
        acting=plan_world.cochair,
        deliverable=deliverable,
        revision=deliverable.revision,
        owner=group_member,
        due_on=datetime.date(2025, 10, 31),
        status="in_progress",
    )
    services.objective_save(plan=plan, acting=plan_world.cochair, title="Data for decisions")
    services.task_delete(task=plan_world.task, acting=plan_world.cochair)
    services.plan_update(
        plan=plan, acting=plan_world.cochair, revision=plan.revision, top_issues="Caseloads; data."
    )
    client = client_for(group_member)

    listing = _html(client.get(_url("versions", plan)))
    assert "Work plan of Case Management approved (version 1)" in listing
    html = _html(client.get(_url("versions", plan), {"a": "1", "b": "current"}))

    assert "From version 1 to the plan now" in html
    sections = re.findall(r"<h3>([^<]+)</h3>", html)
    assert sections == ["The plan", "Objectives", "Deliverables", "Tasks"]
    assert '<th scope="row">Top issues</th><td>Caseloads.</td><td>Caseloads; data.</td>' in html
    assert "Added</span> <strong>Data for decisions</strong>" in html
    assert "Removed</span> <strong>Translate the toolkit into French</strong>" in html
    assert '<th scope="row">Owner</th><td>Pia Planchair</td><td>Gabi Groupmember</td>' in html
    assert '<th scope="row">Due</th><td>30 Sep 2025</td><td>31 Oct 2025</td>' in html
    assert '<th scope="row">Status</th><td>Planned</td><td>In progress</td>' in html


def test_comparing_an_unknown_version_says_so(plan_world):
    services.plan_submit(plan=plan_world.plan, acting=plan_world.cochair)
    html = _html(client_for(plan_world.cochair).get(_url("versions", plan_world.plan), {"a": "7", "b": "1"}))
    assert "Select a valid choice. 7 is not one of the available choices." in html
    assert "From version" not in html


# --- No lost writes: two people editing the same record ------------------------------------------


def test_second_save_of_other_fields_gets_409_with_the_merge_and_saving_it_keeps_both(
    plan_world, secretariat
):
    plan = plan_world.plan
    first, second = client_for(plan_world.cochair), client_for(secretariat)
    mine = edit_form(first.get(_url("edit", plan)))
    theirs = edit_form(second.get(_url("edit", plan)))
    assert mine["revision"] == theirs["revision"] == "1"

    assert first.post(_url("edit", plan), {**mine, "title": "Work plan 2025–2026"}).status_code == 302
    response = second.post(_url("edit", plan), {**theirs, "top_issues": "Caseloads and funding."})

    html = _html(response, 409)
    assert "Someone else saved this while you were editing it" in html
    assert "Pia Planchair saved it on" in html
    assert "Changed: Title." in html
    assert "Their changes are already in the form: Title." in html
    assert "You both changed these fields" not in html
    merged = edit_form(response)
    assert (merged["title"], merged["top_issues"], merged["revision"]) == (
        "Work plan 2025–2026",
        "Caseloads and funding.",
        "2",
    )
    plan.refresh_from_db()
    assert (plan.title, plan.top_issues) == ("Work plan 2025–2026", "Caseloads.")

    assert second.post(_url("edit", plan), merged).status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.top_issues, plan.revision) == (
        "Work plan 2025–2026",
        "Caseloads and funding.",
        3,
    )


def test_both_changing_the_same_field_are_shown_side_by_side(plan_world, secretariat):
    plan = plan_world.plan
    first, second = client_for(plan_world.cochair), client_for(secretariat)
    mine = edit_form(first.get(_url("edit", plan)))
    theirs = edit_form(second.get(_url("edit", plan)))

    first.post(_url("edit", plan), {**mine, "title": "Plan A"})
    response = second.post(_url("edit", plan), {**theirs, "title": "Plan B", "summary": "Short."})

    html = _html(response, 409)
    assert_csp_safe_html(response)
    assert "You both changed these fields" in html
    assert '<th scope="row">Title</th><td>Plan A</td><td>Plan B</td>' in html
    merged = edit_form(response)
    assert (merged["title"], merged["summary"], merged["revision"]) == ("Plan B", "Short.", "2")
    assert WorkPlan.objects.get(pk=plan.pk).title == "Plan A"


def test_deliverable_conflict_merges_an_owner_and_a_due_date(plan_world, group_member):
    plan, deliverable = plan_world.plan, plan_world.deliverable
    url = _url("deliverable_edit", plan, deliverable.pk)
    first, second = client_for(plan_world.cochair), client_for(plan_world.cochair)
    mine, theirs = edit_form(first.get(url)), edit_form(second.get(url))

    first.post(url, {**mine, "owner": str(group_member.pk)})
    response = second.post(url, {**theirs, "due_on": "2025-11-30"})

    html = _html(response, 409)
    assert "You saved it yourself, in another window, on" in html
    assert "Changed: Owner." in html
    merged = edit_form(response)
    assert (merged["owner"], merged["due_on"], merged["revision"]) == (
        str(group_member.pk),
        "2025-11-30",
        "2",
    )
    assert second.post(url, merged).status_code == 302
    deliverable.refresh_from_db()
    assert (deliverable.owner, deliverable.due_on) == (group_member, datetime.date(2025, 11, 30))


def test_task_conflict_keeps_the_help_wanted_box_and_skills(plan_world):
    plan, task = plan_world.plan, plan_world.task
    topic = Topic.objects.create(name="Translation", slug="translation")
    url = _url("task_edit", plan, task.pk)
    first, second = client_for(plan_world.cochair), client_for(plan_world.cochair)
    mine, theirs = edit_form(first.get(url)), edit_form(second.get(url))

    first.post(url, {**mine, "status": "doing"})
    theirs.pop("help_wanted")  # unticked
    response = second.post(url, {**theirs, "skills": [str(topic.pk)]})

    merged = edit_form(response)
    assert response.status_code == 409
    assert (merged["status"], merged.get("help_wanted"), merged["skills"]) == ("doing", None, [str(topic.pk)])
    second.post(url, merged)
    task.refresh_from_db()
    assert (task.status, task.help_wanted, list(task.skills.all())) == ("doing", False, [topic])


# --- Query counts ----------------------------------------------------------------------------------

PLAN_PAGE_QUERIES = 16
LIST_QUERIES = 9


def _plan_of_size(committee, secretariat, deliverables: int, tasks: int):
    chair = make_cochair("size.chair@example.org")
    group = launch_group(committee=committee, cochair=chair, name="Sized Group")
    helper = make_person("helper@example.org", name="Hal Helper", country="KE")
    join(group, helper, chair)
    topics = [Topic.objects.create(name=f"Skill {i}", slug=f"skill-{i}") for i in range(3)]
    plan = services.plan_create(
        group=group,
        acting=chair,
        title="Sized",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
    )
    objective = services.objective_save(plan=plan, acting=chair, title="Objective")
    for d in range(deliverables):
        deliverable = services.deliverable_save(
            plan=plan,
            acting=chair,
            objective=objective,
            title=f"Deliverable {d}",
            owner=helper if d % 2 else chair,
            due_on=datetime.date(2025, 1 + d % 12, 1),
            cost=Decimal(100 + d),
        )
        for t in range(tasks):
            task = services.task_save(
                deliverable=deliverable,
                acting=chair,
                title=f"Task {d}.{t}",
                assignee=helper if t % 2 else None,
                due_on=datetime.date(2025, 1 + t, 15),
                help_wanted=t % 2 == 0,
                skills=topics[: t % 3],
            )
            if t == 0:
                services.volunteer_offer(task=task, acting=helper)
    services.budget_line_save(
        plan=plan, acting=chair, category="travel", description="Flights", planned=Decimal(900)
    )
    services.hr_need_save(plan=plan, acting=chair, role="Editor", hours_per_month=Decimal(8))
    for i in range(3):
        services.comment_add(plan=plan, acting=helper, body=f"Comment {i}")
    return chair, plan


@pytest.mark.parametrize(("deliverables", "tasks"), [(1, 1), (30, 5)])
def test_plan_page_queries_do_not_grow_with_the_plan(
    deliverables, tasks, committee_member, secretariat, django_assert_num_queries
):
    chair, plan = _plan_of_size(committee_member, secretariat, deliverables, tasks)
    assert Task.objects.filter(deliverable__plan=plan).count() == deliverables * tasks
    client = client_for(chair)

    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        response = client.get(_url("detail", plan))
    assert response.status_code == 200
    assert response.content.decode().count('class="card deliverable"') == deliverables


@pytest.mark.parametrize("plans", [1, 25])
def test_plans_list_queries_do_not_grow_with_plans(plans, committee_member, django_assert_num_queries):
    chair = make_cochair("size.chair@example.org")
    group = launch_group(committee=committee_member, cochair=chair, name="Sized Group")
    for year in range(2000, 2000 + plans):
        plan = services.plan_create(
            group=group,
            acting=chair,
            title=f"Plan {year}",
            starts_on=datetime.date(year, 1, 1),
            ends_on=datetime.date(year, 12, 31),
        )
        services.deliverable_save(plan=plan, acting=chair, title="Report")
        services.plan_submit(plan=plan, acting=chair)
        services.plan_review(plan=plan, acting=committee_member, approve=True)
    client = client_for(chair)

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(_url("list", group=group))
    assert response.status_code == 200
    assert response.content.decode().count("status-approved") == min(plans, 20)


# --- Overdue tasks say so ---------------------------------------------------------------------------


def test_overdue_tasks_are_marked_in_words_on_the_plan_and_the_list(plan_world, member):
    plan, task = plan_world.plan, plan_world.task  # due 31 August 2025, to do
    client = client_for(plan_world.cochair)

    detail = _html(client.get(_url("detail", plan)))
    assert re.search(
        r"Translate the toolkit into French</th>.*?31 Aug 2025 <span class=\"badge overdue\">Overdue</span>",
        detail,
        re.S,
    )
    listing = _html(client.get(_url("list", group=plan.group)))
    assert '<span class="badge overdue">Overdue: 1 task</span>' in listing
    wanted = _html(client_for(member).get(reverse("plans:help_wanted")))
    assert 'Due 31 Aug 2025 <span class="badge overdue">Overdue</span>' in wanted

    services.task_save(deliverable=task.deliverable, acting=plan_world.cochair, task=task, status="done")

    detail = _html(client.get(_url("detail", plan)))
    assert "Translate the toolkit into French" in detail
    assert (
        'class="badge overdue">Overdue</span>'
        not in detail.split("Translate the toolkit")[1].split("</tr>")[0]
    )
    assert "Overdue: 1 task" not in _html(client.get(_url("list", group=plan.group)))
