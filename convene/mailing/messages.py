"""One bulk message for one recipient: the edition in their language, HTML and plain text, the
unsubscribe link in the footer and in List-Unsubscribe (RFC 2369, one-click POST per RFC 8058), and the
delivery's VERP address as the envelope sender. Nothing in it loads from elsewhere: no tracking pixel."""

import re
import secrets
import time
from dataclasses import dataclass
from email import quoprimime
from email.utils import formatdate, make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEMultipart, forbid_multi_line_headers, sanitize_address
from django.core.mail.utils import DNS_NAME
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import override

from convene.core.mail import absolute_url

from .tokens import mac, return_path, unsubscribe_token, unsubscribe_url

UNSUBSCRIBE_MARK = "%%unsubscribe_url%%"
DELIVERY_HEADER = "X-Convene-Delivery"
DELIVERY_SALT = "convene.mailing.delivery-header"
# The delivery header's value, as metadata a provider's backend (anymail) sends along and its webhook
# events give back (providers.py).
METADATA_KEY = "convene_delivery"


@dataclass(frozen=True)
class Rendered:
    """An edition as the composer rendered it. ``html`` and ``text`` may hold ``%%unsubscribe_url%%``
    where the recipient's own link goes; without it, a footer with the link is added."""

    subject: str
    html: str
    text: str

    def as_dict(self) -> dict:
        return {"subject": self.subject, "html": self.html, "text": self.text}


def delivery_header(delivery_id: int) -> str:
    return f"{delivery_id}-{mac(DELIVERY_SALT, str(delivery_id))}"


def read_delivery_header(value: str) -> int | None:
    from django.utils.crypto import constant_time_compare

    delivery_id, _sep, given = (value or "").strip().lower().partition("-")
    if not delivery_id.isdigit() or not constant_time_compare(given, mac(DELIVERY_SALT, delivery_id)):
        return None
    return int(delivery_id)


def _with_link(edition: dict, url: str, language: str) -> tuple[str, str]:
    html, text = edition["html"], edition["text"]
    if UNSUBSCRIBE_MARK in html or UNSUBSCRIBE_MARK in text:
        return html.replace(UNSUBSCRIBE_MARK, escape(url)), text.replace(UNSUBSCRIBE_MARK, url)
    with override(language or settings.LANGUAGE_CODE):
        label = _("Unsubscribe")
    footer = f'<p style="font-size:12px;color:#555"><a href="{escape(url)}">{escape(label)}</a></p>'
    html = html.replace("</body>", footer + "</body>") if "</body>" in html else html + footer
    return html, f"{text.rstrip()}\n\n-- \n{label}: {url}\n"


