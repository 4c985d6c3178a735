"""Every write about meetings (STYLE §1): scheduling single meetings and series, moving and cancelling
one meeting, time polls and their answers, and answers to invitations.

Times come in as wall-clock times in a named zone (what the organiser typed) and are stored in UTC.
Each change people must see raises the meeting's SEQUENCE, so calendar programs replace the entry
they hold instead of adding a second one.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from zoneinfo import available_timezones

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from convene.core import generations
from convene.core.errors import StateConflict
from convene.core.rules import ensure
from convene.core.tasks import enqueue_on_commit
from convene.governance.models import Body, Term
from convene.groups.models import Group, GroupMembership, MeetingForm, MembershipStatus

from . import tasks
from .models import (
    CalendarFeed,
    DigestChoice,
    Invitation,
    Meeting,
    MeetingPreferences,
    MeetingReminder,
    MeetingStatus,
    PollAnswer,
    PollChoice,
    PollSlot,
    PollStatus,
    ReminderChoice,
    Rsvp,
    Series,
    TimePoll,
)
from .rules import may_schedule_for
from .times import Recurrence, Retiming, occurrences, retimed, to_local, to_utc

# A series has its meetings made this far ahead; a periodic task extends it (``series_extend``).
SERIES_HORIZON = datetime.timedelta(days=400)
POLL_SLOTS = (3, 8)


def check_zone(zone_name: str) -> str:
    if zone_name not in _zones():
        raise ValidationError({"zone_name": _("“%(zone)s” is not a time zone.") % {"zone": zone_name}})
    return zone_name


def _zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


_ZONES: frozenset[str] | None = None


def _span(starts: datetime.datetime, ends: datetime.datetime, zone_name: str) -> tuple:
    """Local wall-clock start and end (naive) in UTC, checked."""
    if starts.tzinfo is not None or ends.tzinfo is not None:
        raise ValueError("meeting times are given as wall-clock times in their zone")
    if ends <= starts:
        raise ValidationError({"ends": _("A meeting ends after it starts.")})
    if ends - starts > datetime.timedelta(hours=24):
        raise ValidationError({"ends": _("A meeting lasts at most 24 hours.")})
    return to_utc(starts, zone_name), to_utc(ends, zone_name)


def _check_place(form: str, place: str, video_url: str) -> None:
    if form not in MeetingForm.values:
        raise ValidationError({"form": _("Choose virtual, in person or hybrid.")})
    if form in (MeetingForm.IN_PERSON, MeetingForm.HYBRID) and not place.strip():
        raise ValidationError({"place": _("Say where the meeting takes place.")})
    if form in (MeetingForm.VIRTUAL, MeetingForm.HYBRID) and not video_url.strip():
        raise ValidationError({"video_url": _("Give the video link.")})


def _ensure_may_schedule(acting, groups: Sequence[Group], for_committee: bool) -> None:
    if for_committee and groups:
        raise ValidationError({"groups": _("A meeting of the steering committee belongs to no group.")})
    if not may_schedule_for(acting, groups, for_committee=for_committee):
        raise PermissionDenied("meetings.schedule")


def invitees(*, groups: Iterable[Group], for_committee: bool) -> list[int]:
    """The people asked to a meeting: the active members of its groups, or the committee."""
    if for_committee:
        return sorted(
            set(
                Term.objects.current()
                .filter(body=Body.STEERING_COMMITTEE)
                .values_list("person_id", flat=True)
            )
        )
    return sorted(
        set(
            GroupMembership.objects.filter(
                group__in=list(groups), status=MembershipStatus.ACTIVE, person__is_active=True
            ).values_list("person_id", flat=True)
        )
    )


def _invite(meetings: Sequence[Meeting], person_ids: Sequence[int]) -> None:
    Invitation.objects.bulk_create(
        [Invitation(meeting=meeting, person_id=pk) for meeting in meetings for pk in person_ids],
        ignore_conflicts=True,
    )


def _check_schedule(
    acting, groups, for_committee, title, starts, ends, zone_name, form, place, video_url
) -> tuple:
    """What a meeting and a series both need before anything is written: the right to schedule for
    these groups, a known zone, a place or link for the form, a title, and the times in UTC."""
    _ensure_may_schedule(acting, groups, for_committee)
    check_zone(zone_name)
    _check_place(form, place, video_url)
    span = _span(starts, ends, zone_name)
    if not title.strip():
        raise ValidationError({"title": _("Give the meeting a title.")})
    return span


@transaction.atomic
def meeting_schedule(
    *,
    acting,
    title: str,
    starts: datetime.datetime,
    ends: datetime.datetime,
    zone_name: str,
    groups: Sequence[Group] = (),
    for_committee: bool = False,
    form: str = MeetingForm.VIRTUAL,
    place: str = "",
    video_url: str = "",
    description: str = "",
) -> Meeting:
    """A single meeting of one or several groups (or of the committee), its members invited."""
    groups = list(groups)
    starts_utc, ends_utc = _check_schedule(
        acting, groups, for_committee, title, starts, ends, zone_name, form, place, video_url
    )
    meeting = Meeting.objects.create(
        title=title.strip(),
        description=description,
        for_committee=for_committee,
        organiser=acting,
        zone_name=zone_name,
        starts=starts_utc,
        ends=ends_utc,
        form=form,
        place=place,
        video_url=video_url,
    )
    meeting.groups.set(groups)
    _invite([meeting], invitees(groups=groups, for_committee=for_committee))
    enqueue_on_commit(tasks.send_meeting_mail, meeting.pk)
    return meeting


def _series_meetings(series: Series, groups: Sequence[Group], *, until: datetime.datetime) -> list[Meeting]:
    """The series' meetings from its rule up to ``until`` that do not exist yet."""
    zone_name = series.zone_name
    first = series.first_starts.astimezone(datetime.UTC)
    first_local = to_local(first, zone_name).replace(tzinfo=None)
    length = datetime.timedelta(minutes=series.minutes_long)
    known = set(series.meetings.values_list("original_starts", flat=True))
    retimings = series.retiming_rules
    made = []
    for occurrence in occurrences(first_local, first_local + length, zone_name, series.recurrence):
        if occurrence.original >= until:
            break
        if occurrence.original in known:
            continue
        retiming = retimed(occurrence.original, retimings)
        starts, ends = (
            retiming.span(occurrence.original, zone_name)
            if retiming
            else (occurrence.starts, occurrence.ends)
        )
        made.append(
            Meeting(
                series=series,
                original_starts=occurrence.original,
                title=series.title,
                description=series.description,
                for_committee=series.for_committee,
                organiser_id=series.organiser_id,
                zone_name=retiming.zone_name if retiming else zone_name,
                starts=starts,
                ends=ends,
                form=series.form,
                place=series.place,
                video_url=series.video_url,
                uid=series.uid,
                sequence=series.sequence,
            )
        )
    if not made:
        return []
    Meeting.objects.bulk_create(made)
    # bulk_create sets primary keys on PostgreSQL and on SQLite ≥ 3.35; read them back to be sure.
    made = list(series.meetings.filter(original_starts__in=[m.original_starts for m in made]))
    through = Meeting.groups.through
    through.objects.bulk_create([through(meeting_id=m.pk, group_id=g.pk) for m in made for g in groups])
    generations.bump("meetings")  # written in bulk (no signal)
    _invite(made, invitees(groups=groups, for_committee=series.for_committee))
    return made


