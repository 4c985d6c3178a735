"""E-mail from Convene: rendered in the recipient's language, plain text, with optional headers."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    """``path`` as a link that opens outside the site: from the request's own address when there is
    one, else from ``CONVENE_BASE_URL`` (which follows where ``convene serve`` binds)."""
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.CONVENE_BASE_URL.rstrip("/") + path


def send_templated(
    *,
    to: str,
    template: str,
    context: dict,
    language: str = "",
    headers: dict | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Render ``<template>_subject.txt`` and ``<template>.txt`` for one person and send them."""
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {
            "network_name": settings.CONVENE_NETWORK_NAME,
            "base_url": absolute_url("/", request).rstrip("/"),
            **context,
        }
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
    EmailMessage(subject=subject, body=body, to=[to], headers=headers or {}).send()
