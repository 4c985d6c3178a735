"""The core app's rows of the permission matrix (tests/permissions): the home pages, the language and
time zone, the API's root and its 404, and the audit trail of a record."""

from collections.abc import Callable

from convene.people.models import Person
from tests.permissions.harness import EVERYONE_200, HOME, SECRETARIAT_ONLY, Row, World, roles


def language_of(world: World, role: str) -> str | None:
    person = world.person(role)
    return Person.objects.get(pk=person.pk).language if person else None


CORE_ROWS = [
    Row("home", EVERYONE_200),
    Row("floor", EVERYONE_200),
    Row(
        "set_language",
        roles(anonymous=HOME, member=HOME, secretariat=HOME),
        method="POST",
        data=lambda world, role: {"language": "fr", "next": "/"},
        state=language_of,
    ),
    Row(
        "set_time_zone",
        roles(anonymous=HOME, member=HOME, secretariat=HOME),
        method="POST",
        data=lambda world, role: {"time_zone": "Asia/Kolkata", "next": "/"},
    ),
]

API_CORE_ROWS = [
    Row("api:api-root", roles(anonymous=404, member=404, secretariat=404), api=True),
    # Any other path under /api/v1/: 404 in JSON for everyone (convene.core.api.not_found).
    Row(
        "api_not_found",
        roles(anonymous=404, member=404, secretariat=404),
        args=lambda w, r: ["nothing/here"],
        api=True,
    ),
    Row(
        "api_not_found",
        roles(anonymous=404, member=404, secretariat=404),
        method="POST",
        args=lambda w, r: ["members/1/nothing"],
        api=True,
    ),
    Row("api:openapi-json", EVERYONE_200, api=True),
    Row("api:openapi-view", EVERYONE_200, api=True),
]

# --- The audit trail of a record (convene/core: only the secretariat) ------------------------------


def audit_of(app_label: str, model_name: str, pk: Callable[[World], int]) -> Callable[[World, str], list]:
    return lambda world, role: [app_label, model_name, pk(world)]


AUDIT_ROWS = [
    Row("audit", SECRETARIAT_ONLY, variant="group", args=audit_of("groups", "group", lambda w: w.group.pk)),
    Row(
        "audit",
        SECRETARIAT_ONLY,
        variant="decision",
        args=audit_of("governance", "decision", lambda w: w.group.decisions.order_by("pk")[0].pk),
    ),
    Row(
        "audit",
        SECRETARIAT_ONLY,
        variant="membership",
        args=audit_of("groups", "groupmembership", lambda w: w.group_membership.pk),
    ),
    Row("audit", SECRETARIAT_ONLY, variant="term", args=audit_of("governance", "term", lambda w: w.term.pk)),
    # A model that keeps no history, and a group that never was: nothing to read, for anyone.
    Row(
        "audit",
        roles(member=403, secretariat=404),
        variant="no-history",
        args=audit_of("groups", "thread", lambda w: w.thread.pk),
    ),
    Row(
        "audit",
        roles(member=403, secretariat=404),
        variant="no-record",
        args=audit_of("groups", "group", lambda w: 999_999),
    ),
]


ROWS = CORE_ROWS + API_CORE_ROWS + AUDIT_ROWS
