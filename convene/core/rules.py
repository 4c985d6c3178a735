"""Who may do what, written once (STYLE §5).

Services call ``ensure(rule, person, obj)``; views, templates (``{% load rules %}``) and the API use
the same named rules. A person's roles are read once per request and cached on the instance.
"""

import rules
from django.apps import apps
from django.core.exceptions import PermissionDenied


def person_bodies(person) -> frozenset[str]:
    """The bodies (secretariat, steering committee, ambassador) a person sits on today."""
    if person is None or not person.is_authenticated:
        return frozenset()
    cached = getattr(person, "_convene_bodies", None)
    if cached is None:
        # Terms are governance's, accounts people's: core sits below both, so it reads their models by
        # name (the app registry), never by import.
        terms = apps.get_model("governance", "Term").objects
        cached = frozenset(terms.current().filter(person_id=person.pk).values_list("body", flat=True))
        person._convene_bodies = cached
    return cached


@rules.predicate
def is_secretariat(person) -> bool:
    if person is None or not person.is_authenticated or not person.is_active:
        return False
    return person.is_superuser or "secretariat" in person_bodies(person)


@rules.predicate
def is_steering_committee(person) -> bool:
    if person is None or not person.is_authenticated or not person.is_active:
        return False
    return "steering_committee" in person_bodies(person)


@rules.predicate
def is_member(person) -> bool:
    """Whether a logged-in person is an active member of the network (cached on the instance), as
    people defines one (``ProfileQuerySet.members``)."""
    if not person or not person.is_authenticated:
        return False
    cached = getattr(person, "_convene_is_member", None)
    if cached is None:
        profiles = apps.get_model("people", "Profile").objects
        cached = profiles.filter(person_id=person.pk).members().exists() and person.is_active
        person._convene_is_member = cached
    return cached


@rules.predicate
def is_authenticated(person) -> bool:
    return person is not None and person.is_authenticated


@rules.predicate
def is_self(person, other) -> bool:
    return person is not None and other is not None and person.pk == getattr(other, "pk", None)


is_network_insider = is_member | is_steering_committee | is_secretariat

rules.add_perm("people.search_directory", rules.always_allow)
rules.add_perm("people.view_figures", rules.always_allow)
rules.add_perm("people.manage_organisations", is_secretariat)
rules.add_perm("people.approve_members", is_secretariat)
rules.add_perm("people.import_members", is_secretariat)
rules.add_perm("people.export_directory", is_secretariat | is_steering_committee)
rules.add_perm("people.edit_profile", is_self | is_secretariat)
rules.add_perm("governance.manage_roles", is_secretariat)
rules.add_perm("governance.view_roles", is_network_insider)
# Who changed what and when, for any record that keeps its history (convene/core/queries.py).
rules.add_perm("core.read_audit", is_secretariat)


def can(person, perm: str, obj=None) -> bool:
    return rules.has_perm(perm, person, obj)


def ensure(person, perm: str, obj=None) -> None:
    """Raise PermissionDenied unless ``person`` has ``perm`` (on ``obj``)."""
    if not rules.has_perm(perm, person, obj):
        raise PermissionDenied(perm)
