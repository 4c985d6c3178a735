"""A work plan as an Excel workbook, edited offline and imported back (issue 5, "Spreadsheets").

**The workbook** (``export``). A "Readme" sheet first, in the reader's language: how to edit, and
every column of every sheet with its meaning and format. Then one sheet per part of the plan
(``columns``): Plan, Objectives, Deliverables, Tasks, Results, Indicators, Targets, Measurements (long
format: one reported value a row), Budget, Rates, HR needs. Row 1 of each holds the columns' stable
machine keys (English, whatever the language: the import reads them; their meaning shows as a note on
the header and in the Readme); data start on row 2. Every row carries its record's ``id`` (blank for a
new row) and, for records two people may edit at once, the ``revision`` it was exported at.

**The import** (``import_preview`` then ``plan_import_commit``), all or nothing, by stage:

1. ``read``: read the file safely (``core.xlsx``) and type every cell; an error names the sheet, the
   row and the column.
2. ``check``: compare with the plan as it is (``current``): rows added, changed (merged with what
   Convene changed since the export), removed where that is safe; each change an ``Op``.
3. ``apply``: a trial run of every change through the services, rolled back, for the preview; on
   confirmation, the same again for real in one transaction with the plan locked (``WRITERS``: the one
   table of sheet → service).
4. ``pending``: the upload waits between preview and confirmation, checked in the background.

The names below are the package's interface; the modules hold the rest.
"""

from .apply import WRITERS, ImportRefused, import_preview, plan_import_commit, run_op
from .check import ADDED, CHANGED, KIND_LABELS, REMOVED, FieldChange, Op, Preview, RowChange, build
from .columns import (
    BUDGET,
    DELIVERABLES,
    HR_NEEDS,
    INDICATORS,
    MEASUREMENTS,
    OBJECTIVES,
    PLAN,
    RATES,
    RESULTS,
    SHEET_BY_NAME,
    SHEETS,
    TARGETS,
    TASKS,
    Col,
    Sheet,
    categories_text,
    parse_categories,
)
from .current import Current, Record, read_current
from .export import export_filename, workbook_bytes
from .pending import (
    PENDING_DIR,
    PENDING_MAX_AGE,
    PENDING_SALT,
    PendingGone,
    confirm_token,
    discard,
    pending_import,
    plan_import_check,
    plan_import_recheck,
    plan_import_start,
    preview_from_json,
    preview_to_json,
    read_confirm_token,
    stash,
    unstash,
)
from .read import CellError, FileRow, Problem, parse_cell, read_workbook

__all__ = [
    "ADDED",
    "BUDGET",
    "CHANGED",
    "DELIVERABLES",
    "HR_NEEDS",
    "INDICATORS",
    "KIND_LABELS",
    "MEASUREMENTS",
    "OBJECTIVES",
    "PENDING_DIR",
    "PENDING_MAX_AGE",
    "PENDING_SALT",
    "PLAN",
    "RATES",
    "REMOVED",
    "RESULTS",
    "SHEETS",
    "SHEET_BY_NAME",
    "TARGETS",
    "TASKS",
    "WRITERS",
    "CellError",
    "Col",
    "Current",
    "FieldChange",
    "FileRow",
    "ImportRefused",
    "Op",
    "PendingGone",
    "Preview",
    "Problem",
    "Record",
    "RowChange",
    "Sheet",
    "build",
    "categories_text",
    "confirm_token",
    "discard",
    "export_filename",
    "import_preview",
    "parse_categories",
    "parse_cell",
    "pending_import",
    "plan_import_check",
    "plan_import_commit",
    "plan_import_recheck",
    "plan_import_start",
    "preview_from_json",
    "preview_to_json",
    "read_confirm_token",
    "read_current",
    "read_workbook",
    "run_op",
    "stash",
    "unstash",
    "workbook_bytes",
]
