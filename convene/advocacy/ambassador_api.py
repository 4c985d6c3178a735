"""The ambassadors' API operations, on advocacy's router (/api/v1/advocacy/...): the same rules,
queries and services as the pages. An ambassador's reports answer 404 to anyone but the ambassador
and the secretariat, as the pages do."""

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import paginate

from convene.core.api_schemas import BODY_ID, ERRORS, READ_ERRORS, IsoDate, JsonBody, PathId
from convene.core.pagination import ApiPagination
from convene.core.rules import can
from convene.events.models import Event

from . import ambassador_queries as queries
from . import ambassador_services as services
from .api import router
from .models import Ambassador, Application, Cohort, QuarterlyReport


class CohortOut(Schema):
    id: int
    title: str
    description: str
    deadline: datetime.date
    is_open: bool
    accepting: bool = Field(..., description="Open and before the deadline: members may apply.")
    term_starts: datetime.date
    term_years: int
    event_ids: list[int]


class CohortIn(JsonBody):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=10_000)
    deadline: IsoDate
    term_starts: IsoDate
    term_years: int = Field(2, ge=1, le=5)
    is_open: bool = True
    event_ids: list[Annotated[int, Field(**BODY_ID)]] = Field([], max_length=50)


class ApplicationIn(JsonBody):
    country: str = Field(..., min_length=2, max_length=2, description="ISO 3166 code.")
    motivation: str = Field(..., min_length=1, max_length=10_000)
    experience: str = Field("", max_length=10_000)
    languages: str = Field("", max_length=200)
    referee: str = Field("", max_length=300)


class ApplicationOut(Schema):
    id: int
    cohort_id: int
    person_id: int
    name: str
    country: str
    motivation: str
    experience: str
    languages: str
    referee: str
    status: str
    score: int | None
    notes: str


class SelectIn(JsonBody):
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None


class TermOut(Schema):
    id: int = Field(..., description="The ambassador's id (reports hang off it).")
    person_id: int
    name: str
    country: str
    cohort_id: int
    cohort: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    current: bool
    plan_id: int | None


class ReportIn(JsonBody):
    quarter: int = Field(..., ge=1, le=40)
    did: str = Field(..., min_length=1, max_length=10_000)
    with_whom: str = Field("", max_length=10_000)
    results: str = Field("", max_length=10_000)
    support_needed: str = Field("", max_length=10_000)


class ReportOut(Schema):
    id: int
    quarter: int
    did: str
    with_whom: str
    results: str
    support_needed: str
    submitted_at: datetime.datetime


def _need(request, perm: str, obj=None) -> None:
    if not can(request.user, perm, obj):
        raise PermissionDenied(perm)


def _cohort_out(cohort: Cohort) -> dict:
    return {
        "id": cohort.pk,
        "title": cohort.title,
        "description": cohort.description,
        "deadline": cohort.deadline,
        "is_open": cohort.is_open,
        "accepting": cohort.accepts_on(timezone.localdate()),
        "term_starts": cohort.term_starts,
        "term_years": cohort.term_years,
        "event_ids": sorted(e.pk for e in cohort.events.all()),
    }


def _application_out(a: Application) -> dict:
    return {
        "id": a.pk,
        "cohort_id": a.cohort_id,
        "person_id": a.person_id,
        "name": a.person.display_name,
        "country": a.country.code or "",
        "motivation": a.motivation,
        "experience": a.experience,
        "languages": a.languages,
        "referee": a.referee,
        "status": a.status,
        "score": a.score,
        "notes": a.notes,
    }


def _term_out(a: Ambassador, today: datetime.date) -> dict:
    return {
        "id": a.pk,
        "person_id": a.person_id,
        "name": a.person.display_name,
        "country": a.country.code or "",
        "cohort_id": a.cohort_id,
        "cohort": a.cohort.title,
        "starts_on": a.term.starts_on,
        "ends_on": a.term.ends_on,
        "current": queries.is_current(a.term, today),
        "plan_id": a.plan_id,
    }


def _ambassador(request, ambassador_id: int) -> Ambassador:
    found = Ambassador.objects.select_related("term", "person").filter(pk=ambassador_id).first()
    if found is None or not can(request.user, "advocacy.view_ambassador", found):
        raise Http404
    return found


