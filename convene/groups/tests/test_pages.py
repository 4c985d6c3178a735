"""The pages of a group's life and governance: browse, propose, decide, co-chairs, charter,
composition, closing, the overview and the decision log."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import client_for, make_person
from convene.governance.models import Decision, DecisionOutcome
from convene.groups import services
from convene.groups.models import (
    CochairTerm,
    Group,
    GroupKind,
    GroupMembership,
    GroupStatus,
    JoinPolicy,
    MembershipStatus,
    Role,
    Visibility,
)
from convene.people.models import MembershipStatus as NetworkStatus
from convene.people.models import Person, Profile, Topic

from .conftest import LAUNCHED_ON


def _url(name, group=None, *args):
    return reverse(f"groups:{name}", args=[group.slug, *args] if group is not None else list(args))


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --- Browse ----------------------------------------------------------------------------------------


def test_list_shows_launched_groups_with_cochairs_and_a_join_button(launched_group, proposal, make_member):
    html = _html(client_for(make_member("other.member@example.org")).get(_url("list")))

    assert "Case Management" in html
    assert "Lindiwe Lead" in html
    assert "Lars Lead" in html
    assert "status-active" in html
    assert _url("join", launched_group) in html
    assert "Supervision Tools" not in html  # someone else's proposal


def test_the_proposer_finds_their_proposal_in_the_list_marked_as_such(proposal, member):
    html = _html(client_for(member).get(_url("list")))

    assert "Supervision Tools" in html
    assert "status-proposed" in html
    assert _url("join", proposal) not in html


def test_list_for_a_visitor_has_no_join_button(launched_group):
    html = _html(client_for(None).get(_url("list")))

    assert "Case Management" in html
    assert _url("join", launched_group) not in html


def test_list_has_no_join_button_for_a_member_already_in_the_group(launched_group, cochairs):
    html = _html(client_for(cochairs[0]).get(_url("list")))

    assert _url("join", launched_group) not in html
    assert "You are a member" in html


def test_list_shows_proposals_to_the_committee_but_not_to_other_members(
    launched_group, proposal, committee_member, make_member
):
    other = make_member("other.member@example.org")
    assert "Supervision Tools" in _html(
        client_for(committee_member).get(_url("list"), {"status": "proposals"})
    )
    assert "Supervision Tools" not in _html(client_for(other).get(_url("list"), {"status": "proposals"}))


def test_list_filters_by_kind_topic_and_search(launched_group, committee_member, cochairs):
    topic = Topic.objects.create(name="Supervision", slug="supervision")
    other = services.group_propose(
        acting=cochairs[0],
        kind=GroupKind.objects.get(slug="task-force"),
        name="Supervision Task Force",
        purpose="Supervision.",
        topics=[topic],
    )
    services.group_decide(group=other, outcome=DecisionOutcome.APPROVED, acting=committee_member)
    client = client_for(None)

    by_kind = _html(client.get(_url("list"), {"kind": "task-force"}))
    by_topic = _html(client.get(_url("list"), {"topic": "supervision"}))
    by_word = _html(client.get(_url("list"), {"q": "consolidate"}))

    assert "Supervision Task Force" in by_kind
    assert "Case Management" not in by_kind
    assert "Supervision Task Force" in by_topic
    assert "Case Management" not in by_topic
    assert "Case Management" in by_word
    assert "Supervision Task Force" not in by_word


def test_list_answers_htmx_with_the_results_only(launched_group):
    response = client_for(None).get(_url("list"), {"q": "case"}, headers={"HX-Request": "true"})

    html = _html(response)
    assert "Case Management" in html
    assert "<html" not in html


def test_a_members_only_group_is_404_for_a_visitor_and_open_to_a_member(launched_group, cochairs, member):
    services.charter_update(group=launched_group, acting=cochairs[0], visibility=Visibility.MEMBERS)

    assert client_for(None).get(_url("detail", launched_group)).status_code == 404
    assert client_for(None).get(_url("charter", launched_group)).status_code == 404
    assert "Case Management" not in _html(client_for(None).get(_url("list")))
    assert client_for(member).get(_url("detail", launched_group)).status_code == 200


# --- Proposals -------------------------------------------------------------------------------------


@pytest.fixture
def make_member(db):
    return lambda email, **kw: make_person(email, **kw)


def test_a_member_proposes_a_group_with_suggested_cochairs(member, cochairs):
    topic = Topic.objects.create(name="Case management", slug="case-management")
    kind = GroupKind.objects.get(slug="interest-group")

    response = client_for(member).post(
        _url("propose"),
        {
            "kind": kind.pk,
            "name": "  Workforce   Data ",
            "topics": [topic.pk],
            "purpose": "Collect workforce data.",
            "why_now": "Nobody does.",
            "suggested_cochairs": "LEAD.ONE@example.org, lead.two@example.org",
        },
    )

    group = Group.objects.get(name="Workforce Data")
    assert response.status_code == 302
    assert response["Location"] == _url("detail", group)
    assert group.status == GroupStatus.PROPOSED
    assert group.proposed_by == member
    assert list(group.topics.all()) == [topic]
    assert set(group.suggested_cochairs.all()) == set(cochairs)


def test_a_proposal_with_an_unknown_cochair_is_refused_and_nothing_is_saved(member):
    kind = GroupKind.objects.get(slug="interest-group")

    response = client_for(member).post(
        _url("propose"),
        {
            "kind": kind.pk,
            "name": "Data",
            "purpose": "Data.",
            "suggested_cochairs": "nobody@example.org, bad",
        },
    )

    html = _html(response)
    assert "is not an e-mail address" in html
    assert not Group.objects.exists()


def test_someone_not_yet_a_member_cannot_propose(outsider):
    assert client_for(outsider).get(_url("propose")).status_code == 403
    assert client_for(None).get(_url("propose")).status_code == 302


def test_the_proposer_changes_a_proposal_sent_back_and_it_returns_to_the_committee(
    proposal, member, committee_member
):
    services.group_decide(
        group=proposal,
        outcome=DecisionOutcome.CHANGES_REQUESTED,
        acting=committee_member,
        text="Name the countries.",
    )
    page = _html(client_for(member).get(_url("proposal_edit", proposal)))
    assert "Name the countries." in page

    response = client_for(member).post(
        _url("proposal_edit", proposal),
        {
            "kind": proposal.kind_id,
            "name": "Supervision Tools",
            "purpose": "Collect supervision tools in Kenya and Zambia.",
            "why_now": "Demand.",
            "suggested_cochairs": "",
        },
    )

    proposal.refresh_from_db()
    assert response.status_code == 302
    assert proposal.status == GroupStatus.PROPOSED
    assert proposal.purpose == "Collect supervision tools in Kenya and Zambia."


def test_another_member_cannot_change_a_proposal(proposal, cochairs):
    response = client_for(cochairs[0]).post(
        _url("proposal_edit", proposal), {"kind": proposal.kind_id, "name": "Hijacked", "purpose": "x"}
    )

    proposal.refresh_from_db()
    assert response.status_code == 404  # cochairs[0] may not even see someone else's proposal
    assert proposal.name == "Supervision Tools"


# --- Decisions -------------------------------------------------------------------------------------


def test_the_committee_sees_the_proposal_in_full_and_launches_it(proposal, committee_member):
    page = _html(client_for(committee_member).get(_url("decide", proposal)))
    assert "Collect supervision tools." in page
    assert "Demand." in page

    response = client_for(committee_member).post(
        _url("decide", proposal), {"outcome": "approved", "text": "Go.", "decided_on": "2025-03-01"}
    )

    proposal.refresh_from_db()
    assert response.status_code == 302
    assert proposal.status == GroupStatus.LAUNCHED
    assert proposal.launched_on == datetime.date(2025, 3, 1)
    assert proposal.workplan_due_on == datetime.date(2025, 5, 30)
    decision = Decision.objects.get(group=proposal)
    assert decision.recorded_by == committee_member
    assert decision.on_behalf is False


def test_the_secretariat_decides_on_the_committees_behalf(proposal, secretariat):
    client_for(secretariat).post(
        _url("decide", proposal), {"outcome": "declined", "text": "Overlaps.", "decided_on": "2025-03-01"}
    )

    proposal.refresh_from_db()
    assert proposal.status == GroupStatus.DECLINED
    assert Decision.objects.get(group=proposal).on_behalf is True


def test_asking_for_changes_needs_a_reason(proposal, committee_member):
    response = client_for(committee_member).post(
        _url("decide", proposal), {"outcome": "changes_requested", "text": "", "decided_on": "2025-03-01"}
    )

    assert "Tell the proposer why." in _html(response)
    proposal.refresh_from_db()
    assert proposal.status == GroupStatus.PROPOSED
    assert not Decision.objects.exists()


def test_a_member_cannot_decide_even_on_their_own_proposal(proposal, member):
    response = client_for(member).post(
        _url("decide", proposal), {"outcome": "approved", "text": "", "decided_on": "2025-03-01"}
    )

    proposal.refresh_from_db()
    assert response.status_code == 403
    assert proposal.status == GroupStatus.PROPOSED
    assert client_for(member).get(_url("decide", proposal)).status_code == 403


# --- Co-chairs -------------------------------------------------------------------------------------


def test_a_third_cochair_of_an_interest_group_is_refused_with_the_reason(
    launched_group, committee_member, member
):
    response = client_for(committee_member).post(
        _url("cochairs", launched_group),
        {"email": member.email, "replaces": "", "decided_on": "2025-02-01", "text": ""},
    )

    html = _html(response)
    assert "Every seat is taken: choose whom the new co-chair replaces." in html
    assert CochairTerm.objects.filter(group=launched_group).count() == 2
    assert not GroupMembership.objects.filter(group=launched_group, person=member).exists()


def test_nobody_is_not_offered_in_place_of_when_every_seat_is_taken(
    launched_group, committee_member, cochairs
):
    client = client_for(committee_member)
    html = _html(client.get(_url("cochairs", launched_group)))
    assert "Nobody (a seat is free)" not in html

    # A seat falls free when a co-chair ends their term: now "nobody" is the natural choice.
    CochairTerm.objects.filter(group=launched_group, person=cochairs[1]).update(ends_on=LAUNCHED_ON)
    assert "Nobody (a seat is free)" in _html(client.get(_url("cochairs", launched_group)))


def test_the_group_page_offers_the_appointment_to_those_who_may(launched_group, committee_member, member):
    link = _url("cochairs", launched_group) + "#appoint"

    assert f'href="{link}">Appoint co-chairs</a>' in _html(
        client_for(committee_member).get(_url("detail", launched_group))
    )
    assert link not in _html(client_for(member).get(_url("detail", launched_group)))
    assert link not in _html(client_for(None).get(_url("detail", launched_group)))


def _launched_with_suggestions(committee_member, member, suggested, kind_slug="interest-group"):
    group = services.group_propose(
        acting=member,
        kind=GroupKind.objects.get(slug=kind_slug),
        name="Data Group",
        purpose="Data.",
        suggested_cochairs=suggested,
    )
    services.group_decide(group=group, outcome=DecisionOutcome.APPROVED, acting=committee_member)
    return group


def test_the_cochairs_suggested_in_the_proposal_are_prefilled(committee_member, member, cochairs):
    group = _launched_with_suggestions(committee_member, member, cochairs)
    client = client_for(committee_member)

    html = _html(client.get(_url("cochairs", group)))
    assert "Suggested in the group" in html
    assert f'value="{cochairs[0].pk}" id="id_suggested_0" checked' in html.replace('name="suggested" ', "")
    assert "Lars Lead" in html

    # Appointing the pre-chosen suggestion needs no e-mail address.
    response = client.post(
        _url("cochairs", group),
        {"suggested": str(cochairs[0].pk), "replaces": "", "decided_on": "2025-02-01"},
    )
    assert response.status_code == 302
    assert list(CochairTerm.objects.filter(group=group).values_list("person", flat=True)) == [cochairs[0].pk]
    # The one appointed is no longer offered; the other suggestion is now the pre-chosen one.
    html = _html(client.get(_url("cochairs", group)))
    assert f'name="suggested" value="{cochairs[0].pk}"' not in html
    assert f'value="{cochairs[1].pk}" id="id_suggested_0" checked' in html.replace('name="suggested" ', "")


def test_an_appointment_without_anyone_chosen_is_refused(committee_member, member, cochairs):
    group = _launched_with_suggestions(committee_member, member, [])

    html = _html(
        client_for(committee_member).post(
            _url("cochairs", group), {"replaces": "", "decided_on": "2025-02-01"}
        )
    )
    assert "Give the e-mail address of the member to appoint." in html
    assert not CochairTerm.objects.filter(group=group).exists()


def test_a_working_group_names_its_lead_a_coordinator_everywhere(
    committee_member, member, cochairs, mailoutbox, django_capture_on_commit_callbacks
):
    group = _launched_with_suggestions(committee_member, member, [cochairs[0]], kind_slug="working-group")
    client = client_for(committee_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("cochairs", group),
            {"suggested": str(cochairs[0].pk), "replaces": "", "decided_on": "2025-02-01"},
        )
    assert response.status_code == 302

    cochairs_page = _html(client.get(_url("cochairs", group)))
    detail = _html(client.get(_url("detail", group)))
    members = _html(client_for(cochairs[0]).get(_url("members", group)))
    for html in (cochairs_page, detail, members):
        assert "Co-chair" not in html
        assert "co-chair" not in html
    assert "Coordinator: who held the role when" in cochairs_page
    assert "Appoint a coordinator" in cochairs_page
    assert "<dt>Coordinator</dt>" in detail  # one appointed so far
    assert "<td>Coordinator</td>" in members
    decision = Decision.objects.get(group=group, effect="cochairs_appointed")
    assert decision.localized_title == "Lindiwe Lead appointed coordinator of Data Group"
    appointed = [m for m in mailoutbox if cochairs[0].email in m.to]
    assert appointed[0].subject.endswith("You are a coordinator of Data Group")
    assert "appointed you coordinator of Data Group" in appointed[0].body
    assert "co-chair" not in appointed[0].body


def test_the_committee_appoints_a_cochair_in_place_of_another(
    launched_group, committee_member, member, cochairs
):
    response = client_for(committee_member).post(
        _url("cochairs", launched_group),
        {
            "email": member.email,
            "replaces": str(cochairs[1].pk),
            "decided_on": "2025-02-01",
            "text": "Thanks, Lars.",
        },
    )

    assert response.status_code == 302
    current = set(
        CochairTerm.objects.filter(group=launched_group, ends_on__isnull=True).values_list(
            "person", flat=True
        )
    )
    assert current == {cochairs[0].pk, member.pk}
    html = _html(client_for(None).get(_url("cochairs", launched_group)))
    assert "Lars Lead" in html
    assert "Amina Member" in html
    assert "Record the appointment" not in html


def test_a_cochair_must_be_a_member_of_the_network(launched_group, committee_member, outsider, cochairs):
    response = client_for(committee_member).post(
        _url("cochairs", launched_group),
        {"email": outsider.email, "replaces": str(cochairs[1].pk), "decided_on": "2025-02-01"},
    )

    assert "No member of the network has this e-mail address." in _html(response)
    assert CochairTerm.objects.filter(group=launched_group).count() == 2


def test_a_cochair_cannot_appoint_cochairs(launched_group, cochairs, member):
    response = client_for(cochairs[0]).post(
        _url("cochairs", launched_group),
        {"email": member.email, "replaces": str(cochairs[1].pk), "decided_on": "2025-02-01"},
    )

    assert response.status_code == 403
    assert CochairTerm.objects.filter(group=launched_group).count() == 2


# --- Charter ---------------------------------------------------------------------------------------


CHARTER = {
    "working_language": "",
    "meeting_frequency": "monthly",
    "meeting_form": "virtual",
    "join_policy": JoinPolicy.APPROVAL,
    "visibility": Visibility.PUBLIC,
    "max_size": "12",
    "required_sectors": ["government", "academic", "un_agency"],
    "required_countries": ["KE", "ZA"],
    "strategic_objectives": "Map case management practice.",
}


def test_a_cochair_edits_the_charter_and_its_history_shows_the_change(launched_group, cochairs):
    response = client_for(cochairs[0]).post(
        _url("charter", launched_group), {**CHARTER, "revision": launched_group.revision}
    )

    assert response.status_code == 302
    launched_group.refresh_from_db()
    assert launched_group.meeting_frequency == "monthly"
    assert launched_group.join_policy == JoinPolicy.APPROVAL
    assert launched_group.max_size == 12
    assert launched_group.required_sectors == ["government", "academic", "un_agency"]
    assert launched_group.required_countries == ["KE", "ZA"]
    html = _html(client_for(None).get(_url("charter", launched_group)))
    assert "Lindiwe Lead" in html  # who changed it
    assert "Monthly" in html
    assert "Open: members join themselves" in html  # before
    assert "Approval: co-chairs approve requests" in html  # after
    assert "Kenya" in html
    assert "Save the charter" not in html


def test_saving_an_unchanged_charter_writes_no_version(launched_group, cochairs):
    client = client_for(cochairs[0])
    form = {**CHARTER, "revision": launched_group.revision}
    client.post(_url("charter", launched_group), form)
    versions = launched_group.history.count()

    response = client.post(_url("charter", launched_group), form, follow=True)

    assert "Nothing changed." in _html(response)
    assert launched_group.history.count() == versions


def test_a_member_sees_the_charter_but_cannot_change_it(launched_group, member):
    assert "Save the charter" not in _html(client_for(member).get(_url("charter", launched_group)))

    response = client_for(member).post(_url("charter", launched_group), CHARTER)

    launched_group.refresh_from_db()
    assert response.status_code == 403
    assert launched_group.meeting_frequency == ""


def test_the_secretariat_may_edit_the_charter(launched_group, secretariat):
    assert "Save the charter" in _html(client_for(secretariat).get(_url("charter", launched_group)))


# --- Composition -----------------------------------------------------------------------------------


def test_composition_counts_sectors_and_countries_and_names_what_is_missing(launched_group, cochairs, member):
    services.charter_update(
        group=launched_group,
        acting=cochairs[0],
        required_sectors=["government", "un_agency"],
        required_countries=["ZA", "KE"],
        max_size=2,
    )
    services.membership_join(group=launched_group, acting=member)

    html = _html(client_for(None).get(_url("composition", launched_group)))

    assert "UN agency" in html  # missing sector
    assert "Kenya" in html  # missing country
    assert "Zambia" in html  # Amina's country, represented
    assert "more than the 2 its charter sets" in html


# --- The detail page, closing and the work plan ----------------------------------------------------


def test_detail_shows_purpose_cochairs_charter_and_workplan_due(launched_group, member):
    html = _html(client_for(member).get(_url("detail", launched_group)))

    assert "Gather and consolidate practice." in html
    assert "Lindiwe Lead" in html
    assert "Co-chair" in html
    assert "Launch of Case Management" in html  # recent decisions, for insiders
    assert "due on" in html
    assert _url("join", launched_group) in html
    assert 'aria-current="page"' in html


def test_detail_warns_when_the_work_plan_is_overdue(launched_group, member, secretariat):
    assert launched_group.workplan_due_on < timezone.localdate()
    assert "days overdue" in _html(client_for(member).get(_url("detail", launched_group)))

    response = client_for(secretariat).post(
        _url("workplan_received", launched_group), {"received_on": "2025-04-01"}
    )

    launched_group.refresh_from_db()
    assert response.status_code == 302
    assert launched_group.workplan_received_on == datetime.date(2025, 4, 1)
    assert "days overdue" not in _html(client_for(member).get(_url("detail", launched_group)))


def test_a_member_cannot_record_the_work_plan(launched_group, member):
    response = client_for(member).post(
        _url("workplan_received", launched_group), {"received_on": "2025-04-01"}
    )

    launched_group.refresh_from_db()
    assert response.status_code == 403
    assert launched_group.workplan_received_on is None


def test_the_committee_closes_a_group_and_it_becomes_read_only(launched_group, committee_member, cochairs):
    assert "Close the group" in _html(client_for(committee_member).get(_url("close", launched_group)))

    response = client_for(committee_member).post(
        _url("close", launched_group), {"text": "Mandate fulfilled.", "decided_on": "2025-06-30"}
    )

    launched_group.refresh_from_db()
    assert response.status_code == 302
    assert launched_group.status == GroupStatus.CLOSED
    assert not CochairTerm.objects.filter(group=launched_group, ends_on__isnull=True).exists()
    html = _html(client_for(cochairs[0]).get(_url("detail", launched_group)))
    assert "can no longer be changed" in html
    assert _url("leave", launched_group) not in html
    assert "Save the charter" not in _html(client_for(cochairs[0]).get(_url("charter", launched_group)))
    assert "Record the appointment" not in _html(
        client_for(committee_member).get(_url("cochairs", launched_group))
    )
    assert client_for(cochairs[0]).post(_url("charter", launched_group), CHARTER).status_code == 403


def test_a_cochair_cannot_close_the_group(launched_group, cochairs):
    response = client_for(cochairs[0]).post(
        _url("close", launched_group), {"text": "Done.", "decided_on": "2025-06-30"}
    )

    launched_group.refresh_from_db()
    assert response.status_code == 403
    assert launched_group.status == GroupStatus.ACTIVE


def test_a_proposal_page_offers_the_committee_to_decide(proposal, committee_member, member):
    assert _url("decide", proposal) in _html(client_for(committee_member).get(_url("detail", proposal)))
    member_view = _html(client_for(member).get(_url("detail", proposal)))
    assert _url("decide", proposal) not in member_view
    assert client_for(None).get(_url("detail", proposal)).status_code == 404


# --- The overview and the decision log -------------------------------------------------------------


def test_the_overview_lists_every_group_with_gaps_and_overdue_work_plans(
    launched_group, proposal, committee_member
):
    html = _html(client_for(committee_member).get(_url("overview"), {"sort": "size"}))

    assert "Case Management" in html
    assert "Supervision Tools" in html
    assert "Overdue work plans" in html
    assert "days overdue" in html
    assert 'aria-sort="ascending"' in html


def test_the_overview_is_for_the_committee_and_the_secretariat(launched_group, member, secretariat):
    assert client_for(member).get(_url("overview")).status_code == 403
    assert client_for(member).get(_url("overview_export", None, "csv")).status_code == 403
    assert client_for(secretariat).get(_url("overview")).status_code == 200


def test_the_overview_exports_as_csv_and_xlsx(launched_group, proposal, secretariat):
    client = client_for(secretariat)
    response = client.get(_url("overview_export", None, "csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))

    assert rows[0][0] == "Group"
    names = {row[0] for row in rows[1:]}
    assert names == {"Case Management", "Supervision Tools"}
    case = next(row for row in rows if row[0] == "Case Management")
    assert case[3] == LAUNCHED_ON.isoformat()
    assert case[4] == "Lindiwe Lead; Lars Lead"

    xlsx = client.get(_url("overview_export", None, "xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == {
        "Case Management",
        "Supervision Tools",
    }
    assert client.get(_url("overview_export", None, "pdf")).status_code == 403


def test_the_decision_log_shows_decisions_to_members(launched_group, secretariat, member, cochairs):
    member = Person.objects.get(pk=member.pk)
    services.cochair_appoint(group=launched_group, person=member, acting=secretariat, replaces=cochairs[1])

    html = _html(client_for(member).get(reverse("governance:decisions")))

    assert "Launch of Case Management" in html
    assert "Amina Member appointed co-chair of Case Management in place of Lars Lead" in html
    assert "on the committee's behalf" in html
    assert _url("detail", launched_group) in html


def test_the_decision_log_is_closed_to_visitors_and_outsiders(launched_group, outsider):
    assert client_for(None).get(reverse("governance:decisions")).status_code == 302
    assert client_for(outsider).get(reverse("governance:decisions")).status_code == 403


# --- Query counts (STYLE §3) -----------------------------------------------------------------------


def _bulk_people(n: int, prefix: str) -> list[Person]:
    people = Person.objects.bulk_create([Person(email=f"{prefix}{i}@example.org") for i in range(n)])
    sectors = ["ngo", "government", "academic"]
    countries = ["KE", "ZM", "DK", "US"]
    Profile.objects.bulk_create(
        [
            Profile(
                person=p,
                name=f"Person {prefix}{i}",
                country=countries[i % 4],
                sector=sectors[i % 3],
                membership_status=NetworkStatus.ACTIVE,
            )
            for i, p in enumerate(people)
        ]
    )
    return people


def _bulk_groups(n: int) -> None:
    kind = GroupKind.objects.get(slug="interest-group")
    topics = [Topic.objects.get_or_create(name=f"Topic {i}", slug=f"topic-{i}")[0] for i in range(3)]
    groups = Group.objects.bulk_create(
        [
            Group(
                kind=kind,
                name=f"Group {i:03}",
                slug=f"group-{i:03}",
                purpose="Purpose.",
                status=GroupStatus.ACTIVE,
                launched_on=LAUNCHED_ON,
                workplan_due_on=LAUNCHED_ON,
                required_sectors=["un_agency"],
                required_countries=["KE"],
            )
            for i in range(n)
        ]
    )
    leads = _bulk_people(2 * n, "lead")
    GroupMembership.objects.bulk_create(
        [
            GroupMembership(
                group=g, person=leads[2 * i + k], role=Role.COCHAIR, status=MembershipStatus.ACTIVE
            )
            for i, g in enumerate(groups)
            for k in (0, 1)
        ]
    )
    Group.topics.through.objects.bulk_create(
        [Group.topics.through(group=g, topic=t) for g in groups for t in topics]
    )


def _bulk_members(group: Group, n: int) -> None:
    people = _bulk_people(n, "m")
    GroupMembership.objects.bulk_create(
        [GroupMembership(group=group, person=p, status=MembershipStatus.ACTIVE) for p in people]
    )


LIST_QUERIES = 12
DETAIL_QUERIES = 12
COMPOSITION_QUERIES = 7
OVERVIEW_QUERIES = 8  # + the current work plan of every group (its real state)


@pytest.mark.parametrize("n", [5, 50])
def test_list_queries_do_not_grow_with_groups(n, member, django_assert_num_queries):
    _bulk_groups(n)
    client = client_for(member)

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(_url("list"))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [5, 50])
def test_overview_queries_do_not_grow_with_groups(n, committee_member, django_assert_num_queries):
    _bulk_groups(n)
    client = client_for(committee_member)

    with django_assert_num_queries(OVERVIEW_QUERIES):
        response = client.get(_url("overview"))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [5, 50])
def test_detail_queries_do_not_grow_with_members(n, launched_group, cochairs, django_assert_num_queries):
    _bulk_members(launched_group, n)
    for i in range(n // 5):
        services.thread_start(group=launched_group, acting=cochairs[0], title=f"Thread {i}", body="Hi all.")
    client = client_for(cochairs[0])

    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(_url("detail", launched_group))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [5, 50])
def test_composition_queries_do_not_grow_with_members(n, launched_group, member, django_assert_num_queries):
    _bulk_members(launched_group, n)
    client = client_for(member)

    with django_assert_num_queries(COMPOSITION_QUERIES):
        response = client.get(_url("composition", launched_group))
    assert response.status_code == 200


# --- The back office -------------------------------------------------------------------------------


def test_the_back_office_lists_groups_kinds_memberships_terms_threads_and_decisions(launched_group, cochairs):
    admin = Person.objects.create_superuser(email="root@example.org", password="x")
    services.thread_start(group=launched_group, acting=cochairs[0], title="Welcome", body="Hello.")
    client = client_for(admin)

    for name in ["groupkind", "group", "groupmembership", "cochairterm", "thread"]:
        assert client.get(reverse(f"admin:groups_{name}_changelist")).status_code == 200, name
    assert client.get(reverse("admin:groups_group_change", args=[launched_group.pk])).status_code == 200
    assert client.get(reverse("admin:groups_group_history", args=[launched_group.pk])).status_code == 200
    html = _html(client.get(reverse("admin:governance_decision_changelist")))
    assert "Launch of Case Management" in html
