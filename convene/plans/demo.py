"""Work plans and results of the demo network (and of the benchmark network).

Like the groups demo, rows are written in bulk: the demo is data that already happened, not actions a
person takes. It keeps the services' invariants: an approved plan has its submitted and approved
decisions and versions, only approved measurements reach the stored period actuals, and those are
computed by the same ``results.progress`` code the services use.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from convene.core.demo import DemoRun, register
from convene.governance.models import Decision, DecisionEffect, DecisionOutcome
from convene.groups.models import OPEN_STATUSES, Group, GroupMembership, GroupStatus, MembershipStatus, Role
from convene.people.models import Organisation, Topic
from convene.results import progress
from convene.results.models import (
    Indicator,
    Measurement,
    MeasurementStatus,
    PeriodActual,
    Result,
    ResultLevel,
    SharedIndicator,
    Target,
)

from .models import (
    BudgetLine,
    Deliverable,
    HRNeed,
    Objective,
    PlanStatus,
    PlanVersion,
    Task,
    WorkPlan,
)

SHARED = [
    ("SSW-1", "Social service workers trained", "number", "increase", True),
    ("SSW-2", "Share of case workers supervised at least monthly", "percentage", "increase", False),
    ("SSW-3", "Countries with a costed workforce strategy", "number", "increase", True),
    ("SSW-4", "Vacancy rate in government social work posts", "percentage", "decrease", False),
    ("SSW-5", "National competency framework adopted", "yes_no", "increase", False),
]
DELIVERABLES = [
    "Toolkit on {topic}",
    "Webinar series on {topic}",
    "Mapping of {topic} practice in member countries",
    "Policy brief on {topic}",
    "Case studies on {topic}",
    "Training curriculum on {topic}",
]
TASKS = [
    "Draft the outline",
    "Collect examples from members",
    "Translate into French",
    "Peer review",
    "Layout",
]
COUNTRIES = ["KE", "ZM", "UG", "TZ", "NG", "GH", "ZA", "IN", "PH", "BR", "US", "DK"]


def quarters(start: date, end: date) -> list[tuple[date, date]]:
    out, year, q = [], start.year, (start.month - 1) // 3
    while True:
        first = date(year, q * 3 + 1, 1)
        if first > end:
            return out
        nxt = date(year + (q + 1) // 4, ((q + 1) % 4) * 3 + 1, 1)
        out.append((first, nxt - timedelta(days=1)))
        year, q = year + (q + 1) // 4, (q + 1) % 4


def shared_catalogue() -> list[SharedIndicator]:
    catalogue = []
    for code, name, unit, direction, cumulative in SHARED:
        shared, _created = SharedIndicator.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "direction": direction,
                "cumulative": cumulative,
                "definition": name + ".",
                "disaggregations": [{"name": "country", "options": []}],
            },
        )
        catalogue.append(shared)
    return catalogue


@transaction.atomic
def build_plans(*, rng: random.Random, rows_per_period: int = 4, groups=None) -> dict[str, int]:
    """A plan for every open group with a co-chair: approved for active groups, a draft for just
    launched ones, with deliverables, tasks, a results framework, budget, HR needs and measurements.

    ``rows_per_period`` measurement rows per indicator and reported quarter (a total, then breakdowns
    by sex and by country): the benchmark raises it to reach a million measurements.
    """
    today = timezone.localdate()
    start, end = date(today.year - 1, 1, 1), date(today.year, 12, 31)
    periods = quarters(start, end)
    reported = [p for p in periods if p[1] < today]
    catalogue = shared_catalogue()
    levels = {level.depth: level for level in ResultLevel.objects.all()}
    topics = list(Topic.objects.all()[:40])
    partners = list(Organisation.objects.order_by("pk")[:200])
    groups = list(
        groups if groups is not None else Group.objects.filter(status__in=OPEN_STATUSES).order_by("pk")
    )
    chairs: dict[int, list[int]] = {}
    for group_id, person_id in GroupMembership.objects.filter(
        group__in=groups, role=Role.COCHAIR, status=MembershipStatus.ACTIVE
    ).values_list("group_id", "person_id"):
        chairs.setdefault(group_id, []).append(person_id)
    groups = [g for g in groups if g.pk in chairs]

    plans = []
    for group in groups:
        approved = group.status == GroupStatus.ACTIVE
        plans.append(
            WorkPlan(
                group=group,
                title=f"Work plan {start.year}–{end.year}",
                starts_on=start,
                ends_on=end,
                status=PlanStatus.APPROVED if approved else PlanStatus.DRAFT,
                top_issues="Caseloads too high to follow families; supervision rare; little data on the workforce.",
                summary=f"What {group.name} will deliver in {start.year} and {end.year}.",
                currency="USD",
                version=1 if approved else 0,
                submitted_on=start + timedelta(days=20) if approved else None,
                approved_on=start + timedelta(days=40) if approved else None,
                created_by_id=chairs[group.pk][0],
            )
        )
    WorkPlan.objects.bulk_create(plans)

    objectives, deliverables = [], []
    for plan in plans:
        topic = (plan.group.name.split(" group")[0].split(" Interest")[0].split(" Working")[0]).lower()
        for n in range(2):
            objectives.append(Objective(plan=plan, title=f"Objective {n + 1}: better {topic}", position=n))
    Objective.objects.bulk_create(objectives)
    objectives_of: dict[int, list[Objective]] = {}
    for objective in objectives:
        objectives_of.setdefault(objective.plan_id, []).append(objective)
    for plan in plans:
        topic = plan.group.name.split(" group")[0].lower()
        for n, template in enumerate(rng.sample(DELIVERABLES, 3)):
            due = start + timedelta(days=rng.randint(60, 700))
            status = "done" if due < today - timedelta(days=60) and rng.random() < 0.7 else "in_progress"
            if due > today:
                status = rng.choice(["planned", "in_progress"])
            deliverables.append(
                Deliverable(
                    plan=plan,
                    objective=objectives_of[plan.pk][n % 2],
                    title=template.format(topic=topic),
                    owner_id=rng.choice(chairs[plan.group_id]),
                    starts_on=due - timedelta(days=rng.randint(30, 120)),
                    due_on=due,
                    cost=Decimal(rng.choice([0, 1500, 3000, 5000, 12000])),
                    status=status,
                    position=n,
                )
            )
    Deliverable.objects.bulk_create(deliverables)
    tasks = []
    for deliverable in deliverables:
        for n, title in enumerate(rng.sample(TASKS, 2)):
            wanted = title in ("Translate into French", "Peer review", "Layout") and rng.random() < 0.5
            tasks.append(
                Task(
                    deliverable=deliverable,
                    title=title,
                    assignee_id=None if wanted else deliverable.owner_id,
                    due_on=deliverable.due_on - timedelta(days=rng.randint(0, 30)),
                    status="done" if deliverable.status == "done" else "todo",
                    help_wanted=wanted and deliverable.status != "done",
                    position=n,
                )
            )
    Task.objects.bulk_create(tasks)
    if topics:
        through = Task.skills.through
        through.objects.bulk_create(
            through(task_id=t.pk, topic_id=rng.choice(topics).pk) for t in tasks if t.help_wanted
        )

    goals, outcomes = [], []
    for plan in plans:
        goals.append(
            Result(plan=plan, level=levels[0], code="1", statement="A strong social service workforce.")
        )
    Result.objects.bulk_create(goals)
    for goal in goals:
        for n in range(2):
            outcomes.append(
                Result(
                    plan_id=goal.plan_id,
                    parent=goal,
                    level=levels[1],
                    code=f"1.{n + 1}",
                    statement=["Workers are trained and supervised.", "Policies support the workforce."][n],
                    position=n,
                )
            )
    Result.objects.bulk_create(outcomes)
    outcomes_of: dict[int, list[Result]] = {}
    for outcome in outcomes:
        outcomes_of.setdefault(outcome.plan_id, []).append(outcome)

    indicators, targets = [], []
    for plan in plans:
        for n, shared in enumerate(rng.sample(catalogue, 3)):
            baseline = (
                Decimal(rng.randint(0, 20)) if shared.unit == "number" else Decimal(rng.randint(20, 60))
            )
            indicators.append(
                Indicator(
                    result=outcomes_of[plan.pk][n % 2],
                    plan=plan,
                    shared=shared,
                    code=shared.code,
                    name=shared.name,
                    definition=shared.definition,
                    unit=shared.unit,
                    direction=shared.direction,
                    cumulative=shared.cumulative,
                    frequency="quarterly",
                    baseline_value=Decimal(0) if shared.unit == "yes_no" else baseline,
                    baseline_on=start,
                    data_source="Members' reports",
                    verification="Training registers; ministry records",
                    responsible_id=rng.choice(chairs[plan.group_id]),
                    disaggregations=[
                        {"name": "sex", "options": ["female", "male"]},
                        {"name": "country", "options": []},
                    ],
                    position=n,
                )
            )
    Indicator.objects.bulk_create(indicators)
    for indicator in indicators:
        step = {"number": 25, "percentage": 60, "yes_no": 1}.get(indicator.unit, 10)
        for i, (s, e) in enumerate(periods):
            value = Decimal(step * (i + 1)) if indicator.cumulative else Decimal(step)
            if indicator.direction == "decrease":
                value = Decimal(max(5, 30 - 2 * i))
            targets.append(Target(indicator=indicator, starts_on=s, ends_on=e, value=value))
        lop = Decimal(step * len(periods)) if indicator.unit == "number" else Decimal(step)
        if indicator.direction == "decrease":
            lop = Decimal(15)
        targets.append(
            Target(indicator=indicator, starts_on=start, ends_on=end, value=lop, life_of_plan=True)
        )
    Target.objects.bulk_create(targets)

    measurements, actuals = _measurements(rng, plans, indicators, reported, rows_per_period)
    Measurement.objects.bulk_create(measurements, batch_size=5000)
    PeriodActual.objects.bulk_create(actuals, batch_size=5000)

    lines, needs = [], []
    for plan in plans:
        for deliverable in [d for d in deliverables if d.plan_id == plan.pk]:
            partner = rng.choice(partners) if partners and rng.random() < 0.5 else None
            kind = rng.choice(["cash", "in_kind"]) if partner else "cash"
            lines.append(
                BudgetLine(
                    plan=plan,
                    category=rng.choice(["meetings", "publications", "staff", "travel", "communications"]),
                    deliverable=deliverable,
                    description=f"Costs of {deliverable.title[:80].lower()}",
                    currency="USD",
                    planned=Decimal(rng.choice([800, 1500, 2500, 4000])),
                    actual=Decimal(rng.choice([0, 500, 1200]))
                    if plan.status == PlanStatus.APPROVED
                    else None,
                    source="partner" if partner else rng.choice(["network", "needed"]),
                    partner=partner,
                    kind=kind,
                    valuation="Staff time at the partner's salary scale" if kind == "in_kind" else "",
                )
            )
        needs.append(
            HRNeed(
                plan=plan,
                role="Technical writer",
                hours_per_month=Decimal(rng.choice([4, 8, 12])),
                starts_on=start,
                ends_on=end,
                filled_by_id=rng.choice(chairs[plan.group_id]) if rng.random() < 0.4 else None,
            )
        )
    BudgetLine.objects.bulk_create(lines)
    HRNeed.objects.bulk_create(needs)

    decisions, versions = [], []
    from .queries import plan_snapshot

    approved = [p for p in plans if p.status == PlanStatus.APPROVED]
    for plan in approved:
        for effect, outcome, when, title in (
            (DecisionEffect.WORKPLAN_SUBMITTED, DecisionOutcome.NOTED, plan.submitted_on, "submitted"),
            (DecisionEffect.WORKPLAN_APPROVED, DecisionOutcome.APPROVED, plan.approved_on, "approved"),
        ):
            decisions.append(
                Decision(
                    title=f"Work plan of {plan.group.name} {title} (version 1)",
                    outcome=outcome,
                    effect=effect,
                    decided_on=when,
                    recorded_by_id=plan.created_by_id,
                    on_behalf=False,
                    group=plan.group,
                )
            )
    Decision.objects.bulk_create(decisions)
    for plan in approved:
        snapshot = plan_snapshot(plan)
        versions += [
            PlanVersion(
                plan=plan, number=1, status="submitted", snapshot=snapshot, created_by_id=plan.created_by_id
            ),
            PlanVersion(
                plan=plan, number=1, status="approved", snapshot=snapshot, created_by_id=plan.created_by_id
            ),
        ]
    PlanVersion.objects.bulk_create(versions)
    return {"plans": len(plans), "indicators": len(indicators), "measurements": len(measurements)}


def _measurements(rng, plans, indicators, reported, rows_per_period):
    plan_of = {p.pk: p for p in plans}
    measurements, actuals = [], []
    for indicator in indicators:
        plan = plan_of[indicator.plan_id]
        if plan.status != PlanStatus.APPROVED:
            continue
        spec = progress.Spec(indicator.unit, indicator.direction, indicator.cumulative, ("sex", "country"))
        for i, (s, e) in enumerate(reported):
            if rng.random() < 0.1:
                continue  # a quarter nobody reported: "not reporting"
            rows = []
            total = _value(rng, indicator, i)
            rows.append(({}, total))
            if rows_per_period > 1 and indicator.unit in ("number", "percentage"):
                half = _split(indicator, total)
                rows += [({"sex": "female"}, half[0]), ({"sex": "male"}, half[1])]
                for n in range(max(0, rows_per_period - 3)):
                    rows.append(
                        ({"country": COUNTRIES[n % len(COUNTRIES)]}, _value(rng, indicator, i, share=0.1))
                    )
            readings = []
            for disaggregation, (value, num, den) in rows:
                measurements.append(
                    Measurement(
                        indicator=indicator,
                        starts_on=s,
                        ends_on=e,
                        value=value,
                        numerator=num,
                        denominator=den,
                        disaggregation=disaggregation,
                        country=disaggregation.get("country", ""),
                        status=MeasurementStatus.APPROVED,
                        recorded_by_id=indicator.responsible_id,
                        reviewed_by_id=plan.created_by_id,
                        reviewed_at=timezone.now(),
                        note="",
                    )
                )
                readings.append(
                    progress.Reading(s, e, value, num, den, tuple(sorted(disaggregation.items())))
                )
            for country, actual in progress.period_actuals(spec, readings).items():
                actuals.append(_actual(indicator, s, e, country, actual))
    return measurements, actuals


def _actual(indicator, s, e, country, actual) -> PeriodActual:
    return PeriodActual(
        indicator=indicator,
        shared_id=indicator.shared_id,
        starts_on=s,
        ends_on=e,
        country=country,
        value=None if indicator.unit == "percentage" else actual.value,
        numerator=actual.numerator,
        denominator=actual.denominator,
    )


def _value(rng, indicator, i, share: float = 1.0):
    if indicator.unit == "percentage":
        den = Decimal(max(1, int(rng.randint(20, 200) * share)))
        ratio = rng.uniform(0.3, 0.8) if indicator.direction == "increase" else rng.uniform(0.05, 0.35)
        return (None, (den * Decimal(str(round(ratio, 2)))).quantize(Decimal(1)), den)
    if indicator.unit == "yes_no":
        return (Decimal(1 if i >= 3 else 0), None, None)
    return (Decimal(max(0, int(rng.randint(15, 35) * share))), None, None)


def _split(indicator, total):
    value, num, den = total
    if indicator.unit == "percentage":
        n1, d1 = (num // 2), (den // 2)
        return (None, n1, d1), (None, num - n1, den - d1)
    first = (value * Decimal("0.6")).quantize(Decimal(1))
    return (first, None, None), (value - first, None, None)


@register(40, "plans")
def demo_plans(run: DemoRun) -> None:
    plans = (
        {}
        if run.no_groups
        else build_plans(rng=random.Random(f"{run.seed}-plans"), rows_per_period=run.plan_rows)
    )
    run.summary.append(
        f"{plans.get('plans', 0):,} work plans with {plans.get('measurements', 0):,} measurements"
    )
