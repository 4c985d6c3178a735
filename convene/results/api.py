"""The results API under /api/v1/: a plan's results framework with computed progress, indicators and
their targets, measurements and their review, and the network's shared indicators with their totals.

The same rules, queries and services as the results pages. A plan is reached through its group, as
in convene.plans.api (404 for what the caller may not see, 403 for what they may not do, 422 for bad
input, 409 for an edit made from an outdated ``revision``).
"""

import os
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from convene.core.api_schemas import EDIT_ERRORS, ERRORS, READ_ERRORS, PathId
from convene.core.pagination import ApiPagination
from convene.core.rules import can, ensure
from convene.plans.api import person_of, saved
from convene.plans.models import WorkPlan
from convene.plans.queries import plan_for_viewer

from . import progress, queries, services
from .models import (
    Indicator,
    Measurement,
    MeasurementStatus,
    Result,
    ResultLevel,
    SharedIndicator,
    Target,
)
from .schemas import (
    AdoptIn,
    FrameworkOut,
    IndicatorDetailOut,
    IndicatorIn,
    IndicatorPatch,
    MeasurementFormIn,
    MeasurementIn,
    MeasurementOut,
    MeasurementReviewIn,
    NetworkTotalsOut,
    ResultIn,
    ResultOut,
    ResultPatch,
    SharedIn,
    SharedIndicatorOut,
    SharedPatch,
    TargetOut,
    TargetsIn,
)

router = Router(tags=["results"])

PLAN = "groups/{slug}/plans/{plan_id}"


# --- Helpers -----------------------------------------------------------------------------------------


def _part(queryset, pk: int):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def _level(pk: int) -> ResultLevel:
    level = ResultLevel.objects.filter(pk=pk).first()
    if level is None:
        raise ValidationError({"level": _("No such level of results.")})
    return level


def _result_in(plan: WorkPlan, pk: int | None, field: str) -> Result | None:
    if pk is None:
        return None
    result = Result.objects.filter(plan=plan, pk=pk).select_related("level").first()
    if result is None:
        raise ValidationError({field: _("Choose a result of this work plan.")})
    return result


def _changes(payload: Schema) -> dict:
    fields = payload.model_dump(exclude_unset=True)
    fields.pop("revision", None)
    return fields


def _indicator_fields(plan: WorkPlan, fields: dict, indicator: Indicator | None = None) -> dict:
    out = dict(fields)
    if "result_id" in out:
        out["result"] = _result_in(plan, out.pop("result_id"), "result")
    if "responsible_id" in out:
        current = indicator.responsible_id if indicator is not None else None
        out["responsible"] = person_of(
            out.pop("responsible_id"), "responsible", group=plan.group, current_id=current
        )
    return out


def _indicator(plan: WorkPlan, pk: int) -> Indicator:
    return queries.indicator_in_plan(plan, pk)


def _with_progress(request, plan: WorkPlan, indicator: Indicator) -> Indicator:
    """The indicator as ``IndicatorDetailOut`` reads it: targets, progress, what the caller may do."""
    indicator = _indicator(plan, indicator.pk)
    readings = queries.approved_readings([indicator]).get(indicator.pk, [])
    indicator.progress = queries.progress_of(indicator, readings)
    viewer = request.user
    indicator.permissions = {
        "edit": can(viewer, "results.edit_framework", plan),
        "record": can(viewer, "results.record", indicator),
        "review": can(viewer, "results.review", indicator),
    }
    return indicator


def _measurement(plan: WorkPlan, pk: int) -> Measurement:
    return queries.measurement_in_plan(plan, pk)


def _shared(pk: int) -> SharedIndicator:
    return _part(queries.catalogue_with_adoption(), pk)


def _refetch_shared(shared: SharedIndicator) -> SharedIndicator:
    return queries.catalogue_with_adoption().get(pk=shared.pk)


# --- The framework -----------------------------------------------------------------------------------


@router.get(
    f"{PLAN}/results", response={200: FrameworkOut, **READ_ERRORS}, summary="A plan's results framework"
)
def get_framework(request, slug: str, plan_id: PathId):
    """The results tree (goal → outcomes → outputs …) with each indicator's progress computed from the
    approved measurements: per target period and for the life of the plan, with its on-track status."""
    plan = plan_for_viewer(request.user, plan_id, group_slug=slug)
    rows, progress_by_indicator = queries.plan_progress(plan)
    top = [result for depth, result in rows if depth == 0]
    for _depth, result in rows:
        for indicator in result.indicators.all():
            indicator.progress = progress_by_indicator[indicator.pk]
    low, high = progress.on_track_band()
    return {
        "plan_id": plan.pk,
        "plan_status": plan.status,
        "on_track_band": {"low": low, "high": high},
        "levels": services.default_levels(),
        "results": top,
        "can_edit": can(request.user, "results.edit_framework", plan),
    }


