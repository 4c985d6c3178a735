"""Pinned query counts (STYLE §3): each page and API list costs the same with 5 rows as with 50.

Every test renders its page once to warm up (a token records its first use; a session is saved),
then with 5 members/organisations, then again after the network grew to 50, and asserts the same
exact number both times. The comment above each number says what the queries are; a changed number
is explained in the commit that changes it.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from conftest import client_for, make_person
from convene.governance.models import Body, Term
from convene.people import services
from convene.people.models import (
    EmailVisibility,
    Language,
    MembershipStatus,
    Organisation,
    Person,
    Profile,
    ProfileVisibility,
    Sector,
)

COUNTRIES = ["KE", "IN", "BR", "FR", "ZM"]
SECTORS = [Sector.NGO, Sector.GOVERNMENT, Sector.ACADEMIC]
VISIBILITY = [ProfileVisibility.PUBLIC, ProfileVisibility.MEMBERS, ProfileVisibility.NOBODY]


class Network:
    """Members (each with an organisation, two languages, two topics) and organisations, grown on demand.

    Built with bulk_create, not make_person: fifty people through the services cost over a thousand
    queries per test. The rows are the ones the services write (search text from
    services.search_text_for, an active membership with a join date); test_directory.py and
    test_profile.py cover the services themselves.
    """

    def __init__(self, secretariat):
        self.secretariat = secretariat
        self.size = 0
        self.topics = [
            services.topic_get_or_create(name=name) for name in ("Cancer registries", "Tobacco control")
        ]
        self.languages = list(Language.objects.filter(code__in=["en", "fr", "es"]).order_by("code"))

    def grow_to(self, size: int) -> None:
        new = range(self.size, size)
        organisations = Organisation.objects.bulk_create(
            Organisation(name=f"Organisation {i:03}", sector=SECTORS[i % 3], country=COUNTRIES[i % 5])
            for i in new
        )
        people = Person.objects.bulk_create(
            Person(email=f"member{i:03}@example.org", password="!unusable")
            for i in new  # noqa: S106
        )
        profiles = Profile.objects.bulk_create(
            Profile(
                person=person,
                name=f"Member {i:03}",
                country=COUNTRIES[i % 5],
                sector=SECTORS[i % 3],
                organisation=organisation,
                job_title="Nurse" if i % 2 else "Epidemiologist",
                profile_visibility=VISIBILITY[i % 3],
                email_visibility=EmailVisibility.MEMBERS,
                membership_status=MembershipStatus.ACTIVE,
                joined_on=datetime.date(2015 + i % 10, 1, 1),
                search_text=services.search_text_for(
                    name=f"Member {i:03}",
                    email=person.email,
                    organisation=organisation.name,
                    job_title="Nurse" if i % 2 else "Epidemiologist",
                    topics=[topic.name for topic in self.topics],
                ),
            )
            for i, person, organisation in zip(new, people, organisations, strict=True)
        )
        services.profile_search_words_write(profiles=[(p.pk, p.search_text) for p in profiles])
        Profile.languages.through.objects.bulk_create(
            Profile.languages.through(profile_id=profile.pk, language_id=language.pk)
            for i, profile in zip(new, profiles, strict=True)
            for language in self.languages[i % 2 : i % 2 + 2]
        )
        Profile.topics.through.objects.bulk_create(
            Profile.topics.through(profile_id=profile.pk, topic_id=topic.pk)
            for profile in profiles
            for topic in self.topics
        )
        # A current seat for one member in five and an ended one for another: the roles page grows too.
        Term.objects.bulk_create(
            Term(person=person, body=Body.AMBASSADOR, starts_on=datetime.date(2024, 1, 1))
            for i, person in zip(new, people, strict=True)
            if i % 5 == 0
        )
        Term.objects.bulk_create(
            Term(
                person=person,
                body=Body.STEERING_COMMITTEE,
                starts_on=datetime.date(2020, 1, 1),
                ends_on=datetime.date(2022, 1, 1),
            )
            for i, person in zip(new, people, strict=True)
            if i % 5 == 1
        )
        self.size = size


@pytest.fixture
def network(secretariat):
    return Network(secretariat)


def bearer(person) -> Client:
    _token, key = services.api_token_create(person=person, name="counts")
    return Client(headers={"Authorization": f"Bearer {key}"})


def assert_same_count(client, url, network, expected, django_assert_num_queries, *, data=None, headers=None):
    """Render ``url`` with 5 and with 50 members: exactly ``expected`` queries both times, and a 200."""
    network.grow_to(5)
    assert client.get(url, data, headers=headers or {}).status_code == 200  # warm-up
    for size in (5, 50):
        network.grow_to(size)
        with django_assert_num_queries(expected):
            response = client.get(url, data, headers=headers or {})
        assert response.status_code == 200
    return response


# The queries every page pays for a logged-in person, before its own:
#   1 session, 2 person (AuthenticationMiddleware),
#   3 is the person a member (their profile's status), 4 the bodies they sit on today (terms).
LOGGED_IN = 4
# An anonymous visitor pays nothing up front (no session cookie, no roles to read).
ANONYMOUS = 0

# The directory: the page's count and rows (profiles with person and organisation joined), the
# rows' languages and topics. The filter choices are cached (filled by the warm-up request).
DIRECTORY = 2 + 2
FILTERS = {"q": "member", "country": "KE", "sector": "ngo", "language": "en", "topic": "cancer-registries"}


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        pytest.param(None, ANONYMOUS + DIRECTORY, id="anonymous"),
        pytest.param("member", LOGGED_IN + DIRECTORY, id="member"),
        pytest.param("secretariat", LOGGED_IN + DIRECTORY, id="secretariat"),
    ],
)
@pytest.mark.parametrize("filters", [None, FILTERS], ids=["all", "filtered"])
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_directory(viewer, expected, filters, htmx, network, request, django_assert_num_queries):
    person = request.getfixturevalue(viewer) if viewer else None
    headers = {"HX-Request": "true"} if htmx else None
    response = assert_same_count(
        client_for(person),
        reverse("people:directory"),
        network,
        expected,
        django_assert_num_queries,
        data=filters,
        headers=headers,
    )
    # The page is not empty in either size: the count covers the prefetches too.
    assert response.context["page"].object_list


def test_profile_page(network, member, django_assert_num_queries):
    network.grow_to(1)
    target = make_person(
        "shown@example.org",
        name="Shown Person",
        organisation=Organisation.objects.first(),
        languages=network.languages,
        topics=network.topics,
        email_visibility=EmailVisibility.MEMBERS,
    )
    # The profile with person and organisation, its languages, its topics.
    assert_same_count(
        client_for(member),
        reverse("people:profile_detail", args=[target.pk]),
        network,
        LOGGED_IN + 3,
        django_assert_num_queries,
    )


def test_figures_page(network, django_assert_num_queries):
    # Totals (members, countries, organisations), by sector, by country, joined per year, left per year.
    assert_same_count(Client(), reverse("people:figures"), network, ANONYMOUS + 5, django_assert_num_queries)


def test_home_page(network, django_assert_num_queries):
    # The same five figures as the figures page.
    assert_same_count(Client(), reverse("home"), network, ANONYMOUS + 5, django_assert_num_queries)


def test_organisations_page(network, secretariat, django_assert_num_queries):
    # The count and one page of organisations with their member counts.
    assert_same_count(
        client_for(secretariat),
        reverse("people:organisation_list"),
        network,
        LOGGED_IN + 2,
        django_assert_num_queries,
    )


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        # Current terms with person, profile and organisation joined.
        pytest.param("member", LOGGED_IN + 1, id="member"),
        # …and the past terms (the secretariat manages the roles).
        pytest.param("secretariat", LOGGED_IN + 2, id="secretariat"),
    ],
)
def test_roles_page(viewer, expected, network, request, django_assert_num_queries):
    assert_same_count(
        client_for(request.getfixturevalue(viewer)),
        reverse("governance:roles"),
        network,
        expected,
        django_assert_num_queries,
    )


# An API call: the token with its person.
API = 1


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        # The bodies the caller sits on and whether they are a member (who may see which profiles).
        pytest.param("member", API + 2 + 4, id="member"),
        # The bodies only: the secretariat sees every profile and e-mail, membership is not asked.
        pytest.param("secretariat", API + 1 + 4, id="secretariat"),
    ],
)
def test_api_members(viewer, expected, network, request, django_assert_num_queries):
    # …then the count, the page of profiles with person and organisation, their languages, their topics.
    response = assert_same_count(
        bearer(request.getfixturevalue(viewer)),
        "/api/v1/members",
        network,
        expected,
        django_assert_num_queries,
    )
    assert response.json()["items"]


def test_api_members_filtered(network, member, django_assert_num_queries):
    response = assert_same_count(
        bearer(member), "/api/v1/members", network, API + 2 + 4, django_assert_num_queries, data=FILTERS
    )
    assert response.json()["items"]


def test_api_organisations(network, member, django_assert_num_queries):
    # The count and the page of organisations (every authenticated caller sees the same list).
    response = assert_same_count(
        bearer(member), "/api/v1/organisations", network, API + 2, django_assert_num_queries
    )
    assert len(response.json()["items"]) == 50
