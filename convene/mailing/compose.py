"""Rendering an announcement: the secretariat's Markdown as the e-mail's HTML (one column, inline
styles, no images or fonts fetched from elsewhere) and as its plain-text part."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import override

from convene.core.markdown import render_markdown

from .messages import Rendered


def render_announcement(subject: str, markdown: str, language: str) -> Rendered:
    with override(language):
        html = render_to_string(
            "mailing/email/announcement.html",
            {
                "subject": subject,
                "body": render_markdown(markdown, top_level=2),
                "network_name": settings.CONVENE_NETWORK_NAME,
            },
        )
    return Rendered(subject=subject, html=html, text=markdown.strip() + "\n")
