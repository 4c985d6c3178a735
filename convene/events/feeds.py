"""Events as calendar entries (meetings' ``ical.Entry``): in the annual calendar's feed, an event's
own .ics, the registration e-mails, and each registered person's private feed."""

import datetime

from django.urls import reverse
from django.utils import timezone

from convene.core.mail import absolute_url
from convene.meetings.ical import Entry
from convene.meetings.times import to_local

from .models import HOLDS_PLACE, Event


def entry_for(event: Event, *, with_link: bool, request=None) -> Entry:
    """The calendar entry of an event; the online link only for those registered (``with_link``)."""
    url = absolute_url(reverse("events:detail", args=[event.pk]), request)
    organiser = event.organiser
    name = getattr(getattr(organiser, "profile", None), "name", "") or organiser.email
    return Entry(
        uid=event.uid,
        sequence=event.sequence,
        title=event.title,
        url=url,
        starts=to_local(event.starts, event.zone_name).replace(tzinfo=None),
        ends=to_local(event.ends, event.zone_name).replace(tzinfo=None),
        zone_name=event.zone_name,
        description=event.description,
        location=event.venue,
        video_url=event.online_url if with_link else "",
        organiser=(name, organiser.email),
        cancelled=event.cancelled,
        updated=event.updated_at,
    )


def registered_entries(person, request=None) -> list[Entry]:
    """The events a person holds a place at, from three months ago on (their private feed)."""
    since = timezone.now() - datetime.timedelta(days=92)
    events = (
        Event.objects.filter(
            registrations__person=person, registrations__status__in=HOLDS_PLACE, ends__gte=since
        )
        .select_related("organiser__profile")
        .order_by("starts", "pk")[:200]
    )
    return [entry_for(event, with_link=True, request=request) for event in events]
