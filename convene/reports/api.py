"""Group updates and the committee's dashboard under /api/v1/: the same rules, queries and services as
the pages (``views_updates.py``).

An update's figures are those frozen when it was submitted, or (a draft) those composed from the data
now; the narrative is saved with the ``revision`` it was read at (409 with what changed otherwise).
Refusals have the API's one error shape."""

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from convene.core.api_schemas import EDIT_ERRORS, ERRORS, READ_ERRORS, IsoDate, JsonBody, PathId, PersonRef
from convene.core.pagination import ApiPagination
from convene.core.rules import ensure
from convene.groups import queries as group_queries

from . import queries, services
from .frozen import figures_of
from .models import GroupUpdate, UpdateStatus

router = Router(tags=["reports"])

SORTS = tuple(key for name in queries.DASHBOARD_SORTS for key in (name, f"-{name}"))


# --- Schemas -------------------------------------------------------------------------------------


class GroupUpdateSummaryOut(Schema):
    id: int
    group: str = Field(..., description="The group's slug.")
    period_starts: datetime.date
    period_ends: datetime.date
    due_on: datetime.date
    status: Literal[tuple(UpdateStatus.values)]  # type: ignore[valid-type]
    revision: int
    submitted_at: datetime.datetime | None
    acknowledged_at: datetime.datetime | None


class GroupUpdateIndicatorOut(Schema):
    id: int
    name: str
    status: str = Field(..., description="on_track, ahead, behind, not_reporting, upcoming or no_target.")
    status_label: str
    target: Decimal | None = Field(..., description="Of the latest judged period.")
    actual: Decimal | None


class GroupUpdateDeliverableOut(Schema):
    id: int
    title: str
    due_on: datetime.date | None


class GroupUpdateResourceOut(Schema):
    id: int
    title: str


class GroupUpdateBudgetOut(Schema):
    currency: str
    planned: Decimal
    actual: Decimal


class GroupUpdateFiguresOut(Schema):
    frozen: bool = Field(..., description="True: as they stood when the update was submitted.")
    frozen_at: datetime.datetime | None
    plan_id: int | None
    indicators: list[GroupUpdateIndicatorOut]
    deliverables_done: list[GroupUpdateDeliverableOut]
    deliverables_late: list[GroupUpdateDeliverableOut]
    tasks_done: int
    meetings_held: int
    meetings_expected: int | None
    attendance_percent: int | None
    budget: GroupUpdateBudgetOut | None
    members: int
    joined: int
    left: int
    resources: list[GroupUpdateResourceOut] = Field(
        ..., description="What the group published in the library in the period."
    )


class GroupUpdateCommentOut(Schema):
    id: int
    author: PersonRef | None
    body: str
    created_at: datetime.datetime


class GroupUpdateOut(GroupUpdateSummaryOut):
    achievements: str
    challenges: str
    support_needed: str
    eupdate_items: str
    submitted_by: PersonRef | None
    acknowledged_by: PersonRef | None
    figures: GroupUpdateFiguresOut
    comments: list[GroupUpdateCommentOut]


class GroupUpdateStartIn(JsonBody):
    period_starts: IsoDate | None = Field(None, description="Left out with period_ends: the current quarter.")
    period_ends: IsoDate | None = None


class GroupUpdateNarrativeIn(JsonBody):
    revision: int | None = Field(None, ge=1, description="The revision the text was read at.")
    achievements: str | None = Field(None, max_length=20_000)
    challenges: str | None = Field(None, max_length=20_000)
    support_needed: str | None = Field(None, max_length=20_000)
    eupdate_items: str | None = Field(None, max_length=20_000)


class GroupUpdateCommentIn(JsonBody):
    body: str = Field(..., min_length=1, max_length=10_000)


class DashboardFiltersIn(Schema):
    kind: str = Field("", max_length=80, description="A kind of group's slug.")
    plan: Literal["", *[s.value for s in queries.PlanState]] = Field(  # type: ignore[valid-type]
        "", description="The work plan's state."
    )
    overdue: bool | None = Field(None, description="Only groups whose next update is (or is not) overdue.")
    off_track: bool | None = Field(None, description="Only groups with (or without) an indicator off track.")
    sort: Literal[SORTS] = Field("name", description="A column, '-' before it for the other way.")  # type: ignore[valid-type]


