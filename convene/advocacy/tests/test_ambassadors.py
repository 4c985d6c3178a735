"""Ambassadors: cohorts, applications, selection (a decision and a governance term), the non-overlap
rule, quarterly reports and their one reminder, the public page, the year's figure, the API."""

import datetime
import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import client_for, give_term, make_person
from convene.advocacy import ambassador_queries as queries
from convene.advocacy import ambassador_services as services
from convene.advocacy import tasks
from convene.advocacy.models import (
    Ambassador,
    Application,
    ApplicationStatus,
    QuarterlyReport,
    ReportReminder,
)
from convene.core.errors import StateConflict
from convene.governance.models import Body, Decision, Term
from convene.people import services as people_services
from convene.people.models import Profile, ProfileVisibility

D = datetime.date


def today() -> datetime.date:
    return timezone.localdate()


def open_cohort(secretariat, **extra):
    return services.cohort_save(
        acting=secretariat,
        title=extra.pop("title", "Cohort 2027"),
        deadline=extra.pop("deadline", today() + datetime.timedelta(days=20)),
        term_starts=extra.pop("term_starts", today() + datetime.timedelta(days=40)),
        **extra,
    )


def select(secretariat, cohort, person, country="ZM", **dates):
    application = services.application_submit(
        cohort=cohort, acting=person, country=country, motivation="To serve."
    )
    return services.application_select(application=application, acting=secretariat, **dates)


def snapshot():
    return (
        sorted(Term.objects.values_list("pk", "starts_on", "ends_on")),
        Decision.objects.count(),
        sorted(Ambassador.objects.values_list("pk", "term_id")),
        sorted(Application.objects.values_list("pk", "status")),
    )


def test_applying_reviewing_and_selecting(secretariat, member):
    cohort = open_cohort(secretariat, term_starts=D(2030, 9, 1))
    first = services.application_submit(cohort=cohort, acting=member, country="ZM", motivation="First.")
    # One application per person and cohort: applying again changes it, until the deadline.
    again = services.application_submit(
        cohort=cohort, acting=member, country="ZM", motivation="Changed.", languages="en, bem"
    )
    assert again.pk == first.pk
    assert again.motivation == "Changed."
    services.application_review(application=again, acting=secretariat, score=5, notes="Strong.")
    with pytest.raises(ValidationError):
        services.application_review(application=again, acting=secretariat, score=9)

    ambassador = services.application_select(application=again, acting=secretariat)
    # The term: the cohort's start, two years; the decision is in the governance log.
    assert (ambassador.term.body, ambassador.term.starts_on, ambassador.term.ends_on) == (
        Body.AMBASSADOR,
        D(2030, 9, 1),
        D(2032, 8, 31),
    )
    decision = Decision.objects.get()
    assert decision.title_kind == "ambassador_selected"
    assert decision.localized_title == "Amina Member selected as an ambassador (Cohort 2027)"
    assert ambassador.decision == decision
    assert ambassador.country.code == "ZM"
    again.refresh_from_db()
    assert again.status == ApplicationStatus.SELECTED
    # A decided application is no longer changed, nor selected twice.
    with pytest.raises(StateConflict):
        services.application_submit(cohort=cohort, acting=member, country="ZM", motivation="Again.")
    with pytest.raises(StateConflict):
        services.application_select(application=again, acting=secretariat)


def test_a_closed_call_takes_no_application(secretariat, member):
    cohort = open_cohort(secretariat, is_open=False)
    with pytest.raises(StateConflict, match="closed"):
        services.application_submit(cohort=cohort, acting=member, country="ZM", motivation="Late.")
    with pytest.raises(ValidationError, match="close before"):
        open_cohort(secretariat, deadline=today() + datetime.timedelta(days=90))
    assert Application.objects.count() == 0


