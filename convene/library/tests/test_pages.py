import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import client_for
from convene.library import citation, queries
from convene.library.models import DownloadCount, Resource, ResourceVisibility

from .conftest import publish


def test_search_is_accent_and_case_insensitive_over_title_authors_and_abstract(resource, secretariat):
    other = publish(secretariat, title="Informe sobre José Martínez", abstract="Trabajo social en Perú.")
    found = lambda q: list(queries.search(viewer=None, filters=queries.ResourceFilters(q=q)))  # noqa: E731
    assert found("jose MARTIN") == [other]
    assert found("peru") == [other]
    assert found("davis") == [resource]  # an author
    assert found("ethiop") == [resource]  # a word of the abstract, by its start
    assert found("thiopia") == []  # not the middle of a word
    assert found("") == [other, resource] or found("") == [resource, other]


def test_filters(resource, secretariat, group):
    french = publish(
        secretariat,
        title="Rapport",
        kind="report",
        language="fr-CA",
        published_on=datetime.date(2019, 1, 1),
        countries=["SN"],
    )
    f = queries.ResourceFilters
    assert list(queries.search(viewer=None, filters=f(kind="report"))) == [french]
    assert list(queries.search(viewer=None, filters=f(language="fr"))) == [french]
    assert list(queries.search(viewer=None, filters=f(country="CD"))) == [resource]
    assert list(queries.search(viewer=None, filters=f(country="SN"))) == [french]
    assert list(queries.search(viewer=None, filters=f(group=group.slug))) == [resource]
    assert list(queries.search(viewer=None, filters=f(year=2019))) == [french]


def test_members_only_resources_are_hidden_from_the_public(secretariat, member):
    hidden = publish(secretariat, visibility=ResourceVisibility.MEMBERS)
    assert list(queries.search(viewer=None, filters=queries.ResourceFilters())) == []
    assert list(queries.search(viewer=member, filters=queries.ResourceFilters())) == [hidden]
    assert client_for(None).get(f"/library/{hidden.pk}/").status_code == 404
    assert client_for(member).get(f"/library/{hidden.pk}/").status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_the_search_page_has_a_pinned_number_of_queries(
    rows, secretariat, group, chair, django_assert_num_queries
):
    Resource.objects.bulk_create(
        Resource(
            kind="report",
            title=f"Report {n}",
            published_on=datetime.date(2020, 1, 1),
            language="en",
            link="https://example.org",
            group=group,
            search_text=f" report {n}",
        )
        for n in range(rows)
    )
    client = client_for(secretariat)
    client.get("/library/")  # the session and roles are warm, the filters' choices cached
    with django_assert_num_queries(6):
        response = client.get("/library/?q=report&kind=report")
    assert response.status_code == 200
    with django_assert_num_queries(6):
        response = client.get("/library/?q=report", headers={"HX-Request": "true"})
    assert response.status_code == 200


def test_the_resource_page_shows_editions_translations_and_citation(resource, chair, client):
    second = publish(chair, group=resource.group, supersedes=resource, published_on=datetime.date(2020, 1, 1))
    french = publish(chair, group=resource.group, title="Principes", language="fr", translation_of=resource)
    page = client_for(None).get(f"/library/{resource.pk}/").content.decode()
    assert f'href="/library/{second.pk}/"' in page
    assert "A newer edition" in page
    assert f'href="/library/{french.pk}/"' in page
    assert "Davis, R., &amp; Global Social Service Workforce Alliance. (2017). Guiding Principles." in page
    page = client_for(None).get(f"/library/{second.pk}/").content.decode()
    assert f'href="/library/{resource.pk}/"' in page  # each edition shows the other
    page = client_for(None).get(f"/library/{french.pk}/").content.decode()
    assert f'href="/library/{resource.pk}/"' in page


def test_citations(resource, chair):
    second = publish(
        chair, group=resource.group, supersedes=resource, authors=["Davis, Rebecca"], publisher="GSSWA"
    )
    assert citation.apa(second, url="https://x.org/1") == (
        "Davis, R. (2017). Guiding Principles (2nd ed.). GSSWA. https://x.org/1"
    )
    bib = citation.bibtex(second)
    assert bib.startswith(f"@book{{davis2017_{second.pk},\n  title = {{{{Guiding Principles}}}},")
    assert "  author = {Davis, Rebecca}," in bib
    assert "  edition = {2nd}," in bib


def test_citation_downloads(resource):
    response = client_for(None).get(f"/library/{resource.pk}/cite.bibtex")
    assert response["Content-Disposition"].endswith('.bib"')
    assert b"@book{davis2017_" in response.content
    assert client_for(None).get(f"/library/{resource.pk}/cite.apa").content.startswith(b"Davis, R.")


BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}


def test_download_counts_then_serves_the_file(secretariat, member):
    made = publish(secretariat, link="", file=SimpleUploadedFile("g.pdf", b"%PDF-1.4 x"))
    response = client_for(member).get(f"/library/{made.pk}/download/", headers=BROWSER)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 x"
    assert list(DownloadCount.objects.values_list("country", "count")) == [("ZM", 1)]


def test_download_of_a_link_counts_then_redirects(resource):
    response = client_for(None).get(f"/library/{resource.pk}/download/", headers=BROWSER)
    assert (response.status_code, response["Location"]) == (302, "https://example.org/guide.pdf")
    assert list(DownloadCount.objects.values_list("country", "count")) == [("", 1)]


def test_catalogue_export(resource):
    response = client_for(None).get("/library/export.csv?q=guiding")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[1].startswith(
        f'{resource.pk},guideline,Guiding Principles,"Davis, Rebecca; Global'
    )
    response = client_for(None).get("/library/export.xlsx")
    assert response.status_code == 200
    assert response.content[:2] == b"PK"


def test_a_cochair_publishes_through_the_form(group, chair):
    response = client_for(chair).post(
        "/library/new/",
        {
            "kind": "toolkit",
            "title": "Advocacy toolkit",
            "authors": "Alliance\n",
            "published_on": "2017-04-01",
            "language": "en",
            "link": "https://example.org/toolkit",
            "group": str(group.pk),
            "visibility": "public",
        },
    )
    made = Resource.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/library/{made.pk}/"
    assert (made.group, made.authors) == (group, ["Alliance"])


def test_a_deliverable_becomes_a_resource_through_the_page(group, chair, secretariat):
    from convene.plans.tests.factories import build_plan

    plan = build_plan(group=group, cochair=chair, secretariat=secretariat)
    client = client_for(chair)
    listing = client.get(f"/groups/{group.slug}/library/").content.decode()
    url = f"/groups/{group.slug}/library/deliverables/{plan.deliverable.pk}/"
    assert url in listing
    form = client.get(url).content.decode()
    assert 'value="Toolkit on case management"' in form
    response = client.post(
        url,
        {
            "kind": "toolkit",
            "title": "Toolkit on case management",
            "authors": group.name,
            "published_on": "2025-10-01",
            "language": "en",
            "link": "https://example.org/cm",
            "visibility": "public",
        },
    )
    made = Resource.objects.get()
    assert response["Location"] == f"/library/{made.pk}/"
    assert made.deliverable == plan.deliverable
    assert url not in client.get(f"/groups/{group.slug}/library/").content.decode()


def test_new_resources_of_a_period(resource, secretariat):
    from django.utils import timezone

    other = publish(secretariat, visibility="members")
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    assert list(queries.new_resources(now - hour, now + hour)) == [other, resource]
    assert list(queries.new_resources(now - hour, now + hour).public()) == [resource]
    assert list(queries.new_resources(now - hour, now + hour, groups=[resource.group])) == [resource]
    assert list(queries.new_resources(now + hour, now + 2 * hour)) == []


@pytest.mark.parametrize("rows", [5, 50])
def test_the_api_search_has_a_pinned_number_of_queries(rows, secretariat, group, django_assert_num_queries):
    from convene.people.services import api_token_create

    Resource.objects.bulk_create(
        Resource(
            kind="report",
            title=f"Report {n}",
            published_on=datetime.date(2020, 1, 1),
            language="en",
            link="https://example.org",
            group=group,
            search_text=f" report {n}",
        )
        for n in range(rows)
    )
    _token, key = api_token_create(person=secretariat, name="test")
    client = client_for(None)
    headers = {"Authorization": f"Bearer {key}"}
    client.get("/api/v1/library/resources", headers=headers)
    # The token and its last use, the capped count, the page (with the groups).
    with django_assert_num_queries(4):
        response = client.get("/api/v1/library/resources?q=report", headers=headers)
    assert response.json()["count"] == rows


@pytest.mark.parametrize("languages", [["fr"], ["fr", "es", "pt", "de", "sw"]])
def test_the_resource_page_has_a_pinned_number_of_queries(
    languages, resource, chair, secretariat, django_assert_num_queries
):
    for language in languages:
        publish(
            chair, group=resource.group, title=f"In {language}", language=language, translation_of=resource
        )
    publish(chair, group=resource.group, supersedes=resource)
    client = client_for(secretariat)
    client.get(f"/library/{resource.pk}/")
    with django_assert_num_queries(11):
        assert client.get(f"/library/{resource.pk}/").status_code == 200
