"""A work plan out as XLSX, PDF, DOCX and IATI XML, and back in from XLSX (thin views, STYLE §1, §2).

Exports go to whoever may view the plan (rule ``plans.export``); the import to whoever may edit it
(``plans.edit_plan``): upload → preview of every change → confirm, all or nothing
(``reports.spreadsheet``).
"""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from convene.core import xlsx
from convene.core.exports import XLSX_TYPE
from convene.plans import queries
from convene.plans.models import PlanImportStatus, WorkPlan

from . import documents, iati, spreadsheet

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Rows of each sheet shown in the preview; the counts always cover them all.
PREVIEW_ROWS_PER_SHEET = 300
CHECKING_REFRESH_SECONDS = 2


def _plan(request, slug: str, plan_id: int, perm: str) -> WorkPlan:
    return queries.plan_for_viewer(request.user, plan_id, group_slug=slug, perm=perm)


def download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def export_xlsx(request, slug: str, plan: int):
    plan = _plan(request, slug, plan, "plans.export")
    data = spreadsheet.workbook_bytes(plan, viewer=request.user)
    return download(data, XLSX_TYPE, spreadsheet.export_filename(plan, "xlsx"))


@login_required
@require_GET
def export_pdf(request, slug: str, plan: int):
    plan = _plan(request, slug, plan, "plans.export")
    return download(documents.plan_pdf(plan), "application/pdf", spreadsheet.export_filename(plan, "pdf"))


@login_required
@require_GET
def export_docx(request, slug: str, plan: int):
    plan = _plan(request, slug, plan, "plans.export")
    return download(documents.plan_docx(plan), DOCX_TYPE, spreadsheet.export_filename(plan, "docx"))


@login_required
@require_GET
def export_iati(request, slug: str, plan: int):
    plan = _plan(request, slug, plan, "plans.export")
    return download(
        iati.activity_xml(plan), "application/xml; charset=utf-8", spreadsheet.export_filename(plan, "xml")
    )


# --- The import ----------------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Workbook"),
        help_text=gettext_lazy("The .xlsx file exported from this plan, edited."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.CONVENE_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(xlsx.too_large_message(limit))
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload the .xlsx workbook exported from this plan."))
        self.data_bytes = upload.read(limit + 1)
        if not self.data_bytes:
            raise forms.ValidationError(_("The file is empty."))
        # Only the zip's directory here (a bomb is refused at once); the background task parses.
        try:
            xlsx.inspect_archive(
                self.data_bytes,
                too_big=_("The workbook unpacks to far more data than a work plan holds; it is refused."),
            )
        except xlsx.XlsxRefused as refused:
            raise forms.ValidationError(refused.message) from None
        return upload


def _import_url(plan: WorkPlan, token: str = "") -> str:
    url = reverse("plans:import", args=[plan.group.slug, plan.pk])
    return f"{url}?{urlencode({'t': token})}" if token else url


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request, slug: str, plan: int):
    """Upload (POST a file) → preview (GET ?t=) → confirm (POST confirm=)."""
    plan = _plan(request, slug, plan, "plans.edit_plan")
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, plan)
    if request.method == "GET" and request.GET.get("t"):
        return _preview(request, plan, request.GET["t"])
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = spreadsheet.plan_import_start(
            plan=plan, acting=request.user, data=form.data_bytes, language=translation.get_language() or ""
        )
        return redirect(_import_url(plan, token))
    return render(
        request,
        "plans/import.html",
        {
            "group": plan.group,
            "plan": plan,
            "form": form,
            "max_mb": f"{settings.CONVENE_IMPORT_MAX_BYTES / 1024 / 1024:.0f}",
            "removable": [s.name for s in spreadsheet.SHEETS if s.removable],
            "kept": [s.name for s in spreadsheet.SHEETS if not s.removable and s is not spreadsheet.PLAN],
        },
    )


def _gone(request, plan: WorkPlan):
    messages.error(request, _("The uploaded workbook is no longer available: upload it again."))
    return redirect(_import_url(plan))


def _preview(request, plan: WorkPlan, token: str):
    try:
        name, _data = spreadsheet.unstash(token, plan=plan, acting=request.user)
    except spreadsheet.PendingGone:
        return _gone(request, plan)
    pending = spreadsheet.pending_import(name)
    if pending is None:
        return _gone(request, plan)
    if pending.status == PlanImportStatus.CHECKING:
        return render(
            request,
            "plans/import_checking.html",
            {
                "group": plan.group,
                "plan": plan,
                "refresh": CHECKING_REFRESH_SECONDS,
                "url": _import_url(plan, token),
            },
        )
    preview = spreadsheet.preview_from_json(pending.preview)
    sheets = [
        (name, changes[:PREVIEW_ROWS_PER_SHEET], max(0, len(changes) - PREVIEW_ROWS_PER_SHEET))
        for name, changes in preview.by_sheet
    ]
    can_confirm = not preview.problems and bool(preview.changes)
    return render(
        request,
        "plans/import_preview.html",
        {
            "group": plan.group,
            "plan": plan,
            "preview": preview,
            "sheets": sheets,
            "counts": {kind: preview.count(kind) for kind in spreadsheet.KIND_LABELS},
            "confirm": spreadsheet.confirm_token(token, preview.fingerprint) if can_confirm else "",
            "removable": [s.name for s in spreadsheet.SHEETS if s.removable],
            "measurements_added": any(
                c.sheet == spreadsheet.MEASUREMENTS.name and c.kind == spreadsheet.ADDED
                for c in preview.changes
            ),
        },
    )


def _confirm(request, plan: WorkPlan):
    try:
        token, fingerprint = spreadsheet.read_confirm_token(request.POST.get("confirm", ""))
        name, data = spreadsheet.unstash(token, plan=plan, acting=request.user)
    except spreadsheet.PendingGone:
        return _gone(request, plan)
    pending = spreadsheet.pending_import(name)
    if pending is None:
        return _gone(request, plan)
    if pending.status != PlanImportStatus.READY or pending.preview.get("problems"):
        # Only a file the background check read without a problem is parsed here again: a
        # hostile one never reaches a web request's parser.
        return redirect(_import_url(plan, token))
    try:
        preview = spreadsheet.plan_import_commit(plan, data, acting=request.user, fingerprint=fingerprint)
    except spreadsheet.ImportRefused as refused:
        spreadsheet.plan_import_recheck(name)
        if refused.stale:
            messages.warning(
                request,
                _(
                    "The work plan changed since you checked the import, so nothing was imported. Here is what it would do now."
                ),
            )
        else:
            messages.error(
                request,
                _("Nothing was imported: %(problems)s")
                % {"problems": "; ".join(str(p) for p in refused.problems[:5])},
            )
        return redirect(_import_url(plan, token))
    spreadsheet.discard(name)
    messages.success(
        request,
        _("Imported: %(added)s rows added, %(changed)s changed, %(removed)s removed.")
        % {
            "added": preview.count(spreadsheet.ADDED),
            "changed": preview.count(spreadsheet.CHANGED),
            "removed": preview.count(spreadsheet.REMOVED),
        },
    )
    return redirect("plans:detail", plan.group.slug, plan.pk)
