"""Reads about groups, shaped once for pages and the API (STYLE §2). Each returns a bounded
number of queries whatever the number of rows."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django_countries import countries

from convene.governance.models import Decision
from convene.people.models import Person, Profile, Sector

from .models import (
    OPEN_STATUSES,
    Activity,
    CochairTerm,
    Group,
    GroupMembership,
    GroupStatus,
    MembershipStatus,
    Post,
    PostDelivery,
    Role,
    Thread,
)


@dataclass(frozen=True)
class GroupFilters:
    q: str = ""
    topic: str = ""
    kind: str = ""
    language: str = ""
    status: str = ""

    def __post_init__(self):
        # PostgreSQL refuses a NUL character in a query parameter (a 500 that schemathesis found):
        # no name, slug or code contains one, so it is dropped from every filter.
        for name in ("q", "topic", "kind", "language", "status"):
            object.__setattr__(self, name, (getattr(self, name) or "").replace("\x00", ""))


def _current_cochairs_prefetch() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=GroupMembership.objects.filter(status=MembershipStatus.ACTIVE, role=Role.COCHAIR)
        .select_related("person__profile")
        .order_by("role_since", "pk"),
        to_attr="current_cochairs",
    )


def group_list(*, viewer, filters: GroupFilters) -> QuerySet[Group]:
    qs = Group.objects.visible_to(viewer)
    if filters.status == "proposals":
        qs = qs.filter(status__in=[GroupStatus.PROPOSED, GroupStatus.CHANGES_REQUESTED])
    elif filters.status:
        qs = qs.filter(status=filters.status)
    else:
        qs = qs.exclude(status__in=[GroupStatus.DECLINED, GroupStatus.CLOSED])
    for word in filters.q.split()[:6]:
        qs = qs.filter(Q(name__icontains=word) | Q(purpose__icontains=word))
    if filters.topic:
        qs = qs.filter(topics__slug=filters.topic)
    if filters.kind:
        qs = qs.filter(kind__slug=filters.kind)
    if filters.language:
        qs = qs.filter(working_language__code=filters.language)
    return (
        qs.select_related("kind", "working_language")
        .annotate(member_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE)))
        .prefetch_related("topics", _current_cochairs_prefetch())
        .order_by("name", "pk")
    )


def group_for_viewer(*, viewer, slug: str) -> Group:
    """One group the viewer may see, or 404 (also for a members-only group and a visitor)."""
    group = (
        Group.objects.visible_to(viewer)
        .select_related("kind", "working_language", "proposed_by__profile")
        .filter(slug=slug)
        .first()
    )
    if group is None:
        raise Http404
    return group


def viewer_membership(*, viewer, group: Group) -> GroupMembership | None:
    if viewer is None or not viewer.is_authenticated:
        return None
    return GroupMembership.objects.filter(
        group=group,
        person=viewer,
        status__in=[MembershipStatus.ACTIVE, MembershipStatus.REQUESTED, MembershipStatus.INVITED],
    ).first()


@dataclass
class GroupPage:
    group: Group
    cochairs: list[GroupMembership]
    member_count: int
    topics: list
    recent_threads: list[Thread]
    decisions: list[Decision]
    pending_requests: int


def group_page(*, group: Group, can_read_threads: bool, can_manage: bool) -> GroupPage:
    cochairs = list(
        GroupMembership.objects.filter(group=group, status=MembershipStatus.ACTIVE, role=Role.COCHAIR)
        .select_related("person__profile__organisation")
        .order_by("role_since", "pk")
    )
    counts = GroupMembership.objects.filter(group=group).aggregate(
        members=Count("pk", filter=Q(status=MembershipStatus.ACTIVE)),
        requests=Count("pk", filter=Q(status=MembershipStatus.REQUESTED)),
    )
    threads = (
        list(
            Thread.objects.filter(group=group).select_related("author__profile").order_by("-last_post_at")[:5]
        )
        if can_read_threads
        else []
    )
    return GroupPage(
        group=group,
        cochairs=cochairs,
        member_count=counts["members"],
        topics=list(group.topics.all()),
        recent_threads=threads,
        decisions=list(Decision.objects.filter(group=group).select_related("recorded_by__profile")[:10]),
        pending_requests=counts["requests"] if can_manage else 0,
    )


def group_members(*, group: Group) -> QuerySet[GroupMembership]:
    return (
        GroupMembership.objects.filter(group=group, status=MembershipStatus.ACTIVE)
        .select_related("person__profile__organisation")
        .order_by("role", "person__profile__name", "pk")
    )


def group_requests(*, group: Group) -> QuerySet[GroupMembership]:
    return (
        GroupMembership.objects.filter(
            group=group, status__in=[MembershipStatus.REQUESTED, MembershipStatus.INVITED]
        )
        .select_related("person__profile__organisation", "invited_by__profile")
        .order_by("status", "created_at")
    )


def membership_history(*, group: Group) -> QuerySet[GroupMembership]:
    return (
        GroupMembership.objects.filter(
            group=group, status__in=[MembershipStatus.LEFT, MembershipStatus.REMOVED]
        )
        .select_related("person__profile")
        .order_by("-left_on", "-pk")[:200]
    )


def cochair_terms(*, group: Group) -> QuerySet[CochairTerm]:
    return (
        CochairTerm.objects.filter(group=group)
        .select_related("person__profile", "appointed_by")
        .order_by("-starts_on")
    )


def suggested_cochairs(*, group: Group) -> list[Person]:
    """The people the group's proposal suggested as its leads (bounded by the proposal form)."""
    return list(group.suggested_cochairs.select_related("profile").order_by("pk"))