class DashboardRowOut(Schema):
    group: str = Field(..., description="The group's slug.")
    name: str
    kind: str
    plan_state: str
    last_update_id: int | None
    last_update_period_ends: datetime.date | None
    next_update_due: datetime.date
    overdue: bool
    indicators_on_track: int
    indicators_off_track: int
    budget_currency: str
    budget_planned: Decimal | None
    budget_used: Decimal | None
    budget_used_percent: int | None
    meetings_held: int = Field(..., description="In the last 90 days.")
    meetings_expected: int | None = Field(..., description="What the charter's cadence asks for in 90 days.")
    members: int
    members_trend: list[int] = Field(
        ..., description="Members at each of the last 12 months' ends, oldest first."
    )
    composition_gaps: list[str]


# --- Helpers -------------------------------------------------------------------------------------


def _person(person) -> dict | None:
    return None if person is None else {"id": person.pk, "name": person.display_name}


def _summary(update: GroupUpdate, slug: str) -> dict:
    return {
        "id": update.pk,
        "group": slug,
        "period_starts": update.period_starts,
        "period_ends": update.period_ends,
        "due_on": queries.due_on(update.period_ends),
        "status": update.status,
        "revision": update.revision,
        "submitted_at": update.submitted_at,
        "acknowledged_at": update.acknowledged_at,
    }


def _deliverables(items) -> list[dict]:
    return [{"id": d.pk, "title": d.title, "due_on": d.due_on} for d in items]


def _figures(update: GroupUpdate) -> dict:
    figures = figures_of(update)
    frozen = update.is_sent and update.figures is not None
    return {
        "frozen": frozen,
        "frozen_at": update.figures_frozen_at if frozen else None,
        "plan_id": figures.plan.pk if figures.plan else None,
        "indicators": [
            {
                "id": f.indicator.pk,
                "name": f.indicator.name,
                "status": str(f.progress.status),
                "status_label": f.status_label,
                "target": f.latest.target if f.latest else None,
                "actual": f.latest.actual if f.latest else None,
            }
            for f in figures.indicators
        ],
        "deliverables_done": _deliverables(figures.deliverables_done),
        "deliverables_late": _deliverables(figures.deliverables_late),
        "tasks_done": figures.tasks_done,
        "meetings_held": figures.meetings_held,
        "meetings_expected": figures.meetings_expected,
        "attendance_percent": figures.attendance_percent,
        "budget": None
        if figures.budget is None
        else {
            "currency": figures.budget.currency,
            "planned": figures.budget.planned,
            "actual": figures.budget.actual,
        },
        "members": figures.members,
        "joined": figures.joined,
        "left": figures.left,
        "resources": [{"id": r.pk, "title": r.title} for r in figures.resources],
    }


def _detail(update_id: int, viewer) -> dict:
    update = queries.update_for_viewer(viewer=viewer, update_id=update_id)
    return {
        **_summary(update, update.group.slug),
        "achievements": update.achievements,
        "challenges": update.challenges,
        "support_needed": update.support_needed,
        "eupdate_items": update.eupdate_items,
        "submitted_by": _person(update.submitted_by),
        "acknowledged_by": _person(update.acknowledged_by),
        "figures": _figures(update),
        "comments": [
            {"id": c.pk, "author": _person(c.author), "body": c.body, "created_at": c.created_at}
            for c in queries.comments_of(update)
        ],
    }


# --- Updates -------------------------------------------------------------------------------------


@router.get(
    "groups/{slug}/updates",
    response={200: list[GroupUpdateSummaryOut], **READ_ERRORS},
    summary="A group's updates",
)
@paginate(ApiPagination, page_size=50)
def list_group_updates(request, slug: str):
    """Newest period first; drafts only to the co-chairs, the committee and the secretariat."""
    group = group_queries.group_for_viewer(viewer=request.user, slug=slug)
    ensure(request.user, "reports.list_updates", group)
    return [_summary(u, group.slug) for u in queries.updates_of_group(viewer=request.user, group=group)]


@router.post(
    "groups/{slug}/updates", response={201: GroupUpdateOut, **ERRORS}, summary="Start a group's update"
)
def start_group_update(request, slug: str, payload: GroupUpdateStartIn | None = None):
    """The draft of a period (the current quarter unless given); the one already started is answered."""
    group = group_queries.group_for_viewer(viewer=request.user, slug=slug)
    starts = payload.period_starts if payload else None
    ends = payload.period_ends if payload else None
    if (starts is None) != (ends is None):
        raise ValidationError({"period_ends": _("Give both ends of the period, or neither.")})
    period = (starts, ends) if starts is not None else None
    update = services.update_draft(group=group, acting=request.user, period=period)
    return Status(201, _detail(update.pk, request.user))


