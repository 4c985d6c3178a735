"""The advocacy API under /api/v1/advocacy/: the same rules, queries and services as the pages.

A private plan answers 404 to anyone but its owner, as on the pages; a list holds only what the caller
may see."""

import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from convene.core.api_schemas import BODY_ID, EDIT_ERRORS, ERRORS, READ_ERRORS, IsoDate, JsonBody, PathId
from convene.core.pagination import ApiPagination
from convene.core.rules import can
from convene.groups.models import Group
from convene.library.models import Resource

from . import queries, services
from .models import (
    WORKSHEET_FIELDS,
    AdvocacyPlan,
    AudienceType,
    ItemKind,
    ItemState,
    NarrativeItem,
    NarrativeTranslation,
    PlanAction,
    Stage,
    Step,
    TestingMethod,
    Visibility,
)
from .rules import may_edit_plan

router = Router(tags=["advocacy"])

# --- Schemas -------------------------------------------------------------------------------------


class NarrativeItemOut(Schema):
    id: int
    kind: str
    state: str
    language: str = Field(..., description="The language of title and statement (BCP 47).")
    title: str
    statement: str
    translated: bool = Field(..., description="Whether the text is an approved translation.")
    figure: str
    source: str
    source_url: str
    source_year: int | None
    country: str = Field(..., description="ISO 3166 code, or empty for a global item.")
    topic: str
    audiences: list[str]
    needs_review: bool = Field(..., description="A fact whose source is older than the set age.")
    replaced_by_id: int | None


class NarrativeItemIn(JsonBody):
    kind: Literal[tuple(ItemKind.values)]  # type: ignore[valid-type]
    title: str = Field(..., min_length=1, max_length=200)
    statement: str = Field(..., min_length=1, max_length=10_000)
    language: str = Field("en", max_length=35)
    figure: str = Field("", max_length=100)
    source: str = Field("", max_length=300)
    source_url: str = Field("", max_length=200)
    source_year: int | None = Field(None, ge=1900, le=2100)
    country: str = Field("", max_length=2)
    topic: str = Field("", max_length=100)
    audiences: list[Literal[tuple(AudienceType.values)]] = Field([], max_length=20)  # type: ignore[valid-type]


class NarrativeMoveIn(JsonBody):
    state: Literal[tuple(ItemState.values)]  # type: ignore[valid-type]
    replaced_by_id: int | None = Field(None, **BODY_ID)


class NarrativeTranslationIn(JsonBody):
    language: str = Field(..., min_length=2, max_length=35)
    title: str = Field(..., min_length=1, max_length=200)
    statement: str = Field(..., min_length=1, max_length=10_000)


class NarrativeTranslationOut(Schema):
    id: int
    item_id: int
    language: str
    title: str
    statement: str
    approved: bool


class AdvocacyPlanIn(JsonBody):
    title: str = Field(..., min_length=1, max_length=200)
    country: str = Field("", max_length=2)
    language: str = Field("en", max_length=35)
    copy_of: int | None = Field(None, description="Start as a copy of this plan.", **BODY_ID)


class AdvocacyPlanSummaryOut(Schema):
    id: int
    title: str
    country: str
    stage: str
    visibility: str
    group: str | None
    flagged: bool


class AdvocacyAudienceOut(Schema):
    id: int
    name: str
    kind: str
    knows: str
    believes: str
    should_do: str
    alignment: int
    interest: int
    influence: int
    approach: str


class AdvocacyMessageOut(Schema):
    id: int
    revision: int = Field(..., description="Send it back to change the message.")
    audience_id: int | None
    source_id: int
    language: str
    text: str


class AdvocacyEventOut(Schema):
    id: int
    title: str
    starts: datetime.datetime
    ends: datetime.datetime
    cancelled: bool


class AdvocacyActionOut(Schema):
    id: int
    revision: int = Field(..., description="Send it back to change the action.")
    what: str
    who: str
    when: datetime.date | None
    cost: Decimal | None
    event: AdvocacyEventOut | None = Field(
        None, description="The event of the network's calendar (null if none, or not yours to see)."
    )
    event_url: str


class AdvocacyResourceOut(Schema):
    id: int = Field(..., description="The library resource.")
    title: str
    kind: str
    year: int
    language: str


