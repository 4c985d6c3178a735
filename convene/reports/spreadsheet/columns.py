"""The workbook's sheets and columns: what each column holds and how its values compare and show.

Row 1 of each sheet holds the columns' stable machine keys (English, whatever the language: the
import reads them); a column's ``field`` is the keyword the service takes.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.utils.translation import gettext_lazy

from convene.core.exports import FORMULA_PREFIXES
from convene.plans.models import (
    BudgetCategory,
    BudgetLine,
    ContributionKind,
    Deliverable,
    DeliverableStatus,
    ExchangeRate,
    FundingSource,
    HRNeed,
    Objective,
    PlanStatus,
    Task,
    TaskStatus,
    WorkPlan,
)
from convene.results.models import (
    Direction,
    Frequency,
    Indicator,
    Measurement,
    MeasurementStatus,
    Result,
    Target,
    Unit,
)

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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


def text_of(value) -> str:
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


def undefuse(text: str) -> str:
    """The inverse of ``spreadsheet_safe``: the apostrophe the export put before a formula character."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def quantize(value: Decimal, places: int) -> Decimal:
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


def comparable(col: Col, value):
    """The comparable form of a value of this column (what the diff looks at)."""
    if col.kind == DECIMAL:
        return None if value is None else quantize(Decimal(value), col.places)
    if col.kind == BOOL:
        return bool(value)
    if col.kind == CATEGORIES:
        return categories_text(value) if isinstance(value, list) else text_of(value)
    if col.kind in (TEXT, CHOICE):
        return text_of(value)
    return value
