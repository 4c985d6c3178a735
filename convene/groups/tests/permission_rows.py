"""The groups app's rows of the permission matrix (tests/permissions): the group's pages and its
governance, joining, members, activities and threads, and the groups API."""

from collections.abc import Callable

from convene.groups import tokens as group_tokens
from convene.groups.models import Activity, CochairTerm, Group, GroupKind, GroupMembership, Post, Thread
from tests.permissions.harness import (
    ADMIN,
    ANON,
    API_EVERYONE,
    COCHAIR,
    COMMITTEE,
    EVERYONE_200,
    G2,
    G_ACTIVITIES,
    G_DETAIL,
    G_MEMBERS,
    GROUP_MEMBER,
    LOGGED_IN_200,
    LOGIN,
    MEMBER,
    OTHER_COCHAIR,
    P_DETAIL,
    ROLES,
    SECRETARIAT,
    Expected,
    G,
    H,
    Row,
    World,
    own_or_member,
    roles,
    slug_of,
    today,
)

# --- Groups: the group's pages and its governance (convene/groups/views.py) ---------------------


def group_field(attr: str, field_name: str) -> Callable[[World, str], tuple]:
    """A field of a group, in a tuple (an empty field is None, and a None snapshot is not compared)."""
    return lambda world, role: (getattr(Group.objects.get(pk=getattr(world, attr).pk), field_name),)


def own_membership(attr: str) -> Callable[[World, str], list]:
    """The acting person's rows in a group (for an anonymous visitor: the member's)."""
    return lambda world, role: list(
        GroupMembership.objects.filter(group=getattr(world, attr), person=own_or_member(world, role))
        .order_by("pk")
        .values_list("status", "role", "notify")
    )


def membership_row(attr: str) -> Callable[[World, str], tuple]:
    return lambda world, role: GroupMembership.objects.filter(pk=getattr(world, attr).pk).values_list(
        "status", "role"
    )[0]


def memberships_of_members_only(world: World, role: str) -> list:
    """Whether Mo Members (in no group) was invited to G."""
    return list(
        GroupMembership.objects.filter(group=world.group, person=world.members_only).values_list("status")
    )


def cochairs_of_g(world: World, role: str) -> list:
    return sorted(
        CochairTerm.objects.filter(group=world.group, ends_on=None).values_list("person_id", flat=True)
    )


def groups_count(world: World, role: str) -> int:
    return Group.objects.count()


def proposal_form(world: World, role: str) -> dict:
    return {
        "kind": GroupKind.objects.get(slug="interest-group").pk,
        "name": "Peer Support",
        "purpose": "Share peer support practice.",
        "why_now": "",
        "suggested_cochairs": "",
    }


def charter_form(world: World, role: str) -> dict:
    return {
        "working_language": "",
        "meeting_frequency": "",
        "meeting_form": "",
        "join_policy": "approval",
        "visibility": "public",
        "max_size": "",
        "strategic_objectives": f"Reach every region ({role}).",
        "revision": Group.objects.get(pk=world.group.pk).revision,  # the hidden field (no lost writes)
    }


# Every page of G that anyone who sees G may open; G2 (members only) is 404 to a visitor.
GROUP_PAGES_FOR_ALL = ("groups:detail", "groups:composition", "groups:charter", "groups:cochairs")
EVERYONE_BUT_VISITOR = roles(anonymous=404, member=200)
# Only the committee and the secretariat (and the admin, a superuser) see a proposal.
PROPOSAL_INSIDERS = roles(anonymous=404, member=404, committee=200)
COMMITTEE_AND_SECRETARIAT = roles(member=403, committee=200)

