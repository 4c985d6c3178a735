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
