"""The data call API under /api/v1/: the same rules, queries and services as the pages."""

import datetime
from typing import Any

from ninja import Field, Router, Schema

from convene.core.api_schemas import ERRORS, READ_ERRORS, JsonBody, PathId
from convene.core.rules import ensure

from . import queries, services

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
    fields: list[DataCallFieldOut]


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


@router.get("data-calls/{call_id}", response={200: DataCallOut, **READ_ERRORS}, summary="One data call")
def get_data_call(request, call_id: PathId):
    return _call_out(queries.call_for_viewer(viewer=request.user, pk=call_id))


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
