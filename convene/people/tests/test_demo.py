"""``convene demo``: the demo network is complete, deterministic, and its logins work."""

import datetime
import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client

from convene.governance.models import Body, Term
from convene.people.demo import DEMO_PASSWORD
from convene.people.models import (
    Language,
    MembershipStatus,
    Organisation,
    Person,
    Profile,
    Sector,
    Topic,
)
from convene.people.services import search_text_for

pytestmark = pytest.mark.django_db


def build(members: int = 300, seed: int = 1, **options) -> str:
    out = io.StringIO()
    call_command("demo", members=members, seed=seed, stdout=out, **options)
    return out.getvalue()


def digest() -> str:
    rows = Profile.objects.order_by("person__email").values_list(
        "person__email",
        "name",
        "country",
        "organisation__name",
        "sector",
        "job_title",
        "joined_on",
        "membership_status",
        "search_text",
    )
    links = sorted(Profile.languages.through.objects.values_list("profile__person__email", "language_id"))
    return hashlib.sha256(repr((list(rows), links)).encode()).hexdigest()


def test_builds_a_complete_network():
    output = build(300)

    assert Person.objects.count() == 300
    assert Profile.objects.count() == 300
    assert Person.objects.filter(emailaddress__verified=True, emailaddress__primary=True).count() == 300
    assert Topic.objects.count() == 22
    members = Profile.objects.members()
    assert 280 <= members.count() < 300
    assert Profile.objects.filter(membership_status=MembershipStatus.LEFT, left_on__isnull=False).exists()
    assert not Profile.objects.filter(membership_status=MembershipStatus.LEFT, left_on__isnull=True).exists()
    assert (
        not Profile.objects.exclude(membership_status=MembershipStatus.PENDING)
        .filter(joined_on=None)
        .exists()
    )
    assert Profile.objects.filter(name="").count() == 0
    assert 40 <= members.values("country").distinct().count() <= 50
    assert 60 <= Organisation.objects.count() <= 110
    assert set(Organisation.objects.values_list("sector", flat=True)) == set(Sector.values)
    # Every member speaks 1-3 languages and names 1-4 topics.
    for profile in Profile.objects.prefetch_related("languages", "topics").select_related(
        "organisation", "person"
    ):
        assert 1 <= len(profile.languages.all()) <= 3
        assert 1 <= len(profile.topics.all()) <= 4
        assert profile.search_text == search_text_for(
            name=profile.name,
            email=profile.person.email,
            organisation=profile.organisation.name if profile.organisation_id else "",
            job_title=profile.job_title,
            topics=[topic.name for topic in profile.topics.all()],
        )
    assert Language.objects.filter(profile__isnull=False).distinct().count() > 10
    # Generated members cannot log in; only the three demo logins have a password.
    assert [p.email for p in Person.objects.order_by("pk") if p.has_usable_password()] == [
        "secretariat@convene.example",
        "committee@convene.example",
        "member@convene.example",
    ]

    current = Term.objects.current()
    assert current.filter(body=Body.STEERING_COMMITTEE).count() == 11
    assert (
        current.filter(body=Body.STEERING_COMMITTEE, title="Chair").get().person.email
        == "committee@convene.example"
    )
    assert current.filter(body=Body.SECRETARIAT).count() == 3
    assert Term.objects.filter(body=Body.AMBASSADOR, cohort="2016").count() == 8
    assert set(
        Term.objects.filter(body=Body.AMBASSADOR, cohort="2016").values_list("starts_on", "ends_on")
    ) == {(datetime.date(2016, 9, 1), datetime.date(2018, 8, 31))}
    assert Term.objects.filter(body=Body.AMBASSADOR).exclude(cohort="2016").count() == 8
    secretariat = Person.objects.get(email="secretariat@convene.example")
    assert secretariat.is_superuser
    assert secretariat.is_staff
    assert not Person.objects.filter(is_staff=True).exclude(pk=secretariat.pk).exists()
    for email in ("secretariat@convene.example", "committee@convene.example", "member@convene.example"):
        assert email in output


def test_same_seed_gives_the_same_network_and_another_seed_another():
    digests = []
    for seed in (1, 1, 2):
        with transaction.atomic():
            build(200, seed=seed)
            digests.append(digest())
            transaction.set_rollback(True)
    assert Person.objects.count() == 0
    assert digests[0] == digests[1]
    assert digests[0] != digests[2]


@pytest.mark.parametrize(
    "email", ["secretariat@convene.example", "committee@convene.example", "member@convene.example"]
)
def test_demo_logins_log_in(email):
    build(100)
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/",
        {"login": email, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == Person.objects.get(email=email).pk


def test_if_empty_leaves_a_network_alone_and_a_second_build_is_refused():
    build(100)
    before = digest()

    assert "not built" in build(100, seed=2, if_empty=True)
    assert digest() == before
    with pytest.raises(CommandError, match="already has people"):
        build(100, seed=2)
    assert digest() == before


def test_if_empty_builds_on_an_empty_database():
    build(100, if_empty=True)
    assert Person.objects.count() == 100


def test_the_default_network_reaches_more_than_a_hundred_countries():
    output = build(2900)

    members = Profile.objects.members()
    assert members.values("country").distinct().count() > 140
    assert 2800 < members.count() < 2900
    assert "147 countries" in output
