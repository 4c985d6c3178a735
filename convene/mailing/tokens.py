"""Signed addresses and links of bulk mail: no row to keep, the site's secret proves them.

- the one-click unsubscribe link (RFC 8058), per (person, list, delivery): POSTed by mail programs
  without cookies, so the token alone says who leaves which list;
- the VERP return path ``bounces+<delivery>-<mac>@MAILING_DOMAIN``: a bounce names its delivery.

The MACs are lower-case hex (some mail servers fold the local part's case)."""

import functools
import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from convene.core.mail import absolute_url

UNSUBSCRIBE_SALT = "convene.mailing.unsubscribe"
VERP_SALT = "convene.mailing.verp"
MAC_LENGTH = 20


@functools.lru_cache(maxsize=16)
def _keyed(salt: str, secret: str):
    """Django's ``salted_hmac(salt, …, algorithm="sha256")`` with its key made once: the sender makes
    two of these MACs per message."""
    return hmac.new(hashlib.sha256((salt + secret).encode()).digest(), digestmod=hashlib.sha256)


def mac(salt: str, value: str) -> str:
    keyed = _keyed(salt, settings.SECRET_KEY).copy()
    keyed.update(value.encode())
    return keyed.hexdigest()[:MAC_LENGTH]


def unsubscribe_token(person_id: int, list_name: str, delivery_id: int | None = None) -> str:
    return signing.dumps(
        {"p": person_id, "l": list_name, "d": delivery_id}, salt=UNSUBSCRIBE_SALT, compress=True
    )


def read_unsubscribe_token(token: str) -> tuple[int, str, int | None] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return int(data["p"]), str(data["l"]), (int(data["d"]) if data.get("d") else None)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def unsubscribe_url(person_id: int, list_name: str, delivery_id: int | None = None) -> str:
    return absolute_url(
        reverse("mailing:unsubscribe", args=[unsubscribe_token(person_id, list_name, delivery_id)])
    )


def verp_address(delivery_id: int) -> str:
    return f"bounces+{delivery_id}-{mac(VERP_SALT, str(delivery_id))}@{settings.MAILING_DOMAIN}"


def read_verp(local_part: str) -> int | None:
    """The delivery id of ``bounces+<id>-<mac>`` (the local part, before the @), if the MAC is right."""
    prefix, _, rest = local_part.lower().partition("+")
    if prefix != "bounces" or "-" not in rest:
        return None
    delivery_id, _, given = rest.partition("-")
    if not delivery_id.isdigit() or not constant_time_compare(given, mac(VERP_SALT, delivery_id)):
        return None
    return int(delivery_id)


def return_path(delivery_id: int | None) -> str:
    """The envelope sender of a bulk message: its VERP address where a domain is set."""
    if delivery_id and settings.MAILING_DOMAIN:
        return verp_address(delivery_id)
    return settings.DEFAULT_FROM_EMAIL
