"""API answers about governance records, shared by every app whose endpoints record a decision."""

from typing import Literal

from ninja import Field, Schema

from convene.core.api_schemas import IsoDate, PersonRef

from .models import DecisionEffect, DecisionOutcome


class DecisionOut(Schema):
    id: int
    title: str = Field(..., description="In the language of the request (Accept-Language).")
    title_kind: str = Field(
        ...,
        description="Which title the system wrote (group_launched, cochair_appointed, …); empty if typed.",
    )
    title_params: dict[str, str | int] = Field(..., description="The names that go into the title.")
    text: str
    outcome: Literal[tuple(DecisionOutcome.values)]  # type: ignore[valid-type]
    effect: Literal[tuple(DecisionEffect.values)]  # type: ignore[valid-type]
    decided_on: IsoDate
    on_behalf: bool = Field(..., description="Recorded by the secretariat on the committee's behalf.")
    group: str | None = Field(None, description="Slug of the group the decision is about.")
    recorded_by: PersonRef

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.localized_title

    @staticmethod
    def resolve_group(obj) -> str | None:
        return obj.group.slug if obj.group_id else None

    @staticmethod
    def resolve_recorded_by(obj) -> dict:
        return {"id": obj.recorded_by_id, "name": obj.recorded_by.display_name}
