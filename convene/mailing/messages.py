"""One bulk message for one recipient: the edition in their language, HTML and plain text, the
unsubscribe link in the footer and in List-Unsubscribe (RFC 2369, one-click POST per RFC 8058), and the
delivery's VERP address as the envelope sender. Nothing in it loads from elsewhere: no tracking pixel."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import override

from convene.core import tokens

from .tokens import return_path, unsubscribe_url

UNSUBSCRIBE_MARK = "%%unsubscribe_url%%"
DELIVERY_HEADER = "X-Convene-Delivery"
DELIVERY_SALT = "convene.mailing.delivery-header"


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
    return tokens.signed_ids(delivery_id, salt=DELIVERY_SALT)


def read_delivery_header(value: str) -> int | None:
    ids = tokens.read_signed_ids(value, salt=DELIVERY_SALT, count=1)
    return ids[0] if ids else None


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
    return message
