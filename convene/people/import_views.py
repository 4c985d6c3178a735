"""The secretariat's member import: upload, choose the columns, see the dry run, import (thin views)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from convene.core.rules import ensure

from . import import_services, imports
from .models import MemberImport, MemberImportStatus

PREVIEW_PAGE_SIZE = 100
RECENT_IMPORTS = 10
SAMPLE_ROWS = 3


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Member list"),
        help_text=gettext_lazy(
            "A .csv or .xlsx file whose first row names the columns, one member per row. "
            "The e-mail column is required."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        """Only the size and the kind of file: reading it is the background task's work."""
        upload = self.cleaned_data["file"]
        if upload.size > settings.CONVENE_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large: at most %(size)s MB.")
                % {"size": f"{settings.CONVENE_IMPORT_MAX_BYTES / 1024 / 1024:.0f}"}
            )
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in ("csv", "txt", "tsv", "xlsx"):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        self.data_bytes = upload.read(settings.CONVENE_IMPORT_MAX_BYTES + 1)
        if not self.data_bytes:
            raise forms.ValidationError(_("The file is empty."))
        return upload


class ImportMappingForm(forms.Form):
    """One choice per Convene field: which column of the file holds it."""

    def __init__(self, *args, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —")), *((str(i), h) for i, h in enumerate(headers))]
        for name, label in imports.FIELDS:
            self.fields[name] = forms.ChoiceField(
                label=label, choices=choices, required=name in imports.REQUIRED_FIELDS
            )

    def clean(self):
        cleaned = super().clean()
        used: dict[str, str] = {}
        for name, label in imports.FIELDS:
            column = cleaned.get(name)
            if not column:
                continue
            if column in used:
                self.add_error(
                    name,
                    _("This column is already chosen for “%(field)s”.") % {"field": used[column]},
                )
            used[column] = str(label)
        return cleaned

    def mapping(self) -> dict[str, int]:
        return {name: int(value) for name, value in self.cleaned_data.items() if value not in ("", None)}


def _member_import(request, import_id: int) -> MemberImport:
    ensure(request.user, "people.import_members")
    return get_object_or_404(MemberImport, pk=import_id)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    ensure(request.user, "people.import_members")
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        member_import = import_services.member_import_upload(
            filename=form.cleaned_data["file"].name,
            data=form.data_bytes,
            acting=request.user,
            language=translation.get_language() or "",
        )
        return redirect("people:import_status", import_id=member_import.pk)
    recent = MemberImport.objects.select_related("created_by__profile").defer("rows", "headers", "upload")[
        :RECENT_IMPORTS
    ]
    return render(
        request,
        "people/import_upload.html",
        {
            "form": form,
            "recent": recent,
            "fields": imports.FIELDS,
            "max_rows": settings.CONVENE_IMPORT_MAX_ROWS,
            "max_mb": f"{settings.CONVENE_IMPORT_MAX_BYTES / 1024 / 1024:.0f}",
        },
    )


READING_REFRESH_SECONDS = 2


@login_required
@require_GET
def import_status(request, import_id: int):
    """While the background task reads the file: a page that refreshes itself until it is read."""
    member_import = _member_import(request, import_id)
    if member_import.status == MemberImportStatus.UPLOADED:
        return redirect("people:import_mapping", import_id=member_import.pk)
    if member_import.status == MemberImportStatus.COMMITTED:
        return redirect("people:import_preview", import_id=member_import.pk)
    reading = member_import.status == MemberImportStatus.READING
    return render(
        request,
        "people/import_status.html",
        {"member_import": member_import, "reading": reading, "refresh": READING_REFRESH_SECONDS},
    )


def _not_read(member_import: MemberImport) -> bool:
    return member_import.status in (MemberImportStatus.READING, MemberImportStatus.FAILED)


@login_required
@require_http_methods(["GET", "POST"])
def import_mapping(request, import_id: int):
    member_import = _member_import(request, import_id)
    if _not_read(member_import):
        return redirect("people:import_status", import_id=member_import.pk)
    if member_import.status != MemberImportStatus.UPLOADED:
        return redirect("people:import_preview", import_id=member_import.pk)
    initial = {name: str(index) for name, index in member_import.mapping.items()}
    form = ImportMappingForm(request.POST or None, headers=member_import.headers, initial=initial)
    if request.method == "POST" and form.is_valid():
        import_services.member_import_set_mapping(
            member_import=member_import, mapping=form.mapping(), acting=request.user
        )
        return redirect("people:import_preview", import_id=member_import.pk)
    return render(
        request,
        "people/import_mapping.html",
        {
            "form": form,
            "member_import": member_import,
            "sample": [
                cells + [""] * (len(member_import.headers) - len(cells))
                for _n, cells in member_import.rows[:SAMPLE_ROWS]
            ],
        },
    )


@login_required
@require_http_methods(["GET"])
def import_preview(request, import_id: int):
    """The dry run: every row's outcome and errors, counted in full, shown a page at a time."""
    member_import = _member_import(request, import_id)
    if _not_read(member_import):
        return redirect("people:import_status", import_id=member_import.pk)
    committed = member_import.status == MemberImportStatus.COMMITTED
    preview = None if committed else import_services.member_import_preview(member_import=member_import)
    show = request.GET.get("show", "")
    if show == "all":
        show = ""
    elif preview is not None and show not in imports.OUTCOME_LABELS:
        # Errors first: they are what the secretariat has to act on.
        show = imports.Outcome.ERROR if preview.counts[imports.Outcome.ERROR] else ""
    rows = [] if preview is None else [r for r in preview.rows if not show or r.outcome == show]
    page = Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    filters = []
    if preview is not None:
        filters = [("", _("All rows"), len(preview.rows))] + [
            (outcome, label, preview.counts[outcome]) for outcome, label in imports.OUTCOME_LABELS.items()
        ]
    return render(
        request,
        "people/import_preview.html",
        {
            "member_import": member_import,
            "preview": preview,
            "page": page,
            "show": show,
            "filters": filters,
            "mapped": [
                (label, member_import.headers[member_import.mapping[name]])
                for name, label in imports.FIELDS
                if name in member_import.mapping
            ],
        },
    )


@login_required
@require_POST
def import_commit(request, import_id: int):
    member_import = _member_import(request, import_id)
    try:
        preview = import_services.member_import_commit(member_import=member_import, acting=request.user)
    except import_services.ImportRefused as refused:
        messages.error(request, refused.message)
        return redirect("people:import_preview", import_id=member_import.pk)
    messages.success(
        request,
        _("Imported: %(new)s new members, %(updated)s updated, %(unchanged)s unchanged.")
        % {
            "new": preview.counts[imports.Outcome.NEW],
            "updated": preview.counts[imports.Outcome.UPDATE],
            "unchanged": preview.counts[imports.Outcome.UNCHANGED],
        },
    )
    return redirect("people:import_preview", import_id=member_import.pk)
