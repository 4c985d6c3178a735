"""Every write about minutes (STYLE §1): the minute-taker, attendance, the text, decisions, action items
and publishing, which locks the minutes and turns action items into tasks of the plan in force."""

import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convene.core.concurrency import revision_save
from convene.core.errors import StateConflict
from convene.core.rules import ensure
from convene.core.tasks import enqueue_on_commit
from convene.governance.models import Decision, DecisionEffect, DecisionOutcome
from convene.groups.models import Group
from convene.plans import services as plan_services
from convene.plans.models import PlanStatus
from convene.plans.queries import current_plan

from . import tasks
from .models import (
    ActionItem,
    Attendance,
    Meeting,
    MeetingDecision,
    Minutes,
    MinutesRescue,
    MinutesStatus,
    Presence,
)
from .times import to_local


def _minutes_of(meeting: Meeting, *, lock: bool = True) -> Minutes:
    """The meeting's minutes (made empty the first time), locked for the transaction."""
    Minutes.objects.get_or_create(meeting=meeting)
    qs = Minutes.objects.select_for_update() if lock else Minutes.objects
    return qs.get(meeting=meeting)


def _ensure_minutes_open(acting, meeting: Meeting) -> Minutes:
    ensure(acting, "meetings.write_minutes", meeting)
    minutes = _minutes_of(meeting)
    if minutes.is_published:
        raise StateConflict(_("These minutes are published and can no longer be changed."))
    return minutes


@transaction.atomic
def minutes_save(*, meeting: Meeting, acting, body: str, revision: int | None) -> Minutes:
    """Saves the text (as typed: the page saves every few seconds, or with its button). A save from an
    older revision than the saved one is a conflict (core/concurrency.py): nothing is lost, the
    second writer is shown both texts. Every saved version is kept in the history."""
    minutes = _ensure_minutes_open(acting, meeting)
    if "\x00" in body:
        raise ValidationError({"body": _("The text contains a character that cannot be saved.")})
    revision_save(minutes, revision=revision, changes={"body": body, "updated_by": acting}, acting=acting)
    MinutesRescue.objects.filter(meeting=meeting, person=acting).delete()
    return minutes


def minutes_rescue_keep(*, meeting: Meeting, person_id: int, body: str, revision: int | None) -> None:
    """Text that arrived after its writer's session ended (see ``MinutesRescue``)."""
    MinutesRescue.objects.update_or_create(
        meeting=meeting,
        person_id=person_id,
        defaults={"body": body.replace("\x00", ""), "revision": revision},
    )


@transaction.atomic
def minutes_name_taker(*, meeting: Meeting, acting, person) -> Minutes:
    """The organisers name who takes the minutes (one of the people asked to the meeting)."""
    ensure(acting, "meetings.manage_meeting", meeting)
    minutes = _minutes_of(meeting)
    if person is not None and not meeting.invitations.filter(person=person).exists():
        raise ValidationError({"taker": _("Choose someone asked to the meeting.")})
    Minutes.objects.filter(pk=minutes.pk).update(taker=person)
    minutes.refresh_from_db()
    return minutes


@transaction.atomic
def attendance_record(*, meeting: Meeting, acting, presence: Mapping[int, str]) -> None:
    """Who was present, sent apologies or was absent (person id → presence), among those asked."""
    _ensure_minutes_open(acting, meeting)
    if any(value not in Presence.values for value in presence.values()):
        raise ValidationError({"presence": _("Choose present, apologies or absent.")})
    asked = set(meeting.invitations.values_list("person_id", flat=True))
    if set(presence) - asked:
        raise ValidationError({"presence": _("Record attendance only for people asked to the meeting.")})
    for person_id, value in presence.items():
        Attendance.objects.update_or_create(
            meeting=meeting, person_id=person_id, defaults={"presence": value}
        )


def _decision_group(meeting: Meeting, group: Group | None) -> Group | None:
    groups = list(meeting.groups.all())
    if group is None:
        return groups[0] if len(groups) == 1 else None
    if group not in groups:
        raise ValidationError({"group": _("Choose one of the meeting's groups.")})
    return group


