"""The meetings API under /api/v1/: the same rules, queries and services as the pages.

Times are sent as wall-clock times with the zone they are in (``"starts": "2030-01-14T15:00",
"zone_name": "Europe/Copenhagen"``), as a person types them; they come back in UTC (ISO 8601 with
``Z``) with the organiser's zone beside them. Refusals have the API's one error shape."""

import datetime
import re
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from convene.core.api_schemas import BODY_ID, ERRORS, READ_ERRORS, IsoDate, JsonBody, PathId
from convene.core.pagination import ApiPagination
from convene.core.rules import can
from convene.groups import queries as group_queries
from convene.groups.models import MeetingForm

from . import minutes_services, queries, services
from .models import (
    DigestChoice,
    Invitation,
    Meeting,
    MeetingStatus,
    PollChoice,
    Presence,
    ReminderChoice,
    Rsvp,
    TimePoll,
)
from .rules import is_committee_or_secretariat
from .times import Frequency, Recurrence

router = Router(tags=["meetings"])

_WALL = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _wall_only(value):
    if isinstance(value, str) and _WALL.fullmatch(value):
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("datetime_format", _("Give the time as text in the form YYYY-MM-DDTHH:MM."))


WallTime = Annotated[datetime.datetime, BeforeValidator(_wall_only)]


# --- Schemas -------------------------------------------------------------------------------------


class MeetingRecurrenceIn(Schema):
    frequency: Literal[tuple(Frequency)]  # type: ignore[valid-type]
    interval: int = Field(1, ge=1, le=12)
    weekday: int | None = Field(None, ge=0, le=6, description="0 Monday … 6 Sunday (monthly by weekday).")
    position: Literal[1, 2, 3, 4, -1] | None = Field(None, description="1–4, or -1 for the last (monthly).")
    count: int | None = Field(None, ge=1, le=520)
    until: IsoDate | None = None


class MeetingIn(JsonBody):
    title: str = Field(..., min_length=1, max_length=200)
    starts: WallTime = Field(..., description="Wall-clock time in zone_name, YYYY-MM-DDTHH:MM.")
    ends: WallTime = Field(..., description="Wall-clock time in zone_name, YYYY-MM-DDTHH:MM.")
    zone_name: str = Field(..., max_length=64, description="An IANA time zone, e.g. Africa/Lusaka.")
    form: Literal[tuple(MeetingForm.values)] = MeetingForm.VIRTUAL  # type: ignore[valid-type]
    place: str = Field("", max_length=300)
    video_url: str = Field("", max_length=200)
    description: str = Field("", max_length=10_000)
    also_groups: list[str] = Field([], max_length=10, description="Slugs of other groups (a joint meeting).")
    recurrence: MeetingRecurrenceIn | None = Field(None, description="A series: how it repeats.")


class MeetingMoveIn(JsonBody):
    starts: WallTime
    ends: WallTime
    zone_name: str | None = Field(None, max_length=64)


class MeetingSeriesMoveIn(MeetingMoveIn):
    include_moved: bool = Field(False, description="Also move the meetings that were moved one by one.")


class MeetingSeriesEndIn(JsonBody):
    last_day: IsoDate = Field(..., description="The series' last day, in its zone (included).")


class MeetingSeriesEndOut(Schema):
    removed: int = Field(..., description="How many meetings after the last day were removed.")


class MeetingAnswerIn(JsonBody):
    answer: Literal[tuple(Rsvp.values)]  # type: ignore[valid-type]


class MeetingOut(Schema):
    id: int
    title: str
    starts: datetime.datetime
    ends: datetime.datetime
    zone_name: str
    form: str
    place: str
    video_url: str | None = Field(..., description="Only for the people asked, the organisers and insiders.")
    status: Literal[tuple(MeetingStatus.values)]  # type: ignore[valid-type]
    series_id: int | None
    original_starts: datetime.datetime | None
    groups: list[str] = Field(..., description="Slugs of the meeting's groups.")
    sequence: int


class MeetingMinutesOut(Schema):
    body: str
    status: str
    revision: int
    taker_id: int | None
    published_at: datetime.datetime | None


class MeetingMinutesIn(JsonBody):
    body: str = Field(..., max_length=200_000)
    revision: int | None = Field(None, ge=1, description="The revision the text was started from.")


class MeetingAttendanceIn(JsonBody):
    presence: dict[str, Literal[tuple(Presence.values)]] = Field(  # type: ignore[valid-type]
        ..., max_length=2000, description="Person id → present, apologies or absent."
    )


