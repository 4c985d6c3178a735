"""Pages of a group's work plan: the list, the plan, its parts, the review and its versions.

Thin (STYLE §1, §2): rules decide, services write, queries read. Edit forms carry the revision they
started from; a second save of the same record answers 409 with the merge (core.concurrency_views).
"""

import datetime
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from convene.core.concurrency import EditConflict
from convene.core.concurrency_views import add_service_error, conflict_response
from convene.core.rules import can, ensure
from convene.groups import queries as group_queries
from convene.people.models import Person

from . import queries, services
from .forms import (
    CommentForm,
    CompareForm,
    DeliverableForm,
    ObjectiveForm,
    PlanEditForm,
    PlanForm,
    ReviewForm,
    TaskForm,
)
from .models import (
    BudgetLine,
    Deliverable,
    ExchangeRate,
    HRNeed,
    Objective,
    PlanComment,
    PlanStatus,
    PlanVersion,
    Task,
    WorkPlan,
)

PAGE_SIZE = 20
COMMENTS_LIMIT = 200
BUSY = (PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.RETURNED, PlanStatus.REVISING)


def _detail_url(plan: WorkPlan, anchor: str = "") -> str:
    url = reverse("plans:detail", args=[plan.group.slug, plan.pk])
    return f"{url}#{anchor}" if anchor else url


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _form_page(request, form, save, *, template: str, context: dict, success: str, next_url: str):
    """POST-redirect-GET for an edit form: ``save(**cleaned_data)`` through a service; the form again
    with the service's errors; or 409 with the merge when someone saved the record meanwhile."""
    if request.method == "POST" and form.is_valid():
        try:
            save(**form.cleaned_data)
        except EditConflict as conflict:
            return conflict_response(request, template, context, form=form, conflict=conflict)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, success)
            return redirect(next_url)
    return render(request, template, {**context, "form": form})


# --- The group's plans ---------------------------------------------------------------------------


