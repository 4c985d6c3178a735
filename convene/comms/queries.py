"""Reads for the E-Update (STYLE §2): the contribution queue, one issue for its editor, the archive,
and the data the issue's blocks are filled from (upcoming meetings, groups launched, help wanted,
network figures, the year in review). Every figure is computed from the rows, never typed."""

import calendar
import datetime
from dataclasses import asdict, dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min, Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from convene.core.rules import can
from convene.groups.models import OPEN_STATUSES, Group, Visibility
from convene.people.models import Profile

from .models import (
    OPEN_STATES,
    BlockKind,
    Contribution,
    ContributionComment,
    ContributionState,
    Issue,
    IssueEvent,
    IssueItem,
    IssueStatus,
)

# How far the blocks look: meetings ahead, groups launched before the issue's date.
MEETINGS_AHEAD = datetime.timedelta(days=60)
EVENTS_AHEAD = datetime.timedelta(days=90)
# Resources added to the library in the last two months make the "new in the library" block.
RESOURCES_BEHIND = datetime.timedelta(days=61)
LAUNCHED_WITHIN = datetime.timedelta(days=120)
BLOCK_ROWS = 10


# --- Contributions -------------------------------------------------------------------------------


def _contributions():
    return Contribution.objects.select_related("author__profile", "group")


def contribution_for_viewer(*, viewer, contribution_id: int) -> Contribution:
    contribution = (
        _contributions()
        .select_related("issue_item__issue")
        .prefetch_related("translations")
        .filter(pk=contribution_id)
        .first()
    )
    if contribution is None or not can(viewer, "comms.view_contribution", contribution):
        raise Http404
    return contribution


def comments_of(contribution: Contribution) -> list[ContributionComment]:
    return list(contribution.comments.select_related("author__profile"))


def contributions_of(person):
    """The person's own contributions and those of the groups they co-chair."""
    from convene.groups.models import GroupMembership, Role

    chaired = GroupMembership.objects.filter(person=person, role=Role.COCHAIR, status="active").values(
        "group_id"
    )
    return _contributions().filter(Q(author=person) | Q(group__in=chaired))


@dataclass(frozen=True)
class QueueFilters:
    state: str = ""
    kind: str = ""
    language: str = ""


def contribution_queue(filters: QueueFilters):
    """The editors' queue: open contributions unless a state is chosen, oldest first (first come,
    first read)."""
    qs = _contributions().select_related("issue_item__issue")
    qs = qs.filter(state=filters.state) if filters.state else qs.filter(state__in=OPEN_STATES)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.language:
        qs = qs.filter(language=filters.language)
    return qs.order_by("submitted_at", "pk")


def queue_counts() -> dict[str, int]:
    rows = Contribution.objects.values("state").annotate(n=Count("pk")).order_by()
    return {row["state"]: row["n"] for row in rows}


# --- Issues --------------------------------------------------------------------------------------


def issue_parts():
    return Issue.objects.select_related("mailing").prefetch_related(
        "texts",
        "blocks",
        Prefetch(
            "items",
            queryset=IssueItem.objects.select_related(
                "contribution__author__profile", "contribution__group"
            ).prefetch_related("contribution__translations"),
        ),
    )


def issue_history(issue: Issue) -> list[IssueEvent]:
    return list(issue.events.select_related("acting__profile"))


def issue_for_editor(*, viewer, issue_id: int) -> Issue:
    if not can(viewer, "comms.edit_issues"):
        raise PermissionDenied("comms.edit_issues")
    issue = issue_parts().filter(pk=issue_id).first()
    if issue is None:
        raise Http404
    return issue


def issues_for_editor():
    return Issue.objects.annotate(item_count=Count("items")).order_by("-number")


def accepted_contributions():
    """Accepted contributions not yet in an issue: what an editor can place."""
    return _contributions().filter(state=ContributionState.ACCEPTED).order_by("submitted_at", "pk")


def archive(*, viewer):
    """Sent issues the viewer may read, newest first."""
    qs = Issue.objects.filter(status=IssueStatus.SENT).prefetch_related("texts")
    if not can(viewer, "comms.read_issue", Issue(status=IssueStatus.SENT, visibility="members")):
        qs = qs.filter(visibility="public")
    return qs.order_by("-number")


def archived_issue(*, viewer, number: int) -> Issue:
    issue = issue_parts().filter(number=number).first()
    if issue is None or not can(viewer, "comms.read_issue", issue):
        raise Http404
    return issue


# --- Data blocks ---------------------------------------------------------------------------------


