"""The rows of the plan's budget, exchange rates, people, timeline and help-wanted pages."""

from convene.plans.tests.permission_rows.api import volunteers_state
from tests.permissions.harness import COCHAIR, MEMBER, G, Row, World, part_of, plan_of, roles

# --- Work plans: budget, exchange rates, people, timeline, help wanted (convene/plans/urls_budget.py) ---
# G's plan (``world.plans``), a draft unless a row moves it on: read by every network member; changed by
# G's co-chair and the secretariat; while the approved plan runs they update only the actual amounts and
# who fills a role. Volunteering: any member offers; only the volunteer withdraws; G's co-chair and the
# secretariat answer.

BUDGET_READERS = roles(member=200)
BUDGET_EDITORS = roles(member=403, secretariat=200, cochair=200)
HELP_WANTED_PAGE = "/help-wanted/"


# An editor's POST is answered with a redirect to the plan's budget, rates or people page.
BUDGET_DONE = roles(
    member=403, secretariat=(302, f"/groups/{G}/plans/*"), cochair=(302, f"/groups/{G}/plans/*")
)


def budget_state(world: World, role: str) -> list:
    from convene.plans.models import BudgetLine

    return sorted(
        BudgetLine.objects.filter(plan=world.plans.plan).values_list("pk", "description", "planned", "actual")
    )


def budget_rates_state(world: World, role: str) -> list:
    from convene.plans.models import ExchangeRate

    return sorted(ExchangeRate.objects.filter(plan=world.plans.plan).values_list("pk", "currency", "rate"))


def budget_hr_state(world: World, role: str) -> list:
    from convene.plans.models import HRNeed

    return sorted(
        HRNeed.objects.filter(plan=world.plans.plan).values_list("pk", "role", "hours_per_month", "note")
    )


def budget_spare_rate(world: World, role: str) -> list:
    """[G, plan, a CHF rate that no line uses] (made once, through the service)."""
    from decimal import Decimal

    from convene.plans import services as plan_services

    rate = plan_services.rate_set(
        plan=world.plans.plan, acting=world.person(COCHAIR), currency="CHF", rate=Decimal("1.13")
    )
    return [G, world.plans.plan.pk, rate.pk]


def budget_member_offer(world: World, role: str) -> list:
    """[MEMBER's open offer to help with G's task] (made once, through the service)."""
    from convene.plans import services as plan_services
    from convene.plans.models import Volunteer, VolunteerStatus

    offer = Volunteer.objects.filter(
        task=world.plans.task, person=world.person(MEMBER), status=VolunteerStatus.OFFERED
    ).first()
    offer = offer or plan_services.volunteer_offer(task=world.plans.task, acting=world.person(MEMBER))
    return [offer.pk]


def budget_line_form(world: World, role: str) -> dict:
    from convene.plans.models import BudgetLine

    line = BudgetLine.objects.get(pk=world.plans.line.pk)
    return {
        "category": "meetings",
        "deliverable": "",
        "description": f"Venue, edited as {role}",
        "currency": "KES",
        "planned": "310000",
        "actual": "",
        "source": "partner",
        "partner": world.plans.partner.pk,
        "kind": "in_kind",
        "valuation": "Day rate.",
        "revision": line.revision,
    }


def budget_hr_form(world: World, role: str) -> dict:
    from convene.plans.models import HRNeed

    return {
        "role": "Editor",
        "hours_per_month": "12",
        "starts_on": "",
        "ends_on": "",
        "filled_by": "",
        "filled_by_organisation": "",
        "note": f"Edited as {role}",
        "revision": HRNeed.objects.get(pk=world.plans.need.pk).revision,
    }


