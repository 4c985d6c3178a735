import pytest

# The reports are of a work plan: the plans' own fixture builds one (imported, not copied).
from convene.plans.tests.conftest import plan_world  # noqa: F401
from convene.plans.tests.factories import QUARTERS, approve
from convene.reports import services


@pytest.fixture
def approved(plan_world, committee_member):  # noqa: F811
    approve(plan_world, committee_member)
    return plan_world


@pytest.fixture
def draft(approved):
    """G's update for the first quarter of its plan, started by its co-chair."""
    return services.update_draft(group=approved.group, acting=approved.cochair, period=QUARTERS[0])


@pytest.fixture
def submitted(draft, approved):
    services.update_save(
        update=draft,
        acting=approved.cochair,
        revision=draft.revision,
        achievements="Trained 40 workers.",
        challenges="Funding.",
    )
    return services.update_submit(update=draft, acting=approved.cochair)
