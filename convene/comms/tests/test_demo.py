"""The demo network's E-Update: a year of contributions in every state, four issues sent (one the year
in review), a draft to compose, and no mail owed."""

import pytest
from django.core.management import call_command

from convene.comms.models import Contribution, ContributionComment, ContributionState, Issue


@pytest.fixture
def _tasks_at_once():
    """The real after-commit enqueueing here: the demo must drop what its services enqueue."""


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("demo", "--members", "300", verbosity=0)
    return callbacks


def test_the_demo_e_update(demo, mailoutbox):
    states = set(Contribution.objects.values_list("state", flat=True))
    assert states == set(ContributionState.values)
    sent = Issue.objects.filter(status="sent").order_by("number")
    assert sent.count() == 4
    assert [i.review_year is not None for i in sent] == [False, False, False, True]
    assert all(i.approved_by is not None and i.approved_by != i.created_by for i in sent)
    assert Issue.objects.filter(status="draft").count() == 1
    assert not ContributionComment.objects.filter(mailed_at__isnull=True).exists()
    assert mailoutbox == []
