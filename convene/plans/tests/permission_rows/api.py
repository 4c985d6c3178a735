"""The plans API's rows (the plan, its parts, comments, budget, rates, people, help wanted)."""

from tests.permissions.harness import (
    COCHAIR,
    MEMBER,
    G,
    Row,
    World,
    part_of,
    plan_of,
    roles,
    saved,
    slug_of,
    values_of,
)

# --- Work plans: the API (convene/plans/api.py) ---------------------------------------------------
# G's plan (``world.plans``): a draft unless the row moves it on (``world.plan_in``). Reads: every
# network member; plan edits: G's co-chair and the secretariat; review: the committee and the secretariat.

API_PLAN_READERS = roles(anonymous=401, member=200)
API_PLAN_EDITORS = roles(anonymous=401, member=403, secretariat=200, cochair=200)
API_PLAN_CREATORS = roles(anonymous=401, member=403, secretariat=201, cochair=201)
API_PLAN_DELETERS = roles(anonymous=401, member=403, secretariat=204, cochair=204)


def plan_status(world: World, role: str) -> tuple:
    from convene.plans.models import WorkPlan

    return WorkPlan.objects.filter(pk=world.plans.plan.pk).values_list("status", "title", "version").get()


def g_plans(world: World, role: str) -> int:
    from convene.plans.models import WorkPlan

    return WorkPlan.objects.filter(group=world.group).count()


def member_offer(world: World, role: str):
    """MEMBER's open offer to help with G's help-wanted task (made once, through the service)."""
    from convene.plans import services as plan_services
    from convene.plans.models import Volunteer

    offer = Volunteer.objects.filter(task=world.plans.task, person=world.person(MEMBER)).first()
    return offer or plan_services.volunteer_offer(task=world.plans.task, acting=world.person(MEMBER))


def volunteers_state(world: World, role: str) -> list:
    from convene.plans.models import Volunteer

    return sorted(Volunteer.objects.filter(task=world.plans.task).values_list("pk", "person_id", "status"))


def spare_rate(world: World, role: str):
    """A EUR rate of G's plan that no budget line uses."""
    from decimal import Decimal

    from convene.plans import services as plan_services

    return plan_services.rate_set(
        plan=world.plans.plan, acting=world.person(COCHAIR), currency="EUR", rate=Decimal("1.08")
    )


