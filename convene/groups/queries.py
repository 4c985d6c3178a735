"""Reads about groups, shaped once for pages and the API (STYLE §2). Each returns a bounded
number of queries whatever the number of rows."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from convene.governance.models import Decision
from convene.people.models import Person, Profile, Sector

from .models import (
    OPEN_STATUSES,
    PROPOSAL_STATUSES,
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
        .annotate(member_count=_active_member_count())
        .prefetch_related("topics", _current_cochairs_prefetch())
        .order_by("name", "pk")
    )


def _active_member_count():
    """Each group's active members as a subquery of the row: computed for the rows a page shows,
    after sorting and LIMIT, where a Count() over a join summed every membership of every group
    (and again for the page count) before taking 20."""
    counted = (
        GroupMembership.objects.filter(group=OuterRef("pk"), status=MembershipStatus.ACTIVE)
        .order_by()
        .values("group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


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


def post_for_viewer(*, thread: Thread, post_id: int) -> Post:
    """A post of this thread (already checked readable), or 404; its thread and group are the ones
    in hand, so the rules about it cost no query."""
    post = Post.objects.filter(thread=thread, pk=post_id).select_related("author__profile").first()
    if post is None:
        raise Http404
    post.thread = thread
    return post


def post_page_number(*, post: Post, page_size: int) -> int:
    """The page of its thread a post is on (posts are paged oldest first)."""
    before = Post.objects.filter(thread_id=post.thread_id).filter(
        Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk)
    )
    return before.count() // page_size + 1


POST_VERSIONS_LIMIT = 100


def post_versions(*, post: Post) -> list:
    """Every version of a post, newest first, with who made it (for the group's moderators)."""
    return list(
        post.history.select_related("history_user__profile").order_by("-history_date", "-history_id")[
            :POST_VERSIONS_LIMIT
        ]
    )


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
    # The state of the plan the group works to (a PlanStatus value), its id, and the state shown:
    # that status, "overdue" when the due date has passed with no plan submitted or approved, "received"
    # when the secretariat recorded a plan that came outside Convene, or "" when nothing is known yet.
    plan_status: str = ""
    plan_id: int | None = None
    plan_state: str = ""

    @property
    def plan_status_label(self) -> str:
        from convene.plans.models import PlanStatus

        return str(PlanStatus(self.plan_status).label) if self.plan_status else ""

    @property
    def plan_state_label(self) -> str:
        from convene.plans.models import PlanStatus

        if self.plan_state == "overdue":
            if self.plan_status:
                return str(_("%(status)s, overdue") % {"status": PlanStatus(self.plan_status).label})
            return str(_("overdue"))
        if self.plan_state == "received":
            return str(_("received by the secretariat"))
        return str(PlanStatus(self.plan_state).label) if self.plan_state else ""


# The plan states that mean a group has done its part: submitted and waiting, or approved (perhaps
# being revised now). A draft or a returned plan past the due date is overdue.
PLAN_DELIVERED = ("submitted", "approved", "revising")


def _current_plans(group_ids=None) -> dict[int, tuple[int, str]]:
    """Each group's current plan as (id, status), the rule of ``plans.queries.current_plan`` for every
    group (or those of ``group_ids``) in one query: the approved plan (in force or being revised), else
    the newest."""
    from convene.plans.models import PlanStatus, WorkPlan

    current: dict[int, tuple[int, str]] = {}
    in_force: set[int] = set()
    rows = WorkPlan.objects.exclude(status=PlanStatus.SUPERSEDED)
    if group_ids is not None:
        rows = rows.filter(group_id__in=group_ids)
    rows = rows.order_by("group_id", "-starts_on", "-pk").values_list("group_id", "pk", "status")
    for group_id, plan_id, status in rows:
        if group_id in in_force:
            continue
        if status in (PlanStatus.APPROVED, PlanStatus.REVISING):
            current[group_id] = (plan_id, status)
            in_force.add(group_id)
        elif group_id not in current:
            current[group_id] = (plan_id, status)
    return current


OVERVIEW_SORTS = {
    "name": lambda r: (r.group.name.lower(),),
    "status": lambda r: (r.group.status, r.group.name.lower()),
    "launched": lambda r: (r.group.launched_on or date.min, r.group.name.lower()),
    "size": lambda r: (r.size, r.group.name.lower()),
    "overdue": lambda r: (-(r.workplan_overdue_days or -1), r.group.name.lower()),
}


def groups_overview(*, sort: str = "name", today: date | None = None) -> list[OverviewRow]:
    """Every group for the committee and the secretariat: status, launch, co-chairs, size,
    composition gaps and the state of the current work plan (overdue included). Five queries in all."""
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
    plans = _current_plans()
    rows = []
    for group in groups:
        overdue = None
        plan_id, plan_status = plans.get(group.pk, (None, ""))
        overdue = _overdue_days(group, plan_id, plan_status, today)
        if overdue:
            plan_state = "overdue"
        elif plan_status:
            plan_state = plan_status
        else:
            plan_state = "received" if group.workplan_received_on else ""
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
                plan_status=plan_status,
                plan_id=plan_id,
                plan_state=plan_state,
            )
        )
    rows.sort(key=OVERVIEW_SORTS.get(sort, OVERVIEW_SORTS["name"]))
    return rows


def _overdue_days(group: Group, plan_id: int | None, plan_status: str, today: date) -> int | None:
    """Days past the work plan's due date of an open group with no plan submitted or approved (one
    received outside Convene counts when Convene holds none), else None."""
    delivered = plan_status in PLAN_DELIVERED or (not plan_id and group.workplan_received_on)
    if (
        group.status in OPEN_STATUSES
        and group.workplan_due_on
        and not delivered
        and group.workplan_due_on < today
    ):
        return (today - group.workplan_due_on).days
    return None


