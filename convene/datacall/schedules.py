"""Periodic work of the data call (above the services): the daily reminder sweep."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="40", hour="6"))
def remind_countries() -> None:
    services.reminders_send()
