"""The home page knows who you are: each person sees what waits for them, with a link to act."""

import pytest
from django.urls import reverse

from conftest import client_for, make_person
from convene.groups import services as group_services
from convene.groups.models import GroupKind
from convene.people import import_services, imports
from convene.people import services as people_services
from convene.people.models import Topic
from convene.plans import services as plan_services
from convene.plans.tests.factories import QUARTERS, approve, build_plan, launch_group, make_cochair
from convene.results import services as result_services

IMPORT_CSV = b"E-mail,Name,Country\nnia.new@example.org,Nia New,Kenya\n"


def _pending(settings, n: int, start: int = 0) -> None:
    settings.CONVENE_MEMBERSHIP_APPROVAL = True
    for i in range(start, start + n):
        make_person(f"waiting{i}@example.org", name=f"Wanda Waiting {i}", country="PE")
    settings.CONVENE_MEMBERSHIP_APPROVAL = False


def _propose(member, n: int, start: int = 0) -> None:
    kind = GroupKind.objects.get(slug="working-group")
    for i in range(start, start + n):
        group_services.group_propose(acting=member, kind=kind, name=f"Proposal {i}", purpose="Needed.")


@pytest.fixture
def network(db, settings, member, committee_member, secretariat):
    """G: launched, approval to join, co-chaired by ``cochair``; ``member`` belongs to it, is responsible
    for its indicator (plan approved, 2025 quarters ended) and knows translation. S: another group whose
    plan waits for the committee. Q: a launched group with no plan, long overdue."""
    cochair = make_cochair()
    group = launch_group(committee=committee_member, cochair=cochair)
    group_services.membership_join(group=group, acting=member)
    group_services.charter_update(group=group, acting=cochair, join_policy="approval")
    world = build_plan(group=group, cochair=cochair, secretariat=secretariat, responsible=member)
    translation = Topic.objects.create(name="Translation", slug="translation")
    plan_services.task_save(
        deliverable=world.deliverable,
        acting=cochair,
        title="Translate the summary into Portuguese",
        help_wanted=True,
        skills=[translation],
    )
    people_services.profile_update(person=member, acting=member, topics=[translation])
    approve(world, committee_member)
    # The member reported the first quarter: the co-chair reviews it, three quarters remain to report.
    result_services.measurement_record(
        indicator=world.indicator, acting=member, starts_on=QUARTERS[0][0], ends_on=QUARTERS[0][1], value="7"
    )
    group_services.thread_start(group=group, acting=cochair, title="Next meeting", body="Thursday?")
    requester = make_person("req@example.org", name="Rui Requester", country="PT")
    group_services.membership_join(group=group, acting=requester, note="Please.")

    other_chair = make_cochair("other.chair@example.org")
    other = launch_group(committee=committee_member, cochair=other_chair, name="Supervision")
    other_world = build_plan(
        group=other, cochair=other_chair, secretariat=secretariat, title="Supervision 2025"
    )
    plan_services.plan_submit(plan=other_world.plan, acting=other_chair)
    launch_group(committee=committee_member, cochair=make_cochair("quiet.chair@example.org"), name="Quiet")

    _propose(member, 1)
    _pending(settings, 1)
    parsed = imports.parse_upload(name="members.csv", data=IMPORT_CSV)
    import_services.member_import_create(
        parsed=parsed,
        filename="members.csv",
        mapping=imports.guess_mapping(parsed.headers),
        acting=secretariat,
    )
    return {"group": group, "cochair": cochair, "world": world, "other": other_world, "requester": requester}


