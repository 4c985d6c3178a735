"""Periodic work of the data call (above the services): the daily reminder sweep, and the calls that
close by themselves when their deadline day has ended in their time zone (every 15 minutes: some
zones are a quarter or half an hour off the hour)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="40", hour="6"))
def remind_countries() -> None:
    services.reminders_send()


@db_periodic_task(crontab(minute="*/15"))
def close_past_deadline() -> None:
    services.calls_close_due()
