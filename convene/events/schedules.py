"""Periodic work on events (above the services, like meetings' schedules): offers that expired move
on to the next person of the waiting list, and the reminders go out. Huey finds it through the
app's ready()."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services, tasks


@db_periodic_task(crontab(minute="*/5"))
def expire_offers() -> None:
    services.offers_expire()


@db_periodic_task(crontab(minute="*/5"))
def send_reminders() -> None:
    tasks.send_reminders()
