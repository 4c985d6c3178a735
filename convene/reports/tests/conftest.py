# The reports are of a work plan: the plans' own fixture builds one (imported, not copied).
from convene.plans.tests.conftest import plan_world  # noqa: F401
