"""The demo network's year of meetings: a monthly series for a few groups, the Danish working group's
minutes in Danish with attendance, decisions and action items, a time poll, a joint meeting, no mail."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from convene.governance.models import Decision
from convene.groups.models import Group
from convene.meetings.demo import day_text, first_meeting_day, second_tuesday
from convene.meetings.models import (
    ActionItem,
    Attendance,
    Invitation,
    Meeting,
    MeetingPreferences,
    MinutesStatus,
    PollStatus,
    Series,
    TimePoll,
)
from convene.meetings.times import to_local


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("demo", "--members", "300", verbosity=0)
    return callbacks


def months(series: Series) -> list[tuple[int, int]]:
    return [
        (local.year, local.month)
        for local in (to_local(m.starts, m.zone_name) for m in series.meetings.order_by("starts"))
    ]


def consecutive(ym: list[tuple[int, int]]) -> bool:
    return all(y * 12 + m + 1 == y2 * 12 + m2 for (y, m), (y2, m2) in zip(ym, ym[1:], strict=False))


def test_second_tuesdays():
    assert second_tuesday(2026, 6) == datetime.date(2026, 6, 9)
    assert second_tuesday(2026, 12) == datetime.date(2026, 12, 8)
    assert first_meeting_day(today=datetime.date(2026, 12, 5), launched_on=None) == datetime.date(2026, 2, 10)
    assert first_meeting_day(
        today=datetime.date(2026, 12, 5), launched_on=datetime.date(2026, 6, 10)
    ) == datetime.date(2026, 7, 14)
    assert day_text(datetime.date(2026, 6, 9)) == "9. juni 2026"


def test_the_danish_group_meets_monthly_with_danish_minutes_decisions_and_action_items(demo):
    danish = Group.objects.get(working_language_id="da")
    series = Series.objects.get(groups=danish)
    assert (series.frequency, series.weekday, series.position, series.zone_name) == (
        "monthly",
        1,
        2,
        "Europe/Copenhagen",
    )
    assert consecutive(months(series))
    now = timezone.now()
    meetings = list(series.meetings.order_by("starts"))
    past = [m for m in meetings if m.ends < now]
    assert len(past) >= 2
    assert meetings[-1].starts > now + datetime.timedelta(days=30)  # about two months ahead
    for meeting in meetings:
        local = to_local(meeting.starts, meeting.zone_name)
        assert (local.weekday(), (local.day - 1) // 7, local.hour) == (1, 1, 14)  # second Tuesday, 14:00
    for meeting in past:
        minutes = meeting.minutes
        assert minutes.status == (MinutesStatus.DRAFT if meeting == past[-1] else MinutesStatus.PUBLISHED)
        assert minutes.body.startswith("# Referat af møde i Arbejdsgruppe for tidlig indsats den ")
        assert "## 4. Beslutninger" in minutes.body
        assert Attendance.objects.filter(meeting=meeting).count() == meeting.invitations.count() > 0
        assert Decision.objects.filter(meeting_link__meeting=meeting, group=danish).count() == 1
        items = list(ActionItem.objects.filter(meeting=meeting, group=danish))
        assert len(items) == 1
        # Published minutes turned the action item into a task of the approved plan.
        assert (items[0].task_id is not None) == (meeting != past[-1])
        assert meeting.agenda.count() == 6
    published = [m.minutes for m in past[:-1]]
    assert all(m.published_at and m.published_at > m.meeting.ends for m in published)
    # Its co-chair chose both reminders and the weekly digest.
    assert list(MeetingPreferences.objects.values_list("person_id", "reminder", "digest")) == [
        (series.organiser_id, "both", "weekly")
    ]


def test_other_groups_have_a_series_a_poll_and_a_joint_meeting_and_no_mail_goes_out(demo):
    series = list(Series.objects.exclude(groups__working_language_id="da").order_by("pk"))
    assert 1 <= len(series) <= 5
    case_management = Series.objects.get(groups__slug="case-management-interest-group")
    ym = months(case_management)
    assert consecutive(ym)
    assert len(ym) >= 12
    assert (
        case_management.meetings.first().invitations.count()
        == case_management.groups.get().memberships.filter(status="active").count()
    )

    poll = TimePoll.objects.get()
    assert poll.status == PollStatus.OPEN
    assert poll.slots.count() == 4
    assert poll.slots.filter(answers__isnull=False).distinct().count() == 4

    joint = Meeting.objects.get(series__isnull=True, for_committee=False)
    assert joint.groups.count() == 2
    assert joint.starts > timezone.now()

    # Nothing was enqueued after the commit, and the mail sweep finds nothing owed.
    # (Only markers that kept copies are stale may be waiting: the dashboard's generations and the
    # data call menu's; they send nothing.)
    markers = [c for c in demo if hasattr(c, "convene_generation") or c.__name__ == "calls_changed"]
    assert [c for c in demo if c not in markers] == []
    assert not Invitation.objects.filter(sent_sequence__lt=0).exists()
