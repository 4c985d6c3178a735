import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from convene.library import services
from convene.library.models import DownloadCount, Resource

from .conftest import publish


def test_a_cochair_publishes_for_their_group(resource, group, chair):
    assert resource.group == group
    assert resource.created_by == chair
    assert resource.authors == ["Davis, Rebecca", "Global Social Service Workforce Alliance"]
    assert [c.code for c in resource.countries] == ["CD", "ET"]  # django-countries sorts them
    assert resource.search_text.startswith(" guiding principles davis rebecca global")


def test_a_member_may_not_publish_and_nothing_is_made(group, member):
    with pytest.raises(PermissionDenied):
        publish(member, group=group)
    assert Resource.objects.count() == 0


def test_a_cochair_may_not_publish_for_the_network(chair, group):
    with pytest.raises(PermissionDenied):
        publish(chair, group=None)


def test_the_secretariat_publishes_for_the_network(secretariat):
    assert publish(secretariat).group is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"language": "english"}, "language"),
        ({"kind": "poem"}, "kind"),
        ({"link": "ftp://x.org/a"}, "link"),
        ({"link": ""}, "file"),
        ({"countries": ["XX"]}, "countries"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_made(secretariat, fields, field):
    with pytest.raises(ValidationError) as refused:
        publish(secretariat, **fields)
    assert field in refused.value.error_dict
    assert Resource.objects.count() == 0


def test_a_second_edition_supersedes_the_first_and_both_are_kept(resource, chair):
    second = publish(chair, group=resource.group, title="Guiding Principles", supersedes=resource)
    assert (second.edition, second.supersedes) == (2, resource)
    resource.refresh_from_db()
    assert resource.superseded_by == second
    with pytest.raises(ValidationError):
        publish(chair, group=resource.group, supersedes=resource)
    assert Resource.objects.count() == 2


def test_translations_link_to_the_first_and_each_language_once(resource, chair):
    french = publish(
        chair, group=resource.group, title="Principes directeurs", language="fr", translation_of=resource
    )
    spanish = publish(chair, group=resource.group, title="Principios", language="es", translation_of=french)
    assert spanish.translation_of == resource  # linked to the first, not to the French
    with pytest.raises(ValidationError) as refused:
        publish(chair, group=resource.group, language="FR", translation_of=resource)
    assert "language" in refused.value.error_dict


def test_another_groups_cochair_may_not_make_an_edition(resource, committee_member):
    from conftest import make_person
    from convene.groups.tests.conftest import make_group

    other = make_person("o@example.org")
    other_group = make_group(committee=committee_member, cochairs=[other], name="Other Group")
    with pytest.raises(PermissionDenied):
        publish(other, group=other_group, supersedes=resource)


def test_update_rewrites_the_search_text(resource, chair):
    services.resource_update(resource=resource, acting=chair, title="Compétences")
    resource.refresh_from_db()
    assert resource.search_text.startswith(" competences ")


def test_update_refused_for_a_member(resource, member):
    with pytest.raises(PermissionDenied):
        services.resource_update(resource=resource, acting=member, title="Mine")
    resource.refresh_from_db()
    assert resource.title == "Guiding Principles"


def _pdf(name="guide.pdf", data=b"%PDF-1.7 hello"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_a_file_is_checked_like_evidence(secretariat):
    made = publish(secretariat, link="", file=_pdf())
    assert made.file.name.endswith("guide.pdf")
    for upload in (_pdf("x.exe"), _pdf("x.pdf", b"MZ\x90\x00"), _pdf("x.txt", b"a\x00b")):
        with pytest.raises(ValidationError):
            publish(secretariat, link="", file=upload)
    assert Resource.objects.count() == 1


def test_a_zip_bomb_is_refused(secretariat):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (60 * 1024 * 1024))
    with pytest.raises(ValidationError) as refused:
        publish(secretariat, link="", file=SimpleUploadedFile("bomb.docx", buffer.getvalue()))
    assert "file" in refused.value.error_dict
    assert Resource.objects.count() == 0


def test_downloads_count_per_month_and_country(resource, member, secretariat):
    day = datetime.date(2026, 3, 5)
    services.download_record(resource=resource, person=member, today=day)
    services.download_record(resource=resource, person=member, today=day)
    services.download_record(resource=resource, person=secretariat, today=day)
    services.download_record(resource=resource, person=None, today=datetime.date(2026, 4, 1))
    assert sorted(DownloadCount.objects.values_list("month", "country", "count")) == [
        (datetime.date(2026, 3, 1), "US", 1),
        (datetime.date(2026, 3, 1), "ZM", 2),
        (datetime.date(2026, 4, 1), "", 1),
    ]


def test_a_deliverable_becomes_a_resource(group, chair, secretariat):
    from convene.plans.tests.factories import build_plan

    plan = build_plan(group=group, cochair=chair, secretariat=secretariat)
    made = services.resource_from_deliverable(
        deliverable=plan.deliverable, acting=chair, language="en", link="https://example.org/t.pdf"
    )
    assert (made.title, made.group, made.authors) == ("Toolkit on case management", group, [group.name])
    assert plan.deliverable.resource == made
    with pytest.raises(ValidationError):
        services.resource_from_deliverable(
            deliverable=plan.deliverable, acting=chair, language="fr", link="https://example.org/t.pdf"
        )
