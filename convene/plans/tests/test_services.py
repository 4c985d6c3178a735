import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from convene.core.concurrency import EditConflict
from convene.governance.models import Decision, DecisionEffect
from convene.plans import queries, services
from convene.plans.models import PlanStatus, PlanVersion, WorkPlan


def test_plan_goes_draft_submitted_returned_approved_with_decisions(plan_world, committee_member):
    plan = plan_world.plan
    services.plan_submit(plan=plan, acting=plan_world.cochair)
    services.plan_review(
        plan=plan, acting=committee_member, approve=False, comment="Add a budget for travel."
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED
    services.budget_line_save(
        plan=plan, acting=plan_world.cochair, category="travel", description="Flights", planned=Decimal("900")
    )
    services.plan_submit(plan=plan, acting=plan_world.cochair)
    services.plan_review(plan=plan, acting=committee_member, approve=True)
    plan.refresh_from_db()
    assert (plan.status, plan.version) == (PlanStatus.APPROVED, 2)
    effects = list(Decision.objects.filter(group=plan.group).order_by("pk").values_list("effect", flat=True))[
        -4:
    ]
    assert effects == [
        DecisionEffect.WORKPLAN_SUBMITTED,
        DecisionEffect.WORKPLAN_RETURNED,
        DecisionEffect.WORKPLAN_SUBMITTED,
        DecisionEffect.WORKPLAN_APPROVED,
    ]
    versions = list(PlanVersion.objects.filter(plan=plan).order_by("pk"))
    assert [(v.number, v.status) for v in versions] == [
        (1, "submitted"),
        (1, "returned"),
        (2, "submitted"),
        (2, "approved"),
    ]
    changes = queries.snapshot_compare(versions[0].snapshot, versions[-1].snapshot)
    assert [(c.section, c.kind, c.label) for c in changes] == [("budget", "added", "Flights")]


def test_returning_needs_a_comment_and_changes_nothing(plan_world, committee_member):
    services.plan_submit(plan=plan_world.plan, acting=plan_world.cochair)
    with pytest.raises(ValidationError):
        services.plan_review(plan=plan_world.plan, acting=committee_member, approve=False, comment=" ")
    assert WorkPlan.objects.get(pk=plan_world.plan.pk).status == PlanStatus.SUBMITTED


def test_member_cannot_edit_and_submitted_plan_is_frozen(plan_world, member):
    with pytest.raises(PermissionDenied):
        services.plan_update(plan=plan_world.plan, acting=member, revision=None, title="Mine")
    services.plan_submit(plan=plan_world.plan, acting=plan_world.cochair)
    with pytest.raises(PermissionDenied):
        services.plan_update(plan=plan_world.plan, acting=plan_world.cochair, revision=None, title="Later")


def test_second_save_is_told_what_changed(plan_world):
    plan = plan_world.plan
    start = plan.revision
    services.plan_update(plan=plan, acting=plan_world.cochair, revision=start, title="Plan A", summary="Same")
    with pytest.raises(EditConflict) as caught:
        services.plan_update(
            plan=plan, acting=plan_world.cochair, revision=start, title="Plan B", top_issues="New"
        )
    conflict = caught.value
    assert conflict.theirs_changed == ["title"]
    assert conflict.mine_changed == ["title", "top_issues"]
    assert conflict.conflicts == ["title"]
    assert conflict.merged == {"title": "Plan B", "top_issues": "New"}
    plan.refresh_from_db()
    assert (plan.title, plan.top_issues) == ("Plan A", "Caseloads.")


def test_budget_summary_converts_and_shows_the_gap(plan_world):
    summary = queries.budget_summary(plan_world.plan)
    assert summary.currency == "USD"
    assert summary.planned == Decimal("4340.00")  # 300,000 KES × 0.0078 + 2,000 USD
    assert summary.funded == Decimal("2340.00")
    assert summary.gap == Decimal("2000")
    assert summary.partners == [(plan_world.partner, Decimal(0), Decimal("2340.00"))]


def test_partner_line_needs_a_partner_and_in_kind_a_valuation(plan_world):
    with pytest.raises(ValidationError):
        services.budget_line_save(
            plan=plan_world.plan,
            acting=plan_world.cochair,
            category="travel",
            description="x",
            source="partner",
        )
    with pytest.raises(ValidationError):
        services.budget_line_save(
            plan=plan_world.plan,
            acting=plan_world.cochair,
            category="travel",
            description="x",
            kind="in_kind",
        )
    with pytest.raises(ValidationError):
        services.budget_line_save(
            plan=plan_world.plan,
            acting=plan_world.cochair,
            category="travel",
            description="x",
            currency="EUR",
        )


def test_volunteer_and_accept(plan_world, member, committee_member):
    volunteer = services.volunteer_offer(task=plan_world.task, acting=member, note="I translate.")
    with pytest.raises(ValidationError):
        services.volunteer_offer(task=plan_world.task, acting=member)
    services.volunteer_decide(volunteer=volunteer, acting=plan_world.cochair, accept=True)
    plan_world.task.refresh_from_db()
    assert (plan_world.task.assignee, plan_world.task.help_wanted) == (member, False)


def test_dates_checked(plan_world):
    with pytest.raises(ValidationError):
        services.deliverable_save(
            plan=plan_world.plan,
            acting=plan_world.cochair,
            title="x",
            starts_on=datetime.date(2025, 5, 1),
            due_on=datetime.date(2025, 4, 1),
        )


def test_a_returned_plan_goes_back_unchanged_only_with_a_comment(plan_world, committee_member):
    plan, chair = plan_world.plan, plan_world.cochair
    services.plan_submit(plan=plan, acting=chair)
    services.plan_review(plan=plan, acting=committee_member, approve=False, comment="Add travel.")
    plan.refresh_from_db()
    decisions = Decision.objects.count()

    with pytest.raises(ValidationError) as refused:
        services.plan_submit(plan=plan, acting=chair, comment="  ")
    assert "has not changed since the steering committee returned it" in refused.value.messages[0]
    plan.refresh_from_db()
    assert (plan.status, plan.version, Decision.objects.count()) == (PlanStatus.RETURNED, 1, decisions)

    decision = services.plan_submit(plan=plan, acting=chair, comment="Travel is paid by a partner.")
    plan.refresh_from_db()
    assert (plan.status, plan.version) == (PlanStatus.SUBMITTED, 2)
    assert decision.text == f"{plan.title}\n\nTravel is paid by a partner."


def test_a_returned_plan_that_changed_goes_back_without_a_comment(plan_world, committee_member):
    plan, chair = plan_world.plan, plan_world.cochair
    services.plan_submit(plan=plan, acting=chair)
    services.plan_review(plan=plan, acting=committee_member, approve=False, comment="Add travel.")
    plan.refresh_from_db()
    services.budget_line_save(
        plan=plan, acting=chair, category="travel", description="Flights", planned=Decimal("900")
    )

    services.plan_submit(plan=plan, acting=chair)

    assert WorkPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED
