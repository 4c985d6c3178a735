"""The shapes of the work plans API (convene.plans.api): what it answers and what it accepts.

Answers read the rows the queries shaped (``resolve_*`` reads what a prefetch put on them); bodies
refuse NUL characters (``Body``) and name a plan's parts by id. ``Body`` and ``REVISION`` serve the
results API as well.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import field_validator

from convene.core.api_schemas import BODY_ID, IsoDate, JsonBody, PersonRef

from . import queries
from .models import (
    BudgetCategory,
    ContributionKind,
    DeliverableStatus,
    FundingSource,
    PlanStatus,
    TaskStatus,
    Volunteer,
    VolunteerStatus,
)

PlanStatusValue = Literal[tuple(PlanStatus.values)]  # type: ignore[valid-type]
DeliverableStatusValue = Literal[tuple(DeliverableStatus.values)]  # type: ignore[valid-type]
TaskStatusValue = Literal[tuple(TaskStatus.values)]  # type: ignore[valid-type]
CategoryValue = Literal[tuple(BudgetCategory.values)]  # type: ignore[valid-type]
SourceValue = Literal[tuple(FundingSource.values)]  # type: ignore[valid-type]
KindValue = Literal[tuple(ContributionKind.values)]  # type: ignore[valid-type]
VolunteerStatusValue = Literal[tuple(VolunteerStatus.values)]  # type: ignore[valid-type]

POSITION = {"ge": 0, "le": 1_000_000}
MONEY = {"ge": 0, "max_digits": 14, "decimal_places": 2}
REVISION = Field(
    ...,
    ge=1,
    le=2_147_483_647,
    description="The revision the change was made from (as read). A stale one answers 409 with what changed.",
)
ID = BODY_ID


# --- Schemas: answers -------------------------------------------------------------------------------


class GroupRef(Schema):
    slug: str
    name: str


class OrganisationRef(Schema):
    id: int
    name: str


def _all(related) -> list:
    """A related manager's rows, or the list a nested schema already made of it."""
    return list(related.all()) if hasattr(related, "all") else list(related)


def person_ref(person) -> dict | None:
    """A person as the API names them (``PersonRef``), or None; shared with the results API."""
    return {"id": person.pk, "name": person.display_name} if person is not None else None


class PlanOut(Schema):
    id: int
    title: str
    starts_on: IsoDate
    ends_on: IsoDate
    status: PlanStatusValue
    version: int = Field(..., description="The last version submitted or approved; 0 before the first.")
    revision: int
    currency: str = Field(..., description="The reporting currency: every amount is also given in it.")
    top_issues: str
    summary: str
    submitted_on: IsoDate | None
    approved_on: IsoDate | None
    review_comment: str = Field(..., description="The steering committee's comments at the last review.")
    updated_at: datetime


class ObjectiveOut(Schema):
    id: int
    title: str
    description: str
    position: int
    revision: int


class VolunteerOut(Schema):
    id: int
    task_id: int
    person: PersonRef
    note: str
    status: VolunteerStatusValue
    created_at: datetime
    decided_at: datetime | None

    @staticmethod
    def resolve_person(obj) -> dict | None:
        return person_ref(obj.person)


class TaskOut(Schema):
    id: int
    deliverable_id: int
    title: str
    description: str
    assignee: PersonRef | None
    starts_on: IsoDate | None
    due_on: IsoDate | None
    status: TaskStatusValue
    late: bool = Field(..., description="Past its due date and neither done nor cancelled.")
    help_wanted: bool
    skills: list[str] = Field(..., description="Topic slugs of the skills the task needs.")
    position: int
    revision: int
    offers: list[VolunteerOut] = Field(
        [], description="Open offers to help: all of them for the co-chairs, the caller's own otherwise."
    )

    @staticmethod
    def resolve_assignee(obj) -> dict | None:
        return person_ref(obj.assignee)

    @staticmethod
    def resolve_late(obj) -> bool:
        return queries.is_late(obj.due_on, obj.status)

    @staticmethod
    def resolve_skills(obj) -> list[str]:
        return [topic.slug for topic in _all(obj.skills)]

    @staticmethod
    def resolve_offers(obj) -> list:
        return getattr(obj, "offers_shown", [])


