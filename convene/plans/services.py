"""Every write to a work plan (STYLE §1): the plan and its parts, the review by the committee, versions,
volunteers, budget and human resources.

Edits of records two co-chairs may change at once take the ``revision`` the editor started from and
raise ``core.concurrency.EditConflict`` instead of overwriting someone else's save.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from convene.core.concurrency import revision_save
from convene.core.errors import StateConflict
from convene.core.rules import can, ensure
from convene.core.tasks import enqueue_on_commit
from convene.governance.models import Decision, DecisionEffect, DecisionOutcome
from convene.governance.services import decision_record
from convene.groups.models import Group
from convene.people.models import Person

from . import tasks
from .models import (
    BudgetLine,
    ContributionKind,
    Deliverable,
    ExchangeRate,
    FundingSource,
    HRNeed,
    Objective,
    PlanComment,
    PlanStatus,
    PlanVersion,
    Task,
    Volunteer,
    VolunteerStatus,
    WorkPlan,
)

PLAN_FIELDS = {"title", "starts_on", "ends_on", "top_issues", "summary"}
OBJECTIVE_FIELDS = {"title", "description", "position"}
DELIVERABLE_FIELDS = {
    "objective",
    "title",
    "description",
    "owner",
    "starts_on",
    "due_on",
    "cost",
    "status",
    "position",
}
TASK_FIELDS = {"title", "description", "assignee", "starts_on", "due_on", "status", "help_wanted", "position"}
BUDGET_FIELDS = {
    "category",
    "deliverable",
    "description",
    "currency",
    "planned",
    "actual",
    "source",
    "partner",
    "kind",
    "valuation",
    "position",
}
HR_FIELDS = {"role", "hours_per_month", "starts_on", "ends_on", "filled_by", "filled_by_organisation", "note"}
# What co-chairs keep up to date while an approved plan runs, without a new version.
PROGRESS_FIELDS = {
    Deliverable: {"status"},
    Task: {"status", "assignee"},
    BudgetLine: {"actual"},
    HRNeed: {"filled_by", "filled_by_organisation", "note"},
}


def _today() -> date:
    return timezone.localdate()


def lock_plan(plan: WorkPlan) -> WorkPlan:
    """The plan read again and locked until the transaction ends: every write to a plan or one of its
    parts (results framework included) takes this lock first, so two writes to one plan queue up."""
    return WorkPlan.objects.select_for_update(of=("self",)).select_related("group").get(pk=plan.pk)


def check_fields(fields: dict, allowed: set[str]) -> None:
    """A service's ``**fields`` are among those it may change (a programming error, not bad input)."""
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def _ensure_edit(acting: Person, plan: WorkPlan, model, fields: dict) -> None:
    """Editing the plan needs an editable plan; a running plan's progress fields may change too."""
    if can(acting, "plans.edit_plan", plan):
        return
    if set(fields) <= PROGRESS_FIELDS.get(model, set()) and can(acting, "plans.update_progress", plan):
        return
    raise PermissionDenied("plans.edit_plan")


def validate_fields(obj, exclude=()) -> None:
    """The model's own validation before a part of a plan is saved: not ``revision`` (the edit's
    concurrency check owns it), nor uniqueness and constraints (the database enforces them)."""
    obj.full_clean(exclude=[*exclude, "revision"], validate_unique=False, validate_constraints=False)


# --- The plan ------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    group: Group,
    acting: Person,
    title: str,
    starts_on: date,
    ends_on: date,
    top_issues: str = "",
    summary: str = "",
) -> WorkPlan:
    """The co-chairs start a work plan for a period. One plan at a time is drafted or under review."""
    ensure(acting, "plans.create_plan", group)
    Group.objects.select_for_update(of=("self",)).get(pk=group.pk)
    busy = WorkPlan.objects.filter(
        group=group,
        status__in=[PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.RETURNED, PlanStatus.REVISING],
    )
    if busy.exists():
        raise StateConflict(
            _("This group already has a work plan being written or reviewed: finish it first.")
        )
    plan = WorkPlan(
        group=group,
        title=" ".join(title.split()),
        starts_on=starts_on,
        ends_on=ends_on,
        top_issues=top_issues.strip(),
        summary=summary.strip(),
        currency=settings.CONVENE_CURRENCY,
        created_by=acting,
    )
    _validate_plan(plan)
    plan._history_user = acting
    plan.save()
    return plan


