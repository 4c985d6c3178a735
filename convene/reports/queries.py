"""Reads the reports need (STYLE §2): waiting imports, group updates and their figures, the committee's
dashboard."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from django.db.models import Count, Exists, F, Func, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from convene.core.rules import can
from convene.groups.models import OPEN_STATUSES, Group, GroupMembership, MeetingFrequency, MembershipStatus
from convene.groups.rules import is_cochair
from convene.meetings.models import Attendance, Meeting, MeetingStatus, Presence
from convene.plans.models import (
    Deliverable,
    DeliverableStatus,
    PlanImport,
    PlanImportStatus,
    PlanStatus,
    Task,
    TaskStatus,
    WorkPlan,
)
from convene.plans.queries import BudgetSummary, budget_summary, current_plan, late_deliverables
from convene.results import progress
from convene.results.models import Indicator, Target
from convene.results.progress import Status
from convene.results.queries import approved_readings, progress_of

from .models import GroupUpdate, UpdateComment, UpdateReminder, UpdateStatus
from .rules import is_committee_or_secretariat

# An upload still being checked after this long lost its task (a crashed worker, a lost message).
IMPORT_CHECK_LOST_AFTER = timedelta(minutes=5)


def plan_imports_waiting(*, limit: int = 100) -> list[int]:
    """The ids of the uploads a lost task or a crashed worker left waiting for their check."""
    return list(
        PlanImport.objects.filter(
            status=PlanImportStatus.CHECKING, created_at__lt=timezone.now() - IMPORT_CHECK_LOST_AFTER
        ).values_list("pk", flat=True)[:limit]
    )


# --- Group updates ---------------------------------------------------------------------------------
# Updates follow the cadence of the group's kind (GroupKind.update_months: every 1, 3, 6 or 12 months,
# quarterly by default): each covers one such calendar period and is due 30 days after it ends.
UPDATE_DUE_AFTER = timedelta(days=30)
QUARTERLY = 3
# Meetings a charter's cadence asks for, per day (``as needed`` asks for none in particular).
MEETINGS_PER_DAY = {
    MeetingFrequency.WEEKLY: 1 / 7,
    MeetingFrequency.FORTNIGHTLY: 1 / 14,
    MeetingFrequency.MONTHLY: 12 / 365,
    MeetingFrequency.BIMONTHLY: 6 / 365,
    MeetingFrequency.QUARTERLY: 4 / 365,
}
DASHBOARD_MEETING_DAYS = 90
ON_TRACK = (Status.ON_TRACK, Status.AHEAD)
OFF_TRACK = (Status.BEHIND,)


def period_of(day: date, months: int = QUARTERLY) -> tuple[date, date]:
    """The reporting period of ``months`` months (1, 3, 6 or 12: the calendar month, quarter, half-year
    or year) that ``day`` falls in: (first day, last day)."""
    if 12 % months:
        raise ValueError(f"a reporting period divides the year: not {months} months")
    first_month = months * ((day.month - 1) // months) + 1
    starts = date(day.year, first_month, 1)
    after = first_month + months
    following = date(day.year + 1, 1, 1) if after > 12 else date(day.year, after, 1)
    return starts, following - timedelta(days=1)


def quarter_of(day: date) -> tuple[date, date]:
    """The calendar quarter ``day`` falls in: (first day, last day)."""
    return period_of(day, QUARTERLY)


def due_on(period_ends: date) -> date:
    return period_ends + UPDATE_DUE_AFTER


def last_ended_period(today: date, months: int = QUARTERLY) -> tuple[date, date]:
    starts, _ends = period_of(today, months)
    return period_of(starts - timedelta(days=1), months)


def last_ended_quarter(today: date) -> tuple[date, date]:
    return last_ended_period(today, QUARTERLY)


@dataclass(frozen=True)
class UpdateDue:
    """Where a group stands with its updates today: the period it owes (the last ended one, when no
    update covers it yet and the group existed then), the next due date, and whether it is overdue."""

    owed: tuple[date, date] | None
    next_due: date
    overdue: bool


def update_due(
    *, months: int, launched_on: date | None, last_sent_ends: date | None, today: date
) -> UpdateDue:
    ended = last_ended_period(today, months)
    covered = last_sent_ends is not None and last_sent_ends >= ended[1]
    # A group launched after the period ended owes nothing for it: its first update is the next.
    owes = not covered and (launched_on is None or launched_on <= ended[1])
    if owes:
        return UpdateDue(owed=ended, next_due=due_on(ended[1]), overdue=today > due_on(ended[1]))
    return UpdateDue(owed=None, next_due=due_on(period_of(today, months)[1]), overdue=False)


def group_update_due(group: Group, *, today: date | None = None) -> UpdateDue:
    """``update_due`` for one group (two queries: its kind's cadence, its last update sent)."""
    today = today or timezone.localdate()
    last_ends = (
        GroupUpdate.objects.filter(
            group=group, status__in=[UpdateStatus.SUBMITTED, UpdateStatus.ACKNOWLEDGED]
        )
        .order_by("-period_ends")
        .values_list("period_ends", flat=True)
        .first()
    )
    return update_due(
        months=group.kind.update_months, launched_on=group.launched_on, last_sent_ends=last_ends, today=today
    )


def updates_overdue(*, today: date | None = None) -> list[tuple[Group, UpdateDue]]:
    """Every open group whose update is overdue, with what it owes, in two queries."""
    today = today or timezone.localdate()
    groups = list(
        Group.objects.filter(status__in=OPEN_STATUSES)
        .annotate(update_months=F("kind__update_months"))
        .order_by("name", "pk")
    )
    last = _last_sent([g.pk for g in groups])
    out = []
    for group in groups:
        update = last.get(group.pk)
        due = update_due(
            months=group.update_months,
            launched_on=group.launched_on,
            last_sent_ends=update.period_ends if update else None,
            today=today,
        )
        if due.overdue:
            out.append((group, due))
    return out


# A reminder row not sent this long after it was written (or claimed) lost its task or its worker.
UPDATE_REMINDER_LEASE = timedelta(minutes=15)


def update_reminders_lost(*, limit: int = 200) -> list[int]:
    """The overdue-update reminders a lost task or a crashed worker left unsent."""
    stale = timezone.now() - UPDATE_REMINDER_LEASE
    return list(
        UpdateReminder.objects.filter(sent_at__isnull=True, created_at__lt=stale)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def _last_sent(group_ids: list[int]) -> dict[int, "GroupUpdate"]:
    last: dict[int, GroupUpdate] = {}
    sent = GroupUpdate.objects.filter(
        group_id__in=group_ids, status__in=[UpdateStatus.SUBMITTED, UpdateStatus.ACKNOWLEDGED]
    )
    for update in sent.order_by("group_id", "-period_ends", "-pk"):
        last.setdefault(update.group_id, update)
    return last


def meetings_expected(frequency: str, days: int) -> int | None:
    """How many meetings the charter's cadence asks for in ``days`` (None: no cadence agreed)."""
    per_day = MEETINGS_PER_DAY.get(frequency)
    return None if per_day is None else max(1, round(per_day * days))


@dataclass
class IndicatorFigure:
    indicator: Indicator
    progress: progress.Progress
    latest: progress.PeriodProgress | None  # the latest judged period (or the life of plan)

    @property
    def on_track(self) -> bool:
        return self.progress.status in ON_TRACK

    @property
    def status_label(self) -> str:
        return str(progress.STATUS_LABELS[self.progress.status])


@dataclass
class UpdateFigures:
    """What the data says about a group in a period: the part of an update nobody types."""

    starts: date
    ends: date
    plan: WorkPlan | None = None
    indicators: list[IndicatorFigure] = field(default_factory=list)
    deliverables_done: list[Deliverable] = field(default_factory=list)
    deliverables_late: list[Deliverable] = field(default_factory=list)
    tasks_done: int = 0
    meetings_held: int = 0
    meetings_expected: int | None = None
    present: int = 0  # attendance rows marked present, over the meetings held
    recorded: int = 0  # attendance rows recorded at all
    budget: BudgetSummary | None = None
    joined: int = 0
    left: int = 0
    members: int = 0

    @property
    def on_track(self) -> int:
        return sum(1 for i in self.indicators if i.on_track)

    @property
    def off_track(self) -> int:
        return sum(1 for i in self.indicators if i.progress.status in OFF_TRACK)

    @property
    def attendance_percent(self) -> int | None:
        return round(100 * self.present / self.recorded) if self.recorded else None


def _latest_judged(p: progress.Progress) -> progress.PeriodProgress | None:
    judged = [x for x in p.periods if x.status not in (Status.UPCOMING,)]
    return judged[-1] if judged else p.life_of_plan


def _indicator_figures(plan_ids: list[int]) -> dict[int, list[IndicatorFigure]]:
    """Each plan's indicators with their progress, in three queries whatever the number of plans."""
    indicators = list(
        Indicator.objects.filter(plan_id__in=plan_ids)
        .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("life_of_plan", "starts_on")))
        .order_by("plan_id", "result__position", "pk")
    )
    readings = approved_readings(indicators)
    figures: dict[int, list[IndicatorFigure]] = defaultdict(list)
    for indicator in indicators:
        p = progress_of(indicator, readings.get(indicator.pk, []))
        figures[indicator.plan_id].append(IndicatorFigure(indicator, p, _latest_judged(p)))
    return figures