@dataclass
class PlanDue:
    group: Group
    plan_id: int | None
    plan_status: str
    overdue_days: int | None

    @property
    def plan_label(self) -> str:
        from convene.plans.models import PlanStatus

        return str(PlanStatus(self.plan_status).label) if self.plan_status else ""


def workplans_due(*, group_ids=None, overdue_only: bool = False, today: date | None = None) -> list[PlanDue]:
    """Open groups (all, or those of ``group_ids``) with a work-plan due date and their current plan's
    state, soonest due first. Two queries, without the overview's composition figures."""
    today = today or timezone.localdate()
    groups = Group.objects.filter(status__in=OPEN_STATUSES, workplan_due_on__isnull=False)
    if group_ids is not None:
        groups = groups.filter(pk__in=group_ids)
    if overdue_only:
        groups = groups.filter(workplan_due_on__lt=today)
    groups = list(groups.order_by("workplan_due_on", "name"))
    plans = _current_plans([g.pk for g in groups]) if groups else {}
    rows = []
    for group in groups:
        plan_id, plan_status = plans.get(group.pk, (None, ""))
        overdue = _overdue_days(group, plan_id, plan_status, today)
        if overdue_only and not overdue:
            continue
        rows.append(PlanDue(group=group, plan_id=plan_id, plan_status=plan_status, overdue_days=overdue))
    return rows


def led_group_ids(person: Person) -> list[int]:
    """The groups the person co-chairs (from the roles read once per request)."""
    from .rules import current_roles

    return sorted(group_id for group_id, role in current_roles(person).items() if role == Role.COCHAIR)


def unread_by_group(*, person: Person) -> list[dict]:
    """The person's groups with posts they have not read: name, slug and how many, most first."""
    return list(
        PostDelivery.objects.filter(person=person, read_at__isnull=True, post__deleted_at__isnull=True)
        .values(slug=F("post__thread__group__slug"), name=F("post__thread__group__name"))
        .annotate(unread=Count("pk"))
        .order_by("-unread", "name")[:20]
    )


def join_requests(*, group_ids, limit: int = 20) -> list[GroupMembership]:
    """People asking to join the given groups, oldest request first (bounded)."""
    if not group_ids:
        return []
    return list(
        GroupMembership.objects.filter(group_id__in=group_ids, status=MembershipStatus.REQUESTED)
        .select_related("group", "person__profile")
        .order_by("created_at", "pk")[:limit]
    )


def proposals_to_decide(*, limit: int = 20) -> list[Group]:
    return list(Group.objects.filter(status__in=PROPOSAL_STATUSES).order_by("created_at", "pk")[:limit])


def overdue_groups(*, today: date | None = None) -> list[OverviewRow]:
    return [row for row in groups_overview(sort="overdue", today=today) if row.workplan_overdue_days]


def decision_log(*, limit: int = 200) -> QuerySet[Decision]:
    return Decision.objects.select_related("group", "recorded_by__profile").order_by("-decided_on", "-pk")[
        :limit
    ]


def choosable_people(*, group: Group, keep: Iterable[int | None] = ()) -> QuerySet[Person]:
    """Whom the group's records may name (the owner of a deliverable, a task's assignee, who fills a
    role, who reports an indicator): the group's active members, and whoever holds the place now (they
    may have left since). The page forms offer these and the API accepts only these: one rule."""
    members = GroupMembership.objects.filter(group=group, status=MembershipStatus.ACTIVE).values("person_id")
    kept = [pk for pk in keep if pk]
    return (
        Person.objects.filter(Q(pk__in=members, is_active=True) | Q(pk__in=kept))
        .select_related("profile")
        .order_by("profile__name", "pk")
    )


def choosable_person(*, group: Group, person_id: int, keep: Iterable[int | None] = ()) -> Person | None:
    """The person of that id if ``choosable_people`` holds them, else None, like an id that does not
    exist: an answer must not tell a hidden profile or an applicant from nobody, nor echo their name."""
    return choosable_people(group=group, keep=keep).filter(pk=person_id).first()


def _in_group(group: Group):
    return GroupMembership.objects.filter(
        group=group,
        status__in=[MembershipStatus.ACTIVE, MembershipStatus.REQUESTED, MembershipStatus.INVITED],
    ).values("person_id")


def invitable_person(*, group: Group, viewer, person_id: int) -> Person | None:
    """The member of the network the viewer may name in an invitation, or None, as for an id that does
    not exist (no oracle): one the directory shows the viewer (``visible_to``), or one already on the
    group's members page (a request to join, which an invitation approves). The service decides the rest."""
    visible = Profile.objects.members().visible_to(viewer).values("person_id")
    profile = (
        Profile.objects.members()
        .filter(Q(person_id__in=visible) | Q(person_id__in=_in_group(group)), person_id=person_id)
        .select_related("person__profile")
        .first()
    )
    return profile.person if profile is not None else None


def invitable_people(*, group: Group, viewer, q: str = "", country: str = "", limit: int = 30):
    """Members of the network who are not in the group, found by name or expertise and country, among
    those the viewer may see under the directory's rule (``visible_to``: a profile shown to nobody is not
    offered, nor matched on its name or position)."""
    qs = Profile.objects.members().visible_to(viewer).exclude(person_id__in=_in_group(group)).matching(q)
    if country:
        qs = qs.filter(country=country)
    return qs.select_related("person", "organisation").prefetch_related("topics").order_by("name")[:limit]
