"""Reads the reports need (STYLE §2): waiting imports, group updates and their figures, the committee's
dashboard."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from django.db.models import Count, Exists, F, Func, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from convene.core import generations
from convene.core.rules import can
from convene.groups.models import (
    OPEN_STATUSES,
    Group,
    GroupKind,
    GroupMembership,
    MeetingFrequency,
    MembershipStatus,
    Role,
)
from convene.groups.rules import is_cochair
from convene.library.models import Resource
from convene.meetings.models import Attendance, Meeting, MeetingStatus, Presence
from convene.people.models import Sector
from convene.plans.models import (
    BudgetLine,
    Deliverable,
    DeliverableStatus,
    ExchangeRate,
    PlanImport,
    PlanImportStatus,
    PlanStatus,
    Task,
    TaskStatus,
    WorkPlan,
)
from convene.plans.queries import (
    BudgetSummary,
    budget_summary,
    current_plan,
    late_deliverables,
    to_reporting,
)
from convene.results import progress
from convene.results.models import Indicator, PeriodActual, Target
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
TREND_MONTHS = 12  # the membership trend on the dashboard
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
    # What the group published in the library in the period (its products).
    resources: list = field(default_factory=list)

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


def _indicator_status(plan_ids: list[int], today: date) -> dict[int, list[Status]]:
    """The status of each plan's indicators (on track, behind…), for the dashboard's counts.

    Read from the stored period actuals (``PeriodActual``: each outermost reported period's total,
    kept at every approval), not from every approved measurement: a plan's page reads its hundreds of
    measurements, the dashboard would read a million. Three queries whatever the number of plans."""
    indicators = list(
        Indicator.objects.filter(plan_id__in=plan_ids)
        .only("id", "plan_id", "unit", "direction", "cumulative", "disaggregations", "baseline_value")
        .prefetch_related(
            Prefetch(
                "targets",
                queryset=Target.objects.only(
                    "indicator_id", "starts_on", "ends_on", "value", "life_of_plan"
                ).order_by("life_of_plan", "starts_on"),
            )
        )
        .order_by("plan_id", "pk")
    )
    readings: dict[int, list[progress.Reading]] = defaultdict(list)
    actuals = PeriodActual.objects.filter(indicator__plan_id__in=plan_ids).totals()
    for indicator_id, starts_on, ends_on, value, numerator, denominator in actuals.values_list(
        "indicator_id", "starts_on", "ends_on", "value", "numerator", "denominator"
    ):
        readings[indicator_id].append(progress.Reading(starts_on, ends_on, value, numerator, denominator))
    statuses: dict[int, list[Status]] = defaultdict(list)
    for indicator in indicators:
        statuses[indicator.plan_id].append(progress_of(indicator, readings.get(indicator.pk, [])).status)
    return statuses


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
    figures.resources = list(
        Resource.objects.filter(group=group, published_on__gte=starts, published_on__lte=ends)
        .only("id", "title", "kind", "published_on")
        .order_by("published_on", "pk")
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
    # The current plan's budget in its reporting currency (lines without a stored rate left out).
    budget_currency: str = ""
    budget_planned: Decimal | None = None
    budget_actual: Decimal | None = None
    # Members at the end of each of the last 12 months, oldest first (the last is today).
    trend: list[int] = field(default_factory=list)
    # What the charter asks for and the group lacks: sectors and countries missing at the table,
    # more members than its maximum, no co-chair ((what, value) pairs: see ``gaps``).
    gap_keys: list[tuple[str, object]] = field(default_factory=list)

    @property
    def gaps(self) -> list[str]:
        """The gaps named in the active language."""
        return [_gap_label(what, value) for what, value in self.gap_keys]

    @property
    def plan_state_label(self) -> str:
        return str(PLAN_STATE_LABELS[self.plan_state])

    @property
    def budget_percent(self) -> int | None:
        """Budget used against plan, in percent (None: no budget planned)."""
        if not self.budget_planned:
            return None
        return round(100 * (self.budget_actual or 0) / self.budget_planned)

    @property
    def trend_change(self) -> int:
        return self.trend[-1] - self.trend[0] if self.trend else 0


# ?sort= columns: the key each sorts by (a leading "-" sorts the other way).
DASHBOARD_SORTS = {
    "name": lambda row: row.group.name.casefold(),
    "plan": lambda row: list(PlanState).index(row.plan_state),
    "update": lambda row: row.last_update.period_ends if row.last_update else date.min,
    "overdue": lambda row: (not row.overdue, row.next_due),
    "on_track": lambda row: row.on_track,
    "off_track": lambda row: row.off_track,
    "kind": lambda row: row.group.kind.localized_name.casefold(),
    "budget": lambda row: -1 if row.budget_percent is None else row.budget_percent,
    "meetings": lambda row: row.meetings_held,
    "members": lambda row: row.members,
    "trend": lambda row: row.trend_change,
    "gaps": lambda row: len(row.gap_keys),
}


@dataclass(frozen=True)
class DashboardFilters:
    """What the committee narrows the dashboard to (each left out: no narrowing)."""

    kind: str = ""  # a group kind's slug
    plan: str = ""  # a PlanState
    overdue: bool | None = None  # the next update is overdue (or not)
    off_track: bool | None = None  # at least one indicator is off track (or none is)

    def keeps(self, row: DashboardRow) -> bool:
        return (
            (not self.plan or row.plan_state == self.plan)
            and (self.overdue is None or row.overdue == self.overdue)
            and (self.off_track is None or (row.off_track > 0) == self.off_track)
        )


NO_FILTERS = DashboardFilters()


def group_kind_choices() -> list[tuple[str, str]]:
    """(slug, name) of every kind of group, for the dashboard's filter."""
    return sorted(
        ((k.slug, k.localized_name) for k in GroupKind.objects.all()), key=lambda c: c[1].casefold()
    )


