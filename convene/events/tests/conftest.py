"""Events, groups and people for the events tests, built through the services."""

import datetime

import pytest
from django.utils import timezone

from conftest import make_person
from convene.events import services
from convene.events.services import QuestionIn
from convene.groups.tests.conftest import make_group


def wall(*args) -> datetime.datetime:
    return datetime.datetime(*args)  # noqa: DTZ001 (a wall-clock time; its zone is passed beside it)


class Clock:
    """A frozen clock: ``django.utils.timezone.now`` answers ``clock.now`` until moved."""

    def __init__(self, now: datetime.datetime):
        self.now = now

    def __call__(self) -> datetime.datetime:
        return self.now

    def move(self, **delta) -> None:
        self.now += datetime.timedelta(**delta)


@pytest.fixture(autouse=True)
def _tasks_at_once(monkeypatch):
    """The tests run in a transaction that never commits, so work enqueued "after the commit" would
    never run: here the services' tasks run when enqueued (Huey is immediate in the tests), on the
    same connection, which sees the rows the service just wrote."""
    monkeypatch.setattr(services, "enqueue_on_commit", lambda task, *args, **kwargs: task(*args, **kwargs))


@pytest.fixture
def clock(monkeypatch):
    frozen = Clock(datetime.datetime(2030, 2, 1, 12, 0, tzinfo=datetime.UTC))
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@pytest.fixture
def chair(db):
    return make_person("chair.one@example.org", name="Chipo Chair", country="ZM")


@pytest.fixture
def group(committee_member, chair):
    return make_group(committee=committee_member, cochairs=[chair], name="Workforce Data Group")


def make_event(acting, *, capacity=None, visibility="public", groups=(), questions=(), **extra):
    fields = {
        "kind": "webinar",
        "title": "Supervision in practice",
        "starts": wall(2030, 3, 10, 9),
        "ends": wall(2030, 3, 10, 10, 30),
        "zone_name": "America/New_York",
        "online_url": "https://meet.example/webinar",
        "capacity": capacity,
        "visibility": visibility,
        "host_groups": list(groups),
        "questions": list(questions),
        **extra,
    }
    return services.event_create(acting=acting, **fields)


def webinar_questions() -> list[QuestionIn]:
    return [QuestionIn("country", "Where do you work?"), QuestionIn("consent", "I agree to be recorded.")]


@pytest.fixture
def webinar(secretariat):
    return make_event(secretariat, capacity=2, questions=webinar_questions())


def members(n: int, prefix: str = "m"):
    return [make_person(f"{prefix}{i}@example.org", name=f"Member {i}", country="ZM") for i in range(n)]


def consent(event) -> dict:
    q = event.questions.get(kind="consent")
    return {str(q.pk): "yes"}
