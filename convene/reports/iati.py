"""A work plan as an IATI 2.03 activity (https://iatistandard.org/en/iati-standard/203/), built with lxml.

One ``iati-activity`` per plan, reported by the network (``CONVENE_IATI_ORG_REF``, an IATI
organisation identifier; "XM-CONVENE" by default, "XM" being the prefix IATI keeps for identifiers
outside its registry), with:

- ``iati-identifier`` ``<org ref>-WP<plan id>`` (stable when the group is renamed);
- the activity's language (``xml:lang``, IATI's default language, and on every ``narrative``): the
  group's working language, else the site's; the network's own name is in the site's language;
- ``reporting-org`` (ref ``CONVENE_IATI_ORG_REF``, type ``CONVENE_IATI_ORG_TYPE``: IATI
  OrganisationType, 21 international NGO by default); ``title`` (group and plan); ``description``
  (general: summary or top issues, objectives: the plan's objectives);
- ``participating-org``: the network (2 accountable, with its ref and type), the group (4
  implementing, the network's type: a group is part of it, with no identifier of its own), each
  partner organisation that contributes to the budget (1 funding), typed where its sector says it
  plainly (government 10, UN agency 40, academic 80; others omitted rather than guessed);
- ``activity-status`` (1 pipeline while drafted or reviewed, 2 implementation once approved,
  3 finalisation after its period, 4 closed when superseded); ``activity-date`` planned start and end
  (1, 3) and the actual start (2) of an approved plan;
- ``recipient-country``: the countries where the group's participants work on its topic (the
  group's current activities, "where"), shares split equally; none when no activity names a country
  (Convene holds no region, so ``recipient-region`` is never invented);
- ``sector`` (vocabulary 1, OECD DAC 5-digit): the DAC codes of the group's topics (back office,
  Topics), shares split equally, else the network's ``CONVENE_IATI_SECTOR``, else none;
- one ``budget`` per calendar year of the plan (IATI: a budget covers at most one year): the planned
  total in the reporting currency at the plan's stored rates, shared between the years pro rata by
  days, each line over its deliverable's dates when it has both (within the plan), else over the
  plan's period (Convene has no yearly budget figures); rounded to cents that add up to the total;
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

import datetime
import re
from collections import defaultdict
from decimal import ROUND_FLOOR, Decimal

from django.conf import settings
from django.utils import timezone
from django_countries import countries
from lxml import etree

from convene.groups.models import Activity
from convene.plans.models import FundingSource, PlanStatus, WorkPlan
from convene.plans.queries import plan_parts, to_reporting
from convene.results import progress
from convene.results.models import Measurement, Unit
from convene.results.queries import flatten, framework, progress_of

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
MEASURE = {Unit.NUMBER: "1", Unit.YES_NO: "1", Unit.PERCENTAGE: "2", Unit.QUALITATIVE: "5"}
ORGANISATION_TYPE_DEFAULT = "21"  # International NGO (IATI OrganisationType codelist)
# A partner's sector (people.Sector) where it names one IATI OrganisationType plainly; an NGO may be
# international, national or regional, a donor a government or a foundation: those stay untyped.
ORGANISATION_TYPES = {"government": "10", "un_agency": "40", "academic": "80"}
DAC_CODE = re.compile(r"^\d{5}$")
CENT = Decimal("0.01")


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


def _narrative(parent, text: str, tag: str | None = None, lang: str | None = None):
    element = etree.SubElement(parent, tag) if tag else parent
    narrative = etree.SubElement(element, "narrative", {XML_LANG: lang or _language(parent)})
    narrative.text = _text(text)[:4000] or "—"
    return element


def _iati_language(code: str | None) -> str | None:
    """The ISO 639-1 code IATI's Language codelist holds ("pt-br" is "pt"), or None."""
    code = (code or "").split("-")[0].split("_")[0].lower()
    return code if re.fullmatch(r"[a-z]{2}", code) else None


def site_language() -> str:
    return _iati_language(settings.LANGUAGE_CODE) or "en"


