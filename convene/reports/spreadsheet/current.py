"""The plan as the workbook shows it: what the export writes and what the import compares with."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from convene.people.models import Organisation, Person
from convene.people.queries import email_visible
from convene.plans.models import BudgetLine, Deliverable, ExchangeRate, HRNeed, Objective, Task, WorkPlan
from convene.results.models import Indicator, Measurement, Result, ResultLevel, Target

from .columns import (
    BUDGET,
    DELIVERABLES,
    HR_NEEDS,
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
    Sheet,
    comparable,
    text_of,
)


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


def label_of(*values) -> str:
    for value in values:
        text = text_of(value)
        if text:
            return text[:120]
    return ""


def _record(sheet: Sheet, obj, values: dict, label: str) -> Record:
    compared = {}
    for col in sheet.columns:
        if col.key in ("id", "revision"):
            continue
        compared[col.key] = comparable(col, values.get(col.key))
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
        RESULTS: [(r, label_of(f"{r.code} {r.statement}")) for r in results],
        INDICATORS: [(i, label_of(f"{i.code} {i.name}")) for i in indicators],
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
