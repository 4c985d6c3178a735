"""Accounts end to end, through the pages a person uses: sign up, confirm, join, log in and out,
reset a password, two-factor authentication, language and time zone."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp_auth
from django.core.cache import cache
from django.test import Client

from conftest import client_for, make_person
from convene.core.tests.test_security import assert_csp_safe_html
from convene.people.models import MembershipStatus, Person

PASSWORD = "a long and unusual passphrase 42"
PROFILE_POST = {
    "name": "Nadia Newcomer",
    "country": "SN",
    "sector": "academic",
    "profile_visibility": "members",
    "email_visibility": "nobody",
    "time_zone": "Africa/Dakar",
    "language": "en",
}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth keeps its rate-limit counters in the cache, which outlives a test's transaction."""
    cache.clear()
    yield
    cache.clear()


def _link(body: str, pattern: str) -> str:
    match = re.search(r"https?://[^/\s]+(" + pattern + r")", body)
    assert match, body
    return match.group(1)


def _log_in(client: Client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def _activate_totp(client: Client, clock: "FakeClock") -> str:
    """Turn on TOTP as a person does: confirm the password again, scan, type the code."""
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/reauthenticate/")
    response = client.post(response.url, {"password": PASSWORD})
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/totp/activate/"
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session[totp_auth.SECRET_SESSION_KEY]
    response = client.post("/accounts/2fa/totp/activate/", {"code": _code(secret, clock.counter)})
    assert response.status_code == 302
    return secret


def _sign_up_and_confirm(client: Client, mailoutbox, email: str = "nadia@example.org") -> Person:
    response = client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    person = Person.objects.get(email=email)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [email]
    confirm_url = _link(mailoutbox[0].body, r"/accounts/confirm-email/[^/\s]+/")

    # Not logged in yet: the e-mail is not confirmed.
    assert client.get("/profile/").status_code == 302

    # GET only shows the page (mail scanners follow links); POST confirms.
    response = client.get(confirm_url)
    assert response.status_code == 200
    assert_csp_safe_html(response)
    assert not person.emailaddress_set.get().verified

    response = client.post(confirm_url)
    assert response.status_code == 302
    assert response.url == "/profile/"
    assert person.emailaddress_set.get().verified
    return person


@pytest.mark.parametrize(
    ("approval", "status_after_profile"),
    [(False, MembershipStatus.ACTIVE), (True, MembershipStatus.PENDING)],
)
def test_sign_up_confirm_and_join(
    client,
    db,
    settings,
    mailoutbox,
    django_capture_on_commit_callbacks,
    secretariat,
    approval,
    status_after_profile,
):
    settings.CONVENE_MEMBERSHIP_APPROVAL = approval
    person = _sign_up_and_confirm(client, mailoutbox)

    response = client.get("/profile/")
    assert response.status_code == 200
    assert response.wsgi_request.user == person

    response = client.post("/profile/", PROFILE_POST)
    assert response.status_code == 302
    person.profile.refresh_from_db()
    assert person.profile.membership_status == status_after_profile
    assert person.profile.name == "Nadia Newcomer"
    person.refresh_from_db()
    assert person.time_zone == "Africa/Dakar"

    if not approval:
        assert person.profile.joined_on is not None
        assert len(mailoutbox) == 1  # only the confirmation: nobody had to decide anything
        return

    # The secretariat sees the applicant and approves; the decision goes out by e-mail.
    staff = client_for(secretariat)
    response = staff.get("/manage/members/pending/")
    assert response.status_code == 200
    assert "Nadia Newcomer" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/manage/members/{person.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 302
    person.profile.refresh_from_db()
    assert person.profile.membership_status == MembershipStatus.ACTIVE
    assert len(mailoutbox) == 2
    assert mailoutbox[1].to == ["nadia@example.org"]
    assert "Welcome to" in mailoutbox[1].subject


def test_pending_applicant_cannot_approve_themselves(client, db, settings, mailoutbox):
    settings.CONVENE_MEMBERSHIP_APPROVAL = True
    person = _sign_up_and_confirm(client, mailoutbox)
    client.post("/profile/", PROFILE_POST)
    response = client.post(f"/manage/members/{person.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 403
    person.profile.refresh_from_db()
    assert person.profile.membership_status == MembershipStatus.PENDING


def test_log_in_and_log_out(db):
    make_person("lina@example.org", name="Lina", password=PASSWORD)
    client = Client()
    response = _log_in(client, "Lina@Example.org")
    assert response.status_code == 302
    assert response.url == "/"  # a complete profile: home, not the profile page
    assert client.get("/profile/").status_code == 200

    response = client.get("/accounts/logout/")
    assert response.status_code == 200  # a confirmation page: logging out is a POST
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/profile/").status_code == 302


def test_wrong_password_is_refused(db):
    make_person("lina@example.org", password=PASSWORD)
    client = Client()
    response = _log_in(client, "lina@example.org", "not the password")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert client.get("/profile/").status_code == 302


def test_password_reset_by_email(db, mailoutbox):
    person = make_person("omar@example.org", password="the old password 1")
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": "omar@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    reset_url = _link(mailoutbox[0].body, r"/accounts/password/reset/key/[^/\s]+/")

    response = client.get(reset_url)  # allauth moves the key into the session and redirects
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.status_code == 200
    assert_csp_safe_html(response)
    response = client.post(response.wsgi_request.path, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302

    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    assert _log_in(Client(), "omar@example.org", "the old password 1").status_code == 200
    assert _log_in(Client(), "omar@example.org").status_code == 302


class FakeClock:
    """TOTP counters under the test's control: allauth refuses a code twice in one period."""

    def __init__(self, counter: int = 1_000_000):
        self.counter = counter

    def __call__(self):
        yield self.counter


def _code(secret: str, counter: int) -> str:
    return totp_auth.format_hotp_value(totp_auth.hotp_value(secret, counter))


def test_two_factor_authentication(db, monkeypatch, mailoutbox):
    clock = FakeClock()
    monkeypatch.setattr(totp_auth, "yield_hotp_counters_from_time", clock)
    person = make_person("zara@example.org", password=PASSWORD)
    client = Client()
    assert _log_in(client, "zara@example.org").status_code == 302

    response = client.get("/accounts/2fa/")
    assert response.status_code == 200
    assert_csp_safe_html(response)

    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302  # a recent login is not enough: allauth asks again
    response = client.get(response.url)
    assert response.status_code == 200
    assert_csp_safe_html(response)
    response = client.post(response.wsgi_request.get_full_path(), {"password": "wrong"})
    assert response.status_code == 200
    response = client.post(response.wsgi_request.get_full_path(), {"password": PASSWORD})
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.status_code == 200
    assert_csp_safe_html(response)
    html = response.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, allowed by img-src data:
    secret = client.session[totp_auth.SECRET_SESSION_KEY]

    wrong = "000000" if _code(secret, clock.counter) != "000000" else "111111"
    response = client.post("/accounts/2fa/totp/activate/", {"code": wrong})
    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=person).exists()

    response = client.post("/accounts/2fa/totp/activate/", {"code": _code(secret, clock.counter)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.RECOVERY_CODES).exists()

    client.post("/accounts/logout/")
    clock.counter += 1

    # The password alone is not enough any more: allauth asks for the code.
    client = Client()
    response = _log_in(client, "zara@example.org")
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/authenticate/"
    assert client.get("/profile/").status_code == 302
    response = client.get("/accounts/2fa/authenticate/")
    assert response.status_code == 200
    assert_csp_safe_html(response)
    response = client.post("/accounts/2fa/authenticate/", {"code": "12345x"})
    assert response.status_code == 200
    assert client.get("/profile/").status_code == 302

    response = client.post("/accounts/2fa/authenticate/", {"code": _code(secret, clock.counter)})
    assert response.status_code == 302
    assert client.get("/profile/").status_code == 200

    # The same code cannot be used twice in its period.
    other = Client()
    _log_in(other, "zara@example.org")
    other.post("/accounts/2fa/authenticate/", {"code": _code(secret, clock.counter)})
    assert other.get("/profile/").status_code == 302


ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/confirm-email/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/done/",
]
PERSON_PAGES = [
    "/accounts/password/change/",
    "/accounts/email/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/accounts/2fa/",
]
TWO_FACTOR_PAGES = [
    "/accounts/2fa/",
    "/accounts/2fa/totp/deactivate/",
    "/accounts/2fa/recovery-codes/",
    "/accounts/2fa/recovery-codes/generate/",
    "/accounts/2fa/reauthenticate/",
    "/accounts/email/",
]


@pytest.mark.parametrize("url", ANONYMOUS_PAGES)
def test_anonymous_account_pages_render_in_layout_under_csp(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_csp_safe_html(response)


@pytest.mark.parametrize("url", PERSON_PAGES)
def test_account_pages_render_in_layout_under_csp(db, url):
    make_person("page@example.org", password=PASSWORD)
    client = Client()
    _log_in(client, "page@example.org")
    response = client.get(url)
    assert response.status_code == 200
    assert_csp_safe_html(response)


@pytest.mark.parametrize("url", TWO_FACTOR_PAGES)
def test_two_factor_pages_render_in_layout_under_csp(db, url, monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(totp_auth, "yield_hotp_counters_from_time", clock)
    make_person("page@example.org", password=PASSWORD)
    client = Client()
    _log_in(client, "page@example.org")
    _activate_totp(client, clock)
    response = client.get(url)
    assert response.status_code == 200
    assert_csp_safe_html(response)


def test_pages_people_reach_by_link_render(client, db, mailoutbox):
    """The confirmation and reset pages from an e-mail, and a stale link: never a bare error."""
    assert client.get("/accounts/confirm-email/not-a-key/").status_code == 200
    response = client.get("/accounts/password/reset/key/1-not-a-key/")
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        response = client.get(response.url)
    assert response.status_code == 200
    assert_csp_safe_html(response)


# --- Language and time zone ---------------------------------------------------------------------


def _lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match
    return match.group(1)


def test_visitor_changes_language_by_cookie(client, db):
    response = client.get("/")
    assert _lang(response) == "en"
    response = client.post("/language/", {"language": "fr", "next": "/members/"})
    assert response.status_code == 302
    assert response.url == "/members/"
    response = client.get("/members/")
    assert _lang(response) == "fr"
    assert response["Content-Language"] == "fr"


def test_member_language_is_kept_on_the_account(member):
    client = client_for(member)
    response = client.post("/language/", {"language": "da", "next": "/"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.language == "da"

    # Another device, no cookie: the account's language still applies.
    elsewhere = client_for(member)
    response = elsewhere.get("/", HTTP_ACCEPT_LANGUAGE="es")
    assert _lang(response) == "da"
    assert response["Content-Language"] == "da"


def test_unknown_language_changes_nothing(member):
    client = client_for(member)
    response = client.post("/language/", {"language": "xx", "next": "https://evil.example.com/"})
    assert response.status_code == 302
    assert response.url == "/"
    member.refresh_from_db()
    assert member.language != "xx"


def test_member_time_zone_from_profile(member):
    client = client_for(member)
    response = client.get("/")
    assert "Times are shown in UTC." in response.content.decode()
    response = client.post("/profile/", {**PROFILE_POST, "time_zone": "Asia/Tokyo"})
    assert response.status_code == 302
    response = client.get("/")
    assert "Times are shown in Asia/Tokyo." in response.content.decode()


def test_visitor_time_zone_by_cookie(client, db):
    client.post("/time-zone/", {"time_zone": "America/Lima", "next": "/"})
    assert "Times are shown in America/Lima." in client.get("/").content.decode()
    client.post("/time-zone/", {"time_zone": "Mars/Olympus", "next": "/"})
    assert "Times are shown in America/Lima." in client.get("/").content.decode()