def _plans_in_force(group_ids: list[int]) -> dict[int, WorkPlan]:
    """Each group's current plan (as ``plans.queries.current_plan`` chooses it), in one query."""
    by_group: dict[int, list[WorkPlan]] = defaultdict(list)
    plans = WorkPlan.objects.filter(group_id__in=group_ids).only(
        "id", "group_id", "status", "starts_on", "currency"
    )
    for plan in plans.order_by("group_id", "-starts_on", "-pk"):
        by_group[plan.group_id].append(plan)
    chosen = {}
    for group_id, plans_of in by_group.items():
        approved = [p for p in plans_of if p.status in (PlanStatus.APPROVED, PlanStatus.REVISING)]
        chosen[group_id] = approved[0] if approved else plans_of[0]
    return chosen


def _budgets(plans: list[WorkPlan]) -> dict[int, tuple[Decimal, Decimal]]:
    """(planned, used) of each plan in its reporting currency: the lines summed per currency in SQL and
    converted at the plan's stored rates (two queries for every plan at once)."""
    ids = [p.pk for p in plans]
    by_pk = {p.pk: p for p in plans}
    rates: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for plan_id, currency, rate in ExchangeRate.objects.filter(plan_id__in=ids).values_list(
        "plan_id", "currency", "rate"
    ):
        rates[plan_id][currency] = rate
    totals: dict[int, tuple[Decimal, Decimal]] = {}
    sums = (
        BudgetLine.objects.filter(plan_id__in=ids)
        .values("plan_id", "currency")
        .annotate(planned=Sum("planned"), actual=Sum("actual"))
        .order_by()
    )
    for line in sums:
        plan = by_pk[line["plan_id"]]
        planned = to_reporting(line["planned"], line["currency"], plan, rates[plan.pk])
        if planned is None:
            continue  # no rate stored for this currency: left out, as budget_summary does
        actual = to_reporting(line["actual"], line["currency"], plan, rates[plan.pk]) or Decimal(0)
        before = totals.get(plan.pk, (Decimal(0), Decimal(0)))
        totals[plan.pk] = (before[0] + planned, before[1] + actual)
    return totals