API_PLAN_ROWS = [
    # The plan.
    Row("api:list_plans", API_PLAN_READERS, args=slug_of("group"), api=True),
    Row(
        "api:create_plan",
        API_PLAN_CREATORS,
        method="POST",
        args=slug_of("group"),
        json=lambda world, role: {"title": "Plan 2026", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
        state=g_plans,
        api=True,
    ),
    Row("api:get_plan", API_PLAN_READERS, args=plan_of(), api=True),
    Row(
        "api:update_plan",
        API_PLAN_EDITORS,
        method="PATCH",
        args=plan_of(),
        json=lambda world, role: {"revision": saved(world, "plan").revision, "title": f"Plan of {role}"},
        state=plan_status,
        api=True,
    ),
    Row(
        "api:submit_plan",
        API_PLAN_EDITORS,
        method="POST",
        args=plan_of(),
        state=plan_status,
        api=True,
    ),
    Row(
        "api:review_plan",
        roles(anonymous=401, member=403, committee=200),
        method="POST",
        args=plan_of("submitted"),
        json=lambda world, role: {"approve": False, "comment": "Add the travel costs."},
        state=plan_status,
        api=True,
    ),
    Row(
        "api:revise_plan",
        API_PLAN_EDITORS,
        method="POST",
        args=plan_of("approved"),
        state=plan_status,
        api=True,
    ),
    Row("api:list_plan_versions", API_PLAN_READERS, args=plan_of("submitted"), api=True),
    Row(
        "api:compare_plan_versions",
        API_PLAN_READERS,
        args=lambda world, role: [G, world.plan_in("submitted").pk, world.plans.plan.versions.first().pk],
        api=True,
    ),
    # Objectives, deliverables, tasks.
    Row(
        "api:create_objective",
        API_PLAN_CREATORS,
        method="POST",
        args=plan_of(),
        json=lambda world, role: {"title": "Shared supervision"},
        state=values_of("plans.Objective", "title"),
        api=True,
    ),
    Row(
        "api:update_objective",
        API_PLAN_EDITORS,
        method="PATCH",
        args=part_of("objective"),
        json=lambda world, role: {"revision": saved(world, "objective").revision, "title": f"By {role}"},
        state=values_of("plans.Objective", "title"),
        api=True,
    ),
    Row(
        "api:delete_objective",
        API_PLAN_DELETERS,
        method="DELETE",
        args=part_of("objective"),
        state=values_of("plans.Objective", "title"),
        api=True,
    ),
    Row(
        "api:create_deliverable",
        API_PLAN_CREATORS,
        method="POST",
        args=plan_of(),
        json=lambda world, role: {"title": "Training of trainers", "cost": "1200.00"},
        state=values_of("plans.Deliverable", "title"),
        api=True,
    ),
    Row(
        "api:update_deliverable",
        API_PLAN_EDITORS,
        method="PATCH",
        args=part_of("deliverable"),
        json=lambda world, role: {"revision": saved(world, "deliverable").revision, "title": f"By {role}"},
        state=values_of("plans.Deliverable", "title"),
        api=True,
    ),
    # Once the plan is approved, its co-chair keeps the statuses up to date; the committee does not.
    Row(
        "api:update_deliverable",
        API_PLAN_EDITORS,
        method="PATCH",
        variant="approved-status",
        args=part_of("deliverable", "approved"),
        json=lambda world, role: {"revision": saved(world, "deliverable").revision, "status": "in_progress"},
        state=values_of("plans.Deliverable", "status"),
        api=True,
    ),
    Row(
        "api:delete_deliverable",
        API_PLAN_DELETERS,
        method="DELETE",
        args=part_of("deliverable"),
        state=values_of("plans.Deliverable", "title"),
        api=True,
    ),
    Row(
        "api:create_task",
        API_PLAN_CREATORS,
        method="POST",
        args=part_of("deliverable"),
        json=lambda world, role: {"title": "Proof-read the toolkit"},
        state=values_of("plans.Task", "title"),
        api=True,
    ),
    Row(
        "api:update_task",
        API_PLAN_EDITORS,
        method="PATCH",
        args=part_of("task"),
        json=lambda world, role: {"revision": saved(world, "task").revision, "title": f"By {role}"},
        state=values_of("plans.Task", "title"),
        api=True,
    ),
    Row(
        "api:delete_task",
        API_PLAN_DELETERS,
        method="DELETE",
        args=part_of("task"),
        state=values_of("plans.Task", "title"),
        api=True,
    ),
    # Comments: the group, the committee and the secretariat.
    Row("api:list_plan_comments", API_PLAN_READERS, args=plan_of(), api=True),
    Row(
        "api:add_plan_comment",
        roles(anonymous=401, member=403, committee=201, secretariat=201, group_member=201),
        method="POST",
        args=plan_of(),
        json=lambda world, role: {"body": f"A thought from the {role}."},
        state=lambda world, role: world.plans.plan.comments.count(),
        api=True,
    ),
    # Budget, exchange rates, human resources.
    Row("api:list_budget_lines", API_PLAN_READERS, args=plan_of(), api=True),
    Row(
        "api:create_budget_line",
        API_PLAN_CREATORS,
        method="POST",
        args=plan_of(),
        json=lambda world, role: {"category": "travel", "description": "Flights", "planned": "900"},
        state=values_of("plans.BudgetLine", "description"),
        api=True,
    ),
    Row(
        "api:update_budget_line",
        API_PLAN_EDITORS,
        method="PATCH",
        args=part_of("line"),
        json=lambda world, role: {"revision": saved(world, "line").revision, "planned": "310000"},
        state=values_of("plans.BudgetLine", "planned"),
        api=True,
    ),
    Row(
        "api:delete_budget_line",
        API_PLAN_DELETERS,
        method="DELETE",
        args=part_of("line"),
        state=values_of("plans.BudgetLine", "description"),
        api=True,
    ),
    Row("api:list_rates", API_PLAN_READERS, args=plan_of(), api=True),
    Row(
        "api:set_rate",
        API_PLAN_CREATORS,
        method="POST",
        args=plan_of(),
        json=lambda world, role: {"currency": "GBP", "rate": "1.27"},
        state=values_of("plans.ExchangeRate", "currency", "rate"),
        api=True,
    ),
    Row(
        "api:update_rate",
        API_PLAN_EDITORS,
        method="PATCH",
        args=lambda world, role: [G, world.plans.plan.pk, spare_rate(world, role).pk],
        json=lambda world, role: {"rate": "1.1"},
        state=values_of("plans.ExchangeRate", "currency", "rate"),
        api=True,
    ),
    Row(
        "api:delete_rate",
        API_PLAN_DELETERS,
        method="DELETE",
        args=lambda world, role: [G, world.plans.plan.pk, spare_rate(world, role).pk],
        state=values_of("plans.ExchangeRate", "currency", "rate"),
        api=True,
    ),
    Row("api:list_hr_needs", API_PLAN_READERS, args=plan_of(), api=True),
    Row(
        "api:create_hr_need",
        API_PLAN_CREATORS,
        method="POST",
        args=plan_of(),
        json=lambda world, role: {"role": "Translator", "hours_per_month": "12.5"},
        state=values_of("plans.HRNeed", "role"),
        api=True,
    ),
    Row(
        "api:update_hr_need",
        API_PLAN_EDITORS,
        method="PATCH",
        args=part_of("need"),
        json=lambda world, role: {
            "revision": saved(world, "need").revision,
            "filled_by_organisation_id": world.organisation.pk,
        },
        state=values_of("plans.HRNeed", "filled_by_organisation_id"),
        api=True,
    ),
    Row(
        "api:delete_hr_need",
        API_PLAN_DELETERS,
        method="DELETE",
        args=part_of("need"),
        state=values_of("plans.HRNeed", "role"),
        api=True,
    ),
    # Help wanted: any member of the network offers; the volunteer withdraws; G's co-chair decides.
    Row("api:list_help_wanted", API_PLAN_READERS, api=True),
    Row(
        "api:volunteer_for_task",
        roles(anonymous=401, member=201, secretariat=201),
        method="POST",
        args=lambda world, role: [world.plans.task.pk],
        json=lambda world, role: {"note": "I translate for a living."},
        state=volunteers_state,
        api=True,
    ),
    Row(
        "api:withdraw_volunteer",
        roles(anonymous=401, member=200, committee=403, secretariat=403, group_member=403, other_cochair=403),
        method="POST",
        args=lambda world, role: [member_offer(world, role).pk],
        state=volunteers_state,
        api=True,
    ),
    Row(
        "api:decide_volunteer",
        API_PLAN_EDITORS,
        method="POST",
        args=lambda world, role: [member_offer(world, role).pk],
        json=lambda world, role: {"accept": True},
        state=volunteers_state,
        api=True,
    ),
]


ROWS = API_PLAN_ROWS
