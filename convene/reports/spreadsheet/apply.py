"""Writing an import through the services: a trial run for the preview (rolled back, so that the
services' own rules show on the row they concern), then, on confirmation, the same checks again
inside one transaction with the plan locked, refused if the plan changed since the preview (its
fingerprint), and every change through the services; any failure rolls everything back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from convene.core.concurrency import EditConflict
from convene.core.rules import ensure
from convene.people.imports import ImportFileError
from convene.people.models import Person
from convene.plans import services
from convene.plans.models import WorkPlan
from convene.results import services as results_services
from convene.results.models import Indicator

from .check import Op, Preview, build
from .columns import (
    BUDGET,
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
    TARGETS,
    TASKS,
    Col,
    Sheet,
)
from .current import Current
from .read import Problem


@dataclass(frozen=True)
class Writer:
    """The services one sheet's rows go through."""

    save: Callable[..., Any]
    delete: Callable[..., Any] | None = None
    keyword: str | None = None  # the services' keyword for the record changed or removed
    parent: str = "plan"  # the save service's keyword for what the row belongs to
    parent_column: str | None = None  # the column that names it in a new row
    upsert: bool = False  # the save service finds the record itself, by its key column


# Every sheet → its services: the one place an import writes.
WRITERS: dict[str, Writer] = {
    PLAN.name: Writer(services.plan_update),
    RATES.name: Writer(services.rate_set, services.rate_delete, "rate", upsert=True),
    OBJECTIVES.name: Writer(services.objective_save, services.objective_delete, "objective"),
    DELIVERABLES.name: Writer(services.deliverable_save, services.deliverable_delete, "deliverable"),
    TASKS.name: Writer(
        services.task_save, services.task_delete, "task", parent="deliverable", parent_column="deliverable_id"
    ),
    RESULTS.name: Writer(results_services.result_save, keyword="result"),
    INDICATORS.name: Writer(results_services.indicator_save, keyword="indicator"),
    TARGETS.name: Writer(
        results_services.target_save,
        results_services.target_delete,
        "target",
        parent="indicator",
        parent_column="indicator_code",
    ),
    MEASUREMENTS.name: Writer(
        results_services.measurement_record, parent="indicator", parent_column="indicator_code"
    ),
    BUDGET.name: Writer(services.budget_line_save, services.budget_line_delete, "line"),
    HR_NEEDS.name: Writer(services.hr_need_save, services.hr_need_delete, "need"),
}
# The columns that link to another sheet's row (by its id).
LINKS = {
    "objective_id": OBJECTIVES,
    "deliverable_id": DELIVERABLES,
    "parent_id": RESULTS,
    "result_id": RESULTS,
}


@dataclass
class Apply:
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


def _link(col: Col, value, apply: Apply):
    """A column's value → the record it names (a person, an organisation, a level, a row)."""
    if value is None:
        return None
    if col.kind == PERSON:
        return apply.current.people[value]
    if col.kind == ORGANISATION:
        return apply.current.organisations[value]
    if col.kind == LEVEL:
        return apply.current.levels[value]
    if col.kind == INDICATOR:
        return apply.indicator(value)
    if col.key in LINKS:
        return apply.current.sheets[LINKS[col.key].name][value].obj
    return value


def _service_kwargs(sheet: Sheet, values: dict, apply: Apply, *, skip: str | None) -> dict:
    """Column values → the service's keywords, links turned into the records they name."""
    return {
        sheet.column(key).field: _link(sheet.column(key), value, apply)
        for key, value in values.items()
        if key != skip and sheet.column(key).imported
    }


def _parent(writer: Writer, op: Op, values: dict, apply: Apply):
    """What the row belongs to: the plan, or for a task its deliverable, for a target its indicator."""
    if writer.parent == "plan":
        return apply.plan
    if op.record is not None:
        return getattr(op.record.obj, writer.parent)
    return _link(op.sheet.column(writer.parent_column), values[writer.parent_column], apply)


class ImportRefused(Exception):
    """Nothing was imported; ``problems`` say why (or ``stale``: the plan changed since the preview)."""

    def __init__(self, problems: list[Problem], *, stale: bool = False):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems
        self.stale = stale


def run_op(op: Op, apply: Apply) -> None:
    """One write, through its sheet's service (a seam the tests use to make the Nth write fail)."""
    writer = WRITERS[op.sheet.name]
    if op.remove:
        writer.delete(**{writer.keyword: op.record.obj}, acting=apply.acting)
        return
    values = op.values
    if op.record is not None and not op.sheet.revisioned:
        # These services take the whole row: the cells the file leaves as they are, too.
        kept = {key: value for key, value in op.record.values.items() if op.sheet.column(key).imported}
        values = {**kept, **values}
    kwargs = _service_kwargs(op.sheet, values, apply, skip=writer.parent_column)
    kwargs[writer.parent] = _parent(writer, op, values, apply)
    if writer.keyword and not writer.upsert:
        kwargs[writer.keyword] = op.record.obj if op.record else None
    if op.sheet.revisioned:
        kwargs["revision"] = op.record.revision if op.record else None
    saved = writer.save(acting=apply.acting, **kwargs, **op.extra)
    if op.sheet is INDICATORS and op.record is None and saved.code.strip():
        # Targets and measurements of this file may name the new indicator by its code.
        apply.new_indicators[saved.code.strip()] = saved


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
        apply = Apply(plan=locked, acting=acting, current=preview.current)
        for op in preview.ops:
            try:
                with transaction.atomic():
                    run_op(op, apply)
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
    apply = Apply(plan=plan, acting=acting, current=preview.current)
    for op in preview.ops:
        try:
            run_op(op, apply)
        except FAILURES as error:
            transaction.set_rollback(True)
            raise ImportRefused(_failure(op, error)) from None
    return preview
