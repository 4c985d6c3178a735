"""People, a group and a real SMTP sink (aiosmtpd) for the bulk mail tests."""

import email
import email.policy
import socket
import threading

import pytest
from aiosmtpd.controller import Controller

from conftest import give_term, make_person
from convene.groups import services as group_services
from convene.groups.tests.conftest import make_group

DOMAIN = "lists.example.org"


class Sink:
    """Keeps every message with its envelope; parse them back with ``messages()``."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self._lock:
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"

    def messages(self) -> list[tuple[str, list[str], email.message.EmailMessage]]:
        with self._lock:
            return [
                (mail_from, rcpts, email.message_from_bytes(data, policy=email.policy.default))
                for mail_from, rcpts, data in self.received
            ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sink(settings):
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    yield handler
    controller.stop()


@pytest.fixture(autouse=True)
def _mailing_settings(settings):
    settings.MAILING_DOMAIN = DOMAIN
    settings.MAILING_RATE_PER_SECOND = 0
    settings.MAILING_BATCH_SIZE = 3


@pytest.fixture
def staff(db):
    person = make_person("staff.sec@example.org", name="Sofia Staff", country="DK")
    give_term(person, "secretariat")
    return person


@pytest.fixture
def chair(db):
    return make_person("chair.one@example.org", name="Chipo Chair", country="ZM")


@pytest.fixture
def group(committee_member, chair):
    return make_group(committee=committee_member, cochairs=[chair], name="Case Management Interest Group")


@pytest.fixture
def audience(db, group):
    """Six members: languages, countries, sectors; two in the group."""
    people = {
        "ana": make_person("ana@example.org", name="Ana", country="BR", sector="government"),
        "luc": make_person("luc@example.org", name="Luc", country="FR", sector="ngo"),
        "eva": make_person("eva@example.org", name="Eva", country="DK", sector="academic"),
        "kofi": make_person("kofi@example.org", name="Kofi", country="GH", sector="ngo"),
        "mei": make_person("mei@example.org", name="Mei", country="CN", sector="ngo"),
        "sam": make_person("sam@example.org", name="Sam", country="US", sector="donor"),
    }
    languages = {"ana": "pt", "luc": "fr", "eva": "da", "kofi": "en", "mei": "en", "sam": "es"}
    for key, person in people.items():
        person.language = languages[key]
        person.save(update_fields=["language"])
    for key in ("kofi", "eva"):
        group_services.membership_join(group=group, acting=people[key])
    return people
