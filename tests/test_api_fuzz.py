"""Property-based fuzzing of the REST API (/api/v1/) against its own OpenAPI document.

Schemathesis reads /api/v1/openapi.json from the Django WSGI application in-process and, for every
operation, generates requests (valid and deliberately invalid) that are sent through the same
application, authenticated with a personal token, once as a plain member of the network and once as
the secretariat. Every answer passes all of schemathesis's checks (issue 9): no server error, a status
code, content type, headers and body the document declares for that operation, invalid data refused,
valid data not refused for its shape, and so on.

Examples per operation: ``CONVENE_FUZZ_EXAMPLES`` (20 in the suite; the issue's run is 50:
``CONVENE_FUZZ_EXAMPLES=50 .venv/bin/pytest -p no:xdist -q tests/test_api_fuzz.py``).

Random path parameters almost never name a real object, so ``_aim`` maps each generated slug or id,
deterministically (hypothesis can still shrink), onto one of the objects built in ``world`` or leaves
it random: the fuzzer reaches the handlers' real code, not only their 404s. Writes made by one example
stay for the next ones within the same test (one database transaction per test), so later examples
see groups that were joined, left, decided on or closed.

Work plans and results (issue 5): for the operations under a plan, ``_plans`` builds (once per test,
only when such an operation is fuzzed) three plans through the services: a draft, a submitted one and
an approved one with values reported, a volunteer's offer and an adopted shared indicator. A generated
``plan_id`` is aimed at one of them together with its group's slug, the ids of its parts (objectives,
tasks, budget lines, indicators, measurements…) at that plan's current rows, and a ``revision`` in a
body, half of the time, at the record's current revision, so that edits are also saved, not only
refused with 409.
"""

import datetime
import os
import zlib

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from conftest import make_person
from convene.governance.models import DecisionOutcome
from convene.groups import services as group_services
from convene.groups.models import GroupKind, GroupMembership
from convene.people import services as people_services
from convene.people.models import Organisation, Topic
from convene.plans import models as plan_models
from convene.results import models as result_models


@pytest.fixture(autouse=True)
def _one_lead_records_and_approves(settings):
    """Values here are recorded and approved by the same co-chair: these tests are about what an
    approved value does, not about who approves it (separation of duties: results/tests/test_separation.py)."""
    settings.CONVENE_SEPARATE_RECORD_AND_APPROVE = False


APP = get_wsgi_application()
# All checks, as schemathesis ships them, with one tuning its own documentation gives for this case
# (``schemathesis explain ST202``): a request that is valid for the schema may still be refused with 422
# for a rule the schema cannot express (a kind or topic that does not exist, a target period that
# already has one, a rate of "0" as text). The refusal is declared, in the one error shape.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429"],
            }
        }
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP, config=CONFIG)

EXAMPLES = int(os.environ.get("CONVENE_FUZZ_EXAMPLES", "20"))


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

    updates = _updates(open_group, chairs[0])
    people = {"member": member, "secretariat": secretariat, "committee": committee_member, "chair": chairs[0]}
    groups = {"open": open_group, "approval": approval, "hidden": hidden}
    return {
        "_plans": lambda: _plans(people, groups, asker),
        "slug": [g.slug for g in (open_group, approval, hidden, closed, proposal)],
        "person_id": [p.pk for p in (member, secretariat, committee_member, *chairs, asker)],
        "membership_id": list(GroupMembership.objects.values_list("pk", flat=True)),
        "organisation_id": list(Organisation.objects.values_list("pk", flat=True)),
        "kind": list(GroupKind.objects.values_list("slug", flat=True)),
        "topic": list(Topic.objects.values_list("slug", flat=True)[:5]),
        **_events(secretariat, chairs[0], open_group, member),
        "update_id": updates,
        **_ambassadors(secretariat, asker, member),
    }


def _ambassadors(secretariat, ambassador, applicant) -> dict[str, list]:
    """An open cohort with one ambassador (a term begun 100 days ago) and one application waiting."""
    from convene.advocacy import ambassador_services

    today = datetime.date.today()  # noqa: DTZ011
    cohort = ambassador_services.cohort_save(
        acting=secretariat,
        title="Fuzz cohort",
        deadline=today + datetime.timedelta(days=30),
        term_starts=today + datetime.timedelta(days=60),
    )
    first = ambassador_services.application_submit(
        cohort=cohort, acting=ambassador, country="IN", motivation="To serve."
    )
    selected = ambassador_services.application_select(
        application=first, acting=secretariat, starts_on=today - datetime.timedelta(days=100)
    )
    waiting = ambassador_services.application_submit(
        cohort=cohort, acting=applicant, country="ZM", motivation="Me too."
    )
    return {
        "cohort_id": [cohort.pk],
        "application_id": [waiting.pk, first.pk],
        "ambassador_id": [selected.pk],
    }


