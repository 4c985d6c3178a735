"""People, a group and contributions for the E-Update tests, built through the services."""

import datetime

import pytest
from django.contrib.auth.models import Permission

from conftest import make_person
from convene.comms import services
from convene.groups import services as group_services
from convene.groups.tests.conftest import make_group


@pytest.fixture
def chair(db):
    return make_person("chair.one@example.org", name="Chipo Chair", country="ZM")


@pytest.fixture
def chair_two(db):
    return make_person("chair.two@example.org", name="Mette Chair", country="DK", sector="academic")


@pytest.fixture
def group(committee_member, chair, chair_two):
    return make_group(committee=committee_member, cochairs=[chair, chair_two], name="Danish Working Group")


@pytest.fixture
def approver(db):
    """Not an editor: only the "approve for sending" permission."""
    person = make_person("appro.ver@example.org", name="Ada Approver", country="GB")
    person.user_permissions.add(
        Permission.objects.get(codename="approve_for_sending", content_type__app_label="comms")
    )
    return person


def submit(
    person, *, title="Our toolkit is out", group=None, language="en", kind="resource", body="We *did* it."
):
    return services.contribution_submit(
        acting=person,
        kind=kind,
        title=title,
        body=body,
        language=language,
        group=group,
        links="https://example.org/toolkit",
    )


@pytest.fixture
def contribution(member):
    return submit(member)


@pytest.fixture
def accepted(contribution, secretariat):
    return services.contribution_review(contribution=contribution, acting=secretariat, action="accept")


@pytest.fixture
def issue(secretariat):
    return services.issue_create(
        acting=secretariat, date=datetime.date(2026, 12, 1), languages=["en", "fr"], default_language="en"
    )


def join(group, person):
    group_services.membership_join(group=group, acting=person)
    return person


@pytest.fixture(autouse=True)
def _tasks_at_once(monkeypatch):
    """The tests run inside one transaction that never commits: run what a service enqueues "after the
    commit" at once (Huey is immediate in the tests). ``test_mail_waits_for_the_commit`` checks the real
    order once."""
    monkeypatch.setattr(services, "enqueue_on_commit", lambda task, *args, **kwargs: task(*args, **kwargs))
