"""The work plans API under /api/v1/: the same rules, queries and services as the plan pages.

A plan is reached through its group (``groups/{slug}/plans/{plan_id}``): a group the caller may not see
is 404, a plan of another group is 404, a plan the caller may not read is 403. Every write goes
through ``convene.plans.services``: a refused rule answers 403, bad input 422 with the messages, and
an edit made from an outdated ``revision`` 409 with what changed since (handlers in convene.core.api).
"""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from convene.core.api_schemas import EDIT_ERRORS, ERRORS, READ_ERRORS, PathId
from convene.core.pagination import ApiPagination
from convene.core.rules import can, ensure
from convene.governance.schemas import DecisionOut
from convene.groups import queries as group_queries
from convene.groups.models import Group
from convene.people.models import Organisation, Person, Topic

from . import queries, services
from .models import (
    BudgetLine,
    Deliverable,
    ExchangeRate,
    HRNeed,
    Objective,
    Task,
    Volunteer,
    VolunteerStatus,
    WorkPlan,
)
from .schemas import (
    ID,
    BudgetLineIn,
    BudgetLineOut,
    BudgetLinePatch,
    BudgetOut,
    CommentIn,
    CommentOut,
    ComparisonOut,
    DeliverableIn,
    DeliverableOut,
    DeliverablePatch,
    HelpWantedOut,
    HRNeedIn,
    HRNeedOut,
    HRNeedPatch,
    ObjectiveIn,
    ObjectiveOut,
    ObjectivePatch,
    PlanDetailOut,
    PlanIn,
    PlanOut,
    PlanPatch,
    RateIn,
    RateOut,
    RatePatch,
    ReviewIn,
    SubmitIn,
    TaskIn,
    TaskOut,
    TaskPatch,
    VersionOut,
    VolunteerAnswerIn,
    VolunteerIn,
    VolunteerOut,
)

router = Router(tags=["work plans"])


# --- Helpers -----------------------------------------------------------------------------------------


def saved(obj):
    """The record as stored (amounts in the field's precision), after a service wrote it."""
    obj.refresh_from_db()
    return obj


def _part(queryset, pk: int):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def _objective(plan: WorkPlan, pk: int) -> Objective:
    return _part(Objective.objects.filter(plan=plan), pk)


def _deliverable(plan: WorkPlan, pk: int) -> Deliverable:
    return _part(Deliverable.objects.filter(plan=plan).select_related("owner__profile"), pk)


def _task(plan: WorkPlan, pk: int) -> Task:
    return _part(Task.objects.filter(deliverable__plan=plan).select_related("deliverable"), pk)


def person_of(person_id: int | None, field: str, *, group, current_id: int | None = None) -> Person | None:
    """A person named in a body, among those the page's form offers (the group's active members, or
    whoever holds the place now: groups.queries.choosable_people), or 422. Anyone else, a hidden profile
    or an applicant included, answers as an id that does not exist. Shared with convene.results.api."""
    if person_id is None:
        return None
    person = group_queries.choosable_person(group=group, person_id=person_id, keep=[current_id])
    if person is None:
        raise ValidationError({field: _("No such person.")})
    return person


def _organisation(pk: int | None, field: str) -> Organisation | None:
    if pk is None:
        return None
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise ValidationError({field: _("No such organisation.")})
    return organisation


def _in_plan(queryset, pk: int | None, field: str):
    """A deliverable or objective of this plan named in a body, or 422."""
    if pk is None:
        return None
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise ValidationError({field: _("This belongs to another work plan.")})
    return obj


def _skills(slugs: list[str]) -> list[Topic]:
    topics = list(Topic.objects.filter(slug__in=set(slugs)))
    unknown = sorted(set(slugs) - {topic.slug for topic in topics})
    if unknown:
        raise ValidationError({"skills": _("Unknown topics: %(topics)s.") % {"topics": ", ".join(unknown)}})
    return topics


def _changes(payload: Schema) -> dict:
    """The fields a PATCH sent (``revision`` apart); an explicit null clears a field that may be empty."""
    fields = payload.model_dump(exclude_unset=True)
    fields.pop("revision", None)
    return fields


