"""The results pages: a plan's results framework with its progress, indicators and their targets,
measurements and their review, evidence files, and the network's catalogue of shared indicators with
its network-wide totals. Thin (STYLE §1, §2): rules decide, services write, queries read."""

import hashlib
import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_countries import countries

from convene.core.concurrency import EditConflict
from convene.core.concurrency_views import conflict_response
from convene.core.rules import can, ensure
from convene.groups.leads import lead_title
from convene.plans.models import WorkPlan
from convene.plans.queries import plan_for_viewer

from . import charts, queries, services
from .forms import (
    AdoptForm,
    IndicatorEditForm,
    IndicatorForm,
    MeasurementForm,
    ResultEditForm,
    ResultForm,
    ReviewForm,
    SharedIndicatorForm,
    TargetFormSet,
    apply_errors,
    format_disaggregations,
    period_key,
)
from .models import Frequency, Indicator, MeasurementStatus, Unit
from .periods import period_label, periods_for, reporting_periods
from .progress import STATUS_LABELS, Status
from .rules import approves_own_value

MEASUREMENTS_PER_PAGE = 50
ADOPTERS_PER_PAGE = 50
PENDING_SHOWN = 50
MAX_GENERATED_PERIODS = 120
# Evidence is served with a type chosen here, by extension, never sniffed and never HTML.
EVIDENCE_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
    ".txt": "text/plain",
}
NETWORK_VIEWS = ("quarter", "year", "country")


def _framework_url(plan: WorkPlan) -> str:
    return reverse("results:framework", args=[plan.group.slug, plan.pk])


def _indicator_url(plan: WorkPlan, indicator: Indicator) -> str:
    return reverse("results:indicator", args=[plan.group.slug, plan.pk, indicator.pk])


def _plan_url(plan: WorkPlan) -> str | None:
    """The plan's own page, once the plan pages are there."""
    try:
        return reverse("plans:detail", args=[plan.group.slug, plan.pk])
    except NoReverseMatch:
        return None