def month_ends(today: date, months: int = TREND_MONTHS) -> list[date]:
    """The last day of each of the ``months`` months up to today's, oldest first (today for this one)."""
    ends = [today]
    day = today.replace(day=1)
    for _i in range(months - 1):
        day = day - timedelta(days=1)
        ends.append(day)
        day = day.replace(day=1)
    return ends[::-1]


def _member_figures(group_ids: list[int], ends: list[date]) -> dict[int, dict]:
    """Per group, in one grouped query: members at each of ``ends`` and its co-chairs now."""
    member_at = {
        f"at{i}": Count(
            "pk",
            filter=Q(joined_on__lte=day)
            & (Q(left_on__isnull=True) | Q(left_on__gt=day))
            & ~Q(
                status__in=[MembershipStatus.REQUESTED, MembershipStatus.INVITED, MembershipStatus.DECLINED]
            ),
        )
        for i, day in enumerate(ends)
    }
    rows = (
        GroupMembership.objects.filter(group_id__in=group_ids)
        .values("group_id")
        .annotate(
            cochairs=Count("pk", filter=Q(status=MembershipStatus.ACTIVE, role=Role.COCHAIR)),
            active=Count("pk", filter=Q(status=MembershipStatus.ACTIVE)),
            **member_at,
        )
        .order_by()
    )
    return {row["group_id"]: row for row in rows}


def _at_the_table(groups: list[Group]) -> dict[int, tuple[set, set]]:
    """The sectors and countries of each group's active members, for the groups whose charter asks for
    some (one query of distinct pairs)."""
    asking = [g.pk for g in groups if g.required_sectors or g.required_countries]
    present: dict[int, tuple[set, set]] = defaultdict(lambda: (set(), set()))
    if not asking:
        return present
    pairs = (
        GroupMembership.objects.filter(group_id__in=asking, status=MembershipStatus.ACTIVE)
        .values_list("group_id", "person__profile__sector", "person__profile__country")
        .distinct()
        .order_by()
    )
    for group_id, sector, country in pairs:
        present[group_id][0].add(sector)
        present[group_id][1].add(country)
    return present


def _gaps(group: Group, present: tuple[set, set], members: int, cochairs: int) -> list[tuple[str, object]]:
    """What the group lacks, as (what, value) pairs: named in the viewer's language when shown
    (``DashboardRow.gaps``), since the rows are kept for viewers of every language."""
    sectors, country_codes = present
    gaps: list[tuple[str, object]] = [("sector", s) for s in group.required_sectors or [] if s not in sectors]
    gaps += [("country", c) for c in group.required_countries or [] if c not in country_codes]
    if group.max_size and members > group.max_size:
        gaps.append(("too_many", group.max_size))
    if not cochairs:
        gaps.append(("no_cochair", None))
    return gaps


def _gap_label(what: str, value) -> str:
    if what == "sector":
        return str(dict(Sector.choices).get(value, value))
    if what == "country":
        return countries.name(value) or value
    if what == "too_many":
        return str(_("More members than the charter's %(n)s") % {"n": value})
    return str(_("No co-chair"))


# What the dashboard's figures rest on: a write to any of these apps' followed models (reports/apps.py)
# or a bulk write of theirs makes every process compute the rows again.
DASHBOARD_RESTS_ON = ("groups", "plans", "results", "meetings", "people", "reports")


def dashboard_copy(today: date | None = None):
    """Every open group's row, computed once per process and kept until the data changes (a
    ``core.generations`` copy: ``.value`` is the rows by name, ``.derived`` keeps what the page renders
    from them). The rows are shared between requests: read them, never change them."""
    today = today or timezone.localdate()
    return generations.kept(
        "dashboard", today, lambda: _all_dashboard_rows(today), rests_on=DASHBOARD_RESTS_ON
    )


