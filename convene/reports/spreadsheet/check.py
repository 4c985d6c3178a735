"""Checking an upload against the plan as it is: the preview of what the import would change.

Rows are compared with the plan: added (no id), changed (field by field), removed (a row with an id
missing from the sheet: only on sheets where that is safe: objectives, deliverables, tasks, targets,
budget, rates, HR needs; results, indicators and measurements missing from the sheet are kept). A row
exported at an older ``revision`` is merged like a form (``core.concurrency``): fields only Convene
changed since the export keep Convene's value, fields both changed are an error. Measurements: new rows
are recorded as values submitted by the importer; rows already recorded are never changed.

Each change becomes an ``Op`` (data: the sheet, the row, the record, the values); ``apply`` runs them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from convene.core import xlsx
from convene.core.rules import can
from convene.people.imports import ImportFileError
from convene.people.models import Organisation, Person
from convene.plans.models import PlanStatus, WorkPlan

from .columns import (
    BOOL,
    BUDGET,
    CATEGORIES,
    DELIVERABLES,
    HR_NEEDS,
    INDICATOR,
    INDICATORS,
    LEVEL,
    MEASUREMENTS,
    OBJECTIVES,
    ORGANISATION,
    PERSON,
    PLAN,
    RATES,
    RESULTS,
    SHEETS,
    TARGETS,
    TASKS,
    Col,
    Sheet,
    categories_text,
    comparable,
    text_of,
)
from .current import Current, Record, label_of, read_current
from .read import CellError, FileRow, Problem, formula_error, parse_cell, parse_int, read_workbook

ADDED, CHANGED, REMOVED = "added", "changed", "removed"
KIND_LABELS = {
    ADDED: gettext_lazy("Added"),
    CHANGED: gettext_lazy("Changed"),
    REMOVED: gettext_lazy("Removed"),
}


@dataclass
class FieldChange:
    column: str
    before: str
    after: str


@dataclass
class RowChange:
    sheet: str
    row: int | None  # the row in the file (None for a removed record)
    kind: str
    label: str
    record_id: int | None = None
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


@dataclass
class Op:
    """One write: a row added (no ``record``), changed or removed, through the service its sheet's rows
    go through (``apply.WRITERS``); ``sheet`` and ``row`` place its failure."""

    sheet: Sheet
    row: int | None
    record: Record | None = None
    values: dict[str, Any] = field(default_factory=dict)
    remove: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # keywords beyond the columns' own


@dataclass
class Preview:
    changes: list[RowChange]
    problems: list[Problem]
    notices: list[str]
    fingerprint: str
    ops: list[Op] = field(default_factory=list, repr=False)
    current: Current | None = field(default=None, repr=False)

    @property
    def by_sheet(self) -> list[tuple[str, list[RowChange]]]:
        return [
            (s.name, [c for c in self.changes if c.sheet == s.name])
            for s in SHEETS
            if any(c.sheet == s.name for c in self.changes)
        ]

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)


class Check:
    """The comparison of the uploaded rows with the plan as it is."""

    def __init__(
        self, current: Current, sheets: dict[str, list[FileRow]], problems: list[Problem], acting: Person
    ):
        self.current = current
        self.sheets = sheets
        self.problems = problems
        self.acting = acting
        self.changes: list[RowChange] = []
        self.notices: list[str] = []
        self.ops: list[Op] = []
        self.removals: list[Op] = []
        self.people_by_email: dict[str, Person] = {}
        self.organisations_by_name: dict[str, Organisation] = {}
        self.indicator_codes: dict[str, list] = {}  # final code → [("existing", id) | ("new", code)]

    # Problems -----------------------------------------------------------------------------------

    def problem(self, sheet: Sheet, row: FileRow | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(sheet.name, row.number if row else None, column, message))
        if row is not None:
            row.ok = False

    # Pass 1: types ------------------------------------------------------------------------------

    def parse(self) -> None:
        emails, names = set(), set()
        for sheet in SHEETS:
            for row in self.sheets.get(sheet.name, []):
                for col in sheet.columns:
                    self.read_cell(sheet, row, col)
                for value in row.values.values():
                    if isinstance(value, tuple) and value[0] == "email":
                        emails.add(value[1])
                    elif isinstance(value, tuple) and value[0] == "name":
                        names.add(value[1].casefold())
        self.look_up(emails, names)

    def read_cell(self, sheet: Sheet, row: FileRow, col: Col) -> None:
        """One cell: the row's id or revision, or a typed value (or the problem that it is not)."""
        raw = row.raw.get(col.key)
        try:
            if isinstance(raw, xlsx.Formula) and col.kind != BOOL:
                raise formula_error(raw)
            if col.key == "id":
                row.id = parse_int(raw)
                return
            if col.key == "revision":
                row.revision = parse_int(raw)
                return
            if not col.imported:
                return
            value = parse_cell(col, raw, self.current)
            if col.kind == BOOL and value is None and row.id is not None:
                # The export writes TRUE or FALSE in every row it has; a blank there was
                # emptied by a person or a tool, and reading it as FALSE (or as "unchanged")
                # could change the plan silently: the co-chair says which.
                raise CellError(_("This cell is blank: write TRUE or FALSE."))
        except CellError as error:
            self.problem(sheet, row, col.key, error.message)
            return
        if value in (None, "") and col.default is not None:
            value = col.default  # a blank cell means the default (a position of 0)
        row.values[col.key] = value

    def look_up(self, emails: set[str], names: set[str]) -> None:
        """The people and organisations the file names, in two queries."""
        if emails:
            for person in (
                Person.objects.annotate(email_lower=Lower("email"))
                .filter(email_lower__in=sorted(emails), is_active=True)
                .select_related("profile")
            ):
                self.people_by_email[person.email_lower] = person
        if names:
            for organisation in Organisation.objects.annotate(name_lower=Lower("name")).filter(
                name_lower__in=sorted(names)
            ):
                self.organisations_by_name[organisation.name_lower] = organisation

    # Pass 2: links to people and organisations -------------------------------------------------

    def resolve(self, sheet: Sheet, row: FileRow) -> None:
        for col in sheet.columns:
            value = row.values.get(col.key)
            if col.kind == PERSON and isinstance(value, tuple):
                kind, key = value
                if kind == "person":
                    if key in self.current.people:
                        row.values[col.key] = key
                        continue
                    self.problem(
                        sheet, row, col.key, _("#%(id)s is not a person of this work plan.") % {"id": key}
                    )
                else:
                    person = self.people_by_email.get(key)
                    if person is not None:
                        self.current.people.setdefault(person.pk, person)
                        row.values[col.key] = person.pk
                        continue
                    self.problem(
                        sheet,
                        row,
                        col.key,
                        _("No account has the e-mail address %(email)s.") % {"email": key},
                    )
                row.values.pop(col.key, None)
            elif col.kind == ORGANISATION and isinstance(value, tuple):
                organisation = self.organisations_by_name.get(value[1].casefold())
                if organisation is not None:
                    self.current.organisations.setdefault(organisation.pk, organisation)
                    row.values[col.key] = organisation.pk
                else:
                    self.problem(
                        sheet,
                        row,
                        col.key,
                        _("No organisation is called “%(name)s” in Convene.") % {"name": value[1][:80]},
                    )
                    row.values.pop(col.key, None)

    # Rows against records ------------------------------------------------------------------------

    def match(self, sheet: Sheet) -> tuple[list[FileRow], dict[int, FileRow]]:
        """New rows and the rows with an id (each id once, of this plan)."""
        records = self.current.sheets[sheet.name]
        new, known = [], {}
        unknown: dict[int, list[FileRow]] = {}
        for row in self.sheets.get(sheet.name, []):
            if row.id is None:
                new.append(row)
                continue
            if row.id in known:
                self.problem(
                    sheet,
                    row,
                    "id",
                    _("The id %(id)s is also in row %(row)s.") % {"id": row.id, "row": known[row.id].number},
                )
                continue
            if row.id not in records:
                unknown.setdefault(row.id, []).append(row)
                continue
            known[row.id] = row
        if unknown:
            elsewhere = set(sheet.model.objects.filter(pk__in=list(unknown)).values_list("pk", flat=True))
            for pk, rows in unknown.items():
                for row in rows:
                    if pk in elsewhere:
                        message = _("The id %(id)s belongs to another work plan.") % {"id": pk}
                    else:
                        message = _("No row of this work plan has the id %(id)s (was it deleted?).") % {
                            "id": pk
                        }
                    self.problem(sheet, row, "id", message)
        return new, known

    def show(self, col: Col, value) -> str:
        if value is None or value == "":
            return ""
        if col.kind == PERSON:
            return self.current.person_ref(value)
        if col.kind == ORGANISATION:
            organisation = self.current.organisations.get(value)
            return organisation.name if organisation else f"#{value}"
        if col.kind == LEVEL:
            level = self.current.levels.get(value)
            return level.label if level else f"#{value}"
        if col.kind == INDICATOR:
            if isinstance(value, tuple):
                return (
                    value[1]
                    if value[0] == "new"
                    else self.current.indicator_refs.get(value[1], f"#{value[1]}")
                )
            return self.current.indicator_refs.get(value, f"#{value}")
        if col.kind == BOOL:
            return "TRUE" if value else "FALSE"
        if col.kind == CATEGORIES:
            return categories_text(value) if isinstance(value, list) else str(value)
        if isinstance(value, Decimal):
            return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}".rstrip("0")
        if isinstance(value, datetime.date):
            return value.isoformat()
        return str(value)

    def compared(self, col: Col, value):
        if col.kind == INDICATOR and isinstance(value, tuple):
            return value
        return comparable(col, value)

    def diff(self, sheet: Sheet, row: FileRow, record: Record) -> dict[str, Any]:
        """The fields this row changes, merged with what Convene changed since the export."""
        mine = {}
        for col in sheet.columns:
            if not col.imported or col.key not in row.values:
                continue
            value = row.values[col.key]
            ours = record.values.get(col.key)
            if self.compared(col, value) != ours:
                if col.fixed:
                    self.problem(
                        sheet,
                        row,
                        col.key,
                        _(
                            "This cannot change once the row exists (was %(value)s): add a new row and delete this one."
                        )
                        % {"value": self.show(col, ours) or "—"},
                    )
                    continue
                mine[col.key] = value
        if not mine or not sheet.revisioned or row.revision == record.revision:
            return mine
        if row.revision is None:
            self.problem(
                sheet,
                row,
                "revision",
                _("Keep the revision the export wrote in this row: it tells what changed in Convene since."),
            )
            return {}
        # Exported at an older revision: keep what only Convene changed, refuse what both changed.
        base = _history_values(sheet, record, row.revision)
        if base is None:
            self.problem(
                sheet,
                row,
                "revision",
                _(
                    "This row changed in Convene since your export and its older version is unknown: export the plan again."
                ),
            )
            return {}
        merged = {}
        for key, value in mine.items():
            col = sheet.column(key)
            if self.compared(col, value) == base.get(key):
                self.notices.append(
                    _(
                        "%(sheet)s, row %(row)s: %(column)s was changed in Convene after your export; the newer value is kept."
                    )
                    % {"sheet": sheet.name, "row": row.number, "column": key}
                )
            elif record.values.get(key) != base.get(key):
                self.problem(
                    sheet,
                    row,
                    key,
                    _(
                        "Changed in Convene after your export, to “%(theirs)s”: keep one of the two and import again."
                    )
                    % {"theirs": self.show(col, record.values.get(key)) or "—"},
                )
            else:
                merged[key] = value
        return merged

    def required(self, sheet: Sheet, row: FileRow) -> bool:
        ok = True
        for col in sheet.columns:
            if col.imported and col.required and row.values.get(col.key) in (None, "", []):
                if col.key in row.values:  # (a cell that did not read has its problem already)
                    self.problem(sheet, row, col.key, _("This cell is required."))
                ok = False
        return ok

    def new_values(self, sheet: Sheet, row: FileRow) -> dict[str, Any]:
        values = {}
        for col in sheet.columns:
            if not col.imported or col.key not in row.values:
                continue
            value = row.values[col.key]
            if value in (None, "", []) and col.default is not None:
                value = col.default
            values[col.key] = value
        return values

    def change(self, sheet: Sheet, row: FileRow | None, kind: str, label: str, record_id=None, fields=()):
        self.changes.append(
            RowChange(sheet.name, row.number if row else None, kind, label, record_id, list(fields))
        )

    def field_changes(self, sheet: Sheet, values: dict, record: Record | None) -> list[FieldChange]:
        out = []
        for key, value in values.items():
            col = sheet.column(key)
            before = self.show(col, record.values.get(key)) if record else ""
            after = self.show(col, value)
            if record is None and not after:
                continue
            out.append(FieldChange(key, before, after))
        return out


