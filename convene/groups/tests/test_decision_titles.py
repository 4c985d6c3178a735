"""The decision log's titles are stored as kind + names and read in the viewer's language (issue 9)."""

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import translation

from conftest import client_for
from convene.governance.decisions import TITLES, decision_title
from convene.governance.models import Decision, DecisionEffect, DecisionOutcome
from convene.groups import services
from convene.people import services as people_services

migration = importlib.import_module("convene.governance.migrations.0006_f1_decision_title_kind")


def test_the_services_store_the_kind_and_the_names_not_a_sentence(launched_group, cochairs):
    launch, *appointments = Decision.objects.filter(group=launched_group).order_by("pk")
    assert (launch.title, launch.title_kind, launch.title_params) == (
        "",
        "group_launched",
        {"group": "Case Management"},
    )
    assert [(d.title_kind, d.title_params) for d in appointments] == [
        ("cochair_appointed", {"name": "Lindiwe Lead", "group": "Case Management"}),
        ("cochair_appointed", {"name": "Lars Lead", "group": "Case Management"}),
    ]
    assert launch.localized_title == "Launch of Case Management"


def test_every_kind_of_title_has_its_names(launched_group, committee_member, cochairs, member):
    term = services.cochair_appoint(
        group=launched_group, person=member, replaces=cochairs[1], acting=committee_member
    )
    closing = services.group_close(group=launched_group, acting=committee_member)
    assert term.appointed_by.localized_title == (
        "Amina Member appointed co-chair of Case Management in place of Lars Lead"
    )
    assert closing.localized_title == "Closing of Case Management"
    assert {d.title_kind for d in Decision.objects.all()} <= set(TITLES)


def test_a_french_reader_reads_the_titles_in_french(launched_group, committee_member):
    with translation.override("fr"):
        titles = [decision_title(d) for d in Decision.objects.order_by("pk")]
    assert titles == [
        "Lancement de Case Management",
        "Lindiwe Lead nommé(e) coprésident(e) de Case Management",
        "Lars Lead nommé(e) coprésident(e) de Case Management",
    ]
    committee_member.language = "fr"
    committee_member.save(update_fields=["language"])
    html = client_for(committee_member).get(reverse("governance:decisions")).content.decode()
    assert "Lancement de Case Management" in html
    assert "Launch of Case Management" not in html


def test_the_api_gives_the_title_in_the_language_asked_for_and_its_structure(launched_group, member):
    _token, key = people_services.api_token_create(person=member, name="script")
    client = Client(headers={"Authorization": f"Bearer {key}", "Accept-Language": "fr"})
    launch = client.get(reverse("api:list_decisions")).json()["items"][-1]
    assert (launch["title"], launch["title_kind"], launch["title_params"]) == (
        "Lancement de Case Management",
        "group_launched",
        {"group": "Case Management"},
    )


def test_a_title_typed_in_the_back_office_is_shown_as_written(committee_member):
    decision = Decision.objects.create(
        title="Budget for 2026 adopted",
        outcome=DecisionOutcome.APPROVED,
        effect=DecisionEffect.OTHER,
        decided_on="2025-03-01",
        recorded_by=committee_member,
    )
    with translation.override("fr"):
        assert decision.localized_title == "Budget for 2026 adopted"


def test_an_erased_co_chair_is_a_former_member_in_every_language(launched_group, cochairs, secretariat):
    people_services.account_erase(person=cochairs[0], acting=secretariat)
    appointment = Decision.objects.get(title_kind="cochair_appointed", title_params__name="Former member")
    assert appointment.title_params == {"name": "Former member", "group": "Case Management"}
    history = Decision.history.filter(id=appointment.pk)
    assert {h.title_params["name"] for h in history} == {"Former member"}
    with translation.override("fr"):
        assert appointment.localized_title == "Ancien membre nommé(e) coprésident(e) de Case Management"
    # The other co-chair's appointment keeps her name.
    assert Decision.objects.filter(title_params__name="Lars Lead").count() == 1


def _old_style(committee_member, group, title: str, effect: str) -> Decision:
    """A decision as the log recorded it before titles were structured."""
    return Decision.objects.create(
        title=title,
        outcome=DecisionOutcome.APPROVED,
        effect=effect,
        decided_on="2024-06-01",
        recorded_by=committee_member,
        group=group,
    )


def test_the_migration_structures_the_titles_it_recognises_in_any_language(launched_group, committee_member):
    old = {
        "launch": _old_style(committee_member, launched_group, "Launch of Case Management", "group_launched"),
        "french": _old_style(
            committee_member,
            launched_group,
            "Lindiwe Lead nommé(e) coprésident(e) de Case Management",
            "cochairs_appointed",
        ),
        "renamed": _old_style(committee_member, launched_group, "Closing of Old Name", "group_closed"),
        "plan": _old_style(
            committee_member,
            launched_group,
            "Work plan of Case Management approved (version 3)",
            "workplan_approved",
        ),
        "typed": _old_style(committee_member, launched_group, "A special decision", "other"),
        # A person's name with a group that is not this one's: the split would be a guess.
        "unsure": _old_style(
            committee_member, launched_group, "Ann appointed co-chair of Other Group", "cochairs_appointed"
        ),
    }
    migration.structure_titles(apps, None)
    rows = {key: Decision.objects.get(pk=d.pk) for key, d in old.items()}
    assert (rows["launch"].title, rows["launch"].title_kind) == ("", "group_launched")
    assert rows["french"].title_params == {"name": "Lindiwe Lead", "group": "Case Management"}
    assert rows["renamed"].title_params == {"group": "Old Name"}
    assert rows["plan"].title_params == {"group": "Case Management", "version": 3}
    for key in ("typed", "unsure"):
        assert (rows[key].title, rows[key].title_kind) == (old[key].title, "")
    with translation.override("fr"):
        assert rows["plan"].localized_title == "Plan de travail de Case Management approuvé (version 3)"
    assert {h.title_kind for h in Decision.history.filter(id=rows["launch"].pk)} == {"group_launched"}

    migration.unstructure_titles(apps, None)
    assert (
        Decision.objects.get(pk=old["french"].pk).title
        == "Lindiwe Lead appointed co-chair of Case Management"
    )


# Titles added after the migration: no decision recorded before it can have them.
SINCE_THE_MIGRATION = {"lead_appointed", "lead_replaced", "ambassador_selected"}


@pytest.mark.parametrize("kind", sorted(set(TITLES) - SINCE_THE_MIGRATION))
def test_every_title_of_the_registry_is_known_to_the_migration(kind):
    assert (kind, TITLES[kind]) in {(k, msgid) for k, _e, msgid in migration.TITLES}


def test_the_back_office_lists_the_titles_in_the_readers_language(launched_group, secretariat):
    secretariat.language = "fr"
    secretariat.save(update_fields=["language"])
    client = client_for(secretariat)
    html = client.get(reverse("admin:governance_decision_changelist")).content.decode()
    assert "Lancement de Case Management" in html
    # A decision typed by hand still needs a title.
    response = client.post(
        reverse("admin:governance_decision_add"),
        {
            "title": " ",
            "outcome": "approved",
            "effect": "other",
            "decided_on": "2025-03-01",
            "recorded_by": secretariat.pk,
        },
    )
    assert response.status_code == 200
    assert not Decision.objects.filter(effect="other").exists()
