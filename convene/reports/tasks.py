"""Background work for the reports (STYLE §6): checking an uploaded work plan workbook, sending the
digests owed and the reminders that a group's update is overdue. Each sends what its rows say is still
owed (claimed first, marked sent after), so a second run, or a run after a crash, sends nothing twice."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from convene.core.mail import absolute_url
from convene.core.tasks import mail_task
from convene.groups.models import GroupMembership, MembershipStatus, Role
from convene.meetings.models import DigestChoice

from . import digests, notifications
from .models import Digest, UpdateReminder
from .queries import UPDATE_REMINDER_LEASE, due_on, period_of, plan_imports_waiting
from .spreadsheet.checking import plan_import_check

DIGEST_BATCH = 200


@db_task()
def check_plan_import(import_id: int) -> None:
    """Check an uploaded workbook for its preview (the parsing no web request does)."""
    plan_import_check(import_id=import_id)


@db_periodic_task(crontab(minute="*/10"))
def sweep_plan_imports() -> None:
    """Check the uploads a lost task or a crashed worker left waiting."""
    for import_id in plan_imports_waiting(limit=100):
        check_plan_import(import_id)


# --- Digests -------------------------------------------------------------------------------------


def _claim(model, pk: int, lease: datetime.timedelta) -> bool:
    """Compare-and-set: a row done, or held by a live run within its lease, is not taken."""
    now = timezone.now()
    fresh = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease)
    return bool(model.objects.filter(fresh, pk=pk, sent_at__isnull=True).update(claimed_at=now))


@mail_task
def send_digests() -> int:
    """Send every digest row waiting, a batch at a time (each batch's contents read in a fixed number
    of queries). A send that fails gives its row back and stops the run: the next run (Huey's retry, or
    the next quarter of an hour) sends it and those after it; those sent are not sent again."""
    sent = 0
    waiting = digests.digests_waiting()
    for start in range(0, len(waiting), DIGEST_BATCH):
        batch = list(
            Digest.objects.filter(pk__in=waiting[start : start + DIGEST_BATCH], sent_at__isnull=True)
            .select_related("person__profile")
            .order_by("pk")
        )
        contents = digests.digest_contents(batch)
        for row in batch:
            if not _claim(Digest, row.pk, digests.DIGEST_LEASE):
                continue
            content = contents[row.pk]
            if content.is_empty or not row.person.is_active:
                Digest.objects.filter(pk=row.pk).update(sent_at=timezone.now(), empty=True)
                continue
            try:
                notifications.digest(content, weekly=row.period.startswith(DigestChoice.WEEKLY))
            except Exception:
                Digest.objects.filter(pk=row.pk).update(claimed_at=None)
                raise
            Digest.objects.filter(pk=row.pk).update(sent_at=timezone.now())
            sent += 1
    return sent


# --- Overdue updates -----------------------------------------------------------------------------


@mail_task
def send_update_reminder(reminder_id: int) -> None:
    """Tell the group's co-chairs its update is overdue, once for this row."""
    if not _claim(UpdateReminder, reminder_id, UPDATE_REMINDER_LEASE):
        return
    reminder = UpdateReminder.objects.select_related("group__kind").get(pk=reminder_id)
    group = reminder.group
    period = period_of(reminder.period_starts, group.kind.update_months)
    cochairs = [
        m.person
        for m in GroupMembership.objects.filter(
            group=group, status=MembershipStatus.ACTIVE, role=Role.COCHAIR, person__is_active=True
        ).select_related("person__profile")
    ]
    url = absolute_url(reverse("reports:group_updates", args=[group.slug]))
    try:
        notifications.update_overdue(group, cochairs, period=period, due=due_on(period[1]), url=url)
    except Exception:
        UpdateReminder.objects.filter(pk=reminder_id).update(claimed_at=None)
        raise
    UpdateReminder.objects.filter(pk=reminder_id).update(sent_at=timezone.now())
