"""Group updates and the committee's pages (thin views, STYLE §1, §2): a group's updates, one update
(its figures, the narrative form, submitting, comments, acknowledging), the committee's dashboard (as
a page, as CSV and as XLSX, filtered and sorted alike) and the committee pack (PDF, DOCX). Pages work without JavaScript."""

import csv
import io
from datetime import date
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from convene.core.concurrency import EditConflict
from convene.core.concurrency_views import add_service_error, conflict_response
from convene.core.exports import XLSX_TYPE, spreadsheet_safe, xlsx_bytes
from convene.core.rules import can, ensure
from convene.groups import queries as group_queries
from convene.results.charts import progress_bar

from . import pack, queries, services
from .charts import sparkline
from .dashboard_table import EXPORT_HEADERS, export_values
from .frozen import figures_of
from .models import NARRATIVE_FIELDS, GroupUpdate
from .views import DOCX_TYPE, download

MAX_PACK_DAYS = 3 * 366


class NarrativeForm(forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = GroupUpdate
        fields = NARRATIVE_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in NARRATIVE_FIELDS}


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Comment"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )


def _update_url(update: GroupUpdate) -> str:
    return reverse("reports:update", args=[update.pk])


def _update(request, update: int) -> GroupUpdate:
    return queries.update_for_viewer(viewer=request.user, update_id=update)


@login_required
@require_GET
def group_updates(request, slug: str):
    group = group_queries.group_for_viewer(viewer=request.user, slug=slug)
    ensure(request.user, "reports.list_updates", group)
    starts, ends = queries.period_of(timezone.localdate(), group.kind.update_months)
    return render(
        request,
        "reports/group_updates.html",
        {
            "group": group,
            "updates": queries.updates_of_group(viewer=request.user, group=group),
            "can_start": can(request.user, "reports.start_update", group),
            "quarter": (starts, ends),
            "due": queries.due_on(ends),
            "standing": queries.group_update_due(group),
            "cadence": group.kind.get_update_months_display(),
        },
    )


@login_required
@require_POST
def update_start(request, slug: str):
    """Start the draft of the current period, or (``period=owed``) of the ended period still owed."""
    group = group_queries.group_for_viewer(viewer=request.user, slug=slug)
    period = None
    if request.POST.get("period") == "owed":
        period = queries.group_update_due(group).owed
    update = services.update_draft(group=group, acting=request.user, period=period)
    return redirect(_update_url(update))