GROUP_ROWS = [
    Row("groups:list", EVERYONE_200),
    *(Row(name, EVERYONE_200, args=slug_of("group")) for name in GROUP_PAGES_FOR_ALL),
    *(
        Row(name, EVERYONE_BUT_VISITOR, variant="members-only", args=slug_of("members_only_group"))
        for name in GROUP_PAGES_FOR_ALL
    ),
    Row("groups:detail", PROPOSAL_INSIDERS, variant="proposal", args=slug_of("proposal")),
    Row(
        "groups:charter",
        roles(member=403, cochair=(302, f"/groups/{G}/charter/"), secretariat=(302, f"/groups/{G}/charter/")),
        method="POST",
        args=slug_of("group"),
        data=charter_form,
        state=group_field("group", "strategic_objectives"),
    ),
    Row(
        "groups:cochairs",
        roles(
            member=403, committee=(302, f"/groups/{G}/cochairs/"), secretariat=(302, f"/groups/{G}/cochairs/")
        ),
        method="POST",
        args=slug_of("group"),
        data=lambda world, role: {"email": world.members_only.email, "replaces": "", "decided_on": today()},
        state=cochairs_of_g,
    ),
    Row("groups:propose", LOGGED_IN_200),
    Row(
        "groups:propose",
        roles(member=(302, "/groups/peer-support/"), secretariat=(302, "/groups/peer-support/")),
        method="POST",
        data=proposal_form,
        state=groups_count,
    ),
    # A launched group is visible: the rule refuses. A proposal is not: a member cannot tell it exists.
    Row("groups:decide", COMMITTEE_AND_SECRETARIAT, args=slug_of("group")),
    Row("groups:decide", roles(member=404, committee=200), variant="proposal", args=slug_of("proposal")),
    Row(
        "groups:decide",
        roles(member=404, committee=(302, P_DETAIL), secretariat=(302, P_DETAIL)),
        method="POST",
        variant="proposal",
        args=slug_of("proposal"),
        data=lambda world, role: {"outcome": "approved", "text": "", "decided_on": today()},
        state=group_field("proposal", "status"),
    ),
    Row("groups:close", COMMITTEE_AND_SECRETARIAT, args=slug_of("group")),
    Row(
        "groups:close",
        roles(member=403, committee=(302, G_DETAIL), secretariat=(302, G_DETAIL)),
        method="POST",
        args=slug_of("group"),
        data=lambda world, role: {"text": "Its work is done.", "decided_on": today()},
        state=group_field("group", "status"),
    ),
    Row("groups:workplan_received", roles(member=405, secretariat=405), args=slug_of("group")),
    Row(
        "groups:workplan_received",
        roles(member=403, committee=(302, G_DETAIL), secretariat=(302, G_DETAIL)),
        method="POST",
        args=slug_of("group"),
        state=group_field("group", "workplan_received_on"),
    ),
    Row("groups:overview", COMMITTEE_AND_SECRETARIAT),
    Row("groups:overview_export", COMMITTEE_AND_SECRETARIAT, variant="csv", args=lambda world, role: ["csv"]),
    Row(
        "groups:overview_export", COMMITTEE_AND_SECRETARIAT, variant="xlsx", args=lambda world, role: ["xlsx"]
    ),
    Row(
        "groups:overview_export",
        roles(member=403, secretariat=403),
        variant="unknown",
        args=lambda world, role: ["pdf"],
    ),
    # Its proposer (Pat Public, no role here; see test_proposer_may_change_their_proposal) and the secretariat.
    Row(
        "groups:proposal_edit", roles(member=404, committee=403), variant="proposal", args=slug_of("proposal")
    ),
    Row(
        "groups:proposal_edit",
        roles(member=404, committee=403, secretariat=(302, P_DETAIL)),
        method="POST",
        variant="proposal",
        args=slug_of("proposal"),
        data=lambda world, role: {
            "kind": world.proposal.kind_id,
            "name": "Supervision Tools",
            "purpose": f"Collect and compare supervision tools ({role}).",
            "why_now": "",
            "suggested_cochairs": "",
        },
        state=group_field("proposal", "purpose"),
    ),
    # G is launched: its proposer (the co-chair) and the secretariat are sent back to its page.
    Row(
        "groups:proposal_edit",
        roles(member=403, cochair=(302, G_DETAIL), secretariat=(302, G_DETAIL)),
        variant="launched",
        args=slug_of("group"),
    ),
]

# --- Groups: joining, members, activities, threads (convene/groups/membership_views.py) ----------

NOT_IN_G = frozenset({MEMBER, COMMITTEE, SECRETARIAT, ADMIN, OTHER_COCHAIR})
HOME_OF_G = (302, G_DETAIL)
# Reading threads: members of the group, the committee and the secretariat.
THREAD_READERS = roles(member=403, committee=200, group_member=200)
# Posting: members of the group and the secretariat (the committee reads only).
THREAD_POSTERS = roles(member=403, group_member=200)
# Managing members: the group's co-chairs and the secretariat.
MANAGERS = roles(member=403, cochair=(302, G_MEMBERS), secretariat=(302, G_MEMBERS))
# Recording one's activities: members of the group, and no one else.
ACTIVITY_RECORDERS = roles(member=403, secretariat=403, group_member=200)


