"""Who may do what in a group (STYLE §5). A person's memberships are read once per request."""

import rules

from convene.core.rules import is_member, is_secretariat, is_steering_committee


def current_roles(person) -> dict[int, str]:
    """{group_id: role} of the person's active memberships, cached on the person for the request (the
    one place every app reads a person's roles in groups from; ``forget_roles`` drops the cache)."""
    if person is None or not person.is_authenticated:
        return {}
    cached = getattr(person, "_convene_group_roles", None)
    if cached is None:
        from .models import GroupMembership, MembershipStatus

        cached = dict(
            GroupMembership.objects.filter(person_id=person.pk, status=MembershipStatus.ACTIVE).values_list(
                "group_id", "role"
            )
        )
        person._convene_group_roles = cached
    return cached


def forget_roles(person) -> None:
    if person is not None:
        person.__dict__.pop("_convene_group_roles", None)


@rules.predicate
def is_group_member(person, group) -> bool:
    return group is not None and group.pk in current_roles(person)


@rules.predicate
def is_cochair(person, group) -> bool:
    # Only co-chairs appointed by the committee lead a group; a coordinator named by the co-chairs
    # helps them but gets no powers over members or charter (else co-chairs could bypass the rule
    # on the number of co-chairs).
    return group is not None and current_roles(person).get(group.pk) == "cochair"


@rules.predicate
def group_is_open(person, group) -> bool:
    return group is not None and group.is_open


@rules.predicate
def is_proposer(person, group) -> bool:
    return (
        group is not None
        and person is not None
        and person.is_authenticated
        and group.proposed_by_id == person.pk
    )


is_committee_or_secretariat = is_steering_committee | is_secretariat

rules.add_perm("groups.propose", is_member)
rules.add_perm("groups.decide", is_committee_or_secretariat)
rules.add_perm("groups.appoint_cochairs", is_committee_or_secretariat)
rules.add_perm("groups.close", is_committee_or_secretariat)
rules.add_perm("groups.view_overview", is_committee_or_secretariat)
rules.add_perm("groups.edit_proposal", is_proposer | is_secretariat)
rules.add_perm("groups.edit_charter", group_is_open & (is_cochair | is_secretariat))
rules.add_perm("groups.manage_members", group_is_open & (is_cochair | is_secretariat))
rules.add_perm("groups.view_members", is_group_member | is_committee_or_secretariat | is_member)
rules.add_perm("groups.join", group_is_open & is_member)
rules.add_perm("groups.post", group_is_open & (is_group_member | is_secretariat))
rules.add_perm("groups.announce", group_is_open & (is_cochair | is_secretariat))
rules.add_perm("groups.record_activity", group_is_open & is_group_member)
rules.add_perm("groups.read_threads", is_group_member | is_committee_or_secretariat)


# --- Posts: the author edits or deletes their own; moderators read every version ---------------


def _post_group(post):
    # The views hand over posts whose thread and group are already loaded (no query per post).
    return post.thread.group


@rules.predicate
def is_post_author(person, post) -> bool:
    return (
        post is not None
        and person is not None
        and person.is_authenticated
        and post.author_id is not None
        and post.author_id == person.pk
    )


@rules.predicate
def post_is_live(person, post) -> bool:
    return post is not None and post.deleted_at is None


@rules.predicate
def may_post_in_posts_group(person, post) -> bool:
    # An author who left the group, or a closed group's archive, is no longer edited.
    return post is not None and rules.has_perm("groups.post", person, _post_group(post))


@rules.predicate
def moderates_posts_group(person, post) -> bool:
    return post is not None and (is_cochair(person, _post_group(post)) or is_secretariat(person))


rules.add_perm("groups.edit_post", post_is_live & is_post_author & may_post_in_posts_group)
rules.add_perm("groups.delete_post", post_is_live & is_post_author & may_post_in_posts_group)
rules.add_perm("groups.read_post_history", moderates_posts_group)
