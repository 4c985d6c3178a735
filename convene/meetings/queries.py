"""Reads about meetings, shaped once for the pages, the feeds and the API (STYLE §2)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from convene.core.rules import can, is_secretariat, is_steering_committee
from convene.core.timezones import canonical_time_zone
from convene.groups.models import Group

from .models import (
    Invitation,
    Lead,
    Meeting,
    MeetingPreferences,
    MeetingReminder,
    MeetingStatus,
    PollAnswer,
    PollSlot,
    ReminderChoice,
    Rsvp,
    TimePoll,
)
from .times import Answer, SlotTally, tally


def meetings_visible_to(viewer) -> QuerySet[Meeting]:
    """Meetings of groups the viewer may see; the committee's own to the committee and secretariat."""
    qs = Meeting.objects.all()
    if is_secretariat(viewer) or is_steering_committee(viewer):
        return qs
    return qs.filter(for_committee=False, groups__in=Group.objects.visible_to(viewer)).distinct()


def meeting_for_viewer(*, viewer, meeting_id: int) -> Meeting:
    """One meeting the viewer may see, with its groups, or 404."""
    meeting = (
        meetings_visible_to(viewer)
        .filter(pk=meeting_id)
        .select_related("organiser__profile", "series")
        .prefetch_related(Prefetch("groups", queryset=Group.objects.only("id", "name", "slug", "status")))
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


@dataclass(frozen=True)
class GroupMeetings:
    upcoming: list[Meeting]
    past: list[Meeting]


def group_meetings(*, group: Group, now: datetime.datetime | None = None, limit: int = 50) -> GroupMeetings:
    """A group's next meetings (cancelled ones shown as such) and its most recent ones."""
    now = now or timezone.now()
    base = (
        Meeting.objects.of_group(group)
        .select_related("series")
        .prefetch_related(Prefetch("groups", queryset=Group.objects.only("id", "name", "slug")))
    )
    upcoming = list(base.filter(ends__gte=now).order_by("starts", "pk")[:limit])
    past = list(base.filter(ends__lt=now, status=MeetingStatus.SCHEDULED).order_by("-starts", "-pk")[:limit])
    return GroupMeetings(upcoming, past)


def committee_meetings(*, now: datetime.datetime | None = None, limit: int = 50) -> GroupMeetings:
    """The steering committee's next meetings (cancelled ones shown as such) and its recent ones."""
    now = now or timezone.now()
    base = Meeting.objects.filter(for_committee=True).select_related("series")
    upcoming = list(base.filter(ends__gte=now).order_by("starts", "pk")[:limit])
    past = list(base.filter(ends__lt=now, status=MeetingStatus.SCHEDULED).order_by("-starts", "-pk")[:limit])
    return GroupMeetings(upcoming, past)


def viewer_invitation(*, viewer, meeting: Meeting) -> Invitation | None:
    if viewer is None or not viewer.is_authenticated:
        return None
    return Invitation.objects.filter(meeting=meeting, person=viewer).first()


def answer_counts(*, meeting: Meeting) -> dict[str, int]:
    """How many said yes, maybe, no, and have not answered."""
    rows = dict(
        Invitation.objects.filter(meeting=meeting)
        .values_list("answer")
        .annotate(n=Count("pk"))
        .values_list("answer", "n")
    )
    counts = {choice: rows.get(choice, 0) for choice in Rsvp.values}
    counts["none"] = rows.get("", 0)
    return counts


def invitations_for_organiser(*, meeting: Meeting) -> list[Invitation]:
    return list(
        Invitation.objects.filter(meeting=meeting)
        .select_related("person__profile")
        .order_by("person__profile__name", "person_id")
    )


def may_see_details(viewer, meeting: Meeting) -> bool:
    return can(viewer, "meetings.see_details", meeting)


def poll_for_viewer(*, viewer, poll_id: int) -> TimePoll:
    """A time poll of a group the viewer may see, or 404."""
    poll = (
        TimePoll.objects.filter(pk=poll_id, groups__in=Group.objects.visible_to(viewer))
        .distinct()
        .select_related("organiser__profile", "meeting")
        .prefetch_related(
            Prefetch("groups", queryset=Group.objects.only("id", "name", "slug", "status")),
            Prefetch("slots", queryset=PollSlot.objects.order_by("starts", "pk")),
        )
        .first()
    )
    if poll is None:
        raise Http404
    return poll


@dataclass(frozen=True)
class PollView:
    slots: list[PollSlot]
    tallies: list[SlotTally]
    mine: dict[int, str]  # slot id → the viewer's answer
    invited: int


def poll_results(*, poll: TimePoll, viewer) -> PollView:
    """Each slot's answers and who would meet outside 08:00–20:00 where they live (the group's members
    with a time zone on their account)."""
    from convene.groups.models import GroupMembership, MembershipStatus

    slots = list(poll.slots.all())
    answers: dict[int, dict[int, Answer]] = {}
    index = {slot.pk: i for i, slot in enumerate(slots)}
    for person_id, slot_id, answer in PollAnswer.objects.filter(slot__poll=poll).values_list(
        "person_id", "slot_id", "answer"
    ):
        answers.setdefault(person_id, {})[index[slot_id]] = Answer(answer)
    zones = dict(
        GroupMembership.objects.filter(group__in=poll.groups.all(), status=MembershipStatus.ACTIVE)
        .exclude(person__time_zone="")
        .values_list("person_id", "person__time_zone")
        .distinct()
    )
    mine = {}
    if viewer is not None and viewer.is_authenticated:
        mine = {slots[i].pk: answer.value for i, answer in answers.get(viewer.pk, {}).items()}
    spans = [(slot.starts, slot.ends) for slot in slots]
    return PollView(slots, tally(spans, answers, _known_zones(zones)), mine, len(zones))


def _known_zones(zones: dict) -> dict:
    """The zones a time can be shown in (a stale or mistyped one on an account is left out); the
    offered list is read once per process (``core.timezones``), not from the disk per page."""
    return {person: canonical_time_zone(name) for person, name in zones.items() if canonical_time_zone(name)}


def upcoming_for_person(
    *, person, now: datetime.datetime | None = None, limit: int = 200
) -> QuerySet[Meeting]:
    """The meetings a person is asked to, from a month ago on (their calendar feed)."""
    now = now or timezone.now()
    return (
        Meeting.objects.filter(invitations__person=person, starts__gte=now - datetime.timedelta(days=31))
        .select_related("organiser__profile", "series")
        .order_by("starts", "pk")[:limit]
    )


def open_polls(*, group: Group) -> QuerySet[TimePoll]:
    return TimePoll.objects.filter(groups=group).filter(~Q(status="closed")).order_by("-created_at")


def feed_meetings(
    *, meetings: QuerySet[Meeting], now: datetime.datetime | None = None, limit: int = 500
) -> list:
    """Meetings for a calendar feed: from three months ago on, with what the entries need loaded."""
    now = now or timezone.now()
    return list(
        meetings.filter(starts__gte=now - datetime.timedelta(days=92))
        .select_related("organiser__profile", "series")
        # The rules that decide who gets the video link read each meeting's groups: loaded once.
        .prefetch_related(Prefetch("groups", queryset=Group.objects.only("id", "name", "slug", "status")))
        .order_by("starts", "pk")[:limit]
    )


def series_for_viewer(*, viewer, series_id: int):
    """A series of which the viewer may see a meeting, with its meetings, or 404."""
    from .models import Series

    series = Series.objects.filter(pk=series_id, meetings__in=meetings_visible_to(viewer)).distinct().first()
    if series is None:
        raise Http404
    return series


def minutes_of(*, meeting: Meeting):
    """The meeting's minutes, or an unsaved empty one (nothing is written by reading)."""
    from .models import Minutes

    return Minutes.objects.select_related("taker__profile").filter(meeting=meeting).first() or Minutes(
        meeting=meeting
    )


def minutes_rescue(*, meeting: Meeting, person):
    from .models import MinutesRescue

    return MinutesRescue.objects.filter(meeting=meeting, person=person).first()


def meeting_decisions(*, meeting: Meeting) -> list:
    from convene.governance.models import Decision

    return list(Decision.objects.filter(meeting_link__meeting=meeting).select_related("group").order_by("pk"))


def action_items(*, meeting: Meeting) -> list:
    from .models import ActionItem

    return list(
        ActionItem.objects.filter(meeting=meeting)
        .select_related("assignee__profile", "group", "task")
        .order_by("pk")
    )


def agenda(*, meeting: Meeting) -> list:
    from .models import AgendaItem

    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("presenter__profile")
        .order_by("position", "pk")
    )


