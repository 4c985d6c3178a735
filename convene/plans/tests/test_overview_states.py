"""The committee's overview of groups shows each work plan's real state, not "received"."""

import csv
import datetime
import io

from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from convene.groups.models import Group
from convene.groups.queries import groups_overview
from convene.plans import services
from convene.plans.tests.factories import build_plan, launch_group, make_cochair


def _group_with_plan(name: str, committee, secretariat, state: str, *, due_in_days: int = -30):
    cochair = make_cochair(f"{name.lower()}@example.org")
    group = launch_group(committee=committee, cochair=cochair, name=name)
    Group.objects.filter(pk=group.pk).update(
        workplan_due_on=timezone.localdate() + datetime.timedelta(days=due_in_days)
    )
    if state == "none":
        return group, None
    plan = build_plan(group=group, cochair=cochair, secretariat=secretariat).plan
    if state in ("submitted", "returned", "approved"):
        services.plan_submit(plan=plan, acting=cochair)
    if state in ("returned", "approved"):
        services.plan_review(plan=plan, acting=committee, approve=state == "approved", comment="Add costs.")
    return group, plan


def test_the_overview_shows_each_plan_state_and_overdue_only_when_nothing_came(committee_member, secretariat):
    cases = {
        "Drafting": ("draft", 20),  # due in the future: a draft, not late
        "Stalled": ("draft", -30),  # due date passed with only a draft: overdue
        "Waiting": ("submitted", -30),  # submitted after the due date: not overdue any more
        "Reworking": ("returned", -30),  # returned and due date passed: overdue again
        "Agreed": ("approved", -30),
        "Silent": ("none", -30),  # no plan at all and past due: overdue
    }
    plans = {}
    for name, (state, due) in cases.items():
        _, plans[name] = _group_with_plan(name, committee_member, secretariat, state, due_in_days=due)

    rows = {row.group.name: row for row in groups_overview()}
    assert {name: rows[name].plan_state for name in cases} == {
        "Drafting": "draft",
        "Stalled": "overdue",
        "Waiting": "submitted",
        "Reworking": "overdue",
        "Agreed": "approved",
        "Silent": "overdue",
    }
    assert rows["Reworking"].plan_status == "returned"
    assert rows["Waiting"].workplan_overdue_days is None
    assert rows["Stalled"].workplan_overdue_days == 30

    response = client_for(committee_member).get(reverse("groups:overview"))
    html = response.content.decode()
    assert ">received<" not in html
    assert '<span class="status status-submitted">Submitted</span>' in html
    assert '<span class="status status-approved">Approved</span>' in html
    assert '<span class="status status-draft">Draft</span>' in html
    # Overdue, and still shown for what it is: returned to the co-chairs.
    assert '<span class="status status-returned">Returned with comments</span>' in html
    assert "no plan started" in html  # Silent
    assert reverse("plans:detail", args=[plans["Waiting"].group.slug, plans["Waiting"].pk]) in html

    export = client_for(committee_member).get(reverse("groups:overview_export", args=["csv"]))
    table = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert table[0][-1] == "Work plan state"
    assert {row[0]: row[-1] for row in table[1:]} == {
        "Agreed": "Approved",
        "Drafting": "Draft",
        "Reworking": "Returned with comments, overdue",
        "Silent": "overdue",
        "Stalled": "Draft, overdue",
        "Waiting": "Submitted",
    }


def test_a_plan_received_outside_convene_is_not_overdue(committee_member, secretariat):
    from convene.groups import services as group_services

    group, _ = _group_with_plan("Paper", committee_member, secretariat, "none")
    group_services.workplan_mark_received(group=group, acting=secretariat)

    [row] = [r for r in groups_overview() if r.group.pk == group.pk]
    assert (row.plan_state, row.workplan_overdue_days) == ("received", None)
