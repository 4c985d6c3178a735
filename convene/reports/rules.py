"""Who may do what with group updates and the committee's pages (STYLE §5).

A group's co-chairs start, write and submit its updates; the steering committee and the secretariat
read every update, comment on it and acknowledge it, and see the dashboard and the pack; the group's
members read its updates once submitted. A comment may also come from the group's co-chairs (an answer
to the committee)."""

import rules

from convene.core.rules import is_secretariat, is_steering_committee
from convene.groups.rules import group_is_open, is_cochair, is_group_member

is_committee_or_secretariat = is_steering_committee | is_secretariat


@rules.predicate
def cochairs_its_group(person, update) -> bool:
    return update is not None and bool(is_cochair(person, update.group))


@rules.predicate
def in_its_group(person, update) -> bool:
    return update is not None and bool(is_group_member(person, update.group))


@rules.predicate
def is_draft(person, update) -> bool:
    return update is not None and update.is_draft


@rules.predicate
def is_sent(person, update) -> bool:
    return update is not None and update.is_sent


@rules.predicate
def its_group_is_open(person, update) -> bool:
    return update is not None and update.group.is_open


# On a group.
rules.add_perm("reports.list_updates", is_group_member | is_committee_or_secretariat)
rules.add_perm("reports.start_update", group_is_open & is_cochair)
# On an update.
rules.add_perm(
    "reports.read_update", is_committee_or_secretariat | cochairs_its_group | (in_its_group & is_sent)
)
rules.add_perm("reports.write_update", its_group_is_open & is_draft & cochairs_its_group)
rules.add_perm("reports.submit_update", its_group_is_open & is_draft & cochairs_its_group)
rules.add_perm("reports.comment_update", is_committee_or_secretariat | cochairs_its_group)
rules.add_perm("reports.acknowledge_update", is_sent & is_committee_or_secretariat)
# The committee's own pages.
rules.add_perm("reports.view_dashboard", is_committee_or_secretariat)
