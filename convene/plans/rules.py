"""Who may do what with work plans (STYLE §5). Predicates take a plan, or a group where noted."""

import rules

from convene.core.rules import is_member, is_secretariat, is_steering_committee
from convene.groups.rules import current_roles

from .models import EDITABLE_STATUSES, PlanStatus

is_committee_or_secretariat = is_steering_committee | is_secretariat


def _group_of(obj):
    """The group a plan, a deliverable, a task or the group itself belongs to."""
    from convene.groups.models import Group

    if obj is None:
        return None
    if isinstance(obj, Group):
        return obj
    for path in ("group", "plan", "deliverable", "indicator", "task"):
        if hasattr(obj, f"{path}_id"):
            return _group_of(getattr(obj, path))
    return None


def _plan_of(obj):
    from .models import WorkPlan

    if obj is None or isinstance(obj, WorkPlan):
        return obj
    for path in ("plan", "deliverable", "indicator", "task"):
        if hasattr(obj, f"{path}_id"):
            return _plan_of(getattr(obj, path))
    return None


@rules.predicate
def leads_group(person, obj) -> bool:
    group = _group_of(obj)
    return group is not None and current_roles(person).get(group.pk) == "cochair"


@rules.predicate
def in_group(person, obj) -> bool:
    group = _group_of(obj)
    return group is not None and group.pk in current_roles(person)


@rules.predicate
def group_open(person, obj) -> bool:
    group = _group_of(obj)
    return group is not None and group.is_open


@rules.predicate
def plan_editable(person, obj) -> bool:
    plan = _plan_of(obj)
    return plan is not None and plan.status in EDITABLE_STATUSES


@rules.predicate
def plan_submitted(person, obj) -> bool:
    plan = _plan_of(obj)
    return plan is not None and plan.status == PlanStatus.SUBMITTED


@rules.predicate
def plan_approved(person, obj) -> bool:
    plan = _plan_of(obj)
    return plan is not None and plan.status == PlanStatus.APPROVED


@rules.predicate
def plan_in_force(person, obj) -> bool:
    """Results are reported against an approved plan (also while its revision is drafted)."""
    plan = _plan_of(obj)
    return plan is not None and plan.status in (PlanStatus.APPROVED, PlanStatus.REVISING)


@rules.predicate
def task_open_for_help(person, task) -> bool:
    return task is not None and task.help_wanted and task.status == "todo" and task.assignee_id is None


leads = leads_group | is_secretariat

rules.add_perm("plans.view_plan", is_member | is_committee_or_secretariat | in_group)
rules.add_perm("plans.create_plan", group_open & leads)  # obj: the group
rules.add_perm("plans.edit_plan", group_open & plan_editable & leads)
rules.add_perm("plans.comment", group_open & (in_group | is_committee_or_secretariat))
rules.add_perm("plans.submit", group_open & plan_editable & leads)
rules.add_perm("plans.review", plan_submitted & is_committee_or_secretariat)
rules.add_perm("plans.revise", group_open & plan_approved & leads)
rules.add_perm(
    "plans.update_progress", group_open & plan_in_force & leads
)  # statuses of deliverables, tasks, actual amounts
rules.add_perm("plans.volunteer", group_open & task_open_for_help & is_member)  # obj: the task
rules.add_perm("plans.manage_volunteers", group_open & leads)  # obj: the task
rules.add_perm("plans.export", is_member | is_committee_or_secretariat | in_group)
