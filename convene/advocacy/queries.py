"""Reads shaped for advocacy's pages and endpoints (STYLE §2): the narrative library in the reader's
language, a plan with its worksheets, the plans a person may see, and the network view."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from convene.events.models import Event
from convene.groups.rules import current_roles
from convene.library.models import Resource

from .models import (
    AdvocacyPlan,
    Evidence,
    ItemState,
    MessageTest,
    NarrativeItem,
    NarrativeSuggestion,
    NarrativeTranslation,
    PlanAction,
    PlanMessage,
    PlanResource,
    Stage,
    Step,
    SuggestionStatus,
    Visibility,
)
from .rules import is_committee_or_secretariat, is_insider, may_edit_plan, may_see_plan

# A fact whose source is older than this many years is flagged for review (setting).
DEFAULT_FACT_MAX_AGE = 5


def fact_max_age() -> int:
    return int(getattr(settings, "CONVENE_ADVOCACY_FACT_MAX_AGE_YEARS", DEFAULT_FACT_MAX_AGE))


def needs_review(item: NarrativeItem, *, today=None) -> bool:
    """A fact whose source is older than the set age (an item without a year is not judged)."""
    if item.source_year is None or item.state == ItemState.RETIRED:
        return False
    year = (today or timezone.localdate()).year
    return year - item.source_year > fact_max_age()


@dataclass
class ItemInLanguage:
    """An item as a reader sees it: in their language if an approved translation exists."""

    item: NarrativeItem
    language: str
    title: str
    statement: str
    translated: bool
    stale: bool
    audiences: list = field(default_factory=list)


def _in_language(item: NarrativeItem, language: str, today) -> ItemInLanguage:
    text = next(
        (t for t in item.translations.all() if t.language == language and t.approved_at is not None), None
    )
    return ItemInLanguage(
        item=item,
        language=text.language if text else item.language,
        title=text.title if text else item.title,
        statement=text.statement if text else item.statement,
        translated=text is not None,
        stale=needs_review(item, today=today),
        audiences=[t.get_audience_display() for t in item.audience_tags.all()],
    )


def narrative_items(
    *,
    viewer,
    language: str = "en",
    q: str = "",
    kind: str = "",
    audience: str = "",
    topic: str = "",
    state: str = "",
    limit: int = 200,
) -> list[ItemInLanguage]:
    """The narrative library: members see approved and retired items; the secretariat every item (and
    may filter by state). Three queries whatever the number of items."""
    from convene.core.rules import is_secretariat

    items = NarrativeItem.objects.select_related("replaced_by")
    if is_secretariat(viewer):
        if state:
            items = items.filter(state=state)
    else:
        items = items.published()
        if state in (ItemState.APPROVED, ItemState.RETIRED):
            items = items.filter(state=state)
    if kind:
        items = items.filter(kind=kind)
    if audience:
        items = items.filter(audience_tags__audience=audience)
    if topic:
        items = items.filter(topic__iexact=topic)
    if q:
        items = items.filter(
            Q(title__icontains=q)
            | Q(statement__icontains=q)
            | Q(source__icontains=q)
            | Q(translations__statement__icontains=q, translations__approved_at__isnull=False)
            | Q(translations__title__icontains=q, translations__approved_at__isnull=False)
        ).distinct()
    items = items.prefetch_related("audience_tags", "translations").order_by("state", "kind", "title")[:limit]
    today = timezone.localdate()
    return [_in_language(item, language, today) for item in items]


def item_for_viewer(*, viewer, pk: int) -> NarrativeItem:
    from convene.core.rules import is_secretariat

    items = NarrativeItem.objects.select_related("replaced_by", "created_by").prefetch_related(
        "audience_tags",
        Prefetch("translations", queryset=NarrativeTranslation.objects.order_by("language")),
    )
    if not is_secretariat(viewer):
        items = items.published()
    item = items.filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def item_in_language(item: NarrativeItem, language: str) -> ItemInLanguage:
    return _in_language(item, language, timezone.localdate())


def approved_items():
    """The items a message may start from."""
    return NarrativeItem.objects.approved().order_by("kind", "title")


def open_suggestions():
    return (
        NarrativeSuggestion.objects.filter(status=SuggestionStatus.OPEN)
        .select_related("item", "proposed_by", "variant__test__plan")
        .order_by("created_at")
    )


# --- Plans ---------------------------------------------------------------------------------------


def plans_visible_to(viewer):
    """Every plan the viewer may see: their own, and others' by visibility (never another's private
    plan). The same rule as ``rules.may_see_plan``, as a query."""
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        return AdvocacyPlan.objects.none()
    condition = Q(owner_id=viewer.pk)
    if is_committee_or_secretariat(viewer):
        condition |= ~Q(visibility=Visibility.PRIVATE)
    else:
        if is_insider(viewer):
            condition |= Q(visibility=Visibility.PUBLISHED)
        groups = list(current_roles(viewer))
        if groups:
            condition |= Q(visibility=Visibility.GROUP, group_id__in=groups)
    return AdvocacyPlan.objects.filter(condition)


def plan_list(*, viewer, limit: int = 200) -> list[AdvocacyPlan]:
    return list(
        plans_visible_to(viewer)
        .select_related("owner__profile", "group")
        .annotate(evidence_count=Count("evidence_items"))
        .order_by("-updated_at")[:limit]
    )


def plan_for_viewer(*, viewer, pk: int) -> AdvocacyPlan:
    plan = AdvocacyPlan.objects.select_related("owner__profile", "group", "copied_from").filter(pk=pk).first()
    if plan is None or not may_see_plan(viewer, plan):
        raise Http404
    return plan


def plan_parts(plan: AdvocacyPlan, *, viewer) -> AdvocacyPlan:
    """The plan with its rows prefetched. Others than its editors see only the messages that start from
    an approved narrative item (a retired item never reaches a published plan's readers). Library
    materials and calendar events show only as far as the viewer may see them (``shown_event``)."""
    messages = PlanMessage.objects.select_related("source", "audience")
    if not may_edit_plan(viewer, plan):
        messages = messages.filter(source__state=ItemState.APPROVED)
    parts = (
        AdvocacyPlan.objects.select_related("owner__profile", "group", "copied_from")
        .prefetch_related(
            "audiences",
            Prefetch("messages", queryset=messages),
            Prefetch("actions", queryset=PlanAction.objects.select_related("event")),
            Prefetch(
                "resource_links",
                queryset=PlanResource.objects.filter(
                    resource__in=Resource.objects.visible_to(viewer)
                ).select_related("resource"),
            ),
            Prefetch(
                "message_tests",
                queryset=MessageTest.objects.select_related("audience", "winner").prefetch_related(
                    "variants"
                ),
            ),
            Prefetch("evidence_items", queryset=Evidence.objects.select_related("audience")),
        )
        .get(pk=plan.pk)
    )
    from convene.core.rules import can

    for action in parts.actions.all():
        # A members-only event does not show to someone outside the network who reads the plan.
        seen = action.event_id and can(viewer, "events.see", action.event)
        action.shown_event = action.event if seen else None
    return parts


def materials_resources(plan: AdvocacyPlan) -> list[Resource]:
    """The library resources among a plan's materials, as ``plan_parts`` prefetched them for its
    viewer (title, type, year, link)."""
    return [link.resource for link in plan.resource_links.all()]


def resource_matches(*, viewer, q: str, limit: int = 20) -> list[Resource]:
    """The library's resources the viewer may see matching ``q``, to pick among a plan's materials."""
    from convene.library.queries import ResourceFilters, search

    if not q.strip():
        return []
    return list(search(viewer=viewer, filters=ResourceFilters(q=q.strip()[:200]))[:limit])


def event_choices(*, viewer, limit: int = 200) -> list[Event]:
    """Upcoming, live events of the network's calendar the viewer may see, to tie an action to."""
    from convene.events.queries import events_visible_to

    return list(
        events_visible_to(viewer)
        .live()
        .filter(ends__gte=timezone.now())
        .only("id", "title", "kind", "starts", "ends", "zone_name", "cancelled")
        .order_by("starts", "pk")[:limit]
    )


# --- The network view ----------------------------------------------------------------------------


@dataclass
class CountryLine:
    country: object
    plans: int = 0
    stages: Counter = field(default_factory=Counter)
    steps: Counter = field(default_factory=Counter)


def network_plans(*, limit: int = 500) -> list[AdvocacyPlan]:
    """Every plan that is not private, by country, with its evidence counted per step (one query)."""
    return list(
        AdvocacyPlan.objects.not_private()
        .select_related("owner__profile", "group")
        .annotate(
            informed=Count("evidence_items", filter=Q(evidence_items__step=Step.INFORMED)),
            persuaded=Count("evidence_items", filter=Q(evidence_items__step=Step.PERSUADED)),
            acted=Count("evidence_items", filter=Q(evidence_items__step=Step.ACTED)),
        )
        .order_by("country", "title")[:limit]
    )


def country_table(plans: list[AdvocacyPlan]) -> list[CountryLine]:
    lines: dict[str, CountryLine] = {}
    for plan in plans:
        line = lines.setdefault(plan.country.code or "", CountryLine(country=plan.country))
        line.plans += 1
        line.stages[plan.stage] += 1
        for step in Step.values:
            line.steps[step] += getattr(plan, step)
    return sorted(lines.values(), key=lambda line: str(line.country.name or "~"))


def network_summary(*, year: int | None = None) -> dict:
    """What the year in review and the E-Update can quote: plans that are not private, the countries
    they cover, plans per stage, and evidence per step (in ``year`` if given), with what was acted on."""
    plans = AdvocacyPlan.objects.not_private()
    evidence = Evidence.objects.filter(plan__in=plans)
    if year is not None:
        evidence = evidence.filter(happened_on__year=year)
    by_stage = dict(plans.values_list("stage").annotate(n=Count("pk")).order_by())
    by_step = defaultdict(int, evidence.values_list("step").annotate(n=Count("pk")).order_by())
    acted = list(
        evidence.filter(step=Step.ACTED)
        .select_related("plan")
        .order_by("happened_on")
        .values_list("plan__country", "what", "happened_on")
    )
    return {
        "plans": sum(by_stage.values()),
        "countries": plans.exclude(country="").values("country").distinct().count(),
        "by_stage": {stage: by_stage.get(stage, 0) for stage in Stage.values},
        "by_step": {step: by_step[step] for step in Step.values},
        "acted": acted,
    }
