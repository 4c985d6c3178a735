"""The events API under /api/v1/: the same rules, queries and services as the pages.

Times are sent as wall-clock times with the zone they are in (``"starts": "2030-03-10T09:00",
"zone_name": "America/New_York"``) and come back in UTC with the organiser's zone beside them."""

import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from convene.core.api_schemas import BODY_ID, ERRORS, READ_ERRORS, JsonBody, PathId
from convene.core.pagination import ApiPagination
from convene.core.rules import can
from convene.groups import queries as group_queries
from convene.meetings.api import WallTime

from . import queries, services
from .models import EventKind, QuestionKind, Region, Registration, RegistrationStatus, Visibility

router = Router(tags=["events"])


# --- Schemas -------------------------------------------------------------------------------------


class EventSessionIn(JsonBody):
    title: str = Field(..., min_length=1, max_length=200)
    starts: WallTime
    ends: WallTime
    speakers: list[str] = Field([], max_length=20)


class EventSessionOut(Schema):
    id: int
    title: str
    starts: datetime.datetime
    ends: datetime.datetime
    speakers: list[str]


class EventQuestionIn(Schema):
    kind: Literal[tuple(QuestionKind.values)]  # type: ignore[valid-type]
    label: str = Field(..., min_length=1, max_length=300)
    choices: list[str] = Field([], max_length=30)
    required: bool = False


class EventQuestionOut(Schema):
    id: int
    kind: str
    label: str
    choices: list[str]
    required: bool


class EventTranslationIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=20_000)


class EventIn(JsonBody):
    kind: Literal[tuple(EventKind.values)]  # type: ignore[valid-type]
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=20_000)
    language: str = Field("", max_length=10)
    starts: WallTime = Field(..., description="Wall-clock time in zone_name, YYYY-MM-DDTHH:MM.")
    ends: WallTime
    zone_name: str = Field(..., max_length=64)
    online_url: str = Field("", max_length=200)
    venue: str = Field("", max_length=300)
    region: Literal[tuple(Region.values)] = Region.GLOBAL  # type: ignore[valid-type]
    host_groups: list[str] = Field([], max_length=10, description="Slugs of the host groups.")
    partners: list[str] = Field([], max_length=30)
    capacity: int | None = Field(None, ge=1, le=1_000_000)
    registration_opens: WallTime | None = None
    registration_closes: WallTime | None = None
    visibility: Literal[tuple(Visibility.values)] = Visibility.PUBLIC  # type: ignore[valid-type]
    translations: dict[str, EventTranslationIn] = Field(
        {}, max_length=10, description="Language code → text."
    )
    sessions: list[EventSessionIn] = Field([], max_length=60)
    questions: list[EventQuestionIn] = Field([], max_length=20)


class EventUpdateIn(JsonBody):
    """An event's new fields, all of them (the programme excepted: it moves with the start)."""

    kind: Literal[tuple(EventKind.values)]  # type: ignore[valid-type]
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=20_000)
    language: str = Field("", max_length=10)
    starts: WallTime = Field(..., description="Wall-clock time in zone_name, YYYY-MM-DDTHH:MM.")
    ends: WallTime
    zone_name: str = Field(..., max_length=64)
    online_url: str = Field("", max_length=200)
    venue: str = Field("", max_length=300)
    region: Literal[tuple(Region.values)] = Region.GLOBAL  # type: ignore[valid-type]
    host_groups: list[str] = Field([], max_length=10, description="Slugs of the host groups.")
    partners: list[str] = Field([], max_length=30)
    capacity: int | None = Field(None, ge=1, le=1_000_000)
    registration_opens: WallTime | None = None
    registration_closes: WallTime | None = None
    visibility: Literal[tuple(Visibility.values)] = Visibility.PUBLIC  # type: ignore[valid-type]
    translations: dict[str, EventTranslationIn] | None = Field(
        None, max_length=10, description="Language code → text, added or replaced; absent: unchanged."
    )
    questions: list[EventQuestionIn] | None = Field(
        None, max_length=20, description="All the questions (only before anyone answers); absent: unchanged."
    )


class EventOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    language: str
    starts: datetime.datetime
    ends: datetime.datetime
    zone_name: str
    venue: str
    online_url: str | None = Field(..., description="Only for those holding a place and the organisers.")
    region: str
    visibility: str
    host_groups: list[str]
    partners: list[str]
    capacity: int | None
    places_taken: int
    waiting: int
    recording_url: str
    cancelled: bool


class EventDetailOut(EventOut):
    sessions: list[EventSessionOut]
    questions: list[EventQuestionOut]


class EventRegistrationIn(JsonBody):
    answers: dict[str, str] = Field({}, max_length=20, description="Question id → answer.")
    remind_week: bool = True
    remind_hour: bool = True


class EventRegistrationOut(Schema):
    id: int
    event_id: int
    name: str
    email: str
    status: Literal[tuple(RegistrationStatus.values)]  # type: ignore[valid-type]
    country: str
    answers: dict[str, str]
    waiting_since: datetime.datetime | None
    offer_expires_at: datetime.datetime | None
    attended: bool | None


