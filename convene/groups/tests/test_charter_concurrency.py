"""The charter's no lost writes (issue 3): two co-chairs editing the charter at once never silently
overwrite each other. The second save is told who saved, what they changed, and gets the form again
(409) with the merge to save deliberately. Threaded tests: ``convene.core.tests.concurrent``."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from conftest import client_for
from convene.core.concurrency import EditConflict
from convene.core.tests.concurrent import HoldFirstSave, finish, run_together, threads_database
from convene.groups import services
from convene.groups.models import Group, JoinPolicy, Visibility
from convene.people.models import Language, Person

# The whole charter form as a browser posts it, as the launched group has it (nothing set yet).
UNCHANGED = {
    "working_language": "",
    "meeting_frequency": "",
    "meeting_form": "",
    "join_policy": JoinPolicy.OPEN,
    "visibility": Visibility.PUBLIC,
    "max_size": "",
    "strategic_objectives": "",
}


def fresh(group: Group) -> Group:
    return Group.objects.get(pk=group.pk)


def charter_url(group: Group) -> str:
    return reverse("groups:charter", args=[group.slug])


def html(response) -> str:
    return response.content.decode()


# --- The service ------------------------------------------------------------------------------------


def test_a_charter_change_moves_the_revision_an_unchanged_one_does_not(launched_group, cochairs):
    start = launched_group.revision
    services.charter_update(
        group=launched_group, acting=cochairs[0], revision=start, meeting_frequency="monthly"
    )
    group = fresh(launched_group)
    assert (group.meeting_frequency, group.revision) == ("monthly", start + 1)
    versions = group.history.count()
    assert group.history.latest("history_id").history_user == cochairs[0]
    services.charter_update(group=group, acting=cochairs[1], revision=start + 1, meeting_frequency="monthly")
    assert fresh(group).revision == start + 1
    assert group.history.count() == versions


def test_the_second_save_from_the_same_revision_is_told_what_changed(launched_group, cochairs):
    start = launched_group.revision
    services.charter_update(
        group=launched_group,
        acting=cochairs[0],
        revision=start,
        meeting_frequency="monthly",
        join_policy=JoinPolicy.APPROVAL,
    )
    versions = fresh(launched_group).history.count()
    with pytest.raises(EditConflict) as caught:
        services.charter_update(
            group=launched_group,
            acting=cochairs[1],
            revision=start,
            meeting_frequency="",
            join_policy=JoinPolicy.INVITATION,
            max_size=12,
        )
    conflict = caught.value
    assert conflict.revision == start + 1
    assert conflict.theirs_changed == ["meeting_frequency", "join_policy"]
    assert conflict.mine_changed == ["join_policy", "max_size"]
    assert conflict.conflicts == ["join_policy"]
    assert conflict.theirs == {"meeting_frequency": "monthly", "join_policy": "approval", "max_size": None}
    # Their frequency stays; the second co-chair's policy and size are in the merge to check.
    assert conflict.merged == {"meeting_frequency": "monthly", "join_policy": "invitation", "max_size": 12}
    assert conflict.changed_by == cochairs[0]
    group = fresh(launched_group)  # nothing written
    assert (group.meeting_frequency, group.join_policy, group.max_size, group.revision) == (
        "monthly",
        "approval",
        None,
        start + 1,
    )
    assert group.history.count() == versions
    # Saving the merge from the new revision keeps both.
    services.charter_update(group=group, acting=cochairs[1], revision=conflict.revision, **conflict.merged)
    group = fresh(launched_group)
    assert (group.meeting_frequency, group.join_policy, group.max_size, group.revision) == (
        "monthly",
        "invitation",
        12,
        start + 2,
    )
    assert group.history.latest("history_id").history_user == cochairs[1]


def test_the_working_language_merges_as_a_language(launched_group, cochairs):
    french, spanish = Language.objects.get(code="fr"), Language.objects.get(code="es")
    start = launched_group.revision
    services.charter_update(group=launched_group, acting=cochairs[0], revision=start, working_language=french)
    # The other co-chair left the language as it was and changed the objectives: theirs is kept.
    with pytest.raises(EditConflict) as caught:
        services.charter_update(
            group=launched_group,
            acting=cochairs[1],
            revision=start,
            working_language=None,
            strategic_objectives="Map practice.",
        )
    assert (caught.value.theirs_changed, caught.value.conflicts) == (["working_language"], [])
    assert caught.value.theirs["working_language"] == "fr"
    assert caught.value.merged == {"working_language": french, "strategic_objectives": "Map practice."}
    # Both chose a language, different ones: a conflict, the editor's in the merge.
    with pytest.raises(EditConflict) as caught:
        services.charter_update(
            group=launched_group, acting=cochairs[1], revision=start, working_language=spanish
        )
    assert caught.value.conflicts == ["working_language"]
    assert caught.value.merged == {"working_language": spanish}
    assert fresh(launched_group).working_language_id == "fr"


def test_the_same_values_from_an_old_revision_are_no_conflict(launched_group, cochairs):
    start = launched_group.revision
    services.charter_update(group=launched_group, acting=cochairs[0], revision=start, max_size=15)
    services.charter_update(group=launched_group, acting=cochairs[1], revision=start, max_size=15)
    group = fresh(launched_group)
    assert (group.max_size, group.revision) == (15, start + 1)
    assert group.history.latest("history_id").history_user == cochairs[0]


def test_old_callers_without_a_revision_still_write(launched_group, cochairs):
    services.charter_update(
        group=launched_group, acting=cochairs[0], revision=launched_group.revision, max_size=9
    )
    services.charter_update(group=launched_group, acting=cochairs[1], max_size=20)
    group = fresh(launched_group)
    assert (group.max_size, group.revision) == (20, launched_group.revision + 2)


def test_a_member_is_refused_whatever_the_revision(launched_group, member):
    with pytest.raises(PermissionDenied):
        services.charter_update(
            group=launched_group, acting=member, revision=launched_group.revision, max_size=3
        )
    group = fresh(launched_group)
    assert (group.max_size, group.revision) == (None, launched_group.revision)


def test_other_writes_to_the_group_do_not_move_the_charter_revision(
    launched_group, cochairs, committee_member
):
    start = launched_group.revision
    services.workplan_mark_received(group=launched_group, acting=committee_member)
    assert fresh(launched_group).revision == start
    # So a charter form opened before is not in conflict.
    services.charter_update(group=launched_group, acting=cochairs[0], revision=start, max_size=8)
    assert fresh(launched_group).revision == start + 1


# --- The page -------------------------------------------------------------------------------------


def test_the_charter_form_carries_the_revision(launched_group, cochairs):
    page = html(client_for(cochairs[0]).get(charter_url(launched_group)))
    assert f'name="revision" value="{launched_group.revision}"' in page


def test_a_stale_charter_form_answers_409_with_the_merge(launched_group, cochairs):
    start = launched_group.revision
    first, second = client_for(cochairs[0]), client_for(cochairs[1])
    # Both opened the form at ``start``; the first saves a frequency and a policy.
    saved = first.post(
        charter_url(launched_group),
        {**UNCHANGED, "meeting_frequency": "monthly", "join_policy": JoinPolicy.APPROVAL, "revision": start},
    )
    assert saved.status_code == 302
    # The second changes the policy another way and sets a size.
    response = second.post(
        charter_url(launched_group),
        {**UNCHANGED, "join_policy": JoinPolicy.INVITATION, "max_size": "12", "revision": start},
    )
    assert response.status_code == 409
    page = html(response)
    assert "Someone else saved this while you were editing it" in page
    assert "Lindiwe Lead saved it on" in page
    # The field both changed, theirs beside theirs: approval (saved) and invitation (in the form).
    table = page.split("You both changed these fields")[1].split("</table>")[0]
    assert "Who can join" in table
    assert "Approval: co-chairs approve requests" in table
    assert "Invitation only" in table
    assert "Their changes are already in the form: Meets." in page
    # The form: the new revision, their frequency, this co-chair's policy and size.
    assert f'name="revision" value="{start + 1}"' in page
    assert '<option value="monthly" selected>' in page
    assert 'value="invitation" required id="id_join_policy_2" checked' in page
    assert 'name="max_size" value="12"' in page
    group = fresh(launched_group)
    assert (group.meeting_frequency, group.join_policy, group.max_size, group.revision) == (
        "monthly",
        "approval",
        None,
        start + 1,
    )
    # Saving the merged form is the deliberate merge.
    merged = second.post(
        charter_url(launched_group),
        {
            **UNCHANGED,
            "meeting_frequency": "monthly",
            "join_policy": JoinPolicy.INVITATION,
            "max_size": "12",
            "revision": start + 1,
        },
    )
    assert merged.status_code == 302
    group = fresh(launched_group)
    assert (group.meeting_frequency, group.join_policy, group.max_size, group.revision) == (
        "monthly",
        "invitation",
        12,
        start + 2,
    )


def test_a_charter_form_without_its_revision_is_refused(launched_group, cochairs):
    response = client_for(cochairs[0]).post(charter_url(launched_group), {**UNCHANGED, "max_size": "12"})
    assert response.status_code == 200
    assert "The form is incomplete: open the page again." in html(response)
    assert fresh(launched_group).max_size is None


def test_a_stale_form_with_the_values_already_saved_changes_nothing(launched_group, cochairs):
    start = launched_group.revision
    form = {**UNCHANGED, "max_size": "12", "revision": start}
    assert client_for(cochairs[0]).post(charter_url(launched_group), form).status_code == 302
    response = client_for(cochairs[1]).post(charter_url(launched_group), form, follow=True)
    assert "Nothing changed." in html(response)
    assert fresh(launched_group).revision == start + 1


# --- Real concurrent requests --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_cochairs_save_the_charter_at_the_same_moment(launched_group, cochairs, monkeypatch, tmp_path):
    group_id, start = launched_group.pk, launched_group.revision
    hold = HoldFirstSave(monkeypatch, services)
    people = {"A": cochairs[0].pk, "B": cochairs[1].pk}
    sizes = {"A": 10, "B": 20}

    def save(who):
        def job():
            services.charter_update(
                group=Group.objects.get(pk=group_id),
                acting=Person.objects.get(pk=people[who]),
                revision=start,
                max_size=sizes[who],
                strategic_objectives=f"Objectives of {who}.",
            )
            return who

        return job

    with threads_database(tmp_path, monkeypatch):
        threads, outcomes = run_together(save("A"), save("B"))
        waited = hold.wait_for_the_other_then_release()
        finish(threads)

    winners = [o for o in outcomes if isinstance(o, str)]
    conflicts = [o for o in outcomes if isinstance(o, EditConflict)]
    assert (len(winners), len(conflicts)) == (1, 1), outcomes
    winner, conflict = winners[0], conflicts[0]
    loser = "B" if winner == "A" else "A"
    if connection.vendor == "postgresql":
        assert waited, "the second save never waited for the first one's row lock"
    group = Group.objects.get(pk=group_id)
    assert (group.max_size, group.strategic_objectives, group.revision) == (
        sizes[winner],
        f"Objectives of {winner}.",
        start + 1,
    )
    assert group.history.latest("history_id").history_user_id == people[winner]
    assert conflict.revision == start + 1
    assert conflict.conflicts == ["max_size", "strategic_objectives"]
    assert conflict.merged == {"max_size": sizes[loser], "strategic_objectives": f"Objectives of {loser}."}
    assert conflict.changed_by.pk == people[winner]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_cochairs_post_the_charter_page_at_the_same_moment(
    launched_group, cochairs, monkeypatch, tmp_path
):
    group_id, start = launched_group.pk, launched_group.revision
    url = charter_url(launched_group)
    hold = HoldFirstSave(monkeypatch, services)
    clients = {"A": client_for(cochairs[0]), "B": client_for(cochairs[1])}
    policies = {"A": JoinPolicy.APPROVAL, "B": JoinPolicy.INVITATION}
    for client in clients.values():
        assert f'name="revision" value="{start}"' in html(client.get(url))

    def post(who):
        def job():
            return clients[who].post(url, {**UNCHANGED, "join_policy": policies[who], "revision": start})

        return job

    with threads_database(tmp_path, monkeypatch):
        threads, outcomes = run_together(post("A"), post("B"))
        waited = hold.wait_for_the_other_then_release()
        finish(threads)

    assert all(not isinstance(o, Exception) for o in outcomes), outcomes
    assert sorted(o.status_code for o in outcomes) == [302, 409]
    winner = "A" if outcomes[0].status_code == 302 else "B"
    loser = "B" if winner == "A" else "A"
    if connection.vendor == "postgresql":
        assert waited, "the second request never waited for the first one's row lock"
    group = Group.objects.get(pk=group_id)
    assert (group.join_policy, group.revision) == (policies[winner], start + 1)
    page = html(outcomes[["A", "B"].index(loser)])
    assert "Someone else saved this while you were editing it" in page
    assert f'name="revision" value="{start + 1}"' in page