class MeetingDecisionIn(JsonBody):
    title: str = Field(..., min_length=1, max_length=200)
    text: str = Field("", max_length=10_000)
    group: str | None = Field(
        None, max_length=160, description="Slug of the group that decided (joint meeting)."
    )


class MeetingDecisionOut(Schema):
    id: int
    title: str
    decided_on: datetime.date
    group: str | None


class MeetingActionItemIn(JsonBody):
    what: str = Field(..., min_length=1, max_length=300)
    assignee_id: int | None = Field(None, **BODY_ID)
    due_on: IsoDate | None = None
    group: str | None = Field(None, max_length=160, description="Slug of the group whose plan it goes in.")


class MeetingActionItemOut(Schema):
    id: int
    what: str
    assignee_id: int | None
    due_on: datetime.date | None
    group: str | None
    task_id: int | None


class TimePollIn(JsonBody):
    title: str = Field(..., min_length=1, max_length=200)
    zone_name: str = Field(..., max_length=64)
    minutes: int = Field(60, ge=15, le=480)
    slots: list[WallTime] = Field(..., min_length=1, max_length=8, description="Proposed starts, 3 to 8.")
    description: str = Field("", max_length=10_000)


class TimePollSlotOut(Schema):
    id: int
    starts: datetime.datetime
    ends: datetime.datetime
    yes: int
    if_need_be: int
    no: int
    outside_working_hours: int = Field(..., description="How many members it falls outside 08:00–20:00 for.")


class TimePollOut(Schema):
    id: int
    title: str
    zone_name: str
    status: str
    meeting_id: int | None
    slots: list[TimePollSlotOut]


class TimePollAnswersIn(JsonBody):
    answers: dict[str, Literal[tuple(PollChoice.values)]] = Field(..., max_length=8)  # type: ignore[valid-type]


class TimePollChooseIn(JsonBody):
    slot_id: int = Field(..., **BODY_ID)
    form: Literal[tuple(MeetingForm.values)] = MeetingForm.VIRTUAL  # type: ignore[valid-type]
    place: str = Field("", max_length=300)
    video_url: str = Field("", max_length=200)


# --- Helpers -------------------------------------------------------------------------------------


def _meeting(request, meeting_id: int) -> Meeting:
    return queries.meeting_for_viewer(viewer=request.user, meeting_id=meeting_id)


def _out(request, meeting: Meeting) -> dict:
    details = queries.may_see_details(request.user, meeting)
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "starts": meeting.starts,
        "ends": meeting.ends,
        "zone_name": meeting.zone_name,
        "form": meeting.form,
        "place": meeting.place,
        "video_url": meeting.video_url if details else None,
        "status": meeting.status,
        "series_id": meeting.series_id,
        "original_starts": meeting.original_starts,
        "groups": [g.slug for g in meeting.groups.all()],
        "sequence": meeting.sequence,
    }


def _recurrence(payload: MeetingRecurrenceIn | None) -> Recurrence | None:
    if payload is None:
        return None
    try:
        return Recurrence(Frequency(payload.frequency), **payload.model_dump(exclude={"frequency"}))
    except ValueError as error:
        raise ValidationError({"recurrence": str(error)}) from error


def _group_in(meeting: Meeting, slug: str | None):
    if slug is None:
        return None
    found = next((g for g in meeting.groups.all() if g.slug == slug), None)
    if found is None:
        raise ValidationError({"group": _("Choose one of the meeting's groups.")})
    return found


def _poll_out(request, poll: TimePoll) -> dict:
    results = queries.poll_results(poll=poll, viewer=request.user)
    return {
        "id": poll.pk,
        "title": poll.title,
        "zone_name": poll.zone_name,
        "status": poll.status,
        "meeting_id": poll.meeting_id,
        "slots": [
            {
                "id": slot.pk,
                "starts": slot.starts,
                "ends": slot.ends,
                "yes": t.yes,
                "if_need_be": t.if_need_be,
                "no": t.no,
                "outside_working_hours": len(t.outside_hours),
            }
            for slot, t in zip(results.slots, results.tallies, strict=True)
        ],
    }


# --- Meetings ------------------------------------------------------------------------------------


@router.get(
    "groups/{slug}/meetings", response={200: list[MeetingOut], **READ_ERRORS}, summary="A group's meetings"
)
@paginate(ApiPagination, page_size=50)
def list_group_meetings(request, slug: str):
    """The group's meetings from a month ago on, by start."""
    group = group_queries.group_for_viewer(viewer=request.user, slug=slug)
    meetings = queries.feed_meetings(meetings=Meeting.objects.of_group(group))
    return [_out(request, m) for m in meetings]