# --- Reminders before meetings ----------------------------------------------------------------------

LEADS = {
    ReminderChoice.NONE: (),
    ReminderChoice.HOUR: (Lead.HOUR,),
    ReminderChoice.DAY: (Lead.DAY,),
    ReminderChoice.BOTH: (Lead.DAY, Lead.HOUR),
}
# A reminder row written this long ago and still not sent lost its task (or its worker): sent again.
REMINDER_LEASE = datetime.timedelta(minutes=10)


def preferences_of(person) -> MeetingPreferences:
    """The person's choices (the defaults, unsaved, when they never chose)."""
    found = MeetingPreferences.objects.filter(person=person).first()
    return found or MeetingPreferences(person=person)


def _lead_window(lead: int, now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """The starts for which the reminder ``lead`` minutes ahead is owed at ``now``: within the lead, and
    not yet within the next shorter lead (an hour before a meeting, a missed day-ahead reminder is
    no longer sent)."""
    shorter = max((x for x in Lead.values if x < lead), default=0)
    return now + datetime.timedelta(minutes=shorter), now + datetime.timedelta(minutes=lead)


def reminders_due(*, now: datetime.datetime | None = None) -> list[tuple[int, int, int]]:
    """(meeting id, person id, lead) of every reminder owed now and not yet recorded, in two queries:
    invited, active, not answered "no", the meeting scheduled and ahead, the person's choice asking for
    that lead, and the meeting made before the reminder's time (the invitation itself is the notice)."""
    now = now or timezone.now()
    longest = max(Lead.values)
    invitations = list(
        Invitation.objects.filter(
            meeting__status=MeetingStatus.SCHEDULED,
            meeting__starts__gt=now,
            meeting__starts__lte=now + datetime.timedelta(minutes=longest),
            person__is_active=True,
        )
        .exclude(answer=Rsvp.NO)
        .values_list("meeting_id", "person_id", "meeting__starts", "meeting__created_at")
        .order_by("meeting__starts", "pk")
    )
    if not invitations:
        return []
    meeting_ids = {row[0] for row in invitations}
    choices = dict(
        MeetingPreferences.objects.filter(person_id__in={row[1] for row in invitations}).values_list(
            "person_id", "reminder"
        )
    )
    recorded = set(
        MeetingReminder.objects.filter(meeting_id__in=meeting_ids).values_list(
            "meeting_id", "person_id", "lead"
        )
    )
    due = []
    for meeting_id, person_id, starts, created_at in invitations:
        for lead in LEADS[ReminderChoice(choices.get(person_id, ReminderChoice.DAY))]:
            after, until = _lead_window(lead, now)
            reminder_time = starts - datetime.timedelta(minutes=lead)
            key = (meeting_id, person_id, int(lead))
            if after < starts <= until and created_at <= reminder_time and key not in recorded:
                due.append(key)
    return due


def reminders_lost(*, now: datetime.datetime | None = None, limit: int = 500) -> list[int]:
    """Reminder rows not sent and not held by a worker within its lease, for meetings still ahead."""
    now = now or timezone.now()
    stale = now - REMINDER_LEASE
    return list(
        MeetingReminder.objects.filter(sent_at__isnull=True, created_at__lt=stale, meeting__starts__gt=now)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