def test_a_term_never_overlaps_another_and_a_refusal_changes_nothing(secretariat, member):
    first = open_cohort(secretariat, title="2023", deadline=today(), term_starts=D(2035, 9, 1))
    ambassador = select(secretariat, first, member, starts_on=D(2023, 9, 1))
    # The next cohort starts before the first term ends: refused, with the term in the way named.
    second = open_cohort(
        secretariat, title="2025", deadline=today() + datetime.timedelta(days=1), term_starts=D(2035, 3, 1)
    )
    application = services.application_submit(cohort=second, acting=member, country="ZM", motivation="Again.")
    before = snapshot()
    with pytest.raises(StateConflict, match="already has an ambassador's term") as refused:
        services.application_select(application=application, acting=secretariat, starts_on=D(2025, 3, 1))
    assert "overlap" in str(refused.value)
    assert snapshot() == before
    # Given a start after the first term's end, it is taken: the next term follows the first.
    nxt = services.application_select(application=application, acting=secretariat, starts_on=D(2025, 9, 1))
    assert (nxt.term.starts_on, nxt.term.ends_on) == (D(2025, 9, 1), D(2027, 8, 31))
    # Moving a term onto the other is refused too, both ways; within its own span it is fine.
    before = snapshot()
    with pytest.raises(StateConflict):
        services.ambassador_term_change(
            ambassador=ambassador, acting=secretariat, starts_on=D(2023, 9, 1), ends_on=D(2025, 9, 1)
        )
    with pytest.raises(StateConflict):
        services.ambassador_term_change(
            ambassador=nxt, acting=secretariat, starts_on=D(2025, 8, 31), ends_on=D(2027, 8, 31)
        )
    with pytest.raises(ValidationError, match="before it starts"):
        services.ambassador_term_change(
            ambassador=nxt, acting=secretariat, starts_on=D(2027, 1, 1), ends_on=D(2026, 1, 1)
        )
    assert snapshot() == before
    services.ambassador_term_change(
        ambassador=ambassador, acting=secretariat, starts_on=D(2023, 9, 1), ends_on=D(2024, 12, 31)
    )
    # An open-ended ambassador's term typed in governance is in the way of anything after it.
    other = make_person("open.ended@example.org", country="KE")
    give_term(other, Body.AMBASSADOR, starts_on=D(2020, 1, 1))
    third = open_cohort(secretariat, title="2031", deadline=today(), term_starts=D(2031, 1, 1))
    application = services.application_submit(cohort=third, acting=other, country="KE", motivation="Me.")
    with pytest.raises(StateConflict):
        services.application_select(application=application, acting=secretariat)


def test_quarters_reports_and_the_plan(secretariat, member):
    cohort = open_cohort(secretariat, deadline=today(), term_starts=today())
    ambassador = select(secretariat, cohort, member, starts_on=D(2024, 1, 31), ends_on=D(2024, 12, 15))
    quarters = queries.term_quarters(ambassador.term)
    assert [(q.starts_on, q.ends_on) for q in quarters] == [
        (D(2024, 1, 31), D(2024, 4, 29)),
        (D(2024, 4, 30), D(2024, 7, 30)),
        (D(2024, 7, 31), D(2024, 10, 30)),
        (D(2024, 10, 31), D(2024, 12, 15)),
    ]
    report = services.report_save(ambassador=ambassador, acting=member, quarter=2, did="Met the minister.")
    services.report_save(ambassador=ambassador, acting=member, quarter=2, did="Met the minister twice.")
    assert QuarterlyReport.objects.get().did == "Met the minister twice."
    assert report.quarter == 2
    with pytest.raises(ValidationError, match="no such quarter"):
        services.report_save(ambassador=ambassador, acting=member, quarter=5, did="X")
    with pytest.raises(ValidationError):
        services.report_save(ambassador=ambassador, acting=member, quarter=1, did=" ")
    line = queries.ambassador_line(ambassador, today=D(2025, 1, 1))
    assert (line.received, line.missing, line.current) == (1, 3, False)
    # Only the ambassador reports; a term ended makes them alumni.
    with pytest.raises(Exception, match="report_as_ambassador"):
        services.report_save(ambassador=ambassador, acting=secretariat, quarter=1, did="X")
    assert queries.alumni() == [ambassador]
    plan = services.ambassador_plan_set(ambassador=ambassador, acting=member, title="Zambia plan")
    assert (plan.owner, plan.country.code, Ambassador.objects.get().plan) == (member, "ZM", plan)