def to_everyone(answer: Expected, anonymous: Expected = LOGIN) -> dict[str, Expected]:
    return {role: anonymous if role == ANON else answer for role in ROLES}


def membership_action(attr: str, action: str) -> Callable[[World, str], list]:
    return lambda world, role: [G, getattr(world, attr).pk, action]


def g_thread(world: World, role: str) -> list:
    return [G, world.thread.pk]


def first_post(world: World) -> Post:
    """The post that opened G's thread, written by GROUP_MEMBER."""
    return Post.objects.filter(thread=world.thread).order_by("pk").first()


def g_post(world: World, role: str) -> list:
    return [G, world.thread.pk, first_post(world).pk]


# Editing or deleting a post: its author only (the co-chair and the secretariat moderate, they do not reword).
POST_AUTHOR = roles(member=403, secretariat=403, group_member=200, cochair=403)


def unsubscribe_token(world: World, role: str) -> list:
    return [group_tokens.unsubscribe_token(world.group_membership.pk)]


MEMBERSHIP_ROWS = [
    # Anyone in the network may ask to join; for those already in, the service says so and nothing changes.
    Row(
        "groups:join",
        to_everyone(HOME_OF_G),
        method="POST",
        args=slug_of("group"),
        state=own_membership("group"),
        unchanged=frozenset({GROUP_MEMBER, COCHAIR}),
    ),
    Row("groups:join", roles(member=405, secretariat=405), args=slug_of("group")),
    Row(
        "groups:leave",
        to_everyone(HOME_OF_G),
        method="POST",
        args=slug_of("group"),
        state=own_membership("group"),
        unchanged=NOT_IN_G,
    ),
    Row(
        "groups:notify",
        to_everyone(HOME_OF_G),
        method="POST",
        args=slug_of("group"),
        data=lambda world, role: {"notify": "weekly"},
        state=own_membership("group"),
        unchanged=NOT_IN_G,
    ),
    Row("groups:members", roles(anonymous=403, member=200), args=slug_of("group")),
    Row("groups:members", EVERYONE_BUT_VISITOR, variant="members-only", args=slug_of("members_only_group")),
    Row(
        "groups:membership_action",
        MANAGERS,
        method="POST",
        variant="approve",
        args=membership_action("request", "approve"),
        state=membership_row("request"),
    ),
    Row(
        "groups:membership_action",
        MANAGERS,
        method="POST",
        variant="decline",
        args=membership_action("request", "decline"),
        state=membership_row("request"),
    ),
    Row(
        "groups:membership_action",
        MANAGERS,
        method="POST",
        variant="role",
        args=membership_action("group_membership", "role"),
        data=lambda world, role: {"role": "coordinator"},
        state=membership_row("group_membership"),
    ),
    Row(
        "groups:membership_action",
        MANAGERS,
        method="POST",
        variant="remove",
        args=membership_action("group_membership", "remove"),
        state=membership_row("group_membership"),
    ),
    Row(
        "groups:membership_action",
        roles(member=404, secretariat=404),
        method="POST",
        variant="unknown",
        args=membership_action("request", "promote"),
        state=membership_row("request"),
    ),
    Row(
        "groups:invite",
        MANAGERS,
        method="POST",
        args=slug_of("group"),
        data=lambda world, role: {"person_id": world.members_only.pk},
        state=memberships_of_members_only,
    ),
    # MEMBER is invited to H; everyone else is told there is no invitation to answer.
    Row(
        "groups:invitation_answer",
        to_everyone((302, f"/groups/{H}/")),
        method="POST",
        args=lambda world, role: [H, "accept"],
        state=own_membership("other_group"),
        unchanged=frozenset(ROLES) - {MEMBER},
    ),
    Row(
        "groups:invitation_answer",
        roles(member=404, secretariat=404),
        method="POST",
        variant="unknown",
        args=lambda world, role: [H, "maybe"],
        state=own_membership("other_group"),
    ),
    Row("groups:activities", roles(anonymous=403, member=200), args=slug_of("group")),
    Row(
        "groups:activities", EVERYONE_BUT_VISITOR, variant="members-only", args=slug_of("members_only_group")
    ),
    Row(
        "groups:activities_export",
        roles(anonymous=403, member=200),
        variant="csv",
        args=lambda world, role: [G, "csv"],
    ),
    Row(
        "groups:activities_export",
        roles(anonymous=403, member=200),
        variant="xlsx",
        args=lambda world, role: [G, "xlsx"],
    ),
    Row(
        "groups:activities_export",
        roles(anonymous=403, member=404, secretariat=404),
        variant="unknown",
        args=lambda world, role: [G, "pdf"],
    ),
    Row(
        "groups:activities_export",
        roles(anonymous=404, member=200),
        variant="members-only",
        args=lambda world, role: [G2, "csv"],
    ),
    Row("groups:activity_create", ACTIVITY_RECORDERS, args=slug_of("group")),
    Row(
        "groups:activity_create",
        roles(member=403, secretariat=403, group_member=(302, G_ACTIVITIES)),
        method="POST",
        args=slug_of("group"),
        data=lambda world, role: {
            "what": "Mentoring new case workers",
            "country": "KE",
            "place": "",
            "since": "",
        },
        state=lambda world, role: Activity.objects.filter(group=world.group).count(),
    ),
    # Only the member who recorded the activity changes it; the co-chair may not.
    Row(
        "groups:activity_edit",
        roles(member=403, secretariat=403, group_member=200, cochair=403),
        args=lambda world, role: [G, world.activity.pk],
    ),
    Row(
        "groups:activity_edit",
        roles(member=403, secretariat=403, group_member=(302, G_ACTIVITIES), cochair=403),
        method="POST",
        args=lambda world, role: [G, world.activity.pk],
        data=lambda world, role: {"what": "Training supervisors", "country": "", "place": "", "since": ""},
        state=lambda world, role: Activity.objects.get(pk=world.activity.pk).what,
    ),
    Row(
        "groups:activity_delete",
        roles(member=403, secretariat=403, group_member=(302, G_ACTIVITIES), cochair=403),
        method="POST",
        args=lambda world, role: [G, world.activity.pk],
        state=lambda world, role: Activity.objects.filter(pk=world.activity.pk).exists(),
    ),
    Row("groups:threads", THREAD_READERS, args=slug_of("group")),
    Row("groups:thread", THREAD_READERS, args=g_thread),
    # H's thread asked for under G's slug: those who may read G's threads learn nothing of H's.
    Row(
        "groups:thread",
        roles(member=403, committee=404, secretariat=404, group_member=404),
        variant="other-group",
        args=lambda world, role: [G, world.other_thread.pk],
    ),
    # H's thread under H's slug: G's members and co-chair are not H's.
    Row(
        "groups:thread",
        roles(member=403, committee=200, other_cochair=200),
        variant="other-groups-thread",
        args=lambda world, role: [H, world.other_thread.pk],
    ),
    Row(
        "groups:thread",
        roles(
            member=403,
            group_member=(302, f"/groups/{G}/threads/*"),
            secretariat=(302, f"/groups/{G}/threads/*"),
        ),
        method="POST",
        args=g_thread,
        data=lambda world, role: {"body": f"A reply from the {role}."},
        state=lambda world, role: Post.objects.filter(thread=world.thread).count(),
    ),
    # A post: its author (a member of G) edits or deletes it; G's co-chair and the secretariat read
    # its versions; nobody else does either.
    Row("groups:post_edit", POST_AUTHOR, args=g_post),
    Row(
        "groups:post_edit",
        roles(member=403, secretariat=403, group_member=(302, f"/groups/{G}/threads/*"), cochair=403),
        method="POST",
        args=g_post,
        data=lambda world, role: {"body": f"Reworded by the {role}."},
        state=lambda world, role: Post.objects.get(pk=first_post(world).pk).body,
    ),
    Row("groups:post_delete", POST_AUTHOR, args=g_post),
    Row(
        "groups:post_delete",
        roles(member=403, secretariat=403, group_member=(302, f"/groups/{G}/threads/*"), cochair=403),
        method="POST",
        args=g_post,
        state=lambda world, role: Post.objects.get(pk=first_post(world).pk).deleted_at,
    ),
    Row(
        "groups:post_history", roles(member=403, secretariat=200, group_member=403, cochair=200), args=g_post
    ),
    # H's post asked for under G's thread: not found for those who read G.
    Row(
        "groups:post_history",
        roles(member=403, committee=404, secretariat=404, group_member=404),
        variant="other-group",
        args=lambda world, role: [
            G,
            world.thread.pk,
            Post.objects.filter(thread=world.other_thread).first().pk,
        ],
    ),
    Row("groups:thread_create", THREAD_POSTERS, args=slug_of("group")),
    Row(
        "groups:thread_create",
        roles(
            member=403,
            group_member=(302, f"/groups/{G}/threads/*"),
            secretariat=(302, f"/groups/{G}/threads/*"),
        ),
        method="POST",
        args=slug_of("group"),
        data=lambda world, role: {"title": "Referral pathways", "body": "How do you refer?"},
        state=lambda world, role: Thread.objects.filter(group=world.group).count(),
    ),
    # The signed token is the authentication (RFC 8058 one-click): whoever holds it may unsubscribe.
    Row("groups:unsubscribe", to_everyone(200, anonymous=200), args=unsubscribe_token),
    Row(
        "groups:unsubscribe",
        to_everyone(200, anonymous=200),
        method="POST",
        args=unsubscribe_token,
        state=lambda world, role: GroupMembership.objects.get(pk=world.group_membership.pk).notify,
    ),
    Row(
        "groups:unsubscribe",
        to_everyone(400, anonymous=400),
        method="POST",
        variant="forged",
        args=lambda world, role: ["not-a-token"],
        state=lambda world, role: GroupMembership.objects.get(pk=world.group_membership.pk).notify,
    ),
    Row("groups:inbox", LOGGED_IN_200),
]

