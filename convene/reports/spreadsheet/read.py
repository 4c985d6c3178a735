"""Reading an uploaded workbook: the file read safely (``core.xlsx``: the archive inspected before
parsing, then streamed; the upload limits, bounded rows, columns and cell sizes), every sheet's header
checked, and each cell typed (or an error that names the sheet, the row and the column)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from convene.core import xlsx
from convene.people.imports import MAX_COLUMNS, XLSX_MAX_BLANK_ROWS, ImportFileError

from .columns import (
    BOOL,
    CATEGORIES,
    CHOICE,
    DATE,
    DECIMAL,
    INDICATOR,
    INT,
    LEVEL,
    ORGANISATION,
    PERSON,
    SHEETS,
    TEXT,
    Col,
    Sheet,
    parse_categories,
    quantize,
    text_of,
    undefuse,
)
from .current import Current

# Excel's own limit for one cell (a module constant: the tests lower it).
MAX_CELL_CHARS = xlsx.EXCEL_MAX_CELL_CHARS
# TRUE and FALSE in the five languages' spreadsheets (Excel and LibreOffice show VRAI, VERDADERO,
# VERDADEIRO, SAND) and the yes/no words people type.
TRUE_WORDS = {
    "true", "yes", "y", "1", "x", "oui", "si", "sí", "sim", "ja",
    "vrai", "verdadero", "verdadeiro", "sand",
}  # fmt: skip
FALSE_WORDS = {"false", "no", "n", "0", "non", "não", "nao", "nej", "faux", "falso", "falsk"}
# A boolean written as a formula (LibreOffice stores TRUE as the formula TRUE()): =TRUE(), TRUE(), =VRAI.
BOOL_FORMULA = re.compile(r"=?\s*(\w+)\s*(\(\s*\))?", re.UNICODE)


@dataclass
class Problem:
    """Why a file, a row or a cell cannot be imported."""

    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [
            p
            for p in (
                self.sheet,
                _("row %(row)s") % {"row": self.row} if self.row else None,
                _("column %(column)s") % {"column": self.column} if self.column else None,
            )
            if p
        ]
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class FileRow:
    number: int
    raw: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
    revision: int | None = None
    ok: bool = True


def read_workbook(data: bytes) -> tuple[dict[str, list[FileRow]], list[Problem]]:
    """The rows of each known sheet by column key; missing sheets and wrong headers are problems.
    Raise ``ImportFileError`` when the file as a whole cannot be read."""
    if not data:
        raise ImportFileError(_("The file is empty."))
    if len(data) > settings.CONVENE_IMPORT_MAX_BYTES:
        raise ImportFileError(xlsx.too_large_message())
    too_big = _("The workbook unpacks to far more data than a work plan holds; it is refused.")
    problems: list[Problem] = []
    sheets: dict[str, list[FileRow]] = {}
    budget = settings.CONVENE_IMPORT_MAX_ROWS
    try:
        with xlsx.open_workbook(data, too_big=too_big) as workbook:
            names = workbook.sheetnames
            for sheet in SHEETS:
                if sheet.name not in names:
                    problems.append(
                        Problem(
                            sheet.name,
                            None,
                            None,
                            _("The sheet “%(sheet)s” is missing.") % {"sheet": sheet.name},
                        )
                    )
                    continue
                rows, budget = _read_sheet(workbook[sheet.name], sheet, problems, budget)
                if rows is not None:
                    sheets[sheet.name] = rows
    except xlsx.XlsxRefused as refused:
        raise ImportFileError(refused.message) from None
    except ImportFileError:
        raise
    except Exception:  # noqa: BLE001 - a damaged sheet inside a readable archive
        raise ImportFileError(xlsx.unreadable_message()) from None
    return sheets, problems


def _read_sheet(worksheet, sheet: Sheet, problems: list[Problem], budget: int):
    header: list[str] | None = None
    index: dict[str, int] = {}
    rows: list[FileRow] = []
    blank_run = 0
    for number, raw in enumerate(xlsx.iter_rows(worksheet, max_col=MAX_COLUMNS + 1), start=1):
        raw = list(raw)
        while raw and (raw[-1] is None or raw[-1] == ""):
            raw.pop()
        if len(raw) > MAX_COLUMNS:
            raise ImportFileError(
                _("Sheet %(sheet)s, row %(row)s has more than %(max)s columns.")
                % {"sheet": sheet.name, "row": number, "max": MAX_COLUMNS}
            )
        for position, value in enumerate(raw, start=1):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                column = header[position - 1] if header and position <= len(header) else str(position)
                raise ImportFileError(
                    _("Sheet %(sheet)s, row %(row)s, column %(column)s is longer than %(max)s characters.")
                    % {"sheet": sheet.name, "row": number, "column": column, "max": MAX_CELL_CHARS}
                )
        if header is None:
            header = [text_of(v).lower() for v in raw]
            if not _header_ok(sheet, header, problems):
                return None, budget
            index = {key: header.index(key) for key in sheet.keys}
            continue
        if not any(text_of(v) for v in raw):
            blank_run += 1
            if blank_run > XLSX_MAX_BLANK_ROWS:
                break
            continue
        blank_run = 0
        extra = [i for i, v in enumerate(raw) if i >= len(header) and text_of(v)]
        if extra:
            problems.append(
                Problem(sheet.name, number, str(extra[0] + 1), _("This cell is outside the named columns."))
            )
            continue
        rows.append(FileRow(number, {key: raw[i] if i < len(raw) else None for key, i in index.items()}))
        budget -= 1
        if budget < 0:
            raise ImportFileError(
                _("The workbook has more than %(max)s rows.") % {"max": settings.CONVENE_IMPORT_MAX_ROWS}
            )
    if header is None:
        problems.append(Problem(sheet.name, 1, None, _("The sheet has no header row.")))
        return None, budget
    return rows, budget


def _header_ok(sheet: Sheet, header: list[str], problems: list[Problem]) -> bool:
    ok = True
    for key in sheet.keys:
        if key not in header:
            problems.append(Problem(sheet.name, 1, key, _("This column is missing from the header row.")))
            ok = False
    seen = set()
    for key in header:
        if not key:
            continue
        if key not in sheet.keys:
            problems.append(Problem(sheet.name, 1, key, _("This column is not one the import knows.")))
            ok = False
        elif key in seen:
            problems.append(Problem(sheet.name, 1, key, _("This column appears twice.")))
            ok = False
        seen.add(key)
    return ok


# --- Checking cells ------------------------------------------------------------------------------


class CellError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_int(value) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(_("Enter a whole number."))
    if isinstance(value, int):
        number = value
    elif (isinstance(value, float) and value.is_integer() and abs(value) < 2**53) or (
        isinstance(value, str) and re.fullmatch(r"\s*\d{1,15}\s*", value)
    ):
        number = int(value)
    else:
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": text_of(value)[:40]})
    if not 0 <= number < 2**31:
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": number})
    return number


def _parse_decimal(value, col: Col) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool | datetime.date):
        raise CellError(_("“%(value)s” is not a number.") % {"value": text_of(value)[:40]})
    try:
        if isinstance(value, float):
            number = Decimal(repr(value))
        elif isinstance(value, int | Decimal):
            number = Decimal(value)
        else:
            number = Decimal(re.sub(r"[\s\u00a0\u202f]", "", str(value)))
    except (InvalidOperation, ValueError):
        raise CellError(_("“%(value)s” is not a number.") % {"value": text_of(value)[:40]}) from None
    if not number.is_finite() or abs(number) >= Decimal(10) ** (col.digits - col.places):
        raise CellError(_("“%(value)s” is not a number we can store.") % {"value": text_of(value)[:40]})
    return quantize(number, col.places)


def _parse_date(value) -> datetime.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    elif isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T]00:00(:00)?)?", text):
            try:
                day = datetime.date.fromisoformat(text[:10])
            except ValueError:
                day = None
        else:
            day = None
        if day is None:
            raise CellError(
                _("“%(value)s” is not a date: write it as a date, or as 2025-03-31.") % {"value": text[:40]}
            )
    else:
        raise CellError(
            _("“%(value)s” is not a date: write it as a date, or as 2025-03-31.")
            % {"value": text_of(value)[:40]}
        )
    if not 1900 <= day.year <= 2200:
        raise CellError(_("%(value)s is not a possible date for a work plan.") % {"value": day.isoformat()})
    return day


def _parse_bool(value) -> bool | None:
    """TRUE or FALSE in any of the site's languages, as a value, a word or a formula; ``None`` for a
    blank cell (what a blank means depends on the row: ``Check.parse``)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = text_of(value).casefold()
    if not text:
        return None
    match = BOOL_FORMULA.fullmatch(text)
    word = match.group(1) if match and (match.group(2) or text.startswith("=")) else text
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("“%(value)s” is not TRUE or FALSE.") % {"value": text_of(value)[:40]})


