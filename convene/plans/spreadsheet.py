"""A work plan as an Excel workbook, edited offline and imported back (issue 5, "Spreadsheets").

**The workbook.** A "Readme" sheet first, in the reader's language: how to edit, and every column of
every sheet with its meaning and format. Then one sheet per part of the plan: Plan, Objectives,
Deliverables, Tasks, Results, Indicators, Targets, Measurements (long format: one reported value a
row), Budget, Rates, HR needs. Row 1 of each holds the columns' stable machine keys (English, whatever
the language: the import reads them; their meaning shows as a note on the header and in the Readme);
data start on row 2. Every row carries its record's ``id`` (blank for a new row) and, for records two
people may edit at once, the ``revision`` it was exported at. Cells are typed (dates as dates, numbers
as numbers); text is defused against formulas (``core.exports.spreadsheet_safe``, undone on import).
People appear as their e-mail address when the reader may see it, else as ``#<id>`` (privacy: an
export must not reveal addresses their owners hide); organisations by name.

**The import** (``import_preview`` then ``plan_import_commit``), all or nothing:

1. Read the file safely (``core.xlsx``: the archive inspected before parsing, then streamed; the upload limits,
   bounded rows, columns and cell sizes).
2. Check every sheet, header and cell; an error names the sheet, the row and the column.
3. Compare with the plan as it is: rows added (no id), changed (field by field), removed (a row with an
   id missing from the sheet: only on sheets where that is safe: objectives, deliverables, tasks,
   targets, budget, rates, HR needs; results, indicators and measurements missing from the sheet are
   kept). A row exported at an older ``revision`` is merged like a form (``core.concurrency``): fields
   only Convene changed since the export keep Convene's value, fields both changed are an error.
   Measurements: new rows are recorded as values submitted by the importer (they then need a
   co-chair's approval); rows already recorded are never changed.
4. A trial run of every change through the services, in a transaction that is rolled back, so that
   the services' own rules also show in the preview, on the row they concern.
5. On confirmation: the same checks again, inside one transaction with the plan locked; if the plan
   changed since the preview (its fingerprint: every exported value and revision) the import is
   refused and the person asked to preview again; otherwise every change goes through the services,
   and any failure rolls everything back.

The upload waits between preview and confirmation as a file in the default storage, named by a
random key inside a signed token bound to the plan, the person and the file's SHA-256 (``stash`` /
``unstash``); files older than ``PENDING_MAX_AGE`` are swept at each new upload.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
import io
import json
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from convene.core import xlsx
from convene.core.concurrency import EditConflict
from convene.core.exports import FORMULA_PREFIXES, spreadsheet_safe
from convene.core.rules import can, ensure
from convene.people.imports import MAX_COLUMNS, XLSX_MAX_BLANK_ROWS, ImportFileError
from convene.people.models import Organisation, Person
from convene.people.queries import email_visible
from convene.results import services as results_services
from convene.results.models import (
    Direction,
    Frequency,
    Indicator,
    Measurement,
    MeasurementStatus,
    Result,
    ResultLevel,
    Target,
    Unit,
)

from . import services
from .models import (
    BudgetCategory,
    BudgetLine,
    ContributionKind,
    Deliverable,
    DeliverableStatus,
    ExchangeRate,
    FundingSource,
    HRNeed,
    Objective,
    PlanImport,
    PlanImportStatus,
    PlanStatus,
    Task,
    TaskStatus,
    WorkPlan,
)

# Excel's own limit for one cell; longer text cannot have come from a spreadsheet program.
MAX_CELL_CHARS = 32_767
PENDING_DIR = "plan-imports"
PENDING_SALT = "convene.plans.import"
PENDING_MAX_AGE = 2 * 60 * 60  # seconds between the upload and the confirmation
README = "Readme"
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# TRUE and FALSE in the five languages' spreadsheets (Excel and LibreOffice show VRAI, VERDADERO,
# VERDADEIRO, SAND) and the yes/no words people type.
TRUE_WORDS = {
    "true", "yes", "y", "1", "x", "oui", "si", "sí", "sim", "ja",
    "vrai", "verdadero", "verdadeiro", "sand",
}  # fmt: skip
FALSE_WORDS = {"false", "no", "n", "0", "non", "não", "nao", "nej", "faux", "falso", "falsk"}
# A boolean written as a formula (LibreOffice stores TRUE as the formula TRUE()): =TRUE(), TRUE(), =VRAI.
BOOL_FORMULA = re.compile(r"=?\s*(\w+)\s*(\(\s*\))?", re.UNICODE)


# --- Columns and sheets --------------------------------------------------------------------------

TEXT, INT, DATE, DECIMAL, BOOL, CHOICE = "text", "int", "date", "decimal", "bool", "choice"
PERSON, ORGANISATION, LEVEL, INDICATOR, CATEGORIES = (
    "person",
    "organisation",
    "level",
    "indicator",
    "categories",
)


@dataclass(frozen=True)
class Col:
    """One column: its machine key (row 1), what it holds and how the import treats it.

    ``field`` is the keyword the service takes (None: shown for information, not imported); ``fixed``
    columns are set when a row is added and cannot change afterwards (a task's deliverable)."""

    key: str
    label: Any
    kind: str = TEXT
    field: str | None = None
    required: bool = False
    default: Any = None
    choices: Any = None
    places: int = 2
    digits: int = 14
    max_length: int | None = None
    fixed: bool = False
    width: int = 16
    help: Any = ""

    @property
    def imported(self) -> bool:
        return self.field is not None


ID = Col(
    "id", gettext_lazy("Row id"), INT, width=8, help=gettext_lazy("Leave as it is; blank for a new row.")
)
REVISION = Col(
    "revision",
    gettext_lazy("Revision"),
    INT,
    width=9,
    help=gettext_lazy("The record's revision when exported: it tells changes made in Convene since."),
)


def _position() -> Col:
    return Col("position", gettext_lazy("Position"), INT, field="position", default=0, width=9)


@dataclass(frozen=True)
class Sheet:
    name: str
    model: type
    columns: tuple[Col, ...]
    removable: bool = False
    revisioned: bool = True

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def column(self, key: str) -> Col:
        return next(c for c in self.columns if c.key == key)

    def by_field(self) -> dict[str, str]:
        """The service's field name → this sheet's column key (to place a service's error)."""
        return {c.field: c.key for c in self.columns if c.field}


def _money(key: str, label, **kw) -> Col:
    return Col(key, label, DECIMAL, field=key, places=2, digits=14, **kw)


def _value(key: str, label, **kw) -> Col:
    return Col(key, label, DECIMAL, field=key, places=4, digits=20, **kw)


PLAN = Sheet(
    "Plan",
    WorkPlan,
    (
        ID,
        REVISION,
        Col("title", gettext_lazy("Title"), field="title", required=True, max_length=200, width=40),
        Col("starts_on", gettext_lazy("Period starts"), DATE, field="starts_on", required=True, width=12),
        Col("ends_on", gettext_lazy("Period ends"), DATE, field="ends_on", required=True, width=12),
        Col("top_issues", gettext_lazy("Top issues"), field="top_issues", width=50),
        Col("summary", gettext_lazy("Summary"), field="summary", width=50),
        Col("group", gettext_lazy("Group"), width=24),
        Col("status", gettext_lazy("Status"), CHOICE, choices=PlanStatus, width=12),
        Col("version", gettext_lazy("Version"), INT, width=9),
        Col("currency", gettext_lazy("Reporting currency"), width=10),
    ),
)
OBJECTIVES = Sheet(
    "Objectives",
    Objective,
    (
        ID,
        REVISION,
        _position(),
        Col("title", gettext_lazy("Objective"), field="title", required=True, max_length=300, width=40),
        Col("description", gettext_lazy("Description"), field="description", width=50),
    ),
    removable=True,
)
DELIVERABLES = Sheet(
    "Deliverables",
    Deliverable,
    (
        ID,
        REVISION,
        _position(),
        Col("objective_id", gettext_lazy("Objective (row id)"), INT, field="objective", width=12),
        Col("title", gettext_lazy("Title"), field="title", required=True, max_length=300, width=40),
        Col("description", gettext_lazy("Description"), field="description", width=40),
        Col("owner", gettext_lazy("Owner"), PERSON, field="owner", width=28),
        Col("owner_name", gettext_lazy("Owner's name"), width=22),
        Col("starts_on", gettext_lazy("Starts"), DATE, field="starts_on", width=12),
        Col("due_on", gettext_lazy("Due"), DATE, field="due_on", width=12),
        _money("cost", gettext_lazy("Cost")),
        Col(
            "status",
            gettext_lazy("Status"),
            CHOICE,
            field="status",
            choices=DeliverableStatus,
            default=DeliverableStatus.PLANNED,
            width=12,
        ),
    ),
    removable=True,
)
TASKS = Sheet(
    "Tasks",
    Task,
    (
        ID,
        REVISION,
        Col(
            "deliverable_id",
            gettext_lazy("Deliverable (row id)"),
            INT,
            field="deliverable",
            required=True,
            fixed=True,
            width=12,
        ),
        _position(),
        Col("title", gettext_lazy("Title"), field="title", required=True, max_length=300, width=40),
        Col("description", gettext_lazy("Description"), field="description", width=40),
        Col("assignee", gettext_lazy("Assignee"), PERSON, field="assignee", width=28),
        Col("assignee_name", gettext_lazy("Assignee's name"), width=22),
        Col("starts_on", gettext_lazy("Starts"), DATE, field="starts_on", width=12),
        Col("due_on", gettext_lazy("Due"), DATE, field="due_on", width=12),
        Col(
            "status",
            gettext_lazy("Status"),
            CHOICE,
            field="status",
            choices=TaskStatus,
            default=TaskStatus.TODO,
            width=12,
        ),
        Col("help_wanted", gettext_lazy("Help wanted"), BOOL, field="help_wanted", default=False, width=10),
    ),
    removable=True,
)
RESULTS = Sheet(
    "Results",
    Result,
    (
        ID,
        REVISION,
        Col("parent_id", gettext_lazy("Contributes to (row id)"), INT, field="parent", width=12),
        Col("level", gettext_lazy("Level"), LEVEL, field="level", required=True, width=12),
        Col("code", gettext_lazy("Code"), field="code", max_length=20, width=8),
        Col("statement", gettext_lazy("Result statement"), field="statement", required=True, width=50),
        _position(),
    ),
)
INDICATORS = Sheet(
    "Indicators",
    Indicator,
    (
        ID,
        REVISION,
        Col("result_id", gettext_lazy("Result (row id)"), INT, field="result", required=True, width=12),
        Col("code", gettext_lazy("Code"), field="code", max_length=40, width=10),
        Col("name", gettext_lazy("Name"), field="name", required=True, max_length=300, width=40),
        Col("definition", gettext_lazy("Definition"), field="definition", width=40),
        Col("unit", gettext_lazy("Unit"), CHOICE, field="unit", choices=Unit, default=Unit.NUMBER, width=12),
        Col(
            "direction",
            gettext_lazy("Direction of change"),
            CHOICE,
            field="direction",
            choices=Direction,
            default=Direction.INCREASE,
            width=12,
        ),
        Col("cumulative", gettext_lazy("Cumulative"), BOOL, field="cumulative", default=False, width=10),
        Col(
            "frequency",
            gettext_lazy("Reporting frequency"),
            CHOICE,
            field="frequency",
            choices=Frequency,
            default=Frequency.QUARTERLY,
            width=12,
        ),
        _value("baseline_value", gettext_lazy("Baseline")),
        Col("baseline_on", gettext_lazy("Baseline date"), DATE, field="baseline_on", width=12),
        Col("data_source", gettext_lazy("Data source"), field="data_source", max_length=300, width=24),
        Col(
            "verification",
            gettext_lazy("Means of verification"),
            field="verification",
            max_length=300,
            width=24,
        ),
        Col("responsible", gettext_lazy("Responsible person"), PERSON, field="responsible", width=28),
        Col("responsible_name", gettext_lazy("Responsible person's name"), width=22),
        Col(
            "disaggregations",
            gettext_lazy("Disaggregation categories"),
            CATEGORIES,
            field="disaggregations",
            width=30,
        ),
        Col("shared_code", gettext_lazy("Shared indicator"), width=10),
        _position(),
    ),
)
TARGETS = Sheet(
    "Targets",
    Target,
    (
        ID,
        Col(
            "indicator_code",
            gettext_lazy("Indicator code"),
            INDICATOR,
            field="indicator",
            required=True,
            fixed=True,
            width=12,
        ),
        Col("starts_on", gettext_lazy("Period starts"), DATE, field="starts_on", required=True, width=12),
        Col("ends_on", gettext_lazy("Period ends"), DATE, field="ends_on", required=True, width=12),
        Col(
            "life_of_plan", gettext_lazy("Life of plan"), BOOL, field="life_of_plan", default=False, width=10
        ),
        _value("value", gettext_lazy("Target"), required=True),
    ),
    removable=True,
    revisioned=False,
)
MEASUREMENTS = Sheet(
    "Measurements",
    Measurement,
    (
        ID,
        Col("indicator_code", gettext_lazy("Indicator code"), INDICATOR, field="indicator", required=True),
        Col("starts_on", gettext_lazy("Period starts"), DATE, field="starts_on", required=True, width=12),
        Col("ends_on", gettext_lazy("Period ends"), DATE, field="ends_on", required=True, width=12),
        Col("category", gettext_lazy("Disaggregation category"), field="category", width=14),
        Col("option", gettext_lazy("Option"), field="option", width=14),
        _value("value", gettext_lazy("Value")),
        _value("numerator", gettext_lazy("Numerator")),
        _value("denominator", gettext_lazy("Denominator")),
        Col("text", gettext_lazy("Qualitative result"), field="text", width=30),
        Col("status", gettext_lazy("Status"), CHOICE, choices=MeasurementStatus, width=12),
        Col("evidence_url", gettext_lazy("Evidence link"), field="evidence_url", max_length=200, width=24),
        Col("note", gettext_lazy("Note"), field="note", width=24),
    ),
    revisioned=False,
)
BUDGET = Sheet(
    "Budget",
    BudgetLine,
    (
        ID,
        REVISION,
        _position(),
        Col(
            "category",
            gettext_lazy("Category"),
            CHOICE,
            field="category",
            choices=BudgetCategory,
            required=True,
            width=14,
        ),
        Col("deliverable_id", gettext_lazy("Deliverable (row id)"), INT, field="deliverable", width=12),
        Col(
            "description",
            gettext_lazy("Description"),
            field="description",
            required=True,
            max_length=300,
            width=36,
        ),
        Col("currency", gettext_lazy("Currency"), field="currency", required=True, max_length=3, width=9),
        _money("planned", gettext_lazy("Planned amount"), required=True),
        _money("actual", gettext_lazy("Actual amount")),
        Col(
            "source",
            gettext_lazy("Funding source"),
            CHOICE,
            field="source",
            choices=FundingSource,
            default=FundingSource.NETWORK,
            width=12,
        ),
        Col("partner", gettext_lazy("Partner organisation"), ORGANISATION, field="partner", width=28),
        Col(
            "kind",
            gettext_lazy("Cash or in kind"),
            CHOICE,
            field="kind",
            choices=ContributionKind,
            default=ContributionKind.CASH,
            width=10,
        ),
        Col(
            "valuation",
            gettext_lazy("How the in-kind contribution was valued"),
            field="valuation",
            max_length=300,
            width=30,
        ),
    ),
    removable=True,
)
RATES = Sheet(
    "Rates",
    ExchangeRate,
    (
        ID,
        Col(
            "currency",
            gettext_lazy("Currency"),
            field="currency",
            required=True,
            fixed=True,
            max_length=3,
            width=9,
        ),
        Col(
            "rate",
            gettext_lazy("Rate to the reporting currency"),
            DECIMAL,
            field="rate",
            required=True,
            places=8,
            digits=18,
        ),
        Col("as_of", gettext_lazy("As of"), DATE, field="as_of", width=12),
    ),
    removable=True,
    revisioned=False,
)
HR_NEEDS = Sheet(
    "HR needs",
    HRNeed,
    (
        ID,
        REVISION,
        Col("role", gettext_lazy("Role"), field="role", required=True, max_length=200, width=30),
        Col(
            "hours_per_month",
            gettext_lazy("Effort (hours per month)"),
            DECIMAL,
            field="hours_per_month",
            required=True,
            places=1,
            digits=7,
        ),
        Col("starts_on", gettext_lazy("From"), DATE, field="starts_on", width=12),
        Col("ends_on", gettext_lazy("Until"), DATE, field="ends_on", width=12),
        Col("filled_by", gettext_lazy("Filled by (person)"), PERSON, field="filled_by", width=28),
        Col("filled_by_name", gettext_lazy("Filled by (name)"), width=22),
        Col(
            "filled_by_organisation",
            gettext_lazy("Filled by (organisation)"),
            ORGANISATION,
            field="filled_by_organisation",
            width=28,
        ),
        Col("note", gettext_lazy("Note"), field="note", width=30),
    ),
    removable=True,
)
SHEETS: tuple[Sheet, ...] = (
    PLAN,
    OBJECTIVES,
    DELIVERABLES,
    TASKS,
    RESULTS,
    INDICATORS,
    TARGETS,
    MEASUREMENTS,
    BUDGET,
    RATES,
    HR_NEEDS,
)
SHEET_BY_NAME = {s.name: s for s in SHEETS}


# --- Values: how a column's value is compared, shown and written ---------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float):
        text = _float_text(value)
    elif isinstance(value, datetime.datetime):
        text = value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    elif isinstance(value, datetime.date):
        text = value.isoformat()
    else:
        text = str(value)
    return CONTROL_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _float_text(value: float) -> str:
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _undefuse(text: str) -> str:
    """The inverse of ``spreadsheet_safe``: the apostrophe the export put before a formula character."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def _quantize(value: Decimal, places: int) -> Decimal:
    value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    return value if value else abs(value)  # -0.00 reads as 0.00


def categories_text(categories) -> str:
    """[{"name": "sex", "options": ["female", "male"]}, {"name": "country"}] → "sex: female, male; country"."""
    parts = []
    for item in categories or []:
        options = [str(o) for o in item.get("options") or []]
        parts.append(f"{item['name']}: {', '.join(options)}" if options else str(item["name"]))
    return "; ".join(parts)


def parse_categories(text: str) -> list[dict]:
    items = []
    for part in re.split(r"[;\n]+", text):
        part = part.strip()
        if not part:
            continue
        name, _sep, options = part.partition(":")
        items.append({"name": name.strip(), "options": [o.strip() for o in options.split(",") if o.strip()]})
    return items


def _compare(col: Col, value):
    """The comparable form of a value of this column (what the diff looks at)."""
    if col.kind == DECIMAL:
        return None if value is None else _quantize(Decimal(value), col.places)
    if col.kind == BOOL:
        return bool(value)
    if col.kind == CATEGORIES:
        return categories_text(value) if isinstance(value, list) else _text(value)
    if col.kind in (TEXT, CHOICE):
        return _text(value)
    return value


# --- Reading the plan as it is -------------------------------------------------------------------


@dataclass
class Record:
    """A row of the plan as it is: comparable values by column key, and the object itself."""

    id: int
    revision: int | None
    values: dict[str, Any]
    obj: Any
    label: str


@dataclass
class Current:
    """The plan as the workbook shows it, with the lookups the export and the import share."""

    plan: WorkPlan
    viewer: Person | None
    sheets: dict[str, dict[int, Record]]
    people: dict[int, Person]
    organisations: dict[int, Organisation]
    levels: dict[int, ResultLevel]
    indicator_refs: dict[int, str]  # indicator id → its code, or "#id" when the code is blank or shared

    def person_ref(self, person_id: int | None) -> str:
        if person_id is None:
            return ""
        person = self.people.get(person_id)
        profile = getattr(person, "profile", None) if person is not None else None
        if person is not None and profile is not None and email_visible(viewer=self.viewer, profile=profile):
            return person.email
        return f"#{person_id}"

    def person_name(self, person_id: int | None) -> str:
        person = self.people.get(person_id) if person_id else None
        return person.display_name if person is not None else ""

    def fingerprint(self) -> str:
        """Every exported value and revision: the import is refused if this changed since its preview."""
        data = [self.plan.pk, self.plan.status, self.plan.revision]
        for sheet in SHEETS:
            for pk in sorted(self.sheets[sheet.name]):
                record = self.sheets[sheet.name][pk]
                data.append([sheet.name, pk, record.revision, sorted(record.values.items())])
        return hashlib.sha256(json.dumps(data, default=str).encode()).hexdigest()


def _label(*values) -> str:
    for value in values:
        text = _text(value)
        if text:
            return text[:120]
    return ""


def _record(sheet: Sheet, obj, values: dict, label: str) -> Record:
    compared = {}
    for col in sheet.columns:
        if col.key in ("id", "revision"):
            continue
        compared[col.key] = _compare(col, values.get(col.key))
    return Record(obj.pk, getattr(obj, "revision", None) if sheet.revisioned else None, compared, obj, label)


def _values_of(sheet: Sheet, obj, current: Current) -> dict:
    """The values of one record by column key (ids for links to people, organisations, levels)."""
    if sheet is PLAN:
        return {
            "title": obj.title,
            "starts_on": obj.starts_on,
            "ends_on": obj.ends_on,
            "top_issues": obj.top_issues,
            "summary": obj.summary,
            "group": obj.group.name,
            "status": obj.status,
            "version": obj.version,
            "currency": obj.currency,
        }
    if sheet is MEASUREMENTS:
        dis = obj.disaggregation or {}
        return {
            "indicator_code": obj.indicator_id,
            "starts_on": obj.starts_on,
            "ends_on": obj.ends_on,
            "category": "; ".join(str(k) for k in dis),
            "option": "; ".join(str(v) for v in dis.values()),
            "value": obj.value,
            "numerator": obj.numerator,
            "denominator": obj.denominator,
            "text": obj.text,
            "status": obj.status,
            "evidence_url": obj.evidence_url,
            "note": obj.note,
        }
    values = {}
    for col in sheet.columns:
        if col.key in ("id", "revision"):
            continue
        if col.key.endswith("_name"):
            values[col.key] = current.person_name(getattr(obj, col.key.removesuffix("_name") + "_id"))
        elif col.key == "shared_code":
            values[col.key] = obj.shared.code if obj.shared_id else ""
        elif col.key == "indicator_code":
            values[col.key] = obj.indicator_id
        elif col.kind in (PERSON, ORGANISATION, LEVEL) or col.key.endswith("_id"):
            name = col.key.removesuffix("_id")
            values[col.key] = getattr(obj, f"{name}_id")
        else:
            values[col.key] = getattr(obj, col.key)
    return values


def read_current(plan: WorkPlan, viewer: Person | None) -> Current:
    """The plan's parts in the workbook's order, in a fixed number of queries."""
    plan = WorkPlan.objects.select_related("group").get(pk=plan.pk)
    objectives = list(Objective.objects.filter(plan=plan).order_by("position", "pk"))
    deliverables = list(
        Deliverable.objects.filter(plan=plan)
        .select_related("owner__profile")
        .order_by("position", "due_on", "pk")
    )
    tasks = list(
        Task.objects.filter(deliverable__plan=plan)
        .select_related("assignee__profile")
        .order_by("deliverable__position", "deliverable_id", "position", "due_on", "pk")
    )
    results = list(Result.objects.filter(plan=plan).order_by("level__depth", "position", "pk"))
    indicators = list(
        Indicator.objects.filter(plan=plan)
        .select_related("responsible__profile", "shared")
        .order_by("result__level__depth", "result__position", "result_id", "position", "pk")
    )
    targets = list(
        Target.objects.filter(indicator__plan=plan).order_by(
            "indicator_id", "life_of_plan", "starts_on", "pk"
        )
    )
    measurements = list(
        Measurement.objects.filter(indicator__plan=plan).order_by(
            "indicator_id", "starts_on", "ends_on", "pk"
        )
    )
    lines = list(
        BudgetLine.objects.filter(plan=plan).select_related("partner").order_by("category", "position", "pk")
    )
    rates = list(ExchangeRate.objects.filter(plan=plan).order_by("currency"))
    needs = list(
        HRNeed.objects.filter(plan=plan)
        .select_related("filled_by__profile", "filled_by_organisation")
        .order_by("starts_on", "pk")
    )
    people: dict[int, Person] = {}
    for obj, name in [
        *((d, "owner") for d in deliverables),
        *((t, "assignee") for t in tasks),
        *((i, "responsible") for i in indicators),
        *((n, "filled_by") for n in needs),
    ]:
        person = getattr(obj, name)
        if person is not None:
            people[person.pk] = person
    organisations: dict[int, Organisation] = {}
    for line in lines:
        if line.partner is not None:
            organisations[line.partner.pk] = line.partner
    for need in needs:
        if need.filled_by_organisation is not None:
            organisations[need.filled_by_organisation.pk] = need.filled_by_organisation
    codes = [i.code.strip() for i in indicators]
    indicator_refs = {
        i.pk: (code if code and codes.count(code) == 1 and not code.startswith("#") else f"#{i.pk}")
        for i, code in zip(indicators, codes, strict=True)
    }
    current = Current(
        plan=plan,
        viewer=viewer,
        sheets={},
        people=people,
        organisations=organisations,
        levels={level.pk: level for level in ResultLevel.objects.order_by("depth")},
        indicator_refs=indicator_refs,
    )
    groups = {
        PLAN: [(plan, plan.title)],
        OBJECTIVES: [(o, o.title) for o in objectives],
        DELIVERABLES: [(d, d.title) for d in deliverables],
        TASKS: [(t, t.title) for t in tasks],
        RESULTS: [(r, _label(f"{r.code} {r.statement}")) for r in results],
        INDICATORS: [(i, _label(f"{i.code} {i.name}")) for i in indicators],
        TARGETS: [
            (t, f"{indicator_refs.get(t.indicator_id, '')} {t.starts_on:%Y-%m-%d} – {t.ends_on:%Y-%m-%d}")
            for t in targets
        ],
        MEASUREMENTS: [
            (m, f"{indicator_refs.get(m.indicator_id, '')} {m.starts_on:%Y-%m-%d} – {m.ends_on:%Y-%m-%d}")
            for m in measurements
        ],
        BUDGET: [(b, b.description) for b in lines],
        RATES: [(r, r.currency) for r in rates],
        HR_NEEDS: [(n, n.role) for n in needs],
    }
    for sheet, objects in groups.items():
        current.sheets[sheet.name] = {
            obj.pk: _record(sheet, obj, _values_of(sheet, obj, current), label) for obj, label in objects
        }
    return current


# --- The export ----------------------------------------------------------------------------------


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
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    current = read_current(plan, viewer)
    plan = current.plan
    workbook = Workbook()
    readme = workbook.active
    readme.title = README
    bold, grey = Font(bold=True), PatternFill("solid", fgColor="E5E7EB")
    info_font = Font(bold=True, italic=True, color="555555")
    wrap = Alignment(wrap_text=True, vertical="top")

    def clean(value):
        if isinstance(value, str):
            return spreadsheet_safe(ILLEGAL_CHARACTERS_RE.sub("", value))
        return value

    readme.append([clean(_("Work plan: %(title)s") % {"title": plan.title})])
    readme["A1"].font = Font(bold=True, size=14)
    exported = timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")
    readme.append(
        [
            clean(
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
        readme.append([clean(line)])
        readme.cell(row=readme.max_row, column=1).alignment = wrap
        readme.merge_cells(start_row=readme.max_row, start_column=1, end_row=readme.max_row, end_column=5)
        readme.row_dimensions[readme.max_row].height = 45
    readme.append([])
    readme.append([_("Sheet"), _("Column"), _("Meaning"), _("Format"), _("On import")])
    for cell in readme[readme.max_row]:
        cell.font = bold
    for sheet in SHEETS:
        for col in sheet.columns:
            readme.append(
                [
                    sheet.name,
                    col.key,
                    clean(str(capfirst(col.label))),
                    clean(_format_of(col)),
                    _on_import(sheet, col),
                ]
            )
    for letter, width in zip("ABCDE", (14, 22, 36, 48, 40), strict=True):
        readme.column_dimensions[letter].width = width

    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet.name)
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
            cell.comment = Comment(clean(note), "Convene", width=260, height=90)
            worksheet.column_dimensions[get_column_letter(index)].width = col.width
        for record in current.sheets[sheet.name].values():
            worksheet.append([clean(_cell_value(sheet, col, record, current)) for col in sheet.columns])
        last = max(worksheet.max_row, 2)
        for index, col in enumerate(sheet.columns, start=1):
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
        worksheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell_value(sheet: Sheet, col: Col, record: Record, current: Current):
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


# --- Reading an uploaded workbook ----------------------------------------------------------------


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
    max_bytes = settings.CONVENE_IMPORT_MAX_BYTES
    if len(data) > max_bytes:
        raise ImportFileError(
            _("The file is too large: at most %(size)s MB.") % {"size": f"{max_bytes / 1024 / 1024:.0f}"}
        )
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
        raise ImportFileError(_("The file cannot be read as an Excel workbook (.xlsx).")) from None
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
            header = [_text(v).lower() for v in raw]
            if not _header_ok(sheet, header, problems):
                return None, budget
            index = {key: header.index(key) for key in sheet.keys}
            continue
        if not any(_text(v) for v in raw):
            blank_run += 1
            if blank_run > XLSX_MAX_BLANK_ROWS:
                break
            continue
        blank_run = 0
        extra = [i for i, v in enumerate(raw) if i >= len(header) and _text(v)]
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


def _parse_int(value) -> int | None:
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
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": _text(value)[:40]})
    if not 0 <= number < 2**31:
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": number})
    return number


def _parse_decimal(value, col: Col) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool | datetime.date):
        raise CellError(_("“%(value)s” is not a number.") % {"value": _text(value)[:40]})
    try:
        if isinstance(value, float):
            number = Decimal(repr(value))
        elif isinstance(value, int | Decimal):
            number = Decimal(value)
        else:
            number = Decimal(re.sub(r"[\s\u00a0\u202f]", "", str(value)))
    except (InvalidOperation, ValueError):
        raise CellError(_("“%(value)s” is not a number.") % {"value": _text(value)[:40]}) from None
    if not number.is_finite() or abs(number) >= Decimal(10) ** (col.digits - col.places):
        raise CellError(_("“%(value)s” is not a number we can store.") % {"value": _text(value)[:40]})
    return _quantize(number, col.places)


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
            % {"value": _text(value)[:40]}
        )
    if not 1900 <= day.year <= 2200:
        raise CellError(_("%(value)s is not a possible date for a work plan.") % {"value": day.isoformat()})
    return day


def _parse_bool(value) -> bool | None:
    """TRUE or FALSE in any of the site's languages, as a value, a word or a formula; ``None`` for a
    blank cell (what a blank means depends on the row: ``_Check.parse``)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = _text(value).casefold()
    if not text:
        return None
    match = BOOL_FORMULA.fullmatch(text)
    word = match.group(1) if match and (match.group(2) or text.startswith("=")) else text
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("“%(value)s” is not TRUE or FALSE.") % {"value": _text(value)[:40]})


