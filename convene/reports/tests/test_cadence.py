"""The update cadence of a kind of group (every 1, 3, 6 or 12 months): the periods, the due dates and
the overdue flag that follow it, the draft offered to co-chairs, the secretariat setting it in the back
office; and the co-chairs reminded of an overdue update: once when it becomes overdue, then at most
once a week, however often the task runs."""

import datetime

import pytest
from django.urls import reverse

from conftest import client_for
from convene.groups.models import GroupKind
from convene.plans.tests.factories import launch_group
from convene.reports import queries, reminders, services
from convene.reports.models import GroupUpdate, UpdateReminder

D = datetime.date


@pytest.mark.parametrize(
    ("months", "day", "period"),
    [
        (1, D(2026, 2, 14), (D(2026, 2, 1), D(2026, 2, 28))),
        (1, D(2026, 12, 31), (D(2026, 12, 1), D(2026, 12, 31))),
        (3, D(2026, 5, 17), (D(2026, 4, 1), D(2026, 6, 30))),
        (6, D(2026, 5, 17), (D(2026, 1, 1), D(2026, 6, 30))),
        (6, D(2026, 7, 1), (D(2026, 7, 1), D(2026, 12, 31))),
        (12, D(2026, 5, 17), (D(2026, 1, 1), D(2026, 12, 31))),
    ],
)
def test_the_period_of_each_cadence(months, day, period):
    assert queries.period_of(day, months) == period


def test_a_cadence_must_divide_the_year():
    with pytest.raises(ValueError, match="divides the year"):
        queries.period_of(D(2026, 1, 1), 5)


@pytest.mark.parametrize(
    ("months", "today", "last_sent_ends", "expected"),
    [
        # Quarterly: Q3 ended 30 Sep, due 30 Oct; overdue from 31 Oct.
        (3, D(2026, 10, 30), None, ((D(2026, 7, 1), D(2026, 9, 30)), D(2026, 10, 30), False)),
        (3, D(2026, 10, 31), None, ((D(2026, 7, 1), D(2026, 9, 30)), D(2026, 10, 30), True)),
        (3, D(2026, 10, 31), D(2026, 9, 30), (None, D(2027, 1, 30), False)),
        # Half-yearly: the first half ended 30 June, due 30 July; in October it is long overdue.
        (6, D(2026, 10, 31), None, ((D(2026, 1, 1), D(2026, 6, 30)), D(2026, 7, 30), True)),
        (6, D(2026, 10, 31), D(2026, 6, 30), (None, D(2027, 1, 30), False)),
        # Monthly: October ended, due 30 November.
        (1, D(2026, 11, 15), D(2026, 9, 30), ((D(2026, 10, 1), D(2026, 10, 31)), D(2026, 11, 30), False)),
        # Yearly: 2025 ended, due 30 January 2026.
        (12, D(2026, 2, 1), None, ((D(2025, 1, 1), D(2025, 12, 31)), D(2026, 1, 30), True)),
    ],
)
def test_what_a_group_owes_by_its_cadence(months, today, last_sent_ends, expected):
    due = queries.update_due(
        months=months, launched_on=D(2025, 1, 15), last_sent_ends=last_sent_ends, today=today
    )
    assert (due.owed, due.next_due, due.overdue) == expected


def test_a_group_launched_after_the_period_owes_nothing_for_it():
    due = queries.update_due(months=6, launched_on=D(2026, 8, 1), last_sent_ends=None, today=D(2026, 10, 31))
    assert (due.owed, due.next_due, due.overdue) == (None, D(2027, 1, 30), False)


@pytest.fixture
def half_yearly(db):
    GroupKind.objects.filter(slug="interest-group").update(update_months=6)


def test_the_draft_and_the_dashboard_follow_the_kinds_cadence(half_yearly, committee_member, member):
    group = launch_group(committee=committee_member, cochair=member, name="Advocacy")
    update = services.update_draft(group=group, acting=member)
    today = datetime.date.today()  # noqa: DTZ011 (the services read the site's local date, UTC in tests)
    assert (update.period_starts, update.period_ends) == queries.period_of(today, 6)
    (row,) = queries.dashboard_rows()
    assert row.overdue is True  # launched in January 2025: the half-years since are owed
    assert row.next_due == queries.due_on(queries.last_ended_period(today, 6)[1])


def test_the_group_page_flags_the_overdue_update_and_offers_its_draft(half_yearly, committee_member, member):
    group = launch_group(committee=committee_member, cochair=member, name="Advocacy")
    client = client_for(member)
    page = client.get(reverse("reports:group_updates", args=[group.slug])).content.decode()
    owed = queries.group_update_due(group).owed
    assert 'class="badge overdue"' in page
    assert "Every 6 months" in page
    response = client.post(reverse("reports:update_start", args=[group.slug]), {"period": "owed"})
    assert response.status_code == 302
    assert GroupUpdate.objects.values_list("period_starts", "period_ends").get() == owed


def test_the_secretariat_sets_the_cadence_in_the_back_office(secretariat):
    kind = GroupKind.objects.get(slug="interest-group")
    secretariat.is_superuser = True  # the back office's kinds page is the superuser's
    secretariat.save(update_fields=["is_superuser"])
    page = client_for(secretariat).get(reverse("admin:groups_groupkind_change", args=[kind.pk]))
    assert page.status_code == 200
    assert 'name="update_months"' in page.content.decode()


def test_overdue_co_chairs_are_reminded_once_then_weekly(
    committee_member, member, django_capture_on_commit_callbacks, mailoutbox
):
    group = launch_group(committee=committee_member, cochair=member, name="Advocacy")
    due = queries.group_update_due(group)
    first_day = due.next_due + datetime.timedelta(days=1)

    def run(today):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.send_update_reminders(today=today)

    assert run(due.next_due) == 0  # due today: not overdue yet
    assert run(first_day) == 1
    assert run(first_day) == 0
    assert run(first_day + datetime.timedelta(days=6)) == 0  # same week
    assert run(first_day + datetime.timedelta(days=7)) == 1
    assert len(mailoutbox) == 2
    assert mailoutbox[0].to == [member.email]
    assert mailoutbox[0].subject == "The update of Advocacy is overdue"
    assert reverse("reports:group_updates", args=[group.slug]) in mailoutbox[0].body
    assert list(UpdateReminder.objects.values_list("week", flat=True).order_by("week")) == [0, 1]
    assert not UpdateReminder.objects.filter(sent_at__isnull=True).exists()


def test_a_reminder_that_failed_is_sent_by_a_later_run_once(
    committee_member, member, django_capture_on_commit_callbacks, mailoutbox
):
    from unittest import mock

    from django.utils import timezone

    from convene.reports import notifications

    group = launch_group(committee=committee_member, cochair=member, name="Advocacy")
    first_day = queries.group_update_due(group).next_due + datetime.timedelta(days=1)
    with (
        mock.patch.object(notifications, "update_overdue", side_effect=ConnectionError("away")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reminders.send_update_reminders(today=first_day)
    assert mailoutbox == []
    assert UpdateReminder.objects.get().claimed_at is None  # given back

    UpdateReminder.objects.update(created_at=timezone.now() - queries.UPDATE_REMINDER_LEASE * 2)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders.send_update_reminders(today=first_day) == 0
    assert [m.to for m in mailoutbox] == [[member.email]]