class AdvocacyVariantOut(Schema):
    id: int
    text: str
    result: str


class AdvocacyTestOut(Schema):
    id: int
    hypothesis: str
    method: str
    sample: str
    decision: str
    audience_id: int | None
    winner_id: int | None
    variants: list[AdvocacyVariantOut]


class AdvocacyEvidenceOut(Schema):
    id: int
    step: str
    what: str
    happened_on: datetime.date
    link: str
    document: str
    audience_id: int | None


class AdvocacyPlanOut(AdvocacyPlanSummaryOut):
    language: str
    region: str
    issue: str
    evidence: str
    policy_window: str
    key_dates: str
    goal_change: str
    goal_institution: str
    goal_by: datetime.date | None
    objectives: str
    messengers: str
    allies: str
    partners: str
    opponents: str
    channels: str
    materials: str
    risks: str
    monitoring: str
    revision: int = Field(..., description="Send it back with a worksheet to catch a concurrent edit.")
    worksheets_done: list[str]
    resources: list[AdvocacyResourceOut] = Field(..., description="Materials from the library.")
    audiences: list[AdvocacyAudienceOut]
    messages: list[AdvocacyMessageOut]
    actions: list[AdvocacyActionOut]
    tests: list[AdvocacyTestOut]
    evidence_items: list[AdvocacyEvidenceOut]


class AdvocacyWorksheetIn(JsonBody):
    country: str | None = Field(None, max_length=2)
    region: str | None = Field(None, max_length=200)
    issue: str | None = Field(None, max_length=20_000)
    evidence: str | None = Field(None, max_length=20_000)
    policy_window: str | None = Field(None, max_length=20_000)
    key_dates: str | None = Field(None, max_length=20_000)
    goal_change: str | None = Field(None, max_length=20_000)
    goal_institution: str | None = Field(None, max_length=300)
    goal_by: IsoDate | None = None
    objectives: str | None = Field(None, max_length=20_000)
    messengers: str | None = Field(None, max_length=20_000)
    allies: str | None = Field(None, max_length=20_000)
    partners: str | None = Field(None, max_length=20_000)
    opponents: str | None = Field(None, max_length=20_000)
    channels: str | None = Field(None, max_length=20_000)
    materials: str | None = Field(None, max_length=20_000)
    risks: str | None = Field(None, max_length=20_000)
    monitoring: str | None = Field(None, max_length=20_000)
    revision: int | None = Field(
        None,
        ge=1,
        le=2_147_483_647,
        description="The plan's revision you read: 409 if one of this worksheet's fields changed since.",
    )


class AdvocacySettingsIn(JsonBody):
    title: str = Field(..., min_length=1, max_length=200)
    visibility: Literal[tuple(Visibility.values)]  # type: ignore[valid-type]
    stage: Literal[tuple(Stage.values)]  # type: ignore[valid-type]
    group: str | None = Field(None, max_length=160, description="Slug of the group to share it with.")


class AdvocacyAudienceIn(JsonBody):
    name: str = Field(..., min_length=1, max_length=200)
    kind: Literal[tuple(AudienceType.values)]  # type: ignore[valid-type]
    knows: str = Field("", max_length=10_000)
    believes: str = Field("", max_length=10_000)
    should_do: str = Field("", max_length=10_000)
    alignment: int = Field(3, ge=1, le=5)
    interest: int = Field(3, ge=1, le=5)
    influence: int = Field(3, ge=1, le=5)


class AdvocacyMessageIn(JsonBody):
    source_id: int = Field(..., description="An approved narrative item.", **BODY_ID)
    audience_id: int | None = Field(None, **BODY_ID)
    language: str | None = Field(None, max_length=35)
    text: str = Field(..., min_length=1, max_length=10_000)


class AdvocacyMessagePatch(JsonBody):
    revision: int = Field(..., ge=1, le=2_147_483_647, description="The message's revision you read.")
    source_id: int = Field(None, description="An approved narrative item.", **BODY_ID)
    audience_id: int | None = Field(None, **BODY_ID)
    language: str = Field(None, min_length=2, max_length=35)
    text: str = Field(None, min_length=1, max_length=10_000)


