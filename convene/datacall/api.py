"""The data call API under /api/v1/: the same rules, queries and services as the pages."""

import datetime
from typing import Any, Literal

from ninja import Field, Router, Schema, Status

from convene.core.api_schemas import ERRORS, READ_ERRORS, IsoDate, JsonBody, PathId
from convene.core.rules import ensure

from . import queries, services
from .models import Answerers, CallStatus, FieldKind

router = Router(tags=["data calls"])


class DataCallFieldOut(Schema):
    key: str
    label: str
    kind: str


class DataCallOut(Schema):
    id: int
    title: str
    year: int
    status: str
    answerers: str
    deadline: datetime.date
    zone_name: str = Field(..., description="The deadline is the end of its day in this time zone.")
    description: str
    reminder_days: list[int]
    fields: list[DataCallFieldOut]


class DataCallFieldIn(JsonBody):
    key: str = Field(..., min_length=1, max_length=40, description="Lower case letters, digits and _.")
    label: str = Field(..., min_length=1, max_length=200)
    kind: Literal[tuple(FieldKind.values)] = FieldKind.NUMBER  # type: ignore[valid-type]


class DataCallIn(JsonBody):
    title: str = Field(..., min_length=1, max_length=200)
    year: int = Field(..., ge=1990, le=2100, description="The year of the report.")
    deadline: IsoDate
    zone_name: str = Field("UTC", max_length=64, description="IANA time zone of the deadline.")
    fields: list[DataCallFieldIn] | None = Field(
        None, max_length=60, description="The State of the Workforce report's fields if left out."
    )
    description: str = Field("", max_length=10_000)
    answerers: Literal[tuple(Answerers.values)] = Answerers.MEMBERS  # type: ignore[valid-type]
    reminder_days: list[int] = Field([14, 3], max_length=10, description="Days before the deadline.")


class DataCallPatch(JsonBody):
    title: str | None = Field(None, min_length=1, max_length=200)
    year: int | None = Field(None, ge=1990, le=2100)
    deadline: IsoDate | None = None
    zone_name: str | None = Field(None, max_length=64)
    fields: list[DataCallFieldIn] | None = Field(None, min_length=1, max_length=60)
    description: str | None = Field(None, max_length=10_000)
    answerers: Literal[tuple(Answerers.values)] | None = None  # type: ignore[valid-type]
    reminder_days: list[int] | None = Field(None, max_length=10)


class DataCallAnswerIn(JsonBody):
    country: str = Field("", max_length=2, description="A country you may answer for (default: your own).")
    values: dict[str, Any] = Field(..., description="Field key → value (number, text, or true/false).")
    note: str = Field("", max_length=5000)


class DataCallAnswerOut(Schema):
    id: int
    country: str
    values: dict[str, Any]


class DataCallRecordOut(Schema):
    country: str
    values: dict[str, Any]
    locked: list[str]
    comment: str


class DataCallReconcileIn(JsonBody):
    picks: dict[str, int] = Field({}, description="Field key → id of the answer whose value is taken.")
    values: dict[str, Any] = Field({}, description="Field key → a value written by the secretariat.")
    validate_fields: list[str] = Field([], alias="validate", description="Keys validated (then locked).")
    comment: str | None = Field(None, max_length=5000)


def _call_out(call) -> dict:
    return {
        "id": call.pk,
        "title": call.title,
        "year": call.year,
        "status": call.status,
        "answerers": call.answerers,
        "deadline": call.deadline,
        "zone_name": call.zone_name,
        "description": call.description,
        "reminder_days": call.reminder_days,
        "fields": call.fields,
    }


def _record_out(record) -> dict:
    return {
        "country": str(record.country),
        "values": record.values,
        "locked": record.locked,
        "comment": record.comment,
    }


@router.get("data-calls", response={200: list[DataCallOut], **READ_ERRORS}, summary="Data calls")
def list_data_calls(request):
    return [_call_out(c) for c in queries.calls_for(request.user)]


@router.post("data-calls", response={201: DataCallOut, **ERRORS}, summary="Make a data call")
def create_data_call(request, payload: DataCallIn):
    """The secretariat makes a call, as a draft: open it when it is ready."""
    values = payload.model_dump()
    call = services.datacall_create(acting=request.user, **values)
    return Status(201, _call_out(call))


@router.get("data-calls/{call_id}", response={200: DataCallOut, **READ_ERRORS}, summary="One data call")
def get_data_call(request, call_id: PathId):
    return _call_out(queries.call_for_viewer(viewer=request.user, pk=call_id))


@router.patch("data-calls/{call_id}", response={200: DataCallOut, **ERRORS}, summary="Change a data call")
def update_data_call(request, call_id: PathId, payload: DataCallPatch):
    """Only the fields sent change. Once answers came in, the fields' keys and kinds stay (409)."""
    call = queries.call_for_viewer(viewer=request.user, pk=call_id)
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return _call_out(services.datacall_update(call=call, acting=request.user, **changes))


@router.post("data-calls/{call_id}/open", response={200: DataCallOut, **ERRORS}, summary="Open a data call")
def open_data_call(request, call_id: PathId):
    """A draft or a closed call opens (409 if it is open already; 422 if its deadline has passed)."""
    call = queries.call_for_viewer(viewer=request.user, pk=call_id)
    return _call_out(services.datacall_set_status(call=call, acting=request.user, status=CallStatus.OPEN))


@router.post("data-calls/{call_id}/close", response={200: DataCallOut, **ERRORS}, summary="Close a data call")
def close_data_call(request, call_id: PathId):
    """An open call closes before its deadline (409 if it is not open)."""
    call = queries.call_for_viewer(viewer=request.user, pk=call_id)
    return _call_out(services.datacall_set_status(call=call, acting=request.user, status=CallStatus.CLOSED))


@router.post(
    "data-calls/{call_id}/answers", response={200: DataCallAnswerOut, **ERRORS}, summary="Answer a data call"
)
def answer_data_call(request, call_id: PathId, payload: DataCallAnswerIn):
    call = queries.call_for_viewer(viewer=request.user, pk=call_id)
    submission = services.submission_save(
        call=call,
        acting=request.user,
        values=payload.values,
        country=payload.country.upper(),
        note=payload.note,
    )
    return {"id": submission.pk, "country": str(submission.country), "values": submission.values}


@router.get(
    "data-calls/{call_id}/table",
    response={200: list[DataCallRecordOut], **READ_ERRORS},
    summary="The reconciled values, per country",
)
def data_call_table(request, call_id: PathId):
    ensure(request.user, "datacall.manage")
    call = queries.call_for_viewer(viewer=request.user, pk=call_id)
    return [_record_out(r) for r in queries.table(call=call)]


@router.post(
    "data-calls/{call_id}/countries/{code}",
    response={200: DataCallRecordOut, **ERRORS},
    summary="Reconcile a country's answers",
)
def reconcile_data_call_country(request, call_id: PathId, code: str, payload: DataCallReconcileIn):
    ensure(request.user, "datacall.manage")
    call = queries.call_for_viewer(viewer=request.user, pk=call_id)
    from django.http import Http404
    from django_countries import countries

    if code.upper() not in countries:
        raise Http404
    record = services.country_reconcile(
        call=call,
        country=code.upper(),
        acting=request.user,
        picks=payload.picks,
        values=payload.values,
        validate=payload.validate_fields,
        comment=payload.comment,
    )
    return _record_out(record)
