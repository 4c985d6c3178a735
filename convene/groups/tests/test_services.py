"""The invariants of groups and their governance, tested through the services (STYLE §7)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_person
from convene.governance.models import Decision, DecisionEffect, DecisionOutcome
from convene.groups import queries, services
from convene.groups.models import (
    CURRENT_MEMBERSHIP,
    CochairTerm,
    Group,
    GroupKind,
    GroupMembership,
    GroupStatus,
    JoinPolicy,
    MembershipStatus,
    Role,
    Thread,
)
from convene.groups.rules import forget_roles
from convene.people.models import Person

LAUNCH = datetime.date(2024, 3, 1)


def propose(proposer: Person, *, name: str = "Case Management", kind_slug: str = "interest-group") -> Group:
    return services.group_propose(
        acting=proposer,
        kind=GroupKind.objects.get(slug=kind_slug),
        name=name,
        purpose="Gather and consolidate.",
    )


def launch(committee: Person, proposer: Person, cochairs: list[Person], **kwargs) -> Group:
    group = propose(proposer, **kwargs)
    services.group_decide(group=group, outcome=DecisionOutcome.APPROVED, acting=committee, decided_on=LAUNCH)
    for person in cochairs:
        services.cochair_appoint(group=group, person=person, acting=committee, decided_on=LAUNCH)
    group.refresh_from_db()
    return group


def snapshot() -> tuple:
    """Everything governance and membership rest on, to show that a refused call changed nothing."""
    return (
        list(Decision.objects.order_by("pk").values_list("pk", "effect", "group_id")),
        list(CochairTerm.objects.order_by("pk").values_list("pk", "person_id", "ends_on", "ended_by_id")),
        list(
            GroupMembership.objects.order_by("pk").values_list("pk", "person_id", "role", "status", "left_on")
        ),
        list(
            Group.objects.order_by("pk").values_list("pk", "status", "launched_on", "closed_on", "updated_at")
        ),
    )


def fresh_person(email: str, **kwargs) -> Person:
    """A member, read back so that its profile (and so its name) is the saved one."""
    return Person.objects.select_related("profile").get(pk=make_person(email, **kwargs).pk)


@pytest.fixture
def chairs(db) -> list[Person]:
    return [
        fresh_person("chair.one@example.org", name="Chipo Chair", country="ZW"),
        fresh_person("chair.two@example.org", name="Dana Chair", country="DK"),
    ]


@pytest.fixture
def group(committee_member, member, chairs) -> Group:
    return launch(committee_member, member, chairs)


@pytest.fixture
def other_chair(committee_member, db) -> Person:
    person = make_person("other.chair@example.org", name="Omar Other", country="EG")
    helper = make_person("other.helper@example.org", name="Hana Helper", country="JO")
    launch(committee_member, person, [person, helper], name="Other Group")
    return person


@pytest.fixture
def candidate(db) -> Person:
    return fresh_person("candidate@example.org", name="Cat Candidate", country="NG")


# --- Who launches groups and appoints co-chairs ------------------------------------------------------


@pytest.mark.parametrize("who", ["proposer", "member", "other_chair"])
def test_only_the_committee_launches_a_group(who, member, other_chair, committee_member):
    proposal = propose(member)
    acting = {"proposer": member, "member": make_person("x@example.org"), "other_chair": other_chair}[who]
    before = snapshot()

    for outcome in (DecisionOutcome.APPROVED, DecisionOutcome.DECLINED, DecisionOutcome.CHANGES_REQUESTED):
        with pytest.raises(PermissionDenied):
            services.group_decide(group=proposal, outcome=outcome, acting=acting)

    assert snapshot() == before
    proposal.refresh_from_db()
    assert proposal.status == GroupStatus.PROPOSED


@pytest.mark.parametrize(("who", "on_behalf"), [("committee", False), ("secretariat", True)])
def test_committee_launches_and_secretariat_records_on_its_behalf(
    who, on_behalf, member, committee_member, secretariat
):
    acting = committee_member if who == "committee" else secretariat
    proposal = propose(member)

    decision = services.group_decide(
        group=proposal,
        outcome=DecisionOutcome.APPROVED,
        acting=acting,
        decided_on=LAUNCH,
        text="Agreed at SC-12.",
    )

    assert (decision.effect, decision.outcome, decision.on_behalf, decision.recorded_by, decision.group) == (
        DecisionEffect.GROUP_LAUNCHED,
        DecisionOutcome.APPROVED,
        on_behalf,
        acting,
        proposal,
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.launched_on) == (GroupStatus.LAUNCHED, LAUNCH)


@pytest.mark.parametrize("who", ["member", "group_member", "cochair", "other_chair"])
def test_only_the_committee_appoints_cochairs(who, group, chairs, member, other_chair, candidate):
    group_member = make_person("gm@example.org")
    services.membership_join(group=group, acting=group_member)
    acting = {
        "member": member,
        "group_member": group_member,
        "cochair": chairs[0],
        "other_chair": other_chair,
    }[who]
    before = snapshot()

    with pytest.raises(PermissionDenied):
        services.cochair_appoint(group=group, person=candidate, replaces=chairs[1], acting=acting)
    with pytest.raises(PermissionDenied):
        services.group_close(group=group, acting=acting)

    assert snapshot() == before


def test_secretariat_appoints_on_the_committees_behalf(group, chairs, secretariat, candidate):
    term = services.cochair_appoint(group=group, person=candidate, replaces=chairs[1], acting=secretariat)

    assert term.appointed_by.on_behalf is True
    assert term.appointed_by.recorded_by == secretariat


# --- How many co-chairs -------------------------------------------------------------------------------


def test_an_interest_group_never_has_a_third_cochair(group, committee_member, candidate):
    assert group.kind.cochairs_required == 2
    services.membership_join(group=group, acting=candidate)  # already a member: the row must stay as it is
    before = snapshot()

    with pytest.raises(ValidationError, match="choose whom the new one replaces"):
        services.cochair_appoint(group=group, person=candidate, acting=committee_member, text="One more")

    assert snapshot() == before
    assert CochairTerm.objects.filter(group=group, ends_on__isnull=True).count() == 2
    assert not Decision.objects.filter(text="One more").exists()
    assert GroupMembership.objects.get(group=group, person=candidate).role == Role.MEMBER


@pytest.mark.parametrize("refusal", ["not_a_member", "already_cochair", "replaces_a_non_cochair", "closed"])
def test_a_refused_appointment_leaves_no_decision_behind(refusal, group, chairs, committee_member, candidate):
    person, replaces = candidate, chairs[1]
    if refusal == "not_a_member":
        person = make_person("signed.up@example.org", member=False)
    elif refusal == "already_cochair":
        person = chairs[0]
    elif refusal == "replaces_a_non_cochair":
        replaces = make_person("nobody@example.org")
    else:
        services.group_close(group=group, acting=committee_member)
    before = snapshot()

    with pytest.raises(ValidationError):
        services.cochair_appoint(group=group, person=person, replaces=replaces, acting=committee_member)

    assert snapshot() == before


def test_a_working_group_has_one_coordinator(member, committee_member, candidate):
    coordinator = make_person("coord@example.org", name="Cora Coordinator")
    group = propose(member, name="Data Working Group", kind_slug="working-group")
    services.group_decide(
        group=group, outcome=DecisionOutcome.APPROVED, acting=committee_member, decided_on=LAUNCH
    )

    term = services.cochair_appoint(
        group=group, person=coordinator, acting=committee_member, decided_on=LAUNCH
    )

    group.refresh_from_db()
    # The kind calls its lead a coordinator: so does the decision that appoints one.
    assert term.appointed_by.localized_title == "Cora Coordinator appointed coordinator of Data Working Group"
    assert group.status == GroupStatus.ACTIVE  # one lead is all a working group needs
    assert group.workplan_due_on == LAUNCH + datetime.timedelta(days=90)
    before = snapshot()
    with pytest.raises(ValidationError, match="The number of coordinators for “Working group” is 1"):
        services.cochair_appoint(group=group, person=candidate, acting=committee_member)
    assert snapshot() == before


# --- Replacing a co-chair keeps the history --------------------------------------------------------


def test_replacing_a_cochair_keeps_the_history(group, chairs, committee_member, candidate):
    old_term = CochairTerm.objects.get(group=group, person=chairs[1])
    replaced_on = datetime.date(2025, 1, 15)

    term = services.cochair_appoint(
        group=group, person=candidate, replaces=chairs[1], acting=committee_member, decided_on=replaced_on
    )

    old_term.refresh_from_db()
    assert (old_term.starts_on, old_term.ends_on, old_term.ended_by) == (
        LAUNCH,
        replaced_on,
        term.appointed_by,
    )
    assert (term.person, term.starts_on, term.ends_on) == (candidate, replaced_on, None)
    assert term.appointed_by.effect == DecisionEffect.COCHAIRS_APPOINTED
    assert "in place of Dana Chair" in term.appointed_by.localized_title
    replaced = GroupMembership.objects.get(group=group, person=chairs[1])
    assert (replaced.status, replaced.role, replaced.role_since, replaced.joined_on) == (
        MembershipStatus.ACTIVE,
        Role.MEMBER,
        replaced_on,
        LAUNCH,
    )
    assert GroupMembership.objects.get(group=group, person=candidate).role == Role.COCHAIR
    assert [t.person for t in queries.cochair_terms(group=group)] == [candidate, chairs[0], chairs[1]]
    assert sorted(
        m.person.display_name for m in queries.group_members(group=group) if m.role == Role.COCHAIR
    ) == [
        "Cat Candidate",
        "Chipo Chair",
    ]
    group.refresh_from_db()
    assert group.status == GroupStatus.ACTIVE


# --- Lifecycle ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind_slug", "days"), [("interest-group", 90), ("task-force", 60)])
def test_launch_sets_the_work_plan_due_date_and_cochairs_make_it_active(
    kind_slug, days, member, committee_member, chairs
):
    group = propose(member, kind_slug=kind_slug)
    services.group_decide(
        group=group, outcome=DecisionOutcome.APPROVED, acting=committee_member, decided_on=LAUNCH
    )
    group.refresh_from_db()
    assert (group.status, group.launched_on, group.workplan_due_on) == (
        GroupStatus.LAUNCHED,
        LAUNCH,
        LAUNCH + datetime.timedelta(days=group.kind.workplan_due_days),
    )
    assert group.kind.workplan_due_days == days

    for n, person in enumerate(chairs[: group.kind.cochairs_required], start=1):
        services.cochair_appoint(group=group, person=person, acting=committee_member, decided_on=LAUNCH)
        group.refresh_from_db()
        expected = GroupStatus.ACTIVE if n == group.kind.cochairs_required else GroupStatus.LAUNCHED
        assert group.status == expected


def test_changes_requested_then_resubmitted_then_declined(member, committee_member):
    group = propose(member)
    services.group_decide(group=group, outcome=DecisionOutcome.CHANGES_REQUESTED, acting=committee_member)
    group.refresh_from_db()
    assert group.status == GroupStatus.CHANGES_REQUESTED

    services.group_proposal_update(group=group, acting=member, purpose="Sharper purpose.")
    group.refresh_from_db()
    assert (group.status, group.purpose) == (GroupStatus.PROPOSED, "Sharper purpose.")
    assert group.history.first().history_user == member

    services.group_decide(group=group, outcome=DecisionOutcome.DECLINED, acting=committee_member)
    group.refresh_from_db()
    assert group.status == GroupStatus.DECLINED
    with pytest.raises(ValidationError):
        services.group_decide(group=group, outcome=DecisionOutcome.APPROVED, acting=committee_member)
    with pytest.raises(ValidationError):
        services.group_proposal_update(group=group, acting=member, purpose="Again.")


def test_an_unknown_outcome_changes_nothing(member, committee_member):
    group = propose(member)
    before = snapshot()
    with pytest.raises(ValidationError):
        services.group_decide(group=group, outcome="maybe", acting=committee_member)
    assert snapshot() == before


def test_a_closed_group_takes_nothing_new(group, chairs, committee_member, secretariat, member, candidate):
    services.charter_update(group=group, acting=chairs[0], join_policy=JoinPolicy.APPROVAL)
    requester = make_person("req@example.org")
    request = services.membership_join(group=group, acting=requester)
    invitation = services.membership_invite(group=group, person=candidate, acting=chairs[0])
    closed_on = datetime.date(2026, 6, 30)

    decision = services.group_close(group=group, acting=committee_member, decided_on=closed_on)

    group.refresh_from_db()
    assert (group.status, group.closed_on) == (GroupStatus.CLOSED, closed_on)
    assert decision.effect == DecisionEffect.GROUP_CLOSED
    request.refresh_from_db()
    invitation.refresh_from_db()
    assert (request.status, invitation.status) == (MembershipStatus.DECLINED, MembershipStatus.DECLINED)
    assert list(CochairTerm.objects.filter(group=group).values_list("ends_on", "ended_by")) == [
        (closed_on, decision.pk),
        (closed_on, decision.pk),
    ]
    # Members stay on record as they were.
    assert GroupMembership.objects.filter(group=group, status=MembershipStatus.ACTIVE).count() == 2

    before = snapshot()
    threads = Thread.objects.count()
    with pytest.raises(PermissionDenied):
        services.membership_join(group=group, acting=member)
    with pytest.raises(PermissionDenied):
        services.membership_invite(group=group, person=member, acting=chairs[0])
    with pytest.raises(PermissionDenied):
        services.membership_invite(group=group, person=member, acting=secretariat)
    with pytest.raises(ValidationError):
        services.invitation_answer(membership=invitation, acting=candidate, accept=True)
    with pytest.raises(PermissionDenied):
        services.thread_start(group=group, acting=chairs[0], title="Hello", body="Still here?")
    with pytest.raises(PermissionDenied):
        services.charter_update(group=group, acting=chairs[0], strategic_objectives="New")
    with pytest.raises(ValidationError):
        services.cochair_appoint(group=group, person=member, acting=committee_member)
    with pytest.raises(ValidationError):
        services.group_close(group=group, acting=committee_member)
    with pytest.raises(ValidationError):
        services.membership_leave(group=group, acting=chairs[1])
    assert snapshot() == before
    assert Thread.objects.count() == threads


# --- Membership ---------------------------------------------------------------------------------------


def test_leaving_and_rejoining_keeps_history(group, candidate):
    first = services.membership_join(group=group, acting=candidate)
    services.membership_leave(group=group, acting=candidate)
    second = services.membership_join(group=group, acting=candidate)

    rows = list(GroupMembership.objects.filter(group=group, person=candidate).order_by("pk"))
    assert [r.pk for r in rows] == [first.pk, second.pk]
    assert [(r.status, r.left_on) for r in rows] == [
        (MembershipStatus.LEFT, datetime.date.today()),  # noqa: DTZ011 - services use the local date
        (MembershipStatus.ACTIVE, None),
    ]


def test_a_double_join_makes_one_row(group, candidate):
    services.membership_join(group=group, acting=candidate)
    with pytest.raises(ValidationError):
        services.membership_join(group=group, acting=candidate)
    assert GroupMembership.objects.filter(group=group, person=candidate).count() == 1


def test_the_database_refuses_a_second_current_membership(group, candidate):
    """The race the services' lock cannot see (two requests, no row yet): the constraint wins and
    the loser gets the same message."""
    services.membership_join(group=group, acting=candidate)
    with pytest.raises(ValidationError, match="already in this group"):
        services._save_new_membership(group=group, person=candidate, status=MembershipStatus.REQUESTED)
    assert GroupMembership.objects.filter(group=group, person=candidate).count() == 1


def test_a_cochair_who_leaves_ends_their_term(group, chairs):
    services.membership_leave(group=group, acting=chairs[1])
    term = CochairTerm.objects.get(group=group, person=chairs[1])
    assert term.ends_on == datetime.date.today()  # noqa: DTZ011 - services use the local date
    assert CochairTerm.objects.filter(group=group, ends_on__isnull=True).count() == 1


# --- Charter history and the decision log ---------------------------------------------------------------


def test_charter_changes_are_kept_with_who_made_them(group, chairs, secretariat):
    services.charter_update(
        group=group, acting=chairs[0], meeting_frequency="monthly", strategic_objectives="One"
    )
    services.charter_update(group=group, acting=secretariat, strategic_objectives="Two")

    versions = list(group.history.order_by("-history_date", "-history_id")[:2])
    assert [(v.strategic_objectives, v.meeting_frequency, v.history_user) for v in versions] == [
        ("Two", "monthly", secretariat),
        ("One", "monthly", chairs[0]),
    ]


def test_a_member_cannot_change_the_charter(group, member):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.charter_update(group=group, acting=member, strategic_objectives="Mine")
    assert snapshot() == before


def test_decisions_appear_in_the_log_with_their_effect(
    group, chairs, committee_member, secretariat, candidate
):
    services.cochair_appoint(group=group, person=candidate, replaces=chairs[0], acting=secretariat)
    services.group_close(group=group, acting=committee_member)

    log = [(d.effect, d.on_behalf, d.group_id) for d in queries.decision_log()]
    assert sorted(log) == sorted(
        [
            (DecisionEffect.GROUP_LAUNCHED, False, group.pk),
            (DecisionEffect.COCHAIRS_APPOINTED, False, group.pk),
            (DecisionEffect.COCHAIRS_APPOINTED, False, group.pk),
            (DecisionEffect.COCHAIRS_APPOINTED, True, group.pk),
            (DecisionEffect.GROUP_CLOSED, False, group.pk),
        ]
    )


# --- A property: membership stays consistent whatever members do ---------------------------------------

OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["join", "leave", "approve", "decline", "invite", "accept", "open", "approval"]),
        st.integers(min_value=0, max_value=2),
    ),
    max_size=15,
)


@pytest.fixture
def crowd(db) -> list[Person]:
    return [make_person(f"p{i}@example.org", name=f"Person {i}") for i in range(3)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_membership_stays_consistent_under_any_sequence(group, chairs, crowd, operations):
    """Any sequence of join/leave/request/approve/invite leaves at most one current membership per
    person, and the member counts of every read agree with the rows (and with a simple model)."""
    with transaction.atomic():
        for person in [*crowd, *chairs]:
            forget_roles(person)
        model: dict[int, str | None] = dict.fromkeys(range(len(crowd)))
        policy = JoinPolicy.OPEN
        for operation, i in operations:
            person = crowd[i]
            state = model[i]
            try:
                if operation in ("open", "approval"):
                    policy = JoinPolicy.OPEN if operation == "open" else JoinPolicy.APPROVAL
                    services.charter_update(group=group, acting=chairs[0], join_policy=policy)
                    continue
                if operation == "join":
                    services.membership_join(group=group, acting=person)
                    state = "active" if state == "invited" or policy == JoinPolicy.OPEN else "requested"
                    assert model[i] in (None, "invited")
                elif operation == "leave":
                    services.membership_leave(group=group, acting=person)
                    assert model[i] is not None
                    state = None
                elif operation in ("approve", "decline"):
                    request = GroupMembership.objects.filter(
                        group=group, person=person, status=MembershipStatus.REQUESTED
                    ).first()
                    if request is None:
                        continue
                    services.membership_request_decide(
                        membership=request, acting=chairs[0], approve=operation == "approve"
                    )
                    state = "active" if operation == "approve" else None
                elif operation == "invite":
                    services.membership_invite(group=group, person=person, acting=chairs[0])
                    assert model[i] in (None, "requested")
                    state = "active" if model[i] == "requested" else "invited"
                elif operation == "accept":
                    invitation = GroupMembership.objects.filter(
                        group=group, person=person, status=MembershipStatus.INVITED
                    ).first()
                    if invitation is None:
                        continue
                    services.invitation_answer(membership=invitation, acting=person, accept=True)
                    state = "active"
            except ValidationError:
                state = model[i]  # refused: nothing changed
            model[i] = state

            for j, someone in enumerate(crowd):
                current = list(
                    GroupMembership.objects.filter(
                        group=group, person=someone, status__in=CURRENT_MEMBERSHIP
                    ).values_list("status", flat=True)
                )
                assert len(current) <= 1
                assert (current[0] if current else None) == model[j], (operation, i, j)

        active = GroupMembership.objects.filter(group=group, status=MembershipStatus.ACTIVE).count()
        expected = len(chairs) + sum(1 for state in model.values() if state == "active")
        assert active == expected
        assert queries.group_members(group=group).count() == expected
        [listed] = [
            g for g in queries.group_list(viewer=None, filters=queries.GroupFilters()) if g.pk == group.pk
        ]
        assert listed.member_count == expected
        assert (
            queries.group_page(group=group, can_read_threads=False, can_manage=False).member_count == expected
        )
        transaction.set_rollback(True)


def test_group_list_counts_members_only_for_the_rows_it_returns(member, committee_member):
    """The count is a subquery of each row (computed after sorting and LIMIT), not a GROUP BY over
    every membership of every group; the page's count of groups does not count members at all."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    listed = queries.group_list(viewer=member, filters=queries.GroupFilters())
    with CaptureQueriesContext(connection) as captured:
        listed.count()
        list(listed[:20])
    count_sql, page_sql = (captured.captured_queries[0]["sql"], captured.captured_queries[1]["sql"])
    assert "groups_groupmembership" not in count_sql
    assert 'GROUP BY "groups_group"' not in page_sql  # the groups themselves are not grouped
