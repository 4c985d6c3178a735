"""Pages of a work plan's budget (lines, exchange rates), its human-resource needs, its timeline, and the
network-wide "help wanted" list with volunteering. Thin (STYLE §1, §2): rules decide, services write,
queries read."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from convene.core.concurrency import EditConflict
from convene.core.concurrency_views import add_service_error, conflict_response
from convene.core.pagination import CappedPaginator
from convene.core.rules import can, ensure

from . import queries, services
from .forms_budget import (
    BudgetActualForm,
    BudgetLineEditForm,
    BudgetLineForm,
    HelpWantedFilterForm,
    HRFilledForm,
    HRNeedEditForm,
    HRNeedForm,
    RateForm,
    VolunteerForm,
)
from .models import (
    BudgetCategory,
    BudgetLine,
    ExchangeRate,
    FundingSource,
    HRNeed,
    Task,
    Volunteer,
    VolunteerStatus,
    WorkPlan,
)
from .timeline import gantt, rows_for_plan

PAGE_SIZE = 20


def _plan_context(request, plan: WorkPlan) -> dict:
    return {
        "plan": plan,
        "group": plan.group,
        "can_edit": can(request.user, "plans.edit_plan", plan),
        "can_update_progress": can(request.user, "plans.update_progress", plan),
    }


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --- Budget --------------------------------------------------------------------------------------


@login_required
@require_GET
def budget(request, slug: str, plan: int):
    plan = queries.plan_for_viewer(request.user, plan, group_slug=slug)
    lines, rates = queries.budget_of(plan)
    rate_of = {rate.currency: rate.rate for rate in rates}
    summary = queries.budget_summary(plan, lines, rates)
    by_category: dict[str, list[BudgetLine]] = {}
    for line in lines:
        line.planned_reporting = queries.to_reporting(line.planned, line.currency, plan, rate_of)
        line.actual_reporting = queries.to_reporting(line.actual, line.currency, plan, rate_of)
        line.rate_missing = line.currency != plan.currency and line.currency not in rate_of
        by_category.setdefault(line.category, []).append(line)
    categories = []
    for code, label in BudgetCategory.choices:
        if code not in by_category:
            continue
        group_lines = by_category[code]
        categories.append(
            {
                "code": code,
                "label": label,
                "lines": group_lines,
                "planned": summary.by_category.get(code, Decimal(0)),
                "actual": sum(
                    (line.actual_reporting or Decimal(0) for line in group_lines if not line.rate_missing),
                    Decimal(0),
                ),
            }
        )
    sources = [
        {"code": code, "label": label, "planned": summary.by_source.get(code, Decimal(0))}
        for code, label in FundingSource.choices
    ]
    partners = [
        {"organisation": organisation, "cash": cash, "in_kind": in_kind, "total": cash + in_kind}
        for organisation, cash, in_kind in summary.partners
    ]
    funded_share = (
        (summary.funded * 100 / summary.planned).quantize(Decimal("1")) if summary.planned else None
    )
    return render(
        request,
        "plans/budget.html",
        {
            **_plan_context(request, plan),
            "categories": categories,
            "summary": summary,
            "sources": sources,
            "partners": partners,
            "funded_share": funded_share,
            "rates": rates,
            "line_count": len(lines),
        },
    )


def _budget_form(request, plan: WorkPlan, line: BudgetLine | None):
    rates = sorted(rate.currency for rate in plan.rates.all())
    if line is None:
        return BudgetLineForm(
            request.POST or None, plan=plan, rates=rates, initial={"currency": plan.currency}
        )
    if can(request.user, "plans.edit_plan", plan):
        return BudgetLineEditForm(
            request.POST or None,
            plan=plan,
            rates=rates,
            initial=BudgetLineForm.initial_for(line),
            revision=line.revision,
        )
    if can(request.user, "plans.update_progress", plan):
        return BudgetActualForm(
            request.POST or None, initial=BudgetActualForm.initial_for(line), revision=line.revision
        )
    raise PermissionDenied("plans.edit_plan")


@login_required
@require_http_methods(["GET", "POST"])
def budget_line_form(request, slug: str, plan: int, pk: int | None = None):
    """Add a budget line, or change one (only its actual amount while an approved plan runs)."""
    plan = queries.plan_for_viewer(request.user, plan, group_slug=slug)
    line = None
    if pk is not None:
        line = get_object_or_404(
            BudgetLine.objects.select_related("partner", "deliverable"), pk=pk, plan=plan
        )
    else:
        ensure(request.user, "plans.edit_plan", plan)
    form = _budget_form(request, plan, line)
    context = {**_plan_context(request, plan), "line": line, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_line_save(
                plan=plan,
                acting=request.user,
                line=line,
                revision=form.cleaned_data.get("revision"),
                **form.values(),
            )
        except EditConflict as conflict:
            return conflict_response(
                request, "plans/budget_line_form.html", context, form=form, conflict=conflict
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The budget line is saved."))
            return redirect("plans:budget", plan.group.slug, plan.pk)
    return render(request, "plans/budget_line_form.html", context)


@login_required
@require_POST
def budget_line_delete(request, slug: str, plan: int, pk: int):
    plan = queries.plan_for_viewer(request.user, plan, group_slug=slug)
    line = get_object_or_404(BudgetLine, pk=pk, plan=plan)
    services.budget_line_delete(line=line, acting=request.user)
    messages.success(request, _("The budget line “%(line)s” is deleted.") % {"line": line.description})
    return redirect("plans:budget", plan.group.slug, plan.pk)


@login_required
@require_http_methods(["GET", "POST"])
def rates(request, slug: str, plan: int):
    """The exchange rates stored with the plan: every amount is reported in its currency at these."""
    plan = queries.plan_for_viewer(request.user, plan, group_slug=slug)
    if request.method == "POST":
        ensure(request.user, "plans.edit_plan", plan)
    context = _plan_context(request, plan)
    form = RateForm(request.POST or None) if context["can_edit"] else None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rate = services.rate_set(
                plan=plan,
                acting=request.user,
                currency=data["currency"],
                rate=data["rate"],
                as_of=data["as_of"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Stored: 1 %(currency)s = %(rate)s %(reporting)s.")
                % {"currency": rate.currency, "rate": rate.rate.normalize(), "reporting": plan.currency},
            )
            return redirect("plans:rates", plan.group.slug, plan.pk)
    lines, stored = queries.budget_of(plan)
    used = {line.currency for line in lines}
    known = {rate.currency for rate in stored}
    return render(
        request,
        "plans/budget_rates.html",
        {
            **context,
            "form": form,
            "rates": [(rate, rate.currency in used) for rate in stored],
            "missing": sorted(used - known - {plan.currency}),
        },
    )


@login_required
@require_POST
def rate_delete(request, slug: str, plan: int, pk: int):
    plan = queries.plan_for_viewer(request.user, plan, group_slug=slug)
    rate = get_object_or_404(ExchangeRate, pk=pk, plan=plan)
    try:
        services.rate_delete(rate=rate, acting=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The rate of %(currency)s is deleted.") % {"currency": rate.currency})
    return redirect("plans:rates", plan.group.slug, plan.pk)


# --- People (human-resource needs) ----------------------------------------------------------------


@login_required
@require_GET
def hr(request, slug: str, plan: int):
    plan = queries.plan_for_viewer(request.user, plan, group_slug=slug)
    needs = queries.hr_needs_of(plan)
    open_needs = [need for need in needs if need.is_open]
    return render(
        request,
        "plans/hr.html",
        {
            **_plan_context(request, plan),
            "needs": needs,
            "total_hours": sum((need.hours_per_month for need in needs), Decimal(0)),
            "open_hours": sum((need.hours_per_month for need in open_needs), Decimal(0)),
            "open_count": len(open_needs),
        },
    )


def _hr_form(request, plan: WorkPlan, need: HRNeed | None):
    if need is None:
        return HRNeedForm(request.POST or None, plan=plan)
    initial = HRNeedForm.initial_for(need)
    if can(request.user, "plans.edit_plan", plan):
        return HRNeedEditForm(
            request.POST or None, plan=plan, current=need.filled_by, initial=initial, revision=need.revision
        )
    if can(request.user, "plans.update_progress", plan):
        return HRFilledForm(
            request.POST or None, plan=plan, current=need.filled_by, initial=initial, revision=need.revision
        )
    raise PermissionDenied("plans.edit_plan")


@login_required
@require_http_methods(["GET", "POST"])
def hr_need_form(request, slug: str, plan: int, pk: int | None = None):
    """Add a human-resource need, or change one (only who fills it while an approved plan runs)."""
    plan = queries.plan_for_viewer(request.user, plan, group_slug=slug)
    need = None
    if pk is not None:
        need = get_object_or_404(
            HRNeed.objects.select_related("filled_by__profile", "filled_by_organisation"), pk=pk, plan=plan
        )
    else:
        ensure(request.user, "plans.edit_plan", plan)
    form = _hr_form(request, plan, need)
    context = {**_plan_context(request, plan), "need": need, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            services.hr_need_save(
                plan=plan,
                acting=request.user,
                need=need,
                revision=form.cleaned_data.get("revision"),
                **{name: form.cleaned_data[name] for name in type(form).FIELDS},
            )
        except EditConflict as conflict:
            return conflict_response(
                request, "plans/hr_need_form.html", context, form=form, conflict=conflict
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The human-resource need is saved."))
            return redirect("plans:hr", plan.group.slug, plan.pk)
    return render(request, "plans/hr_need_form.html", context)


@login_required
@require_POST
def hr_need_delete(request, slug: str, plan: int, pk: int):
    plan = queries.plan_for_viewer(request.user, plan, group_slug=slug)
    need = get_object_or_404(HRNeed, pk=pk, plan=plan)
    services.hr_need_delete(need=need, acting=request.user)
    messages.success(request, _("The need for “%(role)s” is deleted.") % {"role": need.role})
    return redirect("plans:hr", plan.group.slug, plan.pk)


# --- Timeline ------------------------------------------------------------------------------------


@login_required
@require_GET
def timeline(request, slug: str, plan: int):
    plan = queries.plan_for_viewer(request.user, plan, group_slug=slug)
    today = timezone.localdate()
    deliverables = queries.timeline_of(plan)
    rows = rows_for_plan(deliverables, today=today)
    late = sum(1 for row in rows if row.late)
    chart = gantt(
        rows=rows,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        today=today,
        title=_("Timeline of %(plan)s") % {"plan": plan.title},
        description=_(
            "%(deliverables)s deliverables and %(tasks)s tasks from %(start)s to %(end)s; %(late)s late. "
            "The table below the chart has the same rows."
        )
        % {
            "deliverables": len(deliverables),
            "tasks": len(rows) - len(deliverables),
            "start": plan.starts_on.isoformat(),
            "end": plan.ends_on.isoformat(),
            "late": late,
        },
    )
    return render(
        request,
        "plans/timeline.html",
        {**_plan_context(request, plan), "chart": chart, "rows": rows, "late": late, "today": today},
    )


# --- Help wanted ---------------------------------------------------------------------------------


@login_required
@require_GET
def help_wanted(request):
    """Open "help wanted" tasks of every group, those matching the viewer's expertise first."""
    ensure(request.user, "plans.view_plan")
    form = HelpWantedFilterForm(request.GET or None)
    mine = bool(form.is_bound and form.is_valid() and form.cleaned_data["mine"])
    tasks, expertise = queries.help_wanted_for(request.user, matching_only=mine)
    page = CappedPaginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    my_offers = queries.offers_of(request.user)
    offered = {offer.task_id: offer for offer in my_offers if offer.status == VolunteerStatus.OFFERED}
    today = timezone.localdate()
    for task in page.object_list:
        task.my_offer = offered.get(task.pk)
        task.can_volunteer = task.my_offer is None and can(request.user, "plans.volunteer", task)
        task.skill_list = [(skill, skill.pk in expertise) for skill in task.skills.all()]
        task.late = queries.is_late(task.due_on, task.status, today)
    to_answer: dict[int, dict] = {}
    for offer in queries.offers_to_answer(request.user):
        to_answer.setdefault(offer.task_id, {"task": offer.task, "offers": []})["offers"].append(offer)
    query_string = request.GET.copy()
    query_string.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "mine": mine,
        "has_expertise": bool(expertise),
        "query_string": query_string.urlencode(),
        "my_offers": my_offers,
        "to_answer": list(to_answer.values()),
        "volunteer_form": VolunteerForm(),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "plans/help_wanted_results.html", context)
    return render(request, "plans/help_wanted.html", context)