class DeliverableOut(Schema):
    id: int
    objective_id: int | None
    title: str
    description: str
    owner: PersonRef | None
    starts_on: IsoDate | None
    due_on: IsoDate | None
    cost: Decimal | None
    status: DeliverableStatusValue
    late: bool = Field(..., description="Past its due date and neither done nor cancelled.")
    position: int
    revision: int

    @staticmethod
    def resolve_owner(obj) -> dict | None:
        return person_ref(obj.owner)

    @staticmethod
    def resolve_late(obj) -> bool:
        return queries.is_late(obj.due_on, obj.status)


class DeliverableWithTasksOut(DeliverableOut):
    tasks: list[TaskOut]


class PartnerShareOut(Schema):
    organisation: OrganisationRef
    cash: Decimal
    in_kind: Decimal


class BudgetSummaryOut(Schema):
    currency: str
    planned: Decimal
    actual: Decimal
    funded: Decimal = Field(..., description="Network funds and partner contributions.")
    gap: Decimal = Field(..., description="Not yet funded: what the committee raises funds for.")
    by_category: dict[str, Decimal]
    by_source: dict[str, Decimal]
    partners: list[PartnerShareOut]
    missing_rates: list[str] = Field(..., description="Currencies used without a stored rate (left out).")

    @staticmethod
    def resolve_partners(obj) -> list[dict]:
        return [
            {"organisation": {"id": org.pk, "name": org.name}, "cash": cash, "in_kind": in_kind}
            for org, cash, in_kind in obj.partners
        ]


class PlanPermissionsOut(Schema):
    edit: bool
    submit: bool
    review: bool
    revise: bool
    comment: bool
    update_progress: bool = Field(..., description="Statuses and actual amounts of a plan in force.")


class PlanDetailOut(PlanOut):
    group: GroupRef
    created_by: PersonRef | None
    objectives: list[ObjectiveOut]
    deliverables: list[DeliverableWithTasksOut]
    budget: BudgetSummaryOut
    permissions: PlanPermissionsOut = Field(..., description="What the caller may do with the plan now.")

    @staticmethod
    def resolve_created_by(obj) -> dict | None:
        return person_ref(obj.created_by)


class VersionOut(Schema):
    id: int
    number: int
    status: PlanStatusValue
    created_at: datetime
    created_by: PersonRef | None
    decision_id: int | None

    @staticmethod
    def resolve_created_by(obj) -> dict | None:
        return person_ref(obj.created_by)


class FieldChangeOut(Schema):
    name: str
    before: Any
    after: Any


class ChangeOut(Schema):
    section: str = Field(..., description="plan, objectives, deliverables, tasks, results, indicators, …")
    kind: Literal["added", "removed", "changed"]
    label: str
    fields: list[FieldChangeOut]

    @staticmethod
    def resolve_fields(obj) -> list[dict]:
        return [{"name": n, "before": before, "after": after} for n, before, after in obj.fields]


class ComparisonOut(Schema):
    from_version: VersionOut
    to_version: VersionOut | None = Field(..., description="None: the plan as it is now.")
    changes: list[ChangeOut]


class CommentOut(Schema):
    id: int
    author: PersonRef | None
    body: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj) -> dict | None:
        return person_ref(obj.author)


class RateOut(Schema):
    id: int
    currency: str
    rate: Decimal = Field(..., description="Worth of one unit of the currency in the reporting currency.")
    as_of: IsoDate | None


class BudgetLineOut(Schema):
    id: int
    category: CategoryValue
    deliverable_id: int | None
    description: str
    currency: str
    planned: Decimal
    actual: Decimal | None
    source: SourceValue
    partner: OrganisationRef | None
    kind: KindValue
    valuation: str
    position: int
    revision: int

    @staticmethod
    def resolve_partner(obj) -> dict | None:
        return {"id": obj.partner.pk, "name": obj.partner.name} if obj.partner_id else None


class BudgetOut(Schema):
    summary: BudgetSummaryOut
    lines: list[BudgetLineOut]
    rates: list[RateOut]


