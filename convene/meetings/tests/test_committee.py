"""The steering committee's own meetings: who schedules them, who is asked, their page, and minutes
whose decisions are the committee's and whose action items belong to no group."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import client_for, give_term, make_person
from convene.governance.models import Body, Term
from convene.meetings import agenda_services, minutes_services, services
from convene.meetings.models import ActionItem, Invitation, Meeting

UTC = datetime.UTC


def wall(*args) -> datetime.datetime:
    return datetime.datetime(*args)  # noqa: DTZ001 (a wall-clock time; its zone is passed beside it)


@pytest.fixture
def committee_chair(db):
    person = make_person("sc.chair@example.org", name="Cecilia Chair", country="DK")
    Term.objects.create(
        person=person, body=Body.STEERING_COMMITTEE, title="Chair", starts_on=datetime.date(2020, 1, 1)
    )
    return person


@pytest.fixture
def former_member(db):
    person = make_person("sc.former@example.org", name="Frank Former", country="PH")
    give_term(
        person,
        "steering_committee",
        starts_on=datetime.date(2015, 1, 1),
        ends_on=datetime.date(2018, 12, 31),
    )
    return person


def committee_meeting(acting, **changes):
    values = {
        "acting": acting,
        "title": "Steering committee",
        "starts": wall(2030, 3, 4, 14),
        "ends": wall(2030, 3, 4, 16),
        "zone_name": "Europe/Copenhagen",
        "for_committee": True,
        "video_url": "https://meet.example/sc",
    }
    return services.meeting_schedule(**values | changes)


def test_the_secretariat_schedules_and_every_current_committee_member_is_asked(
    secretariat, committee_member, committee_chair, former_member, member
):
    meeting = committee_meeting(secretariat)

    assert meeting.for_committee
    assert list(meeting.groups.all()) == []
    invited = set(Invitation.objects.filter(meeting=meeting).values_list("person_id", flat=True))
    assert invited == {committee_member.pk, committee_chair.pk}


def test_the_committees_chair_schedules_a_plain_committee_member_or_a_cochair_may_not(
    committee_chair, committee_member, chair, group
):
    assert committee_meeting(committee_chair).organiser == committee_chair
    for person in (committee_member, chair):
        with pytest.raises(PermissionDenied):
            committee_meeting(person, title="Not allowed")
    assert Meeting.objects.filter(title="Not allowed").count() == 0
    with pytest.raises(ValidationError):
        committee_meeting(committee_chair, groups=[group])


def test_the_committees_meetings_page_lists_coming_and_held_for_the_committee_only(
    secretariat, committee_member, member
):
    coming = committee_meeting(secretariat, title="Coming up soon")
    held = committee_meeting(
        secretariat, title="Held last year", starts=wall(2020, 3, 4, 14), ends=wall(2020, 3, 4, 16)
    )

    page = client_for(committee_member).get("/committee/meetings/")
    assert page.status_code == 200
    text = page.content.decode()
    assert coming.title in text
    assert held.title in text
    assert text.index(coming.title) < text.index(held.title)
    assert "/committee/meetings/new/" not in text  # a plain member of the committee schedules nothing
    assert "/committee/meetings/new/" in client_for(secretariat).get("/committee/meetings/").content.decode()
    assert client_for(member).get("/committee/meetings/").status_code == 403
    assert client_for(member).get(f"/meetings/{coming.pk}/").status_code == 404
    assert client_for(None).get("/committee/meetings/").status_code == 302


def test_scheduling_a_committee_meeting_on_its_page(secretariat, committee_member):
    response = client_for(secretariat).post(
        "/committee/meetings/new/",
        {
            "title": "Quarterly review",
            "day": "2030-05-06",
            "starts": "13:00",
            "ends": "15:00",
            "zone_name": "Africa/Lusaka",
            "form": "virtual",
            "video_url": "https://meet.example/q",
            "interval": "1",
            "monthly_by": "weekday",
        },
    )
    meeting = Meeting.objects.get(title="Quarterly review")
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{meeting.pk}/"
    assert meeting.for_committee
    assert meeting.starts == datetime.datetime(2030, 5, 6, 11, tzinfo=UTC)
    assert Invitation.objects.filter(meeting=meeting, person=committee_member).exists()
    assert client_for(committee_member).get("/committee/meetings/new/").status_code == 403


def test_the_committees_minutes_decide_as_the_committee_and_its_actions_return_on_the_next_agenda(
    secretariat, committee_member, django_capture_on_commit_callbacks, mailoutbox
):
    first = committee_meeting(secretariat, starts=wall(2030, 3, 4, 14), ends=wall(2030, 3, 4, 16))
    second = committee_meeting(secretariat, starts=wall(2030, 6, 3, 14), ends=wall(2030, 6, 3, 16))

    decision = minutes_services.meeting_decision_record(
        meeting=first, acting=secretariat, title="Adopt the reporting calendar"
    )
    item = minutes_services.action_item_add(
        meeting=first, acting=secretariat, what="Write to the co-chairs", assignee=committee_member
    )
    minutes_services.minutes_save(meeting=first, acting=secretariat, body="We met.", revision=None)
    with django_capture_on_commit_callbacks(execute=True):
        minutes_services.minutes_publish(meeting=first, acting=secretariat)

    assert decision.group is None  # the decision log shows it as the committee's
    item.refresh_from_db()
    assert item.group is None
    assert item.task is None
    assert [m.to for m in mailoutbox] == [[committee_member.email]]
    assert "Write to the co-chairs" in mailoutbox[0].body

    agenda = agenda_services.agenda_from_template(meeting=second, acting=secretariat)
    assert "Write to the co-chairs" in agenda[1].notes
    assert ActionItem.objects.filter(meeting=second).count() == 0


def test_a_committee_member_sees_the_committees_meeting_and_a_decision_in_the_log(
    secretariat, committee_member
):
    meeting = committee_meeting(secretariat)
    minutes_services.meeting_decision_record(meeting=meeting, acting=secretariat, title="Open the call")
    page = client_for(committee_member).get(f"/meetings/{meeting.pk}/")
    assert page.status_code == 200
    assert "/committee/meetings/" in page.content.decode()
    assert "https://meet.example/sc" in page.content.decode()


def test_the_committees_meetings_page_costs_the_same_queries_with_5_and_50_meetings(
    secretariat, committee_member
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def make(n):
        for day in range(1, n + 1):
            committee_meeting(
                secretariat,
                title=f"Meeting {day}",
                starts=wall(2030, 3, 1, 9) + datetime.timedelta(days=day),
                ends=wall(2030, 3, 1, 10) + datetime.timedelta(days=day),
            )

    client = client_for(committee_member)
    make(5)
    client.get("/committee/meetings/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/committee/meetings/").status_code == 200
    Meeting.objects.all().delete()
    make(50)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/committee/meetings/")
    assert len(re.findall(r'href="/meetings/\d+/"', page.content.decode())) == 50
    assert len(few) == len(many)
