"""Fixtures shared by every app's tests: people in each role, built through the services."""

import datetime
import os

import pytest
from django.test import Client

from convene.people import services as people_services
from convene.people.models import Person, Sector


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request activates the viewer's language in the test's thread; don't let it leak."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the directory's filter choices are cached)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def make_person(
    email: str,
    *,
    name: str = "",
    country: str = "KE",
    sector: str = Sector.NGO,
    member: bool = True,
    password: str = "correct horse battery staple",
    **profile_fields,
) -> Person:
    """A person with a verified e-mail and, when ``member``, a complete profile (so an active member)."""
    from allauth.account.models import EmailAddress

    person = Person.objects.create_user(email=email, password=password)
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    profile = people_services.profile_ensure(person=person)
    if member:
        people_services.profile_update(
            person=person,
            acting=person,
            name=name or email.split("@")[0].replace(".", " ").title(),
            country=country,
            sector=sector,
            **profile_fields,
        )
    else:
        profile.name = name
        profile.save(update_fields=["name"])
    # The profile cached on the instance is the empty one made at sign-up: let it be read afresh.
    person._state.fields_cache.pop("profile", None)
    return person


def give_term(person: Person, body: str, *, starts_on=None, ends_on=None) -> None:
    from convene.governance.models import Term

    Term.objects.create(
        person=person,
        body=body,
        starts_on=starts_on or datetime.date(2020, 1, 1),
        ends_on=ends_on,
    )
    person.__dict__.pop("_convene_bodies", None)


@pytest.fixture
def member(db) -> Person:
    return make_person("amina.member@example.org", name="Amina Member", country="ZM")


@pytest.fixture
def committee_member(db) -> Person:
    person = make_person("sc.member@example.org", name="Sam Committee", country="US")
    give_term(person, "steering_committee")
    return person


@pytest.fixture
def secretariat(db) -> Person:
    person = make_person("sec.staff@example.org", name="Sara Secretariat", country="US")
    give_term(person, "secretariat")
    person.is_staff = True
    person.save(update_fields=["is_staff"])
    return person


@pytest.fixture
def outsider(db) -> Person:
    """Signed up and confirmed, but not (yet) a member: the profile is empty."""
    return make_person("new.comer@example.org", member=False)


def client_for(person: Person | None) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    return client


TEST_REDIS_URL = os.environ.get("CONVENE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_or_skip():
    """A client of the tests' Redis database; the test skips where there is none, or fails where
    CI says Redis must be there (CONVENE_REQUIRE_REDIS)."""
    import redis

    client = redis.Redis.from_url(TEST_REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        client.close()
        if os.environ.get("CONVENE_REQUIRE_REDIS"):
            pytest.fail(f"no Redis at {TEST_REDIS_URL} (CONVENE_REQUIRE_REDIS is set)")
        pytest.skip(f"no Redis at {TEST_REDIS_URL}")
    return client