@login_required
@require_POST
def volunteer(request, pk: int):
    task = get_object_or_404(Task.objects.select_related("deliverable__plan__group"), pk=pk)
    ensure(request.user, "plans.volunteer", task)
    form = VolunteerForm(request.POST)
    target = _safe_next(request, reverse("plans:help_wanted"))
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(target)
    try:
        services.volunteer_offer(task=task, acting=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Thank you: the co-chairs of %(group)s are told that you offer to help with “%(task)s”.")
            % {"group": task.deliverable.plan.group.name, "task": task.title},
        )
    return redirect(target)


@login_required
@require_POST
def volunteer_withdraw(request, pk: int):
    offer = get_object_or_404(Volunteer.objects.select_related("task"), pk=pk)
    try:
        services.volunteer_withdraw(volunteer=offer, acting=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your offer for “%(task)s” is withdrawn.") % {"task": offer.task.title})
    return redirect(_safe_next(request, reverse("plans:help_wanted")))


@login_required
@require_POST
def volunteer_decide(request, pk: int):
    """A co-chair accepts a volunteer (who becomes the task's assignee) or declines the offer."""
    offer = get_object_or_404(Volunteer.objects.select_related("task", "person__profile"), pk=pk)
    accept = request.POST.get("accept") == "1"
    if request.POST.get("accept") not in ("0", "1"):
        ensure(request.user, "plans.manage_volunteers", offer.task)
        messages.error(request, _("Choose to accept or to decline the offer."))
        return redirect(_safe_next(request, reverse("plans:help_wanted")))
    try:
        services.volunteer_decide(volunteer=offer, acting=request.user, accept=accept)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        name = offer.person.display_name
        if accept:
            text = _("%(name)s now has the task “%(task)s”; they are told by e-mail.")
        else:
            text = _("The offer of %(name)s for “%(task)s” is declined; they are told by e-mail.")
        messages.success(request, text % {"name": name, "task": offer.task.title})
    return redirect(_safe_next(request, reverse("plans:help_wanted")))