@login_required
@require_GET
def plan_list(request, slug: str):
    group = group_queries.group_for_viewer(viewer=request.user, slug=slug)
    ensure(request.user, "plans.view_plan", group)
    page = Paginator(queries.plans_with_overdue_tasks(group), PAGE_SIZE).get_page(request.GET.get("page"))
    busy = queries.plans_of_group(group).filter(status__in=BUSY).first()
    return render(
        request,
        "plans/plan_list.html",
        {
            "group": group,
            "page": page,
            "busy": busy,
            "can_create": can(request.user, "plans.create_plan", group) and busy is None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request, slug: str):
    group = group_queries.group_for_viewer(viewer=request.user, slug=slug)
    ensure(request.user, "plans.create_plan", group)
    today = timezone.localdate()
    form = PlanForm(
        request.POST or None,
        initial={
            "title": _("Work plan %(year)s") % {"year": today.year},
            "starts_on": today,
            "ends_on": datetime.date(today.year, 12, 31),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(group=group, acting=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The work plan is started. Add its objectives and deliverables."))
            return redirect("plans:detail", group.slug, plan.pk)
    return render(request, "plans/plan_form.html", {"group": group, "form": form, "plan": None})


# --- The plan ------------------------------------------------------------------------------------


def _hr_summary(needs) -> dict:
    open_needs = [need for need in needs if need.is_open]
    return {
        "count": len(needs),
        "open": len(open_needs),
        "hours": sum((need.hours_per_month for need in needs), Decimal(0)),
        "open_hours": sum((need.hours_per_month for need in open_needs), Decimal(0)),
    }


@login_required
@require_GET
def plan_detail(request, slug: str, plan: int):
    plan = queries.plan_for_viewer(request.user, plan, group_slug=slug)
    user = request.user
    parts = queries.with_parts(plan)
    parts.group = plan.group
    deliverables = list(parts.deliverables.all())
    today = timezone.localdate()
    can_edit = can(user, "plans.edit_plan", plan)
    can_progress = can(user, "plans.update_progress", plan)
    for deliverable in deliverables:
        deliverable.late = queries.is_late(deliverable.due_on, deliverable.status, today)
        for task in deliverable.tasks.all():
            task.late = queries.is_late(task.due_on, task.status, today)
    comments = list(
        PlanComment.objects.filter(plan=plan)
        .select_related("author__profile")
        .order_by("-created_at", "-pk")[: COMMENTS_LIMIT + 1]
    )
    more_comments = len(comments) > COMMENTS_LIMIT
    comments = list(reversed(comments[:COMMENTS_LIMIT]))
    return render(
        request,
        "plans/plan_detail.html",
        {
            "group": plan.group,
            "plan": plan,
            "objectives": list(parts.objectives.all()),
            "deliverables": deliverables,
            "budget": queries.budget_summary(
                plan, lines=list(parts.budget_lines.all()), rates=list(parts.rates.all())
            ),
            "hr": _hr_summary(list(parts.hr_needs.all())),
            "comments": comments,
            "more_comments": more_comments,
            "comment_form": CommentForm(),
            "can_edit": can_edit,
            "can_progress": can_edit or can_progress,
            "can_submit": can(user, "plans.submit", plan),
            "can_review": can(user, "plans.review", plan),
            "can_revise": can(user, "plans.revise", plan),
            "can_comment": can(user, "plans.comment", plan),
            "can_export": can(user, "plans.export", plan),
            "can_manage_volunteers": can(user, "plans.manage_volunteers", plan),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, slug: str, plan: int):
    plan = queries.plan_for_viewer(request.user, plan, group_slug=slug, perm="plans.edit_plan")
    form = PlanEditForm(request.POST or None, initial=PlanForm.initial_for(plan), revision=plan.revision)

    def save(revision, **fields):
        services.plan_update(plan=plan, acting=request.user, revision=revision, **fields)

    return _form_page(
        request,
        form,
        save,
        template="plans/plan_form.html",
        context={"group": plan.group, "plan": plan},
        success=_("The work plan is saved."),
        next_url=_detail_url(plan),
    )


@login_required
@require_POST
def comment(request, slug: str, plan: int):
    plan = queries.plan_for_viewer(request.user, plan, group_slug=slug, perm="plans.comment")
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_detail_url(plan, "comment-form"))
    try:
        services.comment_add(plan=plan, acting=request.user, body=form.cleaned_data["body"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(_detail_url(plan, "comment-form"))
    messages.success(request, _("Your comment is posted."))
    return redirect(_detail_url(plan, "comments"))


# --- Objectives, deliverables, tasks -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def objective_edit(request, slug: str, plan: int, pk: int | None = None):
    plan = queries.plan_for_viewer(request.user, plan, group_slug=slug, perm="plans.edit_plan")
    objective = None
    initial = {}
    if pk is not None:
        objective = get_object_or_404(Objective, pk=pk, plan=plan)
        objective.plan = plan
        initial = {name: getattr(objective, name) for name in ObjectiveForm.FIELDS}
    form = ObjectiveForm(
        request.POST or None, initial=initial, revision=objective.revision if objective else 1
    )

    def save(revision, **fields):
        services.objective_save(
            plan=plan,
            acting=request.user,
            objective=objective,
            revision=revision if objective else None,
            **fields,
        )

    return _form_page(
        request,
        form,
        save,
        template="plans/part_form.html",
        context=_part_context(plan, objective, "objective"),
        success=_("The objective is saved."),
        next_url=_detail_url(plan, "objectives"),
    )


def _part_context(plan: WorkPlan, obj, kind: str, *, progress_only: bool = False, **extra) -> dict:
    titles = {
        ("objective", False): _("New objective"),
        ("objective", True): _("Edit the objective"),
        ("deliverable", False): _("New deliverable"),
        ("deliverable", True): _("Edit the deliverable"),
        ("task", False): _("New task"),
        ("task", True): _("Edit the task"),
    }
    delete_url = None
    if obj is not None and not progress_only:
        delete_url = reverse(f"plans:{kind}_delete", args=[plan.group.slug, plan.pk, obj.pk])
    return {
        "group": plan.group,
        "plan": plan,
        "object": obj,
        "kind": kind,
        "title": titles[(kind, obj is not None)],
        "delete_url": delete_url,
        "progress_only": progress_only,
        **extra,
    }


def _part_delete(request, plan: WorkPlan, delete, message: str, anchor: str):
    try:
        delete()
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, message)
    return redirect(_detail_url(plan, anchor))


@login_required
@require_POST
def objective_delete(request, slug: str, plan: int, pk: int):
    plan = queries.plan_for_viewer(request.user, plan, group_slug=slug, perm="plans.edit_plan")
    objective = get_object_or_404(Objective, pk=pk, plan=plan)
    objective.plan = plan
    return _part_delete(
        request,
        plan,
        lambda: services.objective_delete(objective=objective, acting=request.user),
        _("The objective is deleted; its deliverables stay in the plan."),
        "objectives",
    )


def _progress_only(request, plan: WorkPlan, model) -> set[str] | None:
    """None: the whole form. A set: only the fields a running (approved) plan lets co-chairs update."""
    if can(request.user, "plans.edit_plan", plan):
        return None
    if can(request.user, "plans.update_progress", plan):
        return set(services.PROGRESS_FIELDS[model])
    raise PermissionDenied("plans.edit_plan")


@login_required
@require_http_methods(["GET", "POST"])
def deliverable_edit(request, slug: str, plan: int, pk: int | None = None):
    plan = queries.plan_for_viewer(request.user, plan, group_slug=slug)
    deliverable = None
    if pk is None:
        ensure(request.user, "plans.edit_plan", plan)
        only = None
    else:
        deliverable = get_object_or_404(Deliverable, pk=pk, plan=plan)
        deliverable.plan = plan
        only = _progress_only(request, plan, Deliverable)
    form = DeliverableForm(
        request.POST or None,
        initial=DeliverableForm.initial_for(deliverable) if deliverable else {},
        revision=deliverable.revision if deliverable else 1,
        plan=plan,
        owner_id=deliverable.owner_id if deliverable else None,
        only=only,
    )

    def save(revision, **fields):
        services.deliverable_save(
            plan=plan,
            acting=request.user,
            deliverable=deliverable,
            revision=revision if deliverable else None,
            **fields,
        )

    anchor = f"deliverable-{deliverable.pk}" if deliverable else "deliverables"
    return _form_page(
        request,
        form,
        save,
        template="plans/part_form.html",
        context=_part_context(plan, deliverable, "deliverable", progress_only=only is not None),
        success=_("The deliverable is saved."),
        next_url=_detail_url(plan, anchor),
    )


@login_required
@require_POST
def deliverable_delete(request, slug: str, plan: int, pk: int):
    plan = queries.plan_for_viewer(request.user, plan, group_slug=slug, perm="plans.edit_plan")
    deliverable = get_object_or_404(Deliverable, pk=pk, plan=plan)
    deliverable.plan = plan
    return _part_delete(
        request,
        plan,
        lambda: services.deliverable_delete(deliverable=deliverable, acting=request.user),
        _("The deliverable and its tasks are deleted."),
        "deliverables",
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request, slug: str, plan: int, pk: int | None = None, deliverable: int | None = None):
    plan = queries.plan_for_viewer(request.user, plan, group_slug=slug)
    task = None
    if pk is None:
        ensure(request.user, "plans.edit_plan", plan)
        parent = get_object_or_404(Deliverable, pk=deliverable, plan=plan)
        only = None
    else:
        task = get_object_or_404(Task.objects.select_related("deliverable"), pk=pk, deliverable__plan=plan)
        parent = task.deliverable
        only = _progress_only(request, plan, Task)
    parent.plan = plan
    form = TaskForm(
        request.POST or None,
        initial=TaskForm.initial_for(task) if task else {},
        revision=task.revision if task else 1,
        plan=plan,
        assignee_id=task.assignee_id if task else None,
        only=only,
    )

    def save(revision, **fields):
        services.task_save(
            deliverable=parent,
            acting=request.user,
            task=task,
            revision=revision if task else None,
            **fields,
        )

    context = _part_context(plan, task, "task", progress_only=only is not None, deliverable=parent)
    return _form_page(
        request,
        form,
        save,
        template="plans/part_form.html",
        context=context,
        success=_("The task is saved."),
        next_url=_detail_url(plan, f"deliverable-{parent.pk}"),
    )


@login_required
@require_POST
def task_delete(request, slug: str, plan: int, pk: int):
    plan = queries.plan_for_viewer(request.user, plan, group_slug=slug, perm="plans.edit_plan")
    task = get_object_or_404(Task.objects.select_related("deliverable"), pk=pk, deliverable__plan=plan)
    task.deliverable.plan = plan
    return _part_delete(
        request,
        plan,
        lambda: services.task_delete(task=task, acting=request.user),
        _("The task is deleted."),
        f"deliverable-{task.deliverable_id}",
    )


# --- Review: submit, approve or return, revise ---------------------------------------------------


@login_required
@require_POST
def submit(request, slug: str, plan: int):
    plan = queries.plan_for_viewer(request.user, plan, group_slug=slug, perm="plans.submit")
    try:
        services.plan_submit(plan=plan, acting=request.user, comment=request.POST.get("comment", "")[:10_000])
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        plan.refresh_from_db(fields=["version"])
        messages.success(
            request,
            _("The work plan (version %(version)s) is submitted to the steering committee.")
            % {"version": plan.version},
        )
    return redirect(_detail_url(plan))


@login_required
@require_http_methods(["GET", "POST"])
def review(request, slug: str, plan: int):
    plan = queries.plan_for_viewer(request.user, plan, group_slug=slug, perm="plans.review")
    form = ReviewForm(request.POST or None, initial={"decided_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.plan_review(
                plan=plan,
                acting=request.user,
                approve=data["decision"] == "approve",
                comment=data["comment"],
                decided_on=data["decided_on"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Recorded in the decision log: %(title)s.") % {"title": decision.localized_title}
            )
            return redirect(_detail_url(plan))
    earlier = (
        PlanVersion.objects.filter(plan=plan, number__lt=plan.version, status=PlanStatus.APPROVED)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return render(
        request,
        "plans/review.html",
        {"group": plan.group, "plan": plan, "form": form, "earlier": earlier},
    )


@login_required
@require_POST
def revise(request, slug: str, plan: int):
    plan = queries.plan_for_viewer(request.user, plan, group_slug=slug, perm="plans.revise")
    services.plan_revise(plan=plan, acting=request.user)
    messages.success(
        request,
        _(
            "The plan is open for a revision. The approved version is kept; submit the revision when it is ready."
        ),
    )
    return redirect(_detail_url(plan))


# --- Versions ------------------------------------------------------------------------------------

SECTIONS = {
    "plan": (gettext_lazy("The plan"), WorkPlan),
    "objectives": (gettext_lazy("Objectives"), Objective),
    "deliverables": (gettext_lazy("Deliverables"), Deliverable),
    "tasks": (gettext_lazy("Tasks"), Task),
    "results": (gettext_lazy("Results"), "results.Result"),
    "indicators": (gettext_lazy("Indicators"), "results.Indicator"),
    "targets": (gettext_lazy("Targets"), "results.Target"),
    "rates": (gettext_lazy("Exchange rates"), ExchangeRate),
    "budget": (gettext_lazy("Budget"), BudgetLine),
    "hr_needs": (gettext_lazy("Human resources"), HRNeed),
}
KINDS = {
    "added": gettext_lazy("Added"),
    "removed": gettext_lazy("Removed"),
    "changed": gettext_lazy("Changed"),
}
# Ids in a snapshot that name a row of another section: its label is read from the snapshots.
SECTION_OF = {
    "objective_id": "objectives",
    "deliverable_id": "deliverables",
    "parent_id": "results",
    "result_id": "results",
    "indicator_id": "indicators",
}


def _model(section: str):
    from django.apps import apps

    model = SECTIONS[section][1]
    return apps.get_model(model) if isinstance(model, str) else model


def _field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


class _Labels:
    """Readable values for a comparison: names for the ids, labels for codes, local dates."""

    def __init__(self, before: dict, after: dict, changes):
        self.rows = defaultdict(dict)
        for snapshot in (before, after):
            for section in SECTION_OF.values():
                for row in snapshot.get(section, []):
                    self.rows[section][row["id"]] = queries._label(row)
        wanted = defaultdict(set)
        for change in changes:
            model = _model(change.section)
            for name, old, new in change.fields:
                field = _field(model, name)
                if name not in SECTION_OF and field is not None and field.is_relation:
                    wanted[field.related_model] |= {v for v in (old, new) if v is not None}
        self.names = {}
        for related, ids in wanted.items():
            objects = related._default_manager.filter(pk__in=ids)
            if related is Person:
                objects = objects.select_related("profile")
            self.names[related] = {obj.pk: str(obj) for obj in objects}

    def value(self, model, name: str, value) -> str:
        if value is None or value in ("", [], {}):
            return "—"
        if name in SECTION_OF:
            return self.rows[SECTION_OF[name]].get(value) or _("(removed) #%(id)s") % {"id": value}
        field = _field(model, name)
        if field is not None and field.is_relation:
            return self.names.get(field.related_model, {}).get(value) or f"#{value}"
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if field is not None and field.choices:
            return str(dict(field.choices).get(value, value))
        if field is not None and field.get_internal_type() == "DateField":
            try:
                return formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
            except (TypeError, ValueError):
                return str(value)
        if field is not None and field.get_internal_type() == "DecimalField":
            try:
                return formats.number_format(Decimal(value), use_l10n=True, force_grouping=True)
            except (InvalidOperation, TypeError):
                return str(value)
        if isinstance(value, list | dict):
            return ", ".join(
                str(item.get("name", item)) if isinstance(item, dict) else str(item) for item in value
            )
        return str(value)

    def label(self, model, name: str) -> str:
        field = _field(model, name)
        return capfirst(field.verbose_name) if field is not None else name


def readable_changes(before: dict, after: dict) -> list[dict]:
    """``queries.snapshot_compare`` as a person reads it: per section, what was added, removed and
    changed, field by field with the fields' labels and readable values."""
    changes = queries.snapshot_compare(before, after)
    labels = _Labels(before, after, changes)
    sections: dict[str, dict] = {}
    for change in changes:
        model = _model(change.section)
        section = sections.setdefault(
            change.section, {"key": change.section, "title": SECTIONS[change.section][0], "changes": []}
        )
        section["changes"].append(
            {
                "kind": change.kind,
                "kind_label": KINDS[change.kind],
                "label": change.label,
                "fields": [
                    {
                        "label": labels.label(model, name),
                        "before": labels.value(model, name, old),
                        "after": labels.value(model, name, new),
                    }
                    for name, old, new in change.fields
                ],
            }
        )
    return list(sections.values())


@login_required
@require_GET
def versions(request, slug: str, plan: int):
    plan = queries.plan_for_viewer(request.user, plan, group_slug=slug)
    rows = list(queries.versions_of(plan))
    numbers = sorted({version.number for version in rows}, reverse=True)
    form = CompareForm(request.GET or None, numbers=numbers)
    comparison = None
    if form.is_bound and form.is_valid():
        latest = {}
        for version in rows:  # newest first: the latest row of a number (the committee's answer)
            latest.setdefault(version.number, version)
        a, b = form.cleaned_data["a"], form.cleaned_data["b"]
        before = latest[int(a)].snapshot
        after = queries.plan_snapshot(plan) if b == "current" else latest[int(b)].snapshot
        comparison = {"a": a, "b": b, "sections": readable_changes(before, after)}
    return render(
        request,
        "plans/versions.html",
        {
            "group": plan.group,
            "plan": plan,
            "versions": rows,
            "numbers": numbers,
            "form": form if numbers else None,
            "comparison": comparison,
        },
    )