@router.get("updates/{update_id}", response={200: GroupUpdateOut, **READ_ERRORS}, summary="One group update")
def get_group_update(request, update_id: PathId):
    return _detail(update_id, request.user)


@router.patch(
    "updates/{update_id}", response={200: GroupUpdateOut, **EDIT_ERRORS}, summary="Write a group update"
)
def save_group_update(request, update_id: PathId, payload: GroupUpdateNarrativeIn):
    """The co-chairs' narrative while the update is a draft; send the ``revision`` you read."""
    update = queries.update_for_viewer(viewer=request.user, update_id=update_id)
    narrative = payload.model_dump(exclude={"revision"}, exclude_none=True)
    services.update_save(update=update, acting=request.user, revision=payload.revision, **narrative)
    return _detail(update_id, request.user)


@router.post(
    "updates/{update_id}/submit", response={200: GroupUpdateOut, **ERRORS}, summary="Submit a group update"
)
def submit_group_update(request, update_id: PathId):
    """To the steering committee and the coordinator; the figures are frozen as they stand."""
    update = queries.update_for_viewer(viewer=request.user, update_id=update_id)
    services.update_submit(update=update, acting=request.user)
    return _detail(update_id, request.user)


@router.post(
    "updates/{update_id}/comments",
    response={201: GroupUpdateCommentOut, **ERRORS},
    summary="Comment on a group update",
)
def comment_group_update(request, update_id: PathId, payload: GroupUpdateCommentIn):
    update = queries.update_for_viewer(viewer=request.user, update_id=update_id)
    comment = services.update_comment(update=update, acting=request.user, body=payload.body)
    return Status(
        201,
        {
            "id": comment.pk,
            "author": _person(request.user),
            "body": comment.body,
            "created_at": comment.created_at,
        },
    )


@router.post(
    "updates/{update_id}/acknowledge",
    response={200: GroupUpdateOut, **ERRORS},
    summary="Acknowledge a group update",
)
def acknowledge_group_update(request, update_id: PathId):
    update = queries.update_for_viewer(viewer=request.user, update_id=update_id)
    services.update_acknowledge(update=update, acting=request.user)
    return _detail(update_id, request.user)


# --- The committee's dashboard ---------------------------------------------------------------------


@router.get(
    "committee/dashboard",
    response={200: list[DashboardRowOut], **READ_ERRORS},
    summary="The committee's dashboard",
)
@paginate(ApiPagination, page_size=100)
def dashboard_rows(request, filters: Query[DashboardFiltersIn]):
    """Every open group, filtered and sorted as the page is (the committee and the secretariat)."""
    ensure(request.user, "reports.view_dashboard")
    wanted = queries.DashboardFilters(
        kind=filters.kind, plan=filters.plan, overdue=filters.overdue, off_track=filters.off_track
    )
    # Only the page's rows are turned into dicts (the pagination slices this sequence).
    return MappedRows(queries.dashboard_rows(sort=filters.sort, filters=wanted), _dashboard_row_out)


def _dashboard_row_out(r: queries.DashboardRow) -> dict:
    return {
        "group": r.group.slug,
        "name": r.group.name,
        "kind": r.group.kind.slug,
        "plan_state": str(r.plan_state),
        "last_update_id": r.last_update.pk if r.last_update else None,
        "last_update_period_ends": r.last_update.period_ends if r.last_update else None,
        "next_update_due": r.next_due,
        "overdue": r.overdue,
        "indicators_on_track": r.on_track,
        "indicators_off_track": r.off_track,
        "budget_currency": r.budget_currency,
        "budget_planned": r.budget_planned,
        "budget_used": r.budget_actual,
        "budget_used_percent": r.budget_percent,
        "meetings_held": r.meetings_held,
        "meetings_expected": r.meetings_expected,
        "members": r.members,
        "members_trend": r.trend,
        "composition_gaps": r.gaps,
    }


class MappedRows(Sequence):
    """``rows`` read through ``out`` as they are asked for."""

    def __init__(self, rows: list, out):
        self.rows, self.out = rows, out

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.out(row) for row in self.rows[index]]
        return self.out(self.rows[index])
