"""403, 404 and 500 pages: styled like the site, translated, and leading back (issue 9)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test import Client
from django.urls import path

from conftest import client_for
from convene import urls as project_urls


def _forbidden(request):
    raise PermissionDenied


def _missing(request):
    raise Http404


def _broken(request):
    raise RuntimeError("boom")


# A urlconf with three views that fail, beside the project's own (the pages link to them).
urlpatterns = [
    path("test-403/", _forbidden),
    path("test-404/", _missing),
    path("test-500/", _broken),
    *project_urls.urlpatterns,
]
handler500 = project_urls.handler500


@pytest.fixture(autouse=True)
def _failing_urls(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False


def test_403_for_a_visitor_hints_to_log_in(client, db):
    response = client.get("/test-403/?x=1")
    assert response.status_code == 403
    html = response.content.decode()
    assert '<link rel="stylesheet"' in html  # the site's own page, not Django's bare one
    assert "<h1>You can't open this page</h1>" in html
    assert 'href="/accounts/login/?next=/test-403/%3Fx%3D1"' in html
    assert 'href="/"' in html


def test_403_for_a_member_says_whom_to_ask(member):
    response = client_for(member).get("/manage/import/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "write to the secretariat" in html
    assert "/accounts/login/?next=" not in html
    assert 'href="/"' in html


def test_404_leads_back(client, db):
    for url in ["/test-404/", "/no-such-page/"]:
        response = client.get(url)
        assert response.status_code == 404
        html = response.content.decode()
        assert "<h1>Page not found</h1>" in html
        assert 'href="/members/"' in html
        assert 'href="/"' in html


def test_404_in_the_visitors_language(client, db):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404
    assert '<html lang="fr">' in response.content.decode()


def test_500_is_styled_and_needs_no_database(db, django_assert_num_queries, settings):
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):
        response = client.get("/test-500/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Something went wrong</h1>" in html
    assert settings.CONVENE_NETWORK_NAME in html
    assert 'href="/"' in html
    assert 'name="csrfmiddlewaretoken"' not in html  # no form that would fail without the request


def test_500_renders_with_the_database_gone(db, rf):
    from convene.core.views import server_error

    def refuse(*args, **kwargs):
        raise AssertionError("the 500 page touched the database")

    with connection.execute_wrapper(refuse):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