@router.get(
    "advocacy/cohorts", response={200: list[CohortOut], **READ_ERRORS}, summary="Cohorts of ambassadors"
)
@paginate(ApiPagination, page_size=50)
def list_ambassador_cohorts(request):
    _need(request, "advocacy.see_cohorts")
    return [_cohort_out(c) for c in Cohort.objects.prefetch_related("events").order_by("-term_starts", "-pk")]


@router.get(
    "advocacy/cohorts/{cohort_id}", response={200: CohortOut, **READ_ERRORS}, summary="A cohort and its call"
)
def get_ambassador_cohort(request, cohort_id: PathId):
    _need(request, "advocacy.see_cohorts")
    return _cohort_out(queries.cohort_get(cohort_id))


@router.post(
    "advocacy/cohorts", response={201: CohortOut, **ERRORS}, summary="Open a cohort's call for applications"
)
def create_ambassador_cohort(request, payload: CohortIn):
    _need(request, "advocacy.run_cohorts")
    events = list(Event.objects.filter(pk__in=payload.event_ids))
    if len(events) != len(set(payload.event_ids)):
        raise ValidationError({"event_ids": _("There is no such event.")})
    cohort = services.cohort_save(
        acting=request.user,
        title=payload.title,
        description=payload.description,
        deadline=payload.deadline,
        term_starts=payload.term_starts,
        term_years=payload.term_years,
        is_open=payload.is_open,
        events=events,
    )
    return 201, _cohort_out(cohort)


@router.post(
    "advocacy/cohorts/{cohort_id}/applications",
    response={201: ApplicationOut, **ERRORS},
    summary="Apply to a cohort (or change my application)",
)
def apply_to_cohort(request, cohort_id: PathId, payload: ApplicationIn):
    _need(request, "advocacy.apply_as_ambassador")
    cohort = queries.cohort_get(cohort_id)
    application = services.application_submit(cohort=cohort, acting=request.user, **payload.model_dump())
    application.person = request.user
    return 201, _application_out(application)


@router.get(
    "advocacy/cohorts/{cohort_id}/applications",
    response={200: list[ApplicationOut], **READ_ERRORS},
    summary="A cohort's applications (the secretariat)",
)
@paginate(ApiPagination, page_size=50)
def list_cohort_applications(request, cohort_id: PathId):
    _need(request, "advocacy.run_cohorts")
    return [_application_out(a) for a in queries.applications_of(queries.cohort_get(cohort_id))]


@router.post(
    "advocacy/applications/{application_id}/select",
    response={201: TermOut, **ERRORS},
    summary="Select an applicant: the decision is logged and the term given",
)
def select_ambassador(request, application_id: PathId, payload: SelectIn):
    _need(request, "advocacy.run_cohorts")
    application = queries.application_get(application_id)
    ambassador = services.application_select(
        application=application, acting=request.user, starts_on=payload.starts_on, ends_on=payload.ends_on
    )
    return 201, _term_out(ambassador, timezone.localdate())


@router.get(
    "advocacy/ambassador-terms",
    response={200: list[TermOut], **READ_ERRORS},
    summary="Ambassadors' terms, current and past",
)
@paginate(ApiPagination, page_size=100)
def list_ambassador_terms(request):
    _need(request, "advocacy.see_cohorts")
    today = timezone.localdate()
    return [_term_out(a, today) for a in queries.all_ambassadors()]


@router.get(
    "advocacy/ambassadors/{ambassador_id}/reports",
    response={200: list[ReportOut], **READ_ERRORS},
    summary="An ambassador's quarterly reports",
)
def list_quarterly_reports(request, ambassador_id: PathId):
    ambassador = _ambassador(request, ambassador_id)
    return list(QuarterlyReport.objects.filter(ambassador=ambassador).order_by("quarter"))


@router.post(
    "advocacy/ambassadors/{ambassador_id}/reports",
    response={201: ReportOut, **ERRORS},
    summary="File (or change) my quarterly report",
)
def file_quarterly_report(request, ambassador_id: PathId, payload: ReportIn):
    ambassador = _ambassador(request, ambassador_id)
    _need(request, "advocacy.report_as_ambassador", ambassador)
    return 201, services.report_save(ambassador=ambassador, acting=request.user, **payload.model_dump())