def _parse_choice(value, col: Col) -> str:
    text = text_of(value)
    if not text:
        return ""
    key = text.casefold()
    for choice, label in col.choices.choices:
        if key in (choice.casefold(), str(label).casefold()):
            return choice
    raise CellError(
        _("“%(value)s” is not one of: %(values)s.")
        % {"value": text[:40], "values": ", ".join(col.choices.values)}
    )


def formula_error(value: str) -> CellError:
    return CellError(
        _(
            "This cell holds the formula %(formula)s but not its value (the program that last saved the "
            "file did not compute it): type the value itself."
        )
        % {"formula": value[:40]}
    )


def parse_cell(col: Col, value, current: Current):
    """A typed value, or a reference still to resolve: ("email", …), ("person", id), ("name", …),
    ("code", …), ("indicator", id). Raise CellError."""
    if isinstance(value, xlsx.Formula) and col.kind != BOOL:
        raise formula_error(value)
    typed = _TYPED.get(col.kind)
    if typed is not None:
        return typed(value, col)
    text = undefuse(text_of(value))
    if col.max_length and len(text) > col.max_length:
        raise CellError(_("This is longer than %(max)s characters.") % {"max": col.max_length})
    if col.kind == TEXT:
        return text.upper() if col.key == "currency" else text
    if not text:
        return None if col.kind != CATEGORIES else []
    return _parse_reference(col, text, current)