def _page(request, update: GroupUpdate, *, form=None, comment_form=None, status: int = 200, conflict=None):
    figures = figures_of(update)
    for f in figures.indicators:
        f.bar = progress_bar(
            percent=f.latest.bar_percent if f.latest else None,
            title=f.indicator.name,
            uid=f"bar-{f.indicator.pk}",
        )
    may_write = can(request.user, "reports.write_update", update)
    if form is None and may_write:
        form = NarrativeForm(instance=update, initial={"revision": update.revision})
    context = {
        "update": update,
        "group": update.group,
        "figures": figures,
        "form": form,
        "comments": queries.comments_of(update),
        "comment_form": comment_form or CommentForm(),
        "narrative": pack.narrative_labels(),
        "may_write": may_write,
        "may_submit": can(request.user, "reports.submit_update", update),
        "may_comment": can(request.user, "reports.comment_update", update),
        "may_acknowledge": can(request.user, "reports.acknowledge_update", update),
        "due": queries.due_on(update.period_ends),
    }
    if conflict is not None:
        return conflict_response(request, "reports/update_detail.html", context, form=form, conflict=conflict)
    return render(request, "reports/update_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def update_detail(request, update: int):
    """The update; a POST saves the narrative (co-chairs, while it is a draft)."""
    update = _update(request, update)
    if request.method == "GET":
        return _page(request, update)
    ensure(request.user, "reports.write_update", update)
    form = NarrativeForm(request.POST, instance=GroupUpdate(group=update.group))
    if form.is_valid():
        narrative = {name: form.cleaned_data[name] for name in NARRATIVE_FIELDS}
        try:
            services.update_save(
                update=update, acting=request.user, revision=form.cleaned_data.get("revision"), **narrative
            )
        except EditConflict as conflict:
            update.refresh_from_db()
            return _page(request, update, form=form, conflict=conflict)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The update is saved."))
            return redirect(_update_url(update))
    return _page(request, update, form=form, status=400)


def _change(request, update_id: int, service, done: str):
    """A state change through ``service`` (submit, acknowledge), then back to the update."""
    update = _update(request, update_id)
    try:
        service(update=update, acting=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(_update_url(update))


@login_required
@require_POST
def update_submit(request, update: int):
    done = _("The update is submitted to the steering committee and the coordinator.")
    return _change(request, update, services.update_submit, done)


@login_required
@require_POST
def update_comment(request, update: int):
    update = _update(request, update)
    ensure(request.user, "reports.comment_update", update)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.update_comment(update=update, acting=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your comment is added."))
            return redirect(_update_url(update) + "#comments")
    return _page(request, update, comment_form=form, status=400)


@login_required
@require_POST
def update_acknowledge(request, update: int):
    return _change(request, update, services.update_acknowledge, _("The update is acknowledged."))


# --- The committee's pages -------------------------------------------------------------------------

DASHBOARD_COLUMNS = [
    ("name", gettext_lazy("Group")),
    ("kind", gettext_lazy("Kind")),
    ("plan", gettext_lazy("Work plan")),
    ("update", gettext_lazy("Last update")),
    ("overdue", gettext_lazy("Next update due")),
    ("on_track", gettext_lazy("Indicators on track")),
    ("off_track", gettext_lazy("Off track")),
    ("budget", gettext_lazy("Budget used")),
    ("meetings", gettext_lazy("Meetings (90 days)")),
    ("members", gettext_lazy("Members")),
    ("trend", gettext_lazy("Members, 12 months")),
    ("gaps", gettext_lazy("Composition gaps")),
]
# The same values as the API's query (``?overdue=true``): one link works for both.
DASHBOARD_PAGE_SIZE = 100  # rows a page shows (the downloads and the API hold every row)
YES_NO = [("", gettext_lazy("Any")), ("true", gettext_lazy("Yes")), ("false", gettext_lazy("No"))]


def _yes_no(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value)


class DashboardFilterForm(forms.Form):
    """The dashboard's filters, sent with GET (the page, its CSV and its XLSX read the same)."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind of group"), required=False)
    plan = forms.ChoiceField(
        label=gettext_lazy("Work plan"),
        required=False,
        choices=[
            ("", gettext_lazy("Any")),
            *[(s.value, label) for s, label in queries.PLAN_STATE_LABELS.items()],
        ],
    )
    overdue = forms.TypedChoiceField(
        label=gettext_lazy("Update overdue"), required=False, choices=YES_NO, coerce=_yes_no, empty_value=None
    )
    off_track = forms.TypedChoiceField(
        label=gettext_lazy("Indicators off track"),
        required=False,
        choices=YES_NO,
        coerce=_yes_no,
        empty_value=None,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", gettext_lazy("Any")), *queries.group_kind_choices()]

    def filters(self) -> queries.DashboardFilters:
        """The filters asked for; a wrong value is left out (no narrowing), as a wrong sort is."""
        if not self.is_bound:
            return queries.NO_FILTERS
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return queries.DashboardFilters(
            kind=data.get("kind") or "",
            plan=data.get("plan") or "",
            overdue=data.get("overdue"),
            off_track=data.get("off_track"),
        )


def _sort(request) -> str:
    sort = request.GET.get("sort", "name")
    return sort if sort.removeprefix("-") in queries.DASHBOARD_SORTS else "name"


def _dashboard(request) -> tuple[DashboardFilterForm, str, list[queries.DashboardRow], dict]:
    """The filter form, the sort, the rows asked for, and what is kept beside the rows."""
    ensure(request.user, "reports.view_dashboard")
    form = DashboardFilterForm(request.GET or None)
    sort = _sort(request)
    copy = queries.dashboard_copy()
    return form, sort, queries.dashboard_rows(sort=sort, filters=form.filters(), copy=copy), copy.derived


def _row_html(row: queries.DashboardRow, derived: dict) -> str:
    """A row of the dashboard's table, rendered once per language and kept beside the kept rows
    (``derived``: dropped with them when the data changes)."""
    key = ("row", get_language(), row.group.pk)
    html = derived.get(key)
    if html is None:
        chart = sparkline(
            row.trend,
            title=_("Members of %(group)s over 12 months") % {"group": row.group.name},
            description=_("From %(first)s to %(last)s members; at each month's end: %(all)s.")
            % {"first": row.trend[0], "last": row.trend[-1], "all": ", ".join(map(str, row.trend))},
            uid=f"trend-{row.group.pk}",
        )
        html = derived[key] = render_to_string(
            "reports/_dashboard_row.html", {"row": row, "trend_chart": chart}
        )
    return html


def _query(request, **changes) -> str:
    """The page's query string with ``changes`` (the filters kept when sorting or downloading; the
    page number dropped: a new order or a download starts from the first row)."""
    query = request.GET.copy()
    query.pop("page", None)
    for name, value in changes.items():
        query[name] = value
    return query.urlencode()


# Rendered dashboard contents kept per process beside the kept rows (a page is ~130 KB).
KEPT_PAGES = 200


@login_required
@require_GET
def dashboard(request):
    """The page is the same for every viewer allowed to see it: its content is rendered once per
    language and query string and kept with the rows it shows (dropped with them when data changes)."""
    ensure(request.user, "reports.view_dashboard")
    derived = queries.dashboard_copy().derived
    key = ("page", get_language(), urlencode(sorted(request.GET.lists()), doseq=True))
    content = derived.get(key)
    if content is None:
        content = _dashboard_content(request)
        pages = [k for k in derived if k[0] == "page"]
        if len(pages) >= KEPT_PAGES:
            for k in pages:
                derived.pop(k, None)
        derived[key] = content
    return render(request, "reports/dashboard.html", {"content": content})


def _dashboard_content(request) -> str:
    form, sort, rows, derived = _dashboard(request)
    starts, ends = queries.last_ended_quarter(timezone.localdate())
    columns = [
        (key, label, key == sort.removeprefix("-"), _query(request, sort=f"-{key}" if sort == key else key))
        for key, label in DASHBOARD_COLUMNS
    ]
    page = Paginator(rows, DASHBOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    return render_to_string(
        "reports/_dashboard_content.html",
        {
            "rows": page.object_list,
            "rows_html": [_row_html(row, derived) for row in page.object_list],
            "page": page,
            "query_string": _query(request),
            "columns": columns,
            "sort": sort,
            "form": form,
            "export_query": _query(request, sort=sort),
            "pack_from": starts,
            "pack_to": ends,
        },
        request,
    )


@login_required
@require_GET
def dashboard_csv(request):
    _form, _sort_by, rows, _derived = _dashboard(request)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(h) for h in EXPORT_HEADERS])
    for row in rows:
        writer.writerow(
            [
                ""
                if value is None
                else spreadsheet_safe(value.isoformat() if isinstance(value, date) else value)
                for value in export_values(row)
            ]
        )
    return download(out.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8", "dashboard.csv")


@login_required
@require_GET
def dashboard_xlsx(request):
    _form, _sort_by, rows, _derived = _dashboard(request)
    data = xlsx_bytes(
        sheet=_("Dashboard"), headers=[str(h) for h in EXPORT_HEADERS], rows=(export_values(r) for r in rows)
    )
    return download(data, XLSX_TYPE, "dashboard.xlsx")


def _period(request) -> tuple[date, date] | None:
    """``?from=`` and ``?to=`` (ISO dates), the last ended quarter when left out; None when wrong."""
    default = queries.last_ended_quarter(timezone.localdate())
    try:
        starts = date.fromisoformat(request.GET["from"]) if request.GET.get("from") else default[0]
        ends = date.fromisoformat(request.GET["to"]) if request.GET.get("to") else default[1]
    except ValueError:
        return None
    if ends < starts or (ends - starts).days > MAX_PACK_DAYS:
        return None
    return starts, ends


def _pack(request, draw, content_type: str, extension: str) -> HttpResponse:
    ensure(request.user, "reports.view_dashboard")
    period = _period(request)
    if period is None:
        return HttpResponse(
            _("Give the period as from=YYYY-MM-DD&to=YYYY-MM-DD, at most three years."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    name = f"committee-pack-{period[0]:%Y%m%d}-{period[1]:%Y%m%d}.{extension}"
    return download(draw(*period), content_type, name)


@login_required
@require_GET
def pack_pdf(request):
    return _pack(request, pack.pack_pdf, "application/pdf", "pdf")


@login_required
@require_GET
def pack_docx(request):
    return _pack(request, pack.pack_docx, DOCX_TYPE, "docx")