@transaction.atomic
def series_schedule(
    *,
    acting,
    title: str,
    starts: datetime.datetime,
    ends: datetime.datetime,
    zone_name: str,
    recurrence: Recurrence,
    groups: Sequence[Group] = (),
    for_committee: bool = False,
    form: str = MeetingForm.VIRTUAL,
    place: str = "",
    video_url: str = "",
    description: str = "",
    now: datetime.datetime | None = None,
) -> Series:
    """A recurring meeting and its meetings for the months ahead (``SERIES_HORIZON``)."""
    groups = list(groups)
    starts_utc, ends_utc = _check_schedule(
        acting, groups, for_committee, title, starts, ends, zone_name, form, place, video_url
    )
    series = Series.objects.create(
        title=title.strip(),
        description=description,
        for_committee=for_committee,
        organiser=acting,
        zone_name=zone_name,
        first_starts=starts_utc,
        minutes_long=int((ends - starts).total_seconds() // 60),
        frequency=recurrence.frequency.value,
        interval=recurrence.interval,
        weekday=recurrence.weekday,
        position=recurrence.position,
        count=recurrence.count,
        until=recurrence.until,
        form=form,
        place=place,
        video_url=video_url,
    )
    series.groups.set(groups)
    _series_meetings(series, groups, until=max(now or timezone.now(), starts_utc) + SERIES_HORIZON)
    enqueue_on_commit(tasks.send_series_mail, series.pk)
    return series


def series_extend(*, series: Series, now: datetime.datetime | None = None) -> list[Meeting]:
    """Makes the series' meetings that have come inside the horizon (idempotent; a periodic task)."""
    series = Series.objects.get(pk=series.pk)  # its latest rule and moves
    if series.cancelled:
        return []
    with transaction.atomic():
        return _series_meetings(
            series, list(series.groups.all()), until=(now or timezone.now()) + SERIES_HORIZON
        )


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


@transaction.atomic
def meeting_move(
    *,
    meeting: Meeting,
    acting,
    starts: datetime.datetime,
    ends: datetime.datetime,
    zone_name: str | None = None,
) -> Meeting:
    """Moves one meeting (one of a series stays in it, keeping its original start as identity)."""
    ensure(acting, "meetings.manage_meeting", meeting)
    meeting = _locked(meeting)
    if meeting.is_cancelled:
        raise StateConflict(_("A cancelled meeting cannot be moved."))
    zone_name = check_zone(zone_name or meeting.zone_name)
    meeting.starts, meeting.ends = _span(starts, ends, zone_name)
    meeting.zone_name = zone_name
    meeting.moved_alone = meeting.series_id is not None
    meeting.sequence = F("sequence") + 1
    meeting.revision = F("revision") + 1
    meeting.save(
        update_fields=["starts", "ends", "zone_name", "moved_alone", "sequence", "revision", "updated_at"]
    )
    meeting.refresh_from_db()
    # The reminders sent were for the old time: the new time is reminded afresh.
    MeetingReminder.objects.filter(meeting=meeting).delete()
    enqueue_on_commit(tasks.send_meeting_mail, meeting.pk)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, acting) -> Meeting:
    """Cancels one meeting; the invited get a cancellation."""
    ensure(acting, "meetings.manage_meeting", meeting)
    meeting = _locked(meeting)
    if meeting.is_cancelled:
        return meeting
    Meeting.objects.filter(pk=meeting.pk).update(
        status=MeetingStatus.CANCELLED, sequence=F("sequence") + 1, revision=F("revision") + 1
    )
    generations.bump("meetings")
    meeting.refresh_from_db()
    enqueue_on_commit(tasks.send_meeting_mail, meeting.pk)
    return meeting


