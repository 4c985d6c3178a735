"""Every write to a results framework (STYLE §1): results, indicators and targets (edited with the
plan), measurements (recorded by the people responsible, approved by the co-chairs) and the network's
catalogue of shared indicators."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convene.core import generations
from convene.core.concurrency import revision_save
from convene.core.errors import StateConflict
from convene.core.rules import ensure
from convene.groups.leads import lead_title
from convene.people.models import Person
from convene.plans.models import WorkPlan

# The framework is part of the plan: its writes lock and validate the way the plan's parts do.
from convene.plans.services import check_fields, lock_plan, validate_fields

from . import progress
from .fields import INDICATOR_FIELDS
from .models import (
    Indicator,
    Measurement,
    MeasurementStatus,
    PeriodActual,
    Result,
    ResultLevel,
    SharedIndicator,
    Target,
    Unit,
)
from .rules import approves_own_value

RESULT_FIELDS = {"parent", "level", "code", "statement", "position"}
# An adopted shared indicator keeps the catalogue's definition: the group sets only its own part.
ADOPTED_FIXED = {"name", "definition", "unit", "direction", "cumulative", "code"}
SHARED_FIELDS = {
    "code",
    "name",
    "definition",
    "unit",
    "direction",
    "cumulative",
    "disaggregations",
    "is_active",
}
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = {
    ".pdf": b"%PDF",
    ".png": b"\x89PNG",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".docx": b"PK\x03\x04",
    ".xlsx": b"PK\x03\x04",
    ".csv": None,
    ".txt": None,
}


# --- Results and indicators (part of the plan) -------------------------------------------------------


@transaction.atomic
def result_save(
    *, plan: WorkPlan, acting: Person, result: Result | None = None, revision: int | None = None, **fields
) -> Result:
    check_fields(fields, RESULT_FIELDS)
    plan = lock_plan(plan)
    ensure(acting, "results.edit_framework", plan)
    parent = fields.get("parent", result.parent if result else None)
    level = fields.get("level", result.level if result else None)
    if parent is not None:
        if parent.plan_id != plan.pk:
            raise ValidationError({"parent": _("This belongs to another work plan.")})
        if result is not None and _is_below(parent, result):
            raise ValidationError(
                {"parent": _("A result cannot contribute to itself or to a result under it.")}
            )
        if level is not None and level.depth <= parent.level.depth:
            raise ValidationError(
                {"level": _("A result sits at a lower level than the result it contributes to.")}
            )
    if result is None:
        result = Result(plan=plan, **fields)
        validate_fields(result, ["plan"])
        result._history_user = acting
        result.save()
        return result
    result = Result.objects.select_for_update(of=("self",)).get(pk=result.pk)
    revision_save(result, revision=revision, changes=fields, acting=acting)
    return result


def _is_below(candidate: Result, result: Result) -> bool:
    node, seen = candidate, set()
    while node is not None and node.pk not in seen:
        if node.pk == result.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


@transaction.atomic
def result_delete(*, result: Result, acting: Person) -> None:
    plan = lock_plan(result.plan)
    ensure(acting, "results.edit_framework", plan)
    if Measurement.objects.filter(indicator__result__in=_subtree(result)).exists():
        raise StateConflict(_("Results have been reported under this result: it cannot be removed."))
    result._history_user = acting
    result.delete()


def _subtree(result: Result) -> list[int]:
    ids, frontier = [result.pk], [result.pk]
    while frontier:
        frontier = list(Result.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


def clean_disaggregations(value) -> list[dict]:
    """[{"name": "sex", "options": ["female", "male"]}, …] from that or from a list of names."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise ValidationError({"disaggregations": _("List the disaggregation categories.")})
    cleaned, seen = [], set()
    for item in value:
        if isinstance(item, str):
            item = {"name": item, "options": []}
        if not isinstance(item, dict) or not str(item.get("name", "")).strip():
            raise ValidationError({"disaggregations": _("Each disaggregation category needs a name.")})
        name = str(item["name"]).strip().lower()[:40]
        options = item.get("options") or []
        if not isinstance(options, list):
            raise ValidationError({"disaggregations": _("List the options of each category.")})
        if name in seen:
            raise ValidationError({"disaggregations": _("Each category appears once.")})
        seen.add(name)
        cleaned.append({"name": name, "options": [str(o).strip()[:60] for o in options if str(o).strip()]})
    return cleaned


