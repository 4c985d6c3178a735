"""Periodic work on events (above the services, like meetings' schedules): offers that expired move
on to the next person of the waiting list, and the reminders go out. Huey finds it through the
app's ready()."""

import datetime

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
    """The confirmations a crashed worker left unsent (the row says what is owed)."""
    owed = Registration.objects.filter(
        status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITING],
        confirmation_sent_at__isnull=True,
        updated_at__lt=timezone.now() - datetime.timedelta(minutes=10),
        event__ends__gt=timezone.now(),
    ).values_list("pk", flat=True)[:500]
    for pk in owed:
        tasks.send_registration_mail(pk)
