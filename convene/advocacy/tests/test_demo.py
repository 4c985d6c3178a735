"""The demo's advocacy: the narrative in five languages, three plans at different stages (one Danish),
a message test and evidence."""

import random

from conftest import make_person
from convene.advocacy import queries
from convene.advocacy.demo import build_advocacy
from convene.advocacy.models import (
    AdvocacyPlan,
    Evidence,
    ItemState,
    MessageTest,
    NarrativeItem,
    NarrativeTranslation,
)


def test_the_demo_builds_the_narrative_and_three_plans(secretariat):
    for email, country in (("z@example.org", "ZM"), ("k@example.org", "KE"), ("d@example.org", "DK")):
        make_person(email, name=email[0].upper(), country=country)
    made = build_advocacy(rng=random.Random(1))
    assert made == {"items": 7, "plans": 3, "languages": 5}
    languages = set(
        NarrativeTranslation.objects.filter(approved_at__isnull=False).values_list("language", flat=True)
    )
    assert languages == {"fr", "es", "pt", "da"}
    assert NarrativeItem.objects.filter(state=ItemState.RETIRED, replaced_by__isnull=False).count() == 1
    assert any(queries.needs_review(item) for item in NarrativeItem.objects.approved())
    plans = AdvocacyPlan.objects.order_by("pk")
    assert [(p.country.code, p.stage, p.language) for p in plans] == [
        ("ZM", "under_way", "en"),
        ("KE", "planning", "en"),
        ("DK", "completed", "da"),
    ]
    assert MessageTest.objects.get().winner is not None
    assert sorted(Evidence.objects.values_list("step", flat=True)) == [
        "acted",
        "acted",
        "informed",
        "persuaded",
    ]


def test_the_demo_command_runs_the_advocacy_builder(db, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    with django_capture_on_commit_callbacks():
        call_command("demo", "--members", "300", verbosity=0)
    assert AdvocacyPlan.objects.filter(visibility="published").count() == 3
    assert AdvocacyPlan.objects.filter(language="da", country="DK").exists()
    from convene.core.rules import can

    assert all(can(plan.owner, "advocacy.make_plan") for plan in AdvocacyPlan.objects.select_related("owner"))
    # Two cohorts of ambassadors: the 2016 one are alumni; the current eight come from eight countries
    # and have filed quarterly reports; each selection is in the decision log.
    from convene.advocacy import ambassador_queries
    from convene.advocacy.models import Ambassador, Cohort, QuarterlyReport
    from convene.governance.models import Decision

    assert Cohort.objects.count() == 2
    assert len(ambassador_queries.alumni()) == 8
    (current,) = ambassador_queries.public_cohorts()
    assert current.size == 8
    assert len(current.countries) == 8
    assert QuarterlyReport.objects.exists()
    assert (
        Decision.objects.filter(title_kind="ambassador_selected").count() == Ambassador.objects.count() == 16
    )