@router.post(f"{PLAN}/results", response={201: ResultOut, **ERRORS}, summary="Add a result")
def create_result(request, slug: str, plan_id: PathId, payload: ResultIn):
    """A result at a level below the one it contributes to (none for a top result)."""
    plan = plan_for_viewer(request.user, plan_id, group_slug=slug, perm="results.edit_framework")
    fields = payload.model_dump()
    fields["level"] = _level(fields.pop("level_id"))
    fields["parent"] = _result_in(plan, fields.pop("parent_id"), "parent")
    return Status(201, services.result_save(plan=plan, acting=request.user, **fields))


@router.patch(
    f"{PLAN}/results/{{result_id}}", response={200: ResultOut, **EDIT_ERRORS}, summary="Change a result"
)
def update_result(request, slug: str, plan_id: PathId, result_id: PathId, payload: ResultPatch):
    plan = plan_for_viewer(request.user, plan_id, group_slug=slug, perm="results.edit_framework")
    result = queries.result_in_plan(plan, result_id)
    fields = _changes(payload)
    if "level_id" in fields:
        fields["level"] = _level(fields.pop("level_id"))
    if "parent_id" in fields:
        fields["parent"] = _result_in(plan, fields.pop("parent_id"), "parent")
    result = services.result_save(
        plan=plan, acting=request.user, result=result, revision=payload.revision, **fields
    )
    return Result.objects.select_related("level").get(pk=result.pk)


@router.delete(f"{PLAN}/results/{{result_id}}", response={204: None, **ERRORS}, summary="Remove a result")
def delete_result(request, slug: str, plan_id: PathId, result_id: PathId):
    """With the results under it and their indicators; refused once results are reported under it."""
    plan = plan_for_viewer(request.user, plan_id, group_slug=slug)
    result = queries.result_in_plan(plan, result_id)
    services.result_delete(result=result, acting=request.user)
    return Status(204, None)


# --- Indicators and targets ----------------------------------------------------------------------------


@router.post(f"{PLAN}/indicators", response={201: IndicatorDetailOut, **ERRORS}, summary="Add an indicator")
def create_indicator(request, slug: str, plan_id: PathId, payload: IndicatorIn):
    plan = plan_for_viewer(request.user, plan_id, group_slug=slug, perm="results.edit_framework")
    indicator = services.indicator_save(
        plan=plan, acting=request.user, **_indicator_fields(plan, payload.model_dump())
    )
    return Status(201, _with_progress(request, plan, indicator))


@router.post(
    f"{PLAN}/indicators/adopt",
    response={201: IndicatorDetailOut, **ERRORS},
    summary="Adopt a shared indicator",
)
def adopt_shared_indicator(request, slug: str, plan_id: PathId, payload: AdoptIn):
    """Take an indicator of the network's catalogue into the framework, with the group's own
    baseline, targets and responsible person; its definition and unit stay the catalogue's."""
    plan = plan_for_viewer(request.user, plan_id, group_slug=slug, perm="results.edit_framework")
    fields = _indicator_fields(plan, payload.model_dump())
    shared = SharedIndicator.objects.filter(pk=fields.pop("shared_id")).first()
    if shared is None:
        raise ValidationError({"shared": _("No such shared indicator.")})
    if fields["disaggregations"] is None:
        del fields["disaggregations"]
    indicator = services.indicator_adopt(plan=plan, acting=request.user, shared=shared, **fields)
    return Status(201, _with_progress(request, plan, indicator))


@router.get(
    f"{PLAN}/indicators/{{indicator_id}}",
    response={200: IndicatorDetailOut, **READ_ERRORS},
    summary="One indicator with its targets and progress",
)
def get_indicator(request, slug: str, plan_id: PathId, indicator_id: PathId):
    plan = plan_for_viewer(request.user, plan_id, group_slug=slug)
    return _with_progress(request, plan, _indicator(plan, indicator_id))


@router.patch(
    f"{PLAN}/indicators/{{indicator_id}}",
    response={200: IndicatorDetailOut, **EDIT_ERRORS},
    summary="Change an indicator",
)
def update_indicator(request, slug: str, plan_id: PathId, indicator_id: PathId, payload: IndicatorPatch):
    """While the plan is editable; the unit cannot change once values are reported, nor the
    definition of an adopted shared indicator."""
    plan = plan_for_viewer(request.user, plan_id, group_slug=slug, perm="results.edit_framework")
    indicator = _indicator(plan, indicator_id)
    indicator = services.indicator_save(
        plan=plan,
        acting=request.user,
        indicator=indicator,
        revision=payload.revision,
        **_indicator_fields(plan, _changes(payload), indicator),
    )
    return _with_progress(request, plan, indicator)