def _parse_choice(value, col: Col) -> str:
    text = _text(value)
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


def _formula_error(value: str) -> CellError:
    return CellError(
        _(
            "This cell holds the formula %(formula)s but not its value (the program that last saved the "
            "file did not compute it): type the value itself."
        )
        % {"formula": value[:40]}
    )


def _parse_cell(col: Col, value, current: Current):
    """A typed value, or a reference still to resolve: ("email", …), ("person", id), ("name", …),
    ("code", …), ("indicator", id). Raise CellError."""
    if isinstance(value, xlsx.Formula) and col.kind != BOOL:
        raise _formula_error(value)
    if col.kind == INT:
        return _parse_int(value)
    if col.kind == DECIMAL:
        return _parse_decimal(value, col)
    if col.kind == DATE:
        return _parse_date(value)
    if col.kind == BOOL:
        return _parse_bool(value)
    if col.kind == CHOICE:
        return _parse_choice(value, col)
    text = _undefuse(_text(value))
    if col.max_length and len(text) > col.max_length:
        raise CellError(_("This is longer than %(max)s characters.") % {"max": col.max_length})
    if col.kind == TEXT:
        return text.upper() if col.key == "currency" else text
    if not text:
        return None if col.kind != CATEGORIES else []
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


# --- The preview: what the import would change -----------------------------------------------------


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
    """One write, through a service; ``sheet`` and ``row`` place its failure."""

    sheet: Sheet
    row: int | None
    run: Callable[[_Apply], None]


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