def _ids_to_objects(fields: dict, resolvers: dict) -> dict:
    """``owner_id: 3`` → ``owner: Person``, etc. (``resolvers``: id field → (name, function))."""
    out = {}
    for key, value in fields.items():
        if key in resolvers:
            name, resolve = resolvers[key]
            out[name] = resolve(value)
        else:
            out[key] = value
    return out


def _plan_detail(request, plan: WorkPlan) -> WorkPlan:
    """The plan with its parts, budget summary and what the caller may do, as ``PlanDetailOut`` reads it."""
    viewer = request.user
    full = queries.with_parts(plan)
    full.budget = queries.budget_summary(
        full, lines=list(full.budget_lines.all()), rates=list(full.rates.all())
    )
    manages = can(viewer, "plans.manage_volunteers", full)
    for deliverable in full.deliverables.all():
        for task in deliverable.tasks.all():
            task.offers_shown = [
                offer for offer in task.open_offers if manages or offer.person_id == viewer.pk
            ]
    full.permissions = {
        "edit": can(viewer, "plans.edit_plan", full),
        "submit": can(viewer, "plans.submit", full),
        "review": can(viewer, "plans.review", full),
        "revise": can(viewer, "plans.revise", full),
        "comment": can(viewer, "plans.comment", full),
        "update_progress": can(viewer, "plans.update_progress", full),
    }
    return full


PLAN = "groups/{slug}/plans/{plan_id}"


# --- Plans ---------------------------------------------------------------------------------------------


@router.get(
    "groups/{slug}/plans", response={200: list[PlanOut], **READ_ERRORS}, summary="A group's work plans"
)
@paginate(ApiPagination, page_size=50)
def list_plans(request, slug: str):
    """Newest period first: network members, the committee and the secretariat read them."""
    group = group_queries.group_for_viewer(viewer=request.user, slug=slug)
    ensure(request.user, "plans.view_plan", group)
    return queries.plans_of_group(group)


@router.post("groups/{slug}/plans", response={201: PlanDetailOut, **ERRORS}, summary="Start a work plan")
def create_plan(request, slug: str, payload: PlanIn):
    """The co-chairs (or the secretariat) start a plan for a period; one plan at a time is in the works."""
    group = group_queries.group_for_viewer(viewer=request.user, slug=slug)
    plan = services.plan_create(group=group, acting=request.user, **payload.model_dump())
    return Status(201, _plan_detail(request, plan))


@router.get(PLAN, response={200: PlanDetailOut, **READ_ERRORS}, summary="One work plan with its parts")
def get_plan(request, slug: str, plan_id: PathId):
    """Objectives, deliverables with their tasks, the budget summary in the reporting currency, and
    what the caller may do with the plan."""
    return _plan_detail(request, queries.plan_for_viewer(request.user, plan_id, group_slug=slug))


@router.patch(PLAN, response={200: PlanDetailOut, **EDIT_ERRORS}, summary="Change a work plan")
def update_plan(request, slug: str, plan_id: PathId, payload: PlanPatch):
    """While the plan is a draft, returned or being revised; send the ``revision`` you read."""
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    plan = services.plan_update(
        plan=plan, acting=request.user, revision=payload.revision, **_changes(payload)
    )
    return _plan_detail(request, plan)


@router.post(f"{PLAN}/submit", response={200: DecisionOut, **ERRORS}, summary="Submit a work plan")
def submit_plan(request, slug: str, plan_id: PathId, payload: SubmitIn | None = None):
    """The co-chairs send the plan to the steering committee; the version is kept and the step logged.
    A returned plan sent back unchanged needs a comment (422 otherwise)."""
    return services.plan_submit(
        plan=queries.plan_for_viewer(request.user, plan_id, group_slug=slug),
        acting=request.user,
        comment=payload.comment if payload else "",
    )


@router.post(f"{PLAN}/review", response={200: DecisionOut, **ERRORS}, summary="Approve or return a work plan")
def review_plan(request, slug: str, plan_id: PathId, payload: ReviewIn):
    """The steering committee (or the secretariat on its behalf) approves a submitted plan or returns
    it with comments; the decision is in the log."""
    return services.plan_review(
        plan=queries.plan_for_viewer(request.user, plan_id, group_slug=slug),
        acting=request.user,
        approve=payload.approve,
        comment=payload.comment,
        decided_on=payload.decided_on,
    )


