"""Reads of work plans shaped for pages, exports and the API (STYLE §2)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Value,
    prefetch_related_objects,
)
from django.http import Http404
from django.utils import timezone

from convene.core.rules import ensure
from convene.groups.models import Group
from convene.groups.queries import group_for_viewer, led_group_ids

from . import extensions
from .models import (
    BudgetLine,
    Deliverable,
    FundingSource,
    HRNeed,
    Objective,
    PlanStatus,
    PlanVersion,
    Task,
    TaskStatus,
    Volunteer,
    VolunteerStatus,
    WorkPlan,
)


def plan_for_viewer(
    viewer,
    plan_id: int,
    *,
    group_slug: str | None = None,
    group: Group | None = None,
    perm: str = "plans.view_plan",
    for_update: bool = False,
) -> WorkPlan:
    """The plan ``viewer`` asks for, the one door every page and endpoint of a plan goes through
    (Zulip's ``access_user_group_for_update``).

    Http404 when the viewer may not know the plan exists: its group is one they may not see (the
    group of ``group_slug``, or any group when no slug is given) or the plan is not of that group.
    PermissionDenied when they see the group but may not read the plan (``plans.view_plan``) or may
    not do ``perm`` with it. ``group`` is a group the caller already fetched through
    ``group_for_viewer``. ``for_update`` locks the plan's row until the transaction ends.
    """
    if group is None and group_slug is not None:
        group = group_for_viewer(viewer=viewer, slug=group_slug)
    plans = WorkPlan.objects.select_related("group__kind", "created_by__profile")
    if group is not None:
        plans = plans.filter(group=group)
    else:
        plans = plans.filter(group__in=Group.objects.visible_to(viewer).values("pk"))
    if for_update:
        plans = plans.select_for_update(of=("self",))
    plan = plans.filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    if group is not None:
        plan.group = group  # the viewer's already-fetched group (its roles are cached on the viewer)
    ensure(viewer, "plans.view_plan", plan)
    if perm != "plans.view_plan":
        ensure(viewer, perm, plan)
    return plan


def task_for_viewer(viewer, task_id: int) -> Task:
    """A task of a group the viewer may see, or Http404 (what the viewer may do with it, the services
    decide)."""
    task = (
        Task.objects.filter(deliverable__plan__group__in=Group.objects.visible_to(viewer).values("pk"))
        .select_related("deliverable__plan__group")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise Http404
    return task


def volunteer_for_viewer(viewer, volunteer_id: int) -> Volunteer:
    """An offer to help with a task of a group the viewer may see, or Http404 (what the viewer may do
    with it, the services decide)."""
    volunteer = (
        Volunteer.objects.filter(
            task__deliverable__plan__group__in=Group.objects.visible_to(viewer).values("pk")
        )
        .select_related("person__profile")
        .filter(pk=volunteer_id)
        .first()
    )
    if volunteer is None:
        raise Http404
    return volunteer


def plans_of_group(group: Group):
    return WorkPlan.objects.filter(group=group).order_by("-starts_on", "-pk")


def plans_with_overdue_tasks(group: Group):
    """The group's plans, each with ``overdue_tasks``: tasks past their due date and neither done nor
    cancelled (as ``is_late`` reads one task), counted in the same query."""
    today = timezone.localdate()
    overdue = Q(deliverables__tasks__due_on__lt=today) & ~Q(
        deliverables__tasks__status__in=["done", "cancelled"]
    )
    return plans_of_group(group).annotate(overdue_tasks=Count("deliverables__tasks", filter=overdue))


def current_plan(group: Group) -> WorkPlan | None:
    """The plan a group works to: the approved one being revised or in force, else the newest."""
    plans = list(plans_of_group(group)[:10])
    for plan in plans:
        if plan.status in (PlanStatus.APPROVED, PlanStatus.REVISING):
            return plan
    return plans[0] if plans else None


def plan_parts(plan: WorkPlan) -> WorkPlan:
    """The plan read afresh with every part prefetched: objectives, deliverables with tasks, budget,
    HR needs (the documents and exports read what is in the database now)."""
    return WorkPlan.objects.select_related("group__kind").prefetch_related(*_part_lookups()).get(pk=plan.pk)


def with_parts(plan: WorkPlan) -> WorkPlan:
    """Every part prefetched onto the plan the caller has just read through plan_for_viewer (the
    page and the API): reading the plan again cost a query."""
    prefetch_related_objects([plan], *_part_lookups())
    return plan


def _part_lookups() -> list:
    tasks = Task.objects.select_related("assignee__profile").prefetch_related(
        "skills",
        Prefetch(
            "volunteers",
            queryset=Volunteer.objects.filter(status=VolunteerStatus.OFFERED).select_related(
                "person__profile"
            ),
            to_attr="open_offers",
        ),
    )
    deliverables = Deliverable.objects.select_related(
        "owner__profile", "objective", *extensions.deliverable_related()
    ).prefetch_related(Prefetch("tasks", queryset=tasks))
    budget = BudgetLine.objects.select_related("partner", "deliverable")
    hr = HRNeed.objects.select_related("filled_by__profile", "filled_by_organisation")
    return [
        Prefetch("objectives", queryset=Objective.objects.all()),
        Prefetch("deliverables", queryset=deliverables),
        Prefetch("budget_lines", queryset=budget),
        Prefetch("hr_needs", queryset=hr),
        "rates",
    ]


# --- Versions ------------------------------------------------------------------------------------


def _plain(value):
    if isinstance(value, Decimal):
        # format(…, "f"): str() of a normalized 5000.00 is "5E+3".
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _row(obj, names: list[str]) -> dict:
    row = {"id": obj.pk}
    for name in names:
        row[name] = _plain(getattr(obj, name))
    return row


SNAPSHOT_FIELDS = {
    "plan": ["title", "starts_on", "ends_on", "top_issues", "summary", "currency"],
    "objectives": ["title", "description"],
    "deliverables": [
        "title",
        "description",
        "objective_id",
        "owner_id",
        "starts_on",
        "due_on",
        "cost",
        "status",
    ],
    "tasks": [
        "deliverable_id",
        "title",
        "description",
        "assignee_id",
        "starts_on",
        "due_on",
        "status",
        "help_wanted",
    ],
    "results": ["parent_id", "level_id", "code", "statement"],
    "indicators": [
        "result_id",
        "code",
        "name",
        "definition",
        "unit",
        "direction",
        "cumulative",
        "frequency",
        "baseline_value",
        "baseline_on",
        "data_source",
        "verification",
        "responsible_id",
        "disaggregations",
    ],
    "targets": ["indicator_id", "starts_on", "ends_on", "life_of_plan", "value"],
    "rates": ["currency", "rate", "as_of"],
    "budget": [
        "category",
        "deliverable_id",
        "description",
        "currency",
        "planned",
        "actual",
        "source",
        "partner_id",
        "kind",
        "valuation",
    ],
    "hr_needs": [
        "role",
        "hours_per_month",
        "starts_on",
        "ends_on",
        "filled_by_id",
        "filled_by_organisation_id",
        "note",
    ],
}


def plan_snapshot(plan: WorkPlan) -> dict:
    """The whole plan as plain JSON: what a version keeps and what versions are compared on."""
    from convene.results.models import Indicator, Result, Target

    def rows(queryset, key):
        return [_row(obj, SNAPSHOT_FIELDS[key]) for obj in queryset]

    return {
        "plan": _row(plan, SNAPSHOT_FIELDS["plan"]),
        "objectives": rows(plan.objectives.all(), "objectives"),
        "deliverables": rows(plan.deliverables.all(), "deliverables"),
        "tasks": rows(Task.objects.filter(deliverable__plan=plan), "tasks"),
        "results": rows(Result.objects.filter(plan=plan), "results"),
        "indicators": rows(Indicator.objects.filter(plan=plan), "indicators"),
        "targets": rows(Target.objects.filter(indicator__plan=plan), "targets"),
        "rates": rows(plan.rates.all(), "rates"),
        "budget": rows(plan.budget_lines.all(), "budget"),
        "hr_needs": rows(plan.hr_needs.all(), "hr_needs"),
    }


@dataclass
class Change:
    section: str
    kind: str  # added, removed, changed
    label: str
    fields: list[tuple[str, object, object]] = field(default_factory=list)  # (name, before, after)


def _label(row: dict) -> str:
    for name in ("title", "name", "statement", "description", "role", "currency"):
        if row.get(name):
            return str(row[name])
    return f"#{row.get('id')}"


def snapshot_compare(before: dict, after: dict) -> list[Change]:
    """What changed from one version of a plan to another, section by section."""
    changes: list[Change] = []
    for section in SNAPSHOT_FIELDS:
        if section == "plan":
            old, new = before.get("plan", {}), after.get("plan", {})
            fields = [
                (n, old.get(n), new.get(n)) for n in SNAPSHOT_FIELDS["plan"] if old.get(n) != new.get(n)
            ]
            if fields:
                changes.append(Change("plan", "changed", _label(new), fields))
            continue
        old_rows = {row["id"]: row for row in before.get(section, [])}
        new_rows = {row["id"]: row for row in after.get(section, [])}
        for pk, row in new_rows.items():
            if pk not in old_rows:
                changes.append(Change(section, "added", _label(row)))
            else:
                fields = [
                    (n, old_rows[pk].get(n), row.get(n))
                    for n in SNAPSHOT_FIELDS[section]
                    if old_rows[pk].get(n) != row.get(n)
                ]
                if fields:
                    changes.append(Change(section, "changed", _label(row), fields))
        for pk, row in old_rows.items():
            if pk not in new_rows:
                changes.append(Change(section, "removed", _label(row)))
    return changes


def versions_of(plan: WorkPlan):
    return (
        PlanVersion.objects.filter(plan=plan)
        .select_related("created_by__profile", "decision")
        .order_by("-number", "-pk")
    )


# --- Budget --------------------------------------------------------------------------------------


@dataclass
class BudgetSummary:
    currency: str
    planned: Decimal = Decimal(0)
    actual: Decimal = Decimal(0)
    funded: Decimal = Decimal(0)  # network funds and partner contributions
    gap: Decimal = Decimal(0)  # not yet funded: what the committee raises funds for
    by_category: dict = field(default_factory=dict)
    by_source: dict = field(default_factory=dict)
    partners: list = field(default_factory=list)  # (organisation, cash, in kind)
    missing_rates: list = field(default_factory=list)


def budget_of(plan: WorkPlan) -> tuple[list[BudgetLine], list]:
    """The plan's budget lines (partner and deliverable fetched) and its stored rates."""
    lines = list(
        BudgetLine.objects.filter(plan=plan)
        .select_related("partner", "deliverable")
        .order_by("category", "position", "pk")
    )
    return lines, list(plan.rates.all())


def hr_needs_of(plan: WorkPlan) -> list[HRNeed]:
    return list(
        HRNeed.objects.filter(plan=plan)
        .select_related("filled_by__profile", "filled_by_organisation")
        .order_by(F("starts_on").asc(nulls_first=True), "pk")
    )


def timeline_of(plan: WorkPlan) -> list[Deliverable]:
    """The plan's deliverables in order, each with its tasks prefetched (the timeline's rows)."""
    return list(
        Deliverable.objects.filter(plan=plan)
        .order_by("position", F("due_on").asc(nulls_last=True), "pk")
        .prefetch_related(
            Prefetch(
                "tasks", queryset=Task.objects.order_by("position", F("due_on").asc(nulls_last=True), "pk")
            )
        )
    )


def to_reporting(
    amount: Decimal | None, currency: str, plan: WorkPlan, rates: dict[str, Decimal]
) -> Decimal | None:
    if amount is None:
        return None
    if currency == plan.currency:
        return amount
    rate = rates.get(currency)
    return None if rate is None else (amount * rate).quantize(Decimal("0.01"))


def budget_summary(plan: WorkPlan, lines=None, rates=None) -> BudgetSummary:
    """Totals in the plan's reporting currency at the rates stored with the plan."""
    lines = list(plan.budget_lines.all()) if lines is None else lines
    rates = {r.currency: r.rate for r in (plan.rates.all() if rates is None else rates)}
    summary = BudgetSummary(currency=plan.currency)
    by_category: dict[str, Decimal] = defaultdict(Decimal)
    by_source: dict[str, Decimal] = defaultdict(Decimal)
    partners: dict[int, list] = {}
    for line in lines:
        planned = to_reporting(line.planned, line.currency, plan, rates)
        if planned is None:
            if line.currency not in summary.missing_rates:
                summary.missing_rates.append(line.currency)
            continue
        actual = to_reporting(line.actual, line.currency, plan, rates) or Decimal(0)
        summary.planned += planned
        summary.actual += actual
        by_category[line.category] += planned
        by_source[line.source] += planned
        if line.source == FundingSource.NEEDED:
            summary.gap += planned
        else:
            summary.funded += planned
        if line.source == FundingSource.PARTNER and line.partner_id:
            entry = partners.setdefault(line.partner_id, [line.partner, Decimal(0), Decimal(0)])
            entry[1 if line.kind == "cash" else 2] += planned
    summary.by_category = dict(by_category)
    summary.by_source = dict(by_source)
    summary.partners = [tuple(v) for v in partners.values()]
    return summary


# --- Help wanted ---------------------------------------------------------------------------------


def help_wanted_for(person, *, matching_only: bool = False):
    """Open "help wanted" tasks of open groups, those matching the person's expertise first."""
    from convene.groups.models import OPEN_STATUSES

    qs = (
        Task.objects.filter(
            help_wanted=True,
            status=TaskStatus.TODO,
            assignee__isnull=True,
            deliverable__plan__status__in=[
                PlanStatus.APPROVED,
                PlanStatus.REVISING,
                PlanStatus.SUBMITTED,
                PlanStatus.DRAFT,
            ],
            deliverable__plan__group__status__in=OPEN_STATUSES,
        )
        .select_related("deliverable__plan__group")
        .prefetch_related("skills")
    )
    expertise = []
    profile = getattr(person, "profile", None) if person is not None and person.is_authenticated else None
    if profile is not None:
        expertise = list(profile.topics.values_list("pk", flat=True))
    # ``matches``: the task needs one of the person's expertise topics; those come first.
    if expertise:
        wanted = Task.skills.through.objects.filter(task_id=OuterRef("pk"), topic_id__in=expertise)
        qs = qs.annotate(matches=Exists(wanted))
    else:
        qs = qs.annotate(matches=Value(False, output_field=BooleanField()))
    if matching_only:
        qs = qs.filter(matches=True) if expertise else qs.none()
    qs = qs.order_by("-matches", F("due_on").asc(nulls_last=True), "pk")
    return qs, set(expertise)


def offers_to_answer(person, *, limit: int = 50):
    """Open offers of volunteers on tasks of the groups the person co-chairs (oldest first, bounded)."""
    led = led_group_ids(person)
    if not led:
        return []
    return list(
        Volunteer.objects.filter(status=VolunteerStatus.OFFERED, task__deliverable__plan__group_id__in=led)
        .select_related("person__profile", "task__deliverable__plan__group")
        .order_by("created_at", "pk")[:limit]
    )


def offers_of(person, *, limit: int = 50):
    """The person's own offers still open or accepted, newest first (bounded)."""
    if person is None or not person.is_authenticated:
        return []
    return list(
        Volunteer.objects.filter(
            person=person, status__in=[VolunteerStatus.OFFERED, VolunteerStatus.ACCEPTED]
        )
        .select_related("task__deliverable__plan__group")
        .order_by("-created_at", "-pk")[:limit]
    )


def is_late(due_on: date | None, status: str, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return bool(due_on and due_on < today and status not in ("done", "cancelled"))


def late_deliverables(plan: WorkPlan):
    today = timezone.localdate()
    return plan.deliverables.filter(Q(due_on__lt=today) & ~Q(status__in=["done", "cancelled"]))


def plans_to_review(*, limit: int = 20) -> list[WorkPlan]:
    """Work plans submitted and waiting for the steering committee, longest waiting first."""
    return list(
        WorkPlan.objects.filter(status=PlanStatus.SUBMITTED)
        .select_related("group")
        .order_by(F("submitted_on").asc(nulls_last=True), "pk")[:limit]
    )