# Columns whose cell holds a value of its own type (not text, not a reference).
_TYPED = {
    INT: lambda value, col: parse_int(value),
    DECIMAL: _parse_decimal,
    DATE: lambda value, col: _parse_date(value),
    BOOL: lambda value, col: _parse_bool(value),
    CHOICE: _parse_choice,
}


def _parse_reference(col: Col, text: str, current: Current):
    if col.kind == PERSON:
        if re.fullmatch(r"#\d{1,10}", text):
            return ("person", int(text[1:]))
        if "@" in text and len(text) <= 254 and " " not in text:
            return ("email", text.lower())
        raise CellError(_("“%(value)s” is not an e-mail address.") % {"value": text[:60]})
    if col.kind == ORGANISATION:
        return ("name", text)
    if col.kind == LEVEL:
        for level in current.levels.values():
            # The name in the sheet's language, as stored, or the depth.
            if text.casefold() in (level.label.casefold(), level.name.casefold(), str(level.depth)):
                return level.pk
        raise CellError(
            _("“%(value)s” is not a level of results; use one of: %(levels)s.")
            % {"value": text[:40], "levels": ", ".join(level.label for level in current.levels.values())}
        )
    if col.kind == INDICATOR:
        if re.fullmatch(r"#\d{1,10}", text):
            return ("indicator", int(text[1:]))
        return ("code", text)
    if col.kind == CATEGORIES:
        return parse_categories(text)
    return text
