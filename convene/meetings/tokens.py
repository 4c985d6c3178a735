"""The signed link in an invitation e-mail: answering without logging in.

The token names the invitation only; it does not expire (an invitation may be answered until the
meeting), and works for nothing else than that one person's answer to that one meeting.
"""

from django.core import signing
from django.urls import reverse

from convene.core.mail import absolute_url

ANSWER_SALT = "convene.meetings.answer"


def answer_token(invitation_id: int) -> str:
    return signing.dumps({"i": invitation_id}, salt=ANSWER_SALT, compress=True)


def invitation_id_of(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=ANSWER_SALT)["i"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def answer_url(invitation_id: int, answer: str = "") -> str:
    url = absolute_url(reverse("meetings:answer_by_link", args=[answer_token(invitation_id)]))
    return f"{url}?answer={answer}" if answer else url