class EventAttendanceIn(JsonBody):
    attended: dict[str, bool | None] = Field(..., max_length=5000, description="Registration id → came.")


class EventFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    kind: Literal[tuple(EventKind.values)] | None = None  # type: ignore[valid-type]
    group: str = Field("", max_length=160)
    language: str = Field("", max_length=10)
    region: Literal[tuple(Region.values)] | None = None  # type: ignore[valid-type]


# --- Helpers -------------------------------------------------------------------------------------


_LOOK_UP = object()


def _out(request, event, *, detail: bool = False, registration=_LOOK_UP) -> dict:
    if registration is _LOOK_UP:
        registration = queries.registration_of(event=event, person=request.user)
    shows_link = (registration is not None and registration.holds_place) or can(
        request.user, "events.manage", event
    )
    out = {
        "id": event.pk,
        "kind": event.kind,
        "title": event.title,
        "description": event.description,
        "language": event.language,
        "starts": event.starts,
        "ends": event.ends,
        "zone_name": event.zone_name,
        "venue": event.venue,
        "online_url": event.online_url if shows_link else None,
        "region": event.region,
        "visibility": event.visibility,
        "host_groups": [g.slug for g in event.host_groups.all()],
        "partners": [p for p in event.partners.splitlines() if p],
        "capacity": event.capacity,
        "places_taken": event.taken if hasattr(event, "taken") else services.places_taken(event),
        "waiting": getattr(event, "waiting", 0),
        "recording_url": event.recording_url,
        "cancelled": event.cancelled,
    }
    if detail:
        out["sessions"] = [
            {"id": s.pk, "title": s.title, "starts": s.starts, "ends": s.ends, "speakers": s.speaker_list}
            for s in event.sessions.all()
        ]
        out["questions"] = [
            {"id": q.pk, "kind": q.kind, "label": q.label, "choices": q.choice_list, "required": q.required}
            for q in event.questions.all()
        ]
    return out


def _registration_out(r: Registration) -> dict:
    return {
        "id": r.pk,
        "event_id": r.event_id,
        "name": r.name,
        "email": r.email,
        "status": r.status,
        "country": str(r.country or ""),
        "answers": r.answers,
        "waiting_since": r.waiting_since,
        "offer_expires_at": r.offer_expires_at,
        "attended": r.attended,
    }


def _managed(request, event_id: int):
    event = queries.event_for_viewer(viewer=request.user, event_id=event_id)
    if not can(request.user, "events.manage", event):
        raise PermissionDenied("events.manage")
    return event


# --- Operations ----------------------------------------------------------------------------------


@router.get("events", response={200: list[EventOut], **READ_ERRORS}, summary="The annual calendar")
@paginate(ApiPagination, page_size=100)
def list_events(request, filters: Query[EventFilters]):
    """The year's events the caller may see (public ones for anyone), by start."""
    from django.utils import timezone

    found = queries.calendar_events(
        viewer=request.user,
        filters=queries.CalendarFilters(
            year=filters.year or timezone.localdate().year,
            kind=filters.kind or "",
            group=filters.group,
            language=filters.language,
            region=filters.region or "",
        ),
    )
    # Their places and the caller's registrations in one query each, not one per event.
    mine = queries.registrations_by_event(person=request.user, events=queries.with_counts(found))
    return [_out(request, e, registration=mine.get(e.pk)) for e in found]


@router.post("events", response={201: EventDetailOut, **ERRORS}, summary="Create an event")
def create_event(request, payload: EventIn):
    groups = [
        group_queries.group_for_viewer(viewer=request.user, slug=s)
        for s in dict.fromkeys(payload.host_groups)
    ]
    event = services.event_create(
        acting=request.user,
        kind=payload.kind,
        title=payload.title,
        description=payload.description,
        language=payload.language,
        starts=payload.starts,
        ends=payload.ends,
        zone_name=payload.zone_name,
        online_url=payload.online_url,
        venue=payload.venue,
        region=payload.region,
        host_groups=groups,
        partners=payload.partners,
        capacity=payload.capacity,
        registration_opens=payload.registration_opens,
        registration_closes=payload.registration_closes,
        visibility=payload.visibility,
        translations={code: (t.title, t.description) for code, t in payload.translations.items()},
        sessions=[services.SessionIn(s.title, s.starts, s.ends, s.speakers) for s in payload.sessions],
        questions=[services.QuestionIn(q.kind, q.label, q.choices, q.required) for q in payload.questions],
    )
    return 201, _out(request, queries.event_for_viewer(viewer=request.user, event_id=event.pk), detail=True)


