"""Groups and people for the meetings tests, built through the services."""

import pytest

from conftest import make_person
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
    """Public and open, co-chaired by ``chair`` and ``chair_two``."""
    return make_group(committee=committee_member, cochairs=[chair, chair_two], name="Danish Working Group")


@pytest.fixture
def other_group(committee_member, other_chair, chair):
    """A second group: ``other_chair`` and ``chair`` co-chair it (so ``chair`` leads both)."""
    return make_group(committee=committee_member, cochairs=[other_chair, chair], name="Workforce Data Group")


@pytest.fixture
def other_chair(db):
    return make_person("other.chair@example.org", name="Omar Other", country="EG")


@pytest.fixture
def group_member(group, member):
    group_services.membership_join(group=group, acting=member)
    return member