def _language(element) -> str:
    """The language of the activity the element belongs to (its ``xml:lang``)."""
    while element is not None:
        if element.get(XML_LANG):
            return element.get(XML_LANG)
        element = element.getparent()
    return site_language()


def _org_type() -> str:
    return (getattr(settings, "CONVENE_IATI_ORG_TYPE", "") or ORGANISATION_TYPE_DEFAULT).strip()


def shares(count: int) -> list[str]:
    """100 split in ``count`` shares of two decimals that add up to exactly 100 (IATI's rule)."""
    if count <= 1:
        return ["100"] * count
    each = (Decimal(100) / count).quantize(CENT, rounding=ROUND_FLOOR)
    rest = Decimal(100) - each * count
    return [_number(each + (rest if index == 0 else 0)) for index in range(count)]


def sector_codes(group) -> list[str]:
    codes = sorted({t.dac_code for t in group.topics.all() if DAC_CODE.match(t.dac_code or "")})
    if not codes:
        default = (getattr(settings, "CONVENE_IATI_SECTOR", "") or "").strip()
        codes = [default] if DAC_CODE.match(default) else []
    return codes


def recipient_countries(group) -> list[str]:
    """ISO 3166-1 codes of the countries the group's current activities name ("where")."""
    named = Activity.objects.filter(group=group).exclude(country="").values_list("country", flat=True)
    return sorted({code.upper() for code in named.distinct() if code.upper() in countries})


def _years(starts_on: datetime.date, ends_on: datetime.date):
    """(start, end) of each calendar year the period touches, clipped to the period."""
    for year in range(starts_on.year, ends_on.year + 1):
        yield max(starts_on, datetime.date(year, 1, 1)), min(ends_on, datetime.date(year, 12, 31))