def _done_in(model, starts: date, ends: date) -> Exists:
    """Marked done in the period: a version saved as done then (the plans keep every version)."""
    versions = model.history.model.objects.filter(
        id=OuterRef("pk"), status="done", history_date__date__gte=starts, history_date__date__lte=ends
    )
    return Exists(versions)


def update_figures(group: Group, starts: date, ends: date) -> UpdateFigures:
    """The figures of ``group``'s update for the period ``starts``–``ends`` (a fixed number of queries)."""
    figures = UpdateFigures(starts=starts, ends=ends)
    plan = current_plan(group)
    figures.plan = plan
    if plan is not None:
        figures.indicators = _indicator_figures([plan.pk]).get(plan.pk, [])
        deliverables = plan.deliverables.order_by(F("due_on").asc(nulls_last=True), "pk")
        figures.deliverables_done = list(
            deliverables.filter(_done_in(Deliverable, starts, ends), status=DeliverableStatus.DONE)
        )
        figures.deliverables_late = list(late_deliverables(plan).order_by("due_on", "pk"))
        figures.tasks_done = Task.objects.filter(
            _done_in(Task, starts, ends), deliverable__plan=plan, status=TaskStatus.DONE
        ).count()
        figures.budget = budget_summary(plan)
    held = (
        Meeting.objects.scheduled()
        .of_group(group)
        .filter(starts__date__gte=starts, starts__date__lte=ends, starts__lt=timezone.now())
    )
    figures.meetings_held = held.count()
    figures.meetings_expected = meetings_expected(group.meeting_frequency, (ends - starts).days + 1)
    presence = dict(
        Attendance.objects.filter(meeting__in=held)
        .values_list("presence")
        .annotate(n=Count("pk"))
        .values_list("presence", "n")
    )
    figures.present = presence.get(Presence.PRESENT, 0)
    figures.recorded = sum(presence.values())
    memberships = GroupMembership.objects.filter(group=group).aggregate(
        joined=Count("pk", filter=Q(joined_on__gte=starts, joined_on__lte=ends)),
        left=Count("pk", filter=Q(left_on__gte=starts, left_on__lte=ends)),
        members=Count("pk", filter=Q(status=MembershipStatus.ACTIVE)),
    )
    figures.joined, figures.left, figures.members = (
        memberships["joined"],
        memberships["left"],
        memberships["members"],
    )
    return figures


