"""Terms on the network's bodies: who may record them, what is refused, and how dates grant roles."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import client_for, make_person
from convene.core.rules import is_secretariat, is_steering_committee
from convene.governance import services
from convene.governance.models import Body, Term
from convene.people.models import Person

JAN_1 = datetime.date(2024, 1, 1)


def terms() -> list[tuple]:
    return list(Term.objects.order_by("pk").values_list("person__email", "body", "starts_on", "ends_on"))


def fresh(person: Person) -> Person:
    """The person as a new request would load them: roles are cached per instance."""
    return Person.objects.get(pk=person.pk)


# --- term_assign ---------------------------------------------------------------------------------


def test_secretariat_assigns_a_term(secretariat, member):
    term = services.term_assign(
        person=member,
        body=Body.STEERING_COMMITTEE,
        starts_on=JAN_1,
        ends_on=datetime.date(2025, 12, 31),
        title="Co-chair",
        acting=secretariat,
    )
    assert (term.person, term.body, term.starts_on, term.ends_on, term.title) == (
        member,
        "steering_committee",
        JAN_1,
        datetime.date(2025, 12, 31),
        "Co-chair",
    )


@pytest.mark.parametrize("acting", ["member", "committee_member", "outsider"])
def test_only_the_secretariat_assigns_terms(acting, member, request, secretariat):
    acting = request.getfixturevalue(acting)
    before = terms()
    with pytest.raises(PermissionDenied):
        services.term_assign(person=member, body=Body.SECRETARIAT, starts_on=JAN_1, acting=acting)
    assert terms() == before
    assert not is_secretariat(fresh(member))


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [
        pytest.param(JAN_1, None, id="open-ended over an open-ended term"),
        pytest.param(
            datetime.date(2019, 6, 1), datetime.date(2020, 1, 1), id="ends on the day the other starts"
        ),
        pytest.param(datetime.date(2030, 1, 1), None, id="starts in the future"),
        pytest.param(datetime.date(2010, 1, 1), datetime.date(2030, 1, 1), id="covers the other"),
    ],
)
def test_overlapping_term_on_the_same_body_is_refused(committee_member, secretariat, starts_on, ends_on):
    # committee_member holds an open-ended steering committee seat from 2020-01-01 (conftest.give_term).
    before = terms()
    with pytest.raises(ValidationError, match="already holds this role"):
        services.term_assign(
            person=committee_member,
            body=Body.STEERING_COMMITTEE,
            starts_on=starts_on,
            ends_on=ends_on,
            acting=secretariat,
        )
    assert terms() == before


def test_adjacent_terms_and_other_bodies_are_fine(member, secretariat):
    services.term_assign(
        person=member,
        body=Body.AMBASSADOR,
        starts_on=JAN_1,
        ends_on=datetime.date(2024, 12, 31),
        acting=secretariat,
    )
    services.term_assign(
        person=member, body=Body.AMBASSADOR, starts_on=datetime.date(2025, 1, 1), acting=secretariat
    )
    services.term_assign(person=member, body=Body.STEERING_COMMITTEE, starts_on=JAN_1, acting=secretariat)
    assert Term.objects.filter(person=member).count() == 3


def test_term_that_ends_before_it_starts_is_refused(member, secretariat):
    before = terms()
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        services.term_assign(
            person=member,
            body=Body.AMBASSADOR,
            starts_on=JAN_1,
            ends_on=datetime.date(2023, 12, 31),
            acting=secretariat,
        )
    assert terms() == before


def test_unknown_body_is_refused(member, secretariat):
    before = terms()
    with pytest.raises(ValidationError, match="Unknown role"):
        services.term_assign(person=member, body="king", starts_on=JAN_1, acting=secretariat)
    assert terms() == before


# --- term_end ----------------------------------------------------------------------------------


def test_secretariat_ends_a_term_today(committee_member, secretariat):
    term = Term.objects.get(person=committee_member, body=Body.STEERING_COMMITTEE)
    services.term_end(term=term, acting=secretariat)
    term.refresh_from_db()
    assert term.ends_on == timezone.localdate()


@pytest.mark.parametrize("acting", ["member", "committee_member"])
def test_only_the_secretariat_ends_terms(acting, committee_member, request, secretariat):
    acting = request.getfixturevalue(acting)
    term = Term.objects.get(person=committee_member, body=Body.STEERING_COMMITTEE)
    before = terms()
    with pytest.raises(PermissionDenied):
        services.term_end(term=term, acting=acting)
    assert terms() == before


def test_term_cannot_end_before_it_starts(member, secretariat):
    term = services.term_assign(
        person=member, body=Body.AMBASSADOR, starts_on=datetime.date(2030, 1, 1), acting=secretariat
    )
    before = terms()
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        services.term_end(term=term, acting=secretariat)
    assert terms() == before


def test_ended_term_is_not_lengthened_by_ending_it_again(member, secretariat):
    """Ending a past term "today" would hand the role back for the years in between."""
    term = services.term_assign(
        person=member,
        body=Body.SECRETARIAT,
        starts_on=JAN_1,
        ends_on=datetime.date(2024, 6, 30),
        acting=secretariat,
    )
    before = terms()
    with pytest.raises(ValidationError, match="already ended"):
        services.term_end(term=term, acting=secretariat)
    assert terms() == before
    assert not is_secretariat(fresh(member))


# --- Roles follow the dates --------------------------------------------------------------------


def test_roles_follow_term_dates(member, secretariat):
    today = timezone.localdate()
    assert not is_secretariat(fresh(member))
    services.term_assign(person=member, body=Body.SECRETARIAT, starts_on=today, acting=secretariat)
    assert is_secretariat(fresh(member))
    assert not is_steering_committee(fresh(member))
    services.term_assign(
        person=member,
        body=Body.STEERING_COMMITTEE,
        starts_on=today + datetime.timedelta(days=1),
        acting=secretariat,
    )
    assert not is_steering_committee(fresh(member)), "a term that starts tomorrow grants nothing today"


def test_ended_term_no_longer_grants_the_role(committee_member, secretariat):
    term = Term.objects.get(person=committee_member, body=Body.STEERING_COMMITTEE)
    assert is_steering_committee(fresh(committee_member))
    services.term_end(term=term, acting=secretariat)
    assert is_steering_committee(fresh(committee_member)), "the last day of a term still counts"
    Term.objects.filter(pk=term.pk).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    assert not is_steering_committee(fresh(committee_member))


def test_ended_secretariat_term_closes_the_secretariat_pages(secretariat):
    client = client_for(secretariat)
    assert client.get(reverse("people:pending_members")).status_code == 200
    Term.objects.filter(person=secretariat).update(
        starts_on=datetime.date(2020, 1, 1), ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert client.get(reverse("people:pending_members")).status_code == 403


def test_superuser_is_secretariat_without_a_term(db):
    admin = make_person("root@example.org")
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    assert is_secretariat(fresh(admin))
    assert not is_steering_committee(fresh(admin))


def test_deactivated_account_loses_its_roles(secretariat):
    secretariat.is_active = False
    secretariat.save(update_fields=["is_active"])
    assert not is_secretariat(fresh(secretariat))


# --- The roles page ----------------------------------------------------------------------------


@pytest.fixture
def seats(secretariat, committee_member):
    chair = make_person("chair@example.org", name="Chris Chair")
    services.term_assign(
        person=chair, body=Body.STEERING_COMMITTEE, starts_on=JAN_1, title="Chair", acting=secretariat
    )
    former = make_person("former@example.org", name="Fran Former")
    services.term_assign(
        person=former,
        body=Body.AMBASSADOR,
        starts_on=datetime.date(2021, 1, 1),
        ends_on=datetime.date(2022, 12, 31),
        cohort="2021",
        acting=secretariat,
    )
    return chair, former


def test_roles_page_for_a_member(seats, member):
    response = client_for(member).get(reverse("governance:roles"))
    assert response.status_code == 200
    current = [(t.get_body_display(), t.person.profile.name, t.title) for t in response.context["terms"]]
    assert current == [
        ("Secretariat", "Sara Secretariat", ""),
        ("Steering committee", "Chris Chair", "Chair"),
        ("Steering committee", "Sam Committee", ""),
    ]
    html = response.content.decode()
    assert "Chris Chair" in html
    assert "Fran Former" not in html  # past terms are the secretariat's business
    assert reverse("governance:term_create") not in html
    assert "End today" not in html
    assert response.context["can_manage"] is False


def test_roles_page_for_the_secretariat(seats, secretariat):
    chair, former = seats
    response = client_for(secretariat).get(reverse("governance:roles"))
    assert response.status_code == 200
    assert response.context["can_manage"] is True
    assert [t.person for t in response.context["past_terms"]] == [former]
    html = response.content.decode()
    assert reverse("governance:term_create") in html
    chair_term = Term.objects.get(person=chair)
    assert reverse("governance:term_end", args=[chair_term.pk]) in html
    assert "Fran Former" in html


def test_term_form_records_a_role(secretariat, member):
    response = client_for(secretariat).post(
        reverse("governance:term_create"),
        {
            "email": "AMINA.member@example.org",
            "body": "ambassador",
            "starts_on": "2024-01-01",
            "cohort": "2024",
        },
    )
    assert response.status_code == 302
    assert Term.objects.filter(person=member, body=Body.AMBASSADOR, cohort="2024").count() == 1


def test_term_form_shows_a_refusal_and_saves_nothing(secretariat, committee_member):
    before = terms()
    response = client_for(secretariat).post(
        reverse("governance:term_create"),
        {"email": committee_member.email, "body": "steering_committee", "starts_on": "2024-01-01"},
    )
    assert response.status_code == 200
    assert "already holds this role" in response.content.decode()
    assert terms() == before


def test_term_form_refuses_an_unknown_email(secretariat):
    before = terms()
    response = client_for(secretariat).post(
        reverse("governance:term_create"),
        {"email": "nobody@example.org", "body": "ambassador", "starts_on": "2024-01-01"},
    )
    assert response.status_code == 200
    assert "Nobody with this e-mail address" in response.content.decode()
    assert terms() == before