@dataclass
class _Apply:
    """What the writes share while they run: the plan, who acts, and what earlier writes created."""

    plan: WorkPlan
    acting: Person
    current: Current
    new_indicators: dict[str, Indicator] = field(default_factory=dict)

    def indicator(self, ref) -> Indicator:
        kind, value = ref
        if kind == "new":
            return self.new_indicators[value]
        return self.current.sheets[INDICATORS.name][value].obj


class _Check:
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
                    raw = row.raw.get(col.key)
                    if isinstance(raw, xlsx.Formula) and col.kind != BOOL:
                        self.problem(sheet, row, col.key, _formula_error(raw).message)
                        continue
                    if col.key == "id":
                        try:
                            row.id = _parse_int(raw)
                        except CellError as error:
                            self.problem(sheet, row, col.key, error.message)
                        continue
                    if col.key == "revision":
                        try:
                            row.revision = _parse_int(raw)
                        except CellError as error:
                            self.problem(sheet, row, col.key, error.message)
                        continue
                    if not col.imported:
                        continue
                    try:
                        value = _parse_cell(col, raw, self.current)
                    except CellError as error:
                        self.problem(sheet, row, col.key, error.message)
                        continue
                    if col.kind == BOOL and value is None and row.id is not None:
                        # The export writes TRUE or FALSE in every row it has; a blank there was
                        # emptied by a person or a tool, and reading it as FALSE (or as "unchanged")
                        # could change the plan silently: the co-chair says which.
                        self.problem(sheet, row, col.key, _("This cell is blank: write TRUE or FALSE."))
                        continue
                    if value in (None, "") and col.default is not None:
                        value = col.default  # a blank cell means the default (a position of 0)
                    row.values[col.key] = value
                    if isinstance(value, tuple) and value[0] == "email":
                        emails.add(value[1])
                    elif isinstance(value, tuple) and value[0] == "name":
                        names.add(value[1].casefold())
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
        return _compare(col, value)

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
            values[col.key] = _compare(col, getattr(old, col.key, None))
    return values