@router.delete(
    f"{PLAN}/indicators/{{indicator_id}}", response={204: None, **ERRORS}, summary="Remove an indicator"
)
def delete_indicator(request, slug: str, plan_id: PathId, indicator_id: PathId):
    """Refused once values are reported for it."""
    plan = plan_for_viewer(request.user, plan_id, group_slug=slug)
    services.indicator_delete(indicator=_indicator(plan, indicator_id), acting=request.user)
    return Status(204, None)


@router.get(
    f"{PLAN}/indicators/{{indicator_id}}/targets",
    response={200: list[TargetOut], **READ_ERRORS},
    summary="An indicator's targets",
)
def get_targets(request, slug: str, plan_id: PathId, indicator_id: PathId):
    """Per period, in order, the life-of-plan target last."""
    plan = plan_for_viewer(request.user, plan_id, group_slug=slug)
    return list(_indicator(plan, indicator_id).targets.all())


@router.put(
    f"{PLAN}/indicators/{{indicator_id}}/targets",
    response={200: list[TargetOut], **ERRORS},
    summary="Set an indicator's targets",
)
def set_targets(request, slug: str, plan_id: PathId, indicator_id: PathId, payload: TargetsIn):
    """Replaces them all: one target per period, at most one for the life of the plan."""
    plan = plan_for_viewer(request.user, plan_id, group_slug=slug)
    indicator = _indicator(plan, indicator_id)
    services.targets_set(
        indicator=indicator, acting=request.user, targets=[t.model_dump() for t in payload.targets]
    )
    return list(Target.objects.filter(indicator=indicator))


# --- Measurements ---------------------------------------------------------------------------------------


@router.get(
    f"{PLAN}/indicators/{{indicator_id}}/measurements",
    response={200: list[MeasurementOut], **READ_ERRORS},
    summary="Measurements of an indicator",
)
@paginate(ApiPagination, page_size=100)
def list_measurements(
    request,
    slug: str,
    plan_id: int,
    indicator_id: int,
    status: Literal["", *MeasurementStatus.values] = Query(  # type: ignore[valid-type]
        "", description="Only the measurements in this state."
    ),
):
    """Every value reported, latest period first; only the approved ones count towards progress."""
    plan = plan_for_viewer(request.user, plan_id, group_slug=slug)
    measurements = queries.measurements_of(_indicator(plan, indicator_id))
    return measurements.filter(status=status) if status else measurements


def _record(request, slug: str, plan_id: PathId, indicator_id: PathId, fields: dict, evidence_file=None):
    plan = plan_for_viewer(request.user, plan_id, group_slug=slug)
    indicator = _indicator(plan, indicator_id)
    measurement = services.measurement_record(
        indicator=indicator, acting=request.user, evidence_file=evidence_file, **fields
    )
    return Status(201, saved(measurement))


@router.post(
    f"{PLAN}/indicators/{{indicator_id}}/measurements",
    response={201: MeasurementOut, **ERRORS},
    summary="Report a measurement",
)
def record_measurement(request, slug: str, plan_id: PathId, indicator_id: PathId, payload: MeasurementIn):
    """The person responsible for the indicator (or a co-chair) reports a value for a period, with an
    evidence link; it counts once a co-chair approves it. To attach a file, use …/measurements/upload."""
    return _record(request, slug, plan_id, indicator_id, payload.model_dump())


def _pairs(text: str) -> dict[str, str]:
    pairs = {}
    for item in text.split(","):
        if not item.strip():
            continue
        name, sep, option = item.partition("=")
        if not sep:
            raise ValidationError({"disaggregation": _("Give the disaggregation as category and option.")})
        pairs[name.strip()] = option.strip()
    return pairs


@router.post(
    f"{PLAN}/indicators/{{indicator_id}}/measurements/upload",
    response={201: MeasurementOut, **ERRORS},
    summary="Report a measurement with an evidence file",
)
def record_measurement_with_file(
    request,
    slug: str,
    plan_id: int,
    indicator_id: int,
    payload: Form[MeasurementFormIn],
    evidence_file: File[UploadedFile],
):
    """The same as reporting a measurement, sent as multipart/form-data with the evidence file (PDF,
    PNG, JPEG, DOCX, XLSX, CSV or text, 10 MB at most)."""
    fields = payload.model_dump()
    fields["disaggregation"] = _pairs(fields["disaggregation"])
    return _record(request, slug, plan_id, indicator_id, fields, evidence_file=evidence_file)


