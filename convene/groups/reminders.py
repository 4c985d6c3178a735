"""Work-plan reminders: the co-chairs are reminded as the due date nears, and told with the committee
and secretariat once it has passed.

Above ``services`` (each reminder is recorded through ``reminder_record``, which makes a second run
send nothing) and so apart from ``tasks``, which services import. Huey finds the periodic task here
because the app's ``ready()`` imports this module.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import notifications, services


def send_workplan_reminders(today=None) -> int:
    """Send the reminders owed today; returns how many groups were reminded."""
    sent = 0
    for group, days_left in services.workplan_reminders_due(today=today):
        if services.reminder_record(group=group, days_left=days_left) is None:
            continue
        notifications.workplan_reminder(group, days_left)
        sent += 1
    return sent


@db_periodic_task(crontab(minute="30", hour="5"))
def daily_workplan_reminders() -> None:
    send_workplan_reminders()
