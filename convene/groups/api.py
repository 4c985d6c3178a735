"""The groups API under /api/v1/: the same rules, queries and services as the pages.

Every write goes through ``convene.groups.services``; a refused rule (PermissionDenied) answers 403,
bad input (django.core.exceptions.ValidationError) 422 with the messages, a group the caller may not
see 404 (handlers on the NinjaAPI in convene.core.api).
"""

from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from convene.core.api_schemas import BODY_ID, ERRORS, READ_ERRORS, IsoDate, JsonBody, PathId, PersonRef
from convene.core.pagination import ApiPagination
from convene.core.rules import ensure
from convene.governance.schemas import DecisionOut
from convene.people.models import Person, Topic

from . import queries, services
from .models import (
    Group,
    GroupKind,
    GroupMembership,
    GroupStatus,
    JoinPolicy,
    MeetingForm,
    MeetingFrequency,
    MembershipStatus,
    Role,
    Visibility,
)

router = Router(tags=["groups"])

GroupStatusValue = Literal[tuple(GroupStatus.values)]  # type: ignore[valid-type]
RoleValue = Literal[tuple(Role.values)]  # type: ignore[valid-type]
MembershipStatusValue = Literal[tuple(MembershipStatus.values)]  # type: ignore[valid-type]
StatusFilter = Literal["", "proposals", *GroupStatus.values]  # type: ignore[valid-type]


# --- Schemas -------------------------------------------------------------------------------------


class GroupOut(Schema):
    id: int
    slug: str
    name: str
    kind: str = Field(..., description="Slug of the kind of group, e.g. interest-group.")
    status: GroupStatusValue
    purpose: str
    topics: list[str] = Field(..., description="Topic slugs.")
    launched_on: IsoDate | None
    closed_on: IsoDate | None
    workplan_due_on: IsoDate | None
    working_language: str | None = Field(..., description="Language code of the working language.")
    meeting_frequency: Literal["", *MeetingFrequency.values]  # type: ignore[valid-type]
    meeting_form: Literal["", *MeetingForm.values]  # type: ignore[valid-type]
    join_policy: Literal[tuple(JoinPolicy.values)]  # type: ignore[valid-type]
    visibility: Literal[tuple(Visibility.values)]  # type: ignore[valid-type]
    max_size: int | None
    required_sectors: list[str]
    required_countries: list[str]
    strategic_objectives: str
    cochairs: list[PersonRef]
    member_count: int

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.kind.slug

    @staticmethod
    def resolve_topics(obj) -> list[str]:
        topics = obj.topic_list if hasattr(obj, "topic_list") else obj.topics.all()
        return [topic.slug for topic in topics]

    @staticmethod
    def resolve_working_language(obj) -> str | None:
        return obj.working_language_id

    @staticmethod
    def resolve_cochairs(obj) -> list[dict]:
        return [{"id": m.person_id, "name": m.person.display_name} for m in obj.current_cochairs]


class MembershipOut(Schema):
    id: int
    person_id: int
    name: str
    role: RoleValue
    status: MembershipStatusValue
    joined_on: IsoDate | None

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.display_name


class GroupMemberOut(Schema):
    id: int
    person_id: int
    name: str
    role: RoleValue
    joined_on: IsoDate | None

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.display_name


class GroupDetailOut(GroupOut):
    decisions: list[DecisionOut] = Field(..., description="The latest decisions about this group.")
    my_membership: MembershipOut | None = Field(..., description="The caller's current place in the group.")

    @staticmethod
    def resolve_decisions(obj) -> list:
        return obj.decisions_shown


class CochairTermOut(Schema):
    id: int
    person: PersonRef
    starts_on: IsoDate
    ends_on: IsoDate | None
    appointed_by: int = Field(..., description="Id of the decision that appointed the co-chair.")

    @staticmethod
    def resolve_person(obj) -> dict:
        return {"id": obj.person_id, "name": obj.person.display_name}

    @staticmethod
    def resolve_appointed_by(obj) -> int:
        return obj.appointed_by_id


class GroupFilters(FilterSchema):
    q: str = Field("", max_length=100, description="Words in the name or purpose.")
    topic: str = Field("", max_length=120, description="Topic slug.")
    kind: str = Field("", max_length=80, description="Kind slug, e.g. interest-group.")
    language: str = Field("", max_length=10, description="Working language code, e.g. fr.")
    status: StatusFilter = Field(  # type: ignore[valid-type]
        "",
        description="A status, or 'proposals'; by default the groups that are neither declined nor closed.",
    )


SLUG = "^[-a-zA-Z0-9_]+$"