@router.post(f"{PLAN}/revise", response={200: PlanDetailOut, **ERRORS}, summary="Revise an approved plan")
def revise_plan(request, slug: str, plan_id: PathId):
    """The co-chairs open an approved plan for a revision; the approved version stays in the versions."""
    plan = services.plan_revise(
        plan=queries.plan_for_viewer(request.user, plan_id, group_slug=slug), acting=request.user
    )
    return _plan_detail(request, plan)


@router.get(
    f"{PLAN}/versions", response={200: list[VersionOut], **READ_ERRORS}, summary="Versions of a work plan"
)
@paginate(ApiPagination, page_size=50)
def list_plan_versions(request, slug: str, plan_id: PathId):
    """Each submission and each review keeps a copy of the whole plan, newest first."""
    return queries.versions_of(queries.plan_for_viewer(request.user, plan_id, group_slug=slug))


@router.get(
    f"{PLAN}/versions/{{version_id}}/compare",
    response={200: ComparisonOut, **READ_ERRORS},
    summary="Compare two versions of a work plan",
)
def compare_plan_versions(
    request,
    slug: str,
    plan_id: int,
    version_id: int,
    to: int | None = Query(
        None, **ID, description="Id of the later version; the plan as it is now when left out."
    ),
):
    """What changed from this version to another one (or to the plan as it is now), section by section."""
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    versions = queries.versions_of(plan)
    first = _part(versions, version_id)
    second = _part(versions, to) if to is not None else None
    after = second.snapshot if second is not None else queries.plan_snapshot(plan)
    return {
        "from_version": first,
        "to_version": second,
        "changes": queries.snapshot_compare(first.snapshot, after),
    }


# --- Objectives, deliverables, tasks -------------------------------------------------------------------


@router.post(f"{PLAN}/objectives", response={201: ObjectiveOut, **ERRORS}, summary="Add an objective")
def create_objective(request, slug: str, plan_id: PathId, payload: ObjectiveIn):
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    return Status(201, services.objective_save(plan=plan, acting=request.user, **payload.model_dump()))


@router.patch(
    f"{PLAN}/objectives/{{objective_id}}",
    response={200: ObjectiveOut, **EDIT_ERRORS},
    summary="Change an objective",
)
def update_objective(request, slug: str, plan_id: PathId, objective_id: PathId, payload: ObjectivePatch):
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    return services.objective_save(
        plan=plan,
        acting=request.user,
        objective=_objective(plan, objective_id),
        revision=payload.revision,
        **_changes(payload),
    )


@router.delete(
    f"{PLAN}/objectives/{{objective_id}}", response={204: None, **ERRORS}, summary="Remove an objective"
)
def delete_objective(request, slug: str, plan_id: PathId, objective_id: PathId):
    """Its deliverables stay, without an objective."""
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    services.objective_delete(objective=_objective(plan, objective_id), acting=request.user)
    return Status(204, None)


def _deliverable_fields(plan: WorkPlan, fields: dict, deliverable: Deliverable | None = None) -> dict:
    current = deliverable.owner_id if deliverable is not None else None
    return _ids_to_objects(
        fields,
        {
            "objective_id": (
                "objective",
                lambda pk: _in_plan(Objective.objects.filter(plan=plan), pk, "objective"),
            ),
            "owner_id": ("owner", lambda pk: person_of(pk, "owner", group=plan.group, current_id=current)),
        },
    )


@router.post(f"{PLAN}/deliverables", response={201: DeliverableOut, **ERRORS}, summary="Add a deliverable")
def create_deliverable(request, slug: str, plan_id: PathId, payload: DeliverableIn):
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    fields = _deliverable_fields(plan, payload.model_dump())
    return Status(201, saved(services.deliverable_save(plan=plan, acting=request.user, **fields)))


@router.patch(
    f"{PLAN}/deliverables/{{deliverable_id}}",
    response={200: DeliverableOut, **EDIT_ERRORS},
    summary="Change a deliverable",
)
def update_deliverable(
    request, slug: str, plan_id: PathId, deliverable_id: PathId, payload: DeliverablePatch
):
    """Anything while the plan is editable; only its status once the plan is approved."""
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    deliverable = _deliverable(plan, deliverable_id)
    return saved(
        services.deliverable_save(
            plan=plan,
            acting=request.user,
            deliverable=deliverable,
            revision=payload.revision,
            **_deliverable_fields(plan, _changes(payload), deliverable),
        )
    )