class AdvocacyActionIn(JsonBody):
    what: str = Field(..., min_length=1, max_length=300)
    who: str = Field("", max_length=200)
    when: IsoDate | None = Field(None, description="Empty with an event: the event's day.")
    cost: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    event_id: int | None = Field(None, description="An upcoming event of the calendar.", **BODY_ID)
    event_url: str = Field("", max_length=200, description="Or a link to an event elsewhere.")


class AdvocacyActionPatch(JsonBody):
    revision: int = Field(..., ge=1, le=2_147_483_647, description="The action's revision you read.")
    what: str = Field(None, min_length=1, max_length=300)
    who: str = Field(None, max_length=200)
    when: IsoDate | None = None
    cost: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    event_id: int | None = Field(None, **BODY_ID)
    event_url: str = Field(None, max_length=200)


class AdvocacyResourceIn(JsonBody):
    resource_id: int = Field(..., description="A resource of the library.", **BODY_ID)


class AdvocacyVariantIn(JsonBody):
    text: str = Field(..., min_length=1, max_length=10_000)
    result: str = Field("", max_length=10_000)


class AdvocacyTestIn(JsonBody):
    hypothesis: str = Field(..., min_length=1, max_length=10_000)
    method: Literal[tuple(TestingMethod.values)]  # type: ignore[valid-type]
    sample: str = Field("", max_length=300)
    variants: list[AdvocacyVariantIn] = Field(..., min_length=2, max_length=6)
    winner: int | None = Field(None, ge=0, le=5, description="Index of the winning version.")
    decision: str = Field("", max_length=10_000)
    audience_id: int | None = Field(None, **BODY_ID)


class AdvocacyEvidenceIn(JsonBody):
    step: Literal[tuple(Step.values)]  # type: ignore[valid-type]
    what: str = Field(..., min_length=1, max_length=300)
    happened_on: IsoDate
    link: str = Field("", max_length=200)
    document: str = Field("", max_length=300)
    audience_id: int | None = Field(None, **BODY_ID)


class AdvocacyCountryOut(Schema):
    country: str
    plans: int
    informed: int
    persuaded: int
    acted: int


class AdvocacyNetworkOut(Schema):
    plans: list[AdvocacyPlanSummaryOut]
    countries: list[AdvocacyCountryOut]
    summary: dict


# --- Helpers -------------------------------------------------------------------------------------


def _item_out(item: NarrativeItem, language: str) -> dict:
    shown = queries.item_in_language(item, language)
    return {
        "id": item.pk,
        "kind": item.kind,
        "state": item.state,
        "language": shown.language,
        "title": shown.title,
        "statement": shown.statement,
        "translated": shown.translated,
        "figure": item.figure,
        "source": item.source,
        "source_url": item.source_url,
        "source_year": item.source_year,
        "country": item.country.code or "",
        "topic": item.topic,
        "audiences": [t.audience for t in item.audience_tags.all()],
        "needs_review": shown.stale,
        "replaced_by_id": item.replaced_by_id,
    }


def _item(request, item_id: int) -> NarrativeItem:
    if not can(request.user, "advocacy.browse_narrative"):
        raise PermissionDenied("advocacy.browse_narrative")
    return queries.item_for_viewer(viewer=request.user, pk=item_id)


def _summary(plan: AdvocacyPlan) -> dict:
    return {
        "id": plan.pk,
        "title": plan.title,
        "country": plan.country.code or "",
        "stage": plan.stage,
        "visibility": plan.visibility,
        "group": plan.group.slug if plan.group_id else None,
        "flagged": plan.flagged_at is not None,
    }


def _plan_out(request, plan: AdvocacyPlan) -> dict:
    parts = queries.plan_parts(plan, viewer=request.user)
    text = [f for fields in WORKSHEET_FIELDS.values() for f in fields if f != "country"]
    return (
        _summary(parts)
        | {f: getattr(parts, f) for f in text}
        | {
            "language": parts.language,
            "revision": parts.revision,
            "worksheets_done": list(parts.worksheets_done or []),
            "resources": [_resource_out(r) for r in queries.materials_resources(parts)],
            "audiences": [
                {
                    "id": a.pk,
                    "name": a.name,
                    "kind": a.kind,
                    "knows": a.knows,
                    "believes": a.believes,
                    "should_do": a.should_do,
                    "alignment": a.alignment,
                    "interest": a.interest,
                    "influence": a.influence,
                    "approach": a.approach,
                }
                for a in parts.audiences.all()
            ],
            "messages": list(parts.messages.all()),
            "actions": [_action_out(a) for a in parts.actions.all()],
            "tests": [
                {
                    "id": t.pk,
                    "hypothesis": t.hypothesis,
                    "method": t.method,
                    "sample": t.sample,
                    "decision": t.decision,
                    "audience_id": t.audience_id,
                    "winner_id": t.winner_id,
                    "variants": list(t.variants.all()),
                }
                for t in parts.message_tests.all()
            ],
            "evidence_items": list(parts.evidence_items.all()),
        }
    )