def _history_values(sheet: Sheet, record: Record, revision: int | None) -> dict | None:
    """The record's values at ``revision``, from its history (simple-history), comparable like a Record's."""
    if revision is None:
        return None
    old = (
        sheet.model.history.filter(id=record.id, revision=revision).order_by("-history_id").first()
        if hasattr(sheet.model, "history")
        else None
    )
    if old is None:
        return None
    values = {}
    for col in sheet.columns:
        if not col.imported:
            continue
        if col.kind in (PERSON, ORGANISATION, LEVEL) or col.key.endswith("_id"):
            attname = f"{col.key.removesuffix('_id')}_id"
            values[col.key] = getattr(old, attname, None)
        else:
            values[col.key] = comparable(col, getattr(old, col.key, None))
    return values


def _plain_part(check: Check, sheet: Sheet, *, label_key: str, refs: dict[str, tuple[Sheet, set]]) -> None:
    """A sheet of plan parts: add, change (merged), and remove when the sheet allows it.

    ``refs`` names the columns that link to another sheet's rows and the ids they may name."""
    new, known = check.match(sheet)
    records = check.current.sheets[sheet.name]
    for row in [*new, *known.values()]:
        check.resolve(sheet, row)
        for key, (other, allowed) in refs.items():
            value = row.values.get(key)
            if value is not None and value not in allowed:
                check.problem(sheet, row, key, _ref_message(check, other, value))
    for row in new:
        if not row.ok or not check.required(sheet, row):
            continue
        values = check.new_values(sheet, row)
        check.change(
            sheet, row, ADDED, label_of(values.get(label_key)), None, check.field_changes(sheet, values, None)
        )
        check.ops.append(Op(sheet, row.number, None, values))
    for pk, row in known.items():
        if not row.ok:
            continue
        record = records[pk]
        values = check.diff(sheet, row, record)
        if not row.ok or not values:
            continue
        if not check.required(sheet, row):
            continue
        check.change(sheet, row, CHANGED, record.label, pk, check.field_changes(sheet, values, record))
        check.ops.append(Op(sheet, row.number, record, values))
    missing = [records[pk] for pk in records if pk not in known]
    if not missing:
        return
    if sheet.removable:
        for record in missing:
            check.change(sheet, None, REMOVED, record.label, record.id)
            check.removals.append(Op(sheet, None, record, remove=True))
    elif sheet.name in check.sheets:
        check.notices.append(
            _(
                "%(sheet)s: %(count)s rows missing from the sheet are kept (they are not removed by an import)."
            )
            % {"sheet": sheet.name, "count": len(missing)}
        )