class ProposalIn(JsonBody):
    kind: str = Field(
        ...,
        max_length=80,
        pattern=SLUG,
        description="Kind slug, e.g. interest-group: one of the kinds the network configured (GET a group's kind).",
    )
    name: str = Field(..., min_length=1, max_length=160)
    purpose: str = Field(..., min_length=1, max_length=10_000)
    why_now: str = Field("", max_length=10_000)
    topics: list[str] = Field([], max_length=20, description="Topic slugs.")


class ProposalPatch(JsonBody):
    kind: str | None = Field(None, max_length=80, pattern=SLUG)
    name: str | None = Field(None, min_length=1, max_length=160)
    purpose: str | None = Field(None, min_length=1, max_length=10_000)
    why_now: str | None = Field(None, max_length=10_000)
    topics: list[str] | None = Field(None, max_length=20)


class DecisionIn(JsonBody):
    outcome: Literal["approved", "changes_requested", "declined"]
    text: str = Field("", max_length=10_000)
    decided_on: IsoDate | None = Field(None, description="Today when left out.")


class CochairIn(JsonBody):
    person_id: int = Field(..., **BODY_ID)
    replaces_id: int | None = Field(None, **BODY_ID, description="The co-chair the new one replaces.")
    decided_on: IsoDate | None = Field(None, description="Today when left out.")
    text: str = Field("", max_length=10_000)


class CloseIn(JsonBody):
    text: str = Field("", max_length=10_000)
    decided_on: IsoDate | None = Field(None, description="Today when left out.")


class JoinIn(JsonBody):
    note: str = Field("", max_length=500, description="Why you want to join (for an approval group).")


class RequestAnswerIn(JsonBody):
    approve: bool


class InvitationIn(JsonBody):
    person_id: int = Field(..., **BODY_ID)


# --- Helpers -------------------------------------------------------------------------------------


def _group(request, slug: str) -> Group:
    return queries.group_for_viewer(viewer=request.user, slug=slug)


def _kind(slug: str) -> GroupKind:
    kind = GroupKind.objects.filter(slug=slug).first()
    if kind is None:
        raise ValidationError(_("Unknown kind of group: %(kind)s.") % {"kind": slug})
    return kind


def _topics(slugs: list[str]) -> list[Topic]:
    # A slug with a NUL character is unknown; PostgreSQL would refuse it in the query (a 500).
    topics = list(Topic.objects.filter(slug__in={s for s in slugs if "\x00" not in s}))
    unknown = sorted(set(slugs) - {topic.slug for topic in topics})
    if unknown:
        raise ValidationError(_("Unknown topics: %(topics)s.") % {"topics": ", ".join(unknown)})
    return topics


def _person(person_id: int) -> Person:
    person = Person.objects.filter(pk=person_id, is_active=True).select_related("profile").first()
    if person is None:
        raise ValidationError(_("No such person."))
    return person


def _with_counts(group: Group) -> Group:
    """The group as the list shapes it (co-chairs, member count, topics), for a write's answer."""
    page = queries.group_page(group=group, can_read_threads=False, can_manage=False)
    group.current_cochairs = page.cochairs
    group.member_count = page.member_count
    group.topic_list = page.topics
    for decision in page.decisions:
        decision.group = group  # the answer names the group by slug: no query per decision
    group.decisions_shown = page.decisions
    return group


# --- Reads ---------------------------------------------------------------------------------------


@router.get("groups", response={200: list[GroupOut], **READ_ERRORS}, summary="List groups")
@paginate(ApiPagination, page_size=50)
def list_groups(request, filters: Query[GroupFilters]):
    """The groups the caller may see, by name; proposals only to their proposer and to insiders."""
    return queries.group_list(viewer=request.user, filters=queries.GroupFilters(**filters.model_dump()))


@router.get("decisions", response={200: list[DecisionOut], **READ_ERRORS}, summary="The decision log")
@paginate(ApiPagination, page_size=50)
def list_decisions(request):
    """What the steering committee decided, newest first (members, the committee and the secretariat)."""
    ensure(request.user, "governance.view_roles")
    return queries.decision_log()


# Registered before "groups/{slug}" so that POST groups/proposals is not taken for a group's URL.
@router.post("groups/proposals", response={201: GroupOut, **ERRORS}, summary="Propose a group")
def propose_group(request, payload: ProposalIn):
    """Any member proposes a group; the steering committee decides on it."""
    group = services.group_propose(
        acting=request.user,
        kind=_kind(payload.kind),
        name=payload.name,
        purpose=payload.purpose,
        why_now=payload.why_now,
        topics=_topics(payload.topics),
    )
    return 201, _with_counts(group)


@router.get("groups/{slug}", response={200: GroupDetailOut, **READ_ERRORS}, summary="One group")
def get_group(request, slug: str):
    group = _with_counts(_group(request, slug))
    group.my_membership = queries.viewer_membership(viewer=request.user, group=group)
    return group


