"""Signed tokens and signed ids: what a link or an address in an e-mail carries so that it works
without a login, and without a row to keep (the site's secret proves it).

Each app keeps its own salts (one per purpose: a token of one purpose never passes for another) and
its own few lines naming what a token holds; the mechanism is here, once:

- ``sign``/``read``: a compressed ``django.core.signing`` token of a small dict, for a URL;
- ``signed_ids``/``read_signed_ids``: ``<id>-<id>-<mac>`` in lower-case hex (some mail servers fold
  the case of an address's local part), for a VERP return path, a reply address or a mail header.

Tokens already sent keep working as long as the salts and the dict keys stay as they are."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from .mail import absolute_url

T = TypeVar("T")
MAC_LENGTH = 20


def sign(values: dict, *, salt: str) -> str:
    return signing.dumps(values, salt=salt, compress=True)


def read(token: str, *, salt: str, parse: Callable[[dict], T], max_age: int | None = None) -> T | None:
    """What ``parse`` makes of a token's dict, or None for a token that is not ours (bad signature,
    too old, another purpose's, or not the shape ``parse`` expects)."""
    try:
        return parse(signing.loads(token, salt=salt, max_age=max_age))
    except (signing.BadSignature, AttributeError, KeyError, TypeError, ValueError):
        return None


def link(viewname: str, token: str) -> str:
    """The absolute URL of the view that reads ``token``."""
    return absolute_url(reverse(viewname, args=[token]))


def one_click_headers(url: str) -> dict:
    # RFC 8058 one-click: mail programs POST to the URL; a person following it gets a confirm page.
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def mac(salt: str, value: str) -> str:
    return salted_hmac(salt, value, algorithm="sha256").hexdigest()[:MAC_LENGTH]


def signed_ids(*ids: int, salt: str) -> str:
    """``<id>-<id>-<mac>``: the ids and a MAC of them."""
    value = "-".join(str(i) for i in ids)
    return f"{value}-{mac(salt, value)}"


def read_signed_ids(value: str, *, salt: str, count: int) -> tuple[int, ...] | None:
    """The ``count`` ids of ``signed_ids``' text, if its MAC is right (any case)."""
    parts = (value or "").strip().lower().split("-")
    if len(parts) != count + 1 or not all(part.isdigit() for part in parts[:-1]):
        return None
    if not constant_time_compare(parts[-1], mac(salt, "-".join(parts[:-1]))):
        return None
    return tuple(int(part) for part in parts[:-1])
