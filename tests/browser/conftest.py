"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Every test module here sets ``pytestmark = BROWSER``: the ``browser`` marker and a transactional
database (the live server answers from another thread), flushed afterwards, with
``serialized_rollback`` so each test starts with what the migrations put in it (the languages).

Nothing is downloaded: Playwright launches the Chromium that Debian installs at /usr/bin/chromium.
Where it is missing the tests skip and say so, unless ``CONVENE_REQUIRE_BROWSER`` is set (.ci/run
sets it), in which case a missing browser is a failure.

E-mail: the live server runs in a thread of the test process, so what it sends lands in
``django.core.mail.outbox`` (pytest-django's ``mailoutbox`` fixture): the test mailbox.
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import expect

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "correct horse battery staple"
# How long a step (an action or an expect) may wait before it fails: generous, CI has two cores
# shared by several xdist workers.
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)
BROWSER = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def browser_required() -> bool:
    return os.environ.get("CONVENE_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}


@pytest.fixture
def _allow_orm_beside_playwright(monkeypatch):
    """Playwright's sync API keeps an asyncio loop running in this thread while it is started, and
    Django refuses ORM calls from a thread with a running loop (SynchronousOnlyOperation). The test
    body only reads and sets up data between browser steps, so the check is switched off, for the
    browser tests only (set for the whole process, it would hide real mistakes in other tests).
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def chromium(_allow_orm_beside_playwright) -> Iterator:
    """A headless Chromium for one test (started per test so no event loop outlives a browser test)."""
    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium); browser tests need it"
        if browser_required():
            pytest.fail(f"{reason}, and CONVENE_REQUIRE_BROWSER is set")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # While Playwright's loop runs, Django keeps this thread's database connections apart
            # (asgiref's Local stores them per context, not per thread), so the test body opened
            # connections of its own that the test database teardown does not know about: close
            # them here, while they are still the current ones. Left open, PostgreSQL refuses to
            # drop the test database ("is being accessed by other users").
            connections.close_all()


@pytest.fixture
def new_context(chromium, live_server):
    """Open a fresh browser context (cookies, JavaScript on or off) on the live server."""
    contexts = []

    def open_context(*, java_script_enabled: bool = True, locale: str = "en-GB"):
        context = chromium.new_context(
            base_url=live_server.url,
            java_script_enabled=java_script_enabled,
            locale=locale,
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a fresh context with JavaScript on."""
    return new_context().new_page()


@pytest.fixture
def screenshots(tmp_path) -> Path:
    folder = tmp_path / "screenshots"
    folder.mkdir()
    return folder


def log_in(page, email: str, password: str = PASSWORD) -> None:
    """Log in through the login form, as a person does (works with JavaScript on or off)."""
    page.goto("/accounts/login/")
    page.get_by_label(re.compile(r"^e-?mail", re.I)).fill(email)
    page.get_by_label(re.compile(r"^password", re.I)).fill(password)
    page.get_by_role("button", name=re.compile(r"^(sign|log) ?in$", re.I)).click()
    # Logged in: the menu offers to log out (found by address, the words depend on the language).
    expect(page.locator('header a[href="/accounts/logout/"]')).to_be_visible()
