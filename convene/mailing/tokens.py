"""Signed addresses and links of bulk mail: no row to keep, the site's secret proves them.

- the one-click unsubscribe link (RFC 8058), per (person, list, delivery): POSTed by mail programs
  without cookies, so the token alone says who leaves which list;
- the VERP return path ``bounces+<delivery>-<mac>@MAILING_DOMAIN``: a bounce names its delivery.

The mechanism is ``convene.core.tokens`` (MACs in lower-case hex: some mail servers fold the local
part's case); the salts here must not change (links and addresses already sent would stop working)."""

from django.conf import settings

from convene.core import tokens

UNSUBSCRIBE_SALT = "convene.mailing.unsubscribe"
VERP_SALT = "convene.mailing.verp"


def unsubscribe_token(person_id: int, list_name: str, delivery_id: int | None = None) -> str:
    return tokens.sign({"p": person_id, "l": list_name, "d": delivery_id}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str, int | None] | None:
    return tokens.read(
        token,
        salt=UNSUBSCRIBE_SALT,
        parse=lambda data: (int(data["p"]), str(data["l"]), (int(data["d"]) if data.get("d") else None)),
    )


def unsubscribe_url(person_id: int, list_name: str, delivery_id: int | None = None) -> str:
    return tokens.link("mailing:unsubscribe", unsubscribe_token(person_id, list_name, delivery_id))


def verp_address(delivery_id: int) -> str:
    return f"bounces+{tokens.signed_ids(delivery_id, salt=VERP_SALT)}@{settings.MAILING_DOMAIN}"


def read_verp(local_part: str) -> int | None:
    """The delivery id of ``bounces+<id>-<mac>`` (the local part, before the @), if the MAC is right."""
    prefix, _, rest = local_part.lower().partition("+")
    ids = tokens.read_signed_ids(rest, salt=VERP_SALT, count=1) if prefix == "bounces" else None
    return ids[0] if ids else None


def return_path(delivery_id: int | None) -> str:
    """The envelope sender of a bulk message: its VERP address where a domain is set."""
    if delivery_id and settings.MAILING_DOMAIN:
        return verp_address(delivery_id)
    return settings.DEFAULT_FROM_EMAIL
