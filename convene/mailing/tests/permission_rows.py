"""The bulk mail app's rows of the permission matrix (tests/permissions): the secretariat's pages and
API operations, a member's own lists, and the one-click unsubscribe that needs no login."""

from tests.permissions.harness import (
    EVERYONE_200,
    LOGGED_IN_200,
    MEMBER,
    SECRETARIAT,
    SECRETARIAT_ONLY,
    Row,
    World,
    roles,
)

EDITION = {"subject": "News", "html": "<p>News</p>", "text": "News"}
SEC_POST = roles(secretariat=(302, "/mailing/*"))
API_SEC = roles(anonymous=401, member=403, secretariat=200)
API_SEC_CREATED = roles(anonymous=401, member=403, secretariat=201)


def _new_mailing(world: World, title: str):
    from convene.mailing import services

    return services.create_mailing(
        purpose="eupdate",
        title=title,
        segment={},
        editions={"en": EDITION},
        default_language="en",
        created_by=world.person(SECRETARIAT),
    )


def draft(world: World):
    return world.once("_mailing_draft", lambda: _new_mailing(world, "Draft"))


def sending(world: World):
    """Started (its deliveries written); the task waits for a commit the matrix never makes."""
    from convene.mailing import services

    return world.once(
        "_mailing_sending",
        lambda: services.start(_new_mailing(world, "Sending"), world.person(SECRETARIAT)),
    )


def paused(world: World):
    from convene.mailing import services

    def make():
        mailing = services.start(_new_mailing(world, "Paused"), world.person(SECRETARIAT))
        return services.pause(mailing, world.person(SECRETARIAT))

    return world.once("_mailing_paused", make)


def suppression(world: World):
    from convene.mailing import services

    return world.once(
        "_suppression",
        lambda: services.bounce_record(email="bounced.person@example.org", status="5.1.1"),
    )


def of(make):
    return lambda world, role: [make(world).pk]


def mailing_states(world: World, role: str):
    from convene.mailing.models import Mailing

    return sorted(Mailing.objects.values_list("pk", "state"))


def suppression_states(world: World, role: str):
    from convene.mailing.models import Suppression

    return sorted(Suppression.objects.values_list("pk", "lifted_at"))


def list_choices(world: World, role: str):
    from convene.mailing.models import ListChoice

    return sorted(ListChoice.objects.values_list("person_id", "list", "subscribed"))


def member_token(world: World, role: str) -> list:
    from convene.mailing.tokens import unsubscribe_token

    return [unsubscribe_token(world.person(MEMBER).pk, "eupdate")]


def announcement(world: World, role: str) -> dict:
    return {
        "purpose": "announcements",
        "title": "Webinar",
        "default_language": "en",
        "subject_en": "Webinar",
        "body_en": "Join **us**.",
    }


def suppressions_and_choices(world: World, role: str):
    from convene.mailing.models import BounceScore, ListChoice, Suppression

    return (
        sorted(Suppression.objects.values_list("email", "lifted_at")),
        sorted(BounceScore.objects.values_list("email", "score")),
        sorted(ListChoice.objects.values_list("person_id", "list", "subscribed")),
    )


def provider_rows() -> list[Row]:
    """Every provider's tracking webhook (anymail): not there without ANYMAIL_WEBHOOK_SECRET (as in the
    tests); with it, answered to the provider's basic auth only (test_providers.py)."""
    from convene.mailing.providers import webhook_urls

    return [
        Row(
            f"mailing:anymail:{pattern.name}",
            roles(anonymous=404, member=404, secretariat=404),
            method="POST",
            data=lambda world, role: {},
            state=suppressions_and_choices,
        )
        for pattern in webhook_urls()
    ]


ROWS = [
    Row("mailing:index", SECRETARIAT_ONLY),
    Row("mailing:new", SECRETARIAT_ONLY),
    Row("mailing:new", SEC_POST, method="POST", data=announcement, state=mailing_states),
    Row("mailing:detail", SECRETARIAT_ONLY, args=of(draft)),
    Row("mailing:detail", SECRETARIAT_ONLY, variant="sending", args=of(sending)),
    Row("mailing:test", SEC_POST, method="POST", args=of(draft)),
    Row("mailing:start", SEC_POST, method="POST", args=of(draft), state=mailing_states),
    Row("mailing:pause", SEC_POST, method="POST", args=of(sending), state=mailing_states),
    Row("mailing:resume", SEC_POST, method="POST", args=of(paused), state=mailing_states),
    Row("mailing:suppressions", SECRETARIAT_ONLY),
    Row("mailing:lift", SEC_POST, method="POST", args=of(suppression), state=suppression_states),
    Row("mailing:lists", LOGGED_IN_200),
    Row(
        "mailing:lists",
        roles(member=(302, "/mailing/lists/"), secretariat=(302, "/mailing/lists/")),
        method="POST",
        data=lambda world, role: {"announcements": "on"},
        state=list_choices,
    ),
    Row("mailing:unsubscribe", EVERYONE_200, args=member_token),
    Row("mailing:unsubscribe", EVERYONE_200, method="POST", args=member_token, state=list_choices),
    Row(
        "api:count_segment",
        API_SEC,
        method="POST",
        json=lambda world, role: {"segment": {"regions": ["africa"]}},
        api=True,
    ),
    Row("api:list_mailings", API_SEC, api=True),
    Row(
        "api:create_mailing",
        API_SEC_CREATED,
        method="POST",
        json=lambda world, role: {
            "purpose": "eupdate",
            "title": "API mailing",
            "editions": {"en": EDITION},
            "default_language": "en",
        },
        state=mailing_states,
        api=True,
    ),
    Row("api:get_mailing", API_SEC, args=of(draft), api=True),
    Row("api:start_mailing", API_SEC, method="POST", args=of(draft), state=mailing_states, api=True),
    Row("api:list_suppressions", API_SEC, api=True),
    Row(
        "api:lift_suppression",
        API_SEC,
        method="POST",
        args=of(suppression),
        state=suppression_states,
        api=True,
    ),
    *provider_rows(),
]