@router.delete(
    f"{PLAN}/deliverables/{{deliverable_id}}", response={204: None, **ERRORS}, summary="Remove a deliverable"
)
def delete_deliverable(request, slug: str, plan_id: PathId, deliverable_id: PathId):
    """With its tasks."""
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    services.deliverable_delete(deliverable=_deliverable(plan, deliverable_id), acting=request.user)
    return Status(204, None)


def _task_fields(plan: WorkPlan, fields: dict, task: Task | None = None) -> dict:
    current = task.assignee_id if task is not None else None
    return _ids_to_objects(
        fields,
        {
            "assignee_id": (
                "assignee",
                lambda pk: person_of(pk, "assignee", group=plan.group, current_id=current),
            )
        },
    )


@router.post(
    f"{PLAN}/deliverables/{{deliverable_id}}/tasks", response={201: TaskOut, **ERRORS}, summary="Add a task"
)
def create_task(request, slug: str, plan_id: PathId, deliverable_id: PathId, payload: TaskIn):
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    deliverable = _deliverable(plan, deliverable_id)
    deliverable.plan = plan
    fields = payload.model_dump()
    skills = _skills(fields.pop("skills"))
    task = services.task_save(
        deliverable=deliverable, acting=request.user, skills=skills, **_task_fields(plan, fields)
    )
    return Status(201, task)


@router.patch(f"{PLAN}/tasks/{{task_id}}", response={200: TaskOut, **EDIT_ERRORS}, summary="Change a task")
def update_task(request, slug: str, plan_id: PathId, task_id: PathId, payload: TaskPatch):
    """Anything while the plan is editable; its status and assignee once the plan is approved."""
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    task = _task(plan, task_id)
    task.deliverable.plan = plan
    fields = _changes(payload)
    skills = _skills(fields.pop("skills")) if fields.get("skills") is not None else None
    fields.pop("skills", None)
    return services.task_save(
        deliverable=task.deliverable,
        acting=request.user,
        task=task,
        revision=payload.revision,
        skills=skills,
        **_task_fields(plan, fields, task),
    )


@router.delete(f"{PLAN}/tasks/{{task_id}}", response={204: None, **ERRORS}, summary="Remove a task")
def delete_task(request, slug: str, plan_id: PathId, task_id: PathId):
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    task = _task(plan, task_id)
    task.deliverable.plan = plan
    services.task_delete(task=task, acting=request.user)
    return Status(204, None)


# --- Comments ------------------------------------------------------------------------------------------


@router.get(
    f"{PLAN}/comments", response={200: list[CommentOut], **READ_ERRORS}, summary="Comments on a work plan"
)
@paginate(ApiPagination, page_size=100)
def list_plan_comments(request, slug: str, plan_id: PathId):
    """Oldest first; the committee's review comments are among them."""
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    return plan.comments.select_related("author__profile").order_by("created_at", "pk")


@router.post(f"{PLAN}/comments", response={201: CommentOut, **ERRORS}, summary="Comment on a work plan")
def add_plan_comment(request, slug: str, plan_id: PathId, payload: CommentIn):
    """Members of the group, the committee and the secretariat."""
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    return Status(201, services.comment_add(plan=plan, acting=request.user, body=payload.body))


# --- Budget and exchange rates -------------------------------------------------------------------------


@router.get(f"{PLAN}/budget", response={200: BudgetOut, **READ_ERRORS}, summary="A work plan's budget")
def list_budget_lines(request, slug: str, plan_id: PathId):
    """Every line, the rates stored with the plan, and the totals in the reporting currency: funded
    (network funds, partner contributions in cash or in kind) against the gap still to raise."""
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    lines, rates = queries.budget_of(plan)
    return {"summary": queries.budget_summary(plan, lines=lines, rates=rates), "lines": lines, "rates": rates}


def _line(plan: WorkPlan, pk: int) -> BudgetLine:
    return _part(BudgetLine.objects.filter(plan=plan).select_related("partner"), pk)


def _line_fields(plan: WorkPlan, fields: dict) -> dict:
    return _ids_to_objects(
        fields,
        {
            "deliverable_id": (
                "deliverable",
                lambda pk: _in_plan(Deliverable.objects.filter(plan=plan), pk, "deliverable"),
            ),
            "partner_id": ("partner", lambda pk: _organisation(pk, "partner")),
        },
    )