def upcoming_meetings(on: datetime.date) -> list[dict]:
    from convene.meetings.models import Meeting, MeetingStatus

    starts = datetime.datetime.combine(on, datetime.time(), tzinfo=datetime.UTC)
    meetings = (
        Meeting.objects.filter(
            status=MeetingStatus.SCHEDULED,
            for_committee=False,
            starts__gte=starts,
            starts__lt=starts + MEETINGS_AHEAD,
            groups__visibility=Visibility.PUBLIC,
            groups__status__in=OPEN_STATUSES,
        )
        .distinct()
        .prefetch_related("groups")
        .order_by("starts", "pk")[:BLOCK_ROWS]
    )
    return [
        {
            "title": m.title,
            "starts": m.starts.isoformat(),
            "zone_name": m.zone_name,
            "groups": [g.name for g in m.groups.all()],
            "path": reverse("meetings:detail", args=[m.pk]),
        }
        for m in meetings
    ]


def groups_launched(on: datetime.date) -> list[dict]:
    groups = Group.objects.filter(
        visibility=Visibility.PUBLIC,
        status__in=OPEN_STATUSES,
        launched_on__gt=on - LAUNCHED_WITHIN,
        launched_on__lte=on,
    ).order_by("-launched_on", "name")[:BLOCK_ROWS]
    return [
        {
            "name": g.name,
            "launched_on": g.launched_on.isoformat(),
            "path": reverse("groups:detail", args=[g.slug]),
        }
        for g in groups
    ]


def help_wanted() -> list[dict]:
    from convene.plans.queries import help_wanted_for

    tasks, _expertise = help_wanted_for(None)
    tasks = tasks.filter(deliverable__plan__group__visibility=Visibility.PUBLIC)[:BLOCK_ROWS]
    return [
        {
            "title": t.title,
            "group": t.deliverable.plan.group.name,
            "due_on": t.due_on.isoformat() if t.due_on else None,
            "path": reverse("plans:help_wanted"),
        }
        for t in tasks
    ]


def network_figures(on: datetime.date) -> dict:
    members = Profile.objects.members().filter(Q(joined_on__lte=on) | Q(joined_on__isnull=True))
    return {
        "members": members.count(),
        "countries": members.exclude(country="").values("country").distinct().count(),
        "groups": Group.objects.filter(status__in=OPEN_STATUSES).count(),
    }


@dataclass(frozen=True)
class YearFigures:
    """The figures of a year in review, each computed from the rows (see ``year_figures``)."""

    year: int
    members_at_start: int
    members_at_end: int
    countries_at_start: int
    countries_at_end: int
    new_groups: int
    plans_approved: int
    deliverables_completed: int
    meetings_held: int
    # Members who joined in each month, and members at each month's end (the chart).
    joined_by_month: list[int]
    members_by_month: list[int]
    # Resources the groups published in the library, events held and their attendance; ambassadors
    # serving at some time in the year, and of them those whose term began in it (advocacy).
    products_published: int | None = None
    events_held: int | None = None
    event_attendance: int | None = None
    ambassadors: int | None = None
    new_ambassadors: int | None = None

    @property
    def member_growth(self) -> int:
        return self.members_at_end - self.members_at_start

    @property
    def country_growth(self) -> int:
        return self.countries_at_end - self.countries_at_start

    def as_dict(self) -> dict:
        return asdict(self)


def year_figures(year: int) -> YearFigures:
    """A member on a day: joined on or before it and not left by then (``joined_on``, ``left_on``);
    a member who left and came back counts from the last joining only (the profile keeps one)."""
    from convene.advocacy.ambassador_queries import ambassadors_in_year
    from convene.events.models import Event, Registration
    from convene.library.models import Resource
    from convene.meetings.models import Meeting, MeetingStatus
    from convene.plans.models import Deliverable, DeliverableStatus, WorkPlan

    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    rows = list(
        Profile.objects.filter(joined_on__lte=end)
        .exclude(left_on__lt=start)
        .values_list("joined_on", "left_on", "country")
    )

    def members_on(day: datetime.date) -> list[tuple]:
        return [r for r in rows if r[0] <= day and (r[1] is None or r[1] > day)]

    at_start, at_end = members_on(start - datetime.timedelta(days=1)), members_on(end)
    joined_by_month = [0] * 12
    for joined_on, _left_on, _country in rows:
        if joined_on >= start:
            joined_by_month[joined_on.month - 1] += 1
    members_by_month = [
        len(members_on(datetime.date(year, month, calendar.monthrange(year, month)[1])))
        for month in range(1, 13)
    ]

    # A deliverable completed in the year: done now, and first recorded as done during the year.
    done_in_year = (
        Deliverable.history.filter(status=DeliverableStatus.DONE)
        .values("id")
        .annotate(first_done=Min("history_date"))
        .filter(first_done__year=year)
        .values("id")
    )
    year_start = datetime.datetime(year, 1, 1, tzinfo=datetime.UTC)
    year_end = datetime.datetime(year + 1, 1, 1, tzinfo=datetime.UTC)
    held_until = min(year_end, timezone.now())
    held_events = Event.objects.filter(cancelled=False, starts__gte=year_start, ends__lte=held_until)
    ambassadors, new_ambassadors = ambassadors_in_year(year)
    return YearFigures(
        year=year,
        members_at_start=len(at_start),
        members_at_end=len(at_end),
        countries_at_start=len({r[2] for r in at_start if r[2]}),
        countries_at_end=len({r[2] for r in at_end if r[2]}),
        new_groups=Group.objects.filter(launched_on__gte=start, launched_on__lte=end).count(),
        plans_approved=WorkPlan.objects.filter(approved_on__gte=start, approved_on__lte=end).count(),
        deliverables_completed=Deliverable.objects.filter(
            status=DeliverableStatus.DONE, pk__in=done_in_year
        ).count(),
        meetings_held=Meeting.objects.filter(
            status=MeetingStatus.SCHEDULED, starts__gte=year_start, ends__lte=held_until
        ).count(),
        joined_by_month=joined_by_month,
        members_by_month=members_by_month,
        products_published=Resource.objects.filter(
            group__isnull=False, published_on__gte=start, published_on__lte=end
        ).count(),
        events_held=held_events.count(),
        event_attendance=Registration.objects.filter(event__in=held_events, attended=True).count(),
        ambassadors=ambassadors,
        new_ambassadors=new_ambassadors,
    )