def _service_kwargs(sheet: Sheet, values: dict, apply: _Apply, *, skip: Iterable[str] = ()) -> dict:
    """Column values → the service's keywords, links turned into the records they name."""
    records = apply.current.sheets
    kwargs = {}
    for key, value in values.items():
        col = sheet.column(key)
        if key in skip or not col.imported:
            continue
        name = col.field
        if col.kind == PERSON:
            value = apply.current.people[value] if value is not None else None
        elif col.kind == ORGANISATION:
            value = apply.current.organisations[value] if value is not None else None
        elif col.kind == LEVEL:
            value = apply.current.levels[value]
        elif key == "objective_id":
            value = records[OBJECTIVES.name][value].obj if value is not None else None
        elif key == "deliverable_id":
            value = records[DELIVERABLES.name][value].obj if value is not None else None
        elif key == "parent_id":
            value = records[RESULTS.name][value].obj if value is not None else None
        elif key == "result_id":
            value = records[RESULTS.name][value].obj
        kwargs[name] = value
    return kwargs


def _plain_part(
    check: _Check, sheet: Sheet, *, save, delete=None, label_key: str, refs: dict[str, tuple[Sheet, set]]
):
    """A sheet of plan parts: add, change (merged), and remove when the sheet allows it.

    ``save(apply, record_or_None, values, revision)`` and ``delete(apply, record)`` call the services;
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
            sheet, row, ADDED, _label(values.get(label_key)), None, check.field_changes(sheet, values, None)
        )
        check.ops.append(Op(sheet, row.number, lambda apply, v=values: save(apply, None, v, None)))
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
        check.ops.append(
            Op(sheet, row.number, lambda apply, r=record, v=values: save(apply, r, v, r.revision))
        )
    missing = [records[pk] for pk in records if pk not in known]
    if not missing:
        return
    if sheet.removable and delete is not None:
        for record in missing:
            check.change(sheet, None, REMOVED, record.label, record.id)
            check.removals.append(Op(sheet, None, lambda apply, r=record: delete(apply, r)))
    elif sheet.name in check.sheets:
        check.notices.append(
            _(
                "%(sheet)s: %(count)s rows missing from the sheet are kept (they are not removed by an import)."
            )
            % {"sheet": sheet.name, "count": len(missing)}
        )


def _ref_message(check: _Check, other: Sheet, value: int) -> str:
    if value in check.current.sheets[other.name]:
        return _("The row with id %(id)s is removed from the sheet %(sheet)s in this file.") % {
            "id": value,
            "sheet": other.name,
        }
    if other.model.objects.filter(pk=value).exists():
        return _("The id %(id)s belongs to another work plan.") % {"id": value}
    return _("No row of the sheet %(sheet)s has the id %(id)s.") % {"id": value, "sheet": other.name}


def _final_ids(check: _Check, sheet: Sheet) -> set[int]:
    """The ids a row may link to: those still in the file (or kept, where removal does not apply)."""
    in_file = {row.id for row in check.sheets.get(sheet.name, []) if row.id is not None}
    records = set(check.current.sheets[sheet.name])
    return records if not sheet.removable else records & in_file


def build(plan: WorkPlan, data: bytes, *, acting: Person) -> Preview:
    """Read, check and compare an uploaded workbook with the plan; no write."""
    current = read_current(plan, acting)
    fingerprint = current.fingerprint()
    sheets, problems = read_workbook(data)
    check = _Check(current, sheets, problems, acting)
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


def _check_plan_row(check: _Check) -> None:
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


def _check_sheets(check: _Check) -> None:
    current = check.current
    plan_rows = check.sheets.get(PLAN.name) or []
    if plan_rows and plan_rows[0].ok:
        row = plan_rows[0]
        record = current.sheets[PLAN.name][current.plan.pk]
        values = check.diff(PLAN, row, record)
        if values and row.ok and check.required(PLAN, row):
            check.change(
                PLAN, row, CHANGED, record.label, record.id, check.field_changes(PLAN, values, record)
            )
            check.ops.append(
                Op(
                    PLAN,
                    row.number,
                    lambda apply, v=values, r=record: services.plan_update(
                        plan=apply.plan, acting=apply.acting, revision=r.revision, **v
                    ),
                )
            )

    # Rates first: a budget line may use a currency this file adds.
    def save_rate(apply, record, values, revision):
        old = record.values if record else {}
        services.rate_set(
            plan=apply.plan,
            acting=apply.acting,
            currency=record.obj.currency if record else values["currency"],
            rate=values.get("rate", old.get("rate")),
            as_of=values.get("as_of", old.get("as_of")),
        )

    _plain_part(
        check,
        RATES,
        save=save_rate,
        delete=lambda apply, r: services.rate_delete(rate=r.obj, acting=apply.acting),
        label_key="currency",
        refs={},
    )

    def save_objective(apply, record, values, revision):
        kwargs = _service_kwargs(OBJECTIVES, values, apply)
        services.objective_save(
            plan=apply.plan,
            acting=apply.acting,
            objective=record.obj if record else None,
            revision=revision,
            **kwargs,
        )

    _plain_part(
        check,
        OBJECTIVES,
        save=save_objective,
        delete=lambda apply, r: services.objective_delete(objective=r.obj, acting=apply.acting),
        label_key="title",
        refs={},
    )

    def save_deliverable(apply, record, values, revision):
        kwargs = _service_kwargs(DELIVERABLES, values, apply)
        services.deliverable_save(
            plan=apply.plan,
            acting=apply.acting,
            deliverable=record.obj if record else None,
            revision=revision,
            **kwargs,
        )

    _plain_part(
        check,
        DELIVERABLES,
        save=save_deliverable,
        delete=lambda apply, r: services.deliverable_delete(deliverable=r.obj, acting=apply.acting),
        label_key="title",
        refs={"objective_id": (OBJECTIVES, _final_ids(check, OBJECTIVES))},
    )

    def save_task(apply, record, values, revision):
        if record is None:
            deliverable = apply.current.sheets[DELIVERABLES.name][values["deliverable_id"]].obj
        else:
            deliverable = record.obj.deliverable
        kwargs = _service_kwargs(TASKS, values, apply, skip=("deliverable_id",))
        services.task_save(
            deliverable=deliverable,
            acting=apply.acting,
            task=record.obj if record else None,
            revision=revision,
            **kwargs,
        )

    _plain_part(
        check,
        TASKS,
        save=save_task,
        delete=lambda apply, r: services.task_delete(task=r.obj, acting=apply.acting),
        label_key="title",
        refs={"deliverable_id": (DELIVERABLES, _final_ids(check, DELIVERABLES))},
    )

    def save_result(apply, record, values, revision):
        kwargs = _service_kwargs(RESULTS, values, apply)
        results_services.result_save(
            plan=apply.plan,
            acting=apply.acting,
            result=record.obj if record else None,
            revision=revision,
            **kwargs,
        )

    _plain_part(
        check,
        RESULTS,
        save=save_result,
        label_key="statement",
        refs={"parent_id": (RESULTS, _final_ids(check, RESULTS))},
    )

    def save_indicator(apply, record, values, revision):
        kwargs = _service_kwargs(INDICATORS, values, apply)
        indicator = results_services.indicator_save(
            plan=apply.plan,
            acting=apply.acting,
            indicator=record.obj if record else None,
            revision=revision,
            **kwargs,
        )
        if record is None and indicator.code.strip():
            apply.new_indicators[indicator.code.strip()] = indicator

    _plain_part(
        check,
        INDICATORS,
        save=save_indicator,
        label_key="name",
        refs={"result_id": (RESULTS, _final_ids(check, RESULTS))},
    )
    _indicator_codes(check)

    def save_target(apply, record, values, revision):
        indicator = apply.indicator(values["indicator_code"]) if record is None else record.obj.indicator
        old = record.values if record else {}
        results_services.target_save(
            indicator=indicator,
            acting=apply.acting,
            target=record.obj if record else None,
            starts_on=values.get("starts_on", old.get("starts_on")),
            ends_on=values.get("ends_on", old.get("ends_on")),
            value=values.get("value", old.get("value")),
            life_of_plan=values.get("life_of_plan", old.get("life_of_plan", False)),
        )

    _resolve_indicators(check, TARGETS)
    _plain_part(
        check,
        TARGETS,
        save=save_target,
        delete=lambda apply, r: results_services.target_delete(target=r.obj, acting=apply.acting),
        label_key="indicator_code",
        refs={},
    )
    for change in check.changes:
        if change.sheet == TARGETS.name and change.kind == ADDED:
            change.label = _target_label(change)

    _resolve_indicators(check, MEASUREMENTS)
    _measurements(check)

    def save_line(apply, record, values, revision):
        kwargs = _service_kwargs(BUDGET, values, apply)
        services.budget_line_save(
            plan=apply.plan,
            acting=apply.acting,
            line=record.obj if record else None,
            revision=revision,
            **kwargs,
        )

    _plain_part(
        check,
        BUDGET,
        save=save_line,
        delete=lambda apply, r: services.budget_line_delete(line=r.obj, acting=apply.acting),
        label_key="description",
        refs={"deliverable_id": (DELIVERABLES, _final_ids(check, DELIVERABLES))},
    )

    def save_need(apply, record, values, revision):
        kwargs = _service_kwargs(HR_NEEDS, values, apply)
        services.hr_need_save(
            plan=apply.plan,
            acting=apply.acting,
            need=record.obj if record else None,
            revision=revision,
            **kwargs,
        )

    _plain_part(
        check,
        HR_NEEDS,
        save=save_need,
        delete=lambda apply, r: services.hr_need_delete(need=r.obj, acting=apply.acting),
        label_key="role",
        refs={},
    )


def _target_label(change: RowChange) -> str:
    fields = {f.column: f.after for f in change.fields}
    return f"{fields.get('indicator_code', '')} {fields.get('starts_on', '')} – {fields.get('ends_on', '')}".strip()


def _indicator_codes(check: _Check) -> None:
    """The indicators' codes once the file is imported: those of the sheet, and of rows kept."""
    codes: dict[str, list] = {}
    in_file = set()
    for row in check.sheets.get(INDICATORS.name, []):
        if row.id is not None and row.id in check.current.sheets[INDICATORS.name]:
            in_file.add(row.id)
            record = check.current.sheets[INDICATORS.name][row.id]
            code = _text(row.values.get("code", record.values["code"]))
            codes.setdefault(code, []).append(("existing", row.id))
        elif row.id is None and row.ok:
            code = _text(row.values.get("code"))
            codes.setdefault(code, []).append(("new", code))
    for pk, record in check.current.sheets[INDICATORS.name].items():
        if pk not in in_file:
            codes.setdefault(_text(record.values["code"]), []).append(("existing", pk))
    codes.pop("", None)
    check.indicator_codes = codes


