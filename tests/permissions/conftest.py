"""The ``world`` fixture: the people, groups and records every row is tried against, built through the
services (see ``harness.World``)."""

import pytest

from conftest import give_term, make_person
from convene.governance.models import Body, DecisionOutcome, Term
from convene.groups import services as group_services
from convene.groups.models import Group, GroupKind, GroupMembership
from convene.groups.rules import forget_roles
from convene.people import services as people_services
from convene.people.models import MembershipStatus, Person, Profile, ProfileVisibility
from tests.permissions.harness import (
    ADMIN,
    ANON,
    COCHAIR,
    COMMITTEE,
    G2,
    GROUP_MEMBER,
    LAUNCHED_ON,
    MEMBER,
    OTHER_COCHAIR,
    SECRETARIAT,
    G,
    H,
    P,
    World,
)


@pytest.fixture
def world(db, settings, member, committee_member, secretariat) -> World:
    admin = make_person("root@example.org", name="Ada Admin", country="GB")
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    public = make_person(
        "pub@example.org", name="Pat Public", country="ZM", profile_visibility=ProfileVisibility.PUBLIC
    )
    members_only = make_person("mem@example.org", name="Mo Members", country="IN")
    hidden = make_person(
        "hid@example.org", name="Hal Hidden", country="IN", profile_visibility=ProfileVisibility.NOBODY
    )
    settings.CONVENE_MEMBERSHIP_APPROVAL = True
    applicant = make_person("apply@example.org", name="Al Applicant", country="PE")
    settings.CONVENE_MEMBERSHIP_APPROVAL = False
    assert Profile.objects.get(person=applicant).membership_status == MembershipStatus.PENDING
    organisation = people_services.organisation_save(acting=secretariat, name="Health Alliance", country="KE")
    # An ambassador's seat that roles can end without changing anyone's permissions.
    give_term(public, Body.AMBASSADOR)
    term = Term.objects.get(person=public, body=Body.AMBASSADOR)
    group_member = make_person("gm@example.org", name="Gita Groupmember", country="NP")
    cochair = make_person("cochair@example.org", name="Cora Cochair", country="BR")
    other_cochair = make_person("other.chair@example.org", name="Omar Other", country="EG")
    g2_chair = make_person("quiet.chair@example.org", name="Quinn Quiet", country="FI")
    requester = make_person("req@example.org", name="Rui Requester", country="PT")

    def launch(name: str, chair: Person, **charter) -> Group:
        kind = GroupKind.objects.get(slug="interest-group")
        group = group_services.group_propose(acting=chair, kind=kind, name=name, purpose="Gather practice.")
        group_services.group_decide(
            group=group, outcome=DecisionOutcome.APPROVED, acting=committee_member, decided_on=LAUNCHED_ON
        )
        # One of the two seats: the other stays free for the appointment rows.
        group_services.cochair_appoint(
            group=group, person=chair, acting=committee_member, decided_on=LAUNCHED_ON
        )
        group_services.charter_update(group=group, acting=chair, **charter)
        return Group.objects.get(pk=group.pk)

    group = launch("Case Management", cochair, join_policy="approval", visibility="public")
    group_services.membership_request_decide(
        membership=group_services.membership_join(group=group, acting=group_member),
        acting=cochair,
        approve=True,
    )
    forget_roles(group_member)
    request = group_services.membership_join(group=group, acting=requester, note="Please.")
    thread = group_services.thread_start(group=group, acting=group_member, title="Intake forms", body="Ours.")
    activity = group_services.activity_save(group=group, acting=group_member, what="Training intake staff")
    other_group = launch("Advocacy Network", other_cochair, join_policy="open", visibility="public")
    group_services.membership_invite(group=other_group, person=member, acting=other_cochair)
    other_thread = group_services.thread_start(
        group=other_group, acting=other_cochair, title="Campaign plan", body="Only for us."
    )
    members_only_group = launch("Quiet Circle", g2_chair, join_policy="open", visibility="members")
    proposal = group_services.group_propose(
        acting=public,
        kind=GroupKind.objects.get(slug="working-group"),
        name="Supervision Tools",
        purpose="Collect supervision tools.",
    )
    assert [group.slug, other_group.slug, members_only_group.slug, proposal.slug] == [G, H, G2, P]
    assert GroupMembership.objects.get(group=group, person=cochair).role == "cochair"
    people = {
        ANON: None,
        MEMBER: member,
        COMMITTEE: committee_member,
        SECRETARIAT: secretariat,
        ADMIN: admin,
        GROUP_MEMBER: group_member,
        COCHAIR: cochair,
        OTHER_COCHAIR: other_cochair,
    }
    tokens, keys = {}, {}
    for role, person in people.items():
        if person is not None:
            tokens[role], keys[role] = people_services.api_token_create(person=person, name=f"{role} script")
    return World(
        people=people,
        tokens=tokens,
        keys=keys,
        public=public,
        members_only=members_only,
        hidden=hidden,
        applicant=applicant,
        organisation=organisation,
        term=term,
        group=group,
        other_group=other_group,
        members_only_group=members_only_group,
        proposal=proposal,
        requester=requester,
        request=request,
        group_membership=GroupMembership.objects.get(group=group, person=group_member),
        thread=thread,
        other_thread=other_thread,
        activity=activity,
    )