@router.post(f"{PLAN}/budget", response={201: BudgetLineOut, **ERRORS}, summary="Add a budget line")
def create_budget_line(request, slug: str, plan_id: PathId, payload: BudgetLineIn):
    """An amount in another currency needs that currency's rate stored with the plan first."""
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    fields = payload.model_dump()
    if fields["currency"] is None:
        del fields["currency"]
    return Status(
        201, services.budget_line_save(plan=plan, acting=request.user, **_line_fields(plan, fields))
    )


@router.patch(
    f"{PLAN}/budget/{{line_id}}", response={200: BudgetLineOut, **EDIT_ERRORS}, summary="Change a budget line"
)
def update_budget_line(request, slug: str, plan_id: PathId, line_id: PathId, payload: BudgetLinePatch):
    """Anything while the plan is editable; the actual amount once the plan is approved."""
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    return saved(
        services.budget_line_save(
            plan=plan,
            acting=request.user,
            line=_line(plan, line_id),
            revision=payload.revision,
            **_line_fields(plan, _changes(payload)),
        )
    )


@router.delete(f"{PLAN}/budget/{{line_id}}", response={204: None, **ERRORS}, summary="Remove a budget line")
def delete_budget_line(request, slug: str, plan_id: PathId, line_id: PathId):
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    services.budget_line_delete(line=_line(plan, line_id), acting=request.user)
    return Status(204, None)


@router.get(f"{PLAN}/rates", response={200: list[RateOut], **READ_ERRORS}, summary="Exchange rates of a plan")
def list_rates(request, slug: str, plan_id: PathId):
    """How much one unit of each currency is worth in the plan's reporting currency."""
    return list(queries.plan_for_viewer(request.user, plan_id, group_slug=slug).rates.all())


@router.post(
    f"{PLAN}/rates", response={200: RateOut, 201: RateOut, **ERRORS}, summary="Store an exchange rate"
)
def set_rate(request, slug: str, plan_id: PathId, payload: RateIn):
    """Stores the rate of a currency (201), or replaces the one stored for it (200)."""
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    existed = plan.rates.filter(currency=payload.currency.strip().upper()).exists()
    rate = services.rate_set(plan=plan, acting=request.user, **payload.model_dump())
    return Status(200 if existed else 201, saved(rate))


def _rate(plan: WorkPlan, pk: int) -> ExchangeRate:
    rate = _part(ExchangeRate.objects.filter(plan=plan), pk)
    rate.plan = plan
    return rate


@router.patch(
    f"{PLAN}/rates/{{rate_id}}", response={200: RateOut, **ERRORS}, summary="Change an exchange rate"
)
def update_rate(request, slug: str, plan_id: PathId, rate_id: PathId, payload: RatePatch):
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    rate = _rate(plan, rate_id)
    fields = payload.model_dump(exclude_unset=True)
    return saved(
        services.rate_set(
            plan=plan,
            acting=request.user,
            currency=rate.currency,
            rate=fields.get("rate") or rate.rate,
            as_of=fields.get("as_of", rate.as_of),
        )
    )


@router.delete(f"{PLAN}/rates/{{rate_id}}", response={204: None, **ERRORS}, summary="Remove an exchange rate")
def delete_rate(request, slug: str, plan_id: PathId, rate_id: PathId):
    """Refused while budget lines use the currency."""
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    services.rate_delete(rate=_rate(plan, rate_id), acting=request.user)
    return Status(204, None)


# --- Human resources -----------------------------------------------------------------------------------


def _need(plan: WorkPlan, pk: int) -> HRNeed:
    return _part(
        HRNeed.objects.filter(plan=plan).select_related("filled_by__profile", "filled_by_organisation"), pk
    )


def _need_fields(plan: WorkPlan, fields: dict, need: HRNeed | None = None) -> dict:
    current = need.filled_by_id if need is not None else None
    return _ids_to_objects(
        fields,
        {
            "filled_by_id": (
                "filled_by",
                lambda pk: person_of(pk, "filled_by", group=plan.group, current_id=current),
            ),
            "filled_by_organisation_id": (
                "filled_by_organisation",
                lambda pk: _organisation(pk, "filled_by_organisation"),
            ),
        },
    )


