"""Writing the workbook: a "Readme" sheet first, in the reader's language (how to edit, and every
column of every sheet with its meaning and format), then one sheet per part of the plan.

Cells are typed (dates as dates, numbers as numbers); text is defused against formulas
(``core.exports.spreadsheet_safe``, undone on import). People appear as their e-mail address when the
reader may see it, else as ``#<id>`` (privacy: an export must not reveal addresses their owners
hide); organisations by name.
"""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from convene.core.exports import spreadsheet_safe
from convene.people.models import Person
from convene.plans.models import WorkPlan

from .columns import (
    BOOL,
    CATEGORIES,
    CHOICE,
    DATE,
    DECIMAL,
    INDICATOR,
    INT,
    LEVEL,
    MEASUREMENTS,
    ORGANISATION,
    PERSON,
    PLAN,
    SHEETS,
    Col,
    Sheet,
)
from .current import Current, Record, read_current

README = "Readme"


def _format_of(col: Col) -> str:
    if col.kind == INT:
        return _("whole number")
    if col.kind == DATE:
        return _("date, such as 2025-03-31")
    if col.kind == DECIMAL:
        return _("number")
    if col.kind == BOOL:
        return _("TRUE or FALSE")
    if col.kind == CHOICE:
        return _("one of: %(values)s") % {"values": ", ".join(col.choices.values)}
    if col.kind == PERSON:
        return _("a person's e-mail address (or #number as exported)")
    if col.kind == ORGANISATION:
        return _("an organisation's name as it is in Convene")
    if col.kind == LEVEL:
        return _("the name of a level of results")
    if col.kind == INDICATOR:
        return _("an indicator's code (or #number as exported)")
    if col.kind == CATEGORIES:
        return _("categories and their options, such as “sex: female, male; country”")
    if col.max_length:
        return _("text, at most %(max)s characters") % {"max": col.max_length}
    return _("text")


def _on_import(sheet: Sheet, col: Col) -> str:
    if col.key == "id":
        return _("matches the row with Convene")
    if col.key == "revision":
        return _("tells what changed in Convene since the export")
    if not col.imported or sheet is MEASUREMENTS and col.key == "status":
        return _("for information: not imported")
    if col.fixed:
        return _("required for a new row; cannot change afterwards")
    if col.required:
        return _("required")
    return _("imported")


def _readme_lines() -> list[str]:
    removable = ", ".join(s.name for s in SHEETS if s.removable)
    kept = ", ".join(s.name for s in SHEETS if not s.removable and s is not PLAN)
    return [
        _(
            "Edit the sheets, then upload the workbook on the plan's import page: you will see every change before anything is saved, and the import saves all of it or nothing."
        ),
        _(
            "Row 1 of each sheet holds the column keys: keep them and the sheet names as they are. Data start on row 2; grey columns are for information and are not imported."
        ),
        _("The “id” column links a row to Convene: leave it as it is. To add a row, leave its id blank."),
        _(
            "Deleting a row that has an id removes the record on these sheets: %(sheets)s. On %(kept)s, rows missing from the sheet are kept: remove results and indicators in Convene."
        )
        % {"sheets": removable, "kept": kept},
        _(
            "Measurements: a new row (no id) is recorded as a value you submit, which a co-chair then approves; values already recorded are never changed by the import."
        ),
        _(
            "A new row can refer only to rows that already have an id (a new task to an existing deliverable); indicators are referred to by their code, so targets and measurements can also use an indicator added in the same file."
        ),
        _(
            "Write dates as dates (or as text such as 2025-03-31), numbers as numbers, people by their e-mail address, organisations by their name as it is in Convene."
        ),
        _(
            "Someone may change the plan in Convene while you edit: your changes are merged with theirs, and a cell both of you changed is shown as an error to resolve."
        ),
    ]


