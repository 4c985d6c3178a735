"""A certificate of attendance as PDF (WeasyPrint), drawn from our own template only: no base URL
and a URL fetcher that refuses everything (as reports' documents), so no text of an event can make
the server fetch a URL or read a file."""

from django.template.loader import render_to_string
from django.utils import translation

from .models import Registration


def _no_fetching():
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"Convene does not fetch {url[:60]} into a document")

    return NoFetching()


def certificate_pdf(registration: Registration) -> bytes:
    from weasyprint import HTML

    with translation.override(registration.language or None):
        html = render_to_string(
            "events/certificate.html", {"registration": registration, "event": registration.event}
        )
    return HTML(string=html, base_url=None, url_fetcher=_no_fetching()).write_pdf()
