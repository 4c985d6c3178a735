"""Every row of every app for every role, and every URL pattern covered by a row (see the package's
docstring for the expected answers)."""

import importlib
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import client_for
from tests.permissions import site_rows
from tests.permissions.harness import ADMIN_LOGIN, LOGIN, REAUTH, ROLES, Expected, Row, World, api_client
from tests.permissions.site_rows import ADMIN_COVERED


def rows_of_every_app() -> list[Row]:
    """The harness's own rows (the admin, the accounts), then the ``ROWS`` of each installed app that
    has a ``tests/permission_rows`` module or package, in the order of ``INSTALLED_APPS``. Found by
    path, so that the test packages of other projects' apps are not imported."""
    rows = list(site_rows.ROWS)
    for app in apps.get_app_configs():
        tests = Path(app.path) / "tests"
        if (tests / "permission_rows.py").is_file() or (tests / "permission_rows" / "__init__.py").is_file():
            rows += importlib.import_module(f"{app.name}.tests.permission_rows").ROWS
    return rows


ROWS = rows_of_every_app()


# --- The tests ---------------------------------------------------------------------------------


def url_names(resolver=None, namespace: tuple[str, ...] = ()) -> tuple[set[str], list[str]]:
    """Every named URL pattern as ``namespace:name``, and the routes of unnamed patterns."""
    resolver = resolver or get_resolver()
    names: set[str] = set()
    unnamed: list[str] = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + ((pattern.namespace,) if pattern.namespace else ())
            sub_names, sub_unnamed = url_names(pattern, inner)
            names |= sub_names
            unnamed += [str(pattern.pattern) + route for route in sub_unnamed]
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                names.add(":".join((*namespace, pattern.name)))
            else:
                unnamed.append(str(pattern.pattern))
    return names, unnamed


def test_every_url_has_a_row():
    names, unnamed = url_names()
    covered = {row.name for row in ROWS}
    missing = sorted(
        name for name in names - covered if not (name.startswith("admin:") and ADMIN_COVERED.match(name))
    )
    assert not missing, (
        f"URL names without a row in any convene/<app>/tests/permission_rows: {', '.join(missing)}"
    )
    stale = sorted(covered - names)
    assert not stale, f"rows for URL names that no longer exist: {', '.join(stale)}"
    # Unnamed patterns cannot be listed by name; only the admin's catch-all redirects may be unnamed.
    assert [route for route in unnamed if not route.startswith("admin/")] == []


def test_row_ids_are_unique():
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids))


SIGN_IN_PAGES = {LOGIN: "/accounts/login/", ADMIN_LOGIN: "/admin/login/", REAUTH: "/accounts/reauthenticate/"}


def denied(expected: Expected) -> bool:
    return expected in (LOGIN, ADMIN_LOGIN, REAUTH) or (isinstance(expected, int) and expected >= 400)


def check_status(response, expected: Expected, path: str) -> None:
    location = response.headers.get("Location", "")
    answer = f"{response.status_code} {location}".strip()
    if expected in SIGN_IN_PAGES:
        target = urlsplit(location)
        assert response.status_code == 302, answer
        assert (target.path, parse_qs(target.query).get("next")) == (SIGN_IN_PAGES[expected], [path]), answer
    elif isinstance(expected, tuple) and expected[1].endswith("*"):
        assert response.status_code == expected[0], answer
        assert location.startswith(expected[1][:-1]), answer
    elif isinstance(expected, tuple):
        assert (response.status_code, location) == expected, answer
    else:
        assert response.status_code == expected, answer


def check_role(row: Row, role: str, world: World, path: str) -> None:
    client = api_client(world, role) if row.api else client_for(world.person(role))
    expected = row.expect[role]
    before = row.state(world, role) if row.state else None
    if row.api and row.method in ("POST", "PATCH", "PUT", "DELETE") and row.data is None:
        body = row.json(world, role) if row.json else {}
        response = client.generic(row.method, path, json.dumps(body), content_type="application/json")
    elif row.method == "POST":
        response = client.post(path, row.data(world, role) if row.data else {})
    else:
        response = client.get(path, row.query)
    check_status(response, expected, path)
    if row.state and before is not None:
        after = row.state(world, role)
        if denied(expected) or role in row.unchanged:
            assert after == before, f"changed something: {before!r} -> {after!r}"
        else:
            assert after != before, f"changed nothing: {before!r}"


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_url(row: Row, world: World):
    """Every role against one world: each role's request is rolled back before the next one's."""
    # The paths first, outside the roles' savepoints: an argument may make a row (the member import).
    paths = {role: reverse(row.name, args=row.args(world, role)) for role in ROLES}
    failures = []
    for role in ROLES:
        try:
            with transaction.atomic():
                try:
                    check_role(row, role, world, paths[role])
                finally:
                    transaction.set_rollback(True)
        except AssertionError as error:
            failures.append(
                f"{row.method} {paths[role]} ({row.id}) as {role}: expected {row.expect[role]!r}, {error}"
            )
        finally:
            cache.clear()  # rate limits and cached choices are not rolled back with the database
    assert not failures, "\n".join(failures)
