"""The ambassadors' pages: the public page by country, the cohorts and their calls, applying, the
secretariat's review and selection, an ambassador's term, plan and quarterly reports, the alumni.
Thin (STYLE §1, §2): rules decide, services write, queries read."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from convene.core.concurrency_views import add_service_error
from convene.core.rules import can
from convene.events.models import Event

from . import ambassador_queries as queries
from . import ambassador_services as services
from .ambassador_forms import ApplicationForm, CohortForm, PlanLinkForm, ReportForm, ReviewForm, SelectForm
from .models import AdvocacyPlan


def _need(request, perm: str, obj=None) -> None:
    if not can(request.user, perm, obj):
        raise PermissionDenied(perm)


@require_GET
def public_ambassadors(request):
    """The network's ambassadors serving today, by country: no login needed."""
    return render(request, "advocacy/ambassadors/public.html", {"cohorts": queries.public_cohorts()})


@login_required
@require_GET
def alumni(request):
    _need(request, "advocacy.see_cohorts")
    return render(request, "advocacy/ambassadors/alumni.html", {"alumni": queries.alumni()})


@login_required
@require_GET
def cohorts(request):
    _need(request, "advocacy.see_cohorts")
    return render(
        request,
        "advocacy/ambassadors/cohorts.html",
        {
            "cohorts": queries.cohort_list(),
            "today": timezone.localdate(),
            "mine": queries.ambassadorships_of(request.user),
            "may_run": can(request.user, "advocacy.run_cohorts"),
        },
    )


def _event_choices(cohort=None) -> list[Event]:
    since = timezone.now() - datetime.timedelta(days=365)
    linked = list(cohort.events.values_list("pk", flat=True)) if cohort is not None else []
    found = Event.objects.filter(cancelled=False, starts__gte=since) | Event.objects.filter(pk__in=linked)
    return list(found.order_by("starts")[:300])


