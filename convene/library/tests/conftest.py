"""Groups and people for the library tests, built through the services."""

import datetime

import pytest

from conftest import make_person
from convene.groups.tests.conftest import make_group
from convene.library import services


@pytest.fixture
def chair(db):
    return make_person("chair.one@example.org", name="Chipo Chair", country="ZM")


@pytest.fixture
def group(committee_member, chair):
    return make_group(committee=committee_member, cochairs=[chair], name="Para Professionals Interest Group")


def publish(acting, *, group=None, title="Guiding Principles", **fields):
    values = {
        "kind": "guideline",
        "title": title,
        "published_on": datetime.date(2017, 3, 1),
        "language": "en",
        "link": "https://example.org/guide.pdf",
    } | fields
    return services.resource_create(acting=acting, group=group, **values)


@pytest.fixture
def resource(group, chair):
    return publish(
        chair,
        group=group,
        authors=["Davis, Rebecca", "Global Social Service Workforce Alliance"],
        publisher="Global Social Service Workforce Alliance",
        abstract="Functions and competencies of para social workers, validated in Ethiopia.",
        countries=["ET", "CD"],
    )
