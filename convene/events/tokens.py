"""Signed links in the registration e-mails: confirm an address, cancel, take an offered place.

A token names one registration and one action, nothing else; it needs no login. It does not expire:
what it may still do is decided by the registration's state (an offer has its own deadline). The
mechanism is ``convene.core.tokens``; the salt must not change (links already sent would stop
working)."""

from convene.core import tokens

SALT = "convene.events.registration"
ACTIONS = ("confirm", "cancel", "accept")


def registration_token(registration_id: int, action: str) -> str:
    assert action in ACTIONS
    return tokens.sign({"r": registration_id, "a": action}, salt=SALT)


def _registration(data: dict) -> tuple[int, str] | None:
    action = data["a"]
    if action not in ACTIONS:
        return None
    return int(data["r"]), action


def read_token(token: str) -> tuple[int, str] | None:
    """(registration id, action), or None for a token that is not ours."""
    return tokens.read(token, salt=SALT, parse=_registration)


def link(registration_id: int, action: str) -> str:
    return tokens.link("events:by_link", registration_token(registration_id, action))
