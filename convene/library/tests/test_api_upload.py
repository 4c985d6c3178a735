"""Resources with files through the API (multipart): the page's checks, a refused file changes nothing."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import client_for
from convene.library.models import Resource
from convene.people.services import api_token_create


def _api(person):
    _token, key = api_token_create(person=person, name="test")
    return client_for(None), {"Authorization": f"Bearer {key}"}


def _form(**fields) -> dict:
    return {
        "kind": "guideline",
        "title": "Guiding Principles",
        "authors": "Davis, Rebecca\nGlobal Social Service Workforce Alliance",
        "published_on": "2017-03-01",
        "language": "en",
        "countries": "ET, CD",
    } | fields


def _pdf(name="guide.pdf", data=b"%PDF-1.7 hello"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _bomb() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (21 * 1024 * 1024))
    return SimpleUploadedFile("bomb.docx", buffer.getvalue())


def test_a_cochair_publishes_a_resource_with_its_file_then_an_edition_and_a_translation(group, chair):
    client, headers = _api(chair)
    response = client.post(
        "/api/v1/library/resources/upload", _form(group=group.slug, file=_pdf()), headers=headers
    )
    assert response.status_code == 201, response.content
    first = response.json()
    assert first["has_file"]
    assert first["group"] == group.slug
    assert first["authors"] == ["Davis, Rebecca", "Global Social Service Workforce Alliance"]
    assert sorted(first["countries"]) == ["CD", "ET"]

    edition = client.post(
        "/api/v1/library/resources/upload",
        _form(supersedes_id=first["id"], published_on="2019-05-01", file=_pdf("second.pdf")),
        headers=headers,
    ).json()
    assert (edition["edition"], edition["supersedes_id"], edition["group"]) == (2, first["id"], group.slug)
    translation = client.post(
        "/api/v1/library/resources/upload",
        _form(translation_of_id=first["id"], language="fr", title="Principes", file=_pdf("fr.pdf")),
        headers=headers,
    ).json()
    assert translation["translation_of_id"] == first["id"]
    assert Resource.objects.filter(file__endswith=".pdf").count() == 3


@pytest.mark.parametrize(
    "upload",
    [
        lambda: _pdf("x.exe"),
        lambda: _pdf("x.pdf", b"MZ\x90\x00"),
        lambda: _pdf("x.txt", b"a\x00b"),
        _bomb,
    ],
    ids=["type", "content", "nul", "zip-bomb"],
)
def test_a_bad_file_is_refused_with_a_clear_422_and_nothing_changes(upload, resource, chair, group):
    client, headers = _api(chair)
    response = client.post(
        "/api/v1/library/resources/upload", _form(group=group.slug, file=upload()), headers=headers
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]
    before = list(Resource.objects.values_list("pk", "file", "link", "updated_at"))
    response = client.post(
        f"/api/v1/library/resources/{resource.pk}/file", {"file": upload()}, headers=headers
    )
    assert response.status_code == 422
    assert list(Resource.objects.values_list("pk", "file", "link", "updated_at")) == before


def test_a_too_big_file_is_refused(resource, chair, monkeypatch):
    from convene.library import services

    monkeypatch.setattr(services, "MAX_FILE_BYTES", 1000)  # 25 MB sent through the test client is slow
    client, headers = _api(chair)
    big = SimpleUploadedFile("big.txt", b"a" * 1001)
    response = client.post(f"/api/v1/library/resources/{resource.pk}/file", {"file": big}, headers=headers)
    assert response.status_code == 422
    assert "25 MB" in response.json()["detail"][0]["msg"]
    resource.refresh_from_db()
    assert not resource.file


def test_a_file_is_attached_to_a_resource_by_its_managers_only(resource, chair, member):
    client, headers = _api(member)
    response = client.post(f"/api/v1/library/resources/{resource.pk}/file", {"file": _pdf()}, headers=headers)
    assert response.status_code == 403
    client, headers = _api(chair)
    response = client.post(f"/api/v1/library/resources/{resource.pk}/file", {"file": _pdf()}, headers=headers)
    assert response.status_code == 200
    assert response.json()["has_file"]
