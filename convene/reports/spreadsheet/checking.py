"""The background check of an uploaded workbook (``reports.tasks.check_plan_import``): read it, build
the preview, keep it on the upload's row. Apart from ``pending`` (which keeps uploads and enqueues
this check), so that the task and the module that enqueues it do not import each other."""

from __future__ import annotations

import dataclasses
import json

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.translation import gettext as _

from convene.plans.models import PlanImport, PlanImportStatus

from .apply import import_preview
from .check import FieldChange, Preview, RowChange
from .read import Problem


def plan_import_check(*, import_id: int) -> None:
    """Check an uploaded workbook and keep what the preview shows; twice without harm."""
    pending = PlanImport.objects.select_related("plan__group", "created_by").filter(pk=import_id).first()
    if pending is None or pending.status != PlanImportStatus.CHECKING:
        return
    with translation.override(pending.language or None):
        try:
            with default_storage.open(pending.stored_as, "rb") as handle:
                data = handle.read(settings.CONVENE_IMPORT_MAX_BYTES + 1)
        except OSError:
            preview = Preview(
                changes=[],
                problems=[Problem(None, None, None, _("The uploaded workbook is no longer available."))],
                notices=[],
                fingerprint="",
            )
        else:
            try:
                preview = import_preview(pending.plan, data, acting=pending.created_by)
            except PermissionDenied:
                preview = Preview(
                    changes=[],
                    problems=[Problem(None, None, None, _("You may no longer edit this work plan."))],
                    notices=[],
                    fingerprint="",
                )
    PlanImport.objects.filter(pk=pending.pk, status=PlanImportStatus.CHECKING).update(
        status=PlanImportStatus.READY, preview=preview_to_json(preview)
    )


def preview_to_json(preview: Preview) -> dict:
    # Lazy translations and other values become the text the preview shows.
    return json.loads(json.dumps(_preview_dict(preview), default=str))


def _preview_dict(preview: Preview) -> dict:
    return {
        "changes": [dataclasses.asdict(change) for change in preview.changes],
        "problems": [dataclasses.asdict(problem) for problem in preview.problems],
        "notices": [str(notice) for notice in preview.notices],
        "fingerprint": preview.fingerprint,
    }


def preview_from_json(data: dict) -> Preview:
    return Preview(
        changes=[
            RowChange(**{**change, "fields": [FieldChange(**f) for f in change["fields"]]})
            for change in data.get("changes", [])
        ],
        problems=[Problem(**problem) for problem in data.get("problems", [])],
        notices=list(data.get("notices", [])),
        fingerprint=data.get("fingerprint", ""),
    )
