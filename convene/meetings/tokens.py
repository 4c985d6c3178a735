"""The signed link in an invitation e-mail: answering without logging in.

The token names the invitation only; it does not expire (an invitation may be answered until the
meeting), and works for nothing else than that one person's answer to that one meeting. The
mechanism is ``convene.core.tokens``; the salts here must not change (links already sent would stop
working).
"""

from convene.core import tokens

ANSWER_SALT = "convene.meetings.answer"


def answer_token(invitation_id: int) -> str:
    return tokens.sign({"i": invitation_id}, salt=ANSWER_SALT)


def invitation_id_of(token: str) -> int | None:
    return tokens.read(token, salt=ANSWER_SALT, parse=lambda data: int(data["i"]))


def answer_url(invitation_id: int, answer: str = "") -> str:
    url = tokens.link("meetings:answer_by_link", answer_token(invitation_id))
    return f"{url}?answer={answer}" if answer else url


# The List-Unsubscribe link of a reminder or a digest: it names the person and which e-mail to stop,
# and leads to their choices without a login (RFC 8058 one-click).
PREFERENCES_SALT = "convene.meetings.preferences"
STOPPABLE = ("reminder", "digest")


def preferences_token(person_id: int, what: str) -> str:
    return tokens.sign({"p": person_id, "w": what}, salt=PREFERENCES_SALT)


def _preferences(data: dict) -> tuple[int, str] | None:
    person_id, what = int(data["p"]), str(data["w"])
    return (person_id, what) if what in STOPPABLE else None


def preferences_of_token(token: str) -> tuple[int, str] | None:
    return tokens.read(token, salt=PREFERENCES_SALT, parse=_preferences)


def preferences_url(person_id: int, what: str) -> str:
    return tokens.link("meetings:preferences_by_link", preferences_token(person_id, what))


def preferences_headers(person_id: int, what: str) -> dict:
    return tokens.one_click_headers(preferences_url(person_id, what))


# The minutes form carries who opened it, signed (a hidden field), for two days.
WRITER_SALT = "convene.meetings.minutes-writer"
WRITER_MAX_AGE = 2 * 24 * 3600


def writer_token(meeting_id: int, person_id: int) -> str:
    return tokens.sign({"m": meeting_id, "p": person_id}, salt=WRITER_SALT)


def writer_of(token: str, meeting_id: int) -> int | None:
    """The person a minutes form was opened by, if its token is for this meeting and not too old."""
    return tokens.read(
        token,
        salt=WRITER_SALT,
        max_age=WRITER_MAX_AGE,
        parse=lambda data: data.get("p") if data.get("m") == meeting_id else None,
    )
