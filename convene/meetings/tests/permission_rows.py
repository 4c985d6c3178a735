"""The meetings app's rows of the permission matrix (tests/permissions): a group's meetings, one
meeting (also a joint meeting of G and H), its agenda and minutes, answers, calendar feeds, time polls.

Meetings are in G (public), scheduled by G's co-chair; the joint meeting J is of G and H, scheduled by
the secretariat, so H's co-chair organises it too. Only G's active members are asked to G's meetings."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.permissions.harness import (
    API_EVERYONE,
    COCHAIR,
    EVERYONE_200,
    GROUP_MEMBER,
    LOGGED_IN_200,
    SECRETARIAT,
    G,
    Row,
    World,
    roles,
)


def wall(*args) -> datetime.datetime:
    return datetime.datetime(*args)  # noqa: DTZ001 (a wall-clock time; its zone is passed beside it)


def meeting(world: World):
    from convene.meetings import services

    return world.once(
        "_meeting",
        lambda: services.meeting_schedule(
            acting=world.person(COCHAIR),
            title="G monthly",
            starts=wall(2030, 1, 15, 15),
            ends=wall(2030, 1, 15, 16),
            zone_name="Europe/Copenhagen",
            groups=[world.group],
            video_url="https://meet.example/g",
        ),
    )


def joint(world: World):
    from convene.meetings import services

    return world.once(
        "_joint",
        lambda: services.meeting_schedule(
            acting=world.person(SECRETARIAT),
            title="G and H together",
            starts=wall(2030, 2, 1, 9),
            ends=wall(2030, 2, 1, 10),
            zone_name="UTC",
            groups=[world.group, world.other_group],
            video_url="https://meet.example/gh",
        ),
    )


def series(world: World):
    from convene.meetings import services
    from convene.meetings.times import Frequency, Recurrence

    return world.once(
        "_series",
        lambda: services.series_schedule(
            acting=world.person(COCHAIR),
            title="G fortnightly",
            starts=wall(2030, 3, 5, 9),
            ends=wall(2030, 3, 5, 10),
            zone_name="Africa/Lusaka",
            recurrence=Recurrence(Frequency.WEEKLY, interval=2, count=3),
            groups=[world.group],
            video_url="https://meet.example/s",
        ),
    )


def poll(world: World):
    from convene.meetings import services

    slots = [(wall(2030, 4, day, 9), wall(2030, 4, day, 10)) for day in (1, 2, 3)]
    return world.once(
        "_poll",
        lambda: services.poll_create(
            acting=world.person(COCHAIR), title="When?", zone_name="UTC", slots=slots, groups=[world.group]
        ),
    )


def agenda_item(world: World):
    from convene.meetings import agenda_services

    return world.once(
        "_agenda_item",
        lambda: agenda_services.agenda_item_add(
            meeting=meeting(world), acting=world.person(COCHAIR), title="Budget"
        ),
    )


def action_item(world: World):
    from convene.meetings import minutes_services

    return world.once(
        "_action_item",
        lambda: minutes_services.action_item_add(
            meeting=meeting(world), acting=world.person(COCHAIR), what="Write"
        ),
    )


def of_meeting(world: World, role: str) -> list:
    return [meeting(world).pk]


def of_joint(world: World, role: str) -> list:
    return [joint(world).pk]


def group_g(world: World, role: str) -> list:
    return [G]


def answer_link(world: World, role: str) -> list:
    from convene.meetings.models import Invitation
    from convene.meetings.tokens import answer_token

    return [
        answer_token(Invitation.objects.get(meeting=meeting(world), person=world.person(GROUP_MEMBER)).pk)
    ]


def feed_key(world: World, role: str) -> list:
    from convene.meetings import services

    return [services.calendar_feed_for(person=world.person(GROUP_MEMBER)).key]


def meetings_of_g(world: World, role: str) -> list:
    from convene.meetings.models import Meeting

    return sorted(
        Meeting.objects.filter(groups=world.group).values_list("pk", "starts", "status", "sequence")
    )


def answers(world: World, role: str) -> list:
    from convene.meetings.models import Invitation

    return sorted(Invitation.objects.filter(meeting=meeting(world)).values_list("person_id", "answer"))


def polls_state(world: World, role: str) -> list:
    from convene.meetings.models import PollAnswer, TimePoll

    return [
        sorted(TimePoll.objects.values_list("pk", "status", "meeting_id")),
        sorted(PollAnswer.objects.values_list("slot_id", "person_id", "answer")),
    ]


def feed_state(world: World, role: str):
    from convene.meetings.models import CalendarFeed

    person = world.person(role)
    return None if person is None else list(CalendarFeed.objects.filter(person=person).values_list("key"))


def minutes_state(world: World, role: str) -> list:
    from convene.governance.models import Decision
    from convene.meetings.models import ActionItem, AgendaItem, Attendance, Minutes

    m = meeting(world)
    return [
        list(Minutes.objects.filter(meeting=m).values_list("body", "status", "taker_id", "revision")),
        sorted(Attendance.objects.filter(meeting=m).values_list("person_id", "presence")),
        sorted(Decision.objects.filter(meeting_link__meeting=m).values_list("title")),
        sorted(ActionItem.objects.filter(meeting=m).values_list("pk", "what", "task_id")),
        sorted(AgendaItem.objects.filter(meeting=m).values_list("pk", "position", "title")),
    ]


def schedule_form(world: World, role: str) -> dict:
    return {
        "title": "Another",
        "day": "2030-05-05",
        "starts": "10:00",
        "ends": "11:00",
        "zone_name": "UTC",
        "form": "virtual",
        "video_url": "https://meet.example/x",
        "interval": "1",
        "monthly_by": "weekday",
    }


def poll_form(world: World, role: str) -> dict:
    data = {"title": "New poll", "zone_name": "UTC", "minutes": "60"}
    for n, day in enumerate(("2030-06-01", "2030-06-02", "2030-06-03"), 1):
        data |= {f"day_{n}": day, f"time_{n}": "09:00"}
    return data


def poll_answers(world: World, role: str) -> dict:
    return {f"slot_{slot.pk}": "yes" for slot in poll(world).slots.all()}


def poll_choice(world: World, role: str) -> dict:
    return {"slot": poll(world).slots.first().pk, "video_url": "https://meet.example/c"}


def minutes_form(world: World, role: str) -> dict:
    from convene.meetings.tokens import writer_token

    person = world.person(role) or world.person(COCHAIR)
    return {"body": "We met.", "revision": "1", "writer": writer_token(meeting(world).pk, person.pk)}


def with_body(world: World, role: str) -> list:
    """The meeting, its minutes written (for publishing)."""
    from convene.meetings import minutes_services

    m = meeting(world)
    world.once(
        "_minutes",
        lambda: minutes_services.minutes_save(
            meeting=m, acting=world.person(COCHAIR), body="Notes.", revision=None
        ),
    )
    return [m.pk]


# Who may change a meeting of G: its co-chair, the secretariat (and the admin); of J, H's co-chair too.
ORGANISERS = roles(member=403, cochair=200)
ORGANISERS_POST = roles(member=403, secretariat=(302, "/meetings/*"), cochair=(302, "/meetings/*"))
INVITED_POST = roles(member=403, secretariat=403, group_member=(302, "/meetings/*"))

ROWS = [
    Row("meetings:group", EVERYONE_200, args=group_g),
    Row("meetings:group_feed", EVERYONE_200, args=group_g),
    Row("meetings:new", ORGANISERS, args=group_g),
    Row(
        "meetings:new", ORGANISERS_POST, method="POST", args=group_g, data=schedule_form, state=meetings_of_g
    ),
    Row("meetings:poll_new", ORGANISERS, args=group_g),
    Row("meetings:poll_new", ORGANISERS_POST, method="POST", args=group_g, data=poll_form, state=polls_state),
    Row("meetings:detail", EVERYONE_200, args=of_meeting),
    Row("meetings:detail", EVERYONE_200, variant="joint", args=of_joint),
    Row("meetings:ics", EVERYONE_200, args=of_meeting),
    Row("meetings:series", EVERYONE_200, args=lambda world, role: [series(world).pk]),
    Row(
        "meetings:answer",
        INVITED_POST,
        method="POST",
        args=of_meeting,
        data=lambda world, role: {"answer": "yes"},
        state=answers,
    ),
    Row("meetings:answer_by_link", EVERYONE_200, args=answer_link),
    Row(
        "meetings:answer_by_link",
        EVERYONE_200,
        method="POST",
        args=answer_link,
        data=lambda world, role: {"answer": "no"},
        state=answers,
    ),
    Row("meetings:move", ORGANISERS, args=of_meeting),
    Row("meetings:move", roles(member=403, cochair=200, other_cochair=200), variant="joint", args=of_joint),
    Row(
        "meetings:move",
        ORGANISERS_POST,
        method="POST",
        args=of_meeting,
        data=lambda world, role: {
            "day": "2030-01-16",
            "starts": "09:00",
            "ends": "10:00",
            "zone_name": "UTC",
        },
        state=meetings_of_g,
    ),
    Row("meetings:cancel", ORGANISERS, args=of_meeting),
    Row("meetings:cancel", ORGANISERS_POST, method="POST", args=of_meeting, state=meetings_of_g),
    Row(
        "meetings:cancel",
        roles(
            member=403,
            secretariat=(302, "/meetings/*"),
            cochair=(302, "/meetings/*"),
            other_cochair=(302, "/meetings/*"),
        ),
        method="POST",
        variant="joint",
        args=of_joint,
        state=lambda world, role: list(
            type(joint(world)).objects.filter(pk=joint(world).pk).values_list("status")
        ),
    ),
    Row("meetings:calendar", LOGGED_IN_200),
    Row(
        "meetings:calendar",
        roles(member=(302, "/meetings/calendar/"), secretariat=(302, "/meetings/calendar/")),
        method="POST",
        state=feed_state,
    ),
    Row("meetings:personal_feed", EVERYONE_200, args=feed_key),
    Row("meetings:poll", EVERYONE_200, args=lambda world, role: [poll(world).pk]),
    Row(
        "meetings:poll",
        roles(anonymous=403, member=403, secretariat=403, group_member=(302, "/meetings/polls/*")),
        method="POST",
        args=lambda world, role: [poll(world).pk],
        data=poll_answers,
        state=polls_state,
    ),
    Row(
        "meetings:poll_choose",
        ORGANISERS_POST,
        method="POST",
        args=lambda world, role: [poll(world).pk],
        data=poll_choice,
        state=polls_state,
    ),
    Row("meetings:agenda", ORGANISERS, args=of_meeting),
    Row(
        "meetings:agenda",
        ORGANISERS_POST,
        method="POST",
        args=of_meeting,
        data=lambda world, role: {
            "title": "Toolkit",
            "document": SimpleUploadedFile("a.pdf", b"%PDF-1.4", content_type="application/pdf"),
        },
        state=minutes_state,
    ),
    Row("meetings:agenda_template", ORGANISERS_POST, method="POST", args=of_meeting, state=minutes_state),
    Row(
        "meetings:agenda_item",
        ORGANISERS_POST,
        method="POST",
        args=lambda world, role: [meeting(world).pk, agenda_item(world).pk],
        data=lambda world, role: {"action": "delete"},
        state=minutes_state,
    ),
    Row("meetings:minutes", ORGANISERS, args=of_meeting),
    Row(
        "meetings:minutes",
        ORGANISERS_POST,
        method="POST",
        args=of_meeting,
        data=minutes_form,
        state=minutes_state,
    ),
    Row(
        "meetings:attendance",
        ORGANISERS_POST,
        method="POST",
        args=of_meeting,
        data=lambda world, role: {f"person_{world.person(GROUP_MEMBER).pk}": "present"},
        state=minutes_state,
    ),
    Row(
        "meetings:decision",
        ORGANISERS_POST,
        method="POST",
        args=of_meeting,
        data=lambda world, role: {"title": "Adopt"},
        state=minutes_state,
    ),
    Row(
        "meetings:action",
        ORGANISERS_POST,
        method="POST",
        args=of_meeting,
        data=lambda world, role: {"what": "Send"},
        state=minutes_state,
    ),
    Row(
        "meetings:action_delete",
        ORGANISERS_POST,
        method="POST",
        args=lambda world, role: [meeting(world).pk, action_item(world).pk],
        state=minutes_state,
    ),
    Row(
        "meetings:taker",
        ORGANISERS_POST,
        method="POST",
        args=of_meeting,
        data=lambda world, role: {"taker": str(world.person(GROUP_MEMBER).pk)},
        state=minutes_state,
    ),
    Row("meetings:publish", ORGANISERS_POST, method="POST", args=with_body, state=minutes_state),
]

# --- The steering committee's own meetings; moving and ending a series ----------------------------
# The committee's meetings are the committee's and the secretariat's to see; the secretariat (and the
# committee's chair, who has no role of the table) schedules them.


def committee_meeting(world: World):
    from convene.meetings import services

    return world.once(
        "_committee_meeting",
        lambda: services.meeting_schedule(
            acting=world.person(SECRETARIAT),
            title="Steering committee",
            starts=wall(2030, 4, 1, 14),
            ends=wall(2030, 4, 1, 16),
            zone_name="Europe/Copenhagen",
            for_committee=True,
            video_url="https://meet.example/sc",
        ),
    )


def committee_state(world: World, role: str) -> list:
    from convene.meetings.models import Meeting

    return sorted(Meeting.objects.filter(for_committee=True).values_list("pk", "title", "starts"))


def of_series_meeting(world: World, role: str) -> list:
    return [series(world).meetings.order_by("starts").first().pk]


def series_state(world: World, role: str) -> list:
    from convene.meetings.models import Meeting

    s = series(world)
    return [
        sorted(Meeting.objects.filter(series=s).values_list("pk", "starts", "sequence")),
        list(type(s).objects.filter(pk=s.pk).values_list("until", "count", "sequence", "retimings")),
    ]


ROWS += [
    Row("meetings:committee", roles(committee=200)),
    Row("meetings:committee_new", roles()),
    Row(
        "meetings:committee_new",
        roles(secretariat=(302, "/meetings/*")),
        method="POST",
        data=schedule_form,
        state=committee_state,
    ),
    Row(
        "meetings:detail",
        roles(anonymous=404, member=404, committee=200),
        variant="committee",
        args=lambda world, role: [committee_meeting(world).pk],
    ),
    Row("meetings:series_move", ORGANISERS, args=of_series_meeting),
    Row(
        "meetings:series_move",
        ORGANISERS_POST,
        method="POST",
        args=of_series_meeting,
        data=lambda world, role: {
            "day": "2030-03-06",
            "starts": "10:00",
            "ends": "11:00",
            "zone_name": "UTC",
        },
        state=series_state,
    ),
    Row("meetings:series_end", ORGANISERS, args=lambda world, role: [series(world).pk]),
    Row(
        "meetings:series_end",
        ORGANISERS_POST,
        method="POST",
        args=lambda world, role: [series(world).pk],
        data=lambda world, role: {"last_day": "2030-03-20"},
        state=series_state,
    ),
]

# --- The API (convene/meetings/api.py) -------------------------------------------------------------
API_WRITERS = roles(anonymous=401, member=403, cochair=200)


def api_meeting_body(world: World, role: str) -> dict:
    return {
        "title": "By API",
        "starts": "2030-05-05T10:00",
        "ends": "2030-05-05T11:00",
        "zone_name": "UTC",
        "video_url": "https://meet.example/api",
    }


def of_poll(world: World, role: str) -> list:
    return [poll(world).pk]


ROWS += [
    Row("api:list_group_meetings", API_EVERYONE, args=group_g, api=True),
    Row(
        "api:schedule_meeting",
        roles(anonymous=401, member=403, secretariat=201, cochair=201),
        method="POST",
        args=group_g,
        json=api_meeting_body,
        state=meetings_of_g,
        api=True,
    ),
    Row("api:get_meeting", API_EVERYONE, args=of_meeting, api=True),
    Row(
        "api:answer_meeting",
        roles(anonymous=401, member=403, secretariat=403, group_member=200),
        method="POST",
        args=of_meeting,
        json=lambda world, role: {"answer": "maybe"},
        state=answers,
        api=True,
    ),
    Row(
        "api:move_meeting",
        API_WRITERS,
        method="POST",
        args=of_meeting,
        json=lambda world, role: {"starts": "2030-01-16T09:00", "ends": "2030-01-16T10:00"},
        state=meetings_of_g,
        api=True,
    ),
    Row("api:cancel_meeting", API_WRITERS, method="POST", args=of_meeting, state=meetings_of_g, api=True),
    Row(
        "api:cancel_meeting",
        roles(anonymous=401, member=403, cochair=200, other_cochair=200),
        method="POST",
        variant="joint",
        args=of_joint,
        state=lambda world, role: list(
            type(joint(world)).objects.filter(pk=joint(world).pk).values_list("status")
        ),
        api=True,
    ),
    Row(
        "api:get_minutes",
        roles(anonymous=401, member=404, committee=200, group_member=200),
        args=with_body,
        api=True,
    ),
    Row(
        "api:save_minutes",
        API_WRITERS,
        method="PUT",
        args=of_meeting,
        json=lambda world, role: {"body": "By API."},
        state=minutes_state,
        api=True,
    ),
    Row(
        "api:record_attendance",
        roles(anonymous=401, member=403, secretariat=204, cochair=204),
        method="POST",
        args=of_meeting,
        json=lambda world, role: {"presence": {str(world.person(GROUP_MEMBER).pk): "absent"}},
        state=minutes_state,
        api=True,
    ),
    Row(
        "api:record_decision",
        roles(anonymous=401, member=403, secretariat=201, cochair=201),
        method="POST",
        args=of_meeting,
        json=lambda world, role: {"title": "By API"},
        state=minutes_state,
        api=True,
    ),
    Row(
        "api:list_action_items",
        roles(anonymous=401, member=403, committee=200, group_member=200),
        args=of_meeting,
        api=True,
    ),
    Row(
        "api:add_action_item",
        roles(anonymous=401, member=403, secretariat=201, cochair=201),
        method="POST",
        args=of_meeting,
        json=lambda world, role: {"what": "By API"},
        state=minutes_state,
        api=True,
    ),
    Row("api:publish_minutes", API_WRITERS, method="POST", args=with_body, state=minutes_state, api=True),
    Row(
        "api:create_poll",
        roles(anonymous=401, member=403, secretariat=201, cochair=201),
        method="POST",
        args=group_g,
        json=lambda world, role: {
            "title": "API poll",
            "zone_name": "UTC",
            "slots": ["2030-06-01T09:00", "2030-06-02T09:00", "2030-06-03T09:00"],
        },
        state=polls_state,
        api=True,
    ),
    Row("api:get_poll", API_EVERYONE, args=of_poll, api=True),
    Row(
        "api:answer_poll",
        roles(anonymous=401, member=403, secretariat=403, group_member=200),
        method="POST",
        args=of_poll,
        json=lambda world, role: {"answers": {str(poll(world).slots.first().pk): "no"}},
        state=polls_state,
        api=True,
    ),
    Row(
        "api:choose_poll_slot",
        roles(anonymous=401, member=403, secretariat=201, cochair=201),
        method="POST",
        args=of_poll,
        json=lambda world, role: {
            "slot_id": poll(world).slots.first().pk,
            "video_url": "https://meet.example/c",
        },
        state=polls_state,
        api=True,
    ),
]

ROWS += [
    Row(
        "api:list_committee_meetings",
        roles(anonymous=401, member=403, committee=200),
        api=True,
    ),
    Row(
        "api:schedule_committee_meeting",
        roles(anonymous=401, member=403, secretariat=201),
        method="POST",
        json=api_meeting_body,
        state=committee_state,
        api=True,
    ),
    Row(
        "api:move_following",
        API_WRITERS,
        method="POST",
        args=of_series_meeting,
        json=lambda world, role: {
            "starts": "2030-03-06T10:00",
            "ends": "2030-03-06T11:00",
            "zone_name": "UTC",
        },
        state=series_state,
        api=True,
    ),
    Row(
        "api:end_series",
        API_WRITERS,
        method="POST",
        args=lambda world, role: [series(world).pk],
        json=lambda world, role: {"last_day": "2030-03-20"},
        state=series_state,
        api=True,
    ),
]


# --- A person's reminders and digest (their own; the stop link needs no login) -----------------------


def preferences_state(world: World, role: str) -> list:
    from convene.meetings.models import MeetingPreferences

    return sorted(MeetingPreferences.objects.values_list("person_id", "reminder", "digest"))


def stop_link(world: World, role: str) -> list:
    from convene.meetings.tokens import preferences_token

    return [preferences_token(world.person(GROUP_MEMBER).pk, "digest")]


ROWS += [
    Row("meetings:preferences", LOGGED_IN_200),
    Row(
        "meetings:preferences",
        roles(member=(302, "/meetings/preferences/"), secretariat=(302, "/meetings/preferences/")),
        method="POST",
        data=lambda world, role: {"reminder": "both", "digest": "weekly"},
        state=preferences_state,
    ),
    Row("meetings:preferences_by_link", EVERYONE_200, args=stop_link),
    Row(
        "meetings:preferences_by_link",
        EVERYONE_200,
        method="POST",
        args=stop_link,
        data=lambda world, role: {"List-Unsubscribe": "One-Click"},
        state=preferences_state,
    ),
    Row("api:get_meeting_preferences", API_EVERYONE, api=True),
    Row(
        "api:set_meeting_preferences",
        roles(anonymous=401, member=200),
        method="PUT",
        json=lambda world, role: {"reminder": "hour"},
        state=preferences_state,
        api=True,
    ),
]