def _ref_message(check: Check, other: Sheet, value: int) -> str:
    if value in check.current.sheets[other.name]:
        return _("The row with id %(id)s is removed from the sheet %(sheet)s in this file.") % {
            "id": value,
            "sheet": other.name,
        }
    if other.model.objects.filter(pk=value).exists():
        return _("The id %(id)s belongs to another work plan.") % {"id": value}
    return _("No row of the sheet %(sheet)s has the id %(id)s.") % {"id": value, "sheet": other.name}


def _final_ids(check: Check, sheet: Sheet) -> set[int]:
    """The ids a row may link to: those still in the file (or kept, where removal does not apply)."""
    in_file = {row.id for row in check.sheets.get(sheet.name, []) if row.id is not None}
    records = set(check.current.sheets[sheet.name])
    return records if not sheet.removable else records & in_file


def build(plan: WorkPlan, data: bytes, *, acting: Person) -> Preview:
    """Read, check and compare an uploaded workbook with the plan; no write."""
    current = read_current(plan, acting)
    fingerprint = current.fingerprint()
    sheets, problems = read_workbook(data)
    check = Check(current, sheets, problems, acting)
    check.parse()
    _check_plan_row(check)
    # A missing sheet or a wrong header: no comparison, or its rows would all look removed.
    if len(sheets) == len(SHEETS):
        _check_sheets(check)
    return Preview(
        changes=check.changes,
        problems=check.problems,
        notices=check.notices,
        fingerprint=fingerprint,
        ops=[*check.ops, *reversed(check.removals)],
        current=current,
    )


