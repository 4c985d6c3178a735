import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import client_for
from convene.datacall import queries, services
from convene.datacall.models import CountryRecord, Submission


def test_two_members_answer_and_the_secretariat_reconciles(call, member, zambian, secretariat):
    first = services.submission_save(
        call=call, acting=member, values={"sw_government": "1,200", "regulated": "yes"}
    )
    second = services.submission_save(
        call=call, acting=zambian, values={"sw_government": "1150", "sources": "MCDSS"}
    )
    assert (str(first.country), first.values["sw_government"], first.values["regulated"]) == (
        "ZM",
        1200,
        True,
    )
    answers = queries.country_answers(call=call, country="ZM")
    row = next(r for r in answers.rows if r["key"] == "sw_government")
    assert row["differ"] is True
    record = services.country_reconcile(
        call=call,
        country="ZM",
        acting=secretariat,
        picks={"sw_government": second.pk, "sources": second.pk, "regulated": first.pk},
        values={"training_institutions": "4"},
        validate=["sw_government"],
        comment="Ministry's figure.",
    )
    assert record.values["sw_government"] == 1150
    assert record.values["training_institutions"] == 4
    assert record.locked == ["sw_government"]
    with pytest.raises(ValidationError):
        services.country_reconcile(
            call=call, country="ZM", acting=secretariat, picks={"sw_government": first.pk}
        )
    record.refresh_from_db()
    assert record.values["sw_government"] == 1150
    rows = queries.completeness(call=call)
    assert [(r.country, r.submissions, r.filled, r.validated) for r in rows] == [("ZM", 2, 4, 1)]


def test_answering_again_replaces_ones_own_answer(call, member):
    services.submission_save(call=call, acting=member, values={"sw_ngo": "10"})
    services.submission_save(call=call, acting=member, values={"sw_ngo": "12"})
    assert list(Submission.objects.values_list("values__sw_ngo", flat=True)) == [12]


def test_bad_values_and_strangers_are_refused(call, member, outsider):
    with pytest.raises(ValidationError):
        services.submission_save(call=call, acting=member, values={"sw_ngo": "many"})
    with pytest.raises(ValidationError):
        services.submission_save(call=call, acting=member, values={"unknown": "1"})
    with pytest.raises(PermissionDenied):
        services.submission_save(call=call, acting=outsider, values={"sw_ngo": "1"})
    with pytest.raises(PermissionDenied):
        services.submission_save(call=call, acting=member, values={"sw_ngo": "1"}, country="KE")
    assert Submission.objects.count() == 0


def test_the_secretariat_names_a_focal_point_on_the_page(call, secretariat, zambian):
    response = client_for(secretariat).post(
        f"/data-calls/{call.pk}/focal-points/", {"email": "MWILA@example.org", "country": "mw"}
    )
    assert response.status_code == 302
    assert [(p.person, str(p.country)) for p in call.focal_points.all()] == [(zambian, "MW")]
    assert "Malawi: Mwila Banda" in client_for(secretariat).get(f"/data-calls/{call.pk}/").content.decode()


def test_only_focal_points_when_the_call_says_so(secretariat, member, zambian):
    call = services.datacall_create(
        acting=secretariat,
        title="Focal",
        year=2018,
        deadline=datetime.date(2099, 1, 1),
        answerers="focal_points",
    )
    services.datacall_set_status(call=call, acting=secretariat, status="open")
    with pytest.raises(PermissionDenied):
        services.submission_save(call=call, acting=member, values={"sw_ngo": "1"})
    services.focal_point_name(call=call, acting=secretariat, person=zambian, country="MW")
    made = services.submission_save(call=call, acting=zambian, values={"sw_ngo": "1"})
    assert str(made.country) == "MW"


def test_a_member_may_not_reconcile(call, member):
    with pytest.raises(PermissionDenied):
        services.country_reconcile(call=call, country="ZM", acting=member, values={"sw_ngo": "1"})
    assert CountryRecord.objects.count() == 0


