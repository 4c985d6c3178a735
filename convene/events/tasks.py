"""Background work for events (STYLE §6): each task loads rows by id, sends what is still owed and
records it on the registration, so that running it twice sends nothing twice."""

import datetime

from django.db.models import Q
from django.utils import timezone

from convene.core.tasks import mail_task

from . import notifications
from .models import Event, Registration, RegistrationStatus

REMINDER_WEEK = datetime.timedelta(days=7)
REMINDER_HOUR = datetime.timedelta(hours=1)


def _registration(registration_id: int) -> Registration | None:
    return Registration.objects.select_related("event__organiser__profile").filter(pk=registration_id).first()


def _claim(registration_id: int, field: str, **still) -> bool:
    """Mark ``field`` as sent now, if nobody did: whoever marks it sends the mail."""
    return bool(
        Registration.objects.filter(pk=registration_id, **{f"{field}__isnull": True}, **still).update(
            **{field: timezone.now()}
        )
    )


@mail_task
def send_confirm_request(registration_id: int) -> None:
    registration = _registration(registration_id)
    if registration and registration.status == RegistrationStatus.UNCONFIRMED:
        notifications.confirm_request(registration)


@mail_task
def send_registration_mail(registration_id: int) -> None:
    """The confirmation with the .ics, or the place on the waiting list: once per state."""
    registration = _registration(registration_id)
    if registration is None:
        return
    if registration.status == RegistrationStatus.REGISTERED:
        # The entry sent is the event as loaded: its SEQUENCE is the one this person has (a change
        # made since is owed to them as an update).
        if Registration.objects.filter(
            pk=registration_id, confirmation_sent_at__isnull=True, status=RegistrationStatus.REGISTERED
        ).update(confirmation_sent_at=timezone.now(), sent_sequence=registration.event.sequence):
            notifications.registered(registration)
    elif registration.status == RegistrationStatus.WAITING and _claim(
        registration_id, "confirmation_sent_at", status=RegistrationStatus.WAITING
    ):
        notifications.waiting(registration)


@mail_task
def send_offer(registration_id: int) -> None:
    """The offer of a freed place, once per offer: the row is marked sent before the mail goes
    (``offer_sent_at``, cleared when a new offer is made), so a second run or the sweep sends nothing
    more."""
    registration = _registration(registration_id)
    if (
        registration
        and registration.status == RegistrationStatus.OFFERED
        and _claim(registration_id, "offer_sent_at", status=RegistrationStatus.OFFERED)
    ):
        notifications.offered(registration)


@mail_task
def send_event_update(event_id: int) -> None:
    """The event's new time or place, with its calendar entry (same UID, higher SEQUENCE), to each
    person registered whose entry is behind: once per change and person, claimed on the row."""
    event = Event.objects.filter(pk=event_id, cancelled=False).first()
    if event is None:
        return
    behind = Registration.objects.filter(
        event_id=event_id,
        status=RegistrationStatus.REGISTERED,
        confirmation_sent_at__isnull=False,
        sent_sequence__lt=event.sequence,
    ).select_related("event__organiser__profile")
    for registration in behind:
        if Registration.objects.filter(pk=registration.pk, sent_sequence__lt=event.sequence).update(
            sent_sequence=event.sequence
        ):
            notifications.updated(registration)


@mail_task
def send_follow_up(event_id: int, attendees_text: str, no_shows_text: str) -> None:
    registrations = Registration.objects.filter(
        event_id=event_id, status=RegistrationStatus.REGISTERED, follow_up_sent_at__isnull=True
    ).select_related("event__organiser__profile")
    for registration in registrations:
        if _claim(registration.pk, "follow_up_sent_at"):
            text = attendees_text if registration.attended else no_shows_text
            notifications.follow_up(registration, text=text)


@mail_task
def send_event_cancelled(event_id: int) -> None:
    registrations = list(
        Registration.objects.filter(
            event_id=event_id, status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.OFFERED]
        ).select_related("event__organiser__profile")
    )
    for registration in registrations:
        notifications.cancelled(registration)
    if registrations:
        Registration.objects.filter(pk__in=[r.pk for r in registrations]).update(
            sent_sequence=registrations[0].event.sequence
        )


def due_reminders(now: datetime.datetime) -> list[tuple[int, str]]:
    """(registration id, "week" or "hour") of the reminders due now: the week's from seven days
    before the start until a day before it, the hour's in the last hour; each only if the person
    asked for it and it was not sent."""
    week = Registration.objects.filter(
        status=RegistrationStatus.REGISTERED,
        remind_week=True,
        reminded_week_at__isnull=True,
        event__cancelled=False,
        event__starts__lte=now + REMINDER_WEEK,
        event__starts__gt=now + datetime.timedelta(days=1),
    ).values_list("pk", flat=True)
    hour = Registration.objects.filter(
        Q(status=RegistrationStatus.REGISTERED),
        remind_hour=True,
        reminded_hour_at__isnull=True,
        event__cancelled=False,
        event__starts__lte=now + REMINDER_HOUR,
        event__starts__gt=now,
    ).values_list("pk", flat=True)
    return [(pk, "week") for pk in week] + [(pk, "hour") for pk in hour]


def send_reminders(now: datetime.datetime | None = None) -> int:
    """Send the reminders due; a reminder is claimed on its row before it is sent (idempotent)."""
    now = now or timezone.now()
    sent = 0
    for pk, which in due_reminders(now):
        if _claim(pk, f"reminded_{which}_at", status=RegistrationStatus.REGISTERED):
            registration = _registration(pk)
            notifications.reminder(registration, which=which)
            sent += 1
    return sent