def updates_of_group(*, viewer, group: Group) -> list[GroupUpdate]:
    """The group's updates the viewer may read, newest period first (drafts for co-chairs, the
    committee and the secretariat only)."""
    updates = GroupUpdate.objects.filter(group=group).select_related("submitted_by__profile")
    if not (is_committee_or_secretariat(viewer) or is_cochair(viewer, group)):
        updates = updates.exclude(status=UpdateStatus.DRAFT)
    return list(updates[:200])


def update_for_viewer(*, viewer, update_id: int) -> GroupUpdate:
    """One update the viewer may read, or 404 (also for a draft the viewer may not see)."""
    update = (
        GroupUpdate.objects.select_related(
            "group__kind", "submitted_by__profile", "acknowledged_by__profile", "updated_by__profile"
        )
        .filter(pk=update_id)
        .first()
    )
    if update is None or not can(viewer, "reports.read_update", update):
        raise Http404
    return update


def comments_of(update: GroupUpdate) -> list[UpdateComment]:
    return list(update.comments.select_related("author__profile")[:500])


def updates_sent_in(starts: date, ends: date) -> list[GroupUpdate]:
    """Submitted and acknowledged updates whose period lies in ``starts``–``ends`` (the pack), by group."""
    return list(
        GroupUpdate.objects.filter(
            status__in=[UpdateStatus.SUBMITTED, UpdateStatus.ACKNOWLEDGED],
            period_starts__gte=starts,
            period_ends__lte=ends,
        )
        .select_related("group", "submitted_by__profile", "acknowledged_by__profile")
        .order_by("group__name", "group_id", "period_starts")
    )


# --- The committee's dashboard ---------------------------------------------------------------------


class PlanState(StrEnum):
    MISSING = "missing"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"