def _resolve_indicators(check: _Check, sheet: Sheet) -> None:
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


def _measurements(check: _Check) -> None:
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
        categories = [c.strip() for c in _text(values.get("category")).split(";") if c.strip()]
        options = [o.strip() for o in _text(values.get("option")).split(";") if o.strip()]
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

        def record_measurement(apply, v=values, d=disaggregation):
            results_services.measurement_record(
                indicator=apply.indicator(v["indicator_code"]),
                acting=apply.acting,
                starts_on=v["starts_on"],
                ends_on=v["ends_on"],
                value=v.get("value"),
                numerator=v.get("numerator"),
                denominator=v.get("denominator"),
                text=v.get("text") or "",
                disaggregation=d,
                evidence_url=v.get("evidence_url") or "",
                note=v.get("note") or "",
            )

        check.ops.append(Op(sheet, row.number, record_measurement))


# --- Running the changes -------------------------------------------------------------------------


class ImportRefused(Exception):
    """Nothing was imported; ``problems`` say why (or ``stale``: the plan changed since the preview)."""

    def __init__(self, problems: list[Problem], *, stale: bool = False):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems
        self.stale = stale


def _run(op: Op, apply: _Apply) -> None:
    """One write (a seam the tests use to make the Nth write fail)."""
    op.run(apply)


