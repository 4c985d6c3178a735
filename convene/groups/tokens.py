"""Signed unsubscribe links: one per membership, in every post e-mail and digest (RFC 8058).

The token is the membership's id signed with the site's secret: no row to keep. Imported by the
views that read a token and the tasks that put one in an e-mail. The mechanism is
``convene.core.tokens``; the salts here must not change (links already sent would stop working).
"""

from convene.core import tokens

UNSUBSCRIBE_SALT = "convene.groups.unsubscribe"


def unsubscribe_token(membership_id: int) -> str:
    return tokens.sign({"m": membership_id}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_membership_id(token: str) -> int | None:
    return tokens.read(token, salt=UNSUBSCRIBE_SALT, parse=lambda data: int(data["m"]))


def unsubscribe_url(membership_id: int) -> str:
    return tokens.link("groups:unsubscribe", unsubscribe_token(membership_id))


def unsubscribe_headers(url: str) -> dict:
    return tokens.one_click_headers(url)


# --- Reply by e-mail -------------------------------------------------------------------------------
# A thread's notification mail carries Reply-To ``reply+<person>-<thread>-<mac>@MAILING_DOMAIN``: the
# inbound receiver (convene/mailing/inbound.py) posts what comes back as that person, in that thread.
REPLY_SALT = "convene.groups.reply"


def reply_address(person_id: int, thread_id: int) -> str:
    """The signed reply address of one person in one thread, or "" when no mail domain is set."""
    from django.conf import settings

    if not settings.MAILING_DOMAIN:
        return ""
    return f"reply+{tokens.signed_ids(person_id, thread_id, salt=REPLY_SALT)}@{settings.MAILING_DOMAIN}"


def read_reply_address(local_part: str) -> tuple[int, int] | None:
    """(person id, thread id) of ``reply+<person>-<thread>-<mac>``, if the MAC is right."""
    prefix, _, rest = local_part.lower().partition("+")
    if prefix != "reply":
        return None
    return tokens.read_signed_ids(rest, salt=REPLY_SALT, count=2)
