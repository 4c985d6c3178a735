"""Reads of results frameworks, progress and network-wide totals (STYLE §2)."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Subquery, Sum
from django.db.models.functions import TruncQuarter, TruncYear
from django.http import Http404
from django.utils import timezone

from convene.plans.models import WorkPlan

from . import progress
from .models import (
    Indicator,
    Measurement,
    PeriodActual,
    Result,
    SharedIndicator,
    Target,
    Unit,
)


def framework(plan: WorkPlan) -> list[Result]:
    """The plan's results as a tree (``result.kids``), indicators and targets prefetched, in order."""
    indicators = Indicator.objects.select_related("responsible__profile", "shared").prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("life_of_plan", "starts_on"))
    )
    results = list(
        Result.objects.filter(plan=plan)
        .select_related("level")
        .prefetch_related(Prefetch("indicators", queryset=indicators))
        .order_by("level__depth", "position", "pk")
    )
    by_parent: dict[int | None, list[Result]] = defaultdict(list)
    for result in results:
        by_parent[result.parent_id].append(result)
    for result in results:
        result.kids = by_parent.get(result.pk, [])
    known = {r.pk for r in results}
    return [r for r in results if r.parent_id is None or r.parent_id not in known]


def result_in_plan(plan: WorkPlan, pk: int) -> Result:
    """One result of this plan, or 404 (a result of another plan is not found under this one)."""
    result = Result.objects.select_related("level", "parent").filter(plan=plan, pk=pk).first()
    if result is None:
        raise Http404
    result.plan = plan
    return result


def indicator_in_plan(plan: WorkPlan, pk: int) -> Indicator:
    """One indicator of this plan with its result, shared definition and targets, or 404."""
    indicator = (
        Indicator.objects.select_related("result__level", "responsible__profile", "shared")
        .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("life_of_plan", "starts_on")))
        .filter(plan=plan, pk=pk)
        .first()
    )
    if indicator is None:
        raise Http404
    indicator.plan = indicator.result.plan = plan
    return indicator


def measurement_in_plan(plan: WorkPlan, pk: int) -> Measurement:
    measurement = (
        Measurement.objects.select_related("indicator", "recorded_by__profile")
        .filter(indicator__plan=plan, pk=pk)
        .first()
    )
    if measurement is None:
        raise Http404
    measurement.indicator.plan = plan
    return measurement


def adoptable(plan: WorkPlan):
    """The shared indicators of the catalogue this plan has not adopted yet."""
    return SharedIndicator.objects.in_catalogue().exclude(adoptions__plan=plan).order_by("code")


def flatten(tree: list[Result], depth: int = 0) -> list[tuple[int, Result]]:
    rows = []
    for result in tree:
        rows.append((depth, result))
        rows += flatten(result.kids, depth + 1)
    return rows


def approved_readings(indicators) -> dict[int, list[progress.Reading]]:
    """Approved measurements of several indicators in one query, as readings per indicator."""
    readings: dict[int, list[progress.Reading]] = defaultdict(list)
    ids = [i.pk for i in indicators]
    if not ids:
        return readings
    # Tuples, not model instances: at 680 measurements building the objects was most of the time.
    rows = (
        Measurement.objects.filter(indicator_id__in=ids)
        .approved()
        .values_list(
            "indicator_id", "starts_on", "ends_on", "value", "numerator", "denominator", "disaggregation"
        )
    )
    for indicator_id, starts_on, ends_on, value, numerator, denominator, disaggregation in rows:
        readings[indicator_id].append(
            progress.Reading(
                starts_on,
                ends_on,
                value,
                numerator,
                denominator,
                tuple(sorted((disaggregation or {}).items())),
            )
        )
    return readings


def progress_of(
    indicator: Indicator, readings: list[progress.Reading], *, country: str = ""
) -> progress.Progress:
    """The indicator's progress (in one country with ``country``) by the rules of ``progress``."""
    periods = [
        progress.Period(t.starts_on, t.ends_on, t.value, t.life_of_plan) for t in indicator.targets.all()
    ]
    return progress.compute(
        progress.spec_of(indicator),
        periods,
        readings,
        band=progress.on_track_band(),
        today=timezone.localdate(),
        country=country,
    )


def plan_progress(plan: WorkPlan) -> tuple[list[tuple[int, Result]], dict[int, progress.Progress]]:
    """The framework in reading order and each indicator's progress: a fixed number of queries."""
    rows = flatten(framework(plan))
    indicators = [i for _d, r in rows for i in r.indicators.all()]
    readings = approved_readings(indicators)
    return rows, {i.pk: progress_of(i, readings.get(i.pk, [])) for i in indicators}


def pending_measurements(plan: WorkPlan):
    return (
        Measurement.objects.filter(indicator__plan=plan)
        .waiting()
        .select_related("indicator", "recorded_by__profile")
        .order_by("indicator_id", "starts_on", "pk")
    )


def measurements_of(indicator: Indicator):
    return (
        Measurement.objects.filter(indicator=indicator)
        .select_related("recorded_by__profile", "reviewed_by__profile")
        .order_by("-starts_on", "pk")
    )


