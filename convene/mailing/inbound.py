"""What Convene does with a message its mail server hands to ``convene mailin``.

- to a VERP address ``bounces+<delivery>-<mac>@`` (or the plain ``bounces@``): a delivery status
  notification (RFC 3464) is a bounce, a feedback report (ARF, RFC 5965) a complaint, and a message
  with "unsubscribe" as subject (the List-Unsubscribe mailto) leaves the list;
- to a reply address ``reply+<person>-<thread>-<mac>@``: a reply, posted in the thread.

Parsed with the standard library's ``email`` package. ``accepts`` answers at RCPT time (an unknown
address is refused before the message is sent); ``handle`` answers the message: "250 …" or "550 …"
with the reason, which the mail server puts in the bounce it sends the writer."""

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import EmailMessage, Message
from email.utils import parseaddr

from django.conf import settings

from convene.groups.models import read_group_address
from convene.groups.tokens import read_reply_address

from . import services
from .messages import DELIVERY_HEADER, read_delivery_header
from .models import Delivery, InboundKind, InboundMessage
from .replytext import html_to_text, strip_reply
from .tokens import read_verp

STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")


@dataclass(frozen=True)
class Bounce:
    email: str
    status: str
    action: str
    diagnostic: str


def _split(address: str) -> tuple[str, str]:
    local, _sep, domain = address.strip().strip("<>").rpartition("@")
    return local, domain.lower()


def accepts(address: str) -> bool:
    local, domain = _split(address)
    if not settings.MAILING_DOMAIN or domain != settings.MAILING_DOMAIN.lower():
        return False
    return (
        local.lower() == "bounces"
        or read_verp(local) is not None
        or read_reply_address(local) is not None
        or accepts_group_address(local)
    )


def parse(data: bytes) -> EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


def _report_parts(message: Message, content_type: str) -> list[Message]:
    return [part for part in message.walk() if part.get_content_type() == content_type]


def _fields(part: Message) -> list[Message]:
    """The field blocks of a message/delivery-status or message/feedback-report part."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return payload
    text = payload if isinstance(payload, str) else part.get_payload(decode=True).decode("utf-8", "replace")
    return [
        email.message_from_string(block.strip() + "\n", policy=email.policy.compat32)
        for block in re.split(r"\n\s*\n", text)
        if block.strip()
    ]


def _address(value: str | None) -> str:
    value = str(value or "")
    if ";" in value:  # "rfc822; ana@example.org"
        value = value.split(";", 1)[1]
    return parseaddr(value.strip())[1].lower()


def bounces_of(message: Message) -> list[Bounce]:
    """The failed or delayed recipients of a DSN (RFC 3464); for a non-standard bounce, the status code
    found in its text (a "permanent error" without one is 5.0.0)."""
    found: list[Bounce] = []
    for part in _report_parts(message, "message/delivery-status"):
        for block in _fields(part):
            recipient = _address(block.get("Final-Recipient") or block.get("Original-Recipient"))
            action = str(block.get("Action", "")).strip().lower()
            if not recipient or action not in ("failed", "delayed"):
                continue
            match = STATUS.search(str(block.get("Status", "")))
            status = match.group(0) if match else ("5.0.0" if action == "failed" else "4.0.0")
            found.append(
                Bounce(
                    recipient, status, action, " ".join(str(block.get("Diagnostic-Code", "")).split())[:300]
                )
            )
    if found or _report_parts(message, "message/delivery-status"):
        return found
    text = _body_text(message)
    match = STATUS.search(text)
    if match and match.group(1) in "45":
        return [Bounce("", match.group(0), "failed", "")]
    if re.search(r"permanent(?:ly)? (?:error|failure|fatal)", text, re.IGNORECASE):
        return [Bounce("", "5.0.0", "failed", "")]
    return []


def complaint_of(message: Message) -> tuple[str, int | None] | None:
    """(complaining address, delivery id) of an ARF feedback report, else None."""
    parts = _report_parts(message, "message/feedback-report")
    if not parts:
        return None
    address = ""
    for block in _fields(parts[0]):
        address = address or _address(block.get("Original-Rcpt-To"))
    delivery_id = None
    for part in message.walk():
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
            inner = part.get_payload()
            original = inner[0] if isinstance(inner, list) else parse(part.get_payload(decode=True) or b"")
            delivery_id = read_delivery_header(str(original.get(DELIVERY_HEADER, "")))
            if delivery_id is None:
                local, _domain = _split(_address(original.get("Return-Path")))
                delivery_id = read_verp(local)
            address = address or _address(original.get("To"))
    return address, delivery_id


def _body_text(message: Message) -> str:
    part = message.get_body(preferencelist=("plain", "html")) if isinstance(message, EmailMessage) else None
    if part is None:
        return ""
    content = part.get_content()
    return html_to_text(content) if part.get_content_type() == "text/html" else content


def _log(kind: str, rcpt: str, sender: str, address: str = "", status: str = "", detail: str = "") -> None:
    InboundMessage.objects.create(
        kind=kind,
        recipient=rcpt[:320],
        sender=sender[:320],
        email=address[:320],
        status=status[:16],
        detail=detail[:500],
    )


def handle(*, mail_from: str, rcpt: str, data: bytes) -> str:
    """Act on one message to one of Convene's addresses; the SMTP answer."""
    message = parse(data)
    local, _domain = _split(rcpt)
    reply = read_reply_address(local)
    if reply is not None:
        return _handle_reply(message, mail_from=mail_from, rcpt=rcpt, person_id=reply[0], thread_id=reply[1])
    slug = read_group_address(local)
    if slug is not None:
        return _handle_new_thread(message, mail_from=mail_from, rcpt=rcpt, slug=slug)
    delivery_id = read_verp(local)
    delivery = (
        Delivery.objects.select_related("person").filter(pk=delivery_id).first() if delivery_id else None
    )
    complaint = complaint_of(message)
    if complaint is not None:
        address, complained_delivery = complaint
        delivery_id = complained_delivery or delivery_id
        if not address and delivery_id:
            address = (
                Delivery.objects.filter(pk=delivery_id).values_list("person__email", flat=True).first() or ""
            )
        services.complaint_record(email=address, delivery_id=delivery_id)
        _log(InboundKind.COMPLAINT, rcpt, mail_from, address)
        return "250 Complaint recorded"
    bounces = bounces_of(message)
    if bounces:
        for bounce in bounces:
            address = delivery.person.email if delivery is not None else bounce.email
            if not address:
                continue
            services.bounce_record(
                email=address, status=bounce.status, delivery_id=delivery_id, detail=bounce.diagnostic
            )
            _log(InboundKind.BOUNCE, rcpt, mail_from, address, bounce.status, bounce.diagnostic)
        return "250 Bounce recorded"
    if delivery is not None and "unsubscribe" in str(message.get("Subject", "")).lower():
        services.unsubscribe_by_token(
            person_id=delivery.person_id, list_name=delivery.mailing.purpose, delivery_id=delivery.pk
        )
        return "250 Unsubscribed"
    _log(InboundKind.REFUSED, rcpt, mail_from, detail="not a bounce")
    return "550 5.7.1 This address only takes delivery reports; nobody reads it"