@transaction.atomic
def series_cancel(*, series: Series, acting, now: datetime.datetime | None = None) -> int:
    """Cancels a series from now on: its future meetings are cancelled, past ones stay as they were."""
    _ensure_manages_series(acting, series)
    Series.objects.filter(pk=series.pk).update(cancelled=True, sequence=F("sequence") + 1)
    cancelled = series.meetings.filter(
        starts__gte=now or timezone.now(), status=MeetingStatus.SCHEDULED
    ).update(status=MeetingStatus.CANCELLED, sequence=F("sequence") + 1, revision=F("revision") + 1)
    enqueue_on_commit(tasks.send_series_cancel, series.pk)
    return cancelled


def _ensure_manages_series(acting, series: Series) -> None:
    first = series.meetings.first()
    if first is None:
        raise PermissionDenied("meetings.manage_meeting")
    ensure(acting, "meetings.manage_meeting", first)


@transaction.atomic
def series_move(
    *,
    series: Series,
    acting,
    meeting: Meeting,
    starts: datetime.datetime,
    ends: datetime.datetime,
    zone_name: str | None = None,
    include_moved: bool = False,
    now: datetime.datetime | None = None,
) -> list[Meeting]:
    """Moves "this and following": ``meeting`` goes to ``starts``–``ends`` (wall-clock times in
    ``zone_name``) and every later meeting of the series to the same time of day, zone and length,
    shifted by as many days as this one (the series' meetings made later too). Meetings already held
    stay as they were, cancelled ones stay cancelled, and those moved on their own keep their time
    unless ``include_moved``. Each moved meeting keeps the series' UID and its RECURRENCE-ID, with a
    higher SEQUENCE: the invited get one update of the series. Returns the meetings moved."""
    _ensure_manages_series(acting, series)
    series = Series.objects.select_for_update().get(pk=series.pk)
    if series.cancelled:
        raise StateConflict(_("A cancelled series cannot be moved."))
    if meeting.series_id != series.pk or meeting.original_starts is None:
        raise ValidationError({"meeting": _("Choose a meeting of this series.")})
    now = now or timezone.now()
    zone_name = check_zone(zone_name or meeting.zone_name)
    new_starts, _new_ends = _span(starts, ends, zone_name)
    if meeting.starts < now:
        raise StateConflict(_("A meeting already held cannot be moved."))
    if new_starts < now:
        raise ValidationError({"starts": _("Move the meetings to a time still to come.")})
    original_day = to_local(meeting.original_starts, series.zone_name).date()
    retiming = Retiming(
        since=meeting.original_starts,
        zone_name=zone_name,
        time=starts.time(),
        minutes=int((ends - starts).total_seconds() // 60),
        days=(starts.date() - original_day).days,
    )
    following = series.meetings.select_for_update().filter(
        original_starts__gte=meeting.original_starts, starts__gte=now, status=MeetingStatus.SCHEDULED
    )
    if not include_moved:
        following = following.filter(Q(moved_alone=False) | Q(pk=meeting.pk))
    moved = []
    for each in following.order_by("original_starts"):
        each.starts, each.ends = retiming.span(each.original_starts, series.zone_name)
        each.zone_name = zone_name
        each.moved_alone = False
        each.sequence += 1
        each.revision += 1
        moved.append(each)
    Meeting.objects.bulk_update(moved, ["starts", "ends", "zone_name", "moved_alone", "sequence", "revision"])
    generations.bump("meetings")
    series.retimings = [*series.retimings, retiming.as_json()]
    series.sequence += 1
    series.save(update_fields=["retimings", "sequence", "updated_at"])
    enqueue_on_commit(tasks.send_series_update, series.pk)
    return moved


@transaction.atomic
def series_end(
    *, series: Series, acting, last_day: datetime.date, now: datetime.datetime | None = None
) -> int:
    """Ends a series after ``last_day`` (a day in the series' zone, included): the rule gets that end
    (UNTIL), the meetings after it still to come are removed, those held stay. The invited get one
    update of the series. Returns how many meetings were removed."""
    _ensure_manages_series(acting, series)
    series = Series.objects.select_for_update().get(pk=series.pk)
    if series.cancelled:
        raise StateConflict(_("This series is cancelled."))
    now = now or timezone.now()
    if last_day < to_local(now, series.zone_name).date() - datetime.timedelta(days=1):
        raise ValidationError({"last_day": _("End the series today or on a later day.")})
    ends_on = series.until
    if series.count is not None:
        first_local = to_local(series.first_starts, series.zone_name).replace(tzinfo=None)
        *_before, last = occurrences(
            first_local, first_local + datetime.timedelta(minutes=1), series.zone_name, series.recurrence
        )
        ends_on = min(filter(None, [ends_on, to_local(last.original, series.zone_name).date()]))
    if ends_on is not None and last_day >= ends_on:
        raise ValidationError({"last_day": _("The series already ends by then.")})
    first_day = to_local(series.first_starts, series.zone_name).date()
    if last_day < first_day:
        raise ValidationError({"last_day": _("A series ends after its first meeting.")})
    after = to_utc(
        datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time()), series.zone_name
    )
    removed = list(
        series.meetings.filter(original_starts__gte=after, starts__gte=now).values_list("pk", flat=True)
    )
    Meeting.objects.filter(pk__in=removed).delete()
    # An end by date replaces an end by count (RFC 5545 allows one of the two).
    Series.objects.filter(pk=series.pk).update(until=last_day, count=None, sequence=F("sequence") + 1)
    # Those still in the series are told of the new end: their invitations are behind once more.
    series.meetings.filter(starts__gte=now).update(sequence=F("sequence") + 1)
    enqueue_on_commit(tasks.send_series_update, series.pk)
    return len(removed)


