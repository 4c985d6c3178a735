"""Background work for advocacy (STYLE §6): the reminder that an ambassador's quarterly report is due.

Once a day, each serving ambassador whose quarter ends within a week (or ended less than a month ago)
without a report gets one reminder: the ``ReportReminder`` row (unique per ambassador and quarter) is
written first, so that no second run, restart or overlap sends it twice."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from convene.core.mail import absolute_url, send_templated
from convene.core.tasks import enqueue_on_commit, mail_task

from .ambassador_queries import REMIND_BEFORE, REMIND_UNTIL, term_quarters
from .models import Ambassador, ReportReminder


def reminders_owed(today=None) -> list[tuple[int, int]]:
    """(ambassador id, quarter) for every report due now, not filed and not yet reminded."""
    today = today or timezone.localdate()
    ambassadors = (
        Ambassador.objects.filter(person__is_active=True, term__starts_on__lte=today)
        .filter(Q(term__ends_on__isnull=True) | Q(term__ends_on__gte=today - REMIND_UNTIL))
        .select_related("term")
        .prefetch_related("reports")
    )
    reminded = set(ReportReminder.objects.values_list("ambassador_id", "quarter"))
    owed = []
    for ambassador in ambassadors:
        for quarter in term_quarters(ambassador.term, ambassador.reports.all()):
            due = quarter.report is None and quarter.ends_on - REMIND_BEFORE <= today
            if (
                due
                and today <= quarter.ends_on + REMIND_UNTIL
                and (ambassador.pk, quarter.number) not in reminded
            ):
                owed.append((ambassador.pk, quarter.number))
    return owed


@db_periodic_task(crontab(hour="7", minute="10"))
def remind_quarterly_reports() -> None:
    """Write the reminder rows owed today; each sends itself after its commit."""
    for ambassador_id, quarter in reminders_owed():
        try:
            with transaction.atomic():
                reminder = ReportReminder.objects.create(ambassador_id=ambassador_id, quarter=quarter)
                enqueue_on_commit(send_report_reminder, reminder.pk)
        except IntegrityError:
            continue  # another run wrote it first


@mail_task
def send_report_reminder(reminder_id: int) -> None:
    """The one reminder of a row: sent unless already sent or the report came in meanwhile."""
    claimed = ReportReminder.objects.filter(pk=reminder_id, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    if not claimed:
        return
    reminder = ReportReminder.objects.select_related("ambassador__person", "ambassador__term").get(
        pk=reminder_id
    )
    ambassador = reminder.ambassador
    if ambassador.reports.filter(quarter=reminder.quarter).exists():
        return
    quarter = next(q for q in term_quarters(ambassador.term) if q.number == reminder.quarter)
    person = ambassador.person
    try:
        send_templated(
            to=person.email,
            template="advocacy/email/report_due",
            language=person.language,
            context={
                "person": person,
                "quarter": quarter,
                "url": absolute_url(reverse("advocacy:report", args=[ambassador.pk, quarter.number])),
            },
        )
    except Exception:
        ReportReminder.objects.filter(pk=reminder_id).update(sent_at=None)
        raise
