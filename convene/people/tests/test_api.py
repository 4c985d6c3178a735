"""The REST API under /api/v1/: token auth, the directory's privacy rules, filters, pagination, docs."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from conftest import client_for, make_person
from convene.people import services
from convene.people.models import ApiToken, EmailVisibility, Language, ProfileVisibility, Sector

MEMBERS = "/api/v1/members"
ORGANISATIONS = "/api/v1/organisations"


def bearer(person) -> Client:
    _token, key = services.api_token_create(person=person, name="test")
    return Client(headers={"Authorization": f"Bearer {key}"})


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


@pytest.fixture
def people(db):
    public = make_person(
        "pub@example.org",
        name="Pat Public",
        country="ZM",
        sector=Sector.GOVERNMENT,
        profile_visibility=ProfileVisibility.PUBLIC,
        email_visibility=EmailVisibility.MEMBERS,
    )
    members_only = make_person("mem@example.org", name="Mo Members", country="IN", job_title="Nurse educator")
    hidden = make_person(
        "hid@example.org", name="Hal Hidden", country="IN", profile_visibility=ProfileVisibility.NOBODY
    )
    return public, members_only, hidden


# --- Token authentication ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(None, id="missing"),
        pytest.param("Bearer cvn_not-a-real-token", id="garbage"),
        pytest.param("Bearer " + "x" * 300, id="too-long"),
        pytest.param("Token cvn_whatever", id="wrong-scheme"),
        pytest.param("Bearer ", id="empty"),
    ],
)
def test_requests_without_a_valid_token_are_401(people, header):
    client = Client(headers={"Authorization": header} if header else {})
    response = client.get(MEMBERS)
    assert response.status_code == 401
    assert response.json()["detail"][0]["type"] == "not_authenticated"
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="Convene API"')


def test_valid_token_authenticates_and_records_its_use(member):
    token, key = services.api_token_create(person=member, name="script")
    assert token.last_used_at is None
    response = Client(headers={"Authorization": f"Bearer {key}"}).get(MEMBERS)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    # Only the hash is kept.
    assert token.key_hash == ApiToken.hash_key(key)
    assert key not in {token.key_hash, token.prefix}


def test_revoked_token_is_401(member):
    token, key = services.api_token_create(person=member, name="script")
    services.api_token_revoke(token=token, acting=member)
    response = Client(headers={"Authorization": f"Bearer {key}"}).get(MEMBERS)
    assert response.status_code == 401


def test_token_of_a_deactivated_account_is_401(member):
    _token, key = services.api_token_create(person=member, name="script")
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert Client(headers={"Authorization": f"Bearer {key}"}).get(MEMBERS).status_code == 401


def test_session_of_a_logged_in_person_also_works(member):
    """The browser's session is the API's second authentication (the docs page's "try it out")."""
    assert client_for(member).get(MEMBERS).status_code == 200


# --- The member list follows the directory's privacy rules ----------------------------------------


def test_member_sees_public_and_members_profiles_but_not_hidden(people, member):
    assert names(bearer(member).get(MEMBERS)) == ["Amina Member", "Mo Members", "Pat Public"]


def test_secretariat_sees_hidden_profiles(people, secretariat):
    assert names(bearer(secretariat).get(MEMBERS)) == [
        "Hal Hidden",
        "Mo Members",
        "Pat Public",
        "Sara Secretariat",
    ]


def test_non_member_with_a_token_sees_only_public_profiles(people, outsider):
    assert names(bearer(outsider).get(MEMBERS)) == ["Pat Public"]


@pytest.mark.parametrize("role", ["member", "committee_member", "secretariat", "outsider"])
def test_api_lists_exactly_what_the_directory_shows(people, role, request):
    person = request.getfixturevalue(role)
    page = client_for(person).get(reverse("people:directory"))
    directory = [profile.name for profile in page.context["page"].object_list]
    assert names(bearer(person).get(MEMBERS)) == directory


def test_hidden_profile_is_404_for_a_member_by_id(people, member, secretariat):
    hidden = people[2]
    response = bearer(member).get(f"{MEMBERS}/{hidden.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": [{"loc": [], "msg": "Not found.", "type": "not_found"}]}
    assert bearer(secretariat).get(f"{MEMBERS}/{hidden.pk}").json()["name"] == "Hal Hidden"


def test_one_member_has_every_field(people, member):
    public = people[0]
    services.profile_update(
        person=public,
        acting=public,
        languages=Language.objects.filter(code__in=["en", "fr"]),
        topics=[services.topic_get_or_create(name="Palliative care")],
    )
    data = bearer(member).get(f"{MEMBERS}/{public.pk}").json()
    assert data == {
        "id": public.pk,
        "name": "Pat Public",
        "email": "pub@example.org",
        "country": "ZM",
        "organisation": None,
        "job_title": "",
        "sector": "government",
        "languages": ["en", "fr"],
        "topics": ["palliative-care"],
        "bio": "",
        "joined_on": data["joined_on"],
    }
    assert data["joined_on"] is not None


def emails(response) -> dict[str, str | None]:
    return {item["name"]: item["email"] for item in response.json()["items"]}


def test_email_only_where_the_member_lets_the_caller_see_it(people, member, secretariat):
    assert emails(bearer(member).get(MEMBERS)) == {
        "Amina Member": "amina.member@example.org",  # one's own
        "Mo Members": None,  # e-mail visible to nobody (the default)
        "Pat Public": "pub@example.org",  # e-mail visible to members
        "Sara Secretariat": None,
    }
    assert emails(bearer(secretariat).get(MEMBERS)) == {
        "Amina Member": "amina.member@example.org",
        "Hal Hidden": "hid@example.org",
        "Mo Members": "mem@example.org",
        "Pat Public": "pub@example.org",
        "Sara Secretariat": "sec.staff@example.org",
    }


def test_non_member_never_sees_an_email(people, outsider):
    assert emails(bearer(outsider).get(MEMBERS)) == {"Pat Public": None}


# --- Filters and pagination ------------------------------------------------------------------------


@pytest.fixture
def tagged(people):
    public, members_only, _hidden = people
    services.profile_update(
        person=public,
        acting=public,
        languages=Language.objects.filter(code="fr"),
        topics=[services.topic_get_or_create(name="Tobacco control")],
    )
    services.profile_update(
        person=members_only,
        acting=members_only,
        languages=Language.objects.filter(code__in=["en", "es"]),
        topics=[services.topic_get_or_create(name="Cancer registries")],
    )
    return people


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "mo"}, ["Mo Members"]),
        ({"q": "nurse"}, ["Mo Members"]),  # the position
        ({"q": "TOBACCO"}, ["Pat Public"]),  # a topic, any case
        ({"q": "pat public"}, ["Pat Public"]),
        ({"q": "nobody-matches"}, []),
        ({"country": "IN"}, ["Mo Members"]),  # Hal Hidden is in India too, but hidden from members
        ({"sector": "government"}, ["Pat Public"]),
        ({"language": "fr"}, ["Pat Public"]),
        ({"language": "es"}, ["Mo Members"]),
        ({"topic": "cancer-registries"}, ["Mo Members"]),
        ({"country": "IN", "language": "fr"}, []),
        ({}, ["Amina Member", "Mo Members", "Pat Public"]),
    ],
)
def test_member_filters(tagged, member, query, expected):
    assert names(bearer(member).get(MEMBERS, query)) == expected


