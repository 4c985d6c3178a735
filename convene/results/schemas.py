"""The shapes of the results API (convene.results.api): what it answers and what it accepts.

Bodies are the work plans API's (``convene.plans.schemas.Body``: a NUL character is refused); values
are decimals with four places, as the database keeps them.
"""

import os
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from convene.core.api_schemas import IsoDate, PersonRef
from convene.plans.models import PlanStatus
from convene.plans.schemas import ID, POSITION, REVISION, Body, person_ref

from . import progress
from .models import (
    Direction,
    Frequency,
    MeasurementStatus,
    Unit,
)

UnitValue = Literal[tuple(Unit.values)]  # type: ignore[valid-type]
DirectionValue = Literal[tuple(Direction.values)]  # type: ignore[valid-type]
FrequencyValue = Literal[tuple(Frequency.values)]  # type: ignore[valid-type]
ProgressStatus = Literal[tuple(s.value for s in progress.Status)]  # type: ignore[valid-type]
MeasurementStatusValue = Literal[tuple(MeasurementStatus.values)]  # type: ignore[valid-type]

VALUE = {"max_digits": 20, "decimal_places": 4, "ge": -(10**15) + 1, "le": 10**15 - 1}


def _four(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.0001"))


# --- Schemas: answers -------------------------------------------------------------------------------


class LevelOut(Schema):
    id: int
    name: str
    depth: int


class DisaggregationOut(Schema):
    name: str
    options: list[str] = Field(..., description="Empty: any value (countries are ISO 3166 codes).")


class PeriodProgressOut(Schema):
    starts_on: IsoDate
    ends_on: IsoDate
    life_of_plan: bool
    target: Decimal | None
    actual: Decimal | None = Field(
        ..., description="From approved measurements only; a percentage for percentages."
    )
    numerator: Decimal | None
    denominator: Decimal | None
    percent_met: Decimal | None = Field(
        ...,
        description=(
            "Share of the way from baseline to target covered, in per cent: over 100 beyond the target, "
            "negative when moving away from it."
        ),
    )
    status: ProgressStatus
    status_label: str


class ProgressOut(Schema):
    status: ProgressStatus = Field(
        ...,
        description=(
            "Today's state: the latest judged period; the life of plan's when nothing is judged yet or "
            "the latest reading falls in a period without a target of its own."
        ),
    )
    periods: list[PeriodProgressOut]
    life_of_plan: PeriodProgressOut | None


class IndicatorOut(Schema):
    id: int
    result_id: int
    shared_id: int | None = Field(..., description="The shared indicator of the catalogue it adopts.")
    code: str
    name: str
    definition: str
    unit: UnitValue
    direction: DirectionValue
    cumulative: bool
    frequency: FrequencyValue
    baseline_value: Decimal | None
    baseline_on: IsoDate | None
    data_source: str
    verification: str = Field(..., description="Means of verification.")
    responsible: PersonRef | None
    disaggregations: list[DisaggregationOut]
    position: int
    revision: int

    @staticmethod
    def resolve_responsible(obj) -> dict | None:
        return person_ref(obj.responsible)


class IndicatorProgressOut(IndicatorOut):
    progress: ProgressOut


class ResultOut(Schema):
    id: int
    parent_id: int | None
    level: LevelOut
    code: str
    statement: str
    position: int
    revision: int


class ResultNodeOut(ResultOut):
    indicators: list[IndicatorProgressOut]
    children: list["ResultNodeOut"]

    @staticmethod
    def resolve_children(obj) -> list:
        return obj.kids


ResultNodeOut.model_rebuild()


class BandOut(Schema):
    low: float = Field(..., description="Share of the target (0.85 is 85 %) from which a value is on track.")
    high: float


class FrameworkOut(Schema):
    plan_id: int
    plan_status: Literal[tuple(PlanStatus.values)]  # type: ignore[valid-type]
    on_track_band: BandOut
    levels: list[LevelOut]
    results: list[ResultNodeOut] = Field(..., description="The tree: top results, each with its children.")
    can_edit: bool = Field(..., description="Whether the caller may change the framework now.")


class TargetOut(Schema):
    starts_on: IsoDate
    ends_on: IsoDate
    value: Decimal
    life_of_plan: bool


class IndicatorPermissionsOut(Schema):
    edit: bool
    record: bool = Field(..., description="Report a measurement.")
    review: bool = Field(..., description="Approve measurements.")


class IndicatorDetailOut(IndicatorProgressOut):
    targets: list[TargetOut]
    permissions: IndicatorPermissionsOut


class MeasurementOut(Schema):
    id: int
    indicator_id: int
    starts_on: IsoDate
    ends_on: IsoDate
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    text: str
    disaggregation: dict[str, str] = Field(..., description="Empty for a total.")
    evidence_url: str
    evidence_file: str | None = Field(..., description="Name of the attached file: GET …/evidence.")
    note: str
    status: MeasurementStatusValue
    recorded_by: PersonRef | None
    recorded_at: datetime
    reviewed_by: PersonRef | None
    reviewed_at: datetime | None
    review_note: str

    @staticmethod
    def resolve_evidence_file(obj) -> str | None:
        return os.path.basename(obj.evidence_file.name) if obj.evidence_file else None

    @staticmethod
    def resolve_recorded_by(obj) -> dict | None:
        return person_ref(obj.recorded_by)

    @staticmethod
    def resolve_reviewed_by(obj) -> dict | None:
        return person_ref(obj.reviewed_by)


class SharedIndicatorOut(Schema):
    id: int
    code: str
    name: str
    definition: str
    unit: UnitValue
    direction: DirectionValue
    cumulative: bool
    disaggregations: list[DisaggregationOut]
    is_active: bool = Field(..., description="In the catalogue: groups may adopt it.")
    groups: int = Field(..., description="How many groups adopted it.")


class NetworkRowOut(Schema):
    label: str = Field(..., description="Start of the quarter or year (ISO date), or the country code.")
    value: Decimal | None = Field(..., description="Sum; a percentage for percentages.")
    numerator: Decimal | None
    denominator: Decimal | None
    groups: int = Field(..., description="Groups that reported.")

    # Sums come back from the database in its own precision (SQLite drops the trailing zeros): the
    # answer gives them as every value of an indicator, to four decimal places.
    @staticmethod
    def resolve_value(obj) -> Decimal | None:
        return _four(obj.value)

    @staticmethod
    def resolve_numerator(obj) -> Decimal | None:
        return _four(obj.numerator)

    @staticmethod
    def resolve_denominator(obj) -> Decimal | None:
        return _four(obj.denominator)

    @staticmethod
    def resolve_label(obj) -> str:
        label = obj.label
        if isinstance(label, datetime):
            label = label.date()
        return label.isoformat() if isinstance(label, date) else str(label)


class NetworkTotalsOut(Schema):
    shared: SharedIndicatorOut
    by: Literal["quarter", "year", "country"]
    year: int | None
    years: list[int] = Field(..., description="The years with reported values, newest first.")
    rows: list[NetworkRowOut]


# --- Schemas: input ---------------------------------------------------------------------------------


class ResultIn(Body):
    level_id: int = Field(..., **ID)
    parent_id: int | None = Field(None, **ID, description="The result it contributes to.")
    code: str = Field("", max_length=20)
    statement: str = Field(..., min_length=1, max_length=10_000)
    position: int = Field(0, **POSITION)


class ResultPatch(Body):
    revision: int = REVISION
    level_id: int = Field(None, **ID)
    parent_id: int | None = Field(None, **ID)
    code: str = Field(None, max_length=20)
    statement: str = Field(None, min_length=1, max_length=10_000)
    position: int = Field(None, **POSITION)


class DisaggregationIn(Body):
    name: str = Field(..., min_length=1, max_length=40, description="sex, age, country or your own.")
    options: list[str] = Field([], max_length=50)


class IndicatorIn(Body):
    result_id: int = Field(..., **ID)
    code: str = Field("", max_length=40)
    name: str = Field(..., min_length=1, max_length=300)
    definition: str = Field("", max_length=10_000)
    unit: UnitValue = "number"
    direction: DirectionValue = "increase"
    cumulative: bool = False
    frequency: FrequencyValue = "quarterly"
    baseline_value: Decimal | None = Field(None, **VALUE)
    baseline_on: IsoDate | None = None
    data_source: str = Field("", max_length=300)
    verification: str = Field("", max_length=300)
    responsible_id: int | None = Field(None, **ID, description="Who reports the measurements.")
    disaggregations: list[DisaggregationIn] = Field([], max_length=10)
    position: int = Field(0, **POSITION)


class IndicatorPatch(Body):
    revision: int = REVISION
    result_id: int = Field(None, **ID)
    code: str = Field(None, max_length=40)
    name: str = Field(None, min_length=1, max_length=300)
    definition: str = Field(None, max_length=10_000)
    unit: UnitValue = None
    direction: DirectionValue = None
    cumulative: bool = None
    frequency: FrequencyValue = None
    baseline_value: Decimal | None = Field(None, **VALUE)
    baseline_on: IsoDate | None = None
    data_source: str = Field(None, max_length=300)
    verification: str = Field(None, max_length=300)
    responsible_id: int | None = Field(None, **ID)
    disaggregations: list[DisaggregationIn] = Field(None, max_length=10)
    position: int = Field(None, **POSITION)


class AdoptIn(Body):
    shared_id: int = Field(..., **ID)
    result_id: int = Field(..., **ID)
    frequency: FrequencyValue = "quarterly"
    baseline_value: Decimal | None = Field(None, **VALUE)
    baseline_on: IsoDate | None = None
    data_source: str = Field("", max_length=300)
    verification: str = Field("", max_length=300)
    responsible_id: int | None = Field(None, **ID)
    disaggregations: list[DisaggregationIn] | None = Field(
        None, max_length=10, description="The catalogue's when left out."
    )
    position: int = Field(0, **POSITION)


class TargetIn(Body):
    starts_on: IsoDate
    ends_on: IsoDate
    value: Decimal = Field(..., **VALUE)
    life_of_plan: bool = False


class TargetsIn(Body):
    targets: list[TargetIn] = Field(
        ..., max_length=200, description="Replaces every target of the indicator."
    )


class MeasurementIn(Body):
    starts_on: IsoDate
    ends_on: IsoDate
    value: Decimal | None = Field(None, **VALUE, description="Numbers; 1 or 0 for yes/no.")
    numerator: Decimal | None = Field(None, **VALUE, description="Percentages.")
    denominator: Decimal | None = Field(None, **VALUE, description="Percentages.")
    text: str = Field("", max_length=10_000, description="Qualitative indicators.")
    disaggregation: dict[str, str] = Field(
        {}, max_length=10, description='One option per category, e.g. {"sex": "female"}; empty for a total.'
    )
    evidence_url: str = Field("", max_length=200)
    note: str = Field("", max_length=10_000)


class MeasurementFormIn(Body):
    starts_on: IsoDate
    ends_on: IsoDate
    value: Decimal | None = Field(None, **VALUE)
    numerator: Decimal | None = Field(None, **VALUE)
    denominator: Decimal | None = Field(None, **VALUE)
    text: str = Field("", max_length=10_000)
    disaggregation: str = Field(
        "", max_length=1_000, description="category=option pairs separated by commas: sex=female,country=KE"
    )
    evidence_url: str = Field("", max_length=200)
    note: str = Field("", max_length=10_000)


class MeasurementReviewIn(Body):
    approve: bool
    note: str = Field("", max_length=10_000, description="Required when the value is not approved.")


class SharedIn(Body):
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field(..., min_length=1, max_length=300)
    definition: str = Field("", max_length=10_000)
    unit: UnitValue = "number"
    direction: DirectionValue = "increase"
    cumulative: bool = False
    disaggregations: list[DisaggregationIn] = Field([], max_length=10)
    is_active: bool = True


class SharedPatch(Body):
    code: str = Field(None, min_length=1, max_length=40)
    name: str = Field(None, min_length=1, max_length=300)
    definition: str = Field(None, max_length=10_000)
    unit: UnitValue = None
    direction: DirectionValue = None
    cumulative: bool = None
    disaggregations: list[DisaggregationIn] = Field(None, max_length=10)
    is_active: bool = None