# --- Network-wide totals of shared indicators --------------------------------------------------------


@dataclass
class NetworkRow:
    label: object  # the period (a date: start of the quarter or year) or the country code
    value: object  # sum for numbers and yes/no, percentage for percentages
    numerator: object = None
    denominator: object = None
    groups: int = 0


def catalogue_with_adoption():
    return SharedIndicator.objects.annotate(groups=Count("adoptions__plan__group", distinct=True)).order_by(
        "code"
    )


def network_totals(
    shared: SharedIndicator, *, by: str = "quarter", year: int | None = None
) -> list[NetworkRow]:
    """The network-wide total of a shared indicator by quarter, by year or by country.

    Sums the stored period actuals of every adopting group (only approved measurements reach them),
    so the cost is one aggregate query over an indexed table, whatever the number of measurements.
    A percentage is the sum of numerators over the sum of denominators. A count (a cumulative number)
    adds up every period; a level (anything else: ``progress`` takes its latest reading) is not added
    up over time: each group's latest reported period in the quarter, year or plan counts, then the
    groups add up (three monthly caseloads are not a quarter's caseload).
    """
    qs = PeriodActual.objects.filter(shared=shared)
    if by == "country":
        qs = qs.by_country()
        key, trunc = "country", None
    else:
        qs = qs.totals()
        trunc = TruncYear if by == "year" else TruncQuarter
        qs = qs.annotate(period=trunc("ends_on"))
        key = "period"
    if year:
        qs = qs.filter(ends_on__year=year)
    if not progress.spec_of(shared).counts:
        latest = PeriodActual.objects.filter(indicator=OuterRef("indicator"), country=OuterRef("country"))
        if trunc is not None:
            latest = latest.annotate(bucket=trunc("ends_on")).filter(bucket=OuterRef("period"))
        if year:
            latest = latest.filter(ends_on__year=year)
        qs = qs.filter(ends_on=Subquery(latest.order_by("-ends_on").values("ends_on")[:1]))
    rows = (
        qs.values(key)
        .annotate(
            total=Sum("value"),
            num=Sum("numerator"),
            den=Sum("denominator"),
            groups=Count("indicator__plan__group", distinct=True),
        )
        .order_by(key)
    )
    out = []
    for row in rows:
        if shared.unit == Unit.PERCENTAGE:
            value = row["num"] * 100 / row["den"] if row["den"] else None
        else:
            value = row["total"]
        out.append(NetworkRow(row[key], value, row["num"], row["den"], row["groups"]))
    return out


def network_years(shared: SharedIndicator) -> list[int]:
    return sorted(
        {d.year for d in PeriodActual.objects.filter(shared=shared).dates("ends_on", "year")}, reverse=True
    )


def shared_indicator(pk: int) -> SharedIndicator:
    shared = SharedIndicator.objects.filter(pk=pk).first()
    if shared is None:
        raise Http404
    return shared


def indicators_adopting(shared: SharedIndicator):
    return Indicator.objects.filter(shared=shared).select_related("plan__group").order_by("plan__group__name")


# --- What waits for a person (the personal home page) ---------------------------------------------

HOME_LIMIT = 20


@dataclass
class ValueDue:
    indicator: Indicator
    periods: list[str]  # the ended periods with no value reported, oldest first ("Q1 2025")


def values_to_report(*, person, today=None) -> list[ValueDue]:
    """The indicators a person is responsible for, in plans in force of open groups, with periods that
    have ended and no value reported (a value not approved must be reported again). Two queries."""
    from convene.groups.models import OPEN_STATUSES
    from convene.plans.models import PlanStatus

    from .periods import period_label, periods_for

    today = today or timezone.localdate()
    indicators = list(
        Indicator.objects.filter(
            responsible=person,
            plan__status__in=[PlanStatus.APPROVED, PlanStatus.REVISING],
            plan__group__status__in=OPEN_STATUSES,
        )
        .select_related("plan__group")
        .order_by("plan__group__name", "position", "pk")[:HOME_LIMIT]
    )
    if not indicators:
        return []
    reported = set(
        Measurement.objects.filter(indicator__in=indicators)
        .reported()
        .values_list("indicator_id", "starts_on", "ends_on")
    )
    due = []
    for indicator in indicators:
        periods = [
            period_label(start, end)
            for start, end in periods_for(
                indicator.frequency, indicator.plan.starts_on, indicator.plan.ends_on
            )
            if end < today and (indicator.pk, start, end) not in reported
        ]
        if periods:
            due.append(ValueDue(indicator=indicator, periods=periods))
    return due


def values_to_review(*, group_ids, limit: int = HOME_LIMIT) -> list[Measurement]:
    """Values reported in the given groups and waiting for a co-chair's approval, oldest first."""
    if not group_ids:
        return []
    return list(
        Measurement.objects.filter(indicator__plan__group_id__in=group_ids)
        .waiting()
        .select_related("indicator__plan__group", "recorded_by__profile")
        .order_by("recorded_at", "pk")[:limit]
    )