def test_filter_that_is_too_long_is_422(member):
    response = bearer(member).get(MEMBERS, {"country": "KEN"})
    assert response.status_code == 422


def test_pagination_has_items_and_count(people, secretariat):
    client = bearer(secretariat)
    first = client.get(MEMBERS, {"page_size": 3}).json()
    assert set(first) == {"items", "count"}
    assert first["count"] == 4
    assert [m["name"] for m in first["items"]] == ["Hal Hidden", "Mo Members", "Pat Public"]
    second = client.get(MEMBERS, {"page_size": 3, "page": 2}).json()
    assert second == {"count": 4, "items": [second["items"][0]]}
    assert second["items"][0]["name"] == "Sara Secretariat"


# --- Organisations ---------------------------------------------------------------------------------


def test_organisations_list_and_one(secretariat, member):
    alliance = services.organisation_save(
        acting=secretariat,
        name="Health Alliance",
        sector=Sector.NGO,
        country="KE",
        website="https://ha.example",
    )
    services.organisation_save(acting=secretariat, name="Ministry of Health")
    client = bearer(member)
    data = client.get(ORGANISATIONS).json()
    assert data["count"] == 2
    assert data["items"][0] == {
        "id": alliance.pk,
        "name": "Health Alliance",
        "sector": "ngo",
        "country": "KE",
        "website": "https://ha.example",
    }
    assert [o["name"] for o in client.get(ORGANISATIONS, {"q": "minis"}).json()["items"]] == [
        "Ministry of Health"
    ]
    assert client.get(f"{ORGANISATIONS}/{alliance.pk}").json()["name"] == "Health Alliance"
    assert client.get(f"{ORGANISATIONS}/{alliance.pk + 100}").status_code == 404


def test_organisations_need_authentication(db):
    assert Client().get(ORGANISATIONS).status_code == 401


# --- OpenAPI document and docs page ------------------------------------------------------------------


def test_openapi_document_lists_the_operations(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Convene API"
    operations = {
        (method.upper(), path): operation["operationId"]
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    # The people app's operations; other apps add theirs.
    assert set(operations) >= {
        ("GET", "/api/v1/members"),
        ("GET", "/api/v1/members/{person_id}"),
        ("GET", "/api/v1/organisations"),
        ("GET", "/api/v1/organisations/{organisation_id}"),
    }
    member_parameters = {p["name"] for p in document["paths"]["/api/v1/members"]["get"]["parameters"]}
    assert {"q", "country", "sector", "language", "topic", "page"} <= member_parameters
    assert "PersonalToken" in document["components"]["securitySchemes"]


def test_docs_page_uses_only_local_static_files(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    references = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert references, "the docs page should load Swagger UI's files"
    assert all(ref.startswith("/static/") for ref in references), references
    assert "cdn" not in html.lower()
    for ref in references:
        assert Client().get(ref).status_code == 200, ref
