"""The sender's fast path (``messages.Prepared``: an edition's MIME made once, the recipient's parts put
in per message) gives the same message, once parsed, as the slow path (``messages.build`` through
Django's ``EmailMultiAlternatives``): headers, text and HTML, for recipients with non-ASCII names, an
edition with its own link and one without, and a quoted-printable edition (a line over 998 bytes)."""

import email
import email.policy
import types

import pytest

from convene.mailing.messages import Prepared, build
from convene.mailing.tokens import read_unsubscribe_token

LONG = "Très " * 300  # a line of 1,500 bytes: Django sends such a part quoted-printable

EDITIONS = {
    "own link": {
        "subject": "L'E-Update, décembre — « nouvelles » du réseau de la gestion de cas, édition longue",
        "html": '<html><body><h1>Nouvelles</h1><p>Bonjour. <a href="%%unsubscribe_url%%">Se désabonner</a></p>'
        "</body></html>",
        "text": "Nouvelles\n\nBonjour.\r\nSe désabonner : %%unsubscribe_url%% \n",
    },
    "footer": {
        "subject": "The E-Update",
        "html": "<p>Hello, Zoë.</p>",
        "text": "Hello.",
    },
    "quoted-printable": {
        "subject": "Ærø",
        "html": f"<html><body><p>{LONG}<a href='%%unsubscribe_url%%'>x</a>{LONG}</p>\n</body></html>",
        "text": f"{LONG} %%unsubscribe_url%% =3D {LONG}\n.\nfin ",
    },
}
RECIPIENTS = [
    ("ana@example.org", 11, 501),
    ("Zoë Ångström <zoe@example.org>", 12, 502),
    ("Søren Kierkegaard-Ørsted Þórsdóttir de la Peña y Muñoz <soren@example.dk>", 13, None),
]


def parsed(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


def essence(message: email.message.EmailMessage) -> dict:
    headers = {
        name: " ".join(str(value).split())
        for name, value in message.items()
        if name not in ("Date", "Message-ID", "Content-Type")
    }
    return {
        "headers": headers,
        "type": message.get_content_type(),
        "text": message.get_body(("plain",)).get_content(),
        "html": message.get_body(("html",)).get_content(),
    }


@pytest.mark.parametrize("kind", EDITIONS)
def test_the_fast_path_sends_what_the_slow_path_would(kind, settings, monkeypatch):
    settings.MAILING_DOMAIN = "lists.example.org"
    # The signed link holds the time: the same second for both paths.
    monkeypatch.setattr("django.core.signing.time", types.SimpleNamespace(time=lambda: 1_800_000_000.0))
    edition = EDITIONS[kind]
    prepared = Prepared(edition=edition, list_name="eupdate", language="fr")
    for to, person_id, delivery_id in RECIPIENTS:
        slow = build(
            edition=edition,
            to=to,
            person_id=person_id,
            list_name="eupdate",
            language="fr",
            delivery_id=delivery_id,
        )
        sender, recipients, data = prepared.render(to=to, person_id=person_id, delivery_id=delivery_id)
        assert sender == slow.from_email
        assert recipients == [to.rpartition("<")[2].rstrip(">")]
        assert b"\n" not in data.replace(b"\r\n", b"")
        assert all(len(line) <= 998 for line in data.split(b"\r\n"))
        fast, expected = parsed(data), parsed(slow.message().as_bytes(linesep="\r\n"))
        assert essence(fast) == essence(expected)
        assert fast["Date"]
        assert fast["Message-ID"] != expected["Message-ID"]
        url = fast["List-Unsubscribe"].split(",")[0].strip(" <>")
        assert read_unsubscribe_token(url.rstrip("/").rpartition("/")[2]) == (
            person_id,
            "eupdate",
            delivery_id,
        )
        assert url in essence(fast)["text"]
        if kind == "quoted-printable":
            assert "quoted-printable" in data.decode("ascii", "replace")


def test_the_macs_made_with_a_kept_key_are_djangos(settings):
    from django.utils.crypto import salted_hmac

    from convene.mailing.tokens import MAC_LENGTH, VERP_SALT, mac

    for secret in ("one secret", "another secret"):
        settings.SECRET_KEY = secret
        for value in ("1", "123456789"):
            assert (
                mac(VERP_SALT, value)
                == salted_hmac(VERP_SALT, value, algorithm="sha256").hexdigest()[:MAC_LENGTH]
            )
