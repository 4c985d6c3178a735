"""Signed unsubscribe links: one per membership, in every post e-mail and digest (RFC 8058).

The token is the membership's id signed with the site's secret: no row to keep. Imported by the
views that read a token and the tasks that put one in an e-mail.
"""

from django.core import signing
from django.urls import reverse

from convene.core.mail import absolute_url

UNSUBSCRIBE_SALT = "convene.groups.unsubscribe"


def unsubscribe_token(membership_id: int) -> str:
    return signing.dumps({"m": membership_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_membership_id(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT)["m"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def unsubscribe_url(membership_id: int) -> str:
    return absolute_url(reverse("groups:unsubscribe", args=[unsubscribe_token(membership_id)]))


def unsubscribe_headers(url: str) -> dict:
    # RFC 8058 one-click: mail programs POST to the URL; a person following it gets a confirm page.
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


# --- Reply by e-mail -------------------------------------------------------------------------------
# A thread's notification mail carries Reply-To ``reply+<person>-<thread>-<mac>@MAILING_DOMAIN``: the
# inbound receiver (convene/mailing/inbound.py) posts what comes back as that person, in that thread.
REPLY_SALT = "convene.groups.reply"


def _reply_mac(person_id: int, thread_id: int) -> str:
    from django.utils.crypto import salted_hmac

    return salted_hmac(REPLY_SALT, f"{person_id}-{thread_id}", algorithm="sha256").hexdigest()[:20]


def reply_address(person_id: int, thread_id: int) -> str:
    """The signed reply address of one person in one thread, or "" when no mail domain is set."""
    from django.conf import settings

    if not settings.MAILING_DOMAIN:
        return ""
    return f"reply+{person_id}-{thread_id}-{_reply_mac(person_id, thread_id)}@{settings.MAILING_DOMAIN}"


def read_reply_address(local_part: str) -> tuple[int, int] | None:
    """(person id, thread id) of ``reply+<person>-<thread>-<mac>``, if the MAC is right."""
    from django.utils.crypto import constant_time_compare

    prefix, _, rest = local_part.lower().partition("+")
    parts = rest.split("-")
    if prefix != "reply" or len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    person_id, thread_id = int(parts[0]), int(parts[1])
    if not constant_time_compare(parts[2], _reply_mac(person_id, thread_id)):
        return None
    return person_id, thread_id