def test_the_reminder_goes_once(secretariat, member, django_capture_on_commit_callbacks):
    cohort = open_cohort(secretariat, deadline=today(), term_starts=today())
    # The first quarter ended three days ago without a report; the second is months away.
    start = queries.add_months(today() - datetime.timedelta(days=3), -3) + datetime.timedelta(days=1)
    ambassador = select(secretariat, cohort, member, starts_on=start)
    assert queries.term_quarters(ambassador.term)[0].ends_on == today() - datetime.timedelta(days=3)
    mail.outbox.clear()
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.remind_quarterly_reports()
    assert len(mail.outbox) == 1
    assert list(ReportReminder.objects.values_list("ambassador_id", "quarter")) == [(ambassador.pk, 1)]
    assert mail.outbox[0].to == [member.email]
    assert "quarter 1" in mail.outbox[0].subject
    assert reverse("advocacy:report", args=[ambassador.pk, 1]) in mail.outbox[0].body
    # A report filed: nothing owed, however often it runs.
    services.report_save(ambassador=ambassador, acting=member, quarter=1, did="Done.")
    assert tasks.reminders_owed() == []


def test_the_year_figure_counts_hand_counted_terms(db):
    people = [make_person(f"amb{n}@example.org", country="KE") for n in range(6)]
    rows = [
        (people[0], D(2023, 9, 1), D(2025, 8, 31)),  # serving in 2025, not new
        (people[1], D(2025, 9, 1), D(2027, 8, 31)),  # new in 2025
        (people[0], D(2025, 9, 1), D(2027, 8, 31)),  # the same person again: counted once (new)
        (people[2], D(2020, 1, 1), D(2024, 12, 31)),  # ended before 2025
        (people[3], D(2026, 1, 1), None),  # begins after 2025
        (people[4], D(2025, 12, 31), None),  # new on the last day
    ]
    Term.objects.bulk_create(
        [Term(person=p, body=Body.AMBASSADOR, starts_on=s, ends_on=e) for p, s, e in rows]
        + [Term(person=people[5], body=Body.STEERING_COMMITTEE, starts_on=D(2025, 1, 1))]
    )
    assert queries.ambassadors_in_year(2025) == (3, 3)
    assert queries.ambassadors_in_year(2024) == (2, 0)
    from convene.comms.queries import year_figures

    figures = year_figures(2025)
    assert (figures.ambassadors, figures.new_ambassadors) == (3, 3)


@pytest.mark.parametrize("count", [1, 4])
def test_pages_and_pinned_query_counts(django_assert_num_queries, secretariat, member, count):
    cohort = open_cohort(secretariat, deadline=today(), term_starts=today())
    countries = ["ZM", "KE", "GH", "BR"]
    people = [make_person(f"a{n}@example.org", name=f"Amb {n}", country=countries[n]) for n in range(count)]
    Profile.objects.filter(person=people[0]).update(profile_visibility=ProfileVisibility.PUBLIC)
    for person, country in zip(people, countries, strict=False):
        ambassador = select(
            secretariat, cohort, person, country=country, starts_on=today() - datetime.timedelta(days=120)
        )
        services.report_save(ambassador=ambassador, acting=person, quarter=1, did="Done.")
    services.application_submit(
        cohort=open_cohort(secretariat), acting=member, country="ZM", motivation="Me."
    )

    anonymous = client_for(None)
    with django_assert_num_queries(2):
        page = anonymous.get(reverse("advocacy:public_ambassadors"))
    text = page.content.decode()
    # Names only of public profiles; the others are counted under their country.
    assert "Amb 0" in text
    assert "Zambia" in text
    if count > 1:
        assert "Amb 1" not in text
        assert "Kenya" in text

    client = client_for(secretariat)
    client.get(reverse("advocacy:cohort", args=[cohort.pk]))
    with django_assert_num_queries(9):
        page = client.get(reverse("advocacy:cohort", args=[cohort.pk]))
    assert page.status_code == 200
    # The secretariat sees every name, each ambassador's reports received and missing.
    assert all(f"Amb {n}" in page.content.decode() for n in range(count))
    assert "Reports missing" in page.content.decode()
    # Members see the cohort and its ambassadors, not the applications.
    member_page = client_for(member).get(reverse("advocacy:cohort", args=[cohort.pk])).content.decode()
    assert "Reports missing" not in member_page
    assert "Applicant" not in member_page
    assert client_for(people[0]).get(reverse("advocacy:ambassador", args=[ambassador.pk])).status_code == (
        200 if count == 1 else 404
    )