def _handle_reply(message: EmailMessage, *, mail_from: str, rcpt: str, person_id: int, thread_id: int) -> str:
    automatic = str(message.get("Auto-Submitted", "no")).lower() != "no" or str(
        message.get("Precedence", "")
    ).lower() in ("bulk", "junk", "list", "auto_reply")
    if automatic or not mail_from:
        _log(InboundKind.REFUSED, rcpt, mail_from, detail="automatic reply")
        return "550 5.7.1 Automatic replies are not posted"
    sender = parseaddr(str(message.get("From", "")))[1] or mail_from
    body = strip_reply(_body_text(message))
    try:
        post = services.reply_post(person_id=person_id, thread_id=thread_id, sender=sender, body=body)
    except services.Refused as error:
        _log(InboundKind.REFUSED, rcpt, sender, sender, detail=str(error))
        return f"550 5.7.1 {error}"
    _log(InboundKind.REPLY, rcpt, sender, sender, detail=f"post {post.pk}")
    return "250 Posted in the thread"


# --- A new thread, written to a group's address ----------------------------------------------------


def accepts_group_address(local: str) -> bool:
    """``<slug>@`` (or ``group+<slug>@``) of a group that takes threads by e-mail; others are refused
    at RCPT time as unknown addresses."""
    from convene.groups.models import Group

    slug = read_group_address(local)
    return slug is not None and Group.objects.filter(slug=slug, threads_by_email=True).exists()


def _automatic(message: EmailMessage) -> bool:
    return str(message.get("Auto-Submitted", "no")).lower() != "no" or str(
        message.get("Precedence", "")
    ).lower() in ("bulk", "junk", "list", "auto_reply")


def _handle_new_thread(message: EmailMessage, *, mail_from: str, rcpt: str, slug: str) -> str:
    """The sender (the From address, which must also be the envelope sender) starts a thread in the
    group. Anyone can write any From address: a message whose domain fails DMARC at the mail server
    (its Authentication-Results header) is refused."""
    if _automatic(message) or not mail_from:
        _log(InboundKind.REFUSED, rcpt, mail_from, detail="automatic message")
        return "550 5.7.1 Automatic messages do not start threads"
    sender = parseaddr(str(message.get("From", "")))[1] or mail_from
    if sender.lower() != parseaddr(mail_from)[1].lower():
        _log(InboundKind.REFUSED, rcpt, mail_from, sender, detail="From and envelope sender differ")
        return "550 5.7.1 The From address and the envelope sender differ"
    results = " ".join(str(value) for value in message.get_all("Authentication-Results", []))
    if re.search(r"\bdmarc=fail\b", results, re.IGNORECASE):
        _log(InboundKind.REFUSED, rcpt, sender, sender, detail="DMARC failed")
        return "550 5.7.1 The sender's domain does not vouch for this message (DMARC failed)"
    body = strip_reply(_body_text(message))
    try:
        thread = services.thread_by_mail(
            slug=slug, sender=sender, subject=str(message.get("Subject", "")), body=body
        )
    except services.Refused as error:
        _log(InboundKind.REFUSED, rcpt, sender, sender, detail=str(error))
        return f"550 5.7.1 {error}"
    _log(InboundKind.THREAD, rcpt, sender, sender, detail=f"thread {thread.pk}")
    return "250 Thread started"
