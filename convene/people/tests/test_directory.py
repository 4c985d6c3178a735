import pytest
from django.urls import reverse

from conftest import client_for, make_person
from convene.people.models import ProfileVisibility


@pytest.fixture
def people(db):
    public = make_person(
        "pub@example.org", name="Pat Public", country="ZM", profile_visibility=ProfileVisibility.PUBLIC
    )
    members_only = make_person("mem@example.org", name="Mo Members", country="IN")
    hidden = make_person(
        "hid@example.org", name="Hal Hidden", country="IN", profile_visibility=ProfileVisibility.NOBODY
    )
    return public, members_only, hidden


def names(response) -> list[str]:
    return [p.name for p in response.context["page"].object_list]


def test_anonymous_sees_only_public_profiles(people):
    response = client_for(None).get(reverse("people:directory"))
    assert response.status_code == 200
    assert names(response) == ["Pat Public"]


def test_member_sees_public_and_members_profiles_but_not_hidden(people, member):
    response = client_for(member).get(reverse("people:directory"))
    assert names(response) == ["Amina Member", "Mo Members", "Pat Public"]


def test_secretariat_sees_everyone(people, secretariat):
    response = client_for(secretariat).get(reverse("people:directory"))
    assert names(response) == ["Hal Hidden", "Mo Members", "Pat Public", "Sara Secretariat"]


def test_search_by_name_and_filter_by_country(people, member):
    client = client_for(member)
    assert names(client.get(reverse("people:directory"), {"q": "pat"})) == ["Pat Public"]
    assert names(client.get(reverse("people:directory"), {"country": "IN"})) == ["Mo Members"]


def test_hidden_profile_is_404_for_members(people, member):
    hidden = people[2]
    response = client_for(member).get(reverse("people:profile_detail", args=[hidden.pk]))
    assert response.status_code == 404


def test_a_broad_search_counts_no_further_than_the_cap(people, member, monkeypatch):
    from convene.core.pagination import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 2)
    response = client_for(member).get(reverse("people:directory"))
    assert response.context["page"].paginator.is_capped
    assert "More than 2 members found" in response.content.decode()
    assert names(response) == ["Amina Member", "Mo Members", "Pat Public"]