def dashboard_rows(
    *, sort: str = "name", filters: DashboardFilters = NO_FILTERS, today: date | None = None, copy=None
) -> list[DashboardRow]:
    """The open groups the committee asked for, sorted (from the kept copy of every row, or ``copy``,
    one the caller already read)."""
    rows = (copy or dashboard_copy(today)).value
    if filters.kind:
        rows = [row for row in rows if row.group.kind.slug == filters.kind]
    return sort_rows([row for row in rows if filters.keeps(row)], sort)


def _all_dashboard_rows(today: date) -> list[DashboardRow]:
    """Every open group with what the committee follows, in a fixed number of queries (whatever the
    number of groups: every figure is read for all groups at once)."""
    since = timezone.now() - timedelta(days=DASHBOARD_MEETING_DAYS)
    groups = Group.objects.filter(status__in=OPEN_STATUSES)
    groups = list(
        groups.select_related("kind")
        .only(
            "id",
            "name",
            "slug",
            "status",
            "meeting_frequency",
            "launched_on",
            "max_size",
            "required_sectors",
            "required_countries",
            "kind__id",
            "kind__slug",
            "kind__name",
            "kind__name_translations",
            "kind__update_months",
        )
        .order_by("name", "pk")
    )
    ids = [g.pk for g in groups]
    # Grouped counts for every group at once (a correlated subquery per group row cost seconds).
    held = dict(
        Meeting.groups.through.objects.filter(
            group_id__in=ids,
            meeting__status=MeetingStatus.SCHEDULED,
            meeting__starts__gte=since,
            meeting__starts__lt=timezone.now(),
        )
        .values("group_id")
        .annotate(n=Count("meeting_id"))
        .order_by()
        .values_list("group_id", "n")
    )
    plans = _plans_in_force(ids)
    indicators = _indicator_status([p.pk for p in plans.values()], today)
    budgets = _budgets(list(plans.values()))
    ends = month_ends(today)
    people = _member_figures(ids, ends)
    present = _at_the_table(groups)
    last = _last_sent(ids)
    rows = []
    for group in groups:
        plan = plans.get(group.pk)
        update = last.get(group.pk)
        statuses = indicators.get(plan.pk, []) if plan else []
        due = update_due(
            months=group.kind.update_months,
            launched_on=group.launched_on,
            last_sent_ends=update.period_ends if update else None,
            today=today,
        )
        budget = budgets.get(plan.pk) if plan else None
        figures = people.get(group.pk, {})
        row = DashboardRow(
            group=group,
            plan_state=PLAN_STATES.get(plan.status, PlanState.DRAFT) if plan else PlanState.MISSING,
            last_update=update,
            next_due=due.next_due,
            overdue=due.overdue,
            on_track=sum(1 for s in statuses if s in ON_TRACK),
            off_track=sum(1 for s in statuses if s in OFF_TRACK),
            meetings_held=held.get(group.pk, 0),
            meetings_expected=meetings_expected(group.meeting_frequency, DASHBOARD_MEETING_DAYS),
            members=figures.get("active", 0),
            budget_currency=plan.currency if plan else "",
            budget_planned=budget[0] if budget else None,
            budget_actual=budget[1] if budget else None,
            trend=[figures.get(f"at{i}", 0) for i in range(len(ends))],
            gap_keys=_gaps(group, present[group.pk], figures.get("active", 0), figures.get("cochairs", 0)),
        )
        rows.append(row)
    return rows


def sort_rows(rows: list[DashboardRow], sort: str) -> list[DashboardRow]:
    key = DASHBOARD_SORTS.get(sort.removeprefix("-"))
    if key is None:
        return rows
    return sorted(rows, key=key, reverse=sort.startswith("-"))


def _count(queryset):
    """A correlated ``COUNT(*)`` subquery (no join that would multiply other counts)."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted[:1]), 0)