def _resource_out(r) -> dict:
    return {"id": r.pk, "title": r.title, "kind": r.kind, "year": r.year, "language": r.language}


def _action_out(a: PlanAction) -> dict:
    """An action; its event only if the reader may see it (``shown_event``, set by ``plan_parts``)."""
    event = getattr(a, "shown_event", a.event)
    return {
        "id": a.pk,
        "revision": a.revision,
        "what": a.what,
        "who": a.who,
        "when": a.when,
        "cost": a.cost,
        "event": (
            {
                "id": event.pk,
                "title": event.title,
                "starts": event.starts,
                "ends": event.ends,
                "cancelled": event.cancelled,
            }
            if event is not None
            else None
        ),
        "event_url": a.event_url,
    }


def _event(request, event_id: int | None):
    """The calendar's event the caller may see (the service decides whether it may be chosen)."""
    if event_id is None:
        return None
    from convene.events.queries import events_visible_to

    found = events_visible_to(request.user).filter(pk=event_id).first()
    if found is None:
        raise ValidationError({"event_id": _("There is no such event in the calendar.")})
    return found


def _plan(request, plan_id: int, *, edit: bool = False) -> AdvocacyPlan:
    plan = queries.plan_for_viewer(viewer=request.user, pk=plan_id)
    if edit and not may_edit_plan(request.user, plan):
        raise PermissionDenied("advocacy.edit_plan")
    return plan


def _audience(plan: AdvocacyPlan, audience_id: int | None):
    if audience_id is None:
        return None
    found = plan.audiences.filter(pk=audience_id).first()
    if found is None:
        raise ValidationError({"audience_id": _("Choose one of the plan's audiences.")})
    return found


# --- The common narrative ------------------------------------------------------------------------


@router.get(
    "advocacy/narrative",
    response={200: list[NarrativeItemOut], **READ_ERRORS},
    summary="The common narrative",
)
@paginate(ApiPagination, page_size=50)
def list_narrative(
    request,
    language: str = Query("en", max_length=35),
    q: str = Query("", max_length=100),
    kind: str = Query("", max_length=20),
    audience: str = Query("", max_length=24),
):
    """Approved and retired items (every item for the secretariat), in ``language`` where an approved
    translation exists."""
    if not can(request.user, "advocacy.browse_narrative"):
        raise PermissionDenied("advocacy.browse_narrative")
    items = queries.narrative_items(viewer=request.user, language=language, q=q, kind=kind, audience=audience)
    return [_item_out(shown.item, language) for shown in items]


@router.get(
    "advocacy/narrative/{item_id}",
    response={200: NarrativeItemOut, **READ_ERRORS},
    summary="A narrative item",
)
def get_narrative_item(request, item_id: PathId, language: str = Query("en", max_length=35)):
    return _item_out(_item(request, item_id), language)


@router.post(
    "advocacy/narrative",
    response={201: NarrativeItemOut, **ERRORS},
    summary="Write a narrative item (a draft)",
)
def create_narrative_item(request, payload: NarrativeItemIn):
    item = services.narrative_item_save(acting=request.user, **payload.model_dump())
    return 201, _item_out(queries.item_for_viewer(viewer=request.user, pk=item.pk), item.language)


