"""Who may do what with results frameworks, indicators and measurements (STYLE §5)."""

import rules

from convene.core.rules import is_secretariat, is_steering_committee
from convene.plans.rules import group_open, leads, plan_editable, plan_in_force


@rules.predicate
def is_responsible(person, indicator) -> bool:
    return (
        indicator is not None
        and person is not None
        and person.is_authenticated
        and getattr(indicator, "responsible_id", None) == person.pk
    )


is_committee_or_secretariat = is_steering_committee | is_secretariat

# The framework is part of the plan: edited with it (obj: the plan, a result or an indicator).
rules.add_perm("results.edit_framework", group_open & plan_editable & leads)
# Members responsible for an indicator and the co-chairs report results (obj: the indicator).
rules.add_perm("results.record", group_open & plan_in_force & (is_responsible | leads))
rules.add_perm("results.review", group_open & plan_in_force & leads)
rules.add_perm("results.manage_catalogue", is_secretariat)
rules.add_perm("results.view_network", is_committee_or_secretariat)
