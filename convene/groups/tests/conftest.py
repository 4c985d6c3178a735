"""Groups built through the services, shared by the groups app's tests (keep them small)."""

import datetime

import pytest

from conftest import make_person
from convene.governance.models import DecisionOutcome
from convene.groups import services
from convene.groups.models import Group, GroupKind
from convene.people.models import Person

LAUNCHED_ON = datetime.date(2025, 1, 15)


@pytest.fixture
def cochairs(db) -> list:
    """Two members of the network, from two sectors and countries, to be appointed co-chairs."""
    people = [
        make_person("lead.one@example.org", name="Lindiwe Lead", country="ZA", sector="government"),
        make_person("lead.two@example.org", name="Lars Lead", country="DK", sector="academic"),
    ]
    # Fresh from the database: make_person leaves the empty profile it started with cached on the
    # instance, and decision titles are written with the person's name.
    return [Person.objects.select_related("profile").get(pk=p.pk) for p in people]


@pytest.fixture
def launched_group(committee_member, cochairs) -> Group:
    """An interest group launched by the committee on 15 January 2025, with both co-chairs appointed."""
    kind = GroupKind.objects.get(slug="interest-group")
    group = services.group_propose(
        acting=cochairs[0], kind=kind, name="Case Management", purpose="Gather and consolidate practice."
    )
    services.group_decide(
        group=group,
        outcome=DecisionOutcome.APPROVED,
        acting=committee_member,
        decided_on=LAUNCHED_ON,
        text="Launched.",
    )
    for person in cochairs:
        services.cochair_appoint(group=group, person=person, acting=committee_member, decided_on=LAUNCHED_ON)
    group.refresh_from_db()
    return group


@pytest.fixture
def proposal(member) -> Group:
    """A working group proposed by ``member``, waiting for the committee."""
    kind = GroupKind.objects.get(slug="working-group")
    return services.group_propose(
        acting=member,
        kind=kind,
        name="Supervision Tools",
        purpose="Collect supervision tools.",
        why_now="Demand.",
    )


# --- Joining, members, threads and notifications (test_membership/test_threads/test_notifications) ---


def make_group(
    *,
    committee,
    cochairs,
    name: str = "Case Management Interest Group",
    join_policy: str = "open",
    visibility: str = "public",
    kind_slug: str = "interest-group",
    launched_on: datetime.date | None = None,
) -> Group:
    """Proposed by the first co-chair, launched by the committee, co-chairs appointed, charter set."""
    kind = GroupKind.objects.get(slug=kind_slug)
    group = services.group_propose(
        acting=cochairs[0], kind=kind, name=name, purpose="Gather and consolidate."
    )
    services.group_decide(
        group=group, outcome=DecisionOutcome.APPROVED, acting=committee, decided_on=launched_on
    )
    for person in cochairs:
        services.cochair_appoint(group=group, person=person, acting=committee, decided_on=launched_on)
    services.charter_update(group=group, acting=cochairs[0], join_policy=join_policy, visibility=visibility)
    group.refresh_from_db()
    return group


@pytest.fixture
def chair(db):
    return make_person("chair.one@example.org", name="Chipo Chair", country="ZW")


@pytest.fixture
def chair_two(db):
    return make_person("chair.two@example.org", name="Dana Chair", country="DK", sector="academic")


@pytest.fixture
def open_group(committee_member, chair, chair_two) -> Group:
    """Public, open to every member of the network, co-chaired by ``chair`` and ``chair_two``."""
    return make_group(committee=committee_member, cochairs=[chair, chair_two])


@pytest.fixture
def approval_group(committee_member, chair, chair_two) -> Group:
    return make_group(
        committee=committee_member, cochairs=[chair, chair_two], name="Advocacy Group", join_policy="approval"
    )


@pytest.fixture
def invitation_group(committee_member, chair, chair_two) -> Group:
    return make_group(
        committee=committee_member,
        cochairs=[chair, chair_two],
        name="Closed Circle",
        join_policy="invitation",
    )


@pytest.fixture
def other_chair(committee_member, db):
    """A co-chair of another group: no say over this one."""
    person = make_person("other.chair@example.org", name="Omar Other", country="EG")
    helper = make_person("other.helper@example.org", name="Hana Helper", country="JO")
    make_group(committee=committee_member, cochairs=[person, helper], name="Other Group")
    return person