def _next(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _badge(status: Status | None) -> dict | None:
    if status is None:
        return None
    return {"code": str(status), "label": str(STATUS_LABELS[status])}


def _common(request, plan: WorkPlan) -> dict:
    return {"plan": plan, "group": plan.group, "plan_url": _plan_url(plan)}


# --- The framework ----------------------------------------------------------------------------------


@login_required
@require_GET
def framework(request, slug: str, plan: int):
    plan = plan_for_viewer(request.user, plan, group_slug=slug)
    rows, progress = queries.plan_progress(plan)
    user = request.user
    entries = []
    for depth, result in rows:
        result.plan = plan
        indicators = []
        for indicator in result.indicators.all():
            indicator.plan = plan
            state = progress[indicator.pk]
            lop = state.life_of_plan
            indicators.append(
                {
                    "indicator": indicator,
                    "lop": lop,
                    "badge": _badge(state.status),
                    "can_record": can(user, "results.record", indicator),
                    # A bar for a share of the way to the target (an empty one while nothing is
                    # reported); none where no share can be divided, nor when moving away from it.
                    "bar": None
                    if indicator.unit == Unit.QUALITATIVE
                    or lop is None
                    or lop.target is None
                    or lop.moving_away
                    or (lop.percent_met is None and lop.actual is not None)
                    else charts.progress_bar(
                        percent=lop.bar_percent,
                        uid=f"bar-{indicator.pk}",
                        title=_(
                            "%(name)s: %(actual)s against a target of %(target)s for the life of the plan"
                        )
                        % {
                            "name": indicator.name,
                            "actual": "—" if lop.actual is None else charts.fmt_number(lop.actual),
                            "target": "—" if lop.target is None else charts.fmt_number(lop.target),
                        },
                    ),
                }
            )
        entries.append({"depth": depth, "result": result, "indicators": indicators})
    can_review = can(user, "results.review", plan)
    pending = list(queries.pending_measurements(plan)[: PENDING_SHOWN + 1]) if can_review else []
    for m in pending:
        m.own_value = approves_own_value(user, m)
    for m in pending:
        m.period_label = period_label(m.starts_on, m.ends_on)
    return render(
        request,
        "results/framework.html",
        {
            **_common(request, plan),
            "entries": entries,
            "can_edit": can(user, "results.edit_framework", plan),
            "can_review": can_review,
            "can_catalogue": can(user, "results.view_catalogue"),
            "pending": pending[:PENDING_SHOWN],
            "more_pending": len(pending) > PENDING_SHOWN,
        },
    )


# --- Results --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def result_create(request, slug: str, plan: int):
    plan = plan_for_viewer(request.user, plan, group_slug=slug, perm="results.edit_framework")
    initial = {}
    if request.GET.get("parent", "").isdigit():
        initial["parent"] = int(request.GET["parent"])
    form = ResultForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.result_save(
                plan=plan,
                acting=request.user,
                **{name: form.cleaned_data[name] for name in ResultForm.FIELDS},
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The result is added."))
            return redirect(_framework_url(plan))
    return render(
        request, "results/result_form.html", {**_common(request, plan), "form": form, "result": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def result_edit(request, slug: str, plan: int, pk: int):
    plan = plan_for_viewer(request.user, plan, group_slug=slug)
    result = queries.result_in_plan(plan, pk)
    ensure(request.user, "results.edit_framework", plan)
    form = ResultEditForm(
        request.POST or None,
        plan=plan,
        result=result,
        initial=ResultForm.initial_for(result),
        revision=result.revision,
    )
    context = {**_common(request, plan), "result": result}
    if request.method == "POST" and form.is_valid():
        try:
            services.result_save(
                plan=plan,
                acting=request.user,
                result=result,
                revision=form.cleaned_data["revision"],
                **{name: form.cleaned_data[name] for name in ResultForm.FIELDS},
            )
        except EditConflict as conflict:
            return conflict_response(
                request, "results/result_form.html", context, form=form, conflict=conflict
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The result is saved."))
            return redirect(_framework_url(plan))
    return render(request, "results/result_form.html", {**context, "form": form})


@login_required
@require_POST
def result_delete(request, slug: str, plan: int, pk: int):
    plan = plan_for_viewer(request.user, plan, group_slug=slug)
    result = queries.result_in_plan(plan, pk)
    ensure(request.user, "results.edit_framework", plan)
    try:
        services.result_delete(result=result, acting=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The result is removed, with the results and indicators under it."))
    return redirect(_framework_url(plan))


# --- Indicators -----------------------------------------------------------------------------------


def _text_disaggregations(form, conflict: EditConflict) -> None:
    """The categories are a list in the record and text in the form: compare and refill them as text."""
    for values in (conflict.merged, conflict.theirs, getattr(form, "cleaned_data", {})):
        if isinstance(values.get("disaggregations"), list):
            values["disaggregations"] = format_disaggregations(values["disaggregations"])


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request, slug: str, plan: int):
    plan = plan_for_viewer(request.user, plan, group_slug=slug, perm="results.edit_framework")
    initial = {"frequency": Frequency.QUARTERLY}
    if request.GET.get("result", "").isdigit():
        initial["result"] = int(request.GET["result"])
    form = IndicatorForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_save(plan=plan, acting=request.user, **form.changes())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The indicator is added. Now set its targets."))
            return redirect("results:targets", plan.group.slug, plan.pk, indicator.pk)
    return render(
        request, "results/indicator_form.html", {**_common(request, plan), "form": form, "indicator": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, slug: str, plan: int, pk: int):
    plan = plan_for_viewer(request.user, plan, group_slug=slug)
    indicator = queries.indicator_in_plan(plan, pk)
    ensure(request.user, "results.edit_framework", plan)
    form = IndicatorEditForm(
        request.POST or None,
        plan=plan,
        indicator=indicator,
        initial=IndicatorForm.initial_for(indicator),
        revision=indicator.revision,
    )
    context = {**_common(request, plan), "indicator": indicator}
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_save(
                plan=plan,
                acting=request.user,
                indicator=indicator,
                revision=form.cleaned_data["revision"],
                **form.changes(),
            )
        except EditConflict as conflict:
            _text_disaggregations(form, conflict)
            return conflict_response(
                request, "results/indicator_form.html", context, form=form, conflict=conflict
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The indicator is saved."))
            return redirect(_indicator_url(plan, indicator))
    return render(request, "results/indicator_form.html", {**context, "form": form})


@login_required
@require_POST
def indicator_delete(request, slug: str, plan: int, pk: int):
    plan = plan_for_viewer(request.user, plan, group_slug=slug)
    indicator = queries.indicator_in_plan(plan, pk)
    ensure(request.user, "results.edit_framework", plan)
    try:
        services.indicator_delete(indicator=indicator, acting=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_indicator_url(plan, indicator))
    messages.success(request, _("The indicator is removed."))
    return redirect(_framework_url(plan))


@login_required
@require_http_methods(["GET", "POST"])
def indicator_adopt(request, slug: str, plan: int):
    plan = plan_for_viewer(request.user, plan, group_slug=slug, perm="results.edit_framework")
    initial = {}
    if request.GET.get("shared", "").isdigit():
        initial["shared"] = int(request.GET["shared"])
    form = AdoptForm(request.POST or None, plan=plan, adoptable=queries.adoptable(plan), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            indicator = services.indicator_adopt(
                plan=plan,
                acting=request.user,
                shared=data["shared"],
                result=data["result"],
                frequency=data["frequency"],
                baseline_value=data["baseline_value"],
                baseline_on=data["baseline_on"],
                responsible=data["responsible"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s is in your framework. Now set its targets.") % {"name": indicator.name}
            )
            return redirect("results:targets", plan.group.slug, plan.pk, indicator.pk)
    return render(request, "results/adopt.html", {**_common(request, plan), "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def targets(request, slug: str, plan: int, pk: int):
    plan = plan_for_viewer(request.user, plan, group_slug=slug)
    indicator = queries.indicator_in_plan(plan, pk)
    ensure(request.user, "results.edit_framework", plan)
    existing = [
        {"starts_on": t.starts_on, "ends_on": t.ends_on, "value": t.value, "life_of_plan": t.life_of_plan}
        for t in indicator.targets.all()
    ]
    saved = targets_fingerprint(indicator.targets.all())
    generated = False
    if request.method == "POST":
        formset = TargetFormSet(request.POST, unit=indicator.unit, prefix="targets")
        if request.POST.get("saved") != saved:
            # Someone saved the targets since this table was opened: show theirs beside the editor's rows;
            # saving again (with the new fingerprint) is a deliberate replacement.
            return render(
                request,
                "results/targets.html",
                {
                    **_common(request, plan),
                    "indicator": indicator,
                    "formset": formset,
                    "saved": saved,
                    "theirs": [
                        {**row, "label": period_label(row["starts_on"], row["ends_on"])} for row in existing
                    ],
                    "can_generate": indicator.frequency != Frequency.LIFE,
                },
                status=409,
            )
        if formset.is_valid():
            try:
                services.targets_set(indicator=indicator, acting=request.user, targets=formset.rows())
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)
            else:
                messages.success(request, _("The targets are saved."))
                return redirect(_indicator_url(plan, indicator))
    else:
        initial = existing
        if request.GET.get("generate"):
            periods = periods_for(indicator.frequency, plan.starts_on, plan.ends_on)
            if len(periods) > MAX_GENERATED_PERIODS:
                messages.error(request, _("The plan's period has too many reporting periods to list them."))
            else:
                values = {
                    (t["starts_on"], t["ends_on"]): t["value"] for t in existing if not t["life_of_plan"]
                }
                lop = next((t for t in existing if t["life_of_plan"]), None)
                initial = [
                    {"starts_on": s, "ends_on": e, "value": values.get((s, e)), "life_of_plan": False}
                    for s, e in periods
                ]
                initial.append(
                    lop
                    or {
                        "starts_on": plan.starts_on,
                        "ends_on": plan.ends_on,
                        "value": None,
                        "life_of_plan": True,
                    }
                )
                generated = True
        formset = TargetFormSet(initial=initial, unit=indicator.unit, prefix="targets")
    return render(
        request,
        "results/targets.html",
        {
            **_common(request, plan),
            "indicator": indicator,
            "formset": formset,
            "saved": saved,
            "generated": generated,
            "can_generate": indicator.frequency != Frequency.LIFE,
        },
    )


def targets_fingerprint(targets) -> str:
    """A short digest of an indicator's saved targets: the targets table carries it, so that a save
    over targets someone changed in the meantime is noticed (targets have no revision of their own)."""
    rows = sorted(f"{t.starts_on}/{t.ends_on}/{t.value.normalize()}/{int(t.life_of_plan)}" for t in targets)
    return hashlib.sha256("|".join(rows).encode()).hexdigest()[:20]


# --- One indicator --------------------------------------------------------------------------------


def _value_text(unit: str, value, numerator=None, denominator=None, text: str = "") -> str:
    if unit == Unit.QUALITATIVE:
        return text or "—"
    if unit == Unit.PERCENTAGE:
        if numerator is None or not denominator:
            return "—"
        return _("%(percent)s %% (%(numerator)s of %(denominator)s)") % {
            "percent": charts.fmt_number(numerator * 100 / denominator),
            "numerator": charts.fmt_number(numerator),
            "denominator": charts.fmt_number(denominator),
        }
    if value is None:
        return "—"
    if unit == Unit.YES_NO:
        return _("Yes") if value else _("No")
    return _plain(value)


def _target_text(unit: str, value) -> str:
    if value is None:
        return "—"
    if unit == Unit.PERCENTAGE:
        return f"{charts.fmt_number(value)} %"
    if unit == Unit.YES_NO:
        return _("Yes") if value else _("No")
    return _plain(value)


def _plain(value) -> str:
    """A decimal as written: no trailing zeros, no exponent."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _disaggregation_text(disaggregation: dict) -> str:
    parts = []
    for name, option in sorted((disaggregation or {}).items()):
        if name == "country":
            option = countries.name(option) or option
        parts.append(f"{name}: {option}")
    return "; ".join(parts)


@login_required
@require_GET
def indicator(request, slug: str, plan: int, pk: int):
    plan = plan_for_viewer(request.user, plan, group_slug=slug)
    indicator = queries.indicator_in_plan(plan, pk)
    readings = queries.approved_readings([indicator]).get(indicator.pk, [])
    state = queries.progress_of(indicator, readings)
    unit = indicator.unit
    rows = [
        {
            "label": period_label(p.starts_on, p.ends_on),
            "period": p,
            "target": _target_text(unit, p.target),
            "actual": _value_text(unit, p.actual, p.numerator, p.denominator),
            "badge": _badge(p.status),
        }
        for p in [*state.periods, *([state.life_of_plan] if state.life_of_plan else [])]
    ]
    chart = None
    if unit != Unit.QUALITATIVE and state.periods:
        chart = charts.target_actual_chart(
            title=_("%(name)s: target and actual by period") % {"name": indicator.name},
            description=_(
                "Targets as a line, approved actuals as bars, for %(n)s periods; the table below has the numbers."
            )
            % {"n": len(state.periods)},
            labels=[period_label(p.starts_on, p.ends_on) for p in state.periods],
            targets=[p.target for p in state.periods],
            actuals=[p.actual for p in state.periods],
            target_label=_("Target"),
            actual_label=_("Actual (approved)"),
            uid=f"indicator-{indicator.pk}",
        )
    page = Paginator(queries.measurements_of(indicator), MEASUREMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    user = request.user
    can_review = can(user, "results.review", indicator)
    measurements = []
    for m in page.object_list:
        m.indicator = indicator
        measurements.append(
            {
                "m": m,
                "label": period_label(m.starts_on, m.ends_on),
                "value": _value_text(unit, m.value, m.numerator, m.denominator, m.text),
                "disaggregation": _disaggregation_text(m.disaggregation),
                "can_review": can_review and m.status == MeasurementStatus.SUBMITTED,
                "own_value": approves_own_value(user, m),
                "can_withdraw": m.status == MeasurementStatus.SUBMITTED and can(user, "results.withdraw", m),
            }
        )
    return render(
        request,
        "results/indicator.html",
        {
            **_common(request, plan),
            "indicator": indicator,
            "categories": format_disaggregations(indicator.disaggregations).splitlines(),
            "rows": rows,
            "lop": state.life_of_plan,
            "badge": _badge(state.status),
            "chart": chart,
            "page": page,
            "measurements": measurements,
            "can_edit": can(user, "results.edit_framework", plan),
            "can_record": can(user, "results.record", indicator),
        },
    )


# --- Measurements ---------------------------------------------------------------------------------


def _next_period(indicator: Indicator) -> dict:
    """The first period with a target, begun, and no value reported (or approved) for it yet."""
    reported = {
        (m.starts_on, m.ends_on) for m in indicator.measurements.reported().only("starts_on", "ends_on")
    }
    today = timezone.localdate()
    for target in indicator.targets.all():
        if target.life_of_plan or target.starts_on > today:
            continue
        if (target.starts_on, target.ends_on) not in reported:
            return {"period": period_key(target.starts_on, target.ends_on)}
    return {}


@login_required
@require_http_methods(["GET", "POST"])
def measurement_create(request, slug: str, plan: int, pk: int):
    plan = plan_for_viewer(request.user, plan, group_slug=slug)
    indicator = queries.indicator_in_plan(plan, pk)
    ensure(request.user, "results.record", indicator)
    targets = [t for t in indicator.targets.all() if not t.life_of_plan]
    form = MeasurementForm(
        request.POST or None,
        request.FILES or None,
        indicator=indicator,
        periods=reporting_periods(
            indicator.frequency, plan.starts_on, plan.ends_on, [(t.starts_on, t.ends_on) for t in targets]
        ),
        initial=_next_period(indicator),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.measurement_record(indicator=indicator, acting=request.user, **form.measurement())
        except ValidationError as error:
            apply_errors(form, error, form.aliases())
        else:
            messages.success(
                request,
                _("The value is recorded. It counts once a %(lead)s approves it.")
                % {"lead": lead_title(plan.group)},
            )
            return redirect(_indicator_url(plan, indicator))
    periods = [{"label": period_label(t.starts_on, t.ends_on), "target": t} for t in targets]
    return render(
        request,
        "results/measurement_form.html",
        {**_common(request, plan), "indicator": indicator, "form": form, "periods": periods},
    )


@login_required
@require_POST
def measurement_review(request, slug: str, plan: int, pk: int):
    plan = plan_for_viewer(request.user, plan, group_slug=slug)
    measurement = queries.measurement_in_plan(plan, pk)
    ensure(request.user, "results.review", measurement.indicator)
    back = _next(request, _indicator_url(plan, measurement.indicator))
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve the value or to send it back."))
        return redirect(back)
    try:
        services.measurement_review(
            measurement=measurement,
            acting=request.user,
            approve=form.cleaned_data["approve"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if form.cleaned_data["approve"]:
            messages.success(request, _("The value is approved: it counts in the progress now."))
        else:
            messages.success(request, _("The value is sent back with your note."))
    return redirect(back)


@login_required
@require_POST
def measurement_withdraw(request, slug: str, plan: int, pk: int):
    plan = plan_for_viewer(request.user, plan, group_slug=slug)
    measurement = queries.measurement_in_plan(plan, pk)
    ensure(request.user, "results.withdraw", measurement)
    try:
        services.measurement_withdraw(measurement=measurement, acting=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The value is withdrawn."))
    return redirect(_indicator_url(plan, measurement.indicator))


@login_required
@require_GET
def evidence(request, slug: str, plan: int, pk: int):
    """The evidence file, as a download only: a fixed type by extension, never sniffed, sandboxed."""
    plan = plan_for_viewer(request.user, plan, group_slug=slug)
    measurement = queries.measurement_in_plan(plan, pk)
    if not measurement.evidence_file:
        raise Http404
    name = os.path.basename(measurement.evidence_file.name)
    content_type = EVIDENCE_CONTENT_TYPES.get(os.path.splitext(name)[1].lower(), "application/octet-stream")
    try:
        handle = measurement.evidence_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


# --- The network's catalogue ----------------------------------------------------------------------


@login_required
@require_GET
def catalogue(request):
    ensure(request.user, "results.view_catalogue")
    can_manage = can(request.user, "results.manage_catalogue")
    items = queries.catalogue_with_adoption()
    if not can_manage:
        items = items.in_catalogue()
    return render(
        request,
        "results/catalogue.html",
        {
            "items": list(items),
            "can_manage": can_manage,
            "can_view_network": can(request.user, "results.view_network"),
        },
    )


def _shared_form_view(request, shared=None):
    ensure(request.user, "results.manage_catalogue")
    initial = SharedIndicatorForm.initial_for(shared) if shared else {}
    form = SharedIndicatorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            shared = services.shared_indicator_save(
                acting=request.user,
                shared=shared,
                **{name: form.cleaned_data[name] for name in SharedIndicatorForm.FIELDS},
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(code)s is saved in the catalogue.") % {"code": shared.code})
            return redirect("results:catalogue")
    return render(request, "results/shared_form.html", {"form": form, "shared": shared})


@login_required
@require_http_methods(["GET", "POST"])
def shared_create(request):
    return _shared_form_view(request)


@login_required
@require_http_methods(["GET", "POST"])
def shared_edit(request, pk: int):
    ensure(request.user, "results.manage_catalogue")
    return _shared_form_view(request, queries.shared_indicator(pk))


def _network_label(by: str, label) -> str:
    if by == "country":
        return countries.name(label) or str(label)
    if by == "year":
        return str(label.year)
    return _("Q%(quarter)s %(year)s") % {"quarter": (label.month + 2) // 3, "year": label.year}


@login_required
@require_GET
def shared(request, pk: int):
    ensure(request.user, "results.view_network")
    shared = queries.shared_indicator(pk)
    by = request.GET.get("by", "quarter")
    by = by if by in NETWORK_VIEWS else "quarter"
    years = queries.network_years(shared)
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and int(year) in years else None
    totals = queries.network_totals(shared, by=by, year=year)
    percentage = shared.unit == Unit.PERCENTAGE
    rows = [
        {
            "label": _network_label(by, row.label),
            "value": "—"
            if row.value is None
            else (f"{charts.fmt_number(row.value)} %" if percentage else _plain(row.value)),
            "row": row,
        }
        for row in totals
    ]
    chart = None
    if rows and shared.unit != Unit.QUALITATIVE:
        chart = charts.bar_chart(
            title=_("%(name)s: the network's total") % {"name": shared.name},
            description=_("One bar for each of %(n)s rows of the table below.") % {"n": len(rows)},
            labels=[row["label"] for row in rows],
            values=[row["row"].value for row in rows],
            value_label=_("Network total"),
            uid=f"shared-{shared.pk}",
        )
    page = Paginator(queries.indicators_adopting(shared), ADOPTERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "results/shared.html",
        {
            "shared": shared,
            "by": by,
            "year": year,
            "years": years,
            "rows": rows,
            "percentage": percentage,
            "chart": chart,
            "page": page,
            "query_string": query.urlencode(),
            "can_manage": can(request.user, "results.manage_catalogue"),
        },
    )