def _failure(op: Op, error: Exception) -> list[Problem]:
    # A service's field → the column that holds it (a measurement's disaggregation is its option).
    columns = {**op.sheet.by_field(), "disaggregation": "option"}
    row = op.row
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return [
                Problem(
                    op.sheet.name,
                    row,
                    columns.get(name, name if name in op.sheet.keys else None),
                    " ".join(messages),
                )
                for name, messages in error.message_dict.items()
            ]
        return [Problem(op.sheet.name, row, None, " ".join(error.messages))]
    if isinstance(error, EditConflict):
        return [
            Problem(
                op.sheet.name,
                row,
                None,
                _("Someone changed this row in Convene meanwhile: check the import again."),
            )
        ]
    if isinstance(error, PermissionDenied):
        return [Problem(op.sheet.name, row, None, _("You may not make this change."))]
    return [Problem(op.sheet.name, row, None, _("This change could not be saved."))]


FAILURES = (ValidationError, EditConflict, PermissionDenied, DatabaseError)


def import_preview(plan: WorkPlan, data: bytes, *, acting: Person) -> Preview:
    """What the import would change, checked also by a trial run of every write that is rolled back."""
    ensure(acting, "plans.edit_plan", plan)
    try:
        preview = build(plan, data, acting=acting)
    except ImportFileError as error:
        return Preview(
            changes=[], problems=[Problem(None, None, None, error.message)], notices=[], fingerprint=""
        )
    if preview.problems or not preview.ops:
        return preview
    with transaction.atomic():
        locked = WorkPlan.objects.select_for_update(of=("self",)).select_related("group").get(pk=plan.pk)
        apply = _Apply(plan=locked, acting=acting, current=preview.current)
        for op in preview.ops:
            try:
                with transaction.atomic():
                    _run(op, apply)
            except FAILURES as error:
                preview.problems.extend(_failure(op, error))
        transaction.set_rollback(True)
    return preview


