"""Property-based fuzzing of the REST API (/api/v1/) against its own OpenAPI document.

Schemathesis reads /api/v1/openapi.json from the Django WSGI application in-process and, for every
operation, generates requests (valid and deliberately invalid) that are sent through the same
application, authenticated with a personal token, once as a plain member of the network and once as
the secretariat. Each answer must:

- not be a server error (``not_a_server_error``: no 5xx), and
- match the schema documented for its status code (``response_schema_conformance``).

``status_code_conformance`` is left out on purpose: the people endpoints do not document their
401/403/404/422 answers, so a refusal there would count as a failure although it is the right answer.

Random path parameters almost never name a real object, so ``_aim`` maps each generated slug or id,
deterministically (hypothesis can still shrink), onto one of the objects built in ``world`` or leaves
it random: the fuzzer reaches the handlers' real code, not only their 404s. Writes made by one example
stay for the next ones within the same test (one database transaction per test), so later examples
see groups that were joined, left, decided on or closed.
"""

import zlib

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from conftest import make_person
from convene.governance.models import DecisionOutcome
from convene.groups import services as group_services
from convene.groups.models import GroupKind, GroupMembership
from convene.people import services as people_services
from convene.people.models import Organisation, Topic

APP = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.response_schema_conformance,
]


def _group(*, committee, cochairs, name, join_policy="open", visibility="public", kind="interest-group"):
    group = group_services.group_propose(
        acting=cochairs[0],
        kind=GroupKind.objects.get(slug=kind),
        name=name,
        purpose="Gather and consolidate.",
    )
    group_services.group_decide(
        group=group, outcome=DecisionOutcome.APPROVED, acting=committee, text="Launched."
    )
    for person in cochairs:
        group_services.cochair_appoint(group=group, person=person, acting=committee)
    group_services.charter_update(
        group=group, acting=cochairs[0], join_policy=join_policy, visibility=visibility
    )
    group.refresh_from_db()
    return group


@pytest.fixture
def world(member, secretariat, committee_member) -> dict[str, list]:
    """Groups in several states, and the ids a generated path may be aimed at."""
    chairs = [
        make_person("fuzz.chair.one@example.org", name="Chipo Chair", country="ZW"),
        make_person("fuzz.chair.two@example.org", name="Dana Chair", country="DK", sector="academic"),
    ]
    asker = make_person("fuzz.asker@example.org", name="Asha Asker", country="IN")
    people_services.organisation_propose(name="Fuzz Relief Network", acting=asker)

    open_group = _group(committee=committee_member, cochairs=chairs, name="Open Fuzz Group")
    approval = _group(
        committee=committee_member, cochairs=chairs, name="Approval Fuzz Group", join_policy="approval"
    )
    hidden = _group(
        committee=committee_member,
        cochairs=chairs,
        name="Hidden Fuzz Group",
        join_policy="invitation",
        visibility="members",
    )
    closed = _group(committee=committee_member, cochairs=chairs, name="Closed Fuzz Group")
    group_services.group_close(group=closed, acting=committee_member, text="Done.")
    proposal = group_services.group_propose(
        acting=member,
        kind=GroupKind.objects.get(slug="working-group"),
        name="Proposed Fuzz Group",
        purpose="Collect tools.",
    )
    group_services.membership_join(group=open_group, acting=asker)
    group_services.membership_join(group=approval, acting=asker, note="Please.")
    group_services.membership_invite(group=hidden, person=asker, acting=chairs[0])

    return {
        "slug": [g.slug for g in (open_group, approval, hidden, closed, proposal)],
        "person_id": [p.pk for p in (member, secretariat, committee_member, *chairs, asker)],
        "membership_id": list(GroupMembership.objects.values_list("pk", flat=True)),
        "organisation_id": list(Organisation.objects.values_list("pk", flat=True)),
        "kind": list(GroupKind.objects.values_list("slug", flat=True)),
        "topic": list(Topic.objects.values_list("slug", flat=True)[:5]),
    }


def _pick(value, choices: list):
    """One of ``choices`` or, one time in four or so, ``value`` itself (deterministic in ``value``)."""
    if isinstance(value, bool) or not choices:
        return value
    if isinstance(value, int):
        index = value % (len(choices) + 1)
    elif isinstance(value, str):
        index = zlib.crc32(value.encode("utf-8", "surrogatepass")) % (len(choices) + 1)
    else:
        return value
    return choices[index] if index < len(choices) else value


def _aim(case, world: dict[str, list]) -> None:
    """Point generated path parameters, body ids, kinds and topics at real objects, most of the time."""
    if case.path_parameters:
        for name, value in list(case.path_parameters.items()):
            if name in world:
                case.path_parameters[name] = _pick(value, world[name])
    if isinstance(case.body, dict):
        for name in ("person_id", "replaces_id"):
            if name in case.body:
                case.body[name] = _pick(case.body[name], world["person_id"])
        if "kind" in case.body:
            case.body["kind"] = _pick(case.body["kind"], world["kind"])
        if isinstance(case.body.get("topics"), list):
            case.body["topics"] = [_pick(topic, world["topic"]) for topic in case.body["topics"]]


@pytest.fixture
def _keep_connection():
    """Requests go through the real WSGI handler, whose request_started/finished signals close a
    connection left in a transaction: the test's own (PostgreSQL, CONN_MAX_AGE=0). Django's test
    client disconnects them the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["member", "secretariat"])
def caller(request, world, _keep_connection) -> dict[str, str]:
    person = request.getfixturevalue(request.param)
    _, key = people_services.api_token_create(person=person, name="fuzz")
    return {"Authorization": f"Bearer {key}"}


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
    derandomize=True,
)
def test_api_fuzz(case, caller, world):
    _aim(case, world)
    case.call_and_validate(headers=caller, checks=CHECKS)