class HRNeedOut(Schema):
    id: int
    role: str
    hours_per_month: Decimal
    starts_on: IsoDate | None
    ends_on: IsoDate | None
    filled_by: PersonRef | None
    filled_by_organisation: OrganisationRef | None
    is_open: bool
    note: str
    revision: int

    @staticmethod
    def resolve_filled_by(obj) -> dict | None:
        return person_ref(obj.filled_by)

    @staticmethod
    def resolve_filled_by_organisation(obj) -> dict | None:
        org = obj.filled_by_organisation
        return {"id": org.pk, "name": org.name} if org is not None else None


class HelpWantedOut(Schema):
    id: int = Field(..., description="The task's id: volunteer with POST tasks/{id}/volunteer.")
    title: str
    description: str
    due_on: IsoDate | None
    skills: list[str]
    matches_my_expertise: bool
    group: GroupRef
    plan_id: int
    deliverable: str
    my_offer: VolunteerOut | None

    @staticmethod
    def resolve_skills(obj) -> list[str]:
        return [topic.slug for topic in _all(obj.skills)]

    @staticmethod
    def resolve_group(obj) -> dict:
        group = obj.deliverable.plan.group
        return {"slug": group.slug, "name": group.name}

    @staticmethod
    def resolve_plan_id(obj) -> int:
        return obj.deliverable.plan_id

    @staticmethod
    def resolve_deliverable(obj) -> str:
        return obj.deliverable.title

    @staticmethod
    def resolve_matches_my_expertise(obj) -> bool:
        return bool(getattr(obj, "matches", False))

    @staticmethod
    def resolve_my_offer(obj) -> Volunteer | None:
        return obj.my_offers[0] if getattr(obj, "my_offers", None) else None


# --- Schemas: input ---------------------------------------------------------------------------------


