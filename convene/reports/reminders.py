"""Periodic work of the reports that writes through the services (above them, like groups' reminders):
the digests owed around 06:00 in each member's zone, and the reminders that a group's update is
overdue (once when it becomes overdue, then at most weekly). Huey finds it through the app's ready()."""

import datetime

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import digests, queries, services, tasks


def send_due_digests(now: datetime.datetime | None = None) -> int:
    """Record the digests owed now (their sending enqueued with them); a run with none new still sends
    what a crashed run left waiting. Returns how many it recorded."""
    owed = digests.digests_due(now=now)
    if owed:
        services.digests_record(owed=owed)
    elif digests.digests_waiting(now=now):
        tasks.send_digests()
    return len(owed)


def send_update_reminders(today: datetime.date | None = None) -> int:
    """Record (and so enqueue) a reminder for each group whose update is overdue, one per week it stays
    overdue; send again those a lost task left. Returns how many it recorded."""
    today = today or timezone.localdate()
    recorded = 0
    for group, due in queries.updates_overdue(today=today):
        # Overdue from the day after the due date: week 0 is its first seven days, week 1 the next…
        week = ((today - due.next_due).days - 1) // 7
        if services.update_reminder_record(group=group, period_starts=due.owed[0], week=week) is not None:
            recorded += 1
    for reminder_id in queries.update_reminders_lost():
        tasks.send_update_reminder(reminder_id)
    return recorded


@db_periodic_task(crontab(minute="*/15"))
def digests_around_six() -> None:
    # Every quarter of an hour: 06:00 falls on a quarter hour in every zone (Kathmandu is UTC+05:45).
    send_due_digests()


@db_periodic_task(crontab(minute="45", hour="5"))
def overdue_update_reminders() -> None:
    send_update_reminders()
