"""Reads of the digest e-mail (STYLE §2): who is owed a digest now, and what each says, built for many
people at once in a fixed number of queries, whatever their number.

A digest goes around 06:00 where the person lives (daily, or weekly on Mondays): a run every quarter
of an hour finds the people whose local time is between 06:00 and noon and who have no digest row for
that day or week yet. It holds: the meetings of their groups in the next seven days (their zone), the
action items assigned to them due in the next seven days or overdue (the work-plan task each became
decides whether it is done), the minutes published and the group updates submitted or acknowledged
in their groups since their last digest."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from convene.core.timezones import canonical_time_zone
from convene.groups.models import GroupMembership, MembershipStatus
from convene.meetings.models import (
    ActionItem,
    DigestChoice,
    Meeting,
    MeetingPreferences,
    MeetingStatus,
    MinutesStatus,
)
from convene.plans.models import TaskStatus

from .models import Digest, GroupUpdate, UpdateStatus

DIGEST_HOURS = (6, 12)  # sent from 06:00 local, and not after noon (a late run waits for the next day)
AHEAD = datetime.timedelta(days=7)
PERIOD_LENGTH = {
    DigestChoice.DAILY: datetime.timedelta(days=1),
    DigestChoice.WEEKLY: datetime.timedelta(days=7),
}
# A digest row not sent this long after it was claimed belongs to a run that died: sent by the next.
DIGEST_LEASE = datetime.timedelta(minutes=15)
# Rows older than this are not sent any more (a digest a day late says nothing new).
DIGEST_STALE_AFTER = datetime.timedelta(hours=12)


def zone_of(person) -> str:
    return canonical_time_zone(person.time_zone or "") or settings.TIME_ZONE


def period_key(choice: str, local: datetime.datetime) -> str | None:
    """The digest period ``local`` (the person's wall-clock time) falls in, or None outside the
    sending hours (weekly: Mondays only)."""
    if not DIGEST_HOURS[0] <= local.hour < DIGEST_HOURS[1]:
        return None
    if choice == DigestChoice.WEEKLY:
        return f"weekly:{local.date().isoformat()}" if local.weekday() == 0 else None
    return f"daily:{local.date().isoformat()}"


def digests_due(*, now: datetime.datetime | None = None) -> list[tuple[int, str, datetime.datetime]]:
    """(person id, period, since) of every digest owed now and not yet recorded, in three queries."""
    now = now or timezone.now()
    chosen = list(
        MeetingPreferences.objects.filter(person__is_active=True)
        .exclude(digest=DigestChoice.NONE)
        .values_list("person_id", "digest", "person__time_zone")
    )
    owed = {}
    for person_id, choice, zone_name in chosen:
        zone = canonical_time_zone(zone_name or "") or settings.TIME_ZONE
        key = period_key(choice, now.astimezone(ZoneInfo(zone)))
        if key is not None:
            owed[person_id] = (key, choice)
    if not owed:
        return []
    recorded = set(
        Digest.objects.filter(person_id__in=owed, period__in={k for k, _c in owed.values()}).values_list(
            "person_id", "period"
        )
    )
    last = dict(
        Digest.objects.filter(person_id__in=owed, sent_at__isnull=False)
        .values("person_id")
        .annotate(at=Max("created_at"))
        .values_list("person_id", "at")
    )
    return [
        (person_id, key, last.get(person_id) or now - PERIOD_LENGTH[choice])
        for person_id, (key, choice) in owed.items()
        if (person_id, key) not in recorded
    ]


def digests_waiting(*, now: datetime.datetime | None = None, limit: int = 1000) -> list[int]:
    """The digest rows to send now: not sent, not held by a live run, recent."""
    now = now or timezone.now()
    return list(
        Digest.objects.filter(sent_at__isnull=True, created_at__gte=now - DIGEST_STALE_AFTER)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - DIGEST_LEASE))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


@dataclass
class DigestContent:
    person: object
    zone: str
    since: datetime.datetime
    meetings: list[Meeting] = field(default_factory=list)
    action_items: list[ActionItem] = field(default_factory=list)
    minutes: list[Meeting] = field(default_factory=list)
    updates: list[GroupUpdate] = field(default_factory=list)
    today: datetime.date | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.meetings or self.action_items or self.minutes or self.updates)


def digest_contents(
    digests: list[Digest], *, now: datetime.datetime | None = None
) -> dict[int, DigestContent]:
    """Each digest's content by digest id, in six queries whatever the number of digests (their person
    and profile read with them)."""
    now = now or timezone.now()
    if not digests:
        return {}
    people = {d.person_id: d.person for d in digests}
    earliest = min(d.since for d in digests)
    groups_of: dict[int, set[int]] = defaultdict(set)
    for person_id, group_id in GroupMembership.objects.filter(
        person_id__in=people, status=MembershipStatus.ACTIVE
    ).values_list("person_id", "group_id"):
        groups_of[person_id].add(group_id)
    group_ids = set().union(*groups_of.values()) if groups_of else set()

    through = Meeting.groups.through
    upcoming: dict[int, list[Meeting]] = defaultdict(list)  # by group
    for link in through.objects.filter(
        group_id__in=group_ids,
        meeting__status=MeetingStatus.SCHEDULED,
        meeting__starts__gte=now,
        meeting__starts__lt=now + AHEAD,
    ).select_related("meeting"):
        upcoming[link.group_id].append(link.meeting)

    published: dict[int, list[Meeting]] = defaultdict(list)  # by group
    for link in through.objects.filter(
        group_id__in=group_ids,
        meeting__minutes__status=MinutesStatus.PUBLISHED,
        meeting__minutes__published_at__gte=earliest,
    ).select_related("meeting__minutes"):
        published[link.group_id].append(link.meeting)

    latest_local_today = max(now.astimezone(ZoneInfo(zone_of(p))).date() for p in people.values())
    actions: dict[int, list[ActionItem]] = defaultdict(list)
    for item in (
        ActionItem.objects.filter(
            assignee_id__in=people,
            due_on__isnull=False,
            due_on__lte=latest_local_today + AHEAD,
            meeting__minutes__status=MinutesStatus.PUBLISHED,
        )
        .exclude(task__status__in=[TaskStatus.DONE, TaskStatus.CANCELLED])
        .select_related("group", "meeting")
        .order_by("due_on", "pk")
    ):
        actions[item.assignee_id].append(item)

    updates: dict[int, list[GroupUpdate]] = defaultdict(list)  # by group
    for update in (
        GroupUpdate.objects.filter(group_id__in=group_ids)
        .filter(
            Q(status=UpdateStatus.SUBMITTED, submitted_at__gte=earliest)
            | Q(status=UpdateStatus.ACKNOWLEDGED, acknowledged_at__gte=earliest)
        )
        .select_related("group")
        .order_by("group__name", "period_starts")
    ):
        updates[update.group_id].append(update)

    contents = {}
    for digest in digests:
        person = people[digest.person_id]
        zone = zone_of(person)
        today = now.astimezone(ZoneInfo(zone)).date()
        mine = groups_of.get(digest.person_id, set())
        content = DigestContent(person=person, zone=zone, since=digest.since, today=today)
        content.meetings = _unique(m for g in mine for m in upcoming.get(g, []))
        content.meetings.sort(key=lambda m: (m.starts, m.pk))
        content.minutes = _unique(
            m for g in mine for m in published.get(g, []) if m.minutes.published_at >= digest.since
        )
        content.minutes.sort(key=lambda m: (m.minutes.published_at, m.pk))
        content.action_items = [i for i in actions.get(digest.person_id, []) if i.due_on <= today + AHEAD]
        content.updates = [
            u
            for g in sorted(mine)
            for u in updates.get(g, [])
            if (u.acknowledged_at if u.status == UpdateStatus.ACKNOWLEDGED else u.submitted_at)
            >= digest.since
        ]
        contents[digest.pk] = content
    return contents


def _unique(meetings) -> list[Meeting]:
    seen, out = set(), []
    for meeting in meetings:
        if meeting.pk not in seen:
            seen.add(meeting.pk)
            out.append(meeting)
    return out
