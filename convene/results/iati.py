"""A work plan as an IATI 2.03 activity (https://iatistandard.org/en/iati-standard/203/), built with lxml.

One ``iati-activity`` per plan, reported by the network (``CONVENE_IATI_ORG_REF``, an IATI
organisation identifier; "XM-CONVENE" by default, "XM" being the prefix IATI keeps for identifiers
outside its registry), with:

- ``iati-identifier`` ``<org ref>-WP<plan id>`` (stable when the group is renamed);
- ``reporting-org``; ``title`` (group and plan); ``description`` (general: summary or top issues,
  objectives: the plan's objectives);
- ``participating-org``: the network (2 accountable), the group (4 implementing), each partner
  organisation that contributes to the budget (1 funding);
- ``activity-status`` (1 pipeline while drafted or reviewed, 2 implementation once approved,
  3 finalisation after its period, 4 closed when superseded); ``activity-date`` planned start and end
  (1, 3) and the actual start (2) of an approved plan;
- ``budget`` (the planned total in the reporting currency at the plan's stored rates);
- one ``result`` per result that has indicators (``type`` from its level's IATI result type), each
  ``indicator`` with ``measure`` 1 unit (numbers, and yes/no as 1 or 0), 2 percentage or
  5 qualitative, ``ascending`` from the direction of change (not for qualitative indicators), the
  shared indicator's code as a ``reference`` (vocabulary 99, the reporting organisation's own),
  ``baseline`` (year, iso-date, value) and a ``period`` per target period with its ``target`` and its
  ``actual`` computed from approved measurements only (``results.progress``): the total, then one
  ``actual`` per disaggregation with its ``dimension`` elements; a qualitative actual is the approved
  text as a ``comment``.

Validated in the tests against the IATI schema in ../shared/iati-2.03 (never copied here).
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from lxml import etree

from convene.plans.models import FundingSource, PlanStatus, WorkPlan
from convene.plans.queries import budget_summary, plan_parts

from . import progress
from .models import Measurement, MeasurementStatus, Unit
from .queries import flatten, framework, progress_of
from .services import reading_of, spec_of

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
MEASURE = {Unit.NUMBER: "1", Unit.YES_NO: "1", Unit.PERCENTAGE: "2", Unit.QUALITATIVE: "5"}
ORGANISATION_TYPE_DEFAULT = "21"  # International NGO (IATI OrganisationType codelist)


def org_ref() -> str:
    return (getattr(settings, "CONVENE_IATI_ORG_REF", "") or "XM-CONVENE").strip()


def identifier(plan: WorkPlan) -> str:
    return f"{org_ref()}-WP{plan.pk}"


def _text(value) -> str:
    return CONTROL_CHARS.sub("", "" if value is None else str(value)).strip()


def _number(value) -> str:
    value = Decimal(value)
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "") else text


def _narrative(parent, text: str, tag: str | None = None):
    element = etree.SubElement(parent, tag) if tag else parent
    narrative = etree.SubElement(element, "narrative")
    narrative.text = _text(text)[:4000] or "—"
    return element


def _status_code(plan: WorkPlan) -> str:
    if plan.status == PlanStatus.SUPERSEDED:
        return "4"
    if plan.status in (PlanStatus.APPROVED, PlanStatus.REVISING):
        return "3" if plan.ends_on < timezone.localdate() else "2"
    return "1"


def activity_tree(plan: WorkPlan) -> etree._Element:
    parts = plan_parts(plan)
    group = parts.group
    lines = list(parts.budget_lines.all())
    summary = budget_summary(parts, lines=lines, rates=list(parts.rates.all()))
    today = timezone.localdate()
    network = settings.CONVENE_NETWORK_NAME

    root = etree.Element(
        "iati-activities", {"version": IATI_VERSION, "generated-datetime": timezone.now().isoformat()}
    )
    activity = etree.SubElement(
        root,
        "iati-activity",
        {
            "last-updated-datetime": parts.updated_at.isoformat(),
            XML_LANG: (settings.LANGUAGE_CODE or "en")[:2],
            "default-currency": parts.currency,
        },
    )
    etree.SubElement(activity, "iati-identifier").text = identifier(parts)
    reporting = etree.SubElement(
        activity,
        "reporting-org",
        {"ref": org_ref(), "type": getattr(settings, "CONVENE_IATI_ORG_TYPE", ORGANISATION_TYPE_DEFAULT)},
    )
    _narrative(reporting, network)
    _narrative(activity, f"{group.name}: {parts.title}", "title")
    description = etree.SubElement(activity, "description", {"type": "1"})
    _narrative(description, parts.summary or parts.top_issues or parts.title)
    objectives = [o.title for o in parts.objectives.all()]
    if objectives:
        description = etree.SubElement(activity, "description", {"type": "2"})
        _narrative(description, "; ".join(objectives))

    accountable = etree.SubElement(
        activity,
        "participating-org",
        {
            "ref": org_ref(),
            "type": getattr(settings, "CONVENE_IATI_ORG_TYPE", ORGANISATION_TYPE_DEFAULT),
            "role": "2",
        },
    )
    _narrative(accountable, network)
    _narrative(etree.SubElement(activity, "participating-org", {"role": "4"}), group.name)
    partners = {}
    for line in lines:
        if line.source == FundingSource.PARTNER and line.partner_id:
            partners.setdefault(line.partner_id, line.partner)
    for partner in sorted(partners.values(), key=lambda o: o.name.casefold()):
        _narrative(etree.SubElement(activity, "participating-org", {"role": "1"}), partner.name)

    etree.SubElement(activity, "activity-status", {"code": _status_code(parts)})
    etree.SubElement(activity, "activity-date", {"type": "1", "iso-date": parts.starts_on.isoformat()})
    if parts.status in (PlanStatus.APPROVED, PlanStatus.REVISING) and parts.starts_on <= today:
        etree.SubElement(activity, "activity-date", {"type": "2", "iso-date": parts.starts_on.isoformat()})
    etree.SubElement(activity, "activity-date", {"type": "3", "iso-date": parts.ends_on.isoformat()})

    budget = etree.SubElement(
        activity,
        "budget",
        {"type": "1", "status": "2" if parts.status in (PlanStatus.APPROVED, PlanStatus.REVISING) else "1"},
    )
    etree.SubElement(budget, "period-start", {"iso-date": parts.starts_on.isoformat()})
    etree.SubElement(budget, "period-end", {"iso-date": parts.ends_on.isoformat()})
    value = etree.SubElement(
        budget, "value", {"currency": parts.currency, "value-date": parts.starts_on.isoformat()}
    )
    value.text = f"{summary.planned:.2f}"

    _results(activity, parts)
    return root


def _results(activity, plan: WorkPlan) -> None:
    rows = flatten(framework(plan))
    indicators = [i for _depth, result in rows for i in result.indicators.all()]
    approved: dict[int, list[Measurement]] = defaultdict(list)
    if indicators:
        for m in Measurement.objects.filter(
            indicator_id__in=[i.pk for i in indicators], status=MeasurementStatus.APPROVED
        ).order_by("starts_on", "pk"):
            approved[m.indicator_id].append(m)
    for _depth, result in rows:
        result_indicators = list(result.indicators.all())
        if not result_indicators:
            continue  # IATI wants at least one indicator in a result
        element = etree.SubElement(activity, "result", {"type": str(result.level.iati_type or 9)})
        _narrative(element, f"{result.code} {result.statement}".strip(), "title")
        for indicator in result_indicators:
            _indicator(element, indicator, approved.get(indicator.pk, []), plan)


def _indicator(parent, indicator, measurements: list[Measurement], plan: WorkPlan) -> None:
    unit = indicator.unit
    attributes = {"measure": MEASURE.get(unit, "1")}
    if unit != Unit.QUALITATIVE:
        attributes["ascending"] = "0" if indicator.direction == "decrease" else "1"
    element = etree.SubElement(parent, "indicator", attributes)
    _narrative(element, indicator.name, "title")
    if indicator.definition.strip():
        _narrative(element, indicator.definition, "description")
    if indicator.shared_id:
        etree.SubElement(element, "reference", {"vocabulary": "99", "code": _text(indicator.shared.code)})
    if indicator.baseline_value is not None or indicator.baseline_on is not None:
        baseline = {"year": str((indicator.baseline_on or plan.starts_on).year)}
        if indicator.baseline_on:
            baseline["iso-date"] = indicator.baseline_on.isoformat()
        if indicator.baseline_value is not None:
            baseline["value"] = _number(indicator.baseline_value)
        etree.SubElement(element, "baseline", baseline)

    spec = spec_of(indicator)
    readings = [reading_of(m) for m in measurements]
    computed = progress_of(indicator, readings)
    periods = list(computed.periods)
    if not periods and computed.life_of_plan and computed.life_of_plan.target is not None:
        periods = [computed.life_of_plan]
    for period in periods:
        start = None if spec.cumulative else period.starts_on
        inside = [
            (m, r)
            for m, r in zip(measurements, readings, strict=True)
            if (start is None or r.starts_on >= start) and r.ends_on <= period.ends_on
        ]
        if period.target is None and period.actual is None and not inside:
            continue
        node = etree.SubElement(element, "period")
        etree.SubElement(node, "period-start", {"iso-date": period.starts_on.isoformat()})
        etree.SubElement(node, "period-end", {"iso-date": period.ends_on.isoformat()})
        if period.target is not None and unit != Unit.QUALITATIVE:
            etree.SubElement(node, "target", {"value": _number(period.target)})
        if unit == Unit.QUALITATIVE:
            texts = [m.text for m, _r in inside if m.text.strip()]
            if texts:
                actual = etree.SubElement(node, "actual")
                _narrative(actual, "\n".join(texts), "comment")
            continue
        if period.actual is not None:
            etree.SubElement(node, "actual", {"value": _number(period.actual)})
        by_key: dict[tuple, list] = defaultdict(list)
        for _m, reading in inside:
            if reading.disaggregation:
                by_key[reading.disaggregation].append(reading)
        for key in sorted(by_key):
            value = progress.actual_of(spec, by_key[key]).value
            if value is None:
                continue
            actual = etree.SubElement(node, "actual", {"value": _number(value)})
            for name, option in key:
                etree.SubElement(actual, "dimension", {"name": _text(name), "value": _text(option)})


def activity_xml(plan: WorkPlan) -> bytes:
    return etree.tostring(activity_tree(plan), xml_declaration=True, encoding="UTF-8", pretty_print=True)
