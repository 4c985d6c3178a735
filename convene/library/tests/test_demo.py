"""The demo library: the seeds' publications in editions and languages."""

import pytest
from django.core.management import call_command

from convene.library.models import DownloadCount, Resource


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        call_command("demo", "--members", "300", verbosity=0)


def test_the_demo_library_has_editions_translations_and_a_deliverable(demo):
    second = Resource.objects.get(edition=2)
    assert second.title.startswith("Para Professionals in the Social Service Workforce")
    assert second.supersedes.edition == 1
    assert sorted(second.translations.values_list("language", flat=True)) == ["pt"]
    assert sorted(second.supersedes.translations.values_list("language", flat=True)) == ["fr"]
    toolkit = Resource.objects.get(title="Global Advocacy Toolkit")
    assert sorted(toolkit.translations.values_list("language", flat=True)) == ["es", "fr"]
    assert Resource.objects.filter(deliverable__isnull=False).count() == 1
    assert Resource.objects.filter(kind="report", title__contains="State of the Social Service").count() == 3
    assert DownloadCount.objects.exists()