@router.post(
    "advocacy/narrative/{item_id}/state",
    response={200: NarrativeItemOut, **ERRORS},
    summary="Move a narrative item (review, approve, retire)",
)
def move_narrative_item(request, item_id: PathId, payload: NarrativeMoveIn):
    item = _item(request, item_id)
    replaced_by = None
    if payload.replaced_by_id is not None:
        replaced_by = NarrativeItem.objects.filter(pk=payload.replaced_by_id).first()
        if replaced_by is None:
            raise ValidationError({"replaced_by_id": _("There is no such item.")})
    services.narrative_item_move(item=item, acting=request.user, state=payload.state, replaced_by=replaced_by)
    return _item_out(queries.item_for_viewer(viewer=request.user, pk=item.pk), item.language)


def _translation_out(t: NarrativeTranslation) -> dict:
    return {
        "id": t.pk,
        "item_id": t.item_id,
        "language": t.language,
        "title": t.title,
        "statement": t.statement,
        "approved": t.approved_at is not None,
    }


@router.post(
    "advocacy/narrative/{item_id}/translations",
    response={200: NarrativeTranslationOut, **ERRORS},
    summary="Add or change a translation",
)
def save_narrative_translation(request, item_id: PathId, payload: NarrativeTranslationIn):
    item = _item(request, item_id)
    return _translation_out(services.translation_save(item=item, acting=request.user, **payload.model_dump()))


@router.post(
    "advocacy/translations/{translation_id}/approve",
    response={200: NarrativeTranslationOut, **ERRORS},
    summary="Approve a translation",
)
def approve_narrative_translation(request, translation_id: PathId):
    if not can(request.user, "advocacy.curate_narrative"):
        raise PermissionDenied("advocacy.curate_narrative")
    translation = NarrativeTranslation.objects.filter(pk=translation_id).first()
    if translation is None:
        raise Http404
    return _translation_out(services.translation_approve(translation=translation, acting=request.user))


# --- Plans ---------------------------------------------------------------------------------------


@router.get(
    "advocacy/plans", response={200: list[AdvocacyPlanSummaryOut], **READ_ERRORS}, summary="Plans I may see"
)
@paginate(ApiPagination, page_size=50)
def list_advocacy_plans(request):
    if not can(request.user, "advocacy.make_plan"):
        raise PermissionDenied("advocacy.make_plan")
    return [_summary(plan) for plan in queries.plan_list(viewer=request.user)]


@router.post(
    "advocacy/plans", response={201: AdvocacyPlanOut, **ERRORS}, summary="Start a plan (or copy one)"
)
def create_advocacy_plan(request, payload: AdvocacyPlanIn):
    if payload.copy_of is not None:
        source = _plan(request, payload.copy_of)
        plan = services.plan_copy(source=source, acting=request.user, title=payload.title)
    else:
        plan = services.plan_create(
            acting=request.user, title=payload.title, country=payload.country, language=payload.language
        )
    return 201, _plan_out(request, plan)


@router.get(
    "advocacy/plans/{plan_id}", response={200: AdvocacyPlanOut, **READ_ERRORS}, summary="A plan, whole"
)
def get_advocacy_plan(request, plan_id: PathId):
    return _plan_out(request, _plan(request, plan_id))


@router.post(
    "advocacy/plans/{plan_id}/worksheets/{worksheet}",
    response={200: AdvocacyPlanOut, **ERRORS},
    summary="Save one worksheet",
)
def save_advocacy_worksheet(request, plan_id: PathId, worksheet: str, payload: AdvocacyWorksheetIn):
    """Send only the fields of that worksheet (context, goal, people, channels, risks, monitoring)."""
    plan = _plan(request, plan_id, edit=True)
    if worksheet not in WORKSHEET_FIELDS or not WORKSHEET_FIELDS[worksheet]:
        raise Http404
    values = payload.model_dump(exclude_unset=True)
    revision = values.pop("revision", None)
    stray = sorted(set(values) - set(WORKSHEET_FIELDS[worksheet]))
    if stray:
        raise ValidationError({stray[0]: _("This field is not on this worksheet.")})
    values = {k: ("" if v is None and k != "goal_by" else v) for k, v in values.items()}
    services.plan_worksheet_save(
        plan=plan, acting=request.user, worksheet=worksheet, values=values, revision=revision
    )
    return _plan_out(request, plan)


