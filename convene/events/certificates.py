"""A certificate of attendance as PDF (WeasyPrint), drawn from our own template only: no base URL
and a URL fetcher that refuses everything (``convene.core.documents``), so no text of an event can make
the server fetch a URL or read a file."""

from django.template.loader import render_to_string
from django.utils import translation

from convene.core.documents import render_pdf

from .models import Registration


def certificate_pdf(registration: Registration) -> bytes:
    with translation.override(registration.language or None):
        html = render_to_string(
            "events/certificate.html", {"registration": registration, "event": registration.event}
        )
    return render_pdf(html).write_pdf()