@transaction.atomic
def plan_import_commit(plan: WorkPlan, data: bytes, *, acting: Person, fingerprint: str) -> Preview:
    """Apply every change of the workbook, or nothing: refused when anything is wrong or the plan
    changed since the preview whose ``fingerprint`` the person confirmed."""
    plan = WorkPlan.objects.select_for_update(of=("self",)).select_related("group").get(pk=plan.pk)
    ensure(acting, "plans.edit_plan", plan)
    try:
        preview = build(plan, data, acting=acting)
    except ImportFileError as error:
        raise ImportRefused([Problem(None, None, None, error.message)]) from None
    if preview.fingerprint != fingerprint:
        raise ImportRefused(
            [
                Problem(
                    None, None, None, _("The work plan changed since you checked the import: check it again.")
                )
            ],
            stale=True,
        )
    if preview.problems:
        raise ImportRefused(preview.problems)
    apply = _Apply(plan=plan, acting=acting, current=preview.current)
    for op in preview.ops:
        try:
            _run(op, apply)
        except FAILURES as error:
            transaction.set_rollback(True)
            raise ImportRefused(_failure(op, error)) from None
    return preview


# --- Keeping the upload between the preview and the confirmation ------------------------------------


class PendingGone(Exception):
    """The token is invalid, expired, someone else's, or its file is gone or altered."""


