"""Who may do what in advocacy (STYLE §5).

The secretariat curates the common narrative; members of the network browse what is approved. A plan
is its owner's; a plan shared with a group is seen by the group's members and edited by its co-chairs
too; a published plan is seen by every member of the network; the steering committee and the
secretariat see every plan that is not private (the network view). A private plan is seen by its owner
alone: nobody else, whatever their role.
"""

import rules

from convene.core.rules import is_member, is_secretariat, is_steering_committee
from convene.groups.rules import is_cochair, is_group_member

from .models import Visibility

is_committee_or_secretariat = is_steering_committee | is_secretariat
is_insider = is_member | is_committee_or_secretariat


@rules.predicate
def owns_plan(person, plan) -> bool:
    return (
        plan is not None
        and person is not None
        and person.is_authenticated
        and person.is_active
        and plan.owner_id == person.pk
    )


@rules.predicate
def sees_plan_as_other(person, plan) -> bool:
    """Anyone but the owner, by the plan's visibility (never a private plan)."""
    if plan is None or plan.visibility == Visibility.PRIVATE:
        return False
    if is_committee_or_secretariat(person):
        return True
    if plan.visibility == Visibility.PUBLISHED:
        return bool(is_insider(person))
    return plan.group_id is not None and bool(is_group_member(person, plan.group))


@rules.predicate
def leads_plans_group(person, plan) -> bool:
    return (
        plan is not None
        and plan.visibility != Visibility.PRIVATE
        and plan.group_id is not None
        and bool(is_cochair(person, plan.group))
    )


def may_see_plan(person, plan) -> bool:
    return bool(owns_plan(person, plan) or sees_plan_as_other(person, plan))


def may_edit_plan(person, plan) -> bool:
    return bool(owns_plan(person, plan) or leads_plans_group(person, plan))


rules.add_perm("advocacy.curate_narrative", is_secretariat)
rules.add_perm("advocacy.browse_narrative", is_insider)
rules.add_perm("advocacy.make_plan", is_insider)
rules.add_perm("advocacy.view_plan", owns_plan | sees_plan_as_other)
rules.add_perm("advocacy.edit_plan", owns_plan | leads_plans_group)
rules.add_perm("advocacy.view_network", is_committee_or_secretariat)


# --- Ambassadors ---------------------------------------------------------------------------------
# The secretariat runs the cohorts; members of the network apply; an ambassador's page, plan link and
# quarterly reports are theirs (the secretariat reads them).


@rules.predicate
def is_the_ambassador(person, ambassador) -> bool:
    return (
        ambassador is not None
        and person is not None
        and person.is_authenticated
        and person.is_active
        and ambassador.person_id == person.pk
    )


rules.add_perm("advocacy.run_cohorts", is_secretariat)
rules.add_perm("advocacy.see_cohorts", is_insider)
rules.add_perm("advocacy.apply_as_ambassador", is_member)
rules.add_perm("advocacy.view_ambassador", is_the_ambassador | is_secretariat)
rules.add_perm("advocacy.report_as_ambassador", is_the_ambassador)
