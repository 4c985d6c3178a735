"""Writes of group updates (STYLE §1): start the draft of a period, save the narrative, submit,
comment, acknowledge. Each checks its rule (``reports/rules.py``) and owns its transaction."""

import datetime
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convene.core.concurrency import revision_save
from convene.core.errors import StateConflict
from convene.core.rules import ensure
from convene.core.tasks import enqueue_on_commit
from convene.groups.models import Group
from convene.people.models import Person

from . import tasks
from .frozen import freeze
from .models import NARRATIVE_FIELDS, Digest, GroupUpdate, UpdateComment, UpdateReminder, UpdateStatus
from .queries import UPDATE_DUE_AFTER, period_of, update_figures

MAX_PERIOD_DAYS = 366


def _locked(update: GroupUpdate) -> GroupUpdate:
    return GroupUpdate.objects.select_related("group").select_for_update(of=("self",)).get(pk=update.pk)


@transaction.atomic
def update_draft(*, group: Group, acting: Person, period: tuple[date, date] | None = None) -> GroupUpdate:
    """The draft update of ``period`` (the current period of the group kind's cadence unless told:
    a calendar quarter by default), started by a co-chair;
    the one already started is returned as it is. Its figures are read from the data when shown
    (``queries.update_figures``)."""
    ensure(acting, "reports.start_update", group)
    starts, ends = period or period_of(timezone.localdate(), group.kind.update_months)
    if ends < starts:
        raise ValidationError(_("The period ends before it starts."))
    if (ends - starts).days > MAX_PERIOD_DAYS or ends > date.max - UPDATE_DUE_AFTER:
        raise ValidationError(_("An update covers at most a year."))
    update, _created = GroupUpdate.objects.get_or_create(
        group=group,
        period_starts=starts,
        defaults={"period_ends": ends, "created_by": acting, "updated_by": acting},
    )
    return update


@transaction.atomic
def update_save(
    *, update: GroupUpdate, acting: Person, revision: int | None, **narrative: str
) -> GroupUpdate:
    """The co-chairs' narrative; a save from an older revision than the saved one is a conflict
    (``core.concurrency.EditConflict``): nothing is written and the editor sees both versions."""
    update = _locked(update)
    ensure(acting, "reports.write_update", update)
    unknown = set(narrative) - set(NARRATIVE_FIELDS)
    if unknown:
        raise ValueError(f"not narrative fields: {sorted(unknown)}")
    changes = {name: str(value).replace("\x00", "").strip() for name, value in narrative.items()}
    update.updated_by = acting  # written with the text (not compared: who saved is no conflict)
    revision_save(update, revision=revision, changes=changes, acting=acting)
    return update


@transaction.atomic
def update_submit(*, update: GroupUpdate, acting: Person) -> GroupUpdate:
    """A co-chair sends the update to the steering committee and the coordinator."""
    update = _locked(update)
    if update.is_sent:
        raise StateConflict(_("This update has already been submitted."))
    ensure(acting, "reports.submit_update", update)
    if not any(getattr(update, name).strip() for name in NARRATIVE_FIELDS):
        raise ValidationError(_("Write at least one part of the narrative before submitting the update."))
    update.status = UpdateStatus.SUBMITTED
    update.submitted_by = acting
    update.submitted_at = timezone.now()
    # What the committee reads is what was sent: later data does not change a submitted update.
    update.figures = freeze(update_figures(update.group, update.period_starts, update.period_ends))
    update.figures_frozen_at = update.submitted_at
    update._history_user = acting
    update.save(
        update_fields=[
            "status",
            "submitted_by",
            "submitted_at",
            "figures",
            "figures_frozen_at",
            "updated_at",
        ]
    )
    return update


@transaction.atomic
def update_comment(*, update: GroupUpdate, acting: Person, body: str) -> UpdateComment:
    ensure(acting, "reports.comment_update", update)
    body = body.replace("\x00", "").strip()
    if not body:
        raise ValidationError({"body": _("Write a comment.")})
    return UpdateComment.objects.create(update=update, author=acting, body=body)


@transaction.atomic
def update_acknowledge(*, update: GroupUpdate, acting: Person) -> GroupUpdate:
    """The committee or the secretariat confirm they have read the update."""
    update = _locked(update)
    if update.status == UpdateStatus.ACKNOWLEDGED:
        raise StateConflict(_("This update has already been acknowledged."))
    ensure(acting, "reports.acknowledge_update", update)
    update.status = UpdateStatus.ACKNOWLEDGED
    update.acknowledged_by = acting
    update.acknowledged_at = timezone.now()
    update._history_user = acting
    update.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "updated_at"])
    return update


# --- Digests and reminders of overdue updates ------------------------------------------------------


@transaction.atomic
def digests_record(*, owed: list[tuple[int, str, datetime.datetime]]) -> None:
    """Write the row of every digest owed (person, period, since) and enqueue their sending, in one
    transaction: a row already written (another run, another worker) is left as it is."""
    if not owed:
        return
    Digest.objects.bulk_create(
        [Digest(person_id=person_id, period=period, since=since) for person_id, period, since in owed],
        ignore_conflicts=True,
    )
    enqueue_on_commit(tasks.send_digests)


def update_reminder_record(*, group: Group, period_starts: date, week: int) -> UpdateReminder | None:
    """The row of one reminder that the group's update is overdue, and its sending enqueued, in one
    transaction; None when that reminder was already recorded."""
    with transaction.atomic():
        reminder, created = UpdateReminder.objects.get_or_create(
            group=group, period_starts=period_starts, week=week
        )
        if not created:
            return None
        enqueue_on_commit(tasks.send_update_reminder, reminder.pk)
    return reminder