def test_pages_answer_reconcile_and_export(call, member, zambian, secretariat):
    page = client_for(member).get(f"/data-calls/{call.pk}/").content.decode()
    assert 'name="f_sw_government"' in page
    response = client_for(member).post(
        f"/data-calls/{call.pk}/answer/", {"f_sw_government": "1200", "country": "ZM"}
    )
    assert response.status_code == 302
    client_for(zambian).post(f"/data-calls/{call.pk}/answer/", {"f_sw_government": "1100"})
    first, second = Submission.objects.order_by("pk")
    secretary = client_for(secretariat)
    page = secretary.get(f"/data-calls/{call.pk}/").content.decode()
    assert "<svg" in page
    assert f"/data-calls/{call.pk}/countries/ZM/" in page
    assert "answers differ" in secretary.get(f"/data-calls/{call.pk}/countries/ZM/").content.decode()
    secretary.post(
        f"/data-calls/{call.pk}/countries/ZM/",
        {"pick_sw_government": str(second.pk), "validate": "sw_government", "comment": "ok"},
    )
    assert CountryRecord.objects.get().values["sw_government"] == 1100
    body = b"".join(secretary.get(f"/data-calls/{call.pk}/export.csv").streaming_content).decode("utf-8-sig")
    assert body.splitlines()[1].startswith("ZM,1100,")
    assert client_for(member).get(f"/data-calls/{call.pk}/export.csv").status_code == 403


@pytest.mark.parametrize("countries", [2, 12])
def test_the_call_page_has_a_pinned_number_of_queries(
    countries, call, secretariat, django_assert_num_queries
):
    from conftest import make_person

    codes = ["ZM", "KE", "UG", "TZ", "NG", "GH", "ZA", "IN", "NP", "PH", "ET", "MW"][:countries]
    Submission.objects.bulk_create(
        Submission(
            call=call,
            country=code,
            person=make_person(f"p{code}@example.org", country=code),
            values={"sw_ngo": 1},
        )
        for code in codes
    )
    client = client_for(secretariat)
    client.get(f"/data-calls/{call.pk}/")
    with django_assert_num_queries(11):
        assert client.get(f"/data-calls/{call.pk}/").status_code == 200


def test_the_demo_call_is_half_answered(db, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from convene.datacall.models import DataCall

    with django_capture_on_commit_callbacks():
        call_command("demo", "--members", "300", verbosity=0)
    call = DataCall.objects.get()
    assert call.status == "open"
    rows = queries.completeness(call=call)
    assert len(rows) >= 5
    assert sum(1 for r in rows if r.validated) == 3
    assert Submission.objects.filter(call=call).count() > len(rows) - 1


def test_reminders_go_once_to_the_countries_that_have_not_answered(
    call, member, zambian, mailoutbox, django_capture_on_commit_callbacks
):
    from conftest import make_person

    kenyan = make_person("wanjiru@example.org", country="KE")
    services.submission_save(call=call, acting=member, values={"sw_ngo": "1"})  # Zambia has answered
    early = call.deadline - datetime.timedelta(days=20)
    assert services.reminders_send(today=early) == 0
    mailoutbox.clear()
    day = call.deadline - datetime.timedelta(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        with_people = services.reminders_send(today=day)
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert kenyan.email in recipients
    assert zambian.email not in recipients
    assert member.email not in recipients
    assert with_people == len(recipients)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(today=day) == 0
    assert mailoutbox == []


@pytest.mark.parametrize("answers", [1, 4])
def test_the_country_page_has_a_pinned_number_of_queries(
    answers, call, secretariat, django_assert_num_queries
):
    from conftest import make_person

    for n in range(answers):
        person = make_person(f"zm{n}@example.org", country="ZM")
        services.submission_save(call=call, acting=person, values={"sw_ngo": str(n)})
    client = client_for(secretariat)
    client.get(f"/data-calls/{call.pk}/countries/ZM/")
    with django_assert_num_queries(7):
        assert client.get(f"/data-calls/{call.pk}/countries/ZM/").status_code == 200