@login_required
@require_http_methods(["GET", "POST"])
def cohort_edit(request, cohort: int | None = None):
    _need(request, "advocacy.run_cohorts")
    found = queries.cohort_get(cohort) if cohort is not None else None
    events = _event_choices(found)
    initial = {}
    if found is not None:
        initial = {
            "title": found.title,
            "description": found.description,
            "deadline": found.deadline,
            "is_open": found.is_open,
            "term_starts": found.term_starts,
            "term_years": found.term_years,
            "events": [str(pk) for pk in found.events.values_list("pk", flat=True)],
        }
    form = CohortForm(request.POST or None, events=events, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen = set(data.pop("events"))
        try:
            saved = services.cohort_save(
                acting=request.user,
                cohort=found,
                events=[e for e in events if str(e.pk) in chosen],
                **data,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("advocacy:cohort", args=[saved.pk]))
    return render(request, "advocacy/ambassadors/cohort_form.html", {"form": form, "cohort": found})


@login_required
@require_GET
def cohort_detail(request, cohort: int):
    _need(request, "advocacy.see_cohorts")
    found = queries.cohort_get(cohort)
    today = timezone.localdate()
    return render(
        request,
        "advocacy/ambassadors/cohort.html",
        {
            "page": queries.cohort_page(found, viewer=request.user, today=today),
            "cohort": found,
            "today": today,
            "accepts": found.accepts_on(today),
            "may_run": can(request.user, "advocacy.run_cohorts"),
            "may_apply": can(request.user, "advocacy.apply_as_ambassador"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def apply(request, cohort: int):
    _need(request, "advocacy.apply_as_ambassador")
    found = queries.cohort_get(cohort)
    own = found.applications.filter(person=request.user).first()
    initial = {"country": getattr(getattr(request.user, "profile", None), "country", "")}
    if own is not None:
        initial = {f: getattr(own, f) for f in ("motivation", "experience", "languages", "referee")}
        initial["country"] = own.country.code
    form = ApplicationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(cohort=found, acting=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your application is saved. You can change it until the deadline."))
            return HttpResponseRedirect(reverse("advocacy:cohort", args=[found.pk]))
    return render(
        request,
        "advocacy/ambassadors/apply.html",
        {"form": form, "cohort": found, "own": own, "accepts": found.accepts_on(timezone.localdate())},
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_detail(request, application: int):
    _need(request, "advocacy.run_cohorts")
    found = queries.application_get(application)
    form = ReviewForm(request.POST or None, initial={"score": found.score, "notes": found.notes})
    if request.method == "POST" and form.is_valid():
        try:
            services.application_review(application=found, acting=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The review is saved."))
            return HttpResponseRedirect(reverse("advocacy:cohort", args=[found.cohort_id]))
    return render(
        request,
        "advocacy/ambassadors/application.html",
        {"application": found, "form": form, "select_form": SelectForm()},
    )


@login_required
@require_POST
def application_select(request, application: int):
    _need(request, "advocacy.run_cohorts")
    found = queries.application_get(application)
    form = SelectForm(request.POST)
    if form.is_valid():
        try:
            services.application_select(application=found, acting=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(reverse("advocacy:application", args=[found.pk]))
        messages.success(request, _("Selected: the decision is in the log and the term is recorded."))
    else:
        messages.error(request, _("Give the dates as dates."))
        return HttpResponseRedirect(reverse("advocacy:application", args=[found.pk]))
    return HttpResponseRedirect(reverse("advocacy:cohort", args=[found.cohort_id]))


def _ambassador(request, ambassador: int):
    found = queries.ambassador_get(ambassador)
    if not can(request.user, "advocacy.view_ambassador", found):
        # Nobody else may tell that this page exists.
        raise Http404
    return found


@login_required
@require_http_methods(["GET", "POST"])
def ambassador_detail(request, ambassador: int):
    found = _ambassador(request, ambassador)
    own = can(request.user, "advocacy.report_as_ambassador", found)
    plans = list(AdvocacyPlan.objects.filter(owner=request.user).order_by("title")) if own else []
    form = PlanLinkForm(request.POST or None, plans=plans) if own else None
    if request.method == "POST":
        if not own:
            raise PermissionDenied("advocacy.report_as_ambassador")
        if form.is_valid():
            chosen = next((p for p in plans if str(p.pk) == form.cleaned_data["plan"]), None)
            try:
                plan = services.ambassador_plan_set(
                    ambassador=found, acting=request.user, plan=chosen, title=form.cleaned_data["title"]
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Your advocacy plan is linked."))
                return HttpResponseRedirect(reverse("advocacy:plan", args=[plan.pk]))
    return render(
        request,
        "advocacy/ambassadors/ambassador.html",
        {
            "line": queries.ambassador_line(found),
            "ambassador": found,
            "own": own,
            "form": form,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report(request, ambassador: int, quarter: int):
    found = _ambassador(request, ambassador)
    own = can(request.user, "advocacy.report_as_ambassador", found)
    line = queries.ambassador_line(found)
    shown = next((q for q in line.quarters if q.number == quarter), None)
    if shown is None:
        raise Http404
    if request.method == "POST" and not own:
        raise PermissionDenied("advocacy.report_as_ambassador")
    initial = {}
    if shown.report is not None:
        initial = {f: getattr(shown.report, f) for f in ("did", "with_whom", "results", "support_needed")}
    form = ReportForm(request.POST or None, initial=initial) if own else None
    if request.method == "POST" and form.is_valid():
        try:
            services.report_save(ambassador=found, acting=request.user, quarter=quarter, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your report is saved. Thank you."))
            return HttpResponseRedirect(reverse("advocacy:ambassador", args=[found.pk]))
    return render(
        request,
        "advocacy/ambassadors/report.html",
        {"ambassador": found, "quarter": shown, "form": form, "today": timezone.localdate()},
    )
