"""Meetings as calendar entries (``ical.Entry``): one meeting alone, or one meeting of a series as the
moved/cancelled instance of the series' UID."""

from collections.abc import Callable

from django.urls import reverse

from convene.core.mail import absolute_url

from .ical import Entry
from .models import Meeting, MeetingStatus
from .times import Exceptions, to_local


def entry_for(meeting: Meeting, *, with_video: bool, request=None) -> Entry:
    """The calendar entry of one meeting. A meeting of a series keeps the series' UID; calendar
    programs tell it apart by its RECURRENCE-ID, which ``ical`` writes from ``original_starts``."""
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
        organiser=_organiser(meeting),
        cancelled=meeting.is_cancelled,
        updated=meeting.updated_at,
        recurrence_id=(
            to_local(meeting.original_starts, meeting.zone_name).replace(tzinfo=None)
            if meeting.series_id and meeting.original_starts
            else None
        ),
    )


def _organiser(meeting: Meeting) -> tuple[str, str]:
    organiser = meeting.organiser
    return (getattr(getattr(organiser, "profile", None), "name", "") or organiser.email, organiser.email)


def entries_for(meetings: list[Meeting], *, with_video, request=None) -> list[Entry]:
    """Calendar entries for a feed: a meeting alone as itself; the meetings of a series as the series'
    rule (RRULE) with its cancelled meetings as EXDATE and its moved ones as RECURRENCE-ID instances,
    so that a calendar program shows one series, as the invitations did. ``with_video(meeting)``
    says whether the reader may have the video link."""
    entries, by_series = [], {}
    for meeting in meetings:
        if meeting.series_id is None:
            entries.append(entry_for(meeting, with_video=with_video(meeting), request=request))
        else:
            by_series.setdefault(meeting.series_id, []).append(meeting)
    for members in by_series.values():
        first = min(members, key=lambda m: m.original_starts)
        series = first.series
        cancelled = frozenset(m.original_starts for m in members if m.status == MeetingStatus.CANCELLED)
        moved = {m.original_starts: (m.starts, m.ends) for m in members if m.moved}
        base = entry_for(first, with_video=with_video(first), request=request)
        starts = to_local(series.first_starts, series.zone_name).replace(tzinfo=None)
        entries.append(
            Entry(
                uid=series.uid,
                sequence=max([series.sequence, *(m.sequence for m in members)]),
                title=series.title,
                url=absolute_url(reverse("meetings:series", args=[series.pk]), request),
                starts=starts,
                ends=starts + (first.ends - first.starts),
                zone_name=series.zone_name,
                description=series.description,
                location=series.place,
                video_url=base.video_url,
                recurrence=series.recurrence,
                exceptions=Exceptions(cancelled=cancelled, moved=moved),
                organiser=_organiser(first),
                cancelled=series.cancelled and all(m.status == MeetingStatus.CANCELLED for m in members),
                updated=max(m.updated_at for m in members),
            )
        )
    return entries


# Other apps add entries to a person's private feed (events registers its source in its ready()):
# meetings imports none of them. A source takes (person, request) and returns a list of entries.
_personal_sources: list[Callable] = []


def register_personal_source(source: Callable) -> None:
    if source not in _personal_sources:
        _personal_sources.append(source)


def personal_entries(person, request=None) -> list[Entry]:
    """The entries the other apps add to ``person``'s private feed."""
    return [entry for source in _personal_sources for entry in source(person, request)]
