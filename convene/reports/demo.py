"""The demo network's group updates over the last year, written through the reports services.

For the groups the meetings demo gave a monthly series (the first open groups with co-chairs, at most
``UPDATE_GROUPS``), one update a quarter for the last four quarters that ended, and this quarter's:
the oldest acknowledged by the committee, the one before last submitted with a committee member's
comment waiting for the acknowledgement, the last submitted and not yet read, this quarter's a draft;
one group left the last quarter's update unwritten, so the committee's dashboard shows it overdue.
Dates are set back to when each step would have happened; nothing is sent (the services send nothing).
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from convene.core.demo import DemoRun, register
from convene.governance.models import Body, Term
from convene.groups.models import OPEN_STATUSES, Group, GroupMembership, MembershipStatus, Role

from . import services
from .models import GroupUpdate, UpdateComment
from .queries import due_on, quarter_of

UPDATE_GROUPS = 6
QUARTERS_BACK = 4

ACHIEVEMENTS = [
    "We held our monthly meetings and agreed the indicators with the committee.",
    "The toolkit's first chapter is written and shared with the members for comments.",
    "Two webinars reached practitioners in five countries.",
    "The mapping of member organisations is complete for three regions.",
]
CHALLENGES = [
    "Data from partners arrives late, which delays the mapping.",
    "Several members changed jobs; attendance dropped over the summer.",
    "Translation costs are higher than planned.",
    "",
]
SUPPORT = [
    "An introduction to the regional associations in West Africa.",
    "",
    "Help finding a host for the spring workshop.",
    "",
]
EUPDATE = [
    "Call for case studies on early intervention.",
    "The webinar recordings are online.",
    "",
    "Our toolkit chapter on supervision is open for comments.",
]
COMMENTS = [
    "Thank you: clear and on time. Could the next update say more about the budget?",
    "Good progress. The committee can help with the introductions you ask for.",
    "Please add the attendance figures to the narrative next time.",
]


def quarters_before(today: datetime.date, count: int) -> list[tuple[datetime.date, datetime.date]]:
    """The ``count`` calendar quarters that ended before ``today``'s, oldest first."""
    periods = []
    starts, _ends = quarter_of(today)
    for _ in range(count):
        starts, ends = quarter_of(starts - datetime.timedelta(days=1))
        periods.append((starts, ends))
    return list(reversed(periods))


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


@transaction.atomic
def build_updates(*, rng: random.Random, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    chairs: dict[int, int] = {}
    for group_id, person_id in (
        GroupMembership.objects.filter(role=Role.COCHAIR, status=MembershipStatus.ACTIVE)
        .order_by("group_id", "person_id")
        .values_list("group_id", "person_id")
    ):
        chairs.setdefault(group_id, person_id)
    groups = [
        g
        for g in Group.objects.filter(status__in=OPEN_STATUSES, pk__in=list(chairs)).order_by("pk")
        if g.is_open
    ][:UPDATE_GROUPS]
    readers = list(
        Term.objects.current()
        .filter(body__in=[Body.STEERING_COMMITTEE, Body.SECRETARIAT])
        .order_by("body", "person_id")
        .values_list("person_id", flat=True)
    )
    made = {"updates": 0, "overdue": 0}
    if not groups or not readers:
        return made
    people = get_user_model().objects.in_bulk([*chairs.values(), *readers])
    committee = [people[pk] for pk in readers]
    periods = quarters_before(today, QUARTERS_BACK)
    # The states, oldest quarter first; this quarter's is a draft.
    states = ["acknowledged", "acknowledged", "commented", "submitted"]
    overdue_group = groups[-1] if len(groups) > 1 else None
    for group in groups:
        chair = people[chairs[group.pk]]
        launched = group.launched_on
        for index, (starts, ends) in enumerate(periods):
            if launched is not None and launched > ends:
                continue
            if group == overdue_group and index == len(periods) - 1:
                made["overdue"] += 1
                continue
            _update(rng, group, chair, committee, (starts, ends), states[index], index)
            made["updates"] += 1
        _update(rng, group, chair, committee, quarter_of(today), "draft", len(periods))
        made["updates"] += 1
    return made


def _update(rng, group, chair, committee, period, state: str, index: int) -> GroupUpdate:
    starts, ends = period
    update = services.update_draft(group=group, acting=chair, period=period)
    pick = index % len(ACHIEVEMENTS)
    services.update_save(
        update=update,
        acting=chair,
        revision=update.revision,
        achievements=ACHIEVEMENTS[pick],
        challenges=CHALLENGES[pick],
        support_needed=SUPPORT[pick] if state != "draft" else "",
        eupdate_items=EUPDATE[pick] if state != "draft" else "",
    )
    written = min(_at(ends + datetime.timedelta(days=rng.randint(5, 20))), timezone.now())
    if state == "draft":
        GroupUpdate.objects.filter(pk=update.pk).update(created_at=_at(starts + datetime.timedelta(days=1)))
        return update
    services.update_submit(update=update, acting=chair)
    reader = rng.choice(committee)
    fields = {"submitted_at": written, "created_at": written - datetime.timedelta(days=3)}
    if state in ("commented", "acknowledged"):
        comment = services.update_comment(update=update, acting=reader, body=rng.choice(COMMENTS))
        UpdateComment.objects.filter(pk=comment.pk).update(created_at=written + datetime.timedelta(days=4))
    if state == "acknowledged":
        services.update_acknowledge(update=update, acting=reader)
        fields["acknowledged_at"] = min(
            _at(due_on(ends) + datetime.timedelta(days=rng.randint(0, 14))), timezone.now()
        )
    GroupUpdate.objects.filter(pk=update.pk).update(**fields)
    return update


@register(55, "reports")
def demo_reports(run: DemoRun) -> None:
    made = {} if run.no_groups else build_updates(rng=random.Random(f"{run.seed}-reports"))
    run.summary.append(f"{made.get('updates', 0)} group updates ({made.get('overdue', 0)} overdue)")
