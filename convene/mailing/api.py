"""The bulk mail API under /api/v1/mailing/: segments with their counts, mailings (create, status,
start), the suppression list (list, lift). The same rules and services as the pages."""

import datetime
from typing import Annotated, Literal

from django.conf import settings
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import StrictInt, model_validator
from pydantic_core import PydanticCustomError

from convene.core.api_schemas import BODY_ID, ERRORS, READ_ERRORS, JsonBody, PathId
from convene.core.pagination import ApiPagination
from convene.core.regions import M49_REGIONS
from convene.core.rules import ensure

from . import queries, services
from .models import BulkList, MailingState, Suppression, SuppressionReason

router = Router(tags=["mailing"])

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


class MailingSegment(JsonBody):
    @model_validator(mode="wrap")
    @classmethod
    def _an_object(cls, value, handler):
        # Ninja's schemas also read attributes off any object; a segment is a JSON object only.
        if not isinstance(value, dict | MailingSegment):
            raise PydanticCustomError("dict_type", "Give the segment as an object.")
        return handler(value)

    languages: list[Literal[LANGUAGE_CODES]] = Field([], max_length=20)  # type: ignore[valid-type]
    countries: list[str] = Field([], max_length=300)
    regions: list[Literal[M49_REGIONS]] = Field([], max_length=10)  # type: ignore[valid-type]
    sectors: list[str] = Field([], max_length=20)
    groups: list[Annotated[StrictInt, Field(**BODY_ID)]] = Field(
        [], max_length=200, description="Group ids: their active members."
    )


class MailingCountIn(JsonBody):
    purpose: Literal[tuple(BulkList.values)] = BulkList.EUPDATE  # type: ignore[valid-type]
    segment: MailingSegment | None = Field(None, description="Nobody left out when absent.")


class MailingCountOut(Schema):
    count: int


class MailingEdition(Schema):
    subject: str = Field(..., min_length=1, max_length=250)
    html: str = Field(..., min_length=1, max_length=500_000)
    text: str = Field(..., min_length=1, max_length=200_000)


class MailingIn(JsonBody):
    purpose: Literal[tuple(BulkList.values)]  # type: ignore[valid-type]
    title: str = Field(..., min_length=1, max_length=200)
    segment: MailingSegment | None = Field(None, description="Nobody left out when absent.")
    editions: dict[Literal[LANGUAGE_CODES], MailingEdition]  # type: ignore[valid-type]
    default_language: Literal[LANGUAGE_CODES]  # type: ignore[valid-type]


class MailingProgress(Schema):
    total: int
    pending: int
    sent: int
    failed: int
    bounced: int
    unsubscribed: int


class MailingOut(Schema):
    id: int
    purpose: str
    title: str
    state: Literal[tuple(MailingState.values)]  # type: ignore[valid-type]
    segment: dict
    languages: list[str]
    default_language: str
    recipient_count: int = Field(..., description="Recipients when sending started (0 for a draft).")
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    progress: MailingProgress | None = Field(None, description="Only on a single mailing.")


class MailingSuppressionOut(Schema):
    id: int
    email: str
    person_id: int | None
    reason: Literal[tuple(SuppressionReason.values)]  # type: ignore[valid-type]
    detail: str
    created_at: datetime.datetime
    lifted_at: datetime.datetime | None


def _out(mailing, progress: bool = False) -> dict:
    return {
        "id": mailing.pk,
        "purpose": mailing.purpose,
        "title": mailing.title,
        "state": mailing.state,
        "segment": mailing.segment,
        "languages": sorted(mailing.editions),
        "default_language": mailing.default_language,
        "recipient_count": mailing.recipient_count,
        "created_at": mailing.created_at,
        "started_at": mailing.started_at,
        "finished_at": mailing.finished_at,
        "progress": queries.progress(mailing) if progress else None,
    }


@router.post("mailing/segments/count", response={200: MailingCountOut, **ERRORS}, summary="Count a segment")
def count_segment(request, payload: MailingCountIn):
    ensure(request.user, "mailing.send")
    return {
        "count": queries.count_recipients(
            payload.segment.model_dump() if payload.segment else {}, payload.purpose
        )
    }


@router.get("mailing/mailings", response={200: list[MailingOut], **READ_ERRORS}, summary="Mailings")
@paginate(ApiPagination, page_size=50)
def list_mailings(request):
    ensure(request.user, "mailing.send")
    return [_out(m) for m in queries.mailings()[:500]]


@router.post("mailing/mailings", response={201: MailingOut, **ERRORS}, summary="Create a draft mailing")
def create_mailing(request, payload: MailingIn):
    mailing = services.create_mailing(
        purpose=payload.purpose,
        title=payload.title,
        segment=payload.segment.model_dump() if payload.segment else {},
        editions={code: edition.model_dump() for code, edition in payload.editions.items()},
        default_language=payload.default_language,
        created_by=request.user,
    )
    return 201, _out(mailing, progress=True)


def _mailing(request, mailing_id: int):
    ensure(request.user, "mailing.send")
    return get_object_or_404(queries.mailings(), pk=mailing_id)


@router.get(
    "mailing/mailings/{mailing_id}",
    response={200: MailingOut, **READ_ERRORS},
    summary="A mailing and its progress",
)
def get_mailing(request, mailing_id: PathId):
    return _out(_mailing(request, mailing_id), progress=True)


@router.post(
    "mailing/mailings/{mailing_id}/start", response={200: MailingOut, **ERRORS}, summary="Send a mailing"
)
def start_mailing(request, mailing_id: PathId):
    mailing = services.start(_mailing(request, mailing_id), request.user)
    return _out(mailing, progress=True)


@router.get(
    "mailing/suppressions",
    response={200: list[MailingSuppressionOut], **READ_ERRORS},
    summary="Suppressed addresses",
)
@paginate(ApiPagination, page_size=100)
def list_suppressions(request):
    ensure(request.user, "mailing.manage_suppressions")
    return queries.suppressions()


@router.post(
    "mailing/suppressions/{suppression_id}/lift",
    response={200: MailingSuppressionOut, **ERRORS},
    summary="Lift a suppression",
)
def lift_suppression(request, suppression_id: PathId):
    ensure(request.user, "mailing.manage_suppressions")
    row = get_object_or_404(Suppression, pk=suppression_id)
    return services.suppression_lift(suppression=row, acting=request.user)