def _check_plan_row(check: Check) -> None:
    rows = check.sheets.get(PLAN.name)
    if rows is None:
        return
    plan = check.current.plan
    if not rows:
        check.problem(PLAN, None, None, _("The sheet has no row for the plan."))
        return
    first, *others = rows
    for row in others:
        check.problem(PLAN, row, None, _("The sheet holds one row: the plan."))
    if first.id != plan.pk:
        raise ImportFileError(
            _("This workbook is the export of another work plan (id %(id)s): export this plan and edit that.")
            % {"id": first.id if first.id is not None else "—"}
        )


# The sheets of plan parts in the order their rows are written: rates first (a budget line may use a
# currency this file adds), each part before the parts that link to it, indicators before the targets
# and measurements that name them. (sheet, the column that labels a new row, the columns that link to
# another sheet's rows → that sheet)
PARTS: tuple[tuple[Sheet, str, dict[str, Sheet]], ...] = (
    (RATES, "currency", {}),
    (OBJECTIVES, "title", {}),
    (DELIVERABLES, "title", {"objective_id": OBJECTIVES}),
    (TASKS, "title", {"deliverable_id": DELIVERABLES}),
    (RESULTS, "statement", {"parent_id": RESULTS}),
    (INDICATORS, "name", {"result_id": RESULTS}),
    (TARGETS, "indicator_code", {}),
    (MEASUREMENTS, "indicator_code", {}),
    (BUDGET, "description", {"deliverable_id": DELIVERABLES}),
    (HR_NEEDS, "role", {}),
)