def test_the_flow_through_the_pages(secretariat, member):
    sec, mem = client_for(secretariat), client_for(member)
    response = sec.post(
        reverse("advocacy:cohort_new"),
        {
            "title": "Cohort 2028",
            "deadline": (today() + datetime.timedelta(days=10)).isoformat(),
            "term_starts": (today() + datetime.timedelta(days=30)).isoformat(),
            "term_years": "2",
            "is_open": "on",
        },
    )
    assert response.status_code == 302, response.content
    cohort = queries.cohort_list()[0]
    assert (
        mem.post(reverse("advocacy:apply", args=[cohort.pk]), {"country": "ZM", "motivation": ""}).status_code
        == 200
    )
    assert (
        mem.post(
            reverse("advocacy:apply", args=[cohort.pk]), {"country": "ZM", "motivation": "Me."}
        ).status_code
        == 302
    )
    application = Application.objects.get()
    assert sec.post(reverse("advocacy:select", args=[application.pk]), {}).status_code == 302
    ambassador = Ambassador.objects.get()
    page = mem.get(reverse("advocacy:ambassador", args=[ambassador.pk])).content.decode()
    assert "Quarterly reports" in page
    assert "Not begun" in page
    # The decision log shows the selection (a decision without a group).
    assert "selected as an ambassador" in sec.get(reverse("governance:decisions")).content.decode()


def api(person):
    from django.test import Client

    _token, key = people_services.api_token_create(person=person, name="script")
    return Client(headers={"Authorization": f"Bearer {key}"})


def post(client, path, body):
    return client.post(f"/api/v1/{path}", json.dumps(body), content_type="application/json")


def test_the_api(secretariat, member):
    sec, mem = api(secretariat), api(member)
    body = {
        "title": "API cohort",
        "deadline": (today() + datetime.timedelta(days=5)).isoformat(),
        "term_starts": (today() - datetime.timedelta(days=1)).isoformat(),
    }
    assert post(sec, "advocacy/cohorts", body).status_code == 422  # closes after the terms start
    body["term_starts"] = (today() + datetime.timedelta(days=10)).isoformat()
    cohort = post(sec, "advocacy/cohorts", body).json()
    assert cohort["accepting"]
    assert cohort["term_years"] == 2
    assert post(mem, "advocacy/cohorts", body).status_code == 403
    assert (
        post(
            mem, f"advocacy/cohorts/{cohort['id']}/applications", {"country": "XX", "motivation": "M"}
        ).status_code
        == 422
    )
    applied = post(mem, f"advocacy/cohorts/{cohort['id']}/applications", {"country": "ZM", "motivation": "M"})
    assert applied.status_code == 201
    listed = sec.get(f"/api/v1/advocacy/cohorts/{cohort['id']}/applications").json()
    assert [a["name"] for a in listed["items"]] == ["Amina Member"]
    term = post(sec, f"advocacy/applications/{applied.json()['id']}/select", {}).json()
    assert term["name"] == "Amina Member"
    assert term["current"] is False
    assert post(sec, f"advocacy/applications/{applied.json()['id']}/select", {}).status_code == 409
    assert [t["id"] for t in mem.get("/api/v1/advocacy/ambassador-terms").json()["items"]] == [term["id"]]
    # The first quarter has not begun: nothing filed.
    report = post(mem, f"advocacy/ambassadors/{term['id']}/reports", {"quarter": 1, "did": "Met."})
    assert report.status_code == 422
    assert mem.get(f"/api/v1/advocacy/ambassadors/{term['id']}/reports").json() == []


def test_erasure_takes_the_applications_and_the_ambassadorship(secretariat, member):
    from convene.core.privacy import erase

    cohort = open_cohort(secretariat, deadline=today(), term_starts=today())
    ambassador = select(secretariat, cohort, member, starts_on=today() - datetime.timedelta(days=100))
    services.report_save(ambassador=ambassador, acting=member, quarter=1, did="Done.")
    erase(person=member, acting=secretariat)
    assert (Application.objects.count(), Ambassador.objects.count(), QuarterlyReport.objects.count()) == (
        0,
        0,
        0,
    )
    # The cohort the secretariat opened and the decision stay.
    assert Decision.objects.count() == 1
    assert cohort.pk in [c.pk for c in queries.cohort_list()]
