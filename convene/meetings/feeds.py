"""Meetings as calendar entries (``ical.Entry``): one meeting alone, or one meeting of a series as the
moved/cancelled instance of the series' UID."""

from django.urls import reverse

from convene.core.mail import absolute_url

from .ical import Entry
from .models import Meeting
from .times import to_local


def entry_for(meeting: Meeting, *, with_video: bool, request=None) -> Entry:
    """The calendar entry of one meeting. A meeting of a series keeps the series' UID; calendar
    programs tell it apart by its RECURRENCE-ID, which ``ical`` writes from ``original_starts``."""
    organiser = meeting.organiser
    name = getattr(getattr(organiser, "profile", None), "name", "") or organiser.email
    url = absolute_url(reverse("meetings:detail", args=[meeting.pk]), request)
    return Entry(
        uid=meeting.uid,
        sequence=meeting.sequence,
        title=meeting.title,
        url=url,
        starts=to_local(meeting.starts, meeting.zone_name).replace(tzinfo=None),
        ends=to_local(meeting.ends, meeting.zone_name).replace(tzinfo=None),
        zone_name=meeting.zone_name,
        description=meeting.description,
        location=meeting.place,
        video_url=meeting.video_url if with_video else "",
        organiser=(name, organiser.email),
        cancelled=meeting.is_cancelled,
        updated=meeting.updated_at,
        recurrence_id=(
            to_local(meeting.original_starts, meeting.zone_name).replace(tzinfo=None)
            if meeting.series_id and meeting.original_starts
            else None
        ),
    )
