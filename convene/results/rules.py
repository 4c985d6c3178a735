"""Who may do what with results frameworks, indicators and measurements (STYLE §5)."""

import rules
from django.conf import settings

from convene.core.rules import is_network_insider, is_secretariat, is_steering_committee
from convene.plans.rules import group_open, leads, plan_editable, plan_in_force


@rules.predicate
def is_responsible(person, indicator) -> bool:
    return (
        indicator is not None
        and person is not None
        and person.is_authenticated
        and getattr(indicator, "responsible_id", None) == person.pk
    )


@rules.predicate
def is_recorder(person, measurement) -> bool:
    return (
        measurement is not None
        and person is not None
        and person.is_authenticated
        and getattr(measurement, "recorded_by_id", None) == person.pk
    )


@rules.predicate
def approves_own_value(person, measurement) -> bool:
    """Separation of duties (``CONVENE_SEPARATE_RECORD_AND_APPROVE``): the recorder of a value is not
    the one who approves it."""
    return bool(settings.CONVENE_SEPARATE_RECORD_AND_APPROVE) and is_recorder(person, measurement)


is_committee_or_secretariat = is_steering_committee | is_secretariat

# The framework is part of the plan: edited with it (obj: the plan, a result or an indicator).
rules.add_perm("results.edit_framework", group_open & plan_editable & leads)
# Members responsible for an indicator and the co-chairs report results (obj: the indicator).
rules.add_perm("results.record", group_open & plan_in_force & (is_responsible | leads))
rules.add_perm("results.review", group_open & plan_in_force & leads)
# Approving one value (obj: the measurement): a reviewer who did not record it.
rules.add_perm("results.approve", group_open & plan_in_force & leads & ~approves_own_value)
# Whoever recorded a value may withdraw it (while it waits: the service checks that). obj: the measurement.
rules.add_perm("results.withdraw", group_open & is_recorder)
rules.add_perm("results.manage_catalogue", is_secretariat)
rules.add_perm("results.view_network", is_committee_or_secretariat)
# The catalogue of shared indicators: what a co-chair may adopt, readable across the network.
rules.add_perm("results.view_catalogue", is_network_insider)