BUDGET_ROWS = [
    Row("plans:budget", BUDGET_READERS, args=plan_of()),
    Row("plans:budget", BUDGET_READERS, variant="approved", args=plan_of("approved")),
    Row("plans:budget_line_create", BUDGET_EDITORS, args=plan_of()),
    Row(
        "plans:budget_line_create",
        BUDGET_DONE,
        method="POST",
        args=plan_of(),
        data=lambda world, role: {
            "category": "travel",
            "description": f"Flights, added as {role}",
            "currency": "USD",
            "planned": "900",
            "source": "network",
            "kind": "cash",
        },
        state=budget_state,
    ),
    # A submitted plan is frozen, for its co-chair too.
    Row(
        "plans:budget_line_create",
        roles(member=403, secretariat=403),
        variant="submitted",
        args=plan_of("submitted"),
    ),
    Row("plans:budget_line_edit", BUDGET_EDITORS, args=part_of("line")),
    Row(
        "plans:budget_line_edit",
        BUDGET_DONE,
        method="POST",
        args=part_of("line"),
        data=budget_line_form,
        state=budget_state,
    ),
    # While the approved plan runs: the actual amount only.
    Row("plans:budget_line_edit", BUDGET_EDITORS, variant="approved", args=part_of("line", "approved")),
    Row(
        "plans:budget_line_edit",
        BUDGET_DONE,
        method="POST",
        variant="approved",
        args=part_of("line", "approved"),
        data=lambda world, role: {"actual": "250000", "revision": budget_line_form(world, role)["revision"]},
        state=budget_state,
    ),
    Row(
        "plans:budget_line_delete",
        BUDGET_DONE,
        method="POST",
        args=part_of("line"),
        state=budget_state,
    ),
    Row("plans:budget_line_delete", roles(member=405, secretariat=405), args=part_of("line")),
    Row("plans:rates", BUDGET_READERS, args=plan_of()),
    Row(
        "plans:rates",
        BUDGET_DONE,
        method="POST",
        args=plan_of(),
        data=lambda world, role: {"currency": "EUR", "rate": "1.0832", "as_of": "2025-01-02"},
        state=budget_rates_state,
    ),
    Row(
        "plans:rate_delete",
        BUDGET_DONE,
        method="POST",
        args=budget_spare_rate,
        state=budget_rates_state,
    ),
    Row("plans:hr", BUDGET_READERS, args=plan_of()),
    Row("plans:hr_need_create", BUDGET_EDITORS, args=plan_of()),
    Row(
        "plans:hr_need_create",
        BUDGET_DONE,
        method="POST",
        args=plan_of(),
        data=lambda world, role: {"role": f"Translator for {role}", "hours_per_month": "8"},
        state=budget_hr_state,
    ),
    Row("plans:hr_need_edit", BUDGET_EDITORS, args=part_of("need")),
    Row(
        "plans:hr_need_edit",
        BUDGET_DONE,
        method="POST",
        args=part_of("need"),
        data=budget_hr_form,
        state=budget_hr_state,
    ),
    Row(
        "plans:hr_need_edit",
        BUDGET_DONE,
        method="POST",
        variant="approved",
        args=part_of("need", "approved"),
        data=budget_hr_form,
        state=budget_hr_state,
    ),
    Row(
        "plans:hr_need_delete",
        BUDGET_DONE,
        method="POST",
        args=part_of("need"),
        state=budget_hr_state,
    ),
    Row("plans:timeline", BUDGET_READERS, args=plan_of()),
    Row("plans:help_wanted", BUDGET_READERS),
    # Every member of the network may offer to help (a co-chair of G too).
    Row(
        "plans:volunteer",
        roles(member=(302, HELP_WANTED_PAGE), secretariat=(302, HELP_WANTED_PAGE)),
        method="POST",
        args=lambda world, role: [world.plans.task.pk],
        data=lambda world, role: {"note": f"Offered as {role}"},
        state=volunteers_state,
    ),
    Row(
        "plans:volunteer_withdraw",
        roles(
            member=(302, HELP_WANTED_PAGE),
            committee=403,
            secretariat=403,
            group_member=403,
            other_cochair=403,
        ),
        method="POST",
        args=budget_member_offer,
        state=volunteers_state,
    ),
    Row(
        "plans:volunteer_decide",
        roles(member=403, secretariat=(302, HELP_WANTED_PAGE), cochair=(302, HELP_WANTED_PAGE)),
        method="POST",
        args=budget_member_offer,
        data=lambda world, role: {"accept": "1"},
        state=volunteers_state,
    ),
]


ROWS = BUDGET_ROWS