def _check_sheets(check: Check) -> None:
    _check_plan(check)
    for sheet, label_key, links in PARTS:
        if sheet in (TARGETS, MEASUREMENTS):
            _resolve_indicators(check, sheet)
        if sheet is MEASUREMENTS:
            _measurements(check)
            continue
        refs = {key: (other, _final_ids(check, other)) for key, other in links.items()}
        _plain_part(check, sheet, label_key=label_key, refs=refs)
        if sheet is INDICATORS:
            _indicator_codes(check)
        elif sheet is TARGETS:
            for change in check.changes:
                if change.sheet == TARGETS.name and change.kind == ADDED:
                    change.label = _target_label(change)


def _check_plan(check: Check) -> None:
    """The plan's own row: changed only (it is the plan the file is of)."""
    current = check.current
    plan_rows = check.sheets.get(PLAN.name) or []
    if not plan_rows or not plan_rows[0].ok:
        return
    row = plan_rows[0]
    record = current.sheets[PLAN.name][current.plan.pk]
    values = check.diff(PLAN, row, record)
    if values and row.ok and check.required(PLAN, row):
        check.change(PLAN, row, CHANGED, record.label, record.id, check.field_changes(PLAN, values, record))
        check.ops.append(Op(PLAN, row.number, record, values))


def _target_label(change: RowChange) -> str:
    fields = {f.column: f.after for f in change.fields}
    return f"{fields.get('indicator_code', '')} {fields.get('starts_on', '')} – {fields.get('ends_on', '')}".strip()


def _indicator_codes(check: Check) -> None:
    """The indicators' codes once the file is imported: those of the sheet, and of rows kept."""
    codes: dict[str, list] = {}
    in_file = set()
    for row in check.sheets.get(INDICATORS.name, []):
        if row.id is not None and row.id in check.current.sheets[INDICATORS.name]:
            in_file.add(row.id)
            record = check.current.sheets[INDICATORS.name][row.id]
            code = text_of(row.values.get("code", record.values["code"]))
            codes.setdefault(code, []).append(("existing", row.id))
        elif row.id is None and row.ok:
            code = text_of(row.values.get("code"))
            codes.setdefault(code, []).append(("new", code))
    for pk, record in check.current.sheets[INDICATORS.name].items():
        if pk not in in_file:
            codes.setdefault(text_of(record.values["code"]), []).append(("existing", pk))
    codes.pop("", None)
    check.indicator_codes = codes