def _validate_plan(plan: WorkPlan) -> None:
    if not plan.title:
        raise ValidationError({"title": _("A work plan needs a title.")})
    if plan.starts_on and plan.ends_on and plan.ends_on < plan.starts_on:
        raise ValidationError({"ends_on": _("The period cannot end before it starts.")})
    validate_fields(plan, exclude=["group", "created_by"])


@transaction.atomic
def plan_update(*, plan: WorkPlan, acting: Person, revision: int | None, **fields) -> WorkPlan:
    check_fields(fields, PLAN_FIELDS)
    plan = lock_plan(plan)
    ensure(acting, "plans.edit_plan", plan)
    if "title" in fields:
        fields["title"] = " ".join(fields["title"].split())
    probe = WorkPlan(**{**{f: getattr(plan, f) for f in PLAN_FIELDS}, **fields}, group=plan.group)
    _validate_plan(probe)
    revision_save(plan, revision=revision, changes=fields, acting=acting)
    return plan


# --- Parts of the plan -----------------------------------------------------------------------------


def _save_part(
    model, *, plan: WorkPlan, instance, revision, fields: dict, allowed: set[str], acting: Person, **fixed
):
    """Create or edit one part of a plan (objective, deliverable, task, budget line, HR need)."""
    check_fields(fields, allowed)
    plan = lock_plan(plan)
    if instance is None:
        ensure(acting, "plans.edit_plan", plan)
        instance = model(**fixed, **fields)
        validate_fields(instance, exclude=[k.removesuffix("_id") for k in fixed])
        instance._history_user = acting
        instance.save()
        return instance
    instance = model.objects.select_for_update(of=("self",)).get(pk=instance.pk)
    _ensure_edit(acting, plan, model, fields)
    probe = model(**{f.attname: getattr(instance, f.attname) for f in model._meta.concrete_fields})
    for name, value in fields.items():
        setattr(probe, name, value)
    validate_fields(probe, exclude=[k.removesuffix("_id") for k in fixed])
    revision_save(instance, revision=revision, changes=fields, acting=acting)
    return instance


def _delete_part(instance, *, plan: WorkPlan, acting: Person) -> None:
    plan = lock_plan(plan)
    ensure(acting, "plans.edit_plan", plan)
    instance._history_user = acting
    instance.delete()


def _same_plan(plan: WorkPlan, **related) -> None:
    for name, obj in related.items():
        if obj is not None and getattr(obj, "plan_id", plan.pk) != plan.pk:
            raise ValidationError({name: _("This belongs to another work plan.")})


@transaction.atomic
def objective_save(
    *,
    plan: WorkPlan,
    acting: Person,
    objective: Objective | None = None,
    revision: int | None = None,
    **fields,
) -> Objective:
    return _save_part(
        Objective,
        plan=plan,
        instance=objective,
        revision=revision,
        fields=fields,
        allowed=OBJECTIVE_FIELDS,
        acting=acting,
        plan_id=plan.pk,
    )


@transaction.atomic
def objective_delete(*, objective: Objective, acting: Person) -> None:
    _delete_part(objective, plan=objective.plan, acting=acting)


@transaction.atomic
def deliverable_save(
    *,
    plan: WorkPlan,
    acting: Person,
    deliverable: Deliverable | None = None,
    revision: int | None = None,
    **fields,
) -> Deliverable:
    _same_plan(plan, objective=fields.get("objective"))
    _check_dates(fields, deliverable)
    return _save_part(
        Deliverable,
        plan=plan,
        instance=deliverable,
        revision=revision,
        fields=fields,
        allowed=DELIVERABLE_FIELDS,
        acting=acting,
        plan_id=plan.pk,
    )


def _check_dates(fields: dict, instance=None) -> None:
    starts = fields.get("starts_on", getattr(instance, "starts_on", None))
    due = fields.get("due_on", getattr(instance, "due_on", None))
    if starts and due and due < starts:
        raise ValidationError({"due_on": _("The due date cannot come before the start.")})


@transaction.atomic
def deliverable_delete(*, deliverable: Deliverable, acting: Person) -> None:
    _delete_part(deliverable, plan=deliverable.plan, acting=acting)


@transaction.atomic
def task_save(
    *,
    deliverable: Deliverable,
    acting: Person,
    task: Task | None = None,
    revision: int | None = None,
    skills=None,
    **fields,
) -> Task:
    _check_dates(fields, task)
    task = _save_part(
        Task,
        plan=deliverable.plan,
        instance=task,
        revision=revision,
        fields=fields,
        allowed=TASK_FIELDS,
        acting=acting,
        deliverable_id=deliverable.pk,
    )
    if skills is not None:
        ensure(acting, "plans.edit_plan", deliverable.plan)
        task.skills.set(skills)
    return task