@router.post("groups/{slug}/meetings", response={201: MeetingOut, **ERRORS}, summary="Schedule a meeting")
def schedule_meeting(request, slug: str, payload: MeetingIn):
    """A single meeting, or a series with ``recurrence`` (its first meeting is answered)."""
    group = group_queries.group_for_viewer(viewer=request.user, slug=slug)
    others = [
        group_queries.group_for_viewer(viewer=request.user, slug=s)
        for s in dict.fromkeys(payload.also_groups)
    ]
    common = {
        "acting": request.user,
        "title": payload.title,
        "starts": payload.starts,
        "ends": payload.ends,
        "zone_name": payload.zone_name,
        "groups": [group, *[g for g in others if g.pk != group.pk]],
        "form": payload.form,
        "place": payload.place,
        "video_url": payload.video_url,
        "description": payload.description,
    }
    recurrence = _recurrence(payload.recurrence)
    if recurrence is None:
        meeting = services.meeting_schedule(**common)
    else:
        meeting = (
            services.series_schedule(recurrence=recurrence, **common).meetings.order_by("starts").first()
        )
        if meeting is None:
            raise ValidationError({"recurrence": _("This series has no meeting.")})
    return 201, _out(request, meeting)


@router.get("meetings/{meeting_id}", response={200: MeetingOut, **READ_ERRORS}, summary="One meeting")
def get_meeting(request, meeting_id: PathId):
    return _out(request, _meeting(request, meeting_id))


@router.post(
    "meetings/{meeting_id}/answer", response={200: MeetingOut, **ERRORS}, summary="Answer an invitation"
)
def answer_meeting(request, meeting_id: PathId, payload: MeetingAnswerIn):
    meeting = _meeting(request, meeting_id)
    invitation = Invitation.objects.filter(meeting=meeting, person=request.user).first()
    if invitation is None:
        raise PermissionDenied("meetings.answer")
    services.invitation_answer(invitation=invitation, answer=payload.answer)
    return _out(request, meeting)


@router.post("meetings/{meeting_id}/move", response={200: MeetingOut, **ERRORS}, summary="Move a meeting")
def move_meeting(request, meeting_id: PathId, payload: MeetingMoveIn):
    meeting = _meeting(request, meeting_id)
    moved = services.meeting_move(
        meeting=meeting,
        acting=request.user,
        starts=payload.starts,
        ends=payload.ends,
        zone_name=payload.zone_name,
    )
    return _out(request, moved)


@router.post(
    "meetings/{meeting_id}/move-following",
    response={200: list[MeetingOut], **ERRORS},
    summary="Move this and the following meetings of a series",
)
def move_following(request, meeting_id: PathId, payload: MeetingSeriesMoveIn):
    """This meeting to ``starts``–``ends``; the later meetings of its series to the same time of day,
    zone and length (held ones untouched, cancelled ones stay cancelled). Returns those moved."""
    meeting = _meeting(request, meeting_id)
    if meeting.series is None:
        raise ValidationError({"meeting": _("This meeting is not one of a series.")})
    moved = services.series_move(
        series=meeting.series,
        acting=request.user,
        meeting=meeting,
        starts=payload.starts,
        ends=payload.ends,
        zone_name=payload.zone_name,
        include_moved=payload.include_moved,
    )
    return [_out(request, m) for m in moved]


@router.post(
    "series/{series_id}/end", response={200: MeetingSeriesEndOut, **ERRORS}, summary="End a series on a day"
)
def end_series(request, series_id: PathId, payload: MeetingSeriesEndIn):
    series = queries.series_for_viewer(viewer=request.user, series_id=series_id)
    return {"removed": services.series_end(series=series, acting=request.user, last_day=payload.last_day)}


@router.get(
    "committee/meetings",
    response={200: list[MeetingOut], **READ_ERRORS},
    summary="The steering committee's meetings",
)
def list_committee_meetings(request):
    """Coming and held (the latest 50 of each), for the committee and the secretariat."""
    if not is_committee_or_secretariat(request.user):
        raise PermissionDenied("meetings.committee")
    found = queries.committee_meetings()
    return [_out(request, m) for m in [*found.upcoming, *found.past]]