def _home(person) -> str:
    response = client_for(person).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_member_sees_unread_posts_help_wanted_and_values_to_report(network, member):
    html = _home(member)
    group, indicator = network["group"], network["world"].indicator

    assert "Unread in your groups" in html
    assert f'<a href="/groups/{group.slug}/threads/">Case Management</a>: 1 unread post' in html
    assert "Values you must report" in html
    report = reverse("results:measurement_create", args=[group.slug, indicator.plan_id, indicator.pk])
    assert report in html
    assert "Q2 2025, Q3 2025, Q4 2025" in html  # Q1 is reported
    assert "Help wanted that matches your expertise" in html
    assert "Translate the summary into Portuguese" in html
    assert "Translate the toolkit into French" not in html  # needs no skill of theirs
    for other_role in (
        "Values to review",
        "Requests to join",
        "submitted for review",
        "waiting for approval",
    ):
        assert other_role not in html
    # The main navigation leads to the inbox and to help wanted.
    assert f'<li><a href="{reverse("groups:inbox")}">Inbox</a></li>' in html
    assert f'<li><a href="{reverse("plans:help_wanted")}">Help wanted</a></li>' in html


def test_a_cochair_sees_the_plan_due_values_to_review_and_join_requests(network):
    cochair, group, world = network["cochair"], network["group"], network["world"]
    html = _home(cochair)

    assert "Work plans of the groups you co-chair" in html
    assert reverse("plans:detail", args=[group.slug, world.plan.pk]) in html
    assert '<span class="status status-approved">Approved</span>' in html
    assert "Values to review" in html
    assert "Case workers trained" in html
    assert "Requests to join your groups" in html
    assert "Rui Requester" in html
    assert reverse("groups:members", args=[group.slug]) in html
    assert "Group proposals to decide" not in html


def test_the_committee_sees_plans_to_review_proposals_and_overdue_groups(network, committee_member):
    html = _home(committee_member)
    other = network["other"]

    assert "Work plans submitted for review" in html
    assert reverse("plans:detail", args=[other.group.slug, other.plan.pk]) in html
    assert "Group proposals to decide" in html
    assert reverse("groups:decide", args=["proposal-0"]) in html
    assert "Groups with an overdue work plan" in html
    assert '<a href="/groups/quiet/">Quiet</a>' in html
    assert '<a href="/groups/case-management/">Case Management</a>' not in html  # its plan is approved
    assert "Members waiting for approval" not in html


def test_the_secretariat_sees_pending_members_and_imports(network, secretariat):
    html = _home(secretariat)

    assert "Members waiting for approval" in html
    assert reverse("people:pending_members") in html
    assert "1 person waits for approval" in html
    assert "Member lists not imported yet" in html
    assert "members.csv" in html


def test_a_visitor_keeps_the_public_landing(network):
    html = client_for(None).get(reverse("home")).content.decode()
    assert "Join the network" in html
    assert "Nothing waits for you" not in html
    assert "Unread in your groups" not in html


def test_someone_with_nothing_waiting_is_told_so(db):
    person = make_person("quiet.member@example.org", name="Quinn Member", country="KE")
    html = _home(person)
    assert "Nothing waits for you right now." in html


HOME_QUERIES = {"member": 11, "cochair": 13, "committee": 13, "secretariat": 15}


def _more(network, settings, member, committee_member, secretariat) -> None:
    """Many more rows of every kind a home section lists."""
    group, cochair = network["group"], network["cochair"]
    for i in range(6):
        group_services.thread_start(group=group, acting=cochair, title=f"Thread {i}", body="More.")
        requester = make_person(f"req{i}@example.org", name=f"Req {i}", country="PT")
        group_services.membership_join(group=group, acting=requester)
    _propose(member, 6, start=1)
    _pending(settings, 6, start=1)


@pytest.mark.parametrize("role", ["member", "cochair", "committee", "secretariat"])
def test_the_home_costs_the_same_queries_whatever_the_rows(
    role, network, settings, member, committee_member, secretariat, django_assert_num_queries
):
    person = {
        "member": member,
        "cochair": network["cochair"],
        "committee": committee_member,
        "secretariat": secretariat,
    }[role]
    client = client_for(person)
    url = reverse("home")
    client.get(url)
    with django_assert_num_queries(HOME_QUERIES[role]):
        assert client.get(url).status_code == 200
    _more(network, settings, member, committee_member, secretariat)
    with django_assert_num_queries(HOME_QUERIES[role]):
        assert client.get(url).status_code == 200