# --- Groups: the API (convene/groups/api.py) ---------------------------------------------------

API_GROUP_ROWS = [
    Row("api:list_groups", API_EVERYONE, api=True),
    Row("api:get_group", API_EVERYONE, args=slug_of("group"), api=True),
    Row("api:get_group", API_EVERYONE, variant="members-only", args=slug_of("members_only_group"), api=True),
    Row(
        "api:get_group",
        roles(anonymous=401, member=404, committee=200),
        variant="proposal",
        args=slug_of("proposal"),
        api=True,
    ),
    Row("api:list_group_members", API_EVERYONE, args=slug_of("group"), api=True),
    Row("api:list_decisions", API_EVERYONE, api=True),
    Row(
        "api:propose_group",
        roles(anonymous=401, member=201, secretariat=201),
        method="POST",
        json=lambda world, role: {
            "kind": "interest-group",
            "name": "Peer Support",
            "purpose": "Share practice.",
        },
        state=groups_count,
        api=True,
    ),
    Row(
        "api:update_proposal",
        roles(anonymous=401, member=404, committee=403),
        method="PATCH",
        args=slug_of("proposal"),
        json=lambda world, role: {"purpose": f"Collect and compare supervision tools ({role})."},
        state=group_field("proposal", "purpose"),
        api=True,
    ),
    Row(
        "api:decide_on_group",
        roles(anonymous=401, member=404, committee=201, secretariat=201),
        method="POST",
        args=slug_of("proposal"),
        json=lambda world, role: {"outcome": "approved"},
        state=group_field("proposal", "status"),
        api=True,
    ),
    Row(
        "api:appoint_cochair",
        roles(anonymous=401, member=403, committee=201, secretariat=201),
        method="POST",
        args=slug_of("group"),
        json=lambda world, role: {
            "person_id": world.members_only.pk,
            "replaces_id": world.person(COCHAIR).pk,
        },
        state=cochairs_of_g,
        api=True,
    ),
    Row(
        "api:close_group",
        roles(anonymous=401, member=403, committee=200),
        method="POST",
        args=slug_of("group"),
        json=lambda world, role: {},
        state=group_field("group", "status"),
        api=True,
    ),
    Row(
        "api:answer_request",
        roles(anonymous=401, member=403, cochair=200),
        method="POST",
        args=lambda world, role: [G, world.request.pk],
        json=lambda world, role: {"approve": True},
        state=membership_row("request"),
        api=True,
    ),
    Row(
        "api:invite_to_group",
        roles(anonymous=401, member=403, cochair=201, secretariat=201),
        method="POST",
        args=slug_of("group"),
        json=lambda world, role: {"person_id": world.members_only.pk},
        state=memberships_of_members_only,
        api=True,
    ),
    Row(
        "api:join_group",
        roles(anonymous=401, member=200, group_member=409),
        method="POST",
        args=slug_of("group"),
        json=lambda world, role: {},
        state=own_membership("group"),
        api=True,
    ),
    Row(
        "api:leave_group",
        roles(anonymous=401, member=409, secretariat=409, group_member=200),
        method="POST",
        args=slug_of("group"),
        json=lambda world, role: {},
        state=own_membership("group"),
        api=True,
    ),
]


ROWS = GROUP_ROWS + MEMBERSHIP_ROWS + API_GROUP_ROWS
