"""Periodic work on meetings that writes through the services (above them, like groups' reminders):
the series kept made a year ahead, and the reminders before meetings. Huey finds it through the app's ready()."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import queries, services, tasks
from .models import Series


@db_periodic_task(crontab(minute="17", hour="3"))
def extend_series() -> None:
    """Make the meetings of every running series that came inside the horizon, and invite to them."""
    for series in Series.objects.filter(cancelled=False):
        for meeting in services.series_extend(series=series):
            tasks.send_meeting_mail(meeting.pk)


def send_meeting_reminders(now=None) -> int:
    """Record (and so enqueue) every reminder owed now; send again those a lost task left. Returns how
    many reminders it recorded."""
    recorded = 0
    for meeting_id, person_id, lead in queries.reminders_due(now=now):
        if services.reminder_record(meeting_id=meeting_id, person_id=person_id, lead=lead) is not None:
            recorded += 1
    for reminder_id in queries.reminders_lost(now=now):
        tasks.send_meeting_reminder(reminder_id)
    return recorded


@db_periodic_task(crontab(minute="*/5"))
def meeting_reminders() -> None:
    send_meeting_reminders()