@transaction.atomic
def task_delete(*, task: Task, acting: Person) -> None:
    _delete_part(task, plan=task.deliverable.plan, acting=acting)


# The deliverable a plan's tasks from meetings go under when the meeting chose none.
MEETING_FOLLOW_UP = gettext_noop("Follow-up of meetings")


@transaction.atomic
def task_add_from_meeting(
    *,
    plan: WorkPlan,
    acting: Person,
    title: str,
    assignee: Person | None = None,
    due_on: date | None = None,
    deliverable: Deliverable | None = None,
) -> Task:
    """An action item of a meeting becomes a task of the plan in force. Adding a task is progress
    work, which the plan's leads may do on an approved plan (like reporting progress); it goes under
    the deliverable the meeting chose, else under the plan's "Follow-up of meetings" deliverable."""
    plan = lock_plan(plan)
    ensure(acting, "plans.update_progress", plan)
    if deliverable is None:
        deliverable = Deliverable.objects.filter(plan=plan, title=MEETING_FOLLOW_UP).first()
        if deliverable is None:
            last = plan.deliverables.order_by("-position").values_list("position", flat=True).first() or 0
            deliverable = Deliverable(plan=plan, title=MEETING_FOLLOW_UP, position=last + 1)
            deliverable._history_user = acting
            deliverable.save()
    elif deliverable.plan_id != plan.pk:
        raise ValidationError({"deliverable": _("This belongs to another work plan.")})
    task = Task(
        deliverable=deliverable, title=" ".join(title.split())[:300], assignee=assignee, due_on=due_on
    )
    validate_fields(task, exclude=["deliverable"])
    task._history_user = acting
    task.save()
    return task


@transaction.atomic
def comment_add(*, plan: WorkPlan, acting: Person, body: str) -> PlanComment:
    ensure(acting, "plans.comment", plan)
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    return PlanComment.objects.create(plan=plan, author=acting, body=body)


# --- Review: submit, approve or return, revise -----------------------------------------------------


def _version(plan: WorkPlan, *, acting: Person, decision: Decision) -> PlanVersion:
    from .queries import plan_snapshot

    return PlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        status=plan.status,
        snapshot=plan_snapshot(plan),
        decision=decision,
        created_by=acting,
    )


def _unchanged_since_submitted(plan: WorkPlan) -> bool:
    """Whether the plan reads exactly as the version last submitted (the one the committee returned)."""
    from .queries import plan_snapshot, snapshot_compare

    last = (
        PlanVersion.objects.filter(plan=plan, status=PlanStatus.SUBMITTED).order_by("-number", "-pk").first()
    )
    return last is not None and not snapshot_compare(last.snapshot, plan_snapshot(plan))


@transaction.atomic
def plan_submit(*, plan: WorkPlan, acting: Person, comment: str = "") -> Decision:
    """The co-chairs send the plan to the steering committee; the submitted version is kept.

    A plan the committee returned goes back changed, or with the co-chairs' comment on why it should
    stand as it is: sending the very plan the committee just returned, silently, answers nothing."""
    plan = lock_plan(plan)
    ensure(acting, "plans.submit", plan)
    comment = comment.strip()
    if not plan.deliverables.exists():
        raise ValidationError(_("Add at least one deliverable before submitting the work plan."))
    if plan.status == PlanStatus.RETURNED and not comment and _unchanged_since_submitted(plan):
        raise ValidationError(
            {
                "comment": _(
                    "The plan has not changed since the steering committee returned it. Change it as "
                    "the committee asked, or say in a comment why it should be approved as it is."
                )
            }
        )
    today = _today()
    plan.status = PlanStatus.SUBMITTED
    plan.version += 1
    plan.submitted_on = today
    plan._history_user = acting
    plan.save(update_fields=["status", "version", "submitted_on", "updated_at"])
    decision = decision_record(
        group=plan.group,
        acting=acting,
        title=("workplan_submitted", {"group": plan.group.name, "version": plan.version}),
        text=f"{plan.title}\n\n{comment}" if comment else plan.title,
        outcome=DecisionOutcome.NOTED,
        effect=DecisionEffect.WORKPLAN_SUBMITTED,
        decided_on=today,
        on_behalf=False,
    )
    _version(plan, acting=acting, decision=decision)
    group = plan.group
    if group.workplan_received_on is None:
        group.workplan_received_on = today
        group.save(update_fields=["workplan_received_on", "updated_at"])
    enqueue_on_commit(tasks.notify_plan_submitted, plan.pk)
    return decision


