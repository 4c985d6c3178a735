"""Who is told what about an event, in which e-mail: the request to confirm an address, the
confirmation (with the event as an .ics, METHOD:REQUEST) or the place on the waiting list, the offer
of a freed place, the reminders, the follow-up after the event, and the cancellation. Every mail
carries a link that cancels the registration without logging in."""

from dataclasses import replace

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from convene.core.mail import absolute_url
from convene.meetings.ical import calendar

from .feeds import entry_for
from .models import Registration
from .tokens import link


def _send(registration: Registration, template: str, context: dict, ics: bytes | None = None) -> None:
    event = registration.event
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        context = {
            "network_name": settings.CONVENE_NETWORK_NAME,
            "registration": registration,
            "event": event,
            "url": absolute_url(reverse("events:detail", args=[event.pk])),
            "cancel_url": link(registration.pk, "cancel"),
            **context,
        }
        subject = " ".join(render_to_string(f"events/email/{template}_subject.txt", context).split())
        body = render_to_string(f"events/email/{template}.txt", context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[registration.email])
    if ics is not None:
        method = "CANCEL" if event.cancelled else "REQUEST"
        message.attach_alternative(ics.decode(), f"text/calendar; method={method}")
        message.attach("event.ics", ics, f"application/ics; method={method}")
    message.send()


def _ics(registration: Registration) -> bytes:
    entry = entry_for(registration.event, with_link=True)
    if registration.person_id is None:
        entry = replace(entry, attendees=((registration.name, registration.email),))
    return calendar([entry], method="CANCEL" if registration.event.cancelled else "REQUEST")


def confirm_request(registration: Registration) -> None:
    _send(registration, "confirm", {"confirm_url": link(registration.pk, "confirm")})


def registered(registration: Registration) -> None:
    _send(registration, "registered", {}, ics=_ics(registration))


def waiting(registration: Registration) -> None:
    _send(registration, "waiting", {})


def offered(registration: Registration) -> None:
    _send(
        registration,
        "offer",
        {"accept_url": link(registration.pk, "accept"), "expires": registration.offer_expires_at},
    )


def updated(registration: Registration) -> None:
    _send(registration, "updated", {}, ics=_ics(registration))


def reminder(registration: Registration, *, which: str) -> None:
    _send(registration, "reminder", {"which": which}, ics=_ics(registration))


def follow_up(registration: Registration, *, text: str) -> None:
    _send(registration, "follow_up", {"text": text})


def cancelled(registration: Registration) -> None:
    _send(registration, "cancelled", {}, ics=_ics(registration))
