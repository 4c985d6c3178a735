"""Periodic work on events (above the services, like meetings' schedules): offers that expired move
on to the next person of the waiting list, and the reminders go out. Huey finds it through the
app's ready()."""

import datetime

from django.db.models import F
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services, tasks
from .models import Registration, RegistrationStatus


@db_periodic_task(crontab(minute="*/5"))
def expire_offers() -> None:
    services.offers_expire()


@db_periodic_task(crontab(minute="*/5"))
def send_reminders() -> None:
    tasks.send_reminders()


@db_periodic_task(crontab(minute="*/15"))
def sweep_registration_mail() -> None:
    """The mail a crashed worker (or a lost task) left unsent, the row saying what is owed: the
    confirmations, the offers still open whose mail never went (``offer_sent_at``), and the updates
    of an event that changed (``sent_sequence`` behind the event's). Each task claims its row before
    sending, so what the sweep finds is sent exactly once."""
    now = timezone.now()
    settled = now - datetime.timedelta(minutes=10)
    owed = Registration.objects.filter(
        status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITING],
        confirmation_sent_at__isnull=True,
        updated_at__lt=settled,
        event__ends__gt=now,
    ).values_list("pk", flat=True)[:500]
    for pk in owed:
        tasks.send_registration_mail(pk)
    offers = Registration.objects.filter(
        status=RegistrationStatus.OFFERED,
        offer_sent_at__isnull=True,
        offer_expires_at__gt=now,
        updated_at__lt=settled,
    ).values_list("pk", flat=True)[:500]
    for pk in offers:
        tasks.send_offer(pk)
    behind = (
        Registration.objects.filter(
            status=RegistrationStatus.REGISTERED,
            confirmation_sent_at__isnull=False,
            sent_sequence__lt=F("event__sequence"),
            event__cancelled=False,
            event__ends__gt=now,
            event__updated_at__lt=settled,
        )
        .values_list("event_id", flat=True)
        .distinct()[:100]
    )
    for event_id in list(behind):
        tasks.send_event_update(event_id)
