"""Meetings as iCalendar (RFC 5545 / iTIP RFC 5546): invitations, updates, cancellations and feeds.

One event per meeting or series, identified by a UID that never changes; every change the attendees
must see raises SEQUENCE. A series carries its RRULE in the organiser's zone (with the VTIMEZONE that
zone needs, so a calendar program never has to guess), cancelled occurrences as EXDATE, and moved ones
as their own VEVENT with the same UID and a RECURRENCE-ID naming the original start. Every entry links
back to the meeting's page (URL) and carries the video link where there is one.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import icalendar

from .times import Exceptions, Recurrence, to_local, to_utc

PRODID = "-//Convene//Meetings//EN"


@dataclass(frozen=True)
class Entry:
    """What a calendar needs to know of one meeting or series (local times in ``zone_name``)."""

    uid: str
    sequence: int
    title: str
    url: str
    starts: datetime.datetime  # naive, local wall-clock time in zone_name
    ends: datetime.datetime
    zone_name: str
    description: str = ""
    location: str = ""
    video_url: str = ""
    recurrence: Recurrence | None = None
    exceptions: Exceptions = field(default_factory=Exceptions)
    organiser: tuple[str, str] | None = None  # (name, e-mail)
    attendees: Sequence[tuple[str, str]] = ()
    cancelled: bool = False
    updated: datetime.datetime | None = None  # when this version was made (DTSTAMP), UTC


def _local(moment: datetime.datetime, zone_name: str) -> datetime.datetime:
    return to_local(moment, zone_name).replace(tzinfo=None)


def _event(entry: Entry, *, stamp: datetime.datetime) -> icalendar.Event:
    zone = ZoneInfo(entry.zone_name)
    event = icalendar.Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", stamp)
    event.add("sequence", entry.sequence)
    event.add("summary", entry.title)
    event.add("dtstart", entry.starts.replace(tzinfo=zone))
    event.add("dtend", entry.ends.replace(tzinfo=zone))
    event.add("url", entry.url)
    description = entry.description
    if entry.video_url:
        description = f"{description}\n\n{entry.video_url}".strip()
        event.add("conference", entry.video_url, parameters={"VALUE": "URI", "FEATURE": "VIDEO"})
    description = f"{description}\n\n{entry.url}".strip()
    event.add("description", description)
    if entry.location or entry.video_url:
        event.add("location", entry.location or entry.video_url)
    if entry.organiser:
        name, email = entry.organiser
        event.add("organizer", f"mailto:{email}", parameters={"CN": name})
    for name, email in entry.attendees:
        event.add(
            "attendee",
            f"mailto:{email}",
            parameters={"CN": name, "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"},
        )
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    if entry.recurrence is not None:
        rule = entry.recurrence.ical()
        if entry.recurrence.until is not None:
            last = datetime.datetime.combine(entry.recurrence.until, entry.starts.time())
            rule["UNTIL"] = to_utc(last, entry.zone_name)
        event.add("rrule", rule)
        for original in sorted(entry.exceptions.cancelled):
            event.add("exdate", _local(original, entry.zone_name).replace(tzinfo=zone))
    return event


def _moved(entry: Entry, *, stamp: datetime.datetime) -> list[icalendar.Event]:
    """A VEVENT per moved occurrence: same UID, RECURRENCE-ID the original start (RFC 5545 §3.8.4.4)."""
    zone = ZoneInfo(entry.zone_name)
    events = []
    for original, (starts, ends) in sorted(entry.exceptions.moved.items()):
        if original in entry.exceptions.cancelled:
            continue
        event = icalendar.Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("sequence", entry.sequence)
        event.add("recurrence-id", _local(original, entry.zone_name).replace(tzinfo=zone))
        event.add("summary", entry.title)
        event.add("dtstart", _local(starts, entry.zone_name).replace(tzinfo=zone))
        event.add("dtend", _local(ends, entry.zone_name).replace(tzinfo=zone))
        event.add("url", entry.url)
        event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
        events.append(event)
    return events


def calendar(entries: Iterable[Entry], *, method: str | None = None, name: str = "") -> bytes:
    """A VCALENDAR of the entries: METHOD REQUEST (an invitation or an update), CANCEL, or none (a
    feed), with a VTIMEZONE for every zone used."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    stamp = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    for entry in entries:
        when = (entry.updated or stamp).astimezone(datetime.UTC).replace(microsecond=0)
        cal.add_component(_event(entry, stamp=when))
        for moved in _moved(entry, stamp=when):
            cal.add_component(moved)
    cal.add_missing_timezones()
    return cal.to_ical()


def invitation(entry: Entry) -> bytes:
    """The iTIP message for an e-mail: REQUEST for a new or changed meeting, CANCEL for a cancelled one."""
    return calendar([entry], method="CANCEL" if entry.cancelled else "REQUEST")