def stash(*, plan: WorkPlan, acting: Person, data: bytes) -> str:
    """Keep an uploaded workbook for its preview and confirmation; return the signed token naming it."""
    _sweep()
    name = default_storage.save(f"{PENDING_DIR}/{plan.pk}/{secrets.token_hex(16)}.xlsx", ContentFile(data))
    return signing.dumps(
        {"n": name, "h": hashlib.sha256(data).hexdigest(), "p": plan.pk, "u": acting.pk},
        salt=PENDING_SALT,
        compress=True,
    )


def unstash(token: str, *, plan: WorkPlan, acting: Person) -> tuple[str, bytes]:
    """The file a token names (and its storage name), if the token is this person's for this plan."""
    try:
        payload = signing.loads(token, salt=PENDING_SALT, max_age=PENDING_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        raise PendingGone from None
    if not isinstance(payload, dict) or payload.get("p") != plan.pk or payload.get("u") != acting.pk:
        raise PendingGone
    name = str(payload.get("n", ""))
    if not name.startswith(f"{PENDING_DIR}/{plan.pk}/") or ".." in name:
        raise PendingGone
    try:
        with default_storage.open(name, "rb") as handle:
            data = handle.read(settings.CONVENE_IMPORT_MAX_BYTES + 1)
    except OSError:
        raise PendingGone from None
    if hashlib.sha256(data).hexdigest() != payload.get("h"):
        raise PendingGone
    return name, data


def discard(name: str) -> None:
    PlanImport.objects.filter(stored_as=name).delete()
    with contextlib.suppress(OSError):
        default_storage.delete(name)


# --- Checking the upload in the background ----------------------------------------------------------


def plan_import_start(*, plan: WorkPlan, acting: Person, data: bytes, language: str) -> str:
    """Keep an uploaded workbook and have a background task check it (``plans.tasks``); return the
    token of its preview page. The web request parses nothing."""
    from .tasks import check_plan_import

    ensure(acting, "plans.edit_plan", plan)
    token = stash(plan=plan, acting=acting, data=data)
    name = signing.loads(token, salt=PENDING_SALT)["n"]
    pending = PlanImport.objects.create(plan=plan, created_by=acting, stored_as=name, language=language)
    transaction.on_commit(lambda: check_plan_import(pending.pk))
    return token


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


def plan_import_recheck(name: str) -> None:
    """Check a kept upload again (the plan changed since its preview, or the confirmation failed)."""
    from .tasks import check_plan_import

    pending = pending_import(name)
    if pending is None:
        return
    PlanImport.objects.filter(pk=pending.pk).update(status=PlanImportStatus.CHECKING, preview={})
    transaction.on_commit(lambda: check_plan_import(pending.pk))


def pending_import(name: str) -> PlanImport | None:
    return PlanImport.objects.filter(stored_as=name).first()


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


def _sweep() -> None:
    """Delete uploads older than a confirmation may be (abandoned previews)."""
    limit = timezone.now() - datetime.timedelta(seconds=PENDING_MAX_AGE)
    PlanImport.objects.filter(created_at__lt=limit).delete()
    try:
        plan_dirs, _files = default_storage.listdir(PENDING_DIR)
    except (OSError, NotImplementedError):
        return
    for plan_dir in plan_dirs:
        try:
            _dirs, files = default_storage.listdir(f"{PENDING_DIR}/{plan_dir}")
        except OSError:
            continue
        for name in files:
            path = f"{PENDING_DIR}/{plan_dir}/{name}"
            try:
                if default_storage.get_modified_time(path) < limit:
                    default_storage.delete(path)
            except (OSError, NotImplementedError):
                continue


def confirm_token(token: str, fingerprint: str) -> str:
    return signing.dumps({"t": token, "f": fingerprint}, salt=PENDING_SALT + ".confirm")


def read_confirm_token(value: str) -> tuple[str, str]:
    try:
        payload = signing.loads(value, salt=PENDING_SALT + ".confirm", max_age=PENDING_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        raise PendingGone from None
    if not isinstance(payload, dict):
        raise PendingGone
    return str(payload.get("t", "")), str(payload.get("f", ""))