def workbook_bytes(plan: WorkPlan, *, viewer: Person | None) -> bytes:
    """The whole plan as an .xlsx workbook (see the module's docstring)."""
    from openpyxl import Workbook

    current = read_current(plan, viewer)
    workbook = Workbook()
    _write_readme(workbook.active, current.plan)
    for sheet in SHEETS:
        _write_sheet(workbook.create_sheet(sheet.name), sheet, current)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _clean(value):
    """Text as a cell may hold it: no characters XML refuses, no formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        return spreadsheet_safe(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _write_readme(readme, plan: WorkPlan) -> None:
    from openpyxl.styles import Alignment, Font

    readme.title = README
    wrap = Alignment(wrap_text=True, vertical="top")
    readme.append([_clean(_("Work plan: %(title)s") % {"title": plan.title})])
    readme["A1"].font = Font(bold=True, size=14)
    exported = timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")
    readme.append(
        [
            _clean(
                _("%(group)s · version %(version)s · %(status)s · exported %(when)s")
                % {
                    "group": plan.group.name,
                    "version": plan.version,
                    "status": plan.get_status_display(),
                    "when": exported,
                }
            )
        ]
    )
    readme.append([])
    for line in _readme_lines():
        readme.append([_clean(line)])
        readme.cell(row=readme.max_row, column=1).alignment = wrap
        readme.merge_cells(start_row=readme.max_row, start_column=1, end_row=readme.max_row, end_column=5)
        readme.row_dimensions[readme.max_row].height = 45
    readme.append([])
    readme.append([_("Sheet"), _("Column"), _("Meaning"), _("Format"), _("On import")])
    for cell in readme[readme.max_row]:
        cell.font = Font(bold=True)
    for sheet in SHEETS:
        for col in sheet.columns:
            readme.append(
                [
                    sheet.name,
                    col.key,
                    _clean(str(capfirst(col.label))),
                    _clean(_format_of(col)),
                    _on_import(sheet, col),
                ]
            )
    for letter, width in zip("ABCDE", (14, 22, 36, 48, 40), strict=True):
        readme.column_dimensions[letter].width = width


def _write_sheet(worksheet, sheet: Sheet, current: Current) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold, grey = Font(bold=True), PatternFill("solid", fgColor="E5E7EB")
    info_font = Font(bold=True, italic=True, color="555555")
    worksheet.append([col.key for col in sheet.columns])
    for index, col in enumerate(sheet.columns, start=1):
        cell = worksheet.cell(row=1, column=index)
        informative = not col.imported and col.key not in ("id", "revision")
        cell.font = info_font if informative else bold
        if informative or col.key in ("id", "revision"):
            cell.fill = grey
        note = str(capfirst(col.label))
        if col.help:
            note += "\n" + str(col.help)
        cell.comment = Comment(_clean(note), "Convene", width=260, height=90)
        worksheet.column_dimensions[get_column_letter(index)].width = col.width
    for record in current.sheets[sheet.name].values():
        worksheet.append([_clean(_cell_value(col, record, current)) for col in sheet.columns])
    last = max(worksheet.max_row, 2)
    for index, col in enumerate(sheet.columns, start=1):
        _format_column(worksheet, index, col, last)
    worksheet.freeze_panes = "A2"


def _format_column(worksheet, index: int, col: Col, last: int) -> None:
    """Dates and amounts shown as such, and a drop-down of the choices."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    letter = get_column_letter(index)
    if col.kind == DATE:
        for (cell,) in worksheet.iter_rows(min_row=2, max_row=last, min_col=index, max_col=index):
            cell.number_format = "yyyy-mm-dd"
    elif col.kind == DECIMAL and col.places == 2:
        for (cell,) in worksheet.iter_rows(min_row=2, max_row=last, min_col=index, max_col=index):
            cell.number_format = "#,##0.00"
    if col.imported and col.kind == CHOICE:
        values = ",".join(col.choices.values)
        validation = DataValidation(type="list", formula1=f'"{values}"', allow_blank=True)
        validation.add(f"{letter}2:{letter}{max(last, 500)}")
        worksheet.add_data_validation(validation)


def _cell_value(col: Col, record: Record, current: Current):
    if col.key == "id":
        return record.id
    if col.key == "revision":
        return record.revision
    value = record.values[col.key]
    if value is None or value == "":
        return None
    if col.kind == PERSON:
        return current.person_ref(value)
    if col.kind == ORGANISATION:
        organisation = current.organisations.get(value)
        return organisation.name if organisation else None
    if col.kind == LEVEL:
        level = current.levels.get(value)
        return level.label if level else None
    if col.kind == INDICATOR:
        return current.indicator_refs.get(value, f"#{value}")
    return value


def export_filename(plan: WorkPlan, extension: str) -> str:
    return f"{plan.group.slug}-work-plan-{plan.pk}-v{plan.version}.{extension}"