@transaction.atomic
def invitation_answer(*, invitation: Invitation, answer: str) -> Invitation:
    """The invited person's yes / maybe / no (on the page, or through the signed link in the e-mail)."""
    if answer not in Rsvp.values:
        raise ValidationError({"answer": _("Answer yes, maybe or no.")})
    if invitation.meeting.is_cancelled:
        raise StateConflict(_("This meeting has been cancelled."))
    Invitation.objects.filter(pk=invitation.pk).update(answer=answer, answered_at=timezone.now())
    invitation.refresh_from_db()
    return invitation


# --- Time polls ---------------------------------------------------------------------------------


@transaction.atomic
def poll_create(
    *,
    acting,
    title: str,
    zone_name: str,
    slots: Sequence[tuple[datetime.datetime, datetime.datetime]],
    groups: Sequence[Group],
    description: str = "",
) -> TimePoll:
    """A co-chair proposes 3 to 8 times (wall-clock times in ``zone_name``) to the group."""
    groups = list(groups)
    _ensure_may_schedule(acting, groups, False)
    check_zone(zone_name)
    low, high = POLL_SLOTS
    if not low <= len(slots) <= high:
        raise ValidationError(
            {"slots": _("Propose from %(low)d to %(high)d times.") % {"low": low, "high": high}}
        )
    spans = [_span(starts, ends, zone_name) for starts, ends in slots]
    if len({starts for starts, _ends in spans}) != len(spans):
        raise ValidationError({"slots": _("Each proposed time must start at a different moment.")})
    if not title.strip():
        raise ValidationError({"title": _("Give the meeting a title.")})
    poll = TimePoll.objects.create(
        title=title.strip(), description=description, organiser=acting, zone_name=zone_name
    )
    poll.groups.set(groups)
    PollSlot.objects.bulk_create([PollSlot(poll=poll, starts=s, ends=e) for s, e in sorted(spans)])
    return poll


