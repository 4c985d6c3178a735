"""Pages stay light for members on slow mobile links, and load nothing from other hosts."""

import gzip
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.test import Client

from conftest import client_for
from convene.core.tests.test_security import html_tags

BUDGET_BYTES = 50 * 1024
ASSET_TAGS = {"script": "src", "link": "href"}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _static_assets(response) -> list[str]:
    """The CSS and JS files a page makes the browser fetch, as static paths."""
    assets = []
    for tag, attrs in html_tags(response):
        if tag == "script" and attrs.get("src"):
            assets.append(attrs["src"])
        elif tag == "link" and "stylesheet" in (attrs.get("rel") or "").split():
            assets.append(attrs["href"])
    return assets


def _gzip_size(url: str) -> int:
    path = urlsplit(url).path
    assert path.startswith("/static/"), url
    found = finders.find(path.removeprefix("/static/"))
    assert found, f"{url} is not a static file of the project"
    with open(found, "rb") as handle:
        return len(gzip.compress(handle.read()))


def test_base_page_css_and_js_under_50_kb_gzipped(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assets = _static_assets(response)
    paths = {urlsplit(url).path for url in assets}
    assert "/static/convene/site.css" in paths
    assert any("htmx" in path and path.endswith(".min.js") for path in paths), paths
    total = sum(_gzip_size(url) for url in assets)
    assert total < BUDGET_BYTES, f"{total} bytes gzipped: {sorted(paths)}"


def test_member_pages_stay_in_budget(member):
    client = client_for(member)
    for url in ["/members/", "/profile/", f"/members/{member.pk}/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        total = sum(_gzip_size(asset) for asset in _static_assets(response))
        assert total < BUDGET_BYTES, url


def _references(response) -> list[str]:
    urls = []
    for _tag, attrs in html_tags(response):
        for name in ("src", "href", "action", "srcset", "poster", "data"):
            if attrs.get(name):
                urls.append(attrs[name])
    return urls


def test_no_page_references_an_external_host(member):
    pages = {
        None: ["/", "/members/", "/figures/", "/accounts/login/", "/accounts/signup/"],
        member: ["/", "/members/", "/profile/", f"/members/{member.pk}/"],
    }
    for person, urls in pages.items():
        client = client_for(person) if person else Client()
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            for reference in _references(response):
                parts = urlsplit(reference)
                if parts.scheme in ("data", "mailto"):
                    continue
                assert parts.scheme in ("", "http", "https"), (url, reference)
                assert parts.netloc in ("", "testserver"), (url, reference)
