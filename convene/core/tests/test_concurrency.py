"""No lost writes (core.concurrency) through the services that use it: the three-way merge, then real
concurrent saves, in threads with a connection each, against the database (issue 3, issue 5).

The threaded tests hold the first save's transaction open until the second request is seen waiting
for the row (PostgreSQL: a backend of this database waiting on a lock; SQLite, which serialises
writers, for a moment), so the two saves really overlap.

How the threads share the database: ``convene.core.tests.concurrent``.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from conftest import client_for, make_person
from convene.core.concurrency import EditConflict
from convene.core.tests.concurrent import HoldFirstSave, finish, run_together, threads_database
from convene.groups import services as group_services
from convene.people.models import Person
from convene.plans import services
from convene.plans.models import Deliverable, WorkPlan
from convene.plans.tests.factories import LAUNCHED_ON, PlanWorld, build_plan, launch_group, make_cochair
from convene.results import services as results_services
from convene.results.models import Indicator


@pytest.fixture
def world(db, committee_member, secretariat) -> PlanWorld:
    cochair = make_cochair()
    group = launch_group(committee=committee_member, cochair=cochair)
    return build_plan(group=group, cochair=cochair, secretariat=secretariat)


@pytest.fixture
def second_cochair(world, committee_member) -> Person:
    person = make_person("plan.chair.two@example.org", name="Pablo Planchair", country="PE")
    group_services.cochair_appoint(
        group=world.group, person=person, acting=committee_member, decided_on=LAUNCHED_ON
    )
    return Person.objects.get(pk=person.pk)


def fresh(plan: WorkPlan) -> WorkPlan:
    return WorkPlan.objects.get(pk=plan.pk)


def edit_plan(world, person, revision, **fields) -> WorkPlan:
    return services.plan_update(plan=world.plan, acting=person, revision=revision, **fields)


# --- The three-way merge -------------------------------------------------------------------------


def test_only_theirs_changed_merges_their_value(world, second_cochair):
    start = world.plan.revision
    edit_plan(world, world.cochair, start, title="Plan 2025 (final)")
    history = fresh(world.plan).history.count()
    # The second editor sends the whole form: the title as it was when they opened it, a new summary.
    with pytest.raises(EditConflict) as caught:
        edit_plan(world, second_cochair, start, title="Work plan 2025", summary="Our year.")
    conflict = caught.value
    assert conflict.revision == start + 1
    assert conflict.theirs_changed == ["title"]
    assert conflict.mine_changed == ["summary"]
    assert conflict.conflicts == []
    assert conflict.merged == {"title": "Plan 2025 (final)", "summary": "Our year."}
    assert conflict.changed_by == world.cochair
    assert conflict.changed_at is not None
    plan = fresh(world.plan)  # nothing written
    assert (plan.title, plan.summary, plan.revision) == ("Plan 2025 (final)", "", start + 1)
    assert plan.history.count() == history
    # Saving the merge from the new revision is the deliberate merge: both changes kept.
    edit_plan(world, second_cochair, conflict.revision, **conflict.merged)
    plan = fresh(world.plan)
    assert (plan.title, plan.summary, plan.revision) == ("Plan 2025 (final)", "Our year.", start + 2)


def test_only_mine_changed(world, second_cochair):
    start = world.plan.revision
    edit_plan(world, world.cochair, start, top_issues="Caseloads; supervision.")
    with pytest.raises(EditConflict) as caught:
        edit_plan(world, second_cochair, start, title="Plan B", summary="", top_issues="Caseloads.")
    conflict = caught.value
    # Their top issues differ from what this editor sent back unchanged: theirs is kept.
    assert conflict.theirs_changed == ["top_issues"]
    assert conflict.mine_changed == ["title"]
    assert conflict.conflicts == []
    assert conflict.merged == {"title": "Plan B", "summary": "", "top_issues": "Caseloads; supervision."}
    # A change elsewhere in the record, in fields this editor did not send, is still a newer revision:
    # the editor is told, with nothing of theirs in the way.
    start = fresh(world.plan).revision
    edit_plan(world, world.cochair, start, summary="A summary.")
    with pytest.raises(EditConflict) as caught:
        edit_plan(world, second_cochair, start, title="Plan C")
    assert (caught.value.theirs_changed, caught.value.mine_changed, caught.value.conflicts) == (
        [],
        ["title"],
        [],
    )
    assert caught.value.merged == {"title": "Plan C"}


def test_both_changed_to_the_same_value(world, second_cochair):
    start = world.plan.revision
    edit_plan(world, world.cochair, start, title="Plan 2025", summary="First.")
    with pytest.raises(EditConflict) as caught:
        edit_plan(world, second_cochair, start, title="Plan 2025", summary="Second.")
    conflict = caught.value
    assert conflict.theirs_changed == ["title", "summary"]
    assert conflict.mine_changed == ["title", "summary"]
    assert conflict.conflicts == ["summary"]  # the same new title is no conflict
    assert conflict.merged == {"title": "Plan 2025", "summary": "Second."}


def test_same_values_sent_again_from_an_old_revision_are_no_conflict(world, second_cochair):
    """The same form sent twice (or both typed the same): nothing would be lost, nothing is written."""
    start = world.plan.revision
    edit_plan(world, world.cochair, start, title="Plan 2025", summary="Agreed.")
    history = fresh(world.plan).history.count()
    edit_plan(world, second_cochair, start, title="Plan 2025", summary="Agreed.")
    edit_plan(world, world.cochair, start, title="Plan 2025", summary="Agreed.")
    plan = fresh(world.plan)
    assert (plan.title, plan.summary, plan.revision) == ("Plan 2025", "Agreed.", start + 1)
    assert plan.history.count() == history
    assert plan.history.latest("history_id").history_user == world.cochair


def test_both_changed_differently_mine_wins_in_the_form_not_in_the_row(world, second_cochair):
    start = world.plan.revision
    edit_plan(world, world.cochair, start, title="Theirs", ends_on=datetime.date(2025, 11, 30))
    with pytest.raises(EditConflict) as caught:
        edit_plan(world, second_cochair, start, title="Mine", ends_on=datetime.date(2025, 12, 31))
    conflict = caught.value
    assert conflict.theirs_changed == ["title", "ends_on"]
    assert conflict.mine_changed == ["title"]  # the end date sent back as it was
    assert conflict.conflicts == ["title"]
    assert conflict.theirs == {"title": "Theirs", "ends_on": datetime.date(2025, 11, 30)}
    assert conflict.merged == {"title": "Mine", "ends_on": datetime.date(2025, 11, 30)}
    assert conflict.as_dict() == {
        "detail": "Someone else saved this record while you were editing it.",
        "revision": start + 1,
        "theirs_changed": ["title", "ends_on"],
        "mine_changed": ["title"],
        "conflicts": ["title"],
        "theirs": {"title": "Theirs", "ends_on": "2025-11-30"},
    }
    assert fresh(world.plan).title == "Theirs"


def test_unknown_starting_version_shows_every_difference_as_a_conflict(world, second_cochair):
    start = world.plan.revision
    edit_plan(world, world.cochair, start, title="Theirs")
    # The history of the starting revision is gone (written in bulk, or pruned).
    fresh(world.plan).history.filter(revision=start).delete()
    with pytest.raises(EditConflict) as caught:
        edit_plan(world, second_cochair, start, title="Mine", summary="", top_issues="Caseloads.")
    conflict = caught.value
    # Only the title differs from the saved row; the others are equal, so neither side changed them.
    assert (conflict.theirs_changed, conflict.mine_changed, conflict.conflicts) == (
        ["title"],
        ["title"],
        ["title"],
    )
    assert conflict.merged == {"title": "Mine", "summary": "", "top_issues": "Caseloads."}
    # A revision that never existed is as unknown.
    with pytest.raises(EditConflict) as caught:
        edit_plan(world, second_cochair, start + 40, title="Mine")
    assert caught.value.conflicts == ["title"]


def test_unchanged_save_keeps_the_revision_and_the_history(world):
    plan = world.plan
    history = plan.history.count()
    edit_plan(world, world.cochair, plan.revision, title=plan.title, summary=plan.summary)
    same = fresh(plan)
    assert same.revision == plan.revision
    assert same.history.count() == history
    # A real change moves it by one and records who.
    edit_plan(world, world.cochair, plan.revision, summary="New.")
    changed = fresh(plan)
    assert changed.revision == plan.revision + 1
    assert changed.history.count() == history + 1
    assert changed.history.latest("history_id").history_user == world.cochair


def test_without_a_revision_the_check_is_skipped(world, second_cochair):
    start = world.plan.revision
    edit_plan(world, world.cochair, start, title="First")
    edit_plan(world, second_cochair, None, title="Second")
    plan = fresh(world.plan)
    assert (plan.title, plan.revision) == ("Second", start + 2)


def test_foreign_keys_compare_by_id_and_merge_as_objects(world, second_cochair):
    deliverable = world.deliverable
    start = deliverable.revision
    services.deliverable_save(
        plan=world.plan, acting=world.cochair, deliverable=deliverable, revision=start, owner=second_cochair
    )
    # Only theirs: the second co-chair sends the owner back as it was, changes the cost.
    with pytest.raises(EditConflict) as caught:
        services.deliverable_save(
            plan=world.plan,
            acting=second_cochair,
            deliverable=deliverable,
            revision=start,
            owner=world.cochair,
            cost=Decimal("6000"),
        )
    conflict = caught.value
    assert (conflict.theirs_changed, conflict.mine_changed, conflict.conflicts) == (["owner"], ["cost"], [])
    assert conflict.theirs == {"owner": second_cochair.pk, "cost": Decimal("5000.00")}
    assert conflict.merged == {"owner": second_cochair, "cost": Decimal("6000")}
    # The merge goes back to the service as it is.
    services.deliverable_save(
        plan=world.plan,
        acting=second_cochair,
        deliverable=deliverable,
        revision=conflict.revision,
        **conflict.merged,
    )
    saved = Deliverable.objects.get(pk=deliverable.pk)
    assert (saved.owner_id, saved.cost, saved.revision) == (second_cochair.pk, Decimal("6000.00"), start + 2)
    # Both changed the owner, to different people: a conflict, the editor's person in the merge.
    third = make_person("third.owner@example.org", name="Tariq Third", country="JO")
    with pytest.raises(EditConflict) as caught:
        services.deliverable_save(
            plan=world.plan, acting=world.cochair, deliverable=deliverable, revision=start, owner=third
        )
    assert caught.value.conflicts == ["owner"]
    assert caught.value.theirs == {"owner": second_cochair.pk}
    assert caught.value.merged == {"owner": third}
    # An owner given as the same person (another instance) is no change.
    services.deliverable_save(
        plan=world.plan,
        acting=world.cochair,
        deliverable=deliverable,
        revision=saved.revision,
        owner=Person.objects.get(pk=second_cochair.pk),
    )
    assert Deliverable.objects.get(pk=deliverable.pk).revision == saved.revision


def test_indicator_edits_merge_too(world, second_cochair):
    indicator = world.indicator
    start = indicator.revision
    results_services.indicator_save(
        plan=world.plan,
        acting=world.cochair,
        indicator=indicator,
        revision=start,
        definition="Case workers who finished the five-day course.",
    )
    with pytest.raises(EditConflict) as caught:
        results_services.indicator_save(
            plan=world.plan,
            acting=second_cochair,
            indicator=indicator,
            revision=start,
            name="Case workers trained in standards",
            definition="",
        )
    conflict = caught.value
    assert (conflict.theirs_changed, conflict.mine_changed, conflict.conflicts) == (
        ["definition"],
        ["name"],
        [],
    )
    assert conflict.merged == {
        "name": "Case workers trained in standards",
        "definition": "Case workers who finished the five-day course.",
    }
    saved = Indicator.objects.get(pk=indicator.pk)
    assert (saved.name, saved.revision) == ("Case workers trained", start + 1)
    results_services.indicator_save(
        plan=world.plan,
        acting=second_cochair,
        indicator=indicator,
        revision=conflict.revision,
        **conflict.merged,
    )
    saved = Indicator.objects.get(pk=indicator.pk)
    assert (saved.name, saved.definition, saved.revision) == (
        "Case workers trained in standards",
        "Case workers who finished the five-day course.",
        start + 2,
    )


# --- Real concurrent requests --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_cochairs_save_the_same_plan_at_the_same_moment(world, second_cochair, monkeypatch, tmp_path):
    plan_id, start = world.plan.pk, world.plan.revision
    hold = HoldFirstSave(monkeypatch, services)
    people = {"A": world.cochair.pk, "B": second_cochair.pk}

    def save(who):
        def job():
            person = Person.objects.get(pk=people[who])
            plan = WorkPlan.objects.get(pk=plan_id)
            services.plan_update(
                plan=plan, acting=person, revision=start, title=f"Plan by {who}", summary=who
            )
            return who

        return job

    with threads_database(tmp_path, monkeypatch):
        threads, outcomes = run_together(save("A"), save("B"))
        waited = hold.wait_for_the_other_then_release()
        finish(threads)

    winners = [o for o in outcomes if isinstance(o, str)]
    conflicts = [o for o in outcomes if isinstance(o, EditConflict)]
    assert len(winners) == 1, outcomes
    assert len(conflicts) == 1, outcomes
    winner, conflict = winners[0], conflicts[0]
    loser = "B" if winner == "A" else "A"
    if connection.vendor == "postgresql":
        assert waited, "the second save never waited for the first one's row lock"
    plan = WorkPlan.objects.get(pk=plan_id)
    assert (plan.title, plan.summary, plan.revision) == (f"Plan by {winner}", winner, start + 1)
    assert plan.history.latest("history_id").history_user_id == people[winner]
    assert plan.history.filter(revision=start + 1).count() == 1
    # The loser is told who saved what, and gets their own values over the winner's to merge.
    assert conflict.revision == start + 1
    assert conflict.conflicts == ["title", "summary"]
    assert conflict.theirs == {"title": f"Plan by {winner}", "summary": winner}
    assert conflict.merged == {"title": f"Plan by {loser}", "summary": loser}
    assert conflict.changed_by.pk == people[winner]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_cochairs_post_the_plan_edit_form_at_the_same_moment(
    world, second_cochair, monkeypatch, tmp_path
):
    plan_id, start = world.plan.pk, world.plan.revision
    url = reverse("plans:edit", args=[world.group.slug, plan_id])
    hold = HoldFirstSave(monkeypatch, services)
    clients = {"A": client_for(world.cochair), "B": client_for(second_cochair)}
    # Both open the form first: it carries the revision they start from.
    for client in clients.values():
        page = client.get(url)
        assert page.status_code == 200
        assert f'name="revision" value="{start}"' in page.content.decode()

    def post(who):
        def job():
            return clients[who].post(
                url,
                {
                    "title": f"Plan by {who}",
                    "starts_on": "2025-01-01",
                    "ends_on": "2025-12-31",
                    "top_issues": "Caseloads.",
                    "summary": f"Written by {who}.",
                    "revision": str(start),
                },
            )

        return job

    with threads_database(tmp_path, monkeypatch):
        threads, outcomes = run_together(post("A"), post("B"))
        waited = hold.wait_for_the_other_then_release()
        finish(threads)

    assert all(not isinstance(o, Exception) for o in outcomes), outcomes
    codes = sorted(o.status_code for o in outcomes)
    assert codes == [302, 409], codes
    winner = "A" if outcomes[0].status_code == 302 else "B"
    loser = "B" if winner == "A" else "A"
    if connection.vendor == "postgresql":
        assert waited, "the second request never waited for the first one's row lock"
    plan = WorkPlan.objects.get(pk=plan_id)
    assert (plan.title, plan.summary, plan.revision) == (
        f"Plan by {winner}",
        f"Written by {winner}.",
        start + 1,
    )
    # The 409 page names the field both changed, shows theirs beside the loser's, and carries the new
    # revision and the loser's values in the form for a deliberate merge.
    page = outcomes[["A", "B"].index(loser)].content.decode()
    assert "Someone else saved this while you were editing it" in page
    assert f"Plan by {winner}" in page
    assert f'name="revision" value="{start + 1}"' in page
    assert f'value="Plan by {loser}"' in page
    # Saving the merge from there succeeds.
    merged = clients[loser].post(
        url,
        {
            "title": f"Plan by {loser}",
            "starts_on": "2025-01-01",
            "ends_on": "2025-12-31",
            "top_issues": "Caseloads.",
            "summary": f"Written by {winner}.",
            "revision": str(start + 1),
        },
    )
    assert merged.status_code == 302
    plan = WorkPlan.objects.get(pk=plan_id)
    assert (plan.title, plan.summary, plan.revision) == (
        f"Plan by {loser}",
        f"Written by {winner}.",
        start + 2,
    )