@router.post(
    "advocacy/plans/{plan_id}/settings",
    response={200: AdvocacyPlanOut, **ERRORS},
    summary="Title, stage and who sees a plan",
)
def set_advocacy_plan_settings(request, plan_id: PathId, payload: AdvocacySettingsIn):
    plan = _plan(request, plan_id, edit=True)
    group = None
    if payload.group:
        group = Group.objects.visible_to(request.user).filter(slug=payload.group).first()
        if group is None:
            raise ValidationError({"group": _("There is no such group.")})
    services.plan_settings_save(
        plan=plan,
        acting=request.user,
        title=payload.title,
        visibility=payload.visibility,
        stage=payload.stage,
        group=group,
    )
    return _plan_out(request, plan)


@router.post(
    "advocacy/plans/{plan_id}/audiences",
    response={201: AdvocacyAudienceOut, **ERRORS},
    summary="Add a target audience",
)
def add_advocacy_audience(request, plan_id: PathId, payload: AdvocacyAudienceIn):
    plan = _plan(request, plan_id, edit=True)
    a = services.audience_save(plan=plan, acting=request.user, **payload.model_dump())
    return 201, {
        "id": a.pk,
        "name": a.name,
        "kind": a.kind,
        "knows": a.knows,
        "believes": a.believes,
        "should_do": a.should_do,
        "alignment": a.alignment,
        "interest": a.interest,
        "influence": a.influence,
        "approach": a.approach,
    }


@router.post(
    "advocacy/plans/{plan_id}/messages",
    response={201: AdvocacyMessageOut, **ERRORS},
    summary="Add a message adapted from an approved narrative item",
)
def add_advocacy_message(request, plan_id: PathId, payload: AdvocacyMessageIn):
    plan = _plan(request, plan_id, edit=True)
    source = NarrativeItem.objects.filter(pk=payload.source_id).first()
    if source is None:
        raise ValidationError({"source_id": _("There is no such item.")})
    message = services.message_add(
        plan=plan,
        acting=request.user,
        source=source,
        text=payload.text,
        audience=_audience(plan, payload.audience_id),
        language=payload.language,
    )
    return 201, message


@router.patch(
    "advocacy/plans/{plan_id}/messages/{message_id}",
    response={200: AdvocacyMessageOut, **EDIT_ERRORS},
    summary="Change a message",
)
def update_advocacy_message(request, plan_id: PathId, message_id: PathId, payload: AdvocacyMessagePatch):
    """Send the ``revision`` you read and the fields to change; the message keeps its narrative item
    unless ``source_id`` names another, approved one (409 if someone changed the message since)."""
    plan = _plan(request, plan_id, edit=True)
    message = plan.messages.select_related("source", "audience").filter(pk=message_id).first()
    if message is None:
        raise Http404
    changes = payload.model_dump(exclude_unset=True)
    source = message.source
    if changes.get("source_id") is not None:
        source = NarrativeItem.objects.filter(pk=changes["source_id"]).first()
        if source is None:
            raise ValidationError({"source_id": _("There is no such item.")})
    audience = _audience(plan, changes["audience_id"]) if "audience_id" in changes else message.audience
    return services.message_update(
        message=message,
        acting=request.user,
        source=source,
        audience=audience,
        text=changes.get("text") or message.text,
        language=changes.get("language") or message.language,
        revision=payload.revision,
    )


@router.post(
    "advocacy/plans/{plan_id}/actions",
    response={201: AdvocacyActionOut, **ERRORS},
    summary="Add an action, tied to an event of the calendar or a link",
)
def add_advocacy_action(request, plan_id: PathId, payload: AdvocacyActionIn):
    plan = _plan(request, plan_id, edit=True)
    data = payload.model_dump()
    data["event"] = _event(request, data.pop("event_id"))
    action = services.action_add(plan=plan, acting=request.user, **data)
    return Status(201, _action_out(action))