@transaction.atomic
def plan_review(
    *, plan: WorkPlan, acting: Person, approve: bool, comment: str = "", decided_on: date | None = None
) -> Decision:
    """The steering committee approves the submitted plan or returns it with comments."""
    plan = lock_plan(plan)
    ensure(acting, "plans.review", plan)
    comment = comment.strip()
    if not approve and not comment:
        raise ValidationError({"comment": _("Say what should change when returning a work plan.")})
    decided_on = decided_on or _today()
    if approve:
        plan.status, plan.approved_on = PlanStatus.APPROVED, decided_on
        outcome, effect = DecisionOutcome.APPROVED, DecisionEffect.WORKPLAN_APPROVED
        title_kind = "workplan_approved"
    else:
        plan.status = PlanStatus.RETURNED
        outcome, effect = DecisionOutcome.CHANGES_REQUESTED, DecisionEffect.WORKPLAN_RETURNED
        title_kind = "workplan_returned"
    plan.review_comment = comment
    plan._history_user = acting
    plan.save(update_fields=["status", "approved_on", "review_comment", "updated_at"])
    decision = decision_record(
        group=plan.group,
        acting=acting,
        title=(title_kind, {"group": plan.group.name, "version": plan.version}),
        text=comment,
        outcome=outcome,
        effect=effect,
        decided_on=decided_on,
    )
    _version(plan, acting=acting, decision=decision)
    if comment:
        PlanComment.objects.create(plan=plan, author=acting, body=comment)
    enqueue_on_commit(tasks.notify_plan_reviewed, decision.pk)
    return decision


@transaction.atomic
def plan_revise(*, plan: WorkPlan, acting: Person) -> WorkPlan:
    """An approved plan is opened for a revision; the approved version stays in the versions."""
    plan = lock_plan(plan)
    ensure(acting, "plans.revise", plan)
    plan.status = PlanStatus.REVISING
    plan._history_user = acting
    plan.save(update_fields=["status", "updated_at"])
    return plan


# --- Help wanted ----------------------------------------------------------------------------------


@transaction.atomic
def volunteer_offer(*, task: Task, acting: Person, note: str = "") -> Volunteer:
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("deliverable__plan__group")
        .get(pk=task.pk)
    )
    ensure(acting, "plans.volunteer", task)
    if Volunteer.objects.filter(
        task=task, person=acting, status__in=[VolunteerStatus.OFFERED, VolunteerStatus.ACCEPTED]
    ).exists():
        raise StateConflict(_("You have already offered to help with this task."))
    volunteer = Volunteer.objects.create(task=task, person=acting, note=note.strip())
    enqueue_on_commit(tasks.notify_volunteer_offer, volunteer.pk)
    return volunteer


@transaction.atomic
def volunteer_withdraw(*, volunteer: Volunteer, acting: Person) -> Volunteer:
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.person_id != acting.pk:
        raise PermissionDenied("plans.volunteer")
    if volunteer.status != VolunteerStatus.OFFERED:
        raise StateConflict(_("Only an offer still open can be withdrawn."))
    volunteer.status, volunteer.decided_at = VolunteerStatus.WITHDRAWN, timezone.now()
    volunteer.save(update_fields=["status", "decided_at"])
    return volunteer


@transaction.atomic
def volunteer_decide(*, volunteer: Volunteer, acting: Person, accept: bool) -> Volunteer:
    """A co-chair accepts a volunteer (who becomes the task's assignee) or declines the offer."""
    volunteer = Volunteer.objects.select_for_update().select_related("task").get(pk=volunteer.pk)
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("deliverable__plan__group")
        .get(pk=volunteer.task_id)
    )
    ensure(acting, "plans.manage_volunteers", task)
    if volunteer.status != VolunteerStatus.OFFERED:
        raise StateConflict(_("This offer has already been answered."))
    now = timezone.now()
    if accept:
        if task.assignee_id is not None:
            raise StateConflict(_("This task already has someone assigned."))
        volunteer.status = VolunteerStatus.ACCEPTED
        task.assignee_id, task.help_wanted = volunteer.person_id, False
        task.revision += 1
        task._history_user = acting
        task.save(update_fields=["assignee", "help_wanted", "revision"])
        Volunteer.objects.filter(task=task, status=VolunteerStatus.OFFERED).exclude(pk=volunteer.pk).update(
            status=VolunteerStatus.DECLINED, decided_at=now
        )
    else:
        volunteer.status = VolunteerStatus.DECLINED
    volunteer.decided_at = now
    volunteer.save(update_fields=["status", "decided_at"])
    enqueue_on_commit(tasks.notify_volunteer_answer, volunteer.pk)
    return volunteer