def _events(secretariat, chair, group, member) -> dict[str, list]:
    """A public webinar of the open group (the member registered) and a members' workshop (issue 14)."""
    import datetime

    from convene.events import services as event_services

    webinar = event_services.event_create(
        acting=chair,
        kind="webinar",
        title="Fuzz webinar",
        starts=datetime.datetime(2030, 6, 10, 14),  # noqa: DTZ001 (wall-clock time in zone_name)
        ends=datetime.datetime(2030, 6, 10, 15),  # noqa: DTZ001
        zone_name="America/New_York",
        online_url="https://meet.example/fuzz",
        host_groups=[group],
        capacity=2,
    )
    workshop = event_services.event_create(
        acting=secretariat,
        kind="workshop",
        title="Fuzz workshop",
        starts=datetime.datetime(2030, 7, 1, 9),  # noqa: DTZ001
        ends=datetime.datetime(2030, 7, 1, 12),  # noqa: DTZ001
        zone_name="Africa/Lusaka",
        venue="Lusaka",
        visibility="members",
    )
    registration = event_services.registration_register(event=webinar, acting=member)
    return {"event_id": [webinar.pk, workshop.pk], "registration_id": [registration.pk]}


def _updates(group, chair) -> list[int]:
    """A draft update and a submitted one of ``group`` (issue 12), for the operations under /updates/."""
    from convene.reports import services as report_services

    ids = []
    for period in ((datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)), None):
        update = report_services.update_draft(group=group, acting=chair, period=period)
        ids.append(update.pk)
        if period is not None:
            update = report_services.update_save(
                update=update, acting=chair, revision=1, achievements="Sent."
            )
            report_services.update_submit(update=update, acting=chair)
    return ids


def _plans(people: dict, groups: dict, asker) -> None:
    """A draft plan (open group), a submitted one (hidden group) and an approved one (approval group)
    with a value waiting for approval, an approved value, an offer to help and an adopted shared indicator.
    The member is responsible for the indicators, so that they may report values."""
    from convene.plans import services as plan_services
    from convene.plans.tests.factories import QUARTERS, build_plan
    from convene.results import services as results_services

    chair, committee = people["chair"], people["committee"]

    def plan(group, title):
        return build_plan(
            group=group,
            cochair=chair,
            secretariat=people["secretariat"],
            responsible=people["member"],
            title=title,
        )

    build_plan_for_open = plan(groups["open"], "Open plan")
    submitted = plan(groups["hidden"], "Hidden plan")
    plan_services.plan_submit(plan=submitted.plan, acting=chair)
    approved = plan(groups["approval"], "Approved plan")
    shared = results_services.shared_indicator_save(
        acting=people["secretariat"], code="FUZZ1", name="People reached", disaggregations=["country"]
    )
    adopted = results_services.indicator_adopt(
        plan=approved.plan, acting=chair, shared=shared, result=approved.outcome, responsible=people["member"]
    )
    plan_services.plan_submit(plan=approved.plan, acting=chair)
    plan_services.plan_review(plan=approved.plan, acting=committee, approve=True)
    for indicator, disaggregation in ((approved.indicator, {}), (adopted, {"country": "KE"})):
        value = results_services.measurement_record(
            indicator=indicator,
            acting=people["member"],
            starts_on=QUARTERS[0][0],
            ends_on=QUARTERS[0][1],
            value="5",
            disaggregation=disaggregation,
        )
        results_services.measurement_review(measurement=value, acting=chair, approve=True)
    results_services.measurement_record(
        indicator=approved.indicator,
        acting=people["member"],
        starts_on=QUARTERS[1][0],
        ends_on=QUARTERS[1][1],
        value="3",
    )
    plan_services.volunteer_offer(task=approved.task, acting=asker)
    assert build_plan_for_open.plan.status == "draft"