@router.post(
    "committee/meetings", response={201: MeetingOut, **ERRORS}, summary="Schedule a meeting of the committee"
)
def schedule_committee_meeting(request, payload: MeetingIn):
    """By the secretariat or the committee's chair; every current committee member is asked."""
    if payload.also_groups:
        raise ValidationError({"also_groups": _("A meeting of the steering committee belongs to no group.")})
    common = {
        "acting": request.user,
        "title": payload.title,
        "starts": payload.starts,
        "ends": payload.ends,
        "zone_name": payload.zone_name,
        "for_committee": True,
        "form": payload.form,
        "place": payload.place,
        "video_url": payload.video_url,
        "description": payload.description,
    }
    recurrence = _recurrence(payload.recurrence)
    if recurrence is None:
        meeting = services.meeting_schedule(**common)
    else:
        meeting = (
            services.series_schedule(recurrence=recurrence, **common).meetings.order_by("starts").first()
        )
        if meeting is None:
            raise ValidationError({"recurrence": _("This series has no meeting.")})
    return 201, _out(request, meeting)


@router.post("meetings/{meeting_id}/cancel", response={200: MeetingOut, **ERRORS}, summary="Cancel a meeting")
def cancel_meeting(request, meeting_id: PathId):
    meeting = _meeting(request, meeting_id)
    return _out(request, services.meeting_cancel(meeting=meeting, acting=request.user))


# --- Minutes -------------------------------------------------------------------------------------


def _writer(request, meeting_id: int) -> Meeting:
    meeting = _meeting(request, meeting_id)
    if not can(request.user, "meetings.write_minutes", meeting):
        raise PermissionDenied("meetings.write_minutes")
    return meeting


@router.get(
    "meetings/{meeting_id}/minutes", response={200: MeetingMinutesOut, **READ_ERRORS}, summary="The minutes"
)
def get_minutes(request, meeting_id: PathId):
    """Published minutes to whoever sees the meeting; a draft to its writers and the people asked."""
    meeting = _meeting(request, meeting_id)
    minutes = queries.minutes_of(meeting=meeting)
    if not minutes.is_published and not queries.may_see_details(request.user, meeting):
        raise Http404
    return minutes


@router.put(
    "meetings/{meeting_id}/minutes", response={200: MeetingMinutesOut, **ERRORS}, summary="Save the minutes"
)
def save_minutes(request, meeting_id: PathId, payload: MeetingMinutesIn):
    meeting = _writer(request, meeting_id)
    return minutes_services.minutes_save(
        meeting=meeting, acting=request.user, body=payload.body, revision=payload.revision
    )


@router.post("meetings/{meeting_id}/attendance", response={204: None, **ERRORS}, summary="Record attendance")
def record_attendance(request, meeting_id: PathId, payload: MeetingAttendanceIn):
    meeting = _writer(request, meeting_id)
    try:
        presence = {int(pk): value for pk, value in payload.presence.items()}
    except ValueError as error:
        raise ValidationError({"presence": _("Key the attendance by person id.")}) from error
    minutes_services.attendance_record(meeting=meeting, acting=request.user, presence=presence)
    return 204, None


@router.post(
    "meetings/{meeting_id}/decisions",
    response={201: MeetingDecisionOut, **ERRORS},
    summary="Record a decision",
)
def record_decision(request, meeting_id: PathId, payload: MeetingDecisionIn):
    meeting = _writer(request, meeting_id)
    decision = minutes_services.meeting_decision_record(
        meeting=meeting,
        acting=request.user,
        title=payload.title,
        text=payload.text,
        group=_group_in(meeting, payload.group),
    )
    return 201, {
        "id": decision.pk,
        "title": decision.localized_title,
        "decided_on": decision.decided_on,
        "group": decision.group.slug if decision.group else None,
    }


@router.get(
    "meetings/{meeting_id}/action-items",
    response={200: list[MeetingActionItemOut], **READ_ERRORS},
    summary="Action items",
)
def list_action_items(request, meeting_id: PathId):
    meeting = _meeting(request, meeting_id)
    if not queries.may_see_details(request.user, meeting):
        raise PermissionDenied("meetings.see_details")
    return [
        {
            "id": i.pk,
            "what": i.what,
            "assignee_id": i.assignee_id,
            "due_on": i.due_on,
            "group": i.group.slug if i.group else None,
            "task_id": i.task_id,
        }
        for i in queries.action_items(meeting=meeting)
    ]


@router.post(
    "meetings/{meeting_id}/action-items",
    response={201: MeetingActionItemOut, **ERRORS},
    summary="Add an action item",
)
def add_action_item(request, meeting_id: PathId, payload: MeetingActionItemIn):
    meeting = _writer(request, meeting_id)
    assignee = None
    if payload.assignee_id is not None:
        invited = Invitation.objects.filter(meeting=meeting, person_id=payload.assignee_id).select_related(
            "person"
        )
        found = invited.first()
        if found is None:
            raise ValidationError({"assignee_id": _("Choose someone asked to the meeting.")})
        assignee = found.person
    item = minutes_services.action_item_add(
        meeting=meeting,
        acting=request.user,
        what=payload.what,
        assignee=assignee,
        due_on=payload.due_on,
        group=_group_in(meeting, payload.group),
    )
    return 201, {
        "id": item.pk,
        "what": item.what,
        "assignee_id": item.assignee_id,
        "due_on": item.due_on,
        "group": item.group.slug if item.group else None,
        "task_id": item.task_id,
    }


