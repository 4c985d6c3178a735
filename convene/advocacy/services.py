"""Every write about advocacy (STYLE §1): the common narrative and its translations, plans and their
worksheets, audiences, messages, actions, message tests, suggestions back to the narrative, evidence.

The invariants live here: a message starts from an approved narrative item; a plan whose messages do
not all start from approved items cannot be published; retiring an item flags every plan that uses it.
"""

import re
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries.fields import Country

from convene.core.concurrency import EditConflict, revision_save
from convene.core.rules import ensure
from convene.events.models import Event
from convene.groups.models import Group
from convene.library.models import Resource

from .models import (
    WORKSHEET_FIELDS,
    AdvocacyPlan,
    AudienceType,
    Evidence,
    ItemKind,
    ItemState,
    MessageTest,
    MessageVariant,
    NarrativeAudience,
    NarrativeItem,
    NarrativeSuggestion,
    NarrativeTranslation,
    PlanAction,
    PlanMessage,
    PlanResource,
    Stage,
    Step,
    SuggestionStatus,
    TargetAudience,
    TestingMethod,
    Visibility,
)
from .rules import may_see_plan

LANGUAGE_TAG = re.compile(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*")

# Which state an item may move to from each state.
MOVES = {
    ItemState.DRAFT: {ItemState.IN_REVIEW},
    ItemState.IN_REVIEW: {ItemState.DRAFT, ItemState.APPROVED},
    ItemState.APPROVED: {ItemState.RETIRED},
    ItemState.RETIRED: set(),
}


def check_language(tag: str, field: str = "language") -> str:
    tag = (tag or "").strip()
    if not LANGUAGE_TAG.fullmatch(tag):
        raise ValidationError({field: _("Give a language tag such as en, fr or pt-BR (BCP 47).")})
    return tag


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


# --- The common narrative ------------------------------------------------------------------------


@transaction.atomic
def narrative_item_save(
    *,
    acting,
    item: NarrativeItem | None = None,
    kind: str,
    title: str,
    statement: str,
    language: str = "en",
    figure: str = "",
    source: str = "",
    source_url: str = "",
    source_year: int | None = None,
    country: str = "",
    topic: str = "",
    audiences: Iterable[str] = (),
) -> NarrativeItem:
    """Write a new item (a draft) or change one; an approved item changed goes back to review."""
    ensure(acting, "advocacy.curate_narrative")
    if kind not in ItemKind.values:
        raise ValidationError({"kind": _("Choose a fact, key message, story or call to action.")})
    audiences = list(dict.fromkeys(audiences))
    if any(a not in AudienceType.values for a in audiences):
        raise ValidationError({"audiences": _("Choose audience types from the list.")})
    if item is not None and item.state == ItemState.RETIRED:
        raise ValidationError(_("A retired item is kept as it was."))
    values = {
        "kind": kind,
        "title": _required(title, "title", _("Give the item a title.")),
        "statement": _required(statement, "statement", _("Write the statement.")),
        "language": check_language(language),
        "figure": figure.strip(),
        "source": source.strip(),
        "source_url": source_url.strip(),
        "source_year": source_year,
        "country": country or "",
        "topic": topic.strip(),
    }
    if kind == ItemKind.FACT and not values["source"]:
        raise ValidationError({"source": _("A fact needs its source.")})
    this_year = timezone.localdate().year
    if source_year is not None and not 1900 <= source_year <= this_year:
        raise ValidationError({"source_year": _("Give the year the source was published.")})
    if item is None:
        item = NarrativeItem(created_by=acting, **values)
        item.full_clean()
        item.save()
    else:
        for name, value in values.items():
            setattr(item, name, value)
        if item.state == ItemState.APPROVED:
            item.state = ItemState.IN_REVIEW
        item.revision += 1
        item.full_clean()
        item.save()
    NarrativeAudience.objects.filter(item=item).exclude(audience__in=audiences).delete()
    NarrativeAudience.objects.bulk_create(
        [NarrativeAudience(item=item, audience=a) for a in audiences], ignore_conflicts=True
    )
    return item


@transaction.atomic
def narrative_item_move(
    *, item: NarrativeItem, acting, state: str, replaced_by: NarrativeItem | None = None
) -> NarrativeItem:
    """Move an item along draft → in review → approved → retired. Retiring flags every plan that has a
    message starting from it."""
    ensure(acting, "advocacy.curate_narrative")
    item = NarrativeItem.objects.select_for_update().get(pk=item.pk)
    if state not in MOVES.get(item.state, set()):
        raise ValidationError(
            {
                "state": _("An item that is “%(now)s” cannot become “%(then)s”.")
                % {
                    "now": item.get_state_display(),
                    "then": ItemState(state).label if state in ItemState.values else state,
                }
            }
        )
    fields = ["state", "revision", "updated_at"]
    if state == ItemState.RETIRED:
        if replaced_by is not None:
            if replaced_by.pk == item.pk or replaced_by.state != ItemState.APPROVED:
                raise ValidationError({"replaced_by": _("An item is replaced by another, approved item.")})
            item.replaced_by = replaced_by
            fields.append("replaced_by")
        AdvocacyPlan.objects.filter(messages__source=item).distinct().update(
            flagged_at=timezone.now(),
            flag_reason=_("“%(item)s” was retired: replace the messages that start from it.")
            % {"item": item.title},
        )
    elif replaced_by is not None:
        raise ValidationError({"replaced_by": _("Only a retired item is replaced.")})
    item.state = state
    item.revision += 1
    item.save(update_fields=fields)
    return item


@transaction.atomic
def translation_save(
    *, item: NarrativeItem, acting, language: str, title: str, statement: str
) -> NarrativeTranslation:
    """Add or change an item's text in another language; a changed text waits for approval again."""
    ensure(acting, "advocacy.curate_narrative")
    language = check_language(language)
    if language == item.language:
        raise ValidationError({"language": _("The item is already written in this language.")})
    if item.state == ItemState.RETIRED:
        raise ValidationError(_("A retired item is kept as it was."))
    translation, _created = NarrativeTranslation.objects.update_or_create(
        item=item,
        language=language,
        defaults={
            "title": _required(title, "title", _("Give the item a title.")),
            "statement": _required(statement, "statement", _("Write the statement.")),
            "approved_at": None,
            "written_by": acting,
        },
    )
    return translation


@transaction.atomic
def translation_approve(*, translation: NarrativeTranslation, acting) -> NarrativeTranslation:
    ensure(acting, "advocacy.curate_narrative")
    if translation.approved_at is None:
        translation.approved_at = timezone.now()
        translation.save(update_fields=["approved_at", "updated_at"])
    return translation


# --- Plans ---------------------------------------------------------------------------------------


def _ensure_edit(acting, plan: AdvocacyPlan) -> None:
    ensure(acting, "advocacy.edit_plan", plan)


def _touch(plan: AdvocacyPlan, worksheet: str | None, fields: Sequence[str] = ()) -> None:
    done = list(plan.worksheets_done or [])
    if worksheet and worksheet not in done:
        done.append(worksheet)
    plan.worksheets_done = done
    plan.revision += 1
    plan.save(update_fields=[*fields, "worksheets_done", "revision", "updated_at"])


@transaction.atomic
def plan_create(
    *, acting, title: str, country: str = "", language: str = "en", group: Group | None = None
) -> AdvocacyPlan:
    """A new plan, private to its maker until they share it."""
    ensure(acting, "advocacy.make_plan")
    plan = AdvocacyPlan(
        owner=acting,
        title=_required(title, "title", _("Give the plan a title.")),
        country=country or "",
        language=check_language(language),
        group=group,
    )
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_copy(*, source: AdvocacyPlan, acting, title: str = "") -> AdvocacyPlan:
    """A new private plan that starts as a copy of one the person may see: its worksheets, audiences,
    the messages that still start from approved items, its actions (without dates or events), and
    its library materials the person may see. Tests and evidence belong to the plan they happened in."""
    ensure(acting, "advocacy.make_plan")
    if not may_see_plan(acting, source):
        raise ValidationError(_("You may only copy a plan you can see."))
    text_fields = [f for fields in WORKSHEET_FIELDS.values() for f in fields]
    plan = AdvocacyPlan(
        owner=acting,
        title=(title or "").strip() or _("Copy of %(title)s") % {"title": source.title},
        language=source.language,
        copied_from=source,
        worksheets_done=list(source.worksheets_done or []),
        **{f: getattr(source, f) for f in text_fields},
    )
    plan.save()
    audiences = {}
    for audience in source.audiences.all():
        old = audience.pk
        audience.pk = None
        audience.plan = plan
        audience.save()
        audiences[old] = audience
    PlanMessage.objects.bulk_create(
        [
            PlanMessage(
                plan=plan,
                audience=audiences.get(m.audience_id),
                source_id=m.source_id,
                language=m.language,
                text=m.text,
            )
            for m in source.messages.filter(source__state=ItemState.APPROVED)
        ]
    )
    PlanAction.objects.bulk_create(
        [PlanAction(plan=plan, what=a.what, who=a.who, cost=a.cost) for a in source.actions.all()]
    )
    PlanResource.objects.bulk_create(
        [
            PlanResource(plan=plan, resource_id=pk)
            for pk in source.resource_links.filter(
                resource__in=Resource.objects.visible_to(acting)
            ).values_list("resource_id", flat=True)
        ]
    )
    return plan


def _plain(value):
    """A field value as compared (a country by its code)."""
    return (value.code or "") if isinstance(value, Country) else value


@transaction.atomic
def plan_worksheet_save(
    *, plan: AdvocacyPlan, acting, worksheet: str, values: dict, revision: int | None = None
) -> AdvocacyPlan:
    """Save one worksheet's fields (only those) and mark it done.

    ``revision`` is the plan's revision the editor started from. When one of this worksheet's fields
    was changed since (``field_revisions``), nothing is written and ``EditConflict`` says what changed;
    a change to another worksheet (or a row added) is no conflict. ``None`` skips the check."""
    _ensure_edit(acting, plan)
    if worksheet not in WORKSHEET_FIELDS:
        raise ValidationError({"worksheet": _("There is no such worksheet.")})
    given, plan = plan, AdvocacyPlan.objects.select_for_update().get(pk=plan.pk)
    fields = [f for f in WORKSHEET_FIELDS[worksheet] if f in values]
    mine = {f: values[f].strip() if isinstance(values[f], str) else values[f] for f in fields}
    theirs = {f: _plain(getattr(plan, f)) for f in fields}
    changed = [f for f in fields if _plain(mine[f]) != theirs[f]]
    if revision is not None and int(revision) < plan.revision:
        since = [f for f in fields if (plan.field_revisions or {}).get(f, 0) > int(revision)]
        if since and changed:
            raise EditConflict(
                revision=plan.revision,
                theirs_changed=since,
                mine_changed=[f for f in changed if f not in since],
                conflicts=[f for f in since if f in changed],
                merged=mine,
                theirs=theirs,
                changed_at=plan.updated_at,
            )
    for name in changed:
        setattr(plan, name, mine[name])
    plan.full_clean(exclude=["owner", "group", "copied_from"])
    plan.field_revisions = {**(plan.field_revisions or {}), **dict.fromkeys(changed, plan.revision + 1)}
    _touch(plan, worksheet, [*changed, "field_revisions"])
    # The caller's instance follows what was saved (it may be saved again, field by field, later).
    for name in [*fields, "worksheets_done", "field_revisions", "revision", "updated_at"]:
        setattr(given, name, getattr(plan, name))
    return given


@transaction.atomic
def plan_settings_save(
    *,
    plan: AdvocacyPlan,
    acting,
    title: str,
    visibility: str,
    stage: str,
    group: Group | None = None,
    language: str | None = None,
) -> AdvocacyPlan:
    """Who sees the plan, its stage and title. Publishing needs every message to start from an
    approved narrative item; sharing with a group needs the owner to be a member of it."""
    _ensure_edit(acting, plan)
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": _("Choose private, shared with a group or published.")})
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Choose a stage from the list.")})
    if visibility == Visibility.GROUP:
        group = group or plan.group
        if group is None:
            raise ValidationError({"group": _("Choose the group to share the plan with.")})
        from convene.groups.rules import is_group_member

        if group.pk != plan.group_id and not is_group_member(acting, group):
            raise ValidationError({"group": _("Share a plan only with a group you are in.")})
    if visibility == Visibility.PUBLISHED:
        unapproved = plan.messages.exclude(source__state=ItemState.APPROVED)
        if unapproved.exists():
            raise ValidationError(
                {
                    "visibility": _(
                        "Some messages start from narrative items that are no longer approved: "
                        "replace them before publishing."
                    )
                }
            )
    plan.title = _required(title, "title", _("Give the plan a title."))
    plan.visibility = visibility
    plan.stage = stage
    if group is not None:
        plan.group = group
    if language:
        plan.language = check_language(language)
    _touch(plan, None, ["title", "visibility", "stage", "group", "language"])
    return plan


@transaction.atomic
def audience_save(
    *,
    plan: AdvocacyPlan,
    acting,
    audience: TargetAudience | None = None,
    name: str,
    kind: str,
    knows: str = "",
    believes: str = "",
    should_do: str = "",
    alignment: int = 3,
    interest: int = 3,
    influence: int = 3,
) -> TargetAudience:
    _ensure_edit(acting, plan)
    if audience is not None and audience.plan_id != plan.pk:
        raise ValidationError(_("This audience is another plan's."))
    if kind not in AudienceType.values:
        raise ValidationError({"kind": _("Choose an audience type from the list.")})
    for field, value in (("alignment", alignment), ("interest", interest), ("influence", influence)):
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise ValidationError({field: _("Give a score from 1 to 5.")})
    audience = audience or TargetAudience(plan=plan)
    audience.name = _required(name, "name", _("Say who the audience is."))
    audience.kind, audience.knows, audience.believes, audience.should_do = kind, knows, believes, should_do
    audience.alignment, audience.interest, audience.influence = alignment, interest, influence
    audience.save()
    _touch(plan, "audiences")
    return audience


@transaction.atomic
def audience_remove(*, audience: TargetAudience, acting) -> None:
    _ensure_edit(acting, audience.plan)
    plan = audience.plan
    audience.delete()
    _touch(plan, None)


@transaction.atomic
def message_add(
    *,
    plan: AdvocacyPlan,
    acting,
    source: NarrativeItem,
    text: str,
    audience: TargetAudience | None = None,
    language: str | None = None,
) -> PlanMessage:
    """A message for an audience, adapted from an approved narrative item (the link is kept)."""
    _ensure_edit(acting, plan)
    if source.state != ItemState.APPROVED:
        raise ValidationError(
            {"source": _("A message starts from an approved item of the common narrative.")}
        )
    if audience is not None and audience.plan_id != plan.pk:
        raise ValidationError({"audience": _("Choose one of the plan's audiences.")})
    message = PlanMessage.objects.create(
        plan=plan,
        source=source,
        audience=audience,
        language=check_language(language or plan.language),
        text=_required(text, "text", _("Write the message.")),
    )
    _touch(plan, "messages")
    return message


def _lift_flag(plan: AdvocacyPlan) -> list[str]:
    """Once no message starts from a narrative item that is not approved, the plan's flag is lifted."""
    if plan.flagged_at and not plan.messages.exclude(source__state=ItemState.APPROVED).exists():
        plan.flagged_at, plan.flag_reason = None, ""
        return ["flagged_at", "flag_reason"]
    return []


@transaction.atomic
def message_update(
    *,
    message: PlanMessage,
    acting,
    text: str,
    source: NarrativeItem | None = None,
    audience: TargetAudience | None = None,
    language: str | None = None,
    revision: int | None = None,
) -> PlanMessage:
    """Change a message: its wording, audience, language, or the narrative item it starts from (the
    link is kept; ``source=None`` keeps the one it has). A new source must be approved, and a published
    plan's message must start from an approved item (a message whose item was retired is moved to an
    approved one, such as its replacement, or removed). From an older ``revision``: ``EditConflict``."""
    plan = message.plan
    _ensure_edit(acting, plan)
    message = PlanMessage.objects.select_for_update().select_related("source").get(pk=message.pk)
    if message.plan_id != plan.pk:
        raise ValidationError(_("This message is another plan's."))
    source = source or message.source
    if source.pk != message.source_id and source.state != ItemState.APPROVED:
        raise ValidationError(
            {"source": _("A message starts from an approved item of the common narrative.")}
        )
    if plan.visibility == Visibility.PUBLISHED and source.state != ItemState.APPROVED:
        raise ValidationError(
            {
                "source": _(
                    "The item this message starts from is no longer approved, and the plan is "
                    "published: choose an approved item (its replacement, say) or remove the message."
                )
            }
        )
    if audience is not None and audience.plan_id != plan.pk:
        raise ValidationError({"audience": _("Choose one of the plan's audiences.")})
    changes = {
        "text": _required(text, "text", _("Write the message.")),
        "source": source,
        "audience": audience,
        "language": check_language(language or message.language),
    }
    if revision_save(message, revision=revision, changes=changes):
        _touch(plan, "messages", _lift_flag(plan))
    return message


@transaction.atomic
def message_remove(*, message: PlanMessage, acting) -> None:
    """Remove a message; once no message starts from a retired item, the plan's flag is lifted."""
    plan = message.plan
    _ensure_edit(acting, plan)
    message.delete()
    _touch(plan, None, _lift_flag(plan))


def event_day(event: Event):
    """The day an event starts, in the event's own time zone (an action's ``when``)."""
    import zoneinfo

    try:
        zone = zoneinfo.ZoneInfo(event.zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = timezone.get_default_timezone()
    return timezone.localtime(event.starts, zone).date()


def _check_event(acting, event: Event | None, *, kept: Event | None = None) -> None:
    """A newly chosen event is one of the calendar's upcoming, live events the person may see (an
    action keeps its event if that event has since passed or been cancelled)."""
    if event is None or (kept is not None and event.pk == kept.pk):
        return
    from convene.events.queries import events_visible_to

    if not events_visible_to(acting).filter(pk=event.pk).exists():
        raise ValidationError({"event": _("There is no such event in the calendar.")})
    if event.cancelled or event.ends < timezone.now():
        raise ValidationError({"event": _("Choose an upcoming event that is not cancelled.")})


def _action_values(*, what, who, when, cost, event, event_url) -> dict:
    if cost is not None and cost < 0:
        raise ValidationError({"cost": _("A cost is not negative.")})
    if event is not None and event_url:
        raise ValidationError(
            {"event_url": _("Tie the action to an event of the calendar or give a link, not both.")}
        )
    return {
        "what": _required(what, "what", _("Say what will be done.")),
        "who": (who or "").strip(),
        "when": when if when is not None or event is None else event_day(event),
        "cost": cost,
        "event": event,
        "event_url": (event_url or "").strip(),
    }


@transaction.atomic
def action_add(
    *,
    plan: AdvocacyPlan,
    acting,
    what: str,
    who: str = "",
    when=None,
    cost=None,
    event: Event | None = None,
    event_url: str = "",
) -> PlanAction:
    """A line of the action plan, tied to an upcoming event of the calendar (its day is the action's
    unless another is given) or to a bare link."""
    _ensure_edit(acting, plan)
    _check_event(acting, event)
    action = PlanAction(
        plan=plan,
        **_action_values(what=what, who=who, when=when, cost=cost, event=event, event_url=event_url),
    )
    action.full_clean(exclude=["event"])
    action.save()
    _touch(plan, "actions")
    return action


@transaction.atomic
def action_update(
    *,
    action: PlanAction,
    acting,
    what: str,
    who: str = "",
    when=None,
    cost=None,
    event: Event | None = None,
    event_url: str = "",
    revision: int | None = None,
) -> PlanAction:
    """Change a line of the action plan; from an older ``revision``: ``EditConflict``, nothing written."""
    plan = action.plan
    _ensure_edit(acting, plan)
    action = PlanAction.objects.select_for_update().get(pk=action.pk)  # the event loads apart (an outer join)
    if action.plan_id != plan.pk:
        raise ValidationError(_("This action is another plan's."))
    _check_event(acting, event, kept=action.event)
    changes = _action_values(what=what, who=who, when=when, cost=cost, event=event, event_url=event_url)
    probe = PlanAction(plan=plan, **changes)
    probe.full_clean(exclude=["event", "plan"])
    if revision_save(action, revision=revision, changes=changes):
        _touch(plan, "actions")
    return action


@transaction.atomic
def action_remove(*, action: PlanAction, acting) -> None:
    _ensure_edit(acting, action.plan)
    plan = action.plan
    action.delete()
    _touch(plan, None)


@transaction.atomic
def resource_link(*, plan: AdvocacyPlan, acting, resource: Resource) -> PlanResource:
    """Put a library resource among the plan's materials (once). Only a resource the person may see;
    the link changes nothing of who sees the plan or the resource."""
    _ensure_edit(acting, plan)
    if not Resource.objects.visible_to(acting).filter(pk=resource.pk).exists():
        raise ValidationError({"resource": _("There is no such resource in the library.")})
    link, created = PlanResource.objects.get_or_create(plan=plan, resource=resource)
    if created:
        _touch(plan, "channels")
    return link


@transaction.atomic
def resource_unlink(*, plan: AdvocacyPlan, acting, resource_id: int) -> None:
    _ensure_edit(acting, plan)
    deleted, _rows = PlanResource.objects.filter(plan=plan, resource_id=resource_id).delete()
    if deleted:
        _touch(plan, None)


# --- Message tests and evidence ----------------------------------------------------------------


@transaction.atomic
def message_test_record(
    *,
    plan: AdvocacyPlan,
    acting,
    hypothesis: str,
    method: str,
    variants: Sequence[tuple[str, str]],
    sample: str = "",
    decision: str = "",
    winner: int | None = None,
    audience: TargetAudience | None = None,
    message: PlanMessage | None = None,
) -> MessageTest:
    """A test of two or more versions (text, result); ``winner`` is the index of the winning one."""
    _ensure_edit(acting, plan)
    if method not in TestingMethod.values:
        raise ValidationError({"method": _("Choose interviews, a survey, a focus group or other.")})
    variants = [(t.strip(), (r or "").strip()) for t, r in variants if t and t.strip()]
    if len(variants) < 2:
        raise ValidationError({"variants": _("A test compares at least two versions of a message.")})
    if winner is not None and not 0 <= winner < len(variants):
        raise ValidationError({"winner": _("Choose the winner among the versions.")})
    for other, field in ((audience, "audience"), (message, "message")):
        if other is not None and other.plan_id != plan.pk:
            raise ValidationError({field: _("Choose one of the plan's own.")})
    test = MessageTest.objects.create(
        plan=plan,
        hypothesis=_required(hypothesis, "hypothesis", _("State what you expect to find.")),
        method=method,
        sample=sample.strip(),
        decision=decision.strip(),
        audience=audience,
        message=message,
    )
    made = MessageVariant.objects.bulk_create(
        [MessageVariant(test=test, text=t, result=r) for t, r in variants]
    )
    if winner is not None:
        test.winner = made[winner]
        test.save(update_fields=["winner"])
    _touch(plan, None)
    return test


@transaction.atomic
def suggestion_propose(*, variant: MessageVariant, acting) -> NarrativeSuggestion:
    """Propose a test's winning version back to the common narrative."""
    test = variant.test
    _ensure_edit(acting, test.plan)
    if test.winner_id != variant.pk:
        raise ValidationError(_("Only a test's winning version is proposed to the narrative."))
    existing = NarrativeSuggestion.objects.filter(variant=variant).first()
    if existing is not None:
        return existing
    return NarrativeSuggestion.objects.create(
        variant=variant,
        item=test.message.source if test.message_id else None,
        text=variant.text,
        language=test.message.language if test.message_id else test.plan.language,
        proposed_by=acting,
    )


@transaction.atomic
def suggestion_decide(*, suggestion: NarrativeSuggestion, acting, accept: bool) -> NarrativeSuggestion:
    """The secretariat takes a suggestion in (a new draft item, to review like any other) or declines it."""
    ensure(acting, "advocacy.curate_narrative")
    suggestion = NarrativeSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != SuggestionStatus.OPEN:
        raise ValidationError(_("This suggestion was already decided."))
    if accept:
        base = suggestion.item
        suggestion.created_item = narrative_item_save(
            acting=acting,
            kind=base.kind if base and base.kind != ItemKind.FACT else ItemKind.KEY_MESSAGE,
            title=(base.title if base else suggestion.text[:80]),
            statement=suggestion.text,
            language=suggestion.language,
            topic=base.topic if base else "",
            audiences=[t.audience for t in base.audience_tags.all()] if base else [],
        )
    suggestion.status = SuggestionStatus.ACCEPTED if accept else SuggestionStatus.DECLINED
    suggestion.save(update_fields=["status", "created_item"])
    return suggestion


@transaction.atomic
def evidence_record(
    *,
    plan: AdvocacyPlan,
    acting,
    step: str,
    what: str,
    happened_on,
    link: str = "",
    document: str = "",
    audience: TargetAudience | None = None,
) -> Evidence:
    """Evidence of progress along Coffman's chain (informed, persuaded, acted)."""
    _ensure_edit(acting, plan)
    if step not in Step.values:
        raise ValidationError({"step": _("Choose informed, persuaded or acted.")})
    if happened_on is None:
        raise ValidationError({"happened_on": _("Give the date.")})
    if happened_on > timezone.localdate():
        raise ValidationError(
            {"happened_on": _("Evidence is of what has happened: the date is not in the future.")}
        )
    if audience is not None and audience.plan_id != plan.pk:
        raise ValidationError({"audience": _("Choose one of the plan's audiences.")})
    if not (link or document):
        raise ValidationError({"link": _("Give a link or name the document that shows it.")})
    evidence = Evidence(
        plan=plan,
        step=step,
        what=_required(what, "what", _("Say what happened.")),
        happened_on=happened_on,
        link=link,
        document=document,
        audience=audience,
        recorded_by=acting,
    )
    evidence.full_clean()
    evidence.save()
    _touch(plan, None)
    return evidence