def _resolve_indicators(check: Check, sheet: Sheet) -> None:
    """Targets and measurements name their indicator by code (or #id): → ("existing", id) or ("new", code)."""
    for row in check.sheets.get(sheet.name, []):
        value = row.values.get("indicator_code")
        if not isinstance(value, tuple):
            continue
        kind, key = value
        if kind == "indicator":
            if key in check.current.sheets[INDICATORS.name]:
                row.values["indicator_code"] = ("existing", key)
                continue
            message = _ref_message(check, INDICATORS, key)
        else:
            found = check.indicator_codes.get(key, [])
            if len(found) == 1:
                row.values["indicator_code"] = found[0]
                continue
            if found:
                message = _("Several indicators have the code %(code)s: give them different codes.") % {
                    "code": key
                }
            else:
                message = _("No indicator of this work plan has the code %(code)s.") % {"code": key[:40]}
        check.problem(sheet, row, "indicator_code", message)
        row.values.pop("indicator_code", None)
    # A target's record compares by ("existing", indicator id), like the rows.
    for record in check.current.sheets[sheet.name].values():
        if isinstance(record.values.get("indicator_code"), int):
            record.values["indicator_code"] = ("existing", record.values["indicator_code"])


def _measurements(check: Check) -> None:
    """New rows are recorded (submitted by the importer); rows already recorded never change."""
    sheet = MEASUREMENTS
    new, known = check.match(sheet)
    records = check.current.sheets[sheet.name]
    plan = check.current.plan
    compare_keys = [c.key for c in sheet.columns if c.imported]
    for pk, row in known.items():
        if not row.ok:
            continue
        record = records[pk]
        for key in compare_keys:
            if key not in row.values:
                continue
            col = sheet.column(key)
            if check.compared(col, row.values[key]) != record.values.get(key):
                check.problem(
                    sheet,
                    row,
                    key,
                    _(
                        "A measurement already recorded cannot be changed by an import: add a new row, or withdraw it in Convene."
                    ),
                )
                break
    if len(known) < len(records) and sheet.name in check.sheets:
        check.notices.append(
            _("Measurements: %(count)s recorded values missing from the sheet are kept.")
            % {"count": len(records) - len(known)}
        )
    for row in new:
        if not row.ok or not check.required(sheet, row):
            continue
        values = row.values
        categories = [c.strip() for c in text_of(values.get("category")).split(";") if c.strip()]
        options = [o.strip() for o in text_of(values.get("option")).split(";") if o.strip()]
        if len(categories) != len(options):
            check.problem(sheet, row, "option", _("Give one option for each disaggregation category."))
            continue
        ref = values["indicator_code"]
        indicator_obj = check.current.sheets[INDICATORS.name][ref[1]].obj if ref[0] == "existing" else None
        if plan.status not in (PlanStatus.APPROVED, PlanStatus.REVISING) or (
            indicator_obj is not None and not can(check.acting, "results.record", indicator_obj)
        ):
            check.problem(
                sheet,
                row,
                "indicator_code",
                _("Results are recorded against an approved work plan: this one is %(status)s.")
                % {"status": plan.get_status_display()}
                if plan.status not in (PlanStatus.APPROVED, PlanStatus.REVISING)
                else _("You may not record results for this indicator."),
            )
            continue
        disaggregation = dict(zip(categories, options, strict=True))
        shown = {k: v for k, v in values.items() if k not in ("category", "option")}
        fields = check.field_changes(sheet, shown, None)
        if disaggregation:
            fields.append(
                FieldChange(
                    "category / option", "", ", ".join(f"{k}: {v}" for k, v in disaggregation.items())
                )
            )
        label = f"{check.show(sheet.column('indicator_code'), ref)} {check.show(sheet.column('starts_on'), values['starts_on'])} – {check.show(sheet.column('ends_on'), values['ends_on'])}"
        check.change(sheet, row, ADDED, label, None, fields)

        written = {k: v for k, v in values.items() if k not in ("category", "option")}
        check.ops.append(Op(sheet, row.number, None, written, extra={"disaggregation": disaggregation}))