def _no_nul(value):
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("Text cannot contain NUL characters.")
    if isinstance(value, list | tuple):
        for item in value:
            _no_nul(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_nul(key)
            _no_nul(item)
    return value


class Body(JsonBody):
    """A request body: a NUL character in a text is refused (422), as PostgreSQL cannot store one.

    Shared with convene.results.api."""

    @field_validator("*")
    @classmethod
    def _refuse_nul(cls, value):
        return _no_nul(value)


class PlanIn(Body):
    title: str = Field(..., min_length=1, max_length=200)
    starts_on: IsoDate
    ends_on: IsoDate
    top_issues: str = Field("", max_length=10_000)
    summary: str = Field("", max_length=10_000)


class PlanPatch(Body):
    revision: int = REVISION
    title: str = Field(None, min_length=1, max_length=200)
    starts_on: IsoDate = None
    ends_on: IsoDate = None
    top_issues: str = Field(None, max_length=10_000)
    summary: str = Field(None, max_length=10_000)


class ReviewIn(Body):
    approve: bool
    comment: str = Field("", max_length=10_000, description="Required when returning the plan.")
    decided_on: IsoDate | None = Field(None, description="Today when left out.")


class ObjectiveIn(Body):
    title: str = Field(..., min_length=1, max_length=300)
    description: str = Field("", max_length=10_000)
    position: int = Field(0, **POSITION)


class ObjectivePatch(Body):
    revision: int = REVISION
    title: str = Field(None, min_length=1, max_length=300)
    description: str = Field(None, max_length=10_000)
    position: int = Field(None, **POSITION)


class DeliverableIn(Body):
    title: str = Field(..., min_length=1, max_length=300)
    description: str = Field("", max_length=10_000)
    objective_id: int | None = Field(None, **ID)
    owner_id: int | None = Field(None, **ID, description="A person of the network.")
    starts_on: IsoDate | None = None
    due_on: IsoDate | None = None
    cost: Decimal | None = Field(None, **MONEY)
    status: DeliverableStatusValue = "planned"
    position: int = Field(0, **POSITION)


class DeliverablePatch(Body):
    revision: int = REVISION
    title: str = Field(None, min_length=1, max_length=300)
    description: str = Field(None, max_length=10_000)
    objective_id: int | None = Field(None, **ID)
    owner_id: int | None = Field(None, **ID)
    starts_on: IsoDate | None = None
    due_on: IsoDate | None = None
    cost: Decimal | None = Field(None, **MONEY)
    status: DeliverableStatusValue = None
    position: int = Field(None, **POSITION)


class TaskIn(Body):
    title: str = Field(..., min_length=1, max_length=300)
    description: str = Field("", max_length=10_000)
    assignee_id: int | None = Field(None, **ID)
    starts_on: IsoDate | None = None
    due_on: IsoDate | None = None
    status: TaskStatusValue = "todo"
    help_wanted: bool = False
    skills: list[str] = Field([], max_length=20, description="Topic slugs.")
    position: int = Field(0, **POSITION)


class TaskPatch(Body):
    revision: int = REVISION
    title: str = Field(None, min_length=1, max_length=300)
    description: str = Field(None, max_length=10_000)
    assignee_id: int | None = Field(None, **ID)
    starts_on: IsoDate | None = None
    due_on: IsoDate | None = None
    status: TaskStatusValue = None
    help_wanted: bool = None
    skills: list[str] = Field(None, max_length=20, description="Topic slugs: replaces the list.")
    position: int = Field(None, **POSITION)


class CommentIn(Body):
    body: str = Field(..., min_length=1, max_length=10_000)


class RateIn(Body):
    currency: str = Field(..., min_length=3, max_length=3, description="ISO 4217 code, such as KES.")
    rate: Decimal = Field(..., gt=0, max_digits=18, decimal_places=8)
    as_of: IsoDate | None = None


class RatePatch(Body):
    rate: Decimal = Field(None, gt=0, max_digits=18, decimal_places=8)
    as_of: IsoDate | None = None


class BudgetLineIn(Body):
    category: CategoryValue
    description: str = Field(..., min_length=1, max_length=300)
    deliverable_id: int | None = Field(None, **ID)
    currency: str = Field(None, min_length=3, max_length=3, description="The plan's currency when left out.")
    planned: Decimal = Field(Decimal(0), **MONEY)
    actual: Decimal | None = Field(None, **MONEY)
    source: SourceValue = "network"
    partner_id: int | None = Field(None, **ID, description="The contributing organisation (source partner).")
    kind: KindValue = "cash"
    valuation: str = Field("", max_length=300, description="How an in-kind contribution was valued.")
    position: int = Field(0, **POSITION)


class BudgetLinePatch(Body):
    revision: int = REVISION
    category: CategoryValue = None
    description: str = Field(None, min_length=1, max_length=300)
    deliverable_id: int | None = Field(None, **ID)
    currency: str = Field(None, min_length=3, max_length=3)
    planned: Decimal = Field(None, **MONEY)
    actual: Decimal | None = Field(None, **MONEY)
    source: SourceValue = None
    partner_id: int | None = Field(None, **ID)
    kind: KindValue = None
    valuation: str = Field(None, max_length=300)
    position: int = Field(None, **POSITION)


HOURS = {"ge": 0, "max_digits": 7, "decimal_places": 1}


class HRNeedIn(Body):
    role: str = Field(..., min_length=1, max_length=200)
    hours_per_month: Decimal = Field(..., **HOURS)
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    filled_by_id: int | None = Field(None, **ID, description="A person of the network.")
    filled_by_organisation_id: int | None = Field(None, **ID)
    note: str = Field("", max_length=10_000)


class HRNeedPatch(Body):
    revision: int = REVISION
    role: str = Field(None, min_length=1, max_length=200)
    hours_per_month: Decimal = Field(None, **HOURS)
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    filled_by_id: int | None = Field(None, **ID)
    filled_by_organisation_id: int | None = Field(None, **ID)
    note: str = Field(None, max_length=10_000)


class VolunteerIn(Body):
    note: str = Field("", max_length=2_000, description="What you bring to the task.")


class VolunteerAnswerIn(Body):
    accept: bool


class SubmitIn(Body):
    comment: str = Field(
        "",
        max_length=10_000,
        description="For the committee. Required when a returned plan is sent back unchanged.",
    )
