"""The data call's rows of the permission matrix (tests/permissions): the secretariat makes, opens,
reconciles and exports a call; every member (each has a country in the world) answers it."""

import datetime

from tests.permissions.harness import (
    API_EVERYONE,
    LOGGED_IN_200,
    SECRETARIAT,
    SECRETARIAT_ONLY,
    Row,
    World,
    roles,
)


def call(world: World):
    from convene.datacall import services

    def make():
        made = services.datacall_create(
            acting=world.person(SECRETARIAT),
            title="State of the Workforce",
            year=2017,
            deadline=datetime.date(2099, 12, 1),
        )
        return services.datacall_set_status(call=made, acting=world.person(SECRETARIAT), status="open")

    return world.once("_data_call", make)


def of_call(world: World, role: str) -> list:
    return [call(world).pk]


def of_draft(world: World, role: str) -> list:
    from convene.datacall import services

    if "_draft_call" not in world.__dict__:
        world.__dict__["_draft_call"] = services.datacall_create(
            acting=world.person(SECRETARIAT),
            title="Draft call",
            year=2019,
            deadline=datetime.date(2099, 1, 1),
        )
    return [world.__dict__["_draft_call"].pk]


def call_form(world: World, role: str) -> dict:
    return {
        "title": "Renamed call",
        "year": "2017",
        "deadline": "2099-12-01",
        "zone_name": "Africa/Lusaka",
        "answerers": "members",
        "fields": "sw_ngo | Social workers, NGOs | number",
    }


def state(world: World, role: str) -> list:
    from convene.datacall.models import CountryRecord, DataCall, Submission

    return [
        sorted(DataCall.objects.values_list("pk", "title", "status")),
        sorted(Submission.objects.values_list("person_id", "country", "values")),
        sorted(CountryRecord.objects.values_list("country", "values", "locked")),
    ]


def call_values():
    from convene.datacall.models import DataCall

    return DataCall.objects.values_list("pk", "title", "zone_name")


ANSWERS = roles(member=(302, "/data-calls/*"), secretariat=(302, "/data-calls/*"))
SECRETARIAT_POST = roles(member=403, secretariat=(302, "/data-calls/*"))

ROWS = [
    Row("datacall:list", LOGGED_IN_200),
    Row("datacall:new", SECRETARIAT_ONLY),
    Row(
        "datacall:new",
        SECRETARIAT_POST,
        method="POST",
        data=lambda world, role: {"title": "Call", "year": "2018", "deadline": "2099-01-01"},
        state=state,
    ),
    Row("datacall:detail", LOGGED_IN_200, args=of_call),
    Row("datacall:edit", SECRETARIAT_ONLY, args=of_call),
    Row("datacall:edit", SECRETARIAT_POST, method="POST", args=of_call, data=call_form, state=state),
    Row(
        "datacall:answer",
        ANSWERS,
        method="POST",
        args=of_call,
        data=lambda world, role: {"f_sw_ngo": "12"},
        state=state,
    ),
    Row(
        "datacall:status",
        SECRETARIAT_POST,
        method="POST",
        args=of_call,
        data=lambda world, role: {"status": "closed"},
        state=state,
    ),
    Row(
        "datacall:focal_point",
        SECRETARIAT_POST,
        method="POST",
        args=of_call,
        data=lambda world, role: {"email": "gm@example.org", "country": "NP"},
        state=lambda world, role: sorted(call(world).focal_points.values_list("person_id", "country")),
    ),
    Row("datacall:country", SECRETARIAT_ONLY, args=lambda world, role: [call(world).pk, "ZM"]),
    Row(
        "datacall:country",
        SECRETARIAT_POST,
        method="POST",
        args=lambda world, role: [call(world).pk, "ZM"],
        data=lambda world, role: {"pick_sw_ngo": "write", "value_sw_ngo": "5"},
        state=state,
    ),
    Row("datacall:export", SECRETARIAT_ONLY, args=lambda world, role: [call(world).pk, "csv"]),
    Row("api:list_data_calls", API_EVERYONE, api=True),
    Row("api:get_data_call", API_EVERYONE, args=of_call, api=True),
    Row(
        "api:create_data_call",
        roles(anonymous=401, member=403, secretariat=201),
        method="POST",
        json=lambda world, role: {"title": "By API", "year": 2020, "deadline": "2099-03-01"},
        state=state,
        api=True,
    ),
    Row(
        "api:update_data_call",
        roles(anonymous=401, member=403),
        method="PATCH",
        args=of_call,
        json=lambda world, role: {"title": "Renamed by API", "zone_name": "Asia/Kathmandu"},
        state=lambda world, role: sorted(call_values()),
        api=True,
    ),
    Row(
        "api:open_data_call",
        # A draft: members do not see it.
        roles(anonymous=401, member=404),
        method="POST",
        args=of_draft,
        state=state,
        api=True,
    ),
    Row(
        "api:close_data_call",
        roles(anonymous=401, member=403),
        method="POST",
        args=of_call,
        state=state,
        api=True,
    ),
    Row(
        "api:answer_data_call",
        roles(anonymous=401, member=200),
        method="POST",
        args=of_call,
        json=lambda world, role: {"values": {"sw_ngo": 3}},
        state=state,
        api=True,
    ),
    Row("api:data_call_table", roles(anonymous=401, member=403), args=of_call, api=True),
    Row(
        "api:reconcile_data_call_country",
        roles(anonymous=401, member=403),
        method="POST",
        args=lambda world, role: [call(world).pk, "ZM"],
        json=lambda world, role: {"values": {"sw_ngo": 4}, "validate": ["sw_ngo"]},
        state=state,
        api=True,
    ),
]
