"""The one door to a plan (plans.queries.plan_for_viewer, task_for_viewer, volunteer_for_viewer): 404
when the viewer may not know the plan exists, PermissionDenied when they may not read it or act."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from conftest import make_person
from convene.groups.models import Group, Visibility
from convene.plans import queries
from convene.plans.tests.factories import launch_group, make_cochair

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(db):
    return make_person("applicant@example.org", member=False)


def test_the_cochair_reaches_the_plan_through_its_group_or_by_id(plan_world):
    world = plan_world
    plan = queries.plan_for_viewer(world.cochair, world.plan.pk, group_slug=world.group.slug)
    assert plan.pk == world.plan.pk
    assert plan.group.slug == world.group.slug
    assert queries.plan_for_viewer(world.cochair, world.plan.pk).pk == world.plan.pk
    assert queries.plan_for_viewer(world.cochair, world.plan.pk, perm="plans.edit_plan").pk == world.plan.pk
    with transaction.atomic():
        locked = queries.plan_for_viewer(
            world.cochair, world.plan.pk, group_slug=world.group.slug, for_update=True
        )
        assert locked.pk == world.plan.pk


def test_a_plan_of_another_group_or_no_plan_is_404(plan_world, committee_member):
    world = plan_world
    other = launch_group(
        committee=committee_member, cochair=make_cochair("other.chair@example.org"), name="Other group"
    )
    with pytest.raises(Http404):
        queries.plan_for_viewer(world.cochair, world.plan.pk, group_slug=other.slug)
    with pytest.raises(Http404):
        queries.plan_for_viewer(world.cochair, world.plan.pk + 1000, group_slug=world.group.slug)
    with pytest.raises(Http404):
        queries.plan_for_viewer(world.cochair, world.plan.pk, group_slug="no-such-group")


def test_a_viewer_who_may_not_read_it_is_refused(plan_world, applicant, member):
    world = plan_world
    with pytest.raises(PermissionDenied):
        queries.plan_for_viewer(applicant, world.plan.pk, group_slug=world.group.slug)
    with pytest.raises(PermissionDenied):
        queries.plan_for_viewer(member, world.plan.pk, group_slug=world.group.slug, perm="plans.edit_plan")


def test_a_group_the_viewer_may_not_see_hides_its_plan_task_and_offers(plan_world, applicant, member):
    world = plan_world
    Group.objects.filter(pk=world.group.pk).update(visibility=Visibility.MEMBERS)
    with pytest.raises(Http404):
        queries.plan_for_viewer(applicant, world.plan.pk, group_slug=world.group.slug)
    with pytest.raises(Http404):
        queries.plan_for_viewer(applicant, world.plan.pk)
    with pytest.raises(Http404):
        queries.task_for_viewer(applicant, world.task.pk)
    assert queries.task_for_viewer(member, world.task.pk).pk == world.task.pk
