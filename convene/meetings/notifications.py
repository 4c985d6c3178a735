"""Who is told what about a meeting, in which e-mail (Saleor's ``order/notifications.py``): the
invitation with its calendar entry (METHOD:REQUEST), the update when a meeting moves (same UID, a
higher SEQUENCE), the cancellation (METHOD:CANCEL), and the minutes once published.

Every invitation carries one-click answer links that need no login, and the group's List-Unsubscribe
headers (RFC 8058). A series is one invitation: its rule, its exceptions, one calendar entry."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from convene.core.mail import absolute_url
from convene.groups.models import GroupMembership, MembershipStatus
from convene.groups.tokens import unsubscribe_headers, unsubscribe_url

from .feeds import entries_for, entry_for
from .ical import calendar
from .models import Invitation, Meeting
from .tokens import answer_url, preferences_headers, preferences_url


def _headers(meeting: Meeting, person) -> dict:
    """The List-Unsubscribe headers of the person's place in the meeting's first group (stops the
    group's e-mail); none for the committee's own meetings."""
    groups = list(meeting.groups.all())
    if not groups:
        return {}
    membership = (
        GroupMembership.objects.filter(group__in=groups, person=person, status=MembershipStatus.ACTIVE)
        .values_list("pk", flat=True)
        .first()
    )
    return unsubscribe_headers(unsubscribe_url(membership)) if membership else {}


def send_mail(
    *, person, template: str, context: dict, ics: bytes | None, method: str, headers: dict, html: bool = False
) -> None:
    with translation.override(person.language or settings.LANGUAGE_CODE):
        context = {
            "network_name": settings.CONVENE_NETWORK_NAME,
            "base_url": absolute_url("/").rstrip("/"),
            "person": person,
            **context,
        }
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
        html_body = render_to_string(f"{template}.html", context) if html else None
    message = EmailMultiAlternatives(subject=subject, body=body, to=[person.email], headers=headers)
    if html_body is not None:
        message.attach_alternative(html_body, "text/html")
    if ics is not None:
        # As calendar programs expect an invitation: a text/calendar part with its METHOD, and the
        # same as a file for programs that only read attachments.
        message.attach_alternative(ics.decode(), f"text/calendar; method={method}")
        message.attach("invite.ics", ics, f"application/ics; method={method}")
    message.send()


def _links(invitation: Invitation) -> dict:
    return {
        "yes_url": answer_url(invitation.pk, "yes"),
        "maybe_url": answer_url(invitation.pk, "maybe"),
        "no_url": answer_url(invitation.pk, "no"),
    }


def invited(invitation: Invitation, *, series_meetings: list[Meeting] | None = None) -> None:
    """The invitation (or its update: the calendar entry's SEQUENCE says which) to one person."""
    meeting = invitation.meeting
    person = invitation.person
    if series_meetings:
        entries = entries_for(series_meetings, with_video=lambda m: True)
    else:
        entries = [entry_for(meeting, with_video=True)]
    cancelled = meeting.is_cancelled and not series_meetings
    method = "CANCEL" if cancelled else "REQUEST"
    template = "meetings/email/cancelled" if cancelled else "meetings/email/invitation"
    send_mail(
        person=person,
        template=template,
        context={
            "meeting": meeting,
            "series": meeting.series if series_meetings else None,
            "updated": meeting.sequence > 0,
            "url": absolute_url(reverse("meetings:detail", args=[meeting.pk])),
            "organiser_zone": meeting.zone_name,
            **_links(invitation),
        },
        ics=calendar(entries, method=method),
        method=method,
        headers=_headers(meeting, person),
    )


def series_cancelled(invitation: Invitation, *, series_meetings: list[Meeting]) -> None:
    """The rest of a series is cancelled: one METHOD:CANCEL for the series' UID."""
    from dataclasses import replace

    meeting = invitation.meeting
    (entry,) = entries_for(series_meetings, with_video=lambda m: False)
    entry = replace(entry, cancelled=True)
    send_mail(
        person=invitation.person,
        template="meetings/email/cancelled",
        context={
            "meeting": meeting,
            "series": meeting.series,
            "url": absolute_url(reverse("meetings:series", args=[meeting.series_id])),
        },
        ics=calendar([entry], method="CANCEL"),
        method="CANCEL",
        headers=_headers(meeting, invitation.person),
    )


def minutes_published(meeting: Meeting, people, *, decisions, action_items, minutes) -> None:
    """The follow-up: the minutes, the decisions and the action items with owners and dates."""
    url = absolute_url(reverse("meetings:detail", args=[meeting.pk]))
    for person in people:
        send_mail(
            person=person,
            template="meetings/email/minutes",
            context={
                "meeting": meeting,
                "minutes": minutes,
                "decisions": decisions,
                "action_items": action_items,
                "url": url,
            },
            ics=None,
            method="",
            headers=_headers(meeting, person),
        )


def meeting_reminder(invitation: Invitation, *, lead: int) -> None:
    """The reminder before a meeting: when (the person's zone, the organiser's alongside), where, the
    video link, the one-click answers; List-Unsubscribe stops reminders (the person's choices)."""
    meeting = invitation.meeting
    person = invitation.person
    send_mail(
        person=person,
        template="meetings/email/reminder",
        context={
            "meeting": meeting,
            "lead": lead,
            "url": absolute_url(reverse("meetings:detail", args=[meeting.pk])),
            "organiser_zone": meeting.zone_name,
            "answer": invitation.answer,
            "preferences_url": preferences_url(person.pk, "reminder"),
            **_links(invitation),
        },
        ics=None,
        method="",
        headers=preferences_headers(person.pk, "reminder"),
    )