@transaction.atomic
def indicator_save(
    *,
    plan: WorkPlan,
    acting: Person,
    indicator: Indicator | None = None,
    revision: int | None = None,
    **fields,
) -> Indicator:
    check_fields(fields, {*INDICATOR_FIELDS, "position"})
    plan = lock_plan(plan)
    ensure(acting, "results.edit_framework", plan)
    result = fields.get("result", indicator.result if indicator else None)
    if result is None or result.plan_id != plan.pk:
        raise ValidationError({"result": _("Choose a result of this work plan.")})
    if "disaggregations" in fields:
        fields["disaggregations"] = clean_disaggregations(fields["disaggregations"])
    if indicator is not None and indicator.shared_id and set(fields) & ADOPTED_FIXED:
        changed = {f for f in set(fields) & ADOPTED_FIXED if fields[f] != getattr(indicator, f)}
        if changed:
            raise ValidationError(_("A shared indicator keeps the catalogue's definition and unit."))
    if indicator is None:
        indicator = Indicator(plan=plan, **fields)
        validate_fields(indicator, ["plan", "shared"])
        indicator._history_user = acting
        indicator.save()
        return indicator
    indicator = Indicator.objects.select_for_update(of=("self",)).get(pk=indicator.pk)
    probe = Indicator(**{f.attname: getattr(indicator, f.attname) for f in Indicator._meta.concrete_fields})
    for name, value in fields.items():
        setattr(probe, name, value)
    validate_fields(probe, ["plan", "shared"])
    if "unit" in fields and fields["unit"] != indicator.unit and indicator.measurements.exists():
        raise StateConflict({"unit": _("Results have been reported in this unit: it cannot change.")})
    categories_before = indicator.disaggregations
    revision_save(indicator, revision=revision, changes=fields, acting=acting)
    if indicator.disaggregations != categories_before:
        # The order of the categories decides which breakdown makes a period's total when no total
        # was reported (progress.combine_period): the stored actuals follow the new order.
        actuals_rebuild(indicator=indicator)
    return indicator


@transaction.atomic
def indicator_adopt(
    *, plan: WorkPlan, acting: Person, shared: SharedIndicator, result: Result, **fields
) -> Indicator:
    """A group takes an indicator of the network's catalogue into its framework."""
    if not shared.is_active:
        raise StateConflict(_("This indicator is no longer in the catalogue."))
    if Indicator.objects.filter(plan=plan, shared=shared).exists():
        raise StateConflict(_("This plan has already adopted this shared indicator."))
    fields = {k: v for k, v in fields.items() if k not in ADOPTED_FIXED}
    indicator = indicator_save(
        plan=plan,
        acting=acting,
        result=result,
        code=shared.code,
        name=shared.name,
        definition=shared.definition,
        unit=shared.unit,
        direction=shared.direction,
        cumulative=shared.cumulative,
        disaggregations=fields.pop("disaggregations", shared.disaggregations),
        **fields,
    )
    Indicator.objects.filter(pk=indicator.pk).update(shared=shared)
    indicator.shared = shared
    # The stored actuals carry the shared indicator for the network's totals (none yet for a new
    # indicator; kept in step should an indicator with approved values ever be linked).
    PeriodActual.objects.filter(indicator=indicator).update(shared=shared)
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: Indicator, acting: Person) -> None:
    plan = lock_plan(indicator.plan)
    ensure(acting, "results.edit_framework", plan)
    if indicator.measurements.exists():
        raise StateConflict(_("Results have been reported for this indicator: it cannot be removed."))
    indicator._history_user = acting
    indicator.delete()


def _decimal(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("Enter a number.")}) from exc
    if not number.is_finite() or abs(number) >= Decimal("1e15"):
        raise ValidationError({field: _("Enter a number.")})
    return number


