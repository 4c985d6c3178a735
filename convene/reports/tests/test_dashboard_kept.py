"""The committee's dashboard is computed once per process and kept until a row it rests on changes
(``core.generations``): a second reader pays one query, a change anyone makes shows at once, a change
rolled back changes nothing, and each language gets its own rendered rows."""

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from conftest import client_for, make_person
from convene.core import generations
from convene.groups import services as group_services
from convene.groups.models import Group, JoinPolicy
from convene.reports import queries


@pytest.fixture
def keep(settings):
    settings.CONVENE_KEEP_COPIES = True
    settings.CONVENE_GENERATION_RECHECK_SECONDS = 0  # read the generations at every request
    generations.forget()
    yield
    generations.forget()


def _drop_pending_bumps() -> None:
    """The test's own transaction never commits: forget the bumps its setup left waiting for that
    commit, so that each change below registers (and runs) its own."""
    connection.run_on_commit[:] = [
        e for e in connection.run_on_commit if not hasattr(e[1], "convene_generation")
    ]


def _members(group) -> int:
    return next(r for r in queries.dashboard_rows() if r.group.pk == group.pk).members


def test_kept_rows_cost_one_query_and_a_change_shows_at_once(
    keep, approved, django_assert_num_queries, django_capture_on_commit_callbacks
):
    group = approved.group
    Group.objects.filter(pk=group.pk).update(join_policy=JoinPolicy.OPEN)
    group.refresh_from_db()
    before = _members(group)
    _drop_pending_bumps()
    with django_assert_num_queries(1):  # the generations, nothing else
        assert _members(group) == before
    with django_capture_on_commit_callbacks(execute=True):
        group_services.membership_join(group=group, acting=make_person("joiner@example.org"))
    assert _members(group) == before + 1


def test_a_change_rolled_back_changes_nothing(keep, approved, django_capture_on_commit_callbacks):
    group = approved.group
    token = generations.current(queries.DASHBOARD_RESTS_ON)
    _drop_pending_bumps()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                group_services.membership_join(group=group, acting=make_person("gone@example.org"))
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == []
    assert generations.current(queries.DASHBOARD_RESTS_ON) == token


def test_bumps_of_one_transaction_write_once(keep, approved, django_capture_on_commit_callbacks):
    Group.objects.filter(pk=approved.group.pk).update(join_policy=JoinPolicy.OPEN)
    approved.group.refresh_from_db()
    _drop_pending_bumps()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for n in range(3):
            group_services.membership_join(group=approved.group, acting=make_person(f"p{n}@example.org"))
    assert len([c for c in callbacks if getattr(c, "convene_generation", "") == "groups"]) == 1


def test_rows_are_rendered_per_language(keep, approved, committee_member):
    client: Client = client_for(committee_member)
    url = reverse("reports:dashboard")
    english = client.get(url).content.decode()
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    client.cookies.pop("django_language", None)
    assert approved.group.name in english
    assert approved.group.name in french
    assert "Approved" in english
    assert "Approuvé" in french


def test_the_kept_page_shows_a_change_at_once(
    keep, approved, committee_member, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client: Client = client_for(committee_member)
    url = reverse("reports:dashboard") + "?sort=-members"
    assert approved.group.name in client.get(url).content.decode()
    with django_assert_max_num_queries(6):  # session, person, roles, generations, the menu's membership
        client.get(url)
    _drop_pending_bumps()
    with django_capture_on_commit_callbacks(execute=True):
        approved.group.name = "Renamed group"
        approved.group.save(update_fields=["name"])
    assert "Renamed group" in client.get(url).content.decode()


def test_tokens_read_again_only_after_the_recheck_time_but_a_local_change_at_once(
    keep, settings, approved, django_assert_num_queries, django_capture_on_commit_callbacks
):
    settings.CONVENE_GENERATION_RECHECK_SECONDS = 3600
    group = approved.group
    _members(group)
    with django_assert_num_queries(0):
        _members(group)
    _drop_pending_bumps()
    with django_capture_on_commit_callbacks(execute=True):
        group.name = "Renamed here"
        group.save(update_fields=["name"])
    assert next(r for r in queries.dashboard_rows() if r.group.pk == group.pk).group.name == "Renamed here"
