"""Who may do what in the library (STYLE §5).

The secretariat publishes for the network or any open group; a group's co-chairs publish for their
group (a resource made by a co-chair names the group). Whoever may publish for a resource's group
edits it, makes its next edition or a translation, and sees its download counts."""

import rules

from convene.core.rules import is_network_insider, is_secretariat
from convene.groups.rules import is_cochair

from .models import ResourceVisibility


def may_publish_for(person, group) -> bool:
    """Whether ``person`` may publish a resource produced by ``group`` (None: by the network)."""
    if is_secretariat(person):
        return group is None or group.is_open
    return group is not None and group.is_open and bool(is_cochair(person, group))


@rules.predicate
def publishes_anything(person) -> bool:
    """The secretariat, or a co-chair of some group (the "new resource" page is theirs)."""
    if is_secretariat(person):
        return True
    from convene.groups.rules import current_roles

    return "cochair" in current_roles(person).values()


@rules.predicate
def manages_resource(person, resource) -> bool:
    if resource is None or person is None or not person.is_authenticated:
        return False
    if is_secretariat(person):
        return True
    return resource.group is not None and bool(is_cochair(person, resource.group))


@rules.predicate
def sees_resource(person, resource) -> bool:
    if resource is None:
        return False
    return resource.visibility == ResourceVisibility.PUBLIC or bool(is_network_insider(person))


rules.add_perm("library.publish", publishes_anything)
rules.add_perm("library.manage_resource", manages_resource)
rules.add_perm("library.view_resource", sees_resource)
