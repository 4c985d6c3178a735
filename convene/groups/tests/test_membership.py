"""Joining and leaving, requests, invitations, the members page and current activities."""

import datetime
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from conftest import client_for, make_person
from convene.groups import services
from convene.groups.models import Activity, GroupMembership, MembershipStatus, Role, Visibility
from convene.people.models import Person

from .conftest import make_group


def _memberships(group, person):
    return list(GroupMembership.objects.filter(group=group, person=person).order_by("pk"))


# --- Joining and leaving ---------------------------------------------------------------------------


def test_join_an_open_group_in_one_click(open_group, member):
    response = client_for(member).post(reverse("groups:join", args=[open_group.slug]))

    assert response.status_code == 302
    assert response["Location"] == reverse("groups:detail", args=[open_group.slug])
    [membership] = _memberships(open_group, member)
    assert (membership.status, membership.role) == (MembershipStatus.ACTIVE, Role.MEMBER)
    assert membership.joined_on == datetime.date.today()  # noqa: DTZ011 - services use the local date


def test_join_with_htmx_returns_the_button_box_only(open_group, member):
    response = client_for(member).post(reverse("groups:join", args=[open_group.slug]), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<div id="join-box"')
    assert "<html" not in html
    assert reverse("groups:leave", args=[open_group.slug]) in html
    assert _memberships(open_group, member)[0].status == MembershipStatus.ACTIVE


def test_request_to_an_approval_group_is_approved_by_a_cochair(
    approval_group, member, chair, chair_two, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(member).post(
            reverse("groups:join", args=[approval_group.slug]),
            {"note": "I run case management training in Zambia."},
        )
    assert response.status_code == 302
    [membership] = _memberships(approval_group, member)
    assert membership.status == MembershipStatus.REQUESTED
    assert membership.request_note == "I run case management training in Zambia."
    assert sorted(m.to[0] for m in mailoutbox) == [chair.email, chair_two.email]
    assert "Amina Member asks to join Advocacy Group" in mailoutbox[0].subject
    assert "I run case management training in Zambia." in mailoutbox[0].body
    assert "&" not in mailoutbox[0].body  # plain text, not HTML-escaped

    page = client_for(chair).get(reverse("groups:members", args=[approval_group.slug]))
    assert (
        reverse("groups:membership_action", args=[approval_group.slug, membership.pk, "approve"])
        in page.content.decode()
    )

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(chair).post(
            reverse("groups:membership_action", args=[approval_group.slug, membership.pk, "approve"])
        )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert mailoutbox[0].subject == "Welcome to Advocacy Group"


def test_a_declined_request_is_answered_by_e_mail(
    approval_group, member, chair, mailoutbox, django_capture_on_commit_callbacks
):
    services.membership_join(group=approval_group, acting=member)
    [membership] = _memberships(approval_group, member)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(chair).post(
            reverse("groups:membership_action", args=[approval_group.slug, membership.pk, "decline"])
        )

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.DECLINED
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert "not approved" in mailoutbox[0].body


def test_an_invitation_is_sent_and_accepted(
    invitation_group, member, chair, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(chair).post(
            reverse("groups:invite", args=[invitation_group.slug]), {"person_id": member.pk}
        )
    assert response.status_code == 302
    [membership] = _memberships(invitation_group, member)
    assert (membership.status, membership.invited_by) == (MembershipStatus.INVITED, chair)
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert "Chipo Chair invites you to join Closed Circle" in mailoutbox[0].body
    assert reverse("groups:inbox") in mailoutbox[0].body

    inbox = client_for(member).get(reverse("groups:inbox"))
    assert (
        reverse("groups:invitation_answer", args=[invitation_group.slug, "accept"]) in inbox.content.decode()
    )

    response = client_for(member).post(
        reverse("groups:invitation_answer", args=[invitation_group.slug, "accept"]),
        {"next": reverse("groups:inbox")},
    )
    assert response["Location"] == reverse("groups:inbox")
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


def test_joining_accepts_a_pending_invitation(invitation_group, member, chair):
    services.membership_invite(group=invitation_group, person=member, acting=chair)

    client_for(member).post(reverse("groups:join", args=[invitation_group.slug]))

    assert [m.status for m in _memberships(invitation_group, member)] == [MembershipStatus.ACTIVE]


def test_an_invitation_can_be_declined(invitation_group, member, chair):
    services.membership_invite(group=invitation_group, person=member, acting=chair)

    client_for(member).post(reverse("groups:invitation_answer", args=[invitation_group.slug, "decline"]))

    assert [m.status for m in _memberships(invitation_group, member)] == [MembershipStatus.DECLINED]


def test_an_invitation_only_group_refuses_a_plain_join(invitation_group, member):
    response = client_for(member).post(reverse("groups:join", args=[invitation_group.slug]), follow=False)

    assert response.status_code == 302
    assert _memberships(invitation_group, member) == []
    with pytest.raises(ValidationError):
        services.membership_join(group=invitation_group, acting=member)
    assert _memberships(invitation_group, member) == []


def test_leave_and_join_again_keeps_the_history(open_group, member):
    client = client_for(member)
    client.post(reverse("groups:join", args=[open_group.slug]))
    response = client.post(reverse("groups:leave", args=[open_group.slug]))
    assert response.status_code == 302
    client.post(reverse("groups:join", args=[open_group.slug]))

    first, second = _memberships(open_group, member)
    assert (first.status, first.left_on) == (MembershipStatus.LEFT, datetime.date.today())  # noqa: DTZ011
    assert (second.status, second.left_on) == (MembershipStatus.ACTIVE, None)


def test_a_closed_group_takes_no_joins_nor_posts(open_group, member, chair, committee_member):
    services.group_close(group=open_group, acting=committee_member)
    memberships_before = GroupMembership.objects.filter(group=open_group).count()

    assert client_for(member).post(reverse("groups:join", args=[open_group.slug])).status_code == 403
    response = client_for(chair).post(
        reverse("groups:thread_create", args=[open_group.slug]), {"title": "Still here?", "body": "Hello"}
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.membership_join(group=open_group, acting=member)
    assert GroupMembership.objects.filter(group=open_group).count() == memberships_before
    assert not open_group.threads.exists()


def test_a_person_who_is_not_a_network_member_cannot_join(open_group, outsider):
    assert client_for(outsider).post(reverse("groups:join", args=[open_group.slug])).status_code == 403
    assert _memberships(open_group, outsider) == []


def test_notification_choice_is_saved(open_group, member):
    services.membership_join(group=open_group, acting=member)

    response = client_for(member).post(
        reverse("groups:notify", args=[open_group.slug]),
        {"notify": "weekly", "next": reverse("groups:inbox")},
    )

    assert response["Location"] == reverse("groups:inbox")
    assert _memberships(open_group, member)[0].notify == "weekly"
    response = client_for(member).post(
        reverse("groups:notify", args=[open_group.slug]),
        {"notify": "hourly", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("groups:detail", args=[open_group.slug])
    assert _memberships(open_group, member)[0].notify == "weekly"


# --- The members page --------------------------------------------------------------------------------


def test_members_of_a_members_only_group_never_show_to_the_public(committee_member, chair, chair_two, member):
    group = make_group(
        committee=committee_member,
        cochairs=[chair, chair_two],
        name="Quiet Group",
        visibility=Visibility.MEMBERS,
    )
    services.membership_join(group=group, acting=member)

    anonymous = client_for(None)
    for name in ("members", "activities", "threads"):
        response = anonymous.get(reverse(f"groups:{name}", args=[group.slug]))
        assert response.status_code in (302, 404)
        assert "Amina Member" not in response.content.decode()
    assert anonymous.get(reverse("groups:members", args=[group.slug])).status_code == 404
    assert anonymous.get(reverse("groups:activities_export", args=[group.slug, "csv"])).status_code == 404
    assert (
        "Amina Member"
        in client_for(member).get(reverse("groups:members", args=[group.slug])).content.decode()
    )


def test_the_public_does_not_see_the_members_of_a_public_group(open_group, member):
    services.membership_join(group=open_group, acting=member)

    response = client_for(None).get(reverse("groups:members", args=[open_group.slug]))

    assert response.status_code == 403
    assert "Amina Member" not in response.content.decode()


def test_members_page_shows_members_and_hides_management_from_members(open_group, member, chair):
    services.membership_join(group=open_group, acting=member)

    html = client_for(member).get(reverse("groups:members", args=[open_group.slug])).content.decode()

    assert "Amina Member" in html
    assert "Chipo Chair" in html
    assert "Zambia" in html
    assert "Invite members of the network" not in html
    assert "/remove/" not in html
    assert "/role/" not in html
    assert 'aria-current="page"' in html


def test_a_cochair_of_another_group_cannot_manage_these_members(
    open_group, member, other_chair, approval_group
):
    services.membership_join(group=open_group, acting=member)
    [membership] = _memberships(open_group, member)
    client = client_for(other_chair)

    for action, data in (("remove", {}), ("role", {"role": "coordinator"})):
        response = client.post(
            reverse("groups:membership_action", args=[open_group.slug, membership.pk, action]), data
        )
        assert response.status_code == 403
    assert (
        client.post(
            reverse("groups:invite", args=[open_group.slug]), {"person_id": other_chair.pk}
        ).status_code
        == 403
    )
    page = client.get(reverse("groups:members", args=[open_group.slug])).content.decode()
    assert "Invite members of the network" not in page

    membership.refresh_from_db()
    assert (membership.status, membership.role) == (MembershipStatus.ACTIVE, Role.MEMBER)
    assert _memberships(open_group, other_chair) == []


def test_a_membership_of_another_group_cannot_be_reached_through_this_one(
    open_group, approval_group, member, chair
):
    services.membership_join(group=approval_group, acting=member)
    [membership] = _memberships(approval_group, member)

    response = client_for(chair).post(
        reverse("groups:membership_action", args=[open_group.slug, membership.pk, "approve"])
    )

    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.REQUESTED


def test_a_cochair_changes_a_role_and_removes_a_member(open_group, member, chair):
    services.membership_join(group=open_group, acting=member)
    [membership] = _memberships(open_group, member)
    client = client_for(chair)

    client.post(
        reverse("groups:membership_action", args=[open_group.slug, membership.pk, "role"]),
        {"role": "coordinator"},
    )
    membership.refresh_from_db()
    assert membership.role == Role.COORDINATOR

    response = client.post(
        reverse("groups:membership_action", args=[open_group.slug, membership.pk, "role"]),
        {"role": "cochair"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.COORDINATOR  # co-chairs are appointed by the committee

    client.post(reverse("groups:membership_action", args=[open_group.slug, membership.pk, "remove"]))
    membership.refresh_from_db()
    assert (membership.status, membership.left_on) == (MembershipStatus.REMOVED, datetime.date.today())  # noqa: DTZ011
    html = client.get(reverse("groups:members", args=[open_group.slug])).content.decode()
    assert "Former members" in html
    assert "Amina Member" in html


def test_a_cochair_cannot_be_removed_on_the_members_page(open_group, chair, chair_two):
    [membership] = _memberships(open_group, chair_two)

    client_for(chair).post(
        reverse("groups:membership_action", args=[open_group.slug, membership.pk, "remove"])
    )

    membership.refresh_from_db()
    assert (membership.status, membership.role) == (MembershipStatus.ACTIVE, Role.COCHAIR)


def test_the_invite_box_searches_the_directory(open_group, chair, member):
    make_person("kofi@example.org", name="Kofi Mensah", country="GH")
    make_person("kwame@example.org", name="Kwame Mensah", country="KE")
    client = client_for(chair)

    html = client.get(
        reverse("groups:members", args=[open_group.slug]), {"q": "mensah", "country": "GH"}
    ).content.decode()

    assert "Invite Kofi Mensah" in html
    assert "Invite Kwame Mensah" not in html
    html = client.get(reverse("groups:members", args=[open_group.slug]), {"q": "chair"}).content.decode()
    assert "Invite Chipo Chair" not in html  # already in the group


def test_members_page_for_the_secretariat_shows_management(open_group, secretariat):
    html = client_for(secretariat).get(reverse("groups:members", args=[open_group.slug])).content.decode()

    assert "Invite members of the network" in html


@pytest.mark.parametrize("n", [5, 50])
def test_members_page_query_count_does_not_grow(open_group, chair, n, django_assert_num_queries):
    for i in range(n):
        person = make_person(f"m{i}@example.org", name=f"Member {i:02}", country="KE")
        services.membership_join(group=open_group, acting=person)
    for i in range(n):
        services.membership_invite(group=open_group, person=make_person(f"i{i}@example.org"), acting=chair)
        make_person(f"cand{i}@example.org", name=f"Candidate {i:02}", country="GH")
        services.membership_join(group=open_group, acting=make_person(f"gone{i}@example.org"))
        services.membership_leave(group=open_group, acting=Person.objects.get(email=f"gone{i}@example.org"))
    client = client_for(chair)
    url = reverse("groups:members", args=[open_group.slug])
    client.get(url)  # warm the session

    with django_assert_num_queries(MEMBERS_PAGE_QUERIES):
        response = client.get(url, {"q": "candidate"})
    html = response.content.decode()
    assert f"{n + 2} members" in html
    assert html.count("Invite Candidate") == min(n, 30)
    assert html.count("<li>") >= n  # the open invitations


MEMBERS_PAGE_QUERIES = 13


# --- Current activities ------------------------------------------------------------------------------


def _activity_data(**overrides):
    return {
        "what": "Training case workers",
        "country": "ZM",
        "place": "Lusaka",
        "since": "2025-01-15",
        **overrides,
    }


def test_a_participant_records_edits_and_deletes_their_own_activity(open_group, member):
    services.membership_join(group=open_group, acting=member)
    client = client_for(member)

    response = client.post(reverse("groups:activity_create", args=[open_group.slug]), _activity_data())
    assert response.status_code == 302
    activity = Activity.objects.get(group=open_group)
    assert (activity.person, activity.what, activity.country, activity.place) == (
        member,
        "Training case workers",
        "ZM",
        "Lusaka",
    )

    client.post(
        reverse("groups:activity_edit", args=[open_group.slug, activity.pk]), _activity_data(what="Coaching")
    )
    activity.refresh_from_db()
    assert activity.what == "Coaching"

    html = client.get(reverse("groups:activities", args=[open_group.slug])).content.decode()
    assert "Coaching" in html
    assert "Zambia" in html

    client.post(reverse("groups:activity_delete", args=[open_group.slug, activity.pk]))
    assert not Activity.objects.filter(pk=activity.pk).exists()


def test_nobody_changes_another_persons_activity(open_group, member, chair):
    services.membership_join(group=open_group, acting=member)
    activity = services.activity_save(
        group=open_group, acting=member, what="Mapping the workforce", country="ZM"
    )
    client = client_for(chair)

    assert client.get(reverse("groups:activity_edit", args=[open_group.slug, activity.pk])).status_code == 403
    response = client.post(
        reverse("groups:activity_edit", args=[open_group.slug, activity.pk]), _activity_data(what="Hijacked")
    )
    assert response.status_code == 403
    assert (
        client.post(reverse("groups:activity_delete", args=[open_group.slug, activity.pk])).status_code == 403
    )
    activity.refresh_from_db()
    assert activity.what == "Mapping the workforce"


def test_a_non_member_of_the_group_cannot_record_an_activity(open_group, member):
    response = client_for(member).post(
        reverse("groups:activity_create", args=[open_group.slug]), _activity_data()
    )

    assert response.status_code == 403
    assert not Activity.objects.exists()


def test_activities_export_as_csv_and_xlsx(open_group, member):
    services.membership_join(group=open_group, acting=member)
    services.activity_save(
        group=open_group, acting=member, what="=HYPERLINK(1)", country="ZM", place="Lusaka"
    )
    client = client_for(member)

    response = client.get(reverse("groups:activities_export", args=[open_group.slug, "csv"]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0] == "Name,Country,Sector,What,Where (country),Where (place),Organisation,Since"
    assert lines[1] == "Amina Member,Zambia,NGO,'=HYPERLINK(1),Zambia,Lusaka,,"

    response = client.get(reverse("groups:activities_export", args=[open_group.slug, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:4] == ("Amina Member", "Zambia", "NGO", "'=HYPERLINK(1)")

    assert client.get(reverse("groups:activities_export", args=[open_group.slug, "pdf"])).status_code == 404


@pytest.mark.parametrize("n", [5, 50])
def test_activities_page_query_count_does_not_grow(open_group, member, n, django_assert_num_queries):
    for i in range(n):
        person = make_person(f"a{i}@example.org", name=f"Active {i:02}", country=["KE", "GH", "DK"][i % 3])
        services.membership_join(group=open_group, acting=person)
        services.activity_save(group=open_group, acting=person, what=f"Work {i}", country="KE")
    client = client_for(member)
    url = reverse("groups:activities", args=[open_group.slug])
    client.get(url)

    with django_assert_num_queries(ACTIVITIES_PAGE_QUERIES):
        response = client.get(url)
    assert f"{n} activities" in response.content.decode()


ACTIVITIES_PAGE_QUERIES = 7


# --- The inbox ---------------------------------------------------------------------------------------


def test_the_inbox_lists_my_groups_and_notification_choices(open_group, approval_group, member):
    services.membership_join(group=open_group, acting=member)
    services.membership_join(group=approval_group, acting=member)

    html = client_for(member).get(reverse("groups:inbox")).content.decode()

    assert "Case Management Interest Group" in html
    assert "Waiting for an answer" in html
    assert "Advocacy Group" in html
    assert reverse("groups:notify", args=[open_group.slug]) in html


def test_the_inbox_needs_a_login():
    response = client_for(None).get(reverse("groups:inbox"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- Hidden people are not offered, nor named (issue 9) -----------------------------------------


@pytest.fixture
def hidden_and_pending(db) -> tuple[Person, Person]:
    """A member whose profile is shown to nobody, and an applicant not yet approved; both nurses."""
    hidden = make_person(
        "hana@example.org", name="Hana Secretive", job_title="Nurse", profile_visibility="nobody"
    )
    applicant = make_person("paco@example.org", name="Paco Secretive", job_title="Nurse", member=False)
    return hidden, applicant


def test_the_invite_search_follows_the_directorys_visibility(
    open_group, chair, secretariat, hidden_and_pending
):
    make_person("nia@example.org", name="Nia Visible", job_title="Nurse")
    url = reverse("groups:members", args=[open_group.slug])
    for q in ("secretive", "nurse"):
        html = client_for(chair).get(url, {"q": q}).content.decode()
        assert "Secretive" not in html, q
    assert "Invite Nia Visible" in client_for(chair).get(url, {"q": "nurse"}).content.decode()
    # The secretariat sees every member in the directory, and so in the invite search; never an applicant.
    html = client_for(secretariat).get(url, {"q": "secretive"}).content.decode()
    assert "Invite Hana Secretive" in html
    assert "Paco" not in html


def test_inviting_a_hidden_person_by_id_answers_like_nobody(open_group, chair, hidden_and_pending):
    hidden, applicant = hidden_and_pending
    url = reverse("groups:invite", args=[open_group.slug])
    answers = []
    for person_id in (hidden.pk, applicant.pk, 987_654):
        response = client_for(chair).post(url, {"person_id": person_id}, follow=True)
        page = response.content.decode()
        assert "Secretive" not in page
        answers.append([str(m) for m in response.context["messages"]])
    assert answers == [["Choose a member of the network to invite."]] * 3
    assert not GroupMembership.objects.filter(group=open_group, person__in=hidden_and_pending).exists()


def test_the_api_invites_only_whom_the_caller_may_see(open_group, chair, member, hidden_and_pending):
    from convene.people import services as people_services

    _token, key = people_services.api_token_create(person=chair, name="script")
    headers = {"Authorization": f"Bearer {key}"}
    url = f"/api/v1/groups/{open_group.slug}/invitations"
    client = client_for(None)
    answers = []
    for person_id in (*(p.pk for p in hidden_and_pending), 987_654):
        response = client.post(
            url, {"person_id": person_id}, content_type="application/json", headers=headers
        )
        answers.append((response.status_code, response.content))
    assert answers == [answers[-1]] * 3  # hidden, pending and nobody: one answer
    status, body = answers[-1]
    assert status == 422
    assert [item["msg"] for item in json.loads(body)["detail"]] == ["No such person."]
    assert not GroupMembership.objects.filter(group=open_group, person__in=hidden_and_pending).exists()
    response = client.post(url, {"person_id": member.pk}, content_type="application/json", headers=headers)
    assert response.status_code == 201, response.content
