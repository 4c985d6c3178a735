"""The demo's groups keep the invariants the services keep."""

from collections import Counter

import pytest
from django.core.management import call_command

from convene.governance.models import Decision, DecisionEffect
from convene.groups.models import CochairTerm, Group, GroupMembership, GroupStatus, MembershipStatus, Role


@pytest.fixture
def demo(db):
    call_command("demo", "--members", "300", "--groups", "20", verbosity=0)


def test_demo_has_groups_in_every_lifecycle_state(demo):
    statuses = set(Group.objects.values_list("status", flat=True))
    assert set(GroupStatus.values) <= statuses
    assert Group.objects.count() == 30  # the ten seed groups and twenty generated ones
    case_management = Group.objects.get(slug="case-management-interest-group")
    assert case_management.launched_on.isoformat() == "2017-02-15"
    danish = Group.objects.get(slug="arbejdsgruppe-for-tidlig-indsats")
    assert (danish.working_language_id, danish.meeting_frequency) == ("da", "monthly")


def test_active_groups_have_their_cochairs_and_a_decision_for_each_step(demo):
    for group in Group.objects.filter(status=GroupStatus.ACTIVE).select_related("kind"):
        cochairs = GroupMembership.objects.filter(
            group=group, status=MembershipStatus.ACTIVE, role=Role.COCHAIR
        )
        assert cochairs.count() == group.kind.cochairs_required, group.name
        open_terms = CochairTerm.objects.filter(group=group, ends_on__isnull=True)
        assert set(open_terms.values_list("person_id", flat=True)) == set(
            cochairs.values_list("person_id", flat=True)
        )
        effects = set(Decision.objects.filter(group=group).values_list("effect", flat=True))
        assert {DecisionEffect.GROUP_LAUNCHED, DecisionEffect.COCHAIRS_APPOINTED} <= effects, group.name


def test_nobody_is_twice_a_current_member_of_a_group(demo):
    current = GroupMembership.objects.filter(status=MembershipStatus.ACTIVE).values_list(
        "group_id", "person_id"
    )
    assert max(Counter(current).values()) == 1


def test_pages_of_a_demo_group_render_without_history_rows(demo, client):
    """Bulk-built groups have no history rows; their pages must still render."""
    from django.urls import reverse

    group = Group.objects.get(slug="case-management-interest-group")
    assert not group.history.exists()
    for name in ("groups:detail", "groups:charter", "groups:cochairs", "groups:composition"):
        assert client.get(reverse(name, args=[group.slug])).status_code == 200, name
