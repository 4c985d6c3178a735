"""Background work for meetings (STYLE §6): invitations, updates and cancellations, the minutes'
follow-up, and the series kept made ahead. Each task loads rows by id, sends what is still owed
(an invitation remembers the SEQUENCE it was last sent at), and can run twice without harm."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from convene.core.tasks import mail_task

from . import notifications
from .models import Invitation, Meeting, MeetingReminder, MeetingStatus, MinutesStatus, Rsvp, Series


def _owed(meeting_ids) -> list[Invitation]:
    return list(
        Invitation.objects.filter(meeting_id__in=list(meeting_ids), person__is_active=True)
        .select_related("meeting__series", "meeting__organiser__profile", "person__profile")
        .order_by("meeting__starts", "pk")
    )


def _still_owed(invitation: Invitation) -> bool:
    return invitation.sent_sequence < invitation.meeting.sequence or invitation.sent_sequence < 0


def _mark_sent(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(sent_sequence=invitation.meeting.sequence)


@mail_task
def send_meeting_mail(meeting_id: int) -> None:
    """The invitation, update or cancellation of one meeting to everyone it is owed to."""
    for invitation in _owed([meeting_id]):
        if _still_owed(invitation):
            notifications.invited(invitation)
            _mark_sent(invitation)


@mail_task
def send_series_mail(series_id: int) -> None:
    """One invitation per person for a whole series (its rule, one calendar entry)."""
    series = Series.objects.filter(pk=series_id).first()
    if series is None:
        return
    meetings = list(series.meetings.select_related("organiser__profile", "series").order_by("starts"))
    first = meetings[0] if meetings else None
    if first is None:
        return
    by_person: dict[int, list[Invitation]] = {}
    for invitation in Invitation.objects.filter(
        meeting__series=series, person__is_active=True
    ).select_related("meeting", "person__profile"):
        by_person.setdefault(invitation.person_id, []).append(invitation)
    for invitations in by_person.values():
        owed = [i for i in invitations if i.sent_sequence < 0]
        if not owed:
            continue
        head = next((i for i in invitations if i.meeting_id == first.pk), owed[0])
        head.meeting = first
        notifications.invited(head, series_meetings=meetings)
        # The series as it is now was sent: each invitation is up to its meeting's SEQUENCE.
        by_sequence: dict[int, list[int]] = {}
        for invitation in owed:
            by_sequence.setdefault(invitation.meeting.sequence, []).append(invitation.pk)
        for sequence, pks in by_sequence.items():
            Invitation.objects.filter(pk__in=pks).update(sent_sequence=sequence)


@mail_task
def send_series_update(series_id: int) -> None:
    """One update of a whole series per person after it moved "from this meeting on" or got an end:
    the series' UID, its rule, and every meeting that moved as its own RECURRENCE-ID (METHOD:REQUEST,
    a higher SEQUENCE). Sent to whoever has a meeting of the series behind its SEQUENCE."""
    series = Series.objects.filter(pk=series_id, cancelled=False).first()
    if series is None:
        return
    meetings = list(series.meetings.select_related("organiser__profile", "series").order_by("starts"))
    owed: dict[int, list[Invitation]] = {}
    for invitation in Invitation.objects.filter(
        meeting__series=series, person__is_active=True
    ).select_related("meeting", "person__profile"):
        if 0 <= invitation.sent_sequence < invitation.meeting.sequence:
            owed.setdefault(invitation.person_id, []).append(invitation)
    for invitations in owed.values():
        head = min(invitations, key=lambda i: i.meeting.starts)
        notifications.invited(head, series_meetings=meetings)
        for invitation in invitations:
            Invitation.objects.filter(pk=invitation.pk).update(sent_sequence=invitation.meeting.sequence)


@mail_task
def send_minutes(meeting_id: int) -> None:
    """The published minutes to the people asked to the meeting."""
    from . import queries

    meeting = Meeting.objects.select_related("minutes").filter(pk=meeting_id).first()
    if meeting is None or getattr(meeting, "minutes", None) is None:
        return
    if meeting.minutes.status != MinutesStatus.PUBLISHED:
        return
    people = [
        i.person
        for i in Invitation.objects.filter(meeting=meeting, person__is_active=True).select_related("person")
    ]
    notifications.minutes_published(
        meeting,
        people,
        decisions=queries.meeting_decisions(meeting=meeting),
        action_items=queries.action_items(meeting=meeting),
        minutes=meeting.minutes,
    )


@mail_task
def send_series_cancel(series_id: int) -> None:
    """One cancellation per person for the rest of a cancelled series (the series' UID)."""
    series = Series.objects.filter(pk=series_id, cancelled=True).first()
    if series is None:
        return
    meetings = list(series.meetings.select_related("organiser__profile", "series").order_by("starts"))
    owed: dict[int, list[Invitation]] = {}
    for invitation in Invitation.objects.filter(
        meeting__series=series, person__is_active=True
    ).select_related("meeting", "person__profile"):
        if invitation.sent_sequence < invitation.meeting.sequence:
            owed.setdefault(invitation.person_id, []).append(invitation)
    for invitations in owed.values():
        notifications.series_cancelled(invitations[0], series_meetings=meetings)
        for invitation in invitations:
            Invitation.objects.filter(pk=invitation.pk).update(sent_sequence=invitation.meeting.sequence)


@db_periodic_task(crontab(minute="*/15"))
def sweep_meeting_mail() -> None:
    """Send what a lost task or a crashed worker left owed: a series never sent, a meeting whose
    invitations are behind its SEQUENCE."""
    from django.db.models import F

    behind = Invitation.objects.filter(person__is_active=True)
    new_series = behind.filter(sent_sequence__lt=0, meeting__series__isnull=False)
    for series_id in new_series.values_list("meeting__series_id", flat=True).distinct()[:100]:
        send_series_mail(series_id)
    owed = behind.filter(sent_sequence__lt=F("meeting__sequence")).exclude(
        sent_sequence__lt=0, meeting__series__isnull=False
    )
    # A whole series moved or ended is one update per person; a meeting moved alone, its own.
    retimed = owed.filter(meeting__series__isnull=False, meeting__moved_alone=False, sent_sequence__gte=0)
    for series_id in retimed.values_list("meeting__series_id", flat=True).distinct()[:100]:
        send_series_update(series_id)
    for meeting_id in owed.exclude(pk__in=retimed).values_list("meeting_id", flat=True).distinct()[:200]:
        send_meeting_mail(meeting_id)


# --- Reminders before meetings ----------------------------------------------------------------------


def _claim_reminder(reminder_id: int) -> bool:
    """Compare-and-set: a reminder sent, or held by a live worker within its lease, is not taken."""
    from django.db.models import Q
    from django.utils import timezone

    from .queries import REMINDER_LEASE

    now = timezone.now()
    return bool(
        MeetingReminder.objects.filter(pk=reminder_id, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - REMINDER_LEASE))
        .update(claimed_at=now)
    )


@mail_task
def send_meeting_reminder(reminder_id: int) -> None:
    """One reminder, once: claimed, sent, marked sent. A send that fails gives the claim back (the next
    try or the sweep sends it); one no longer owed (cancelled, answered "no", begun) is closed unsent."""
    from django.utils import timezone

    if not _claim_reminder(reminder_id):
        return
    reminder = MeetingReminder.objects.select_related("meeting__series", "person__profile").get(
        pk=reminder_id
    )
    meeting = reminder.meeting
    invitation = Invitation.objects.filter(meeting=meeting, person=reminder.person).first()
    owed = (
        invitation is not None
        and reminder.person.is_active
        and meeting.status == MeetingStatus.SCHEDULED
        and meeting.starts > timezone.now()
        and invitation.answer != Rsvp.NO
    )
    if owed:
        invitation.meeting, invitation.person = meeting, reminder.person
        try:
            notifications.meeting_reminder(invitation, lead=reminder.lead)
        except Exception:
            MeetingReminder.objects.filter(pk=reminder_id).update(claimed_at=None)
            raise
    MeetingReminder.objects.filter(pk=reminder_id).update(sent_at=timezone.now())