@router.get(
    f"{PLAN}/hr-needs",
    response={200: list[HRNeedOut], **READ_ERRORS},
    summary="Human-resource needs of a plan",
)
def list_hr_needs(request, slug: str, plan_id: PathId):
    """Roles, effort and period, filled by a person or an organisation, or still open."""
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    return queries.hr_needs_of(plan)


@router.post(f"{PLAN}/hr-needs", response={201: HRNeedOut, **ERRORS}, summary="Add a human-resource need")
def create_hr_need(request, slug: str, plan_id: PathId, payload: HRNeedIn):
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    need = services.hr_need_save(plan=plan, acting=request.user, **_need_fields(plan, payload.model_dump()))
    return Status(201, saved(need))


@router.patch(
    f"{PLAN}/hr-needs/{{need_id}}",
    response={200: HRNeedOut, **EDIT_ERRORS},
    summary="Change a human-resource need",
)
def update_hr_need(request, slug: str, plan_id: PathId, need_id: PathId, payload: HRNeedPatch):
    """Anything while the plan is editable; who fills it (and the note) once the plan is approved."""
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    need = _need(plan, need_id)
    return saved(
        services.hr_need_save(
            plan=plan,
            acting=request.user,
            need=need,
            revision=payload.revision,
            **_need_fields(plan, _changes(payload), need),
        )
    )


@router.delete(
    f"{PLAN}/hr-needs/{{need_id}}", response={204: None, **ERRORS}, summary="Remove a human-resource need"
)
def delete_hr_need(request, slug: str, plan_id: PathId, need_id: PathId):
    plan = queries.plan_for_viewer(request.user, plan_id, group_slug=slug)
    services.hr_need_delete(need=_need(plan, need_id), acting=request.user)
    return Status(204, None)


# --- Help wanted and volunteers ------------------------------------------------------------------------


@router.get("help-wanted", response={200: list[HelpWantedOut], **READ_ERRORS}, summary="Tasks that want help")
@paginate(ApiPagination, page_size=50)
def list_help_wanted(
    request,
    matching: bool = Query(
        False, description="Only the tasks that need one of the caller's areas of expertise."
    ),
):
    """Open "help wanted" tasks of the groups the caller may see, soonest due first."""
    ensure(request.user, "plans.view_plan")
    tasks, _expertise = queries.help_wanted_for(request.user, matching_only=matching)
    visible = Group.objects.visible_to(request.user).values("pk")
    mine = Volunteer.objects.filter(
        person=request.user, status__in=[VolunteerStatus.OFFERED, VolunteerStatus.ACCEPTED]
    ).select_related("person__profile")
    return tasks.filter(deliverable__plan__group__in=visible).prefetch_related(
        Prefetch("volunteers", queryset=mine, to_attr="my_offers")
    )


@router.post("tasks/{task_id}/volunteer", response={201: VolunteerOut, **ERRORS}, summary="Offer to help")
def volunteer_for_task(request, task_id: PathId, payload: VolunteerIn | None = None):
    """A member of the network offers to take an open "help wanted" task; its co-chairs decide."""
    task = queries.task_for_viewer(request.user, task_id)
    volunteer = services.volunteer_offer(task=task, acting=request.user, note=payload.note if payload else "")
    volunteer.person = request.user
    return Status(201, volunteer)


@router.post(
    "volunteers/{volunteer_id}/withdraw", response={200: VolunteerOut, **ERRORS}, summary="Withdraw an offer"
)
def withdraw_volunteer(request, volunteer_id: PathId):
    """The volunteer withdraws an offer not yet answered."""
    volunteer = queries.volunteer_for_viewer(request.user, volunteer_id)
    answered = services.volunteer_withdraw(volunteer=volunteer, acting=request.user)
    answered.person = volunteer.person
    return answered


@router.post(
    "volunteers/{volunteer_id}/decide",
    response={200: VolunteerOut, **ERRORS},
    summary="Accept or decline an offer",
)
def decide_volunteer(request, volunteer_id: PathId, payload: VolunteerAnswerIn):
    """A co-chair accepts a volunteer, who becomes the task's assignee (other offers are declined), or
    declines the offer."""
    volunteer = queries.volunteer_for_viewer(request.user, volunteer_id)
    answered = services.volunteer_decide(volunteer=volunteer, acting=request.user, accept=payload.accept)
    answered.person = volunteer.person
    return answered
