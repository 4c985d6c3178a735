import pytest

from convene.plans.tests.factories import PlanWorld, build_plan, launch_group, make_cochair


@pytest.fixture
def plan_world(db, committee_member, secretariat) -> PlanWorld:
    cochair = make_cochair()
    group = launch_group(committee=committee_member, cochair=cochair)
    return build_plan(group=group, cochair=cochair, secretariat=secretariat)