@router.patch(
    "advocacy/plans/{plan_id}/actions/{action_id}",
    response={200: AdvocacyActionOut, **EDIT_ERRORS},
    summary="Change an action",
)
def update_advocacy_action(request, plan_id: PathId, action_id: PathId, payload: AdvocacyActionPatch):
    """Send the ``revision`` you read and the fields to change (null clears ``when``, ``cost`` or
    ``event_id``); 409 if someone changed the action since. An action keeps its event if that event
    has since passed or been cancelled."""
    plan = _plan(request, plan_id, edit=True)
    action = plan.actions.select_related("event").filter(pk=action_id).first()
    if action is None:
        raise Http404
    changes = payload.model_dump(exclude_unset=True)
    event = action.event
    if "event_id" in changes:
        kept = action.event_id is not None and changes["event_id"] == action.event_id
        event = action.event if kept else _event(request, changes["event_id"])
    updated = services.action_update(
        action=action,
        acting=request.user,
        what=changes.get("what") or action.what,
        who=changes.get("who", action.who) or "",
        when=changes.get("when", action.when),
        cost=changes.get("cost", action.cost),
        event=event,
        event_url=changes.get("event_url", action.event_url) or "",
        revision=payload.revision,
    )
    return _action_out(updated)


@router.post(
    "advocacy/plans/{plan_id}/resources",
    response={201: list[AdvocacyResourceOut], **ERRORS},
    summary="Add a library resource to the plan's materials",
)
def link_advocacy_resource(request, plan_id: PathId, payload: AdvocacyResourceIn):
    """Answers with the plan's library materials. Who sees the plan does not change."""
    plan = _plan(request, plan_id, edit=True)
    resource = Resource.objects.visible_to(request.user).filter(pk=payload.resource_id).first()
    if resource is None:
        raise ValidationError({"resource_id": _("There is no such resource in the library.")})
    services.resource_link(plan=plan, acting=request.user, resource=resource)
    parts = queries.plan_parts(plan, viewer=request.user)
    return Status(201, [_resource_out(r) for r in queries.materials_resources(parts)])


@router.delete(
    "advocacy/plans/{plan_id}/resources/{resource_id}",
    response={204: None, **ERRORS},
    summary="Take a library resource from the plan's materials",
)
def unlink_advocacy_resource(request, plan_id: PathId, resource_id: PathId):
    plan = _plan(request, plan_id, edit=True)
    services.resource_unlink(plan=plan, acting=request.user, resource_id=resource_id)
    return Status(204, None)


@router.post(
    "advocacy/plans/{plan_id}/tests",
    response={201: AdvocacyTestOut, **ERRORS},
    summary="Record a message test",
)
def record_message_test(request, plan_id: PathId, payload: AdvocacyTestIn):
    plan = _plan(request, plan_id, edit=True)
    test = services.message_test_record(
        plan=plan,
        acting=request.user,
        hypothesis=payload.hypothesis,
        method=payload.method,
        sample=payload.sample,
        decision=payload.decision,
        variants=[(v.text, v.result) for v in payload.variants],
        winner=payload.winner,
        audience=_audience(plan, payload.audience_id),
    )
    return 201, {
        "id": test.pk,
        "hypothesis": test.hypothesis,
        "method": test.method,
        "sample": test.sample,
        "decision": test.decision,
        "audience_id": test.audience_id,
        "winner_id": test.winner_id,
        "variants": list(test.variants.all()),
    }


@router.post(
    "advocacy/plans/{plan_id}/evidence",
    response={201: AdvocacyEvidenceOut, **ERRORS},
    summary="Record evidence of progress",
)
def record_advocacy_evidence(request, plan_id: PathId, payload: AdvocacyEvidenceIn):
    plan = _plan(request, plan_id, edit=True)
    data = payload.model_dump()
    data["audience"] = _audience(plan, data.pop("audience_id"))
    return 201, services.evidence_record(plan=plan, acting=request.user, **data)


@router.get(
    "advocacy/network", response={200: AdvocacyNetworkOut, **READ_ERRORS}, summary="The network's advocacy"
)
def advocacy_network(request):
    """For the steering committee and the secretariat: every plan that is not private, a table by
    country, and the summary the year in review quotes."""
    if not can(request.user, "advocacy.view_network"):
        raise PermissionDenied("advocacy.view_network")
    plans = queries.network_plans()
    return {
        "plans": [_summary(p) for p in plans],
        "countries": [
            {
                "country": line.country.code or "",
                "plans": line.plans,
                **{s: line.steps[s] for s in Step.values},
            }
            for line in queries.country_table(plans)
        ],
        "summary": queries.network_summary(),
    }


# --- Ambassadors (their operations live in ambassador_api, on this router) ------------------------
from . import ambassador_api  # noqa: E402, F401
