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


# The List-Unsubscribe link of a reminder or a digest: it names the person and which e-mail to stop,
# and leads to their choices without a login (RFC 8058 one-click).
PREFERENCES_SALT = "convene.meetings.preferences"
STOPPABLE = ("reminder", "digest")


def preferences_token(person_id: int, what: str) -> str:
    return signing.dumps({"p": person_id, "w": what}, salt=PREFERENCES_SALT, compress=True)


def preferences_of_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=PREFERENCES_SALT)
        person_id, what = int(data["p"]), str(data["w"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return (person_id, what) if what in STOPPABLE else None


def preferences_url(person_id: int, what: str) -> str:
    return absolute_url(reverse("meetings:preferences_by_link", args=[preferences_token(person_id, what)]))


def preferences_headers(person_id: int, what: str) -> dict:
    url = preferences_url(person_id, what)
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
