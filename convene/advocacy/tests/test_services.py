"""The advocacy services and their invariants (STYLE §7): each denied or invalid write changes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from convene.advocacy import queries, services
from convene.advocacy.models import (
    AdvocacyPlan,
    Approach,
    ItemState,
    NarrativeItem,
    NarrativeSuggestion,
    PlanMessage,
    SuggestionStatus,
    Visibility,
)

from .conftest import approved_item


def test_an_item_moves_draft_review_approved_retired(secretariat):
    item = services.narrative_item_save(
        acting=secretariat, kind="fact", title="Gap", statement="A gap.", source="Survey", source_year=2023
    )
    assert item.state == ItemState.DRAFT
    with pytest.raises(ValidationError):
        services.narrative_item_move(item=item, acting=secretariat, state=ItemState.APPROVED)
    services.narrative_item_move(item=item, acting=secretariat, state=ItemState.IN_REVIEW)
    services.narrative_item_move(item=item, acting=secretariat, state=ItemState.APPROVED)
    item.refresh_from_db()
    assert item.state == ItemState.APPROVED
    assert [h.state for h in item.history.order_by("history_date")] == ["draft", "in_review", "approved"]


def test_only_the_secretariat_curates(member):
    with pytest.raises(PermissionDenied):
        services.narrative_item_save(acting=member, kind="fact", title="X", statement="Y", source="Z")
    assert NarrativeItem.objects.count() == 0


def test_a_fact_needs_a_source_and_a_real_year(secretariat):
    with pytest.raises(ValidationError) as error:
        services.narrative_item_save(acting=secretariat, kind="fact", title="X", statement="Y")
    assert "source" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.narrative_item_save(
            acting=secretariat, kind="fact", title="X", statement="Y", source="Z", source_year=3000
        )
    assert NarrativeItem.objects.count() == 0


def test_a_language_is_a_bcp47_tag(secretariat, fact):
    with pytest.raises(ValidationError):
        services.translation_save(item=fact, acting=secretariat, language="French!", title="T", statement="S")
    translation = services.translation_save(
        item=fact, acting=secretariat, language="pt-BR", title="Lacuna", statement="Faltam assistentes."
    )
    assert translation.approved_at is None


def test_members_read_an_approved_translation_in_their_language(secretariat, member, fact):
    translation = services.translation_save(
        item=fact,
        acting=secretariat,
        language="fr",
        title="Le manque",
        statement="La Zambie manque de travailleurs.",
    )
    shown = queries.narrative_items(viewer=member, language="fr")
    assert [(s.title, s.translated) for s in shown] == [("Workforce gap", False)]
    services.translation_approve(translation=translation, acting=secretariat)
    shown = queries.narrative_items(viewer=member, language="fr")
    assert [(s.title, s.language, s.translated) for s in shown] == [("Le manque", "fr", True)]
    assert [s.title for s in queries.narrative_items(viewer=member, language="fr", q="manque")] == [
        "Le manque"
    ]


def test_members_see_approved_and_retired_items_only(secretariat, member, fact):
    services.narrative_item_save(acting=secretariat, kind="story", title="Draft story", statement="Once.")
    assert [s.item.pk for s in queries.narrative_items(viewer=member)] == [fact.pk]
    assert len(queries.narrative_items(viewer=secretariat)) == 2


def test_an_old_source_is_flagged_for_review(secretariat, settings):
    settings.CONVENE_ADVOCACY_FACT_MAX_AGE_YEARS = 5
    year = timezone.localdate().year
    old = approved_item(secretariat, title="Old", source_year=year - 6)
    fresh = approved_item(secretariat, title="Fresh", source_year=year - 5)
    assert (queries.needs_review(old), queries.needs_review(fresh)) == (True, False)


def test_a_message_starts_from_an_approved_item(secretariat, member, plan):
    draft = services.narrative_item_save(
        acting=secretariat, kind="fact", title="D", statement="D.", source="S"
    )
    with pytest.raises(ValidationError):
        services.message_add(plan=plan, acting=member, source=draft, text="Adapted")
    assert PlanMessage.objects.count() == 0


def test_retiring_an_item_flags_every_plan_that_uses_it(secretariat, member, other_member, fact):
    used = services.plan_create(acting=member, title="Uses it")
    services.message_add(plan=used, acting=member, source=fact, text="Zambia needs 5,000 more.")
    unused = services.plan_create(acting=other_member, title="Does not")
    replacement = approved_item(secretariat, title="Newer gap")
    services.narrative_item_move(
        item=fact, acting=secretariat, state=ItemState.RETIRED, replaced_by=replacement
    )
    used.refresh_from_db()
    unused.refresh_from_db()
    assert used.flagged_at is not None
    assert "Workforce gap" in used.flag_reason
    assert unused.flagged_at is None
    fact.refresh_from_db()
    assert fact.replaced_by == replacement
    # The retired item stays visible to members, as retired.
    assert [s.item.state for s in queries.narrative_items(viewer=other_member, q="Workforce gap")] == [
        "retired"
    ]
    # Replacing the message lifts the flag.
    services.message_remove(message=used.messages.get(), acting=member)
    used.refresh_from_db()
    assert used.flagged_at is None


def test_only_approved_items_reach_a_published_plans_messages(secretariat, member, other_member, fact):
    plan = services.plan_create(acting=member, title="Plan")
    services.message_add(plan=plan, acting=member, source=fact, text="Adapted")
    services.narrative_item_move(item=fact, acting=secretariat, state=ItemState.RETIRED)
    with pytest.raises(ValidationError):
        services.plan_settings_save(
            plan=plan, acting=member, title="Plan", visibility=Visibility.PUBLISHED, stage="planning"
        )
    plan.refresh_from_db()
    assert plan.visibility == Visibility.PRIVATE
    # A plan published before the item was retired no longer shows the message to its readers.
    fresh = approved_item(secretariat, title="Fresh")
    other = services.plan_create(acting=member, title="Other")
    services.message_add(plan=other, acting=member, source=fresh, text="Fresh adapted")
    services.plan_settings_save(
        plan=other, acting=member, title="Other", visibility="published", stage="planning"
    )
    services.narrative_item_move(item=fresh, acting=secretariat, state=ItemState.RETIRED)
    assert list(queries.plan_parts(other, viewer=other_member).messages.all()) == []
    assert len(queries.plan_parts(other, viewer=member).messages.all()) == 1


def test_a_private_plan_is_its_owners_alone(member, other_member, secretariat, committee_member, plan):
    for person in (other_member, secretariat, committee_member):
        assert plan not in queries.plans_visible_to(person)
        with pytest.raises(Http404):
            queries.plan_for_viewer(viewer=person, pk=plan.pk)
    assert queries.plan_for_viewer(viewer=member, pk=plan.pk) == plan


def test_a_published_plan_is_seen_by_members_and_edited_by_its_owner(member, other_member, plan):
    services.plan_settings_save(
        plan=plan, acting=member, title=plan.title, visibility="published", stage="planning"
    )
    assert plan in queries.plans_visible_to(other_member)
    with pytest.raises(PermissionDenied):
        services.plan_worksheet_save(
            plan=plan, acting=other_member, worksheet="context", values={"issue": "Mine"}
        )
    plan.refresh_from_db()
    assert plan.issue == ""


def test_a_worksheet_saves_only_its_fields_and_is_marked_done(member, plan):
    services.plan_worksheet_save(
        plan=plan,
        acting=member,
        worksheet="context",
        values={"issue": "Too few social workers", "risks": "X"},
    )
    plan.refresh_from_db()
    assert (plan.issue, plan.risks, plan.worksheets_done) == ("Too few social workers", "", ["context"])


def test_audiences_get_the_approach_their_scores_suggest(member, plan):
    made = {
        (a, i): services.audience_save(
            plan=plan, acting=member, name=f"{a}{i}", kind="minister", alignment=a, interest=i, influence=4
        ).approach
        for a, i in ((5, 5), (4, 1), (1, 2), (2, 5))
    }
    assert made == {
        (5, 5): Approach.PARTNER,
        (4, 1): Approach.INFORM,
        (1, 2): Approach.PERSUADE,
        (2, 5): Approach.CHALLENGE,
    }
    with pytest.raises(ValidationError):
        services.audience_save(plan=plan, acting=member, name="Bad", kind="minister", alignment=6)
    assert plan.audiences.count() == 4


def test_a_copy_starts_private_with_the_approved_messages(secretariat, member, other_member, fact):
    source = services.plan_create(acting=member, title="Zambia")
    services.plan_worksheet_save(
        plan=source, acting=member, worksheet="goal", values={"goal_change": "A budget line"}
    )
    minister = services.audience_save(plan=source, acting=member, name="Minister", kind="minister")
    services.message_add(plan=source, acting=member, source=fact, text="Adapted", audience=minister)
    with pytest.raises(ValidationError):
        services.plan_copy(source=source, acting=other_member)
    services.plan_settings_save(
        plan=source, acting=member, title="Zambia", visibility="published", stage="under_way"
    )
    copy = services.plan_copy(source=source, acting=other_member)
    assert (copy.owner, copy.visibility, copy.goal_change, copy.copied_from) == (
        other_member,
        Visibility.PRIVATE,
        "A budget line",
        source,
    )
    message = copy.messages.get()
    assert (message.audience.name, message.audience.plan, message.source) == ("Minister", copy, fact)


def test_a_message_test_needs_two_versions_and_a_winner_among_them(member, plan):
    with pytest.raises(ValidationError):
        services.message_test_record(
            plan=plan, acting=member, hypothesis="H", method="survey", variants=[("A", "")]
        )
    with pytest.raises(ValidationError):
        services.message_test_record(
            plan=plan,
            acting=member,
            hypothesis="H",
            method="survey",
            variants=[("A", ""), ("B", "")],
            winner=2,
        )
    test = services.message_test_record(
        plan=plan,
        acting=member,
        hypothesis="H",
        method="focus_group",
        variants=[("A", "3/10"), ("B", "8/10")],
        winner=1,
    )
    assert test.winner.text == "B"
    assert plan.message_tests.count() == 1


def test_a_winning_version_goes_back_to_the_secretariat(secretariat, member, plan, fact):
    message = services.message_add(plan=plan, acting=member, source=fact, text="Adapted")
    test = services.message_test_record(
        plan=plan,
        acting=member,
        hypothesis="H",
        method="interview",
        variants=[("A", ""), ("B", "")],
        winner=0,
        message=message,
    )
    loser = test.variants.get(text="B")
    with pytest.raises(ValidationError):
        services.suggestion_propose(variant=loser, acting=member)
    suggestion = services.suggestion_propose(variant=test.winner, acting=member)
    assert (suggestion.item, suggestion.status) == (fact, SuggestionStatus.OPEN)
    with pytest.raises(PermissionDenied):
        services.suggestion_decide(suggestion=suggestion, acting=member, accept=True)
    decided = services.suggestion_decide(suggestion=suggestion, acting=secretariat, accept=True)
    assert decided.created_item.state == ItemState.DRAFT
    assert decided.created_item.statement == "A"
    assert NarrativeSuggestion.objects.get().status == SuggestionStatus.ACCEPTED


def test_evidence_is_dated_and_shown(member, plan):
    minister = services.audience_save(plan=plan, acting=member, name="Ministry", kind="minister")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        services.evidence_record(
            plan=plan, acting=member, step="acted", what="Budget", happened_on=tomorrow, link="https://x.org"
        )
    with pytest.raises(ValidationError):
        services.evidence_record(
            plan=plan, acting=member, step="acted", what="Budget", happened_on=timezone.localdate()
        )
    services.evidence_record(
        plan=plan,
        acting=member,
        step="acted",
        what="Budget line for social workers",
        happened_on=timezone.localdate(),
        link="https://gov.example/budget",
        audience=minister,
    )
    assert plan.evidence_items.get().audience == minister


def test_the_network_summary_counts_what_is_not_private(member, other_member, plan):
    services.evidence_record(
        plan=plan,
        acting=member,
        step="informed",
        what="Met",
        happened_on=timezone.localdate(),
        document="Notes",
    )
    shared = services.plan_create(acting=other_member, title="Nigeria", country="NG")
    services.plan_settings_save(
        plan=shared, acting=other_member, title="Nigeria", visibility="published", stage="under_way"
    )
    services.evidence_record(
        plan=shared,
        acting=other_member,
        step="acted",
        what="Law",
        happened_on=timezone.localdate(),
        document="Gazette",
    )
    summary = queries.network_summary()
    assert summary["plans"] == 1
    assert summary["countries"] == 1
    assert summary["by_step"] == {"informed": 0, "persuaded": 0, "acted": 1}
    assert summary["by_stage"]["under_way"] == 1
    assert [line.plans for line in queries.country_table(queries.network_plans())] == [1]
    assert AdvocacyPlan.objects.count() == 2
