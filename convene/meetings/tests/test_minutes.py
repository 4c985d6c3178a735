"""Minutes: attendance, text saved as typed and versioned, decisions into the decision log, action
items that become tasks of the plan on publishing, and minutes that lock once published."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import client_for
from convene.core.concurrency import EditConflict
from convene.core.errors import StateConflict
from convene.governance.models import Decision
from convene.meetings import minutes_services, services
from convene.meetings.models import ActionItem, Attendance, Minutes
from convene.plans import services as plan_services
from convene.plans.tests.factories import build_plan, launch_group, make_cochair


def wall(*args) -> datetime.datetime:
    return datetime.datetime(*args)  # noqa: DTZ001 (a wall-clock time; its zone is passed beside it)


@pytest.fixture
def meeting(group, chair, group_member):
    return services.meeting_schedule(
        acting=chair,
        title="Monthly meeting",
        starts=wall(2030, 1, 15, 23, 30),
        ends=wall(2030, 1, 16, 0, 30),
        zone_name="Asia/Manila",
        groups=[group],
        video_url="https://meet.example/m",
    )


def test_the_minute_taker_writes_saved_versions_and_a_stale_save_is_a_conflict(
    meeting, chair, chair_two, group_member
):
    with pytest.raises(PermissionDenied):
        minutes_services.minutes_save(meeting=meeting, acting=group_member, body="x", revision=None)
    minutes_services.minutes_name_taker(meeting=meeting, acting=chair, person=group_member)

    first = minutes_services.minutes_save(meeting=meeting, acting=group_member, body="Welcome.", revision=1)
    second = minutes_services.minutes_save(
        meeting=meeting, acting=group_member, body="Welcome. Updates.", revision=2
    )
    assert second.revision == 3
    with pytest.raises(EditConflict):
        minutes_services.minutes_save(
            meeting=meeting, acting=chair_two, body="Welcome. Other text.", revision=first.revision - 1
        )
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.body == "Welcome. Updates."
    assert [h.body for h in minutes.history.order_by("history_date")] == ["", "Welcome.", "Welcome. Updates."]


def test_attendance_is_for_the_people_asked_only(meeting, chair, group_member, outsider):
    with pytest.raises(ValidationError):
        minutes_services.attendance_record(meeting=meeting, acting=chair, presence={outsider.pk: "present"})
    with pytest.raises(ValidationError):
        minutes_services.attendance_record(meeting=meeting, acting=chair, presence={group_member.pk: "late"})
    assert not Attendance.objects.exists()
    minutes_services.attendance_record(
        meeting=meeting, acting=chair, presence={group_member.pk: "apologies", chair.pk: "present"}
    )
    minutes_services.attendance_record(meeting=meeting, acting=chair, presence={group_member.pk: "present"})
    assert dict(Attendance.objects.values_list("person_id", "presence")) == {
        group_member.pk: "present",
        chair.pk: "present",
    }


def test_a_decision_goes_into_the_log_as_the_groups_dated_in_the_meetings_zone(meeting, chair, group):
    decision = minutes_services.meeting_decision_record(
        meeting=meeting, acting=chair, title="Adopt the toolkit outline"
    )
    assert decision.group == group
    # 23:30 on 15 January in Manila is 15:30 UTC: the decision is of the 15th, where the meeting was.
    assert decision.decided_on == datetime.date(2030, 1, 15)
    assert Decision.objects.filter(meeting_link__meeting=meeting).count() == 1
    with pytest.raises(ValidationError):
        minutes_services.meeting_decision_record(meeting=meeting, acting=chair, title="   ")


@pytest.fixture
def planned(committee_member, secretariat):
    """A group with an approved work plan, its co-chair, and a member of it."""
    cochair = make_cochair()
    group = launch_group(committee=committee_member, cochair=cochair, name="Planned Group")
    world = build_plan(group=group, cochair=cochair, secretariat=secretariat)
    plan_services.plan_submit(plan=world.plan, acting=cochair)
    plan_services.plan_review(plan=world.plan, acting=committee_member, approve=True)
    return world


def test_publishing_locks_the_minutes_and_action_items_become_plan_tasks(planned):
    meeting = services.meeting_schedule(
        acting=planned.cochair,
        title="Q1 meeting",
        starts=wall(2030, 1, 15, 10),
        ends=wall(2030, 1, 15, 11),
        zone_name="UTC",
        groups=[planned.group],
        video_url="https://meet.example/q1",
    )
    chosen = minutes_services.action_item_add(
        meeting=meeting,
        acting=planned.cochair,
        what="Send the toolkit draft to reviewers",
        assignee=planned.cochair,
        due_on=datetime.date(2030, 2, 1),
        deliverable=planned.deliverable,
    )
    loose = minutes_services.action_item_add(meeting=meeting, acting=planned.cochair, what="Book the room")
    with pytest.raises(ValidationError):
        minutes_services.minutes_publish(meeting=meeting, acting=planned.cochair)  # nothing written yet
    minutes_services.minutes_save(meeting=meeting, acting=planned.cochair, body="We met.", revision=None)

    minutes = minutes_services.minutes_publish(meeting=meeting, acting=planned.cochair)

    assert minutes.is_published
    chosen, loose = ActionItem.objects.get(pk=chosen.pk), ActionItem.objects.get(pk=loose.pk)
    assert chosen.task.deliverable == planned.deliverable
    assert (chosen.task.title, chosen.task.assignee, chosen.task.due_on) == (
        "Send the toolkit draft to reviewers",
        planned.cochair,
        datetime.date(2030, 2, 1),
    )
    assert loose.task.deliverable.title == "Follow-up of meetings"
    assert loose.task.deliverable.plan == planned.plan
    for change in (
        lambda: minutes_services.minutes_save(
            meeting=meeting, acting=planned.cochair, body="Changed.", revision=None
        ),
        lambda: minutes_services.action_item_add(meeting=meeting, acting=planned.cochair, what="Late"),
        lambda: minutes_services.minutes_publish(meeting=meeting, acting=planned.cochair),
    ):
        with pytest.raises(StateConflict):
            change()
    assert Minutes.objects.get(pk=minutes.pk).body == "We met."


def test_without_an_approved_plan_action_items_stay_action_items(meeting, chair):
    item = minutes_services.action_item_add(meeting=meeting, acting=chair, what="Draft the charter")
    minutes_services.minutes_save(meeting=meeting, acting=chair, body="Minutes.", revision=None)
    minutes_services.minutes_publish(meeting=meeting, acting=chair)
    assert ActionItem.objects.get(pk=item.pk).task is None


def test_a_joint_meeting_says_whose_decision_and_whose_action_item(group, other_group, chair):
    meeting = services.meeting_schedule(
        acting=chair,
        title="Joint",
        starts=wall(2030, 1, 15, 10),
        ends=wall(2030, 1, 15, 11),
        zone_name="UTC",
        groups=[group, other_group],
        video_url="https://meet.example/j",
    )
    with pytest.raises(ValidationError):
        minutes_services.meeting_decision_record(meeting=meeting, acting=chair, title="Shared survey")
    with pytest.raises(ValidationError):
        minutes_services.action_item_add(meeting=meeting, acting=chair, what="Send survey")
    decision = minutes_services.meeting_decision_record(
        meeting=meeting, acting=chair, title="Shared survey", group=other_group
    )
    assert decision.group == other_group


def test_text_sent_after_the_session_ended_is_kept_for_its_writer(meeting, chair):
    minutes_services.minutes_rescue_keep(
        meeting=meeting, person_id=chair.pk, body="Typed before the time-out.", revision=1
    )
    from convene.meetings.models import MinutesRescue

    assert MinutesRescue.objects.get(meeting=meeting, person=chair).body == "Typed before the time-out."
    minutes_services.minutes_save(
        meeting=meeting, acting=chair, body="Typed before the time-out.", revision=1
    )
    assert not MinutesRescue.objects.exists()


# --- Through the pages -----------------------------------------------------------------------------


def minutes_form(client, meeting) -> dict:
    page = client.get(reverse("meetings:minutes", args=[meeting.pk]))
    assert page.status_code == 200
    form = page.context["form"]
    return {
        "body": form["body"].value() or "",
        "revision": form["revision"].value(),
        "writer": form["writer"].value(),
    }


def test_the_button_saves_and_javascript_saves_as_one_types(meeting, chair):
    client = client_for(chair)
    data = minutes_form(client, meeting)

    saved = client.post(
        reverse("meetings:minutes", args=[meeting.pk]), {**data, "body": "Welcome."}, HTTP_HX_REQUEST="true"
    )
    assert saved.status_code == 200
    assert 'name="revision" value="2"' in saved.content.decode()
    assert (
        client.post(
            reverse("meetings:minutes", args=[meeting.pk]),
            {**data, "revision": 2, "body": "Welcome. Updates."},
        ).status_code
        == 302
    )
    assert Minutes.objects.get(meeting=meeting).body == "Welcome. Updates."


def test_two_cochairs_typing_at_once_lose_no_text(meeting, chair, chair_two):
    first, second = client_for(chair), client_for(chair_two)
    data_one, data_two = minutes_form(first, meeting), minutes_form(second, meeting)
    first.post(reverse("meetings:minutes", args=[meeting.pk]), {**data_one, "body": "Chair one's notes."})

    clash = second.post(
        reverse("meetings:minutes", args=[meeting.pk]), {**data_two, "body": "Chair two's notes."}
    )

    assert clash.status_code == 409
    page = clash.content.decode()
    assert "Chair one&#x27;s notes." in page or "Chair one's notes." in page
    assert "Chair two&#x27;s notes." in page or "Chair two's notes." in page
    assert Minutes.objects.get(meeting=meeting).body == "Chair one's notes."


def test_text_typed_before_a_session_time_out_is_there_after_logging_in_again(meeting, chair):
    client = client_for(chair)
    data = minutes_form(client, meeting)
    client.logout()  # the session ends while the co-chair types

    lost = client.post(
        reverse("meetings:minutes", args=[meeting.pk]), {**data, "body": "Everything we said."}
    )

    assert lost.status_code == 302
    assert lost["Location"].startswith(reverse("account_login"))
    assert Minutes.objects.filter(meeting=meeting, body="Everything we said.").count() == 0
    client.force_login(chair, backend="django.contrib.auth.backends.ModelBackend")
    again = minutes_form(client, meeting)
    assert again["body"] == "Everything we said."
    client.post(reverse("meetings:minutes", args=[meeting.pk]), again)
    assert Minutes.objects.get(meeting=meeting).body == "Everything we said."


def test_a_forged_writer_field_keeps_nothing(meeting, chair):
    client = client_for(None)
    client.post(
        reverse("meetings:minutes", args=[meeting.pk]), {"body": "Spam", "revision": "1", "writer": "forged"}
    )
    from convene.meetings.models import MinutesRescue

    assert not MinutesRescue.objects.exists()


def test_decisions_action_items_and_publishing_through_the_page(meeting, chair, group_member):
    client = client_for(chair)
    client.post(reverse("meetings:decision", args=[meeting.pk]), {"title": "Adopt the outline"})
    client.post(
        reverse("meetings:action", args=[meeting.pk]),
        {"what": "Circulate the outline", "assignee": str(group_member.pk), "due_on": "2030-02-01"},
    )
    client.post(reverse("meetings:attendance", args=[meeting.pk]), {f"person_{group_member.pk}": "present"})
    data = minutes_form(client, meeting)
    client.post(reverse("meetings:minutes", args=[meeting.pk]), {**data, "body": "## Notes\n\nWe met."})
    assert client_for(group_member).post(reverse("meetings:publish", args=[meeting.pk])).status_code == 403

    assert client.post(reverse("meetings:publish", args=[meeting.pk])).status_code == 302

    page = client_for(group_member).get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "<h3>Notes</h3>" in page  # under the page's h2 "Minutes", whatever level it was written at
    assert "Adopt the outline" in page
    assert "Circulate the outline" in page
    assert Attendance.objects.get(meeting=meeting, person=group_member).presence == "present"