PLAN_STATE_LABELS = {
    PlanState.MISSING: _("Missing"),
    PlanState.DRAFT: _("Draft"),
    PlanState.SUBMITTED: _("Submitted"),
    PlanState.APPROVED: _("Approved"),
}
PLAN_STATES = {
    PlanStatus.DRAFT: PlanState.DRAFT,
    PlanStatus.RETURNED: PlanState.DRAFT,
    PlanStatus.SUBMITTED: PlanState.SUBMITTED,
    PlanStatus.APPROVED: PlanState.APPROVED,
    PlanStatus.REVISING: PlanState.APPROVED,
}


@dataclass
class DashboardRow:
    group: Group
    plan_state: PlanState
    last_update: GroupUpdate | None
    next_due: date
    overdue: bool
    on_track: int
    off_track: int
    meetings_held: int
    meetings_expected: int | None
    members: int

    @property
    def plan_state_label(self) -> str:
        return str(PLAN_STATE_LABELS[self.plan_state])


# ?sort= columns: the key each sorts by (a leading "-" sorts the other way).
DASHBOARD_SORTS = {
    "name": lambda row: row.group.name.casefold(),
    "plan": lambda row: list(PlanState).index(row.plan_state),
    "update": lambda row: row.last_update.period_ends if row.last_update else date.min,
    "overdue": lambda row: (not row.overdue, row.next_due),
    "on_track": lambda row: row.on_track,
    "off_track": lambda row: row.off_track,
    "meetings": lambda row: row.meetings_held,
    "members": lambda row: row.members,
}


def _plans_in_force(group_ids: list[int]) -> dict[int, WorkPlan]:
    """Each group's current plan (as ``plans.queries.current_plan`` chooses it), in one query."""
    by_group: dict[int, list[WorkPlan]] = defaultdict(list)
    plans = WorkPlan.objects.filter(group_id__in=group_ids).only("id", "group_id", "status", "starts_on")
    for plan in plans.order_by("group_id", "-starts_on", "-pk"):
        by_group[plan.group_id].append(plan)
    chosen = {}
    for group_id, plans_of in by_group.items():
        approved = [p for p in plans_of if p.status in (PlanStatus.APPROVED, PlanStatus.REVISING)]
        chosen[group_id] = approved[0] if approved else plans_of[0]
    return chosen


def dashboard_rows(*, sort: str = "name", today: date | None = None) -> list[DashboardRow]:
    """Every open group with what the committee follows, in a fixed number of queries."""
    today = today or timezone.localdate()
    since = timezone.now() - timedelta(days=DASHBOARD_MEETING_DAYS)
    held = Meeting.objects.filter(
        groups=OuterRef("pk"), status=MeetingStatus.SCHEDULED, starts__gte=since, starts__lt=timezone.now()
    )
    active = GroupMembership.objects.filter(group=OuterRef("pk"), status=MembershipStatus.ACTIVE)
    groups = list(
        Group.objects.filter(status__in=OPEN_STATUSES)
        .annotate(
            meetings_held=_count(held), members_count=_count(active), update_months=F("kind__update_months")
        )
        .only("id", "name", "slug", "status", "meeting_frequency", "launched_on")
        .order_by("name", "pk")
    )
    ids = [g.pk for g in groups]
    plans = _plans_in_force(ids)
    indicators = _indicator_figures([p.pk for p in plans.values()])
    last = _last_sent(ids)
    rows = []
    for group in groups:
        plan = plans.get(group.pk)
        update = last.get(group.pk)
        figures = indicators.get(plan.pk, []) if plan else []
        due = update_due(
            months=group.update_months,
            launched_on=group.launched_on,
            last_sent_ends=update.period_ends if update else None,
            today=today,
        )
        rows.append(
            DashboardRow(
                group=group,
                plan_state=PLAN_STATES.get(plan.status, PlanState.DRAFT) if plan else PlanState.MISSING,
                last_update=update,
                next_due=due.next_due,
                overdue=due.overdue,
                on_track=sum(1 for f in figures if f.on_track),
                off_track=sum(1 for f in figures if f.progress.status in OFF_TRACK),
                meetings_held=group.meetings_held,
                meetings_expected=meetings_expected(group.meeting_frequency, DASHBOARD_MEETING_DAYS),
                members=group.members_count,
            )
        )
    return sort_rows(rows, sort)


def sort_rows(rows: list[DashboardRow], sort: str) -> list[DashboardRow]:
    key = DASHBOARD_SORTS.get(sort.removeprefix("-"))
    if key is None:
        return rows
    return sorted(rows, key=key, reverse=sort.startswith("-"))


def _count(queryset):
    """A correlated ``COUNT(*)`` subquery (no join that would multiply other counts)."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted[:1]), 0)
