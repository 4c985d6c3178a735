"""Signed links in the registration e-mails: confirm an address, cancel, take an offered place.

A token names one registration and one action, nothing else; it needs no login. It does not expire:
what it may still do is decided by the registration's state (an offer has its own deadline)."""

from django.core import signing
from django.urls import reverse

from convene.core.mail import absolute_url

SALT = "convene.events.registration"
ACTIONS = ("confirm", "cancel", "accept")


def registration_token(registration_id: int, action: str) -> str:
    assert action in ACTIONS
    return signing.dumps({"r": registration_id, "a": action}, salt=SALT, compress=True)


def read_token(token: str) -> tuple[int, str] | None:
    """(registration id, action), or None for a token that is not ours."""
    try:
        data = signing.loads(token, salt=SALT)
        action = data["a"]
        if action not in ACTIONS:
            return None
        return int(data["r"]), action
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def link(registration_id: int, action: str) -> str:
    return absolute_url(reverse("events:by_link", args=[registration_token(registration_id, action)]))
