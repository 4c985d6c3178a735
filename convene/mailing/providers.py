"""Bounces and complaints reported by an e-mail provider's webhook (through django-anymail), handled
as ``convene mailin`` handles the ones that come back by mail: a hard bounce suppresses the address at
once, a soft one adds to its score, a complaint leaves every bulk list (services.py).

The webhooks are under ``/mailing/anymail/<provider>/tracking/`` (e.g. ``…/postmark/tracking/``,
``…/sendgrid/tracking/``, ``…/mailgun/tracking/``), answered only when ``ANYMAIL_WEBHOOK_SECRET``
(``user:password``) is set: the provider is given the URL with those credentials in it (HTTP basic
auth, checked by anymail); a request without them changes nothing. The delivery a bounce is about is
found from the signed ``convene_delivery`` metadata each bulk message carries (messages.build)."""

import functools
import re

from anymail.signals import AnymailTrackingEvent, EventType, RejectReason
from django.conf import settings
from django.http import Http404
from django.urls import URLPattern
from django.views.decorators.csrf import csrf_exempt

from . import services
from .messages import METADATA_KEY, read_delivery_header
from .models import Delivery, InboundKind, InboundMessage

STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
SMTP_CODE = re.compile(r"\b([45])\d\d\b")
# What the provider says of an address it would not send to: a bad address is a hard bounce, an
# address that kept timing out a soft one; a block for the content or by policy says nothing of it.
REJECTED_HARD = {RejectReason.INVALID, RejectReason.BOUNCED}
REJECTED_SOFT = {RejectReason.TIMED_OUT}


def _field(event: AnymailTrackingEvent, name: str) -> str:
    raw = event.esp_event
    try:
        return str(raw.get(name) or "") if hasattr(raw, "get") else ""
    except (AttributeError, TypeError):
        return ""


def bounce_status(event: AnymailTrackingEvent) -> str | None:
    """The enhanced status code (RFC 3463) of a bounce or deferral: from the provider's words where it
    gives one, else 4.0.0 for a temporary failure and 5.0.0 for a permanent one; None when the event
    says nothing of the address."""
    if event.event_type == EventType.REJECTED:
        if event.reject_reason in REJECTED_HARD:
            return "5.0.0"
        return "4.0.0" if event.reject_reason in REJECTED_SOFT else None
    if event.event_type not in (EventType.BOUNCED, EventType.DEFERRED):
        return None
    words = " ".join(
        str(part or "") for part in (_field(event, "status"), event.mta_response, event.description)
    )
    match = STATUS.search(words)
    if match:
        return match.group(0)
    temporary = event.event_type == EventType.DEFERRED or _field(event, "Type") in ("SoftBounce", "Transient")
    code = SMTP_CODE.search(words)
    if code:
        temporary = code.group(1) == "4"
    return "4.0.0" if temporary else "5.0.0"


def _delivery_id(event: AnymailTrackingEvent) -> int | None:
    metadata = event.metadata if isinstance(event.metadata, dict) else {}
    return read_delivery_header(str(metadata.get(METADATA_KEY) or ""))


def _log(kind: str, esp_name: str, address: str, status: str = "", detail: str = "") -> None:
    InboundMessage.objects.create(
        kind=kind,
        recipient=f"{esp_name} webhook"[:320],
        email=address[:320],
        status=status[:16],
        detail=detail[:500],
    )


def tracking_received(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs) -> None:
    """anymail's ``tracking`` signal: one event of one provider's webhook."""
    delivery_id = _delivery_id(event)
    address = (event.recipient or "").strip().lower()
    if not address and delivery_id:
        address = (
            Delivery.objects.filter(pk=delivery_id).values_list("person__email", flat=True).first() or ""
        )
    if not address:
        return
    detail = " ".join(str(event.mta_response or event.description or "").split())[:300]
    if event.event_type == EventType.COMPLAINED:
        services.complaint_record(email=address, delivery_id=delivery_id)
        _log(InboundKind.COMPLAINT, esp_name, address, detail=detail)
        return
    status = bounce_status(event)
    if status is None:
        return
    services.bounce_record(email=address, status=status, delivery_id=delivery_id, detail=detail)
    _log(InboundKind.BOUNCE, esp_name, address, status, detail)


def _only_with_secret(view):
    """Without a webhook secret anymail would take anyone's word: the webhook is not there at all."""

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if not getattr(settings, "ANYMAIL", {}).get("WEBHOOK_SECRET"):
            raise Http404
        return view(request, *args, **kwargs)

    return csrf_exempt(guarded)


def webhook_urls() -> list[URLPattern]:
    """anymail's tracking webhooks (every provider it knows), each behind the secret check."""
    from anymail import urls

    return [
        URLPattern(pattern.pattern, _only_with_secret(pattern.callback), pattern.default_args, pattern.name)
        for pattern in urls.urlpatterns
        if isinstance(pattern, URLPattern) and "tracking" in (pattern.name or "")
    ]
