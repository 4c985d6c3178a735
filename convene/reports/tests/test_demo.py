"""The demo network's group updates (every state, one overdue, the committee's comments) and the
steering committee's own meetings, built by ``convene demo``."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from convene.governance.models import Body, Term
from convene.meetings.models import ActionItem, Meeting, MinutesStatus
from convene.reports.demo import quarters_before
from convene.reports.models import GroupUpdate, UpdateComment, UpdateStatus
from convene.reports.queries import dashboard_rows, due_on, last_ended_quarter, quarter_of


def test_quarters_before_are_the_ended_ones_oldest_first():
    assert quarters_before(datetime.date(2026, 12, 5), 2) == [
        (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)),
        (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)),
    ]


@pytest.mark.django_db
def test_the_demo_has_updates_in_every_state_and_the_committees_meetings(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():  # nothing is sent
        call_command("demo", "--members", "300", verbosity=0)

    updates = GroupUpdate.objects.all()
    states = set(updates.values_list("status", flat=True))
    assert states == {UpdateStatus.DRAFT, UpdateStatus.SUBMITTED, UpdateStatus.ACKNOWLEDGED}
    this_quarter = quarter_of(timezone.localdate())[0]
    assert set(updates.filter(status=UpdateStatus.DRAFT).values_list("period_starts", flat=True)) == {
        this_quarter
    }
    # Commented but not yet acknowledged, and every acknowledged one with the committee's comment.
    committee = set(
        Term.objects.current()
        .filter(body__in=[Body.STEERING_COMMITTEE, Body.SECRETARIAT])
        .values_list("person_id", flat=True)
    )
    commented = updates.filter(status=UpdateStatus.SUBMITTED, comments__isnull=False).distinct()
    assert commented.exists()
    assert not updates.filter(status=UpdateStatus.ACKNOWLEDGED, comments__isnull=True).exists()
    assert set(UpdateComment.objects.values_list("author_id", flat=True)) <= committee
    # Dated when they happened, not today.
    assert all(u.submitted_at.date() <= timezone.localdate() for u in updates.exclude(submitted_at=None))
    assert updates.exclude(submitted_at=None).filter(
        submitted_at__lt=timezone.now() - datetime.timedelta(days=120)
    )
    # One group left last quarter's update unwritten: overdue once its due day passed.
    today = timezone.localdate()
    last_starts, last_ends = last_ended_quarter(today)
    writers = set(updates.filter(group__launched_on__lte=last_ends).values_list("group_id", flat=True))
    missing = writers - set(updates.filter(period_starts=last_starts).values_list("group_id", flat=True))
    assert len(missing) == 1
    overdue = {r.group.pk for r in dashboard_rows(today=today) if r.overdue}
    assert overdue == (missing if today > due_on(last_ends) else set())

    meetings = Meeting.objects.filter(for_committee=True).order_by("starts")
    held = [m for m in meetings if m.ends < timezone.now()]
    assert len(held) >= 3
    assert meetings.last().starts > timezone.now()
    assert all(m.minutes.status == MinutesStatus.PUBLISHED for m in held)
    assert all(m.decision_links.get().decision.group is None for m in held)
    assert ActionItem.objects.filter(meeting__in=held, group=None).count() == len(held)
    assert not meetings.filter(groups__isnull=False).exists()