@transaction.atomic
def targets_set(*, indicator: Indicator, acting: Person, targets: list[dict]) -> list[Target]:
    """Replace the indicator's targets: [{"starts_on", "ends_on", "value", "life_of_plan"}, …]."""
    plan = lock_plan(indicator.plan)
    ensure(acting, "results.edit_framework", plan)
    cleaned, periods = [], set()
    for i, item in enumerate(targets, start=1):
        starts_on, ends_on = item.get("starts_on"), item.get("ends_on")
        value = _decimal(item.get("value"), "value")
        if not isinstance(starts_on, date) or not isinstance(ends_on, date):
            raise ValidationError(_("Target %(n)s: give the start and the end of its period.") % {"n": i})
        if ends_on < starts_on:
            raise ValidationError(_("Target %(n)s: the period cannot end before it starts.") % {"n": i})
        if value is None or value < 0:
            raise ValidationError(_("Target %(n)s: give a target of zero or more.") % {"n": i})
        if indicator.unit == Unit.YES_NO and value not in (0, 1):
            raise ValidationError(_("Target %(n)s: a yes/no target is 1 (yes) or 0 (no).") % {"n": i})
        if (starts_on, ends_on) in periods:
            raise ValidationError(_("Target %(n)s: that period has a target already.") % {"n": i})
        periods.add((starts_on, ends_on))
        cleaned.append(
            Target(
                indicator=indicator,
                starts_on=starts_on,
                ends_on=ends_on,
                value=value,
                life_of_plan=bool(item.get("life_of_plan")),
            )
        )
    if sum(1 for t in cleaned if t.life_of_plan) > 1:
        raise ValidationError(_("An indicator has one life-of-plan target at most."))
    for old in indicator.targets.all():
        old._history_user = acting
        old.delete()
    for target in cleaned:
        target._history_user = acting
        target.save()
    return cleaned


@transaction.atomic
def target_save(
    *,
    indicator: Indicator,
    acting: Person,
    target: Target | None = None,
    starts_on: date,
    ends_on: date,
    value,
    life_of_plan: bool = False,
) -> Target:
    """Add or change one target of an indicator, keeping the others (and their ids) as they are; the
    same rules as ``targets_set``. Used by the spreadsheet import, which matches targets by id."""
    plan = lock_plan(indicator.plan)
    ensure(acting, "results.edit_framework", plan)
    if target is not None and target.indicator_id != indicator.pk:
        raise ValidationError({"indicator": _("This target belongs to another indicator.")})
    value = _decimal(value, "value")
    if not isinstance(starts_on, date) or not isinstance(ends_on, date):
        raise ValidationError({"starts_on": _("Give the start and the end of the target's period.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The period cannot end before it starts.")})
    if value is None or value < 0:
        raise ValidationError({"value": _("Give a target of zero or more.")})
    if indicator.unit == Unit.YES_NO and value not in (0, 1):
        raise ValidationError({"value": _("A yes/no target is 1 (yes) or 0 (no).")})
    others = Target.objects.filter(indicator=indicator)
    if target is not None:
        others = others.exclude(pk=target.pk)
    if others.filter(starts_on=starts_on, ends_on=ends_on).exists():
        raise ValidationError({"starts_on": _("That period has a target already.")})
    if life_of_plan and others.filter(life_of_plan=True).exists():
        raise ValidationError({"life_of_plan": _("An indicator has one life-of-plan target at most.")})
    if target is None:
        target = Target(indicator=indicator)
    else:
        target = Target.objects.select_for_update(of=("self",)).get(pk=target.pk)
    target.starts_on, target.ends_on, target.value = starts_on, ends_on, value
    target.life_of_plan = bool(life_of_plan)
    target._history_user = acting
    target.save()
    return target


@transaction.atomic
def target_delete(*, target: Target, acting: Person) -> None:
    plan = lock_plan(target.indicator.plan)
    ensure(acting, "results.edit_framework", plan)
    target._history_user = acting
    target.delete()


# --- Measurements --------------------------------------------------------------------------------


def check_evidence(upload) -> None:
    """An evidence file: a known type whose content matches its name, and not too big."""
    if upload is None:
        return
    import os

    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in EVIDENCE_TYPES:
        raise ValidationError({"evidence_file": _("Attach a PDF, PNG, JPEG, DOCX, XLSX, CSV or text file.")})
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"evidence_file": _("The file is larger than 10 MB.")})
    magic = EVIDENCE_TYPES[extension]
    head = upload.read(8)
    upload.seek(0)
    if magic is not None and not head.startswith(magic):
        raise ValidationError({"evidence_file": _("The file's content does not match its type.")})
    if magic is None and b"\x00" in upload.read(4096):
        upload.seek(0)
        raise ValidationError({"evidence_file": _("The file's content does not match its type.")})
    upload.seek(0)


