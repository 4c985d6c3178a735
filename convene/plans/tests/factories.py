"""A launched group with a complete work plan, built through the services (shared by the plans and
results tests, the permission matrix and the browser tests)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from conftest import make_person
from convene.governance.models import DecisionOutcome
from convene.groups import services as group_services
from convene.groups.models import Group, GroupKind
from convene.people import services as people_services
from convene.people.models import Organisation, Person
from convene.plans import services
from convene.plans.models import BudgetLine, Deliverable, HRNeed, Objective, Task, WorkPlan
from convene.results import services as results_services
from convene.results.models import Indicator, Result, ResultLevel

LAUNCHED_ON = datetime.date(2025, 1, 15)
PLAN_START, PLAN_END = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
QUARTERS = [
    (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)),
    (datetime.date(2025, 4, 1), datetime.date(2025, 6, 30)),
    (datetime.date(2025, 7, 1), datetime.date(2025, 9, 30)),
    (datetime.date(2025, 10, 1), datetime.date(2025, 12, 31)),
]


@dataclass
class PlanWorld:
    group: Group
    cochair: Person
    plan: WorkPlan
    objective: Objective
    deliverable: Deliverable
    task: Task
    goal: Result
    outcome: Result
    indicator: Indicator
    partner: Organisation
    line: BudgetLine
    need: HRNeed


def launch_group(*, committee: Person, cochair: Person, name: str = "Case Management") -> Group:
    kind = GroupKind.objects.get(slug="interest-group")
    group = group_services.group_propose(acting=cochair, kind=kind, name=name, purpose="Gather practice.")
    group_services.group_decide(
        group=group, outcome=DecisionOutcome.APPROVED, acting=committee, decided_on=LAUNCHED_ON
    )
    group_services.cochair_appoint(group=group, person=cochair, acting=committee, decided_on=LAUNCHED_ON)
    return Group.objects.get(pk=group.pk)


def build_plan(
    *,
    group: Group,
    cochair: Person,
    secretariat: Person,
    responsible: Person | None = None,
    title: str = "Work plan 2025",
) -> PlanWorld:
    """A draft plan: an objective, a deliverable with a help-wanted task, goal → outcome with one
    quarterly number indicator (targets 10 a quarter, 40 for the life of the plan), a partner's
    in-kind contribution and an open HR need."""
    plan = services.plan_create(
        group=group,
        acting=cochair,
        title=title,
        starts_on=PLAN_START,
        ends_on=PLAN_END,
        top_issues="Caseloads.",
    )
    objective = services.objective_save(plan=plan, acting=cochair, title="Common case management standards")
    deliverable = services.deliverable_save(
        plan=plan,
        acting=cochair,
        objective=objective,
        title="Toolkit on case management",
        owner=cochair,
        starts_on=datetime.date(2025, 2, 1),
        due_on=datetime.date(2025, 9, 30),
        cost=Decimal("5000"),
    )
    task = services.task_save(
        deliverable=deliverable,
        acting=cochair,
        title="Translate the toolkit into French",
        due_on=datetime.date(2025, 8, 31),
        help_wanted=True,
    )
    levels = {level.depth: level for level in ResultLevel.objects.all()}
    goal = results_services.result_save(
        plan=plan, acting=cochair, level=levels[0], code="1", statement="Children live in families."
    )
    outcome = results_services.result_save(
        plan=plan,
        acting=cochair,
        level=levels[1],
        parent=goal,
        code="1.1",
        statement="Workers use common standards.",
    )
    indicator = results_services.indicator_save(
        plan=plan,
        acting=cochair,
        result=outcome,
        code="CM1",
        name="Case workers trained",
        unit="number",
        frequency="quarterly",
        baseline_value=Decimal("0"),
        baseline_on=PLAN_START,
        responsible=responsible or cochair,
        disaggregations=[{"name": "sex", "options": ["female", "male"]}, {"name": "country", "options": []}],
    )
    results_services.targets_set(
        indicator=indicator,
        acting=cochair,
        targets=[{"starts_on": s, "ends_on": e, "value": Decimal(10)} for s, e in QUARTERS]
        + [{"starts_on": PLAN_START, "ends_on": PLAN_END, "value": Decimal(40), "life_of_plan": True}],
    )
    partner = Organisation.objects.filter(name="Global Social Service Workforce Partner").first()
    if partner is None:
        partner = people_services.organisation_save(
            acting=secretariat, name="Global Social Service Workforce Partner", country="US"
        )
    services.rate_set(plan=plan, acting=cochair, currency="KES", rate=Decimal("0.0078"))
    line = services.budget_line_save(
        plan=plan,
        acting=cochair,
        category="meetings",
        deliverable=deliverable,
        description="Venue for the validation workshop",
        currency="KES",
        planned=Decimal("300000"),
        source="partner",
        partner=partner,
        kind="in_kind",
        valuation="The partner's own conference room at its published day rate.",
    )
    services.budget_line_save(
        plan=plan,
        acting=cochair,
        category="publications",
        description="Layout",
        planned=Decimal("2000"),
        source="needed",
    )
    need = services.hr_need_save(
        plan=plan,
        acting=cochair,
        role="Editor",
        hours_per_month=Decimal("10"),
        starts_on=datetime.date(2025, 3, 1),
    )
    return PlanWorld(
        group=group,
        cochair=cochair,
        plan=WorkPlan.objects.get(pk=plan.pk),
        objective=objective,
        deliverable=deliverable,
        task=task,
        goal=goal,
        outcome=outcome,
        indicator=Indicator.objects.get(pk=indicator.pk),
        partner=partner,
        line=line,
        need=need,
    )


def approve(world: PlanWorld, committee: Person) -> None:
    services.plan_submit(plan=world.plan, acting=world.cochair)
    services.plan_review(plan=world.plan, acting=committee, approve=True)
    world.plan.refresh_from_db()


def make_cochair(email: str = "plan.chair@example.org") -> Person:
    return make_person(email, name="Pia Planchair", country="KE")