@transaction.atomic
def meeting_decision_record(
    *, meeting: Meeting, acting, title: str, text: str = "", group: Group | None = None
) -> Decision:
    """A decision the meeting took, in the decision log as the group's (for a joint meeting: the
    group chosen; for the steering committee's own meeting: the committee's, no group), dated the day
    of the meeting in its zone."""
    _ensure_minutes_open(acting, meeting)
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": _("Give the decision a title.")})
    if len(title) > 200:
        raise ValidationError({"title": _("A decision's title has at most 200 characters.")})
    owner = _decision_group(meeting, group)
    if owner is None and not meeting.for_committee:
        raise ValidationError({"group": _("Say which group took the decision.")})
    decision = Decision(
        title=title,
        text=text,
        outcome=DecisionOutcome.APPROVED,
        effect=DecisionEffect.OTHER,
        decided_on=to_local(meeting.starts, meeting.zone_name).date(),
        recorded_by=acting,
        group=owner,
    )
    decision._history_user = acting
    decision.save()
    MeetingDecision.objects.create(meeting=meeting, decision=decision)
    return decision


@transaction.atomic
def action_item_add(
    *,
    meeting: Meeting,
    acting,
    what: str,
    assignee=None,
    due_on: datetime.date | None = None,
    group: Group | None = None,
    deliverable=None,
) -> ActionItem:
    """Something to do, by whom, by when; for a joint meeting, in which group's plan it goes. The
    steering committee's own action items belong to no group: they are followed on its meetings'
    pages and the next agenda."""
    _ensure_minutes_open(acting, meeting)
    what = " ".join(what.split())
    if not what:
        raise ValidationError({"what": _("Say what is to be done.")})
    owner = _decision_group(meeting, group)
    if owner is None and not meeting.for_committee:
        raise ValidationError({"group": _("Say in which group's work plan this goes.")})
    if assignee is not None and not meeting.invitations.filter(person=assignee).exists():
        raise ValidationError({"assignee": _("Choose someone asked to the meeting.")})
    if deliverable is not None and (owner is None or deliverable.plan.group_id != owner.pk):
        raise ValidationError({"deliverable": _("Choose a deliverable of that group's work plan.")})
    return ActionItem.objects.create(
        meeting=meeting,
        what=what[:300],
        assignee=assignee,
        due_on=due_on,
        group=owner,
        deliverable=deliverable,
    )


@transaction.atomic
def action_item_delete(*, item: ActionItem, acting) -> None:
    _ensure_minutes_open(acting, item.meeting)
    item.delete()


@transaction.atomic
def minutes_publish(*, meeting: Meeting, acting, now: datetime.datetime | None = None) -> Minutes:
    """Locks the minutes and turns each action item into a task of its group's plan in force (an item
    of a group without an approved plan stays an action item, followed on the meeting pages and the
    next agenda). The follow-up e-mail goes to the groups after the commit."""
    ensure(acting, "meetings.manage_meeting", meeting)
    minutes = _ensure_minutes_open(acting, meeting)
    if not minutes.body.strip():
        raise ValidationError({"body": _("Write the minutes before publishing them.")})
    for item in meeting.action_items.select_related("group", "deliverable", "assignee").filter(
        task__isnull=True, group__isnull=False
    ):
        plan = current_plan(item.group)
        if plan is None or plan.status not in (PlanStatus.APPROVED, PlanStatus.REVISING):
            continue
        task = plan_services.task_add_from_meeting(
            plan=plan,
            acting=acting,
            title=item.what,
            assignee=item.assignee,
            due_on=item.due_on,
            deliverable=item.deliverable
            if item.deliverable and item.deliverable.plan_id == plan.pk
            else None,
        )
        ActionItem.objects.filter(pk=item.pk).update(task=task)
    minutes.status = MinutesStatus.PUBLISHED
    minutes.published_at = now or timezone.now()
    minutes.revision += 1
    minutes._history_user = acting
    minutes.save(update_fields=["status", "published_at", "revision", "updated_at"])
    enqueue_on_commit(tasks.send_minutes, meeting.pk)
    return minutes