def build(
    *,
    edition: dict,
    to: str,
    person_id: int,
    list_name: str,
    language: str,
    delivery_id: int | None,
    connection=None,
    subject_prefix: str = "",
) -> EmailMultiAlternatives:
    url = unsubscribe_url(person_id, list_name, delivery_id)
    html, text = _with_link(edition, url, language)
    headers = {
        "From": settings.DEFAULT_FROM_EMAIL,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{list_name} <{list_name}.{settings.MAILING_DOMAIN or 'convene.invalid'}>",
        "Precedence": "bulk",
    }
    unsubscribe = [f"<{url}>"]
    if delivery_id and settings.MAILING_DOMAIN:
        # A mail to the VERP address with "unsubscribe" as subject leaves the list (inbound.py).
        unsubscribe.append(f"<mailto:{return_path(delivery_id)}?subject=unsubscribe>")
        headers[DELIVERY_HEADER] = delivery_header(delivery_id)
    headers["List-Unsubscribe"] = ", ".join(unsubscribe)
    message = EmailMultiAlternatives(
        subject=subject_prefix + edition["subject"],
        body=text,
        from_email=return_path(delivery_id),
        to=[to],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    if delivery_id:
        message.metadata = {METADATA_KEY: delivery_header(delivery_id)}  # read by anymail's backends
    return message


# --- The fast path: an edition's MIME built once, the recipient's parts put in per message ----------

_NEWLINES = re.compile(r"\r\n|\r|\n")
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")
# An unsubscribe link no longer than this keeps a line of the 8bit body within RFC 5322's 998 bytes;
# an edition with a longer line goes quoted-printable (as Django would send it).
_URL_ROOM = 600
_LINE_LIMIT = 998


def _crlf(text: str) -> str:
    return _NEWLINES.sub("\r\n", text)


def _qp(text: str) -> bytes:
    """Quoted-printable of ``text`` (UTF-8) that ends in a soft line break when it does not end a line,
    so that pieces encoded alone and put one after another decode to the pieces joined."""
    if not text:
        return b""
    encoded = quoprimime.body_encode(text.encode("utf-8").decode("latin-1"), maxlinelen=76, eol="\r\n")
    if not text.endswith(("\n", "\r")):
        encoded += "=\r\n"
    return encoded.encode("ascii")


class _Part:
    """One text part of the message: its header block and its body as pieces around the recipient's
    link (``pieces[0] link pieces[1] link …``), each piece already encoded."""

    def __init__(self, subtype: str, body: str) -> None:
        body = _crlf(body)
        self.pieces_text = body.split(UNSUBSCRIBE_MARK)
        longest = max(
            len(line.encode("utf-8")) + line.count(UNSUBSCRIBE_MARK) * (_URL_ROOM - len(UNSUBSCRIBE_MARK))
            for line in body.split("\r\n")
        )
        self.quoted = longest > _LINE_LIMIT
        encoding = "quoted-printable" if self.quoted else "8bit"
        self.head = (
            f'Content-Type: text/{subtype}; charset="utf-8"\r\nMIME-Version: 1.0\r\n'
            f"Content-Transfer-Encoding: {encoding}\r\n\r\n"
        ).encode("ascii")
        if self.quoted:
            self.pieces = [_qp(piece) for piece in self.pieces_text]
        else:
            self.pieces = [piece.encode("utf-8") for piece in self.pieces_text]
        # The line end before the next boundary belongs to the boundary (RFC 2046), not to the text.
        self.tail = b"\r\n"

    def render(self, link: str) -> bytes:
        if len(self.pieces) == 1:
            return self.head + self.pieces[0] + self.tail
        if self.quoted:
            filler = _qp(link)
        else:
            if len(link) > _URL_ROOM:
                raise ValueError("unsubscribe link too long for the prepared message")
            filler = link.encode("utf-8")
        return self.head + filler.join(self.pieces) + self.tail


class Prepared:
    """An edition's message as bytes made once, with the recipient's parts put in per message: the To,
    Date and Message-ID headers, the unsubscribe link (in List-Unsubscribe and in both parts), the
    signed delivery header and the VERP envelope sender. ``render`` gives what ``build(...)`` would send
    through SMTP (the same headers, text and HTML once parsed) in a tenth of the time or less: the
    sender of a mailing uses it when it talks SMTP itself."""

    def __init__(self, *, edition: dict, list_name: str, language: str, subject_prefix: str = "") -> None:
        self.list_name = list_name
        html, text = _with_link(edition, UNSUBSCRIBE_MARK, language)
        self.text = _Part("plain", text)
        self.html = _Part("html", html)
        self.boundary = f"===============convene{secrets.token_hex(12)}=="
        # The headers every recipient shares, encoded and folded by the email package as Django does.
        shared = SafeMIMEMultipart(_subtype="alternative", encoding=settings.DEFAULT_CHARSET)
        shared.set_boundary(self.boundary)
        shared["Subject"] = subject_prefix + edition["subject"]
        shared["From"] = settings.DEFAULT_FROM_EMAIL
        shared["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        shared["List-Id"] = f"{list_name} <{list_name}.{settings.MAILING_DOMAIN or 'convene.invalid'}>"
        shared["Precedence"] = "bulk"
        head = shared.as_bytes(linesep="\r\n")
        self.head = head[: head.index(b"\r\n\r\n") + 2]
        self.separator = f"--{self.boundary}\r\n".encode("ascii")
        self.end = f"--{self.boundary}--\r\n".encode("ascii")
        self.url_base = absolute_url(reverse("mailing:unsubscribe", args=["TOKEN"]))
        self._date = (0, "")
        self.domain = str(DNS_NAME)

    def _now(self) -> str:
        second = int(time.time())
        if self._date[0] != second:
            self._date = (second, formatdate(second, localtime=settings.EMAIL_USE_LOCALTIME))
        return self._date[1]

    def render(self, *, to: str, person_id: int, delivery_id: int | None) -> tuple[str, list[str], bytes]:
        """(envelope sender, envelope recipients, message bytes with CRLF line ends)."""
        token = unsubscribe_token(person_id, self.list_name, delivery_id)
        url = self.url_base.replace("TOKEN", token)
        if _PLAIN_ADDRESS.fullmatch(to):
            to_header, recipient = to, to
        else:
            to_header = forbid_multi_line_headers("To", to, "utf-8")[1].replace("\n", "\r\n")
            recipient = sanitize_address(parseaddr(to)[1] or to, "utf-8")
        sender = return_path(delivery_id)
        unsubscribe = f"<{url}>"
        lines = [f"To: {to_header}", f"Date: {self._now()}", f"Message-ID: {make_msgid(domain=self.domain)}"]
        if delivery_id and settings.MAILING_DOMAIN:
            unsubscribe += f", <mailto:{sender}?subject=unsubscribe>"
            lines.append(f"{DELIVERY_HEADER}: {delivery_header(delivery_id)}")
        lines.append(f"List-Unsubscribe: {unsubscribe}")
        data = b"".join(
            [
                self.head,
                ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"),
                self.separator,
                self.text.render(url),
                self.separator,
                self.html.render(escape(url)),
                self.end,
            ]
        )
        return sender, [recipient], data