def _clean_disaggregation(indicator: Indicator, disaggregation) -> dict:
    if not disaggregation:
        return {}
    if not isinstance(disaggregation, dict):
        raise ValidationError({"disaggregation": _("Give the disaggregation as category and option.")})
    categories = {c["name"]: c.get("options") or [] for c in indicator.disaggregations}
    cleaned = {}
    for name, option in disaggregation.items():
        name, option = str(name).strip().lower(), str(option).strip()
        if name not in categories:
            raise ValidationError(
                {"disaggregation": _("%(name)s is not a disaggregation of this indicator.") % {"name": name}}
            )
        if categories[name] and option not in categories[name]:
            raise ValidationError(
                {
                    "disaggregation": _("%(option)s is not an option of %(name)s.")
                    % {"option": option, "name": name}
                }
            )
        if name == "country":
            from django_countries import countries

            option = option.upper()
            if option not in dict(countries):
                raise ValidationError({"disaggregation": _("Give the country as its two-letter code.")})
        if not option:
            raise ValidationError({"disaggregation": _("Choose an option for %(name)s.") % {"name": name}})
        cleaned[name] = option
    return cleaned


@transaction.atomic
def measurement_record(
    *,
    indicator: Indicator,
    acting: Person,
    starts_on: date,
    ends_on: date,
    value=None,
    numerator=None,
    denominator=None,
    text: str = "",
    disaggregation: dict | None = None,
    evidence_url: str = "",
    evidence_file=None,
    note: str = "",
) -> Measurement:
    """The person responsible (or a co-chair) reports an actual; it counts once a co-chair approves it."""
    indicator = Indicator.objects.select_related("plan__group").get(pk=indicator.pk)
    ensure(acting, "results.record", indicator)
    if not isinstance(starts_on, date) or not isinstance(ends_on, date) or ends_on < starts_on:
        raise ValidationError({"ends_on": _("Give a period that ends on or after its start.")})
    if starts_on > timezone.localdate():
        raise ValidationError({"starts_on": _("Results are reported for a period that has begun.")})
    value, numerator, denominator = (
        _decimal(value, "value"),
        _decimal(numerator, "numerator"),
        _decimal(denominator, "denominator"),
    )
    unit = indicator.unit
    if unit == Unit.PERCENTAGE:
        if numerator is None or denominator is None:
            raise ValidationError({"numerator": _("A percentage is reported as numerator and denominator.")})
        if denominator <= 0 or numerator < 0:
            raise ValidationError(
                {"denominator": _("The denominator must be more than zero, the numerator zero or more.")}
            )
        value = None
    elif unit == Unit.NUMBER:
        if value is None:
            raise ValidationError({"value": _("Enter the value.")})
        numerator = denominator = None
    elif unit == Unit.YES_NO:
        if value not in (Decimal(0), Decimal(1)):
            raise ValidationError({"value": _("Answer yes (1) or no (0).")})
        numerator = denominator = None
    elif not text.strip():
        raise ValidationError({"text": _("Describe the result.")})
    cleaned = _clean_disaggregation(indicator, disaggregation)
    check_evidence(evidence_file)
    measurement = Measurement(
        indicator=indicator,
        starts_on=starts_on,
        ends_on=ends_on,
        value=value,
        numerator=numerator,
        denominator=denominator,
        text=text.strip(),
        disaggregation=cleaned,
        country=cleaned.get("country", ""),
        evidence_url=evidence_url.strip(),
        note=note.strip(),
        recorded_by=acting,
    )
    if evidence_file is not None:
        measurement.evidence_file = evidence_file
    measurement.full_clean(exclude=["indicator", "recorded_by", "evidence_file"])
    measurement._history_user = acting
    measurement.save()
    return measurement


@transaction.atomic
def measurement_review(
    *, measurement: Measurement, acting: Person, approve: bool, note: str = ""
) -> Measurement:
    """A co-chair approves a reported value (it then counts) or sends it back with a note."""
    measurement = (
        Measurement.objects.select_for_update(of=("self",))
        .select_related("indicator__plan__group")
        .get(pk=measurement.pk)
    )
    ensure(acting, "results.review", measurement.indicator)
    if measurement.status != MeasurementStatus.SUBMITTED:
        raise StateConflict(_("This value has already been reviewed."))
    if approve and approves_own_value(acting, measurement):
        raise PermissionDenied(
            _("You recorded this value: another %(lead)s or the secretariat approves it.")
            % {"lead": lead_title(measurement.indicator.plan.group)}
        )
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the value is not approved.")})
    measurement.status = MeasurementStatus.APPROVED if approve else MeasurementStatus.REJECTED
    measurement.reviewed_by, measurement.reviewed_at = acting, timezone.now()
    measurement.review_note = note.strip()
    measurement._history_user = acting
    measurement.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    if approve:
        actuals_refresh(
            indicator=measurement.indicator, starts_on=measurement.starts_on, ends_on=measurement.ends_on
        )
    return measurement


