"""The meetings API: schedule (single, series, joint), answer, move, cancel, minutes, decisions,
action items, publishing and time polls, through the same services and rules as the pages."""

import datetime
import json

import pytest
from django.test import Client

from convene.meetings.models import ActionItem, Invitation, Meeting, Series
from convene.people import services as people_services

UTC = datetime.UTC


def api(person) -> Client:
    if person is None:
        return Client()
    _token, key = people_services.api_token_create(person=person, name="test")
    return Client(headers={"Authorization": f"Bearer {key}"})


def post(client, path, body=None, method="post"):
    return getattr(client, method)(f"/api/v1/{path}", json.dumps(body or {}), content_type="application/json")


MEETING = {
    "title": "Monthly",
    "starts": "2030-01-08T15:00",
    "ends": "2030-01-08T16:00",
    "zone_name": "Europe/Copenhagen",
    "video_url": "https://meet.example/m",
}


def test_a_cochair_schedules_a_series_and_a_member_answers(group, chair, group_member):
    body = {**MEETING, "recurrence": {"frequency": "monthly", "weekday": 1, "position": 2, "count": 3}}
    created = post(api(chair), f"groups/{group.slug}/meetings", body)

    assert created.status_code == 201, created.content
    first = created.json()
    assert first["starts"] == "2030-01-08T14:00:00Z"
    assert first["zone_name"] == "Europe/Copenhagen"
    assert Series.objects.get().meetings.count() == 3
    member = api(group_member)
    assert post(member, f"meetings/{first['id']}/answer", {"answer": "yes"}).status_code == 200
    assert Invitation.objects.get(meeting_id=first["id"], person=group_member).answer == "yes"
    listed = member.get(f"/api/v1/groups/{group.slug}/meetings")
    assert [m["starts"][:10] for m in listed.json()["items"]] == ["2030-01-08", "2030-02-12", "2030-03-12"]


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"starts": "2030-01-08 15:00"}, 422),
        ({"starts": 1700000000}, 422),
        ({"zone_name": "Europe/Atlantis"}, 422),
        ({"ends": "2030-01-08T14:00"}, 422),
        ({"recurrence": {"frequency": "monthly", "weekday": 1}}, 422),
        ({"recurrence": {"frequency": "daily"}}, 422),
    ],
)
def test_bad_times_are_refused_with_a_message_and_nothing_is_made(group, chair, change, status):
    response = post(api(chair), f"groups/{group.slug}/meetings", {**MEETING, **change})
    assert response.status_code == status, response.content
    assert response.json()["detail"][0]["msg"]
    assert not Meeting.objects.exists()


def test_a_stranger_may_not_schedule_and_a_visitor_sees_no_video_link(group, chair, other_chair):
    assert post(api(other_chair), f"groups/{group.slug}/meetings", MEETING).status_code == 403
    meeting = post(api(chair), f"groups/{group.slug}/meetings", MEETING).json()
    public = Client().get(f"/api/v1/meetings/{meeting['id']}")
    assert public.status_code == 401  # the API asks who is calling
    assert api(other_chair).get(f"/api/v1/meetings/{meeting['id']}").json()["video_url"] is None


def test_minutes_with_a_stale_revision_are_a_conflict_and_publishing_locks_them(
    group, chair, chair_two, group_member
):
    meeting = post(api(chair), f"groups/{group.slug}/meetings", MEETING).json()
    one, two = api(chair), api(chair_two)
    saved = post(one, f"meetings/{meeting['id']}/minutes", {"body": "We met.", "revision": 1}, method="put")
    assert saved.status_code == 200, saved.content
    clash = post(
        two, f"meetings/{meeting['id']}/minutes", {"body": "Other text.", "revision": 1}, method="put"
    )
    assert clash.status_code == 409
    assert clash.json()["revision"] == 2
    decision = post(one, f"meetings/{meeting['id']}/decisions", {"title": "Adopt the outline"})
    assert decision.status_code == 201
    item = post(
        one, f"meetings/{meeting['id']}/action-items", {"what": "Circulate", "assignee_id": group_member.pk}
    )
    assert item.status_code == 201
    attendance = post(
        one, f"meetings/{meeting['id']}/attendance", {"presence": {str(group_member.pk): "present"}}
    )
    assert attendance.status_code == 204
    assert post(api(group_member), f"meetings/{meeting['id']}/publish").status_code == 403
    published = post(one, f"meetings/{meeting['id']}/publish")
    assert published.json()["status"] == "published"
    assert post(one, f"meetings/{meeting['id']}/minutes", {"body": "x"}, method="put").status_code == 409
    assert ActionItem.objects.get().what == "Circulate"


def test_a_time_poll_through_the_api(group, chair, group_member):
    created = post(
        api(chair),
        f"groups/{group.slug}/polls",
        {
            "title": "Kick-off",
            "zone_name": "UTC",
            "slots": ["2030-02-05T09:00", "2030-02-06T09:00", "2030-02-07T09:00"],
        },
    )
    assert created.status_code == 201, created.content
    poll = created.json()
    first = poll["slots"][0]["id"]
    answered = post(api(group_member), f"polls/{poll['id']}/answers", {"answers": {str(first): "yes"}})
    assert answered.json()["slots"][0]["yes"] == 1
    assert post(api(group_member), f"polls/{poll['id']}/choose", {"slot_id": first}).status_code == 403
    chosen = post(
        api(chair), f"polls/{poll['id']}/choose", {"slot_id": first, "video_url": "https://meet.example/k"}
    )
    assert chosen.status_code == 201
    assert chosen.json()["starts"] == "2030-02-05T09:00:00Z"