@transaction.atomic
def poll_answer(*, poll: TimePoll, acting, answers: Mapping[int, str]) -> None:
    """A member's answer to every slot (slot id → yes / if need be / no); a new answer replaces the old."""
    ensure(acting, "meetings.answer_poll", poll)
    if poll.status != PollStatus.OPEN:
        raise StateConflict(_("This poll is closed."))
    slot_ids = set(poll.slots.values_list("pk", flat=True))
    unknown = set(answers) - slot_ids
    if unknown or any(value not in PollChoice.values for value in answers.values()):
        raise ValidationError({"answers": _("Answer yes, if need be or no for the proposed times.")})
    PollAnswer.objects.filter(slot_id__in=list(answers), person=acting).delete()
    PollAnswer.objects.bulk_create(
        [PollAnswer(slot_id=slot_id, person=acting, answer=value) for slot_id, value in answers.items()]
    )


@transaction.atomic
def poll_close(
    *,
    poll: TimePoll,
    acting,
    slot: PollSlot,
    form: str = MeetingForm.VIRTUAL,
    place: str = "",
    video_url: str = "",
) -> Meeting:
    """The chosen time becomes the meeting, in one step: the poll closes and the group is invited."""
    ensure(acting, "meetings.manage_poll", poll)
    poll = TimePoll.objects.select_for_update().get(pk=poll.pk)
    if poll.status != PollStatus.OPEN:
        raise StateConflict(_("This poll is closed."))
    if slot.poll_id != poll.pk:
        raise ValidationError({"slot": _("Choose one of the poll's proposed times.")})
    starts = to_local(slot.starts, poll.zone_name).replace(tzinfo=None)
    ends = to_local(slot.ends, poll.zone_name).replace(tzinfo=None)
    meeting = meeting_schedule(
        acting=acting,
        title=poll.title,
        description=poll.description,
        starts=starts,
        ends=ends,
        zone_name=poll.zone_name,
        groups=list(poll.groups.all()),
        form=form,
        place=place,
        video_url=video_url,
    )
    TimePoll.objects.filter(pk=poll.pk).update(status=PollStatus.CLOSED, meeting=meeting)
    return meeting


# --- Calendar addresses --------------------------------------------------------------------------


def calendar_feed_for(*, person) -> CalendarFeed:
    """The person's private calendar address, made the first time it is asked for."""
    feed, _created = CalendarFeed.objects.get_or_create(person=person)
    return feed


@transaction.atomic
def calendar_feed_renew(*, person) -> CalendarFeed:
    """A new private address; the old one stops working at once."""
    CalendarFeed.objects.filter(person=person).delete()
    return CalendarFeed.objects.create(person=person)


# --- Reminders before meetings and the person's choices ---------------------------------------------


@transaction.atomic
def preferences_set(*, person, reminder: str | None = None, digest: str | None = None) -> MeetingPreferences:
    """A person's own choices: the reminder before a meeting and the digest (each left as it is when
    not given)."""
    errors = {}
    if reminder is not None and reminder not in ReminderChoice.values:
        errors["reminder"] = _("Choose one of the reminders offered.")
    if digest is not None and digest not in DigestChoice.values:
        errors["digest"] = _("Choose one of the digests offered.")
    if errors:
        raise ValidationError(errors)
    preferences, _created = MeetingPreferences.objects.select_for_update().get_or_create(person=person)
    changed = []
    if reminder is not None and preferences.reminder != reminder:
        preferences.reminder = reminder
        changed.append("reminder")
    if digest is not None and preferences.digest != digest:
        preferences.digest = digest
        changed.append("digest")
    if changed:
        preferences.save(update_fields=[*changed, "updated_at"])
    return preferences


def reminder_record(*, meeting_id: int, person_id: int, lead: int) -> MeetingReminder | None:
    """Write the row of one reminder owed and enqueue its sending, in one transaction: a second run
    finds the row (the unique constraint) and sends nothing. None when it was already recorded."""
    with transaction.atomic():
        reminder, created = MeetingReminder.objects.get_or_create(
            meeting_id=meeting_id, person_id=person_id, lead=lead
        )
        if not created:
            return None
        enqueue_on_commit(tasks.send_meeting_reminder, reminder.pk)
    return reminder