@dataclass
class Composition:
    by_sector: list[tuple[str, str, int]]  # (code, label, count)
    by_country: list[tuple[str, str, int]]
    missing_sectors: list[str]
    missing_countries: list[str]
    size: int
    max_size: int | None
    too_big: bool


def composition(*, group: Group) -> Composition:
    """Which sectors and countries are at the table, and which the charter asks for but are missing."""
    rows = list(
        Profile.objects.filter(
            person__group_memberships__group=group, person__group_memberships__status=MembershipStatus.ACTIVE
        ).values_list("sector", "country")
    )
    labels = dict(Sector.choices)
    sectors = Counter(sector or "" for sector, _country in rows)
    country_counts = Counter(country or "" for _sector, country in rows)
    by_sector = [(code, str(labels.get(code, "—")), n) for code, n in sectors.most_common()]
    by_country = [
        (code, countries.name(code) if code else "—", n) for code, n in country_counts.most_common()
    ]
    missing_sectors = [
        str(labels.get(code, code)) for code in group.required_sectors or [] if not sectors.get(code)
    ]
    missing_countries = [
        countries.name(code) or code
        for code in group.required_countries or []
        if not country_counts.get(code)
    ]
    size = len(rows)
    return Composition(
        by_sector=by_sector,
        by_country=by_country,
        missing_sectors=missing_sectors,
        missing_countries=missing_countries,
        size=size,
        max_size=group.max_size,
        too_big=bool(group.max_size and size > group.max_size),
    )


def group_activities(*, group: Group) -> QuerySet[Activity]:
    return (
        Activity.objects.filter(group=group)
        .select_related("person__profile", "organisation")
        .order_by("person__profile__name", "-since", "pk")
    )


def activity_counts(activities) -> dict:
    """Counts by country and sector of the people behind the activities (one pass, no query)."""
    by_country: Counter = Counter()
    by_sector: Counter = Counter()
    labels = dict(Sector.choices)
    for activity in activities:
        by_country[countries.name(activity.country) if activity.country else "—"] += 1
        by_sector[str(labels.get(activity.person.profile.sector, "—"))] += 1
    return {"by_country": by_country.most_common(), "by_sector": by_sector.most_common()}


def group_threads(*, group: Group) -> QuerySet[Thread]:
    return (
        Thread.objects.filter(group=group)
        .select_related("author__profile")
        .order_by("-is_announcement", "-last_post_at")
    )


def thread_for_viewer(*, group: Group, thread_id: int) -> Thread:
    thread = Thread.objects.filter(group=group, pk=thread_id).select_related("author__profile").first()
    if thread is None:
        raise Http404
    return thread


def thread_posts(*, thread: Thread) -> QuerySet[Post]:
    return Post.objects.filter(thread=thread).select_related("author__profile").order_by("created_at", "pk")