def yearly_budgets(plan: WorkPlan, lines, rates) -> list[tuple[datetime.date, datetime.date, Decimal]]:
    """The plan's planned total (reporting currency) per calendar year of its period, pro rata by days;
    a line of a deliverable with both dates is spread over those (within the plan), others over the
    plan's period. Lines in a currency without a stored rate are not counted (as in the budget)."""
    rates = {r.currency: r.rate for r in rates}
    periods = list(_years(plan.starts_on, plan.ends_on))
    exact = [Decimal(0)] * len(periods)
    for line in lines:
        amount = to_reporting(line.planned, line.currency, plan, rates)
        if not amount:
            continue
        start, end = plan.starts_on, plan.ends_on
        deliverable = line.deliverable
        if deliverable is not None and deliverable.starts_on and deliverable.due_on:
            clipped = max(start, deliverable.starts_on), min(end, deliverable.due_on)
            if clipped[0] <= clipped[1]:
                start, end = clipped
        days = (end - start).days + 1
        for index, (year_start, year_end) in enumerate(periods):
            inside = (min(end, year_end) - max(start, year_start)).days + 1
            if inside > 0:
                exact[index] += amount * inside / days
    # Cents that add up to the total: each year rounded down, the cents left to the largest remainders.
    total = sum(exact, Decimal(0)).quantize(CENT)
    rounded = [value.quantize(CENT, rounding=ROUND_FLOOR) for value in exact]
    left = int((total - sum(rounded, Decimal(0))) / CENT)
    for index in sorted(range(len(exact)), key=lambda i: rounded[i] - exact[i])[:left]:
        rounded[index] += CENT
    return [(s, e, value) for (s, e), value in zip(periods, rounded, strict=True)]


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
    today = timezone.localdate()
    network = settings.CONVENE_NETWORK_NAME

    language = _iati_language(group.working_language_id) or site_language()
    org_type = _org_type()

    root = etree.Element(
        "iati-activities", {"version": IATI_VERSION, "generated-datetime": timezone.now().isoformat()}
    )
    activity = etree.SubElement(
        root,
        "iati-activity",
        {
            "last-updated-datetime": parts.updated_at.isoformat(),
            XML_LANG: language,
            "default-currency": parts.currency,
        },
    )
    etree.SubElement(activity, "iati-identifier").text = identifier(parts)
    reporting = etree.SubElement(activity, "reporting-org", {"ref": org_ref(), "type": org_type})
    _narrative(reporting, network, lang=site_language())
    _narrative(activity, f"{group.name}: {parts.title}", "title")
    description = etree.SubElement(activity, "description", {"type": "1"})
    _narrative(description, parts.summary or parts.top_issues or parts.title)
    objectives = [o.title for o in parts.objectives.all()]
    if objectives:
        description = etree.SubElement(activity, "description", {"type": "2"})
        _narrative(description, "; ".join(objectives))

    accountable = etree.SubElement(
        activity, "participating-org", {"ref": org_ref(), "type": org_type, "role": "2"}
    )
    _narrative(accountable, network, lang=site_language())
    _narrative(etree.SubElement(activity, "participating-org", {"type": org_type, "role": "4"}), group.name)
    partners = {}
    for line in lines:
        if line.source == FundingSource.PARTNER and line.partner_id:
            partners.setdefault(line.partner_id, line.partner)
    for partner in sorted(partners.values(), key=lambda o: o.name.casefold()):
        attributes = {"role": "1"}
        if partner.sector in ORGANISATION_TYPES:
            attributes["type"] = ORGANISATION_TYPES[partner.sector]
        _narrative(etree.SubElement(activity, "participating-org", attributes), partner.name)

    etree.SubElement(activity, "activity-status", {"code": _status_code(parts)})
    etree.SubElement(activity, "activity-date", {"type": "1", "iso-date": parts.starts_on.isoformat()})
    if parts.status in (PlanStatus.APPROVED, PlanStatus.REVISING) and parts.starts_on <= today:
        etree.SubElement(activity, "activity-date", {"type": "2", "iso-date": parts.starts_on.isoformat()})
    etree.SubElement(activity, "activity-date", {"type": "3", "iso-date": parts.ends_on.isoformat()})

    places = recipient_countries(group)
    for code, share in zip(places, shares(len(places)), strict=True):
        etree.SubElement(activity, "recipient-country", {"code": code, "percentage": share})
    sectors = sector_codes(group)
    for code, share in zip(sectors, shares(len(sectors)), strict=True):
        etree.SubElement(activity, "sector", {"vocabulary": "1", "code": code, "percentage": share})

    status = "2" if parts.status in (PlanStatus.APPROVED, PlanStatus.REVISING) else "1"
    for starts_on, ends_on, amount in yearly_budgets(parts, lines, parts.rates.all()):
        budget = etree.SubElement(activity, "budget", {"type": "1", "status": status})
        etree.SubElement(budget, "period-start", {"iso-date": starts_on.isoformat()})
        etree.SubElement(budget, "period-end", {"iso-date": ends_on.isoformat()})
        value = etree.SubElement(
            budget, "value", {"currency": parts.currency, "value-date": starts_on.isoformat()}
        )
        value.text = f"{amount:.2f}"

    _results(activity, parts)
    return root


def _results(activity, plan: WorkPlan) -> None:
    rows = flatten(framework(plan))
    indicators = [i for _depth, result in rows for i in result.indicators.all()]
    approved: dict[int, list[Measurement]] = defaultdict(list)
    if indicators:
        for m in (
            Measurement.objects.filter(indicator_id__in=[i.pk for i in indicators])
            .approved()
            .order_by("starts_on", "pk")
        ):
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
    _baseline(element, indicator, plan)

    spec = progress.spec_of(indicator)
    readings = [progress.reading_of(m) for m in measurements]
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
        _period(element, period, unit, spec, inside)


def _baseline(element, indicator, plan: WorkPlan) -> None:
    if indicator.baseline_value is None and indicator.baseline_on is None:
        return
    baseline = {"year": str((indicator.baseline_on or plan.starts_on).year)}
    if indicator.baseline_on:
        baseline["iso-date"] = indicator.baseline_on.isoformat()
    if indicator.baseline_value is not None:
        baseline["value"] = _number(indicator.baseline_value)
    etree.SubElement(element, "baseline", baseline)


def _period(element, period, unit: str, spec, inside: list[tuple]) -> None:
    """One target period: its target, its actual, and an actual per disaggregation (``inside``: the
    measurements and readings of the period)."""
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
        return
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