@router.put("events/{event_id}", response={200: EventDetailOut, **ERRORS}, summary="Change an event")
def update_event(request, event_id: PathId, payload: EventUpdateIn):
    """A new time or place is sent to those registered (the same calendar entry, a higher SEQUENCE);
    a higher capacity offers places to the waiting list."""
    event = _managed(request, event_id)
    groups = [
        group_queries.group_for_viewer(viewer=request.user, slug=s)
        for s in dict.fromkeys(payload.host_groups)
    ]
    services.event_update(
        event=event,
        acting=request.user,
        kind=payload.kind,
        title=payload.title,
        description=payload.description,
        language=payload.language,
        starts=payload.starts,
        ends=payload.ends,
        zone_name=payload.zone_name,
        online_url=payload.online_url,
        venue=payload.venue,
        region=payload.region,
        host_groups=groups,
        partners=payload.partners,
        capacity=payload.capacity,
        registration_opens=payload.registration_opens,
        registration_closes=payload.registration_closes,
        visibility=payload.visibility,
        translations=None
        if payload.translations is None
        else {code: (t.title, t.description) for code, t in payload.translations.items()},
        questions=None
        if payload.questions is None
        else [services.QuestionIn(q.kind, q.label, q.choices, q.required) for q in payload.questions],
    )
    return _out(request, queries.event_for_viewer(viewer=request.user, event_id=event_id), detail=True)


@router.get("events/{event_id}", response={200: EventDetailOut, **READ_ERRORS}, summary="One event")
def get_event(request, event_id: PathId):
    return _out(request, queries.event_for_viewer(viewer=request.user, event_id=event_id), detail=True)


@router.get(
    "events/{event_id}/sessions",
    response={200: list[EventSessionOut], **READ_ERRORS},
    summary="An event's programme",
)
def list_event_sessions(request, event_id: PathId):
    event = queries.event_for_viewer(viewer=request.user, event_id=event_id)
    return _out(request, event, detail=True)["sessions"]


@router.post(
    "events/{event_id}/sessions",
    response={201: EventSessionOut, **ERRORS},
    summary="Add a session to the programme",
)
def add_event_session(request, event_id: PathId, payload: EventSessionIn):
    event = queries.event_for_viewer(viewer=request.user, event_id=event_id)
    s = services.session_add(
        event=event,
        acting=request.user,
        session=services.SessionIn(payload.title, payload.starts, payload.ends, payload.speakers),
    )
    return 201, {"id": s.pk, "title": s.title, "starts": s.starts, "ends": s.ends, "speakers": s.speaker_list}


@router.post(
    "events/{event_id}/registrations",
    response={201: EventRegistrationOut, **ERRORS},
    summary="Register for an event",
)
def register_for_event(request, event_id: PathId, payload: EventRegistrationIn):
    """The caller registers (a place, or the waiting list when the event is full)."""
    event = queries.event_for_viewer(viewer=request.user, event_id=event_id)
    registration = services.registration_register(
        event=event,
        acting=request.user,
        answers=payload.answers,
        remind_week=payload.remind_week,
        remind_hour=payload.remind_hour,
    )
    return 201, _registration_out(registration)


@router.get(
    "events/{event_id}/registrations",
    response={200: list[EventRegistrationOut], **READ_ERRORS},
    summary="An event's registrations",
)
@paginate(ApiPagination, page_size=200)
def list_event_registrations(request, event_id: PathId):
    event = _managed(request, event_id)
    return [_registration_out(r) for r in queries.registrations_of(event=event)]


@router.get(
    "events/{event_id}/waiting-list",
    response={200: list[EventRegistrationOut], **READ_ERRORS},
    summary="An event's waiting list, in order",
)
def list_event_waiting_list(request, event_id: PathId):
    event = _managed(request, event_id)
    return [_registration_out(r) for r in queries.waiting_list(event=event)]


@router.post(
    "events/{event_id}/registrations/{registration_id}/cancel",
    response={200: EventRegistrationOut, **ERRORS},
    summary="Cancel a registration",
)
def cancel_event_registration(request, event_id: PathId, registration_id: PathId):
    """The caller's own registration, or any for the organisers; a freed place goes to the waiting list."""
    event = queries.event_for_viewer(viewer=request.user, event_id=event_id)
    registration = Registration.objects.filter(event=event, pk=registration_id).first()
    if registration is None:
        raise Http404
    if registration.person_id != request.user.pk and not can(request.user, "events.manage", event):
        raise PermissionDenied("events.manage")
    return _registration_out(services.registration_cancel(registration=registration))


@router.post("events/{event_id}/cancel", response={200: EventOut, **ERRORS}, summary="Cancel an event")
def cancel_event(request, event_id: PathId):
    """Everyone holding a place is told, with a calendar entry that removes it (METHOD:CANCEL)."""
    event = _managed(request, event_id)
    services.event_cancel(event=event, acting=request.user)
    return _out(request, queries.event_for_viewer(viewer=request.user, event_id=event_id))


@router.post(
    "events/{event_id}/attendance",
    response={200: list[EventRegistrationOut], **ERRORS},
    summary="Record who came",
)
def record_event_attendance(request, event_id: PathId, payload: EventAttendanceIn):
    event = _managed(request, event_id)
    marked = []
    with transaction.atomic():  # all of the list, or nothing
        for key, attended in payload.attended.items():
            if not key.isdigit() or not BODY_ID["ge"] <= int(key) <= BODY_ID["le"]:
                raise ValidationError({"attended": _("Name registrations by their id.")})
            marked.append(
                services.attendance_mark(
                    event=event, acting=request.user, registration_id=int(key), attended=attended
                )
            )
    return [_registration_out(r) for r in marked]
