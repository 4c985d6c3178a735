"""The profile page, membership approval, organisations named by members, and API token pages."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.formats import date_format

from conftest import client_for, make_person
from convene.people import services
from convene.people.models import (
    ApiToken,
    EmailVisibility,
    MembershipStatus,
    Organisation,
    Profile,
    ProfileVisibility,
)

PASSWORD = "correct horse battery staple"  # conftest.make_person's


def profile_form(**changes) -> dict:
    data = {
        "name": "Nia Newcomer",
        "country": "KE",
        "sector": "ngo",
        "job_title": "Nurse",
        "bio": "",
        "profile_visibility": "members",
        "email_visibility": "nobody",
        "time_zone": "Africa/Nairobi",
        "language": "en",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def profile_of(person) -> Profile:
    return Profile.objects.select_related("organisation").get(person=person)


# --- Editing a profile and becoming a member -----------------------------------------------------


def test_complete_profile_makes_an_active_member(outsider, settings):
    settings.CONVENE_MEMBERSHIP_APPROVAL = False
    assert profile_of(outsider).membership_status == MembershipStatus.NONE
    response = client_for(outsider).post(reverse("people:profile_edit"), profile_form(), follow=True)
    assert response.redirect_chain == [(reverse("people:profile_edit"), 302)]
    assert "Welcome to the network" in response.content.decode()
    profile = profile_of(outsider)
    assert (profile.name, profile.country.code, profile.sector, profile.membership_status) == (
        "Nia Newcomer",
        "KE",
        "ngo",
        MembershipStatus.ACTIVE,
    )
    assert profile.joined_on is not None
    outsider.refresh_from_db()
    assert outsider.time_zone == "Africa/Nairobi"


def test_complete_profile_waits_for_approval_when_the_network_approves(outsider, settings):
    settings.CONVENE_MEMBERSHIP_APPROVAL = True
    response = client_for(outsider).post(reverse("people:profile_edit"), profile_form(), follow=True)
    assert "The secretariat will approve your membership" in response.content.decode()
    profile = profile_of(outsider)
    assert profile.membership_status == MembershipStatus.PENDING
    assert profile.joined_on is None


def test_incomplete_profile_is_refused_and_changes_nothing(outsider):
    response = client_for(outsider).post(reverse("people:profile_edit"), profile_form(country=None, bio="Hi"))
    assert response.status_code == 200
    assert "country" in response.context["form"].errors
    profile = profile_of(outsider)
    assert (profile.name, profile.bio, profile.membership_status) == ("", "", MembershipStatus.NONE)


def test_editing_again_keeps_the_membership(member):
    client_for(member).post(
        reverse("people:profile_edit"), profile_form(name="Amina M.", bio="Nurse in Lusaka")
    )
    profile = profile_of(member)
    assert (profile.name, profile.bio, profile.membership_status) == (
        "Amina M.",
        "Nurse in Lusaka",
        MembershipStatus.ACTIVE,
    )


def test_profile_edit_needs_a_login(db):
    response = Client().post(reverse("people:profile_edit"), profile_form())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Profile.objects.exists()


# --- Privacy choices -----------------------------------------------------------------------------


def directory_names(client) -> list[str]:
    return [p.name for p in client.get(reverse("people:directory")).context["page"].object_list]


def test_privacy_choices_decide_who_sees_the_profile(member, secretariat):
    other = make_person("other@example.org", name="Oli Other")
    other_client = client_for(other)
    anonymous, member_client = Client(), client_for(member)
    detail = reverse("people:profile_detail", args=[other.pk])

    other_client.post(
        reverse("people:profile_edit"), profile_form(name="Oli Other", profile_visibility="public")
    )
    assert "Oli Other" in directory_names(anonymous)
    assert anonymous.get(detail).status_code == 200

    other_client.post(
        reverse("people:profile_edit"), profile_form(name="Oli Other", profile_visibility="members")
    )
    assert "Oli Other" not in directory_names(anonymous)
    assert anonymous.get(detail).status_code == 404
    assert "Oli Other" in directory_names(member_client)

    other_client.post(
        reverse("people:profile_edit"), profile_form(name="Oli Other", profile_visibility="nobody")
    )
    assert "Oli Other" not in directory_names(member_client)
    assert member_client.get(detail).status_code == 404
    assert "Oli Other" in directory_names(client_for(secretariat))
    # The owner still sees their own profile.
    assert other_client.get(detail).status_code == 200


def test_email_choice_decides_who_sees_the_address(member, secretariat):
    other = make_person("other@example.org", name="Oli Other", email_visibility=EmailVisibility.NOBODY)
    detail = reverse("people:profile_detail", args=[other.pk])
    assert client_for(member).get(detail).context["show_email"] is False
    assert client_for(secretariat).get(detail).context["show_email"] is True
    assert client_for(other).get(detail).context["show_email"] is True
    client_for(other).post(
        reverse("people:profile_edit"), profile_form(name="Oli Other", email_visibility="members")
    )
    response = client_for(member).get(detail)
    assert response.context["show_email"] is True
    assert "other@example.org" in response.content.decode()


def test_pending_applicant_sees_own_profile_but_members_do_not(member, settings):
    settings.CONVENE_MEMBERSHIP_APPROVAL = True
    applicant = make_person(
        "apply@example.org", name="Al Applicant", profile_visibility=ProfileVisibility.PUBLIC
    )
    detail = reverse("people:profile_detail", args=[applicant.pk])
    assert client_for(applicant).get(detail).status_code == 200
    assert client_for(member).get(detail).status_code == 404
    assert Client().get(detail).status_code == 404


# --- Organisations named by members --------------------------------------------------------------


def test_new_organisation_named_by_members_is_created_once(member, committee_member):
    client_for(member).post(
        reverse("people:profile_edit"), profile_form(name="Amina Member", new_organisation="Health  Alliance")
    )
    client_for(committee_member).post(
        reverse("people:profile_edit"), profile_form(name="Sam Committee", new_organisation="HEALTH alliance")
    )
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Health Alliance"]
    organisation = Organisation.objects.get()
    assert profile_of(member).organisation == organisation
    assert profile_of(committee_member).organisation == organisation


def test_organisation_propose_is_case_insensitive(member):
    first = services.organisation_propose(name="Ministry of Health", acting=member)
    again = services.organisation_propose(name="  ministry OF health ", acting=member)
    assert first == again
    assert Organisation.objects.count() == 1


def test_search_text_follows_an_organisation_rename(member, secretariat):
    organisation = services.organisation_save(acting=secretariat, name="Health Alliance")
    services.profile_update(person=member, acting=member, organisation=organisation)
    assert "health alliance" in profile_of(member).search_text
    services.organisation_save(acting=secretariat, organisation=organisation, name="Global Cancer Alliance")
    search_text = profile_of(member).search_text
    assert "global cancer alliance" in search_text
    assert "health" not in search_text
    found = client_for(secretariat).get(reverse("people:directory"), {"q": "global cancer"})
    assert [p.name for p in found.context["page"].object_list] == ["Amina Member"]


def test_search_text_follows_a_rename_on_the_organisation_page(member, secretariat):
    organisation = services.organisation_save(acting=secretariat, name="Health Alliance")
    services.profile_update(person=member, acting=member, organisation=organisation)
    response = client_for(secretariat).post(
        reverse("people:organisation_edit", args=[organisation.pk]),
        {"name": "Global Cancer Alliance", "sector": "ngo", "country": "", "website": ""},
    )
    assert response.status_code == 302
    assert Organisation.objects.get().name == "Global Cancer Alliance"
    assert "global cancer alliance" in profile_of(member).search_text


def test_member_cannot_rename_an_organisation(member, secretariat):
    organisation = services.organisation_save(acting=secretariat, name="Health Alliance")
    response = client_for(member).post(
        reverse("people:organisation_edit", args=[organisation.pk]), {"name": "Mine now"}
    )
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.name == "Health Alliance"


# --- API token pages -----------------------------------------------------------------------------


def test_token_page_creates_a_token_shown_once(member):
    client = client_for(member)
    response = client.post(reverse("people:api_tokens"), {"name": "My script", "password": PASSWORD})
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key.startswith("cvn_")
    token = ApiToken.objects.get(person=member)
    assert (token.name, token.prefix, token.key_hash) == ("My script", key[:12], ApiToken.hash_key(key))
    # The key works, and the page never shows it again.
    assert Client(headers={"Authorization": f"Bearer {key}"}).get("/api/v1/members").status_code == 200
    assert key not in client.get(reverse("people:api_tokens")).content.decode()


def test_token_page_refuses_an_empty_name(member):
    response = client_for(member).post(reverse("people:api_tokens"), {"name": "", "password": PASSWORD})
    assert response.status_code == 200
    assert response.context["new_key"] is None
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("password", ["", "not my password"])
def test_token_page_asks_for_the_current_password(member, password):
    """A borrowed session (a computer left logged in) is not enough to make a lasting credential."""
    response = client_for(member).post(
        reverse("people:api_tokens"), {"name": "My script", "password": password}
    )
    assert response.status_code == 200
    assert response.context["new_key"] is None
    assert "password" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_token_page_refuses_an_account_without_a_password(member):
    member.set_unusable_password()
    member.save(update_fields=["password"])
    response = client_for(member).post(reverse("people:api_tokens"), {"name": "My script", "password": ""})
    assert response.context["new_key"] is None
    response = client_for(member).post(reverse("people:api_tokens"), {"name": "x", "password": "anything"})
    assert response.context["form"].errors["password"] == [
        "Set a password for your account first: no token was made."
    ]
    assert not ApiToken.objects.exists()


def test_revoking_a_token_stops_it(member):
    token, key = services.api_token_create(person=member, name="script")
    client = client_for(member)
    response = client.post(reverse("people:api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client(headers={"Authorization": f"Bearer {key}"}).get("/api/v1/members").status_code == 401
    assert token not in client.get(reverse("people:api_tokens")).context["tokens"]


def test_nobody_revokes_another_persons_token(member, secretariat):
    token, key = services.api_token_create(person=secretariat, name="script")
    response = client_for(member).post(reverse("people:api_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert Client(headers={"Authorization": f"Bearer {key}"}).get("/api/v1/members").status_code == 200


def test_token_page_lists_only_ones_own_tokens(member, secretariat):
    mine, _key = services.api_token_create(person=member, name="mine")
    services.api_token_create(person=secretariat, name="theirs")
    assert list(client_for(member).get(reverse("people:api_tokens")).context["tokens"]) == [mine]


# --- Approving and declining applicants ----------------------------------------------------------


@pytest.fixture
def applicant(db, settings):
    settings.CONVENE_MEMBERSHIP_APPROVAL = True
    person = make_person("apply@example.org", name="Al Applicant", country="PE")
    # People made after the applicant (the secretariat, a member) join at once, as in conftest.
    settings.CONVENE_MEMBERSHIP_APPROVAL = False
    assert profile_of(person).membership_status == MembershipStatus.PENDING
    return person


def test_pending_page_lists_applicants_for_the_secretariat(applicant, secretariat):
    response = client_for(secretariat).get(reverse("people:pending_members"))
    assert [p.person for p in response.context["pending"]] == [applicant]
    assert "apply@example.org" in response.content.decode()


def test_secretariat_approves_an_applicant(applicant, secretariat, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(secretariat).post(
            reverse("people:membership_decide", args=[applicant.pk]), {"decision": "approve"}
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:pending_members")
    profile = profile_of(applicant)
    assert profile.membership_status == MembershipStatus.ACTIVE
    assert profile.joined_on is not None
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["apply@example.org"], "Welcome to Convene demo network")
    ]
    assert "has approved your membership" in mail.outbox[0].body


def test_secretariat_declines_an_applicant(applicant, secretariat, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(secretariat).post(
            reverse("people:membership_decide", args=[applicant.pk]), {"decision": "decline"}
        )
    assert profile_of(applicant).membership_status == MembershipStatus.DECLINED
    assert [m.to for m in mail.outbox] == [["apply@example.org"]]
    assert "has not approved your membership" in mail.outbox[0].body


def test_unknown_decision_changes_nothing(applicant, secretariat, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(secretariat).post(
            reverse("people:membership_decide", args=[applicant.pk]), {"decision": "maybe"}
        )
    assert profile_of(applicant).membership_status == MembershipStatus.PENDING
    assert mail.outbox == []


@pytest.mark.parametrize("decision", ["approve", "decline"])
@pytest.mark.parametrize("role", ["member", "committee_member", "outsider"])
def test_only_the_secretariat_decides(applicant, role, decision, request, django_capture_on_commit_callbacks):
    client = client_for(request.getfixturevalue(role))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people:membership_decide", args=[applicant.pk]), {"decision": decision}
        )
    assert response.status_code == 403
    profile = profile_of(applicant)
    assert (profile.membership_status, profile.joined_on) == (MembershipStatus.PENDING, None)
    assert mail.outbox == []
    assert client.get(reverse("people:pending_members")).status_code == 403


def test_deciding_twice_sends_one_email(applicant, secretariat, django_capture_on_commit_callbacks):
    client = client_for(secretariat)
    url = reverse("people:membership_decide", args=[applicant.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "approve"})
        client.post(url, {"decision": "approve"})
        client.post(url, {"decision": "decline"})  # an active member is not declined after the fact
    assert profile_of(applicant).membership_status == MembershipStatus.ACTIVE
    assert len(mail.outbox) == 1


def test_pending_page_shows_sign_up_date_bio_and_profile_link(applicant, secretariat):
    services.profile_update(
        person=applicant, acting=applicant, bio="Social worker in Lima, ten years in family care."
    )
    html = client_for(secretariat).get(reverse("people:pending_members")).content.decode()

    profile_url = reverse("people:profile_detail", args=[applicant.pk])
    assert f'<a href="{profile_url}">Al Applicant</a>' in html
    assert "Social worker in Lima, ten years in family care." in html
    assert f"<td>{date_format(applicant.date_joined, 'DATE_FORMAT')}</td>" in html
    assert 'form="bulk-approve"' in html
    # The link leads somewhere for the secretariat.
    assert client_for(secretariat).get(profile_url).status_code == 200


def test_secretariat_approves_several_applicants_in_one_post(
    applicant, secretariat, settings, django_capture_on_commit_callbacks
):
    settings.CONVENE_MEMBERSHIP_APPROVAL = True
    second = make_person("apply.two@example.org", name="Bea Applicant", country="PE")
    third = make_person("apply.three@example.org", name="Cy Applicant", country="PE")
    settings.CONVENE_MEMBERSHIP_APPROVAL = False

    client = client_for(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people:pending_members_approve"), {"person": [str(applicant.pk), str(second.pk)]}
        )

    assert response["Location"] == reverse("people:pending_members")
    statuses = {
        p.person_id: p.membership_status
        for p in Profile.objects.filter(person__in=[applicant, second, third])
    }
    assert statuses == {
        applicant.pk: MembershipStatus.ACTIVE,
        second.pk: MembershipStatus.ACTIVE,
        third.pk: MembershipStatus.PENDING,
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["apply.two@example.org", "apply@example.org"]
    page = client.get(response["Location"]).content.decode()
    assert "2 people are now members." in page


def test_bulk_approval_with_nobody_ticked_says_so_and_changes_nothing(applicant, secretariat):
    client = client_for(secretariat)
    response = client.post(reverse("people:pending_members_approve"), {"person": ["x", ""]})

    assert "Choose at least one person to approve." in client.get(response["Location"]).content.decode()
    assert profile_of(applicant).membership_status == MembershipStatus.PENDING


def test_bulk_approval_is_for_the_secretariat_only(applicant, member):
    response = client_for(member).post(
        reverse("people:pending_members_approve"), {"person": [str(applicant.pk)]}
    )

    assert response.status_code == 403
    assert profile_of(applicant).membership_status == MembershipStatus.PENDING


def test_bulk_approval_leaves_someone_declined_meanwhile_as_they_are(applicant, secretariat):
    services.membership_decline(person=applicant, acting=secretariat)

    approved = services.memberships_approve(person_ids=[applicant.pk], acting=secretariat)

    assert approved == []
    assert profile_of(applicant).membership_status == MembershipStatus.DECLINED
