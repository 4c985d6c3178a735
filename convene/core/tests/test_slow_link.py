"""Pages compressed for slow links; pages and files with people's data never cached (issue 9)."""

import gzip

import pytest
from django.urls import resolve, reverse

from conftest import client_for
from convene.governance.models import DecisionOutcome
from convene.groups import services as group_services
from convene.groups.models import GroupKind

PASSWORD = "correct horse battery staple"

# Every URL whose answer is one person's data or a file of people's data (name, args).
NO_STORE = [
    ("people:profile_edit", []),
    ("people:api_tokens", []),
    ("people:privacy", []),
    ("people:privacy_download", []),
    ("people:account_erase", []),
    ("people:import_upload", []),
    ("people:directory_export", ["csv"]),
    ("people:directory_export", ["xlsx"]),
    ("groups:inbox", []),
    ("groups:activities_export", ["public-health", "csv"]),
    ("groups:activities_export", ["public-health", "xlsx"]),
]
# The import's later steps need an upload: they are checked through the resolver below.
NO_STORE_VIEWS = [
    "people:api_token_revoke",
    "people:import_preview",
    "people:import_status",
    "people:import_mapping",
    "people:import_commit",
]


@pytest.fixture
def public_group(committee_member, member):
    kind = GroupKind.objects.get(slug="interest-group")
    group = group_services.group_propose(acting=member, kind=kind, name="Public Health", purpose="Share.")
    group_services.group_decide(
        group=group, outcome=DecisionOutcome.APPROVED, acting=committee_member, text="Launched."
    )
    group.refresh_from_db()
    assert group.slug == "public-health"
    return group


@pytest.mark.parametrize(("name", "args"), NO_STORE, ids=[f"{n}-{'-'.join(a)}" for n, a in NO_STORE])
def test_personal_pages_and_exports_are_not_stored(name, args, secretariat, public_group):
    client = client_for(secretariat)
    # The password given again, so the pages that ask for it (data download, erasure) open.
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, response.status_code
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives, response["Cache-Control"]


@pytest.mark.parametrize("name", NO_STORE_VIEWS)
def test_personal_views_without_a_fixture_are_wrapped_too(name):
    assert getattr(resolve(reverse(name, args=[1])).func, "convene_no_store", False), name


def test_public_pages_may_be_cached(client, db):
    response = client.get(reverse("people:figures"))
    assert "no-store" not in response.get("Cache-Control", "")


def test_pages_are_gzipped_for_a_browser_that_asks(client, db):
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert "<!DOCTYPE html>" in html
    plain = client.get("/")
    assert "Content-Encoding" not in plain
