"""The security bars: headers on every page, CSP-safe markup, CSRF, lockout, production settings."""

import json
import os
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client

from conftest import client_for, make_person

BASE_DIR = Path(__file__).resolve().parents[3]
PASSWORD = "a long and unusual passphrase 42"


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def html_tags(response) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(response.content.decode())
    return parser.tags


def assert_csp_safe_html(response) -> None:
    """The page is ours (base.html) and runs under the CSP without 'unsafe-inline'.

    No executable inline <script> (a JSON data block, as allauth uses, is not run and so is
    allowed), no <style> element, no style="" or on…="" attribute.
    """
    html = response.content.decode()
    assert 'class="site-header"' in html, "not rendered inside base.html"
    for tag, attrs in html_tags(response):
        if tag == "script" and not attrs.get("src"):
            assert attrs.get("type") == "application/json", f"inline script: {attrs}"
        assert tag != "style", "inline <style> element"
        assert "style" not in attrs, f"style attribute on <{tag}>"
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, f"inline event handler on <{tag}>: {handlers}"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


# --- Headers --------------------------------------------------------------------------------------


def _csp(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


PAGES = ["/", "/members/", "/figures/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]


@pytest.mark.parametrize(
    "url", [*PAGES, "/profile/", "/accounts/2fa/", "/manage/members/pending/", "/nowhere/"]
)
def test_security_headers_on_every_page(secretariat, url):
    response = client_for(secretariat).get(url)
    assert response.status_code in (200, 302, 404)
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize("url", PAGES)
def test_public_pages_are_csp_safe(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_csp_safe_html(response)


def test_member_pages_are_csp_safe(member):
    client = client_for(member)
    for url in ["/profile/", f"/members/{member.pk}/", "/profile/tokens/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_csp_safe_html(response)


def test_api_docs_work_under_the_csp(client, db):
    """Swagger UI comes from ninja's own static files and needs no 'unsafe-inline' at all.

    Checked in Chromium (test_pages_raise_no_csp_violation_in_chromium): swagger-ui sets its
    styles through the DOM, which style-src does not govern, so the docs page keeps the same
    strict policy as every other page.
    """
    from django.contrib.staticfiles import finders

    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    csp = _csp(response)
    assert csp["style-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    for tag, attrs in html_tags(response):
        url = attrs.get("src") or (attrs.get("href") if tag == "link" else None)
        if url:
            assert url.startswith("/static/"), url
            assert finders.find(url.removeprefix("/static/")), url
        if tag == "script" and not attrs.get("src"):
            assert attrs.get("type") == "application/json"


def test_api_docs_document_loads_under_the_same_policy(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Convene API"
    assert _csp(response)["default-src"] == ["'self'"]


# A small OpenAPI document for the browser check, so that it exercises swagger-ui's rendering
# (operations, parameters, schemas, "Try it out") whatever state the real document is in.
_STUB_OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "Convene API", "version": "1"},
    "paths": {
        "/api/v1/members": {
            "get": {
                "operationId": "list_members",
                "summary": "Members",
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {
                                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Member"}}
                            }
                        },
                    }
                },
            }
        }
    },
    "components": {"schemas": {"Member": {"type": "object", "properties": {"id": {"type": "integer"}}}}},
}
_CSP_LISTENER = (
    "document.addEventListener('securitypolicyviolation', "
    "e => console.log('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pages_raise_no_csp_violation_in_chromium(live_server, monkeypatch):
    """What the headers promise, a real browser confirms: nothing on these pages is blocked."""
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        if os.environ.get("CONVENE_REQUIRE_BROWSER"):
            pytest.fail("Chromium is not installed at /usr/bin/chromium")
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    person = make_person("csp@example.org", password=PASSWORD)
    client = Client()
    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    session_cookie = client.cookies["sessionid"].value
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # playwright's loop runs in this thread

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            visitor = browser.new_context(base_url=live_server.url)
            signed_in = browser.new_context(base_url=live_server.url)
            signed_in.add_cookies([{"name": "sessionid", "value": session_cookie, "url": live_server.url}])
            pages = [
                (visitor, "/"),
                (visitor, "/accounts/login/"),
                (visitor, "/accounts/signup/"),
                (signed_in, "/accounts/email/"),  # runs allauth's account.js and onload.js
                (signed_in, "/profile/"),
                (visitor, "/api/v1/docs"),
            ]
            for context, url in pages:
                page = context.new_page()
                console: list[str] = []
                page.add_init_script(_CSP_LISTENER)
                page.on("console", lambda message, console=console: console.append(message.text))
                page.route(
                    "**/api/v1/openapi.json",
                    lambda route: route.fulfill(status=200, json=_STUB_OPENAPI),
                )
                response = page.goto(url, wait_until="networkidle")
                assert response.status == 200, url
                if url == "/api/v1/docs":
                    page.locator(".opblock-summary").first.click()
                    page.get_by_text("Try it out").click()
                    assert page.locator(".opblock").count() == 1
                violations = [text for text in console if "Content Security Policy" in text or "CSP" in text]
                assert not violations, (url, violations)
                page.close()
        finally:
            browser.close()


def test_production_adds_hsts(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")


# --- CSRF -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/accounts/login/", {"login": "lina@example.org", "password": PASSWORD}),
        ("/accounts/signup/", {"email": "x@example.org", "password1": PASSWORD, "password2": PASSWORD}),
        ("/language/", {"language": "fr"}),
        ("/time-zone/", {"time_zone": "Asia/Tokyo"}),
    ],
)
def test_post_without_csrf_token_is_refused(db, url, data):
    make_person("lina@example.org", password=PASSWORD)
    client = Client(enforce_csrf_checks=True)
    client.get("/")  # gets a CSRF cookie, but the form field is missing
    response = client.post(url, data)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_logged_in_post_without_csrf_token_is_refused(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/profile/", {"name": "Changed", "country": "FR", "sector": "ngo"})
    assert response.status_code == 403
    member.profile.refresh_from_db()
    assert member.profile.name == "Amina Member"


def test_every_form_carries_a_csrf_token(member):
    client = client_for(member)
    for url in ["/", "/profile/", "/accounts/email/", "/accounts/password/change/"]:
        response = client.get(url)
        forms = [attrs for tag, attrs in html_tags(response) if tag == "form"]
        posting = [f for f in forms if (f.get("method") or "").lower() == "post"]
        assert posting, url
        assert response.content.decode().count('name="csrfmiddlewaretoken"') >= len(posting), url


# --- Lockout (django-axes with allauth) ----------------------------------------------------------


def _attempt(client: Client, password: str):
    return client.post("/accounts/login/", {"login": "lock@example.org", "password": password})


def test_login_locks_out_after_five_failures(db, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    person = make_person("lock@example.org", password=PASSWORD)
    client = Client()
    for attempt in range(1, 5):
        response = _attempt(client, f"wrong {attempt}")
        assert response.status_code == 200, attempt
        assert "not correct" in response.content.decode()
    # axes counts allauth's attempts, under the e-mail address allauth passes as credentials.
    failures = AccessAttempt.objects.get(username="lock@example.org")
    assert failures.failures_since_start == 4

    response = _attempt(client, "wrong 5")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Logging in is paused" in html
    assert "15 minutes" in html
    assert 'class="site-header"' in html  # inside our layout
    assert_csp_safe_html(response)

    # The sixth attempt, with the right password, is refused too, from any browser.
    for other in (client, Client()):
        response = _attempt(other, PASSWORD)
        assert response.status_code == 429
        assert "Logging in is paused" in response.content.decode()
        assert "_auth_user_id" not in other.session
    # Locked for that account only: someone else logs in from the same address.
    make_person("other@example.org", password=PASSWORD)
    response = client.post("/accounts/login/", {"login": "other@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert person.pk != int(client.session["_auth_user_id"])


def test_behind_a_proxy_the_lockout_is_per_client_address(db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    make_person("lock@example.org", password=PASSWORD)
    attacker = Client(HTTP_X_FORWARDED_FOR="203.0.113.5")
    for attempt in range(5):
        response = _attempt(attacker, f"wrong {attempt}")
    assert response.status_code == 429
    assert AccessAttempt.objects.get(username="lock@example.org").ip_address == "203.0.113.5"
    assert _attempt(attacker, PASSWORD).status_code == 429
    # The owner, at another address behind the same proxy, still logs in.
    owner = Client(HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert _attempt(owner, PASSWORD).status_code == 302


def test_lockout_survives_allauths_own_limit(db):
    """Attempts past allauth's per-account limit still get the lockout page, not a form error."""
    make_person("lock@example.org", password=PASSWORD)
    client = Client()
    for attempt in range(12):
        response = _attempt(client, f"wrong {attempt}")
    assert response.status_code == 429
    assert "Logging in is paused" in response.content.decode()


def test_lockout_page_is_translated_with_the_site(db):
    make_person("lock@example.org", password=PASSWORD)
    client = Client()
    client.post("/language/", {"language": "fr", "next": "/"})
    for attempt in range(5):
        response = _attempt(client, f"wrong {attempt}")
    assert response.status_code == 429
    assert '<html lang="fr">' in response.content.decode()


def test_lockout_is_lifted_after_cool_off(db, settings):
    from axes.utils import reset

    make_person("lock@example.org", password=PASSWORD)
    client = Client()
    for attempt in range(5):
        _attempt(client, f"wrong {attempt}")
    assert _attempt(client, PASSWORD).status_code == 429
    reset(username="lock@example.org")  # what the cool-off (or the secretariat, in the admin) does
    cache.clear()
    assert _attempt(client, PASSWORD).status_code == 302


def test_password_reset_lifts_the_lockout(db, mailoutbox):
    import re

    make_person("lock@example.org", password=PASSWORD)
    client = Client()
    for attempt in range(5):
        _attempt(client, f"wrong {attempt}")
    assert _attempt(client, PASSWORD).status_code == 429

    client.post("/accounts/password/reset/", {"email": "lock@example.org"})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^/\s]+/)", mailoutbox[0].body)
    response = client.get(link.group(1))
    new_password = "another long passphrase 7"
    response = client.post(response.url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="lock@example.org").exists()
    assert _attempt(client, new_password).status_code == 302


def test_a_success_resets_the_count(db):
    make_person("lock@example.org", password=PASSWORD)
    client = Client()
    for attempt in range(4):
        _attempt(client, f"wrong {attempt}")
    assert _attempt(client, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for attempt in range(4):
        assert _attempt(client, f"wrong again {attempt}").status_code == 200


# --- Production settings and check --deploy ------------------------------------------------------


def _production_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "DEBUG", "CONVENE_TESTING"}}
    env.update(
        CONVENE_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="convene.example.org",
        DJANGO_SETTINGS_MODULE="convene.settings",
    )
    return env


def test_check_deploy_is_clean_in_production():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings():
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ["
        "'DEBUG', 'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_SECURE', "
        "'CSRF_COOKIE_HTTPONLY', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
        "'SECURE_SSL_REDIRECT', 'X_FRAME_OPTIONS', 'SECURE_CONTENT_TYPE_NOSNIFF', "
        "'PASSWORD_HASHERS']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_HTTPONLY"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert "MD5" not in values["PASSWORD_HASHERS"][0]


def test_production_refuses_to_start_without_a_secret_key():
    env = _production_env()
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_session_and_csrf_cookies_are_http_only(db, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    make_person("lina@example.org", password=PASSWORD)
    client = Client()
    client.get("/accounts/login/", secure=True)
    response = client.post(
        "/accounts/login/", {"login": "lina@example.org", "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    for name in ("sessionid", "csrftoken"):
        cookie = client.cookies[name]
        assert cookie["httponly"], name
        assert cookie["secure"], name