# Path parameters that name a part of the plan in the same path: {name: (model, path to the plan)}.
PLAN_PARTS = {
    "objective_id": (plan_models.Objective, "plan"),
    "deliverable_id": (plan_models.Deliverable, "plan"),
    "task_id": (plan_models.Task, "deliverable__plan"),
    "line_id": (plan_models.BudgetLine, "plan"),
    "rate_id": (plan_models.ExchangeRate, "plan"),
    "need_id": (plan_models.HRNeed, "plan"),
    "version_id": (plan_models.PlanVersion, "plan"),
    "result_id": (result_models.Result, "plan"),
    "indicator_id": (result_models.Indicator, "plan"),
    "measurement_id": (result_models.Measurement, "indicator__plan"),
}
# Ids in a body: what they name.
BODY_PARTS = {"objective_id": "objective_id", "deliverable_id": "deliverable_id", "result_id": "result_id"}
BODY_PARTS["parent_id"] = "result_id"
PEOPLE_IN_BODIES = ("person_id", "replaces_id", "owner_id", "assignee_id", "filled_by_id", "responsible_id")
PLAN_OPERATIONS = ("/plans", "/tasks/", "/volunteers/", "/results/", "/help-wanted")


def _ids(model, **filters) -> list[int]:
    return list(model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True))


def _aim_at_plans(case, world: dict[str, list]) -> None:
    """Aim the plan, its parts, the ids and the revision in the body at rows that exist now."""
    if "_plans_built" not in world:
        world["_plans"]()
        world["_plans_built"] = True
    params = case.path_parameters or {}
    plan = None
    if "plan_id" in params:
        params["plan_id"] = _pick(params["plan_id"], _ids(plan_models.WorkPlan))
        if isinstance(params["plan_id"], int):  # a negative example may send text
            plan = plan_models.WorkPlan.objects.select_related("group").filter(pk=params["plan_id"]).first()
        if plan is not None and "slug" in params:
            params["slug"] = _pick(params["slug"], [plan.group.slug])
    elif "slug" in params:
        params["slug"] = _pick(params["slug"], world["slug"])
    aimed_at = plan
    for name, (model, to_plan) in PLAN_PARTS.items():
        if name in params:
            scope = {to_plan: plan} if plan is not None else {}
            params[name] = _pick(params[name], _ids(model, **scope))
            aimed_at = (
                model.objects.filter(pk=params[name]).first() if isinstance(params[name], int) else None
            )
    for name, model in (
        ("volunteer_id", plan_models.Volunteer),
        ("shared_id", result_models.SharedIndicator),
    ):
        if name in params:
            params[name] = _pick(params[name], _ids(model))
    if isinstance(case.query, dict) and "to" in case.query and plan is not None:
        case.query["to"] = _pick(case.query["to"], _ids(plan_models.PlanVersion, plan=plan))
    if not isinstance(case.body, dict):
        return
    body = case.body
    if "revision" in body and aimed_at is not None and hasattr(aimed_at, "revision"):
        body["revision"] = _pick(body["revision"], [aimed_at.revision])
    for name, part in BODY_PARTS.items():
        if name in body and plan is not None:
            model, to_plan = PLAN_PARTS[part]
            body[name] = _pick(body[name], _ids(model, **{to_plan: plan}))
    for name in ("partner_id", "filled_by_organisation_id"):
        if name in body:
            body[name] = _pick(body[name], world["organisation_id"])
    if "level_id" in body:
        body["level_id"] = _pick(body["level_id"], _ids(result_models.ResultLevel))
    if "shared_id" in body:
        body["shared_id"] = _pick(body["shared_id"], _ids(result_models.SharedIndicator))
    if "currency" in body:
        body["currency"] = _pick(body["currency"], ["KES", "EUR", "USD"])
    if isinstance(body.get("skills"), list):
        body["skills"] = [_pick(topic, world["topic"]) for topic in body["skills"]]


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
    """Point generated path parameters, body ids, kinds and topics at real objects, most of the time.

    Only positive examples: aiming a deliberately invalid one (a kind that is not a string) could make
    it valid, and ``negative_data_rejection`` would then count its success as a failure."""
    if case.meta is not None and case.meta.generation.mode.is_negative:
        return
    plans = any(part in case.path for part in PLAN_OPERATIONS)
    if plans:
        _aim_at_plans(case, world)  # the slug goes with the plan
    elif case.path_parameters:
        for name, value in list(case.path_parameters.items()):
            if name in world:
                case.path_parameters[name] = _pick(value, world[name])
    if isinstance(case.body, dict):
        for name in PEOPLE_IN_BODIES:
            if name in case.body:
                case.body[name] = _pick(case.body[name], world["person_id"])
        # A budget line's kind is cash or in kind; an event's is its type (webinar, …).
        if "kind" in case.body and not plans and "/events" not in case.path:
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
    # The WSGI transport hands back the bytes as sent and never undoes a gzip (a real HTTP client
    # does): ask for them plain. Compression itself is tested in core/tests/test_slow_link.py.
    return {"Authorization": f"Bearer {key}", "Accept-Encoding": "identity"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
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
    case.call_and_validate(headers=caller)
