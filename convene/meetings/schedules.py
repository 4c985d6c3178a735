"""Periodic work on meetings that writes through the services (above them, like groups' reminders):
the series kept made a year ahead. Huey finds it through the app's ready()."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services, tasks
from .models import Series


@db_periodic_task(crontab(minute="17", hour="3"))
def extend_series() -> None:
    """Make the meetings of every running series that came inside the horizon, and invite to them."""
    for series in Series.objects.filter(cancelled=False):
        for meeting in services.series_extend(series=series):
            tasks.send_meeting_mail(meeting.pk)
