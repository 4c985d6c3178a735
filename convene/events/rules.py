"""Who may do what with events (STYLE §5).

The secretariat creates any event; a group's co-chairs create the events their groups host (every
host group must be theirs). An event is organised by whoever created it, the secretariat and the
co-chairs of its host groups. A public event is seen by anyone; a members' event by the network's
members and its organisers."""

import rules

from convene.core.rules import is_member, is_secretariat
from convene.groups.rules import current_roles, is_cochair


def may_create_for(person, groups) -> bool:
    """Whether ``person`` may create an event hosted by these groups (none: the network's own)."""
    if person is None or not person.is_authenticated:
        return False
    if is_secretariat(person):
        return True
    groups = list(groups)
    return bool(groups) and all(group.is_open and is_cochair(person, group) for group in groups)


@rules.predicate
def may_create_events(person) -> bool:
    """The secretariat, or a co-chair of some group (who then chooses their groups as hosts)."""
    if person is None or not person.is_authenticated:
        return False
    if is_secretariat(person):
        return True
    return "cochair" in current_roles(person).values()


@rules.predicate
def organises(person, event) -> bool:
    if event is None or person is None or not person.is_authenticated:
        return False
    if event.organiser_id == person.pk or is_secretariat(person):
        return True
    return any(is_cochair(person, group) for group in event.host_groups.all())


@rules.predicate
def may_see(person, event) -> bool:
    if event is None:
        return False
    return event.is_public or bool(is_member(person)) or bool(organises(person, event))


rules.add_perm("events.create", may_create_events)
rules.add_perm("events.see", may_see)
rules.add_perm("events.manage", organises)
rules.add_perm("events.register_as_member", may_see & is_member)
