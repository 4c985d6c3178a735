"""CONVENE_REQUIRE_MFA_FOR_SECRETARIAT: the secretariat must turn on an authenticator app first."""

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for
from convene.people import services as people_services

SETUP = "/accounts/2fa/totp/activate/"


@pytest.fixture
def mfa_required(settings):
    settings.CONVENE_REQUIRE_MFA_FOR_SECRETARIAT = True


def give_totp(person) -> None:
    Authenticator.objects.create(
        user=person, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )


def mfa_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "mfa_authenticator" in q["sql"]]


def test_setup_url_is_allauths():
    assert reverse("mfa_activate_totp") == SETUP


def test_off_by_default_in_tests(settings):
    assert settings.CONVENE_REQUIRE_MFA_FOR_SECRETARIAT is False


@pytest.mark.parametrize("path", ["/", "/members/", "/profile/", "/manage/organisations/", "/admin/"])
def test_secretariat_without_totp_is_sent_to_set_it_up(mfa_required, secretariat, path):
    response = client_for(secretariat).get(path)
    assert response.status_code == 302
    assert response["Location"] == SETUP


def test_the_setup_page_says_why(mfa_required, secretariat):
    response = client_for(secretariat).get("/", follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("two-factor authentication" in m for m in messages), messages
    # The setup page (or allauth's reauthentication step before it) is reachable: no loop.
    assert response.redirect_chain[-1][0].startswith("/accounts/")
    assert response.status_code == 200


def test_back_office_too(mfa_required, secretariat):
    secretariat.is_superuser = True
    secretariat.save(update_fields=["is_superuser"])
    response = client_for(secretariat).get("/admin/people/person/")
    assert response.status_code == 302
    assert response["Location"] == SETUP


@pytest.mark.parametrize(
    "path", ["/accounts/logout/", "/accounts/2fa/", SETUP, "/accounts/email/", "/static/css/missing.css"]
)
def test_setup_and_logout_pages_stay_open(mfa_required, secretariat, path):
    response = client_for(secretariat).get(path)
    assert response.get("Location") != SETUP, path


def test_language_switcher_stays_open(mfa_required, secretariat):
    response = client_for(secretariat).post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert response.get("Location") != SETUP
    assert response.status_code in (200, 302)


def test_logging_out_works(mfa_required, secretariat):
    client = client_for(secretariat)
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 200


def test_a_form_sent_is_refused_with_an_explanation(mfa_required, secretariat):
    response = client_for(secretariat).post("/profile/", {"name": "Changed"})
    assert response.status_code == 403
    assert SETUP in response.content.decode()
    assert "Two-factor authentication required" in response.content.decode()


def test_htmx_requests_are_redirected_by_htmx(mfa_required, secretariat):
    response = client_for(secretariat).get("/members/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == SETUP


def test_secretariat_with_totp_goes_on_with_one_lookup(mfa_required, secretariat):
    give_totp(secretariat)
    client = client_for(secretariat)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200
    assert len(mfa_queries(captured)) == 1


def test_recovery_codes_alone_are_not_enough(mfa_required, secretariat):
    Authenticator.objects.create(user=secretariat, type=Authenticator.Type.RECOVERY_CODES, data={})
    assert client_for(secretariat).get("/")["Location"] == SETUP


def test_members_are_not_asked_and_not_queried(mfa_required, member):
    with CaptureQueriesContext(connection) as captured:
        response = client_for(member).get("/")
    assert response.status_code == 200
    assert mfa_queries(captured) == []


def test_anonymous_visitors_are_not_affected(mfa_required, db):
    assert client_for(None).get("/").status_code == 200


def test_setting_off_lets_the_secretariat_in_without_a_query(secretariat):
    with CaptureQueriesContext(connection) as captured:
        response = client_for(secretariat).get("/")
    assert response.status_code == 200
    assert mfa_queries(captured) == []


# --- The API ---------------------------------------------------------------------------------------


def bearer_headers(person) -> dict[str, str]:
    _token, key = people_services.api_token_create(person=person, name="test")
    return {"Authorization": f"Bearer {key}"}


def test_api_token_call_is_refused_in_json(mfa_required, secretariat):
    response = client_for(None).get("/api/v1/organisations", headers=bearer_headers(secretariat))
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert "Two-factor authentication" in response.json()["detail"][0]["msg"]


def test_api_session_call_is_refused_in_json(mfa_required, secretariat):
    response = client_for(secretariat).get("/api/v1/organisations")
    assert response.status_code == 403
    assert "Two-factor authentication" in response.json()["detail"][0]["msg"]


def test_api_works_with_totp(mfa_required, secretariat):
    give_totp(secretariat)
    assert (
        client_for(None).get("/api/v1/organisations", headers=bearer_headers(secretariat)).status_code == 200
    )
    assert client_for(secretariat).get("/api/v1/organisations").status_code == 200


def test_api_members_are_not_affected(mfa_required, member):
    assert client_for(None).get("/api/v1/organisations", headers=bearer_headers(member)).status_code == 200


def test_api_setting_off(secretariat):
    assert (
        client_for(None).get("/api/v1/organisations", headers=bearer_headers(secretariat)).status_code == 200
    )