@router.post(
    "meetings/{meeting_id}/publish",
    response={200: MeetingMinutesOut, **ERRORS},
    summary="Publish the minutes",
)
def publish_minutes(request, meeting_id: PathId):
    """Locks the minutes; each action item becomes a task of its group's plan in force."""
    meeting = _writer(request, meeting_id)
    return minutes_services.minutes_publish(meeting=meeting, acting=request.user)


# --- Time polls ----------------------------------------------------------------------------------


@router.post("groups/{slug}/polls", response={201: TimePollOut, **ERRORS}, summary="Propose times")
def create_poll(request, slug: str, payload: TimePollIn):
    group = group_queries.group_for_viewer(viewer=request.user, slug=slug)
    length = datetime.timedelta(minutes=payload.minutes)
    poll = services.poll_create(
        acting=request.user,
        title=payload.title,
        zone_name=payload.zone_name,
        slots=[(starts, starts + length) for starts in payload.slots],
        groups=[group],
        description=payload.description,
    )
    return 201, _poll_out(request, queries.poll_for_viewer(viewer=request.user, poll_id=poll.pk))


@router.get(
    "polls/{poll_id}", response={200: TimePollOut, **READ_ERRORS}, summary="A time poll and its answers"
)
def get_poll(request, poll_id: PathId):
    return _poll_out(request, queries.poll_for_viewer(viewer=request.user, poll_id=poll_id))


@router.post("polls/{poll_id}/answers", response={200: TimePollOut, **ERRORS}, summary="Answer a time poll")
def answer_poll(request, poll_id: PathId, payload: TimePollAnswersIn):
    poll = queries.poll_for_viewer(viewer=request.user, poll_id=poll_id)
    try:
        answers = {int(pk): value for pk, value in payload.answers.items()}
    except ValueError as error:
        raise ValidationError({"answers": _("Key the answers by slot id.")}) from error
    services.poll_answer(poll=poll, acting=request.user, answers=answers)
    return _poll_out(request, poll)


@router.post("polls/{poll_id}/choose", response={201: MeetingOut, **ERRORS}, summary="Choose the time")
def choose_poll_slot(request, poll_id: PathId, payload: TimePollChooseIn):
    poll = queries.poll_for_viewer(viewer=request.user, poll_id=poll_id)
    slot = poll.slots.filter(pk=payload.slot_id).first()
    if slot is None:
        raise ValidationError({"slot_id": _("Choose one of the poll's proposed times.")})
    meeting = services.poll_close(
        poll=poll,
        acting=request.user,
        slot=slot,
        form=payload.form,
        place=payload.place,
        video_url=payload.video_url,
    )
    return 201, _out(request, meeting)


# --- The person's reminders and digest ---------------------------------------------------------------

ReminderValue = Literal[tuple(ReminderChoice.values)]  # type: ignore[valid-type]
DigestValue = Literal[tuple(DigestChoice.values)]  # type: ignore[valid-type]


class MeetingPreferencesOut(Schema):
    reminder: ReminderValue = Field(..., description="Reminder before a meeting: none, hour, day or both.")
    digest: DigestValue = Field(..., description="Digest e-mail: none, daily or weekly (around 06:00 local).")


class MeetingPreferencesIn(JsonBody):
    reminder: ReminderValue | None = None
    digest: DigestValue | None = None


def _preferences_out(preferences) -> dict:
    return {"reminder": preferences.reminder, "digest": preferences.digest}


@router.get(
    "me/meeting-preferences",
    response={200: MeetingPreferencesOut, **READ_ERRORS},
    summary="Your reminders before meetings and your digest",
)
def get_meeting_preferences(request):
    return _preferences_out(queries.preferences_of(request.user))


@router.put(
    "me/meeting-preferences",
    response={200: MeetingPreferencesOut, **ERRORS},
    summary="Choose your reminders before meetings and your digest",
)
def set_meeting_preferences(request, payload: MeetingPreferencesIn):
    """Fields left out (or null) keep their value."""
    preferences = services.preferences_set(
        person=request.user, reminder=payload.reminder, digest=payload.digest
    )
    return _preferences_out(preferences)