@router.get(
    "groups/{slug}/members",
    response={200: list[GroupMemberOut], **READ_ERRORS},
    summary="A group's current members",
)
@paginate(ApiPagination, page_size=100)
def list_group_members(request, slug: str):
    group = _group(request, slug)
    ensure(request.user, "groups.view_members", group)
    return queries.group_members(group=group)


# --- Membership ----------------------------------------------------------------------------------


@router.post("groups/{slug}/join", response={200: MembershipOut, **ERRORS}, summary="Join a group")
def join_group(request, slug: str, payload: JoinIn | None = None):
    """Join an open group, ask to join an approval group, or accept an invitation."""
    group = _group(request, slug)
    membership = services.membership_join(
        group=group, acting=request.user, note=payload.note if payload else ""
    )
    return membership


@router.post("groups/{slug}/leave", response={200: MembershipOut, **ERRORS}, summary="Leave a group")
def leave_group(request, slug: str):
    """Leave a group, withdraw a request to join, or decline an invitation."""
    group = _group(request, slug)
    return services.membership_leave(group=group, acting=request.user)


@router.post(
    "groups/{slug}/requests/{membership_id}",
    response={200: MembershipOut, **ERRORS},
    summary="Approve or decline a request to join",
)
def answer_request(request, slug: str, membership_id: PathId, payload: RequestAnswerIn):
    group = _group(request, slug)
    membership = (
        GroupMembership.objects.filter(group=group, pk=membership_id)
        .select_related("group", "person__profile")
        .first()
    )
    if membership is None:
        raise Http404
    return services.membership_request_decide(
        membership=membership, acting=request.user, approve=payload.approve
    )


@router.post(
    "groups/{slug}/invitations",
    response={201: MembershipOut, **ERRORS},
    summary="Invite a member of the network",
)
def invite_to_group(request, slug: str, payload: InvitationIn):
    group = _group(request, slug)
    ensure(request.user, "groups.manage_members", group)  # before telling whether the person exists
    # Only someone the caller may invite (queries.invitable_person); anyone else answers as nobody.
    person = queries.invitable_person(group=group, viewer=request.user, person_id=payload.person_id)
    if person is None:
        raise ValidationError(_("No such person."))
    membership = services.membership_invite(group=group, person=person, acting=request.user)
    return 201, membership


# --- Proposals, decisions, co-chairs ---------------------------------------------------------------


@router.patch("groups/{slug}/proposal", response={200: GroupOut, **ERRORS}, summary="Change a proposal")
def update_proposal(request, slug: str, payload: ProposalPatch):
    """The proposer (or the secretariat) changes a proposal; one sent back goes back to the committee."""
    group = _group(request, slug)
    ensure(request.user, "groups.edit_proposal", group)
    fields = payload.model_dump(exclude_unset=True, exclude_none=True)
    topics = _topics(fields.pop("topics")) if "topics" in fields else None
    if "kind" in fields:
        fields["kind"] = _kind(fields["kind"])
    group = services.group_proposal_update(group=group, acting=request.user, topics=topics, **fields)
    return _with_counts(group)


@router.post(
    "groups/{slug}/decisions", response={201: DecisionOut, **ERRORS}, summary="Decide on a proposed group"
)
def decide_on_group(request, slug: str, payload: DecisionIn):
    """The steering committee (or the secretariat on its behalf) launches, sends back or declines a proposal."""
    group = _group(request, slug)
    decision = services.group_decide(
        group=group,
        outcome=payload.outcome,
        acting=request.user,
        text=payload.text,
        decided_on=payload.decided_on,
    )
    return 201, decision


@router.post("groups/{slug}/cochairs", response={201: CochairTermOut, **ERRORS}, summary="Appoint a co-chair")
def appoint_cochair(request, slug: str, payload: CochairIn):
    """The steering committee appoints a co-chair, optionally in place of a current one. Recorded as a decision."""
    group = _group(request, slug)
    ensure(request.user, "groups.appoint_cochairs")  # before telling whether the person exists
    term = services.cochair_appoint(
        group=group,
        person=_person(payload.person_id),
        replaces=_person(payload.replaces_id) if payload.replaces_id is not None else None,
        acting=request.user,
        decided_on=payload.decided_on,
        text=payload.text,
    )
    return 201, term


@router.post("groups/{slug}/close", response={200: DecisionOut, **ERRORS}, summary="Close a group")
def close_group(request, slug: str, payload: CloseIn | None = None):
    """The steering committee closes a group: open requests and invitations lapse, the history stays."""
    group = _group(request, slug)
    payload = payload or CloseIn()
    return services.group_close(
        group=group, acting=request.user, text=payload.text, decided_on=payload.decided_on
    )