def upcoming_events(on: datetime.date) -> list[dict]:
    """Public events starting in the weeks after ``on`` (the E-Update goes to the public archive)."""
    from convene.events.models import Event
    from convene.events.models import Visibility as EventVisibility

    starts = datetime.datetime.combine(on, datetime.time(), tzinfo=datetime.UTC)
    events = Event.objects.filter(
        cancelled=False,
        visibility=EventVisibility.PUBLIC,
        starts__gte=starts,
        starts__lt=starts + EVENTS_AHEAD,
    ).order_by("starts", "pk")[:BLOCK_ROWS]
    return [
        {
            "title": e.title,
            "kind": e.get_kind_display(),
            "starts": e.starts.isoformat(),
            "zone_name": e.zone_name,
            "path": reverse("events:detail", args=[e.pk]),
        }
        for e in events
    ]


def new_resources(on: datetime.date) -> list[dict]:
    """Public resources added to the library in the weeks before ``on``."""
    from convene.library.queries import new_resources as library_new

    until = datetime.datetime.combine(on, datetime.time(), tzinfo=datetime.UTC) + datetime.timedelta(days=1)
    rows = library_new(until - RESOURCES_BEHIND, until).public()[:BLOCK_ROWS]
    return [
        {
            "title": r.title,
            "kind": r.get_kind_display(),
            "group": r.group.name if r.group else "",
            "path": reverse("library:detail", args=[r.pk]),
        }
        for r in rows
    ]


def block_data(kind: str, issue: Issue) -> dict:
    """What a block shows, read from the data now (JSON: the snapshot the issue keeps)."""
    if kind == BlockKind.UPCOMING_MEETINGS:
        return {"meetings": upcoming_meetings(issue.date)}
    if kind == BlockKind.GROUPS_LAUNCHED:
        return {"groups": groups_launched(issue.date)}
    if kind == BlockKind.HELP_WANTED:
        return {"tasks": help_wanted()}
    if kind == BlockKind.NETWORK_FIGURES:
        return network_figures(issue.date)
    if kind == BlockKind.UPCOMING_EVENTS:
        return {"events": upcoming_events(issue.date)}
    if kind == BlockKind.NEW_RESOURCES:
        return {"resources": new_resources(issue.date)}
    if kind == BlockKind.YEAR_IN_REVIEW:
        year = issue.review_year or issue.date.year - 1
        return year_figures(year).as_dict()
    raise ValueError(kind)


def month_labels() -> list[str]:
    from django.utils.dates import MONTHS_3

    return [str(MONTHS_3[m]).title() for m in range(1, 13)]


def chaired_groups(person) -> list[Group]:
    """The open groups the person co-chairs (those they may speak for)."""
    from convene.groups.rules import current_roles

    ids = [pk for pk, role in current_roles(person).items() if role == "cochair"]
    return list(Group.objects.filter(pk__in=ids, status__in=OPEN_STATUSES).order_by("name")) if ids else []


def contribution_with_image(*, viewer, contribution_id: int) -> Contribution:
    """A contribution whose image the viewer may see: one they may follow, or one published in an
    issue they may read in the archive."""
    contribution = _contribution_parts_for_image().filter(pk=contribution_id).first()
    if contribution is None or not contribution.image:
        raise Http404
    if can(viewer, "comms.view_contribution", contribution):
        return contribution
    item = getattr(contribution, "issue_item", None)
    if item is not None and can(viewer, "comms.read_issue", item.issue):
        return contribution
    raise Http404


def _contribution_parts_for_image():
    return _contributions().select_related("issue_item__issue")
