"""Pages of the data call. Thin (STYLE §1, §2): rules decide, services write, queries read."""

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_countries import countries as all_countries

from convene.core.charts import bar_line_chart
from convene.core.exports import csv_response, xlsx_response
from convene.core.rules import can, ensure
from convene.meetings.forms import zone_choices

from . import queries, services
from .models import Answerers
from .rules import answer_countries


@login_required
@require_GET
def call_list(request):
    return render(
        request,
        "datacall/list.html",
        {"calls": queries.calls_for(request.user), "can_manage": can(request.user, "datacall.manage")},
    )


def _fields_text(fields) -> str:
    return "\n".join(f"{f['key']} | {f['label']} | {f['kind']}" for f in fields)


def _call_values(data, fields_text: str) -> dict:
    """The form's values as the services take them (ValueError: the year or the deadline is unreadable)."""
    return {
        "title": data.get("title", ""),
        "year": int(data.get("year") or 0),
        "deadline": datetime.date.fromisoformat(data.get("deadline") or ""),
        "zone_name": data.get("zone_name", "UTC"),
        "fields": services.parse_fields(fields_text),
        "description": data.get("description", ""),
        "answerers": data.get("answerers", Answerers.MEMBERS),
    }


def _call_form(request, *, call=None):
    """The call's form: a new call (saved as a draft) or the changes to one (the same services as the
    API's)."""
    ensure(request.user, "datacall.manage")
    errors: list[str] = []
    if request.method == "POST":
        data = request.POST
    elif call is not None:
        data = {
            "title": call.title,
            "year": call.year,
            "deadline": call.deadline.isoformat(),
            "zone_name": call.zone_name,
            "description": call.description,
            "answerers": call.answerers,
        }
    else:
        data = {}
    fields_text = data.get("fields") or _fields_text(call.fields if call else services.WORKFORCE_FIELDS)
    if request.method == "POST":
        try:
            values = _call_values(data, fields_text)
        except ValueError:
            errors.append(_("Give the year and the deadline (YYYY-MM-DD)."))
        else:
            try:
                if call is None:
                    call = services.datacall_create(acting=request.user, **values)
                    messages.success(request, _("The call is saved as a draft: open it when it is ready."))
                else:
                    services.datacall_update(call=call, acting=request.user, **values)
                    messages.success(request, _("The call is saved."))
            except ValidationError as error:
                errors += error.messages
            else:
                return redirect("datacall:detail", call.pk)
    return render(
        request,
        "datacall/call_form.html",
        {
            "call": call,
            "errors": errors,
            "data": data,
            "fields_text": fields_text,
            "answerers": Answerers.choices,
            "zones": zone_choices(),
            "zone": data.get("zone_name") or "UTC",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_new(request):
    return _call_form(request)


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request, pk: int):
    ensure(request.user, "datacall.manage")
    return _call_form(request, call=queries.call_for_viewer(viewer=request.user, pk=pk))


@login_required
@require_GET
def call_detail(request, pk: int):
    call = queries.call_for_viewer(viewer=request.user, pk=pk)
    can_manage = can(request.user, "datacall.manage")
    context = {
        "call": call,
        "can_manage": can_manage,
        "countries": [(c, all_countries.name(c)) for c in answer_countries(request.user, call)],
        "own": queries.own_submissions(call=call, viewer=request.user),
    }
    if can_manage:
        rows = queries.completeness(call=call)
        context["completeness"] = rows
        context["focal_points"] = list(queries.focal_points(call=call))
        context["chart"] = (
            bar_line_chart(
                title=_("Coverage by country"),
                description=_("Share of the call's fields with a reconciled value, per country."),
                labels=[r.country for r in rows],
                bars=[r.percent for r in rows],
                bar_label=_("Fields filled (%)"),
            )
            if rows
            else ""
        )
    return render(request, "datacall/call_detail.html", context)


@login_required
@require_POST
def call_answer(request, pk: int):
    call = queries.call_for_viewer(viewer=request.user, pk=pk)
    values = {f["key"]: request.POST.get(f"f_{f['key']}", "") for f in call.fields}
    try:
        services.submission_save(
            call=call,
            acting=request.user,
            values=values,
            country=request.POST.get("country", ""),
            note=request.POST.get("note", ""),
        )
    except PermissionDenied:
        raise
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Thank you: your answer is saved. You may change it until the deadline."))
    return redirect("datacall:detail", call.pk)


@login_required
@require_POST
def call_status(request, pk: int):
    call = queries.call_for_viewer(viewer=request.user, pk=pk)
    try:
        services.datacall_set_status(call=call, acting=request.user, status=request.POST.get("status", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("datacall:detail", call.pk)


@login_required
@require_http_methods(["GET", "POST"])
def country(request, pk: int, code: str):
    """A country's answers side by side; the secretariat picks, writes, comments and validates."""
    ensure(request.user, "datacall.manage")
    call = queries.call_for_viewer(viewer=request.user, pk=pk)
    code = code.upper()
    if code not in all_countries:
        raise Http404
    if request.method == "POST":
        picks, values = {}, {}
        for f in call.fields:
            choice = request.POST.get(f"pick_{f['key']}", "")
            if choice.isdigit():
                picks[f["key"]] = int(choice)
            elif choice == "write":
                values[f["key"]] = request.POST.get(f"value_{f['key']}", "")
        try:
            services.country_reconcile(
                call=call,
                country=code,
                acting=request.user,
                picks=picks,
                values=values,
                validate=request.POST.getlist("validate"),
                comment=request.POST.get("comment"),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The country's values are saved."))
            return redirect("datacall:country", call.pk, code)
    return render(
        request,
        "datacall/country.html",
        {
            "call": call,
            "answers": queries.country_answers(call=call, country=code),
            "name": all_countries.name(code),
        },
    )


@login_required
@require_GET
def call_export(request, pk: int, fmt: str):
    ensure(request.user, "datacall.manage")
    call = queries.call_for_viewer(viewer=request.user, pk=pk)
    headers = ["country", *call.keys, "validated", "comment"]
    rows = [
        [str(r.country), *[r.values.get(k) for k in call.keys], " ".join(r.locked), r.comment]
        for r in queries.table(call=call)
    ]
    name = f"data-call-{call.year}"
    if fmt == "xlsx":
        return xlsx_response(filename=name, sheet=str(call.year), headers=headers, rows=rows)
    if fmt == "csv":
        return csv_response(filename=name, headers=headers, rows=rows)
    raise Http404


@login_required
@require_POST
def focal_point(request, pk: int):
    """The secretariat names a focal point for a country, by their e-mail address."""
    ensure(request.user, "datacall.manage")
    call = queries.call_for_viewer(viewer=request.user, pk=pk)
    person = (
        get_user_model()
        .objects.filter(email__iexact=request.POST.get("email", "").strip(), is_active=True)
        .first()
    )
    if person is None:
        messages.error(request, _("No member has this e-mail address."))
        return redirect("datacall:detail", call.pk)
    try:
        services.focal_point_name(
            call=call, acting=request.user, person=person, country=request.POST.get("country", "").upper()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The focal point is named."))
    return redirect("datacall:detail", call.pk)
