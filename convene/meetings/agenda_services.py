"""Every write about a meeting's agenda (STYLE §1): the usual agenda with the open action items of the
group's previous meeting, items with presenter, time and document, their order."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from convene.core.errors import StateConflict
from convene.core.rules import ensure
from convene.plans.models import TaskStatus

from .models import ActionItem, AgendaItem, Meeting

AGENDA_TEMPLATE = (
    (gettext_noop("Welcome"), 5),
    (gettext_noop("Review of action items"), 10),
    (gettext_noop("Updates"), 15),
    (gettext_noop("Discussion"), 20),
    (gettext_noop("Decisions"), 5),
    (gettext_noop("Next steps"), 5),
)
AGENDA_DOCUMENT_MAX = 10 * 1024 * 1024


def previous_open_actions(meeting: Meeting) -> list[ActionItem]:
    """The action items still open from the last earlier meeting of the same group(s) (or of the
    steering committee, for one of its own meetings): those not a
    task yet, and those whose task is neither done nor cancelled."""
    same = Q(for_committee=True) if meeting.for_committee else Q(groups__in=meeting.groups.all())
    earlier = (
        Meeting.objects.filter(same, starts__lt=meeting.starts, action_items__isnull=False)
        .exclude(pk=meeting.pk)
        .order_by("-starts")
        .first()
    )
    if earlier is None:
        return []
    return list(
        earlier.action_items.select_related("assignee__profile", "task")
        .filter(Q(task__isnull=True) | ~Q(task__status__in=[TaskStatus.DONE, TaskStatus.CANCELLED]))
        .order_by("pk")
    )


@transaction.atomic
def agenda_from_template(*, meeting: Meeting, acting, language: str = "") -> list[AgendaItem]:
    """A new agenda from the usual points, the review of action items listing those still open from
    the group's previous meeting. Only for an empty agenda."""
    ensure(acting, "meetings.manage_meeting", meeting)
    if meeting.agenda.exists():
        raise StateConflict(_("This meeting already has an agenda."))
    open_actions = previous_open_actions(meeting)
    with translation.override(language or translation.get_language()):
        review = "\n".join(
            "- {what} ({who}{due})".format(
                what=item.what,
                who=getattr(getattr(item.assignee, "profile", None), "name", "") or "—",
                due=f", {item.due_on:%Y-%m-%d}" if item.due_on else "",
            )
            for item in open_actions
        )
        items = [
            AgendaItem(
                meeting=meeting,
                position=index,
                title=translation.gettext(title),
                minutes_allotted=minutes,
                notes=review if index == 1 else "",
            )
            for index, (title, minutes) in enumerate(AGENDA_TEMPLATE)
        ]
    AgendaItem.objects.bulk_create(items)
    return list(meeting.agenda.all())


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    acting,
    title: str,
    presenter=None,
    minutes_allotted=None,
    notes: str = "",
    document=None,
) -> AgendaItem:
    ensure(acting, "meetings.manage_meeting", meeting)
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": _("Say what the item is.")})
    if presenter is not None and not meeting.invitations.filter(person=presenter).exists():
        raise ValidationError({"presenter": _("Choose someone asked to the meeting.")})
    if document is not None and document.size > AGENDA_DOCUMENT_MAX:
        raise ValidationError({"document": _("A document may be at most 10 MB.")})
    last = meeting.agenda.aggregate(m=Max("position"))["m"]
    item = AgendaItem(
        meeting=meeting,
        position=0 if last is None else last + 1,
        title=title[:200],
        presenter=presenter,
        minutes_allotted=minutes_allotted,
        notes=notes,
    )
    if document is not None:
        item.document = document
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem, acting) -> None:
    ensure(acting, "meetings.manage_meeting", item.meeting)
    if item.document:
        item.document.delete(save=False)
    item.delete()


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, acting, up: bool) -> None:
    """Swaps the item with the one before (``up``) or after it."""
    ensure(acting, "meetings.manage_meeting", item.meeting)
    items = list(item.meeting.agenda.select_for_update().order_by("position", "pk"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(items):
        return
    items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items):
        if each.position != position:
            AgendaItem.objects.filter(pk=each.pk).update(position=position)
