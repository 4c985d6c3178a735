"""The events app's rows of the permission matrix (tests/permissions): the annual calendar and its
feed, one event, registering and the links in the e-mails, the organisers' pages, a person's events
and certificate, and the API.

The event E is a public webinar hosted by G, created by G's co-chair, with two registrations:
GROUP_MEMBER's (attended, certificates on) and MEMBER's (registered, not yet checked in). The event
M is for members only, created by the secretariat."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.permissions.harness import (
    API_EVERYONE,
    COCHAIR,
    EVERYONE_200,
    GROUP_MEMBER,
    LOGGED_IN_200,
    LOGIN,
    MEMBER,
    SECRETARIAT,
    Row,
    World,
    roles,
)


def wall(*args) -> datetime.datetime:
    return datetime.datetime(*args)  # noqa: DTZ001 (a wall-clock time; its zone is passed beside it)


def _build_event(world: World):
    from convene.events import services

    event = services.event_create(
        acting=world.person(COCHAIR),
        kind="webinar",
        title="Case management in practice",
        starts=wall(2030, 6, 10, 14),
        ends=wall(2030, 6, 10, 15, 30),
        zone_name="America/New_York",
        online_url="https://meet.example/e",
        host_groups=[world.group],
        capacity=20,
    )
    attended = services.registration_register(event=event, acting=world.person(GROUP_MEMBER))
    services.registration_register(event=event, acting=world.person(MEMBER))
    services.attendance_mark(
        event=event, acting=world.person(COCHAIR), registration_id=attended.pk, attended=True
    )
    services.event_after(
        event=event, acting=world.person(COCHAIR), recording_url="", materials="", certificates=True
    )
    return event


def event(world: World):
    return world.once("_event", lambda: _build_event(world))


def members_event(world: World):
    from convene.events import services

    return world.once(
        "_members_event",
        lambda: services.event_create(
            acting=world.person(SECRETARIAT),
            kind="workshop",
            title="Members' workshop",
            starts=wall(2030, 7, 1, 9),
            ends=wall(2030, 7, 1, 12),
            zone_name="Africa/Lusaka",
            venue="Lusaka",
            visibility="members",
        ),
    )


def registration_of(world: World, role: str):
    from convene.events.models import Registration

    return Registration.objects.get(event=event(world), person=world.person(role))


def of_event(world: World, role: str) -> list:
    return [event(world).pk]


def of_members_event(world: World, role: str) -> list:
    return [members_event(world).pk]


def cancel_link(world: World, role: str) -> list:
    from convene.events.tokens import registration_token

    return [registration_token(registration_of(world, GROUP_MEMBER).pk, "cancel")]


def of_member_registration(world: World, role: str) -> list:
    return [event(world).pk, registration_of(world, MEMBER).pk]


def of_group_member_registration(world: World, role: str) -> list:
    return [event(world).pk, registration_of(world, GROUP_MEMBER).pk]


def registrations_state(world: World, role: str) -> list:
    from convene.events.models import Registration

    return sorted(Registration.objects.filter(event=event(world)).values_list("email", "status", "attended"))


def events_state(world: World, role: str) -> list:
    from convene.events.models import Event, Session

    return [
        sorted(Event.objects.values_list("pk", "title", "recording_url")),
        sorted(Session.objects.values_list("pk", "title")),
    ]


def register_form(world: World, role: str) -> dict:
    data = {"remind_week": "on", "remind_hour": "on"}
    if world.person(role) is None:
        data |= {"name": "Vi Sitor", "email": "visitor@example.net"}
    return data


def new_event_form(world: World, role: str) -> dict:
    return {
        "kind": "webinar",
        "title": "Another webinar",
        "language": "en",
        "starts": "2030-09-01T10:00",
        "ends": "2030-09-01T11:00",
        "zone_name": "UTC",
        "online_url": "https://meet.example/n",
        "region": "global",
        "visibility": "public",
        "host_groups": [world.group.slug],
    }


def edit_event_form(world: World, role: str) -> dict:
    return {
        "kind": "webinar",
        "title": "Case management in practice (moved)",
        "language": "en",
        "starts": "2030-06-11T14:00",
        "ends": "2030-06-11T15:30",
        "zone_name": "America/New_York",
        "online_url": "https://meet.example/e",
        "region": "global",
        "visibility": "public",
        "capacity": "20",
        "host_groups": [world.group.slug],
    }


def attendance_file(world: World, role: str) -> dict:
    member = world.person(MEMBER)
    csv = f"Name,User Email,Duration (Minutes)\nM,{member.email},50\n".encode()
    return {"file": SimpleUploadedFile("zoom.csv", csv, content_type="text/csv"), "email_column": ""}


ORGANISERS = roles(member=403, cochair=200)
ORGANISERS_POST = roles(member=403, secretariat=(302, "/events/*"), cochair=(302, "/events/*"))
TO_EVENT = (302, "/events/*")

ROWS = [
    Row("events:calendar", EVERYONE_200),
    Row("events:calendar", EVERYONE_200, variant="filtered", query={"year": "2030", "kind": "webinar"}),
    Row("events:calendar_feed", EVERYONE_200),
    Row("events:new", roles(member=403, cochair=200, other_cochair=200)),
    Row(
        "events:new",
        roles(member=403, secretariat=TO_EVENT, cochair=TO_EVENT, other_cochair=400),
        method="POST",
        data=new_event_form,
        state=events_state,
    ),
    Row("events:mine", LOGGED_IN_200),
    Row("events:detail", EVERYONE_200, args=of_event),
    Row("events:detail", roles(anonymous=404, member=200), variant="members", args=of_members_event),
    Row("events:ics", EVERYONE_200, args=of_event),
    Row(
        "events:register",
        roles(
            anonymous=TO_EVENT,
            member=400,
            committee=TO_EVENT,
            secretariat=TO_EVENT,
            group_member=400,
            cochair=TO_EVENT,
            other_cochair=TO_EVENT,
        ),
        method="POST",
        args=of_event,
        data=register_form,
        state=registrations_state,
    ),
    Row(
        "events:register",
        roles(anonymous=404, member=TO_EVENT, secretariat=TO_EVENT),
        method="POST",
        variant="members",
        args=of_members_event,
        data=register_form,
        state=lambda world, role: sorted(members_event(world).registrations.values_list("email", "status")),
    ),
    Row(
        "events:unregister",
        roles(
            anonymous=LOGIN,
            member=TO_EVENT,
            committee=404,
            secretariat=404,
            group_member=TO_EVENT,
            cochair=404,
            other_cochair=404,
        ),
        method="POST",
        args=of_event,
        state=registrations_state,
    ),
    Row("events:by_link", EVERYONE_200, args=cancel_link),
    Row("events:by_link", EVERYONE_200, method="POST", args=cancel_link, state=registrations_state),
    Row("events:edit", ORGANISERS, args=of_event),
    Row(
        "events:edit",
        ORGANISERS_POST,
        method="POST",
        args=of_event,
        data=edit_event_form,
        state=events_state,
    ),
    Row("events:registrations", ORGANISERS, args=of_event),
    Row("events:registrations_export", ORGANISERS, args=of_event),
    Row(
        "events:registrations_export",
        roles(anonymous=(302, "/accounts/login/*"), member=403, cochair=200),
        variant="xlsx",
        args=of_event,
        query={"format": "xlsx"},
    ),
    Row(
        "events:check_in",
        ORGANISERS_POST,
        method="POST",
        args=of_member_registration,
        data=lambda world, role: {"attended": "yes"},
        state=registrations_state,
    ),
    Row("events:attendance_import", ORGANISERS, args=of_event),
    Row(
        "events:attendance_import",
        ORGANISERS,
        method="POST",
        args=of_event,
        data=attendance_file,
        state=registrations_state,
    ),
    Row("events:after", ORGANISERS, args=of_event),
    Row(
        "events:after",
        ORGANISERS_POST,
        method="POST",
        args=of_event,
        data=lambda world, role: {
            "recording_url": "https://video.example/rec",
            "materials": "Slides",
            "certificates": "on",
        },
        state=events_state,
    ),
    Row("events:cancel", ORGANISERS, args=of_event),
    Row(
        "events:cancel",
        ORGANISERS_POST,
        method="POST",
        args=of_event,
        state=lambda world, role: list(
            type(event(world)).objects.filter(pk=event(world).pk).values_list("cancelled")
        ),
    ),
    Row(
        "events:certificate", roles(member=404, secretariat=404, group_member=200, cochair=404), args=of_event
    ),
]

API_ORGANISERS = roles(anonymous=401, member=403, cochair=200)
API_201 = roles(anonymous=401, member=403, secretariat=201, cochair=201)

ROWS += [
    Row("api:list_events", API_EVERYONE, query={"year": "2030"}, api=True),
    Row(
        "api:create_event",
        API_201,
        method="POST",
        json=lambda world, role: {
            "kind": "webinar",
            "title": "By API",
            "starts": "2030-10-01T10:00",
            "ends": "2030-10-01T11:00",
            "zone_name": "UTC",
            "online_url": "https://meet.example/api",
            "host_groups": [world.group.slug],
        },
        state=events_state,
        api=True,
    ),
    Row("api:get_event", API_EVERYONE, args=of_event, api=True),
    Row(
        "api:update_event",
        API_ORGANISERS,
        method="PUT",
        args=of_event,
        json=lambda world, role: {
            "kind": "webinar",
            "title": "Moved by API",
            "starts": "2030-06-11T14:00",
            "ends": "2030-06-11T15:30",
            "zone_name": "America/New_York",
            "online_url": "https://meet.example/e",
            "host_groups": [world.group.slug],
            "capacity": 20,
        },
        state=events_state,
        api=True,
    ),
    Row(
        "api:get_event", roles(anonymous=401, member=200), variant="members", args=of_members_event, api=True
    ),
    Row("api:list_event_sessions", API_EVERYONE, args=of_event, api=True),
    Row(
        "api:add_event_session",
        API_201,
        method="POST",
        args=of_event,
        json=lambda world, role: {"title": "Q&A", "starts": "2030-06-10T15:00", "ends": "2030-06-10T15:30"},
        state=events_state,
        api=True,
    ),
    Row(
        "api:register_for_event",
        roles(
            anonymous=401,
            member=409,
            committee=201,
            secretariat=201,
            group_member=409,
            cochair=201,
            other_cochair=201,
        ),
        method="POST",
        args=of_event,
        state=registrations_state,
        api=True,
    ),
    Row("api:list_event_registrations", API_ORGANISERS, args=of_event, api=True),
    Row("api:list_event_waiting_list", API_ORGANISERS, args=of_event, api=True),
    Row(
        "api:cancel_event_registration",
        roles(anonymous=401, member=403, secretariat=200, group_member=200),
        method="POST",
        args=of_group_member_registration,
        state=registrations_state,
        api=True,
    ),
    Row(
        "api:cancel_event",
        API_ORGANISERS,
        method="POST",
        args=of_event,
        state=lambda world, role: list(
            type(event(world)).objects.filter(pk=event(world).pk).values_list("cancelled")
        ),
        api=True,
    ),
    Row(
        "api:record_event_attendance",
        API_ORGANISERS,
        method="POST",
        args=of_event,
        json=lambda world, role: {"attended": {str(registration_of(world, MEMBER).pk): True}},
        state=registrations_state,
        api=True,
    ),
]