# --- Budget and human resources -------------------------------------------------------------------


def _currency(code: str) -> str:
    code = (code or "").strip().upper()
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        raise ValidationError(
            {"currency": _("Give the currency as a three-letter ISO code, such as USD or KES.")}
        )
    return code


@transaction.atomic
def rate_set(
    *, plan: WorkPlan, acting: Person, currency: str, rate: Decimal, as_of: date | None = None
) -> ExchangeRate:
    """Store the rate of a currency to the plan's reporting currency with the plan."""
    plan = lock_plan(plan)
    ensure(acting, "plans.edit_plan", plan)
    currency = _currency(currency)
    if currency == plan.currency:
        raise ValidationError({"currency": _("The reporting currency needs no rate.")})
    if rate is None or Decimal(rate) <= 0:
        raise ValidationError({"rate": _("A rate must be more than zero.")})
    obj, _created = ExchangeRate.objects.update_or_create(
        plan=plan, currency=currency, defaults={"rate": Decimal(rate), "as_of": as_of}
    )
    return obj


@transaction.atomic
def rate_delete(*, rate: ExchangeRate, acting: Person) -> None:
    plan = lock_plan(rate.plan)
    ensure(acting, "plans.edit_plan", plan)
    if plan.budget_lines.filter(currency=rate.currency).exists():
        raise ValidationError(_("Budget lines still use this currency."))
    rate.delete()


def _check_budget(plan: WorkPlan, fields: dict, line: BudgetLine | None) -> None:
    def value(name):
        return fields.get(name, getattr(line, name, None) if line else None)

    if "currency" in fields:
        fields["currency"] = _currency(fields["currency"])
    currency = value("currency") or plan.currency
    if currency != plan.currency and not plan.rates.filter(currency=currency).exists():
        raise ValidationError(
            {
                "currency": _("Store the rate of %(currency)s to %(network)s with the plan first.")
                % {"currency": currency, "network": plan.currency}
            }
        )
    source = value("source") or FundingSource.NETWORK
    if source == FundingSource.PARTNER and value("partner") is None:
        raise ValidationError({"partner": _("Name the partner organisation that contributes.")})
    if source != FundingSource.PARTNER and "partner" not in fields and line is None:
        fields["partner"] = None
    if value("kind") == ContributionKind.IN_KIND and not (value("valuation") or "").strip():
        raise ValidationError({"valuation": _("Say how the in-kind contribution was valued.")})
    _same_plan(plan, deliverable=fields.get("deliverable"))


@transaction.atomic
def budget_line_save(
    *, plan: WorkPlan, acting: Person, line: BudgetLine | None = None, revision: int | None = None, **fields
) -> BudgetLine:
    if line is None:
        fields.setdefault("currency", plan.currency)
    _check_budget(plan, fields, line)
    return _save_part(
        BudgetLine,
        plan=plan,
        instance=line,
        revision=revision,
        fields=fields,
        allowed=BUDGET_FIELDS,
        acting=acting,
        plan_id=plan.pk,
    )


@transaction.atomic
def budget_line_delete(*, line: BudgetLine, acting: Person) -> None:
    _delete_part(line, plan=line.plan, acting=acting)


@transaction.atomic
def hr_need_save(
    *, plan: WorkPlan, acting: Person, need: HRNeed | None = None, revision: int | None = None, **fields
) -> HRNeed:
    starts = fields.get("starts_on", getattr(need, "starts_on", None))
    ends = fields.get("ends_on", getattr(need, "ends_on", None))
    if starts and ends and ends < starts:
        raise ValidationError({"ends_on": _("The period cannot end before it starts.")})
    return _save_part(
        HRNeed,
        plan=plan,
        instance=need,
        revision=revision,
        fields=fields,
        allowed=HR_FIELDS,
        acting=acting,
        plan_id=plan.pk,
    )


@transaction.atomic
def hr_need_delete(*, need: HRNeed, acting: Person) -> None:
    _delete_part(need, plan=need.plan, acting=acting)