@transaction.atomic
def measurement_withdraw(*, measurement: Measurement, acting: Person) -> None:
    """Whoever recorded a value may withdraw it while it waits for approval."""
    measurement = (
        Measurement.objects.select_for_update(of=("self",))
        .select_related("indicator__plan__group")
        .get(pk=measurement.pk)
    )
    ensure(acting, "results.withdraw", measurement)
    if measurement.status != MeasurementStatus.SUBMITTED:
        raise StateConflict(_("Only a value waiting for approval can be withdrawn."))
    measurement._history_user = acting
    measurement.delete()
    # Only approved values reach PeriodActual, so a waiting value leaves it as it is; refreshed all the
    # same, so that the stored actuals cannot outlive a measurement whatever the rule above becomes.
    actuals_refresh(
        indicator=measurement.indicator, starts_on=measurement.starts_on, ends_on=measurement.ends_on
    )


def actuals_refresh(*, indicator: Indicator, starts_on: date, ends_on: date) -> None:
    """Store the computed actual of one reported period (total and by country) in PeriodActual.

    Only the outermost reported periods are stored: a period inside another reported period is its
    detail (``progress.outermost``: January reported, then the whole quarter, counts the quarter
    once), so the network's totals add up what the groups' own progress adds up; each row is
    ``progress.period_actuals``, the rule the page's progress follows too."""
    approved = Measurement.objects.filter(indicator=indicator).approved()
    outermost = set(progress.outermost(set(approved.values_list("starts_on", "ends_on").distinct())))
    stored = PeriodActual.objects.filter(indicator=indicator)
    for detail in set(stored.values_list("starts_on", "ends_on").distinct()) - outermost:
        stored.in_period(*detail).delete()
    stored.in_period(starts_on, ends_on).delete()
    if (starts_on, ends_on) not in outermost:
        return
    readings = [progress.reading_of(m) for m in approved.in_period(starts_on, ends_on).as_readings()]
    spec = progress.spec_of(indicator)
    PeriodActual.objects.bulk_create(
        PeriodActual(
            indicator=indicator,
            shared_id=indicator.shared_id,
            starts_on=starts_on,
            ends_on=ends_on,
            country=country,
            value=actual.value if spec.unit != Unit.PERCENTAGE else None,
            numerator=actual.numerator,
            denominator=actual.denominator,
        )
        for country, actual in progress.period_actuals(spec, readings).items()
    )
    generations.bump("results")  # written in bulk (no signal)


def actuals_rebuild(*, indicator: Indicator) -> None:
    """Rebuild every stored period actual of an indicator from its approved measurements."""
    periods = set(
        Measurement.objects.filter(indicator=indicator).approved().values_list("starts_on", "ends_on")
    )
    periods |= set(PeriodActual.objects.filter(indicator=indicator).values_list("starts_on", "ends_on"))
    for starts_on, ends_on in sorted(periods):
        actuals_refresh(indicator=indicator, starts_on=starts_on, ends_on=ends_on)


# --- The network's catalogue -----------------------------------------------------------------------


@transaction.atomic
def shared_indicator_save(
    *, acting: Person, shared: SharedIndicator | None = None, **fields
) -> SharedIndicator:
    ensure(acting, "results.manage_catalogue")
    check_fields(fields, SHARED_FIELDS)
    if "code" in fields:
        fields["code"] = fields["code"].strip().upper()
        clash = SharedIndicator.objects.filter(code=fields["code"])
        if shared is not None:
            clash = clash.exclude(pk=shared.pk)
        if clash.exists():
            raise StateConflict({"code": _("Another shared indicator has this code.")})
    if "disaggregations" in fields:
        fields["disaggregations"] = clean_disaggregations(fields["disaggregations"])
    if shared is not None and shared.adoptions.exists():
        locked = {
            f for f in ("unit", "direction", "cumulative") if f in fields and fields[f] != getattr(shared, f)
        }
        if locked:
            raise ValidationError(
                _("Groups have adopted this indicator: its unit and arithmetic cannot change.")
            )
    shared = shared or SharedIndicator()
    for name, value in fields.items():
        setattr(shared, name, value)
    shared.full_clean(validate_unique=False)
    shared._history_user = acting
    shared.save()
    return shared


def default_levels() -> list[ResultLevel]:
    return list(ResultLevel.objects.order_by("depth"))