def unread_for(*, person: Person, limit: int = 50) -> QuerySet[PostDelivery]:
    return (
        PostDelivery.objects.filter(person=person, read_at__isnull=True)
        .select_related("post__thread__group", "post__author__profile")
        .order_by("-post__created_at")[:limit]
    )


def my_groups(*, person: Person) -> QuerySet[GroupMembership]:
    return (
        GroupMembership.objects.filter(
            person=person,
            status__in=[MembershipStatus.ACTIVE, MembershipStatus.REQUESTED, MembershipStatus.INVITED],
        )
        .select_related("group__kind")
        .order_by("group__name")
    )


@dataclass
class OverviewRow:
    group: Group
    cochairs: list[str]
    size: int
    missing_sectors: list[str] = field(default_factory=list)
    missing_countries: list[str] = field(default_factory=list)
    workplan_overdue_days: int | None = None


OVERVIEW_SORTS = {
    "name": lambda r: (r.group.name.lower(),),
    "status": lambda r: (r.group.status, r.group.name.lower()),
    "launched": lambda r: (r.group.launched_on or date.min, r.group.name.lower()),
    "size": lambda r: (r.size, r.group.name.lower()),
    "overdue": lambda r: (-(r.workplan_overdue_days or -1), r.group.name.lower()),
}


def groups_overview(*, sort: str = "name", today: date | None = None) -> list[OverviewRow]:
    """Every group for the committee and the secretariat: status, launch, co-chairs, size,
    composition gaps and an overdue work plan. Four queries in all."""
    today = today or timezone.localdate()
    groups = list(
        Group.objects.select_related("kind").prefetch_related(_current_cochairs_prefetch()).order_by("name")
    )
    sectors: dict[int, set] = defaultdict(set)
    country_sets: dict[int, set] = defaultdict(set)
    sizes: Counter = Counter()
    member_rows = GroupMembership.objects.filter(status=MembershipStatus.ACTIVE).values_list(
        "group_id", "person__profile__sector", "person__profile__country"
    )
    for group_id, sector, country in member_rows:
        sizes[group_id] += 1
        sectors[group_id].add(sector)
        country_sets[group_id].add(country)
    labels = dict(Sector.choices)
    rows = []
    for group in groups:
        overdue = None
        if (
            group.status in OPEN_STATUSES
            and group.workplan_due_on
            and not group.workplan_received_on
            and group.workplan_due_on < today
        ):
            overdue = (today - group.workplan_due_on).days
        rows.append(
            OverviewRow(
                group=group,
                cochairs=[m.person.display_name for m in group.current_cochairs],
                size=sizes[group.pk],
                missing_sectors=[
                    str(labels.get(s, s)) for s in group.required_sectors or [] if s not in sectors[group.pk]
                ],
                missing_countries=[
                    countries.name(c) or c
                    for c in group.required_countries or []
                    if c not in country_sets[group.pk]
                ],
                workplan_overdue_days=overdue,
            )
        )
    rows.sort(key=OVERVIEW_SORTS.get(sort, OVERVIEW_SORTS["name"]))
    return rows


def overdue_groups(*, today: date | None = None) -> list[OverviewRow]:
    return [row for row in groups_overview(sort="overdue", today=today) if row.workplan_overdue_days]


def decision_log(*, limit: int = 200) -> QuerySet[Decision]:
    return Decision.objects.select_related("group", "recorded_by__profile").order_by("-decided_on", "-pk")[
        :limit
    ]


def invitable_people(*, group: Group, q: str = "", country: str = "", limit: int = 30):
    """Members of the network who are not in the group, found by name or expertise and country."""
    from convene.people.models import MembershipStatus as NetworkStatus

    taken = GroupMembership.objects.filter(
        group=group,
        status__in=[MembershipStatus.ACTIVE, MembershipStatus.REQUESTED, MembershipStatus.INVITED],
    ).values("person_id")
    qs = Profile.objects.filter(membership_status=NetworkStatus.ACTIVE, person__is_active=True).exclude(
        person_id__in=taken
    )
    for word in q.lower().split()[:6]:
        qs = qs.filter(search_text__contains=word)
    if country:
        qs = qs.filter(country=country)
    return qs.select_related("person", "organisation").prefetch_related("topics").order_by("name")[:limit]