@router.post(
    f"{PLAN}/measurements/{{measurement_id}}/review",
    response={200: MeasurementOut, **ERRORS},
    summary="Approve or send back a measurement",
)
def review_measurement(
    request, slug: str, plan_id: PathId, measurement_id: PathId, payload: MeasurementReviewIn
):
    """A co-chair approves a reported value (it then counts) or sends it back with a note."""
    plan = plan_for_viewer(request.user, plan_id, group_slug=slug)
    measurement = _measurement(plan, measurement_id)
    reviewed = services.measurement_review(
        measurement=measurement, acting=request.user, approve=payload.approve, note=payload.note
    )
    reviewed.recorded_by = measurement.recorded_by
    return reviewed


@router.post(
    f"{PLAN}/measurements/{{measurement_id}}/withdraw",
    response={204: None, **ERRORS},
    summary="Withdraw a measurement",
)
def withdraw_measurement(request, slug: str, plan_id: PathId, measurement_id: PathId):
    """Whoever reported a value may withdraw it while it waits for approval."""
    plan = plan_for_viewer(request.user, plan_id, group_slug=slug)
    services.measurement_withdraw(measurement=_measurement(plan, measurement_id), acting=request.user)
    return Status(204, None)


@router.get(
    f"{PLAN}/measurements/{{measurement_id}}/evidence",
    response=READ_ERRORS,
    summary="Download a measurement's evidence file",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, as an attachment.",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download_evidence(request, slug: str, plan_id: PathId, measurement_id: PathId):
    """Only to those who may read the plan; never shown inline."""
    plan = plan_for_viewer(request.user, plan_id, group_slug=slug)
    measurement = _measurement(plan, measurement_id)
    if not measurement.evidence_file:
        raise Http404
    response = FileResponse(
        measurement.evidence_file.open("rb"),
        as_attachment=True,
        filename=os.path.basename(measurement.evidence_file.name),
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


# --- The network's shared indicators --------------------------------------------------------------------


@router.get(
    "results/shared", response={200: list[SharedIndicatorOut], **READ_ERRORS}, summary="Shared indicators"
)
@paginate(ApiPagination, page_size=100)
def list_shared_indicators(request):
    """The network's catalogue, by code, with how many groups adopted each; the secretariat also sees
    the indicators taken out of the catalogue."""
    ensure(request.user, "results.view_catalogue")
    catalogue = queries.catalogue_with_adoption()
    if not can(request.user, "results.manage_catalogue"):
        catalogue = catalogue.in_catalogue()
    return catalogue


@router.post("results/shared", response={201: SharedIndicatorOut, **ERRORS}, summary="Add a shared indicator")
def create_shared_indicator(request, payload: SharedIn):
    """The secretariat adds an indicator to the network's catalogue."""
    shared = services.shared_indicator_save(acting=request.user, **payload.model_dump())
    return Status(201, _refetch_shared(shared))


@router.get(
    "results/shared/{shared_id}",
    response={200: SharedIndicatorOut, **READ_ERRORS},
    summary="One shared indicator",
)
def get_shared_indicator(request, shared_id: PathId):
    ensure(request.user, "results.view_catalogue")
    shared = _shared(shared_id)
    if not shared.is_active and not can(request.user, "results.manage_catalogue"):
        raise Http404
    return shared


@router.patch(
    "results/shared/{shared_id}",
    response={200: SharedIndicatorOut, **ERRORS},
    summary="Change a shared indicator",
)
def update_shared_indicator(request, shared_id: PathId, payload: SharedPatch):
    """The secretariat; once groups adopted it, its unit, direction and cumulation stay."""
    ensure(request.user, "results.manage_catalogue")
    shared = _shared(shared_id)
    shared = services.shared_indicator_save(acting=request.user, shared=shared, **_changes(payload))
    return _refetch_shared(shared)


@router.get(
    "results/shared/{shared_id}/totals",
    response={200: NetworkTotalsOut, **READ_ERRORS},
    summary="Network-wide totals of a shared indicator",
)
def get_network_totals(
    request,
    shared_id: int,
    by: Literal["quarter", "year", "country"] = "quarter",
    year: int | None = Query(None, ge=1900, le=2200, description="Only this year."),
):
    """The sum over every adopting group (a percentage as the sum of numerators over the sum of
    denominators) of the approved values, by quarter, by year or by country: the steering committee
    and the secretariat."""
    ensure(request.user, "results.view_network")
    shared = _shared(shared_id)
    return {
        "shared": shared,
        "by": by,
        "year": year,
        "years": queries.network_years(shared),
        "rows": queries.network_totals(shared, by=by, year=year),
    }
