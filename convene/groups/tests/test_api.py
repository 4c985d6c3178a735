"""The groups API (/api/v1/): every endpoint for every role, denied writes change nothing, objects
a caller may not see stay unseen, and the lists have pinned query counts."""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import reverse

from conftest import make_person
from convene.governance.models import Decision, DecisionEffect, DecisionOutcome
from convene.groups import services
from convene.groups.models import (
    CochairTerm,
    Group,
    GroupKind,
    GroupMembership,
    GroupStatus,
    JoinPolicy,
    MembershipStatus,
    Visibility,
)
from convene.people import services as people_services
from convene.people.models import Person, Topic

LAUNCH = datetime.date(2024, 3, 1)

ANON, OUTSIDER, MEMBER, GROUP_MEMBER, COCHAIR, OTHER_COCHAIR, COMMITTEE, SECRETARIAT = (
    "anonymous",
    "outsider",
    "member",
    "group_member",
    "cochair",
    "other_cochair",
    "committee",
    "secretariat",
)
ROLES = (ANON, OUTSIDER, MEMBER, GROUP_MEMBER, COCHAIR, OTHER_COCHAIR, COMMITTEE, SECRETARIAT)


def launch_group(
    *,
    committee: Person,
    cochairs: list[Person],
    name: str,
    join_policy: str = JoinPolicy.OPEN,
    visibility: str = Visibility.PUBLIC,
    kind_slug: str = "interest-group",
    topics: tuple[Topic, ...] = (),
) -> Group:
    """Proposed by the first co-chair, launched by the committee, co-chairs appointed, charter set."""
    kind = GroupKind.objects.get(slug=kind_slug)
    group = services.group_propose(
        acting=cochairs[0], kind=kind, name=name, purpose="Gather and consolidate.", topics=topics
    )
    services.group_decide(group=group, outcome=DecisionOutcome.APPROVED, acting=committee, decided_on=LAUNCH)
    for person in cochairs:
        services.cochair_appoint(group=group, person=person, acting=committee, decided_on=LAUNCH)
    if join_policy != JoinPolicy.OPEN or visibility != Visibility.PUBLIC:
        services.charter_update(
            group=group, acting=cochairs[0], join_policy=join_policy, visibility=visibility
        )
    group.refresh_from_db()
    return group


def api_client(key: str | None) -> Client:
    if key is None:
        return Client()
    return Client(headers={"Authorization": f"Bearer {key}"})


@dataclass
class World:
    people: dict[str, Person | None]
    keys: dict[str, str | None]
    group: Group  # active, public, open: chair and chair_two co-chairs, group_member a member
    approval_group: Group  # same co-chairs, joining needs approval; "applicant" has asked to join
    other_group: Group  # other_cochair's group
    proposal: Group  # proposed by "proposer" (the group member)
    chair_two: Person
    applicant: Person
    request: GroupMembership
    candidate: Person  # a network member in no group: invited, appointed

    def client(self, role: str) -> Client:
        return api_client(self.keys[role])

    def person(self, role: str) -> Person | None:
        return self.people[role]


@pytest.fixture
def world(db, member, committee_member, secretariat) -> World:
    outsider = make_person("new.comer@example.org", member=False)
    chair = make_person("chair.one@example.org", name="Chipo Chair", country="ZW")
    chair_two = make_person("chair.two@example.org", name="Dana Chair", country="DK", sector="academic")
    group_member = make_person("gm@example.org", name="Gil Member", country="BR")
    other_chair = make_person("other.chair@example.org", name="Omar Other", country="EG")
    other_helper = make_person("other.helper@example.org", name="Hana Helper", country="JO")
    applicant = make_person("applicant@example.org", name="Ann Applicant", country="PE")
    candidate = make_person("candidate@example.org", name="Cat Candidate", country="NG")
    topic = Topic.objects.create(name="Case management", slug="case-management")
    group = launch_group(
        committee=committee_member, cochairs=[chair, chair_two], name="Case Management", topics=(topic,)
    )
    approval_group = launch_group(
        committee=committee_member,
        cochairs=[chair, chair_two],
        name="Advocacy",
        join_policy=JoinPolicy.APPROVAL,
    )
    other_group = launch_group(
        committee=committee_member, cochairs=[other_chair, other_helper], name="Other Group"
    )
    services.membership_join(group=group, acting=group_member)
    request = services.membership_join(group=approval_group, acting=applicant, note="Please")
    proposal = services.group_propose(
        acting=group_member,
        kind=GroupKind.objects.get(slug="task-force"),
        name="Data Task Force",
        purpose="Count what counts.",
    )
    people = {
        ANON: None,
        OUTSIDER: outsider,
        MEMBER: member,
        GROUP_MEMBER: group_member,
        COCHAIR: chair,
        OTHER_COCHAIR: other_chair,
        COMMITTEE: committee_member,
        SECRETARIAT: secretariat,
    }
    keys: dict[str, str | None] = {ANON: None}
    for role, person in people.items():
        if person is not None:
            _token, keys[role] = people_services.api_token_create(person=person, name=f"{role} script")
    return World(
        people=people,
        keys=keys,
        group=group,
        approval_group=approval_group,
        other_group=other_group,
        proposal=proposal,
        chair_two=chair_two,
        applicant=applicant,
        request=request,
        candidate=candidate,
    )


# --- The table: every endpoint, every role ---------------------------------------------------------


def memberships(world: World) -> list:
    return list(
        GroupMembership.objects.order_by("pk").values_list("pk", "group_id", "person_id", "role", "status")
    )


def groups_state(world: World) -> list:
    return list(
        Group.objects.order_by("pk").values_list(
            "pk", "name", "status", "purpose", "launched_on", "closed_on", "kind_id", "updated_at"
        )
    )


def governance_state(world: World) -> tuple:
    return (
        Decision.objects.count(),
        list(CochairTerm.objects.order_by("pk").values_list("pk", "person_id", "ends_on")),
        groups_state(world),
        memberships(world),
    )


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    args: Callable[[World], list]
    expect: dict[str, int]
    body: Callable[[World], dict] | None = None
    state: Callable[[World], Any] | None = None

    @property
    def id(self) -> str:
        return f"{self.name}-{self.method}"


def expect(**overrides: int) -> dict[str, int]:
    """401 for anonymous; the given status per role; 403 for every role not named."""
    answers = dict.fromkeys(ROLES, 403)
    answers[ANON] = 401
    answers.update(overrides)
    return answers


EVERYONE = expect(**dict.fromkeys(ROLES[1:], 200))
INSIDERS = expect(**dict.fromkeys(ROLES[2:], 200))


def group_slug(world: World) -> list:
    return [world.group.slug]


def proposal_slug(world: World) -> list:
    return [world.proposal.slug]


ENDPOINTS = [
    Endpoint("api:list_groups", "GET", lambda w: [], EVERYONE),
    Endpoint("api:get_group", "GET", group_slug, EVERYONE),
    Endpoint("api:list_group_members", "GET", group_slug, INSIDERS),
    Endpoint("api:list_decisions", "GET", lambda w: [], INSIDERS),
    Endpoint(
        "api:join_group",
        "POST",
        group_slug,
        expect(member=200, group_member=409, cochair=409, other_cochair=200, committee=200, secretariat=200),
        state=memberships,
    ),
    Endpoint(
        "api:leave_group",
        "POST",
        group_slug,
        expect(
            outsider=409,
            member=409,
            group_member=200,
            cochair=200,
            other_cochair=409,
            committee=409,
            secretariat=409,
        ),
        state=memberships,
    ),
    Endpoint(
        "api:propose_group",
        "POST",
        lambda w: [],
        expect(**dict.fromkeys(ROLES[2:], 201)),
        body=lambda w: {"kind": "interest-group", "name": "Nutrition", "purpose": "Feed.", "topics": []},
        state=groups_state,
    ),
    Endpoint(
        "api:update_proposal",
        "PATCH",
        proposal_slug,
        # Only the proposer and the secretariat; the proposal is hidden from other members.
        expect(outsider=404, member=404, group_member=200, cochair=404, other_cochair=404, secretariat=200),
        body=lambda w: {"purpose": "Count what counts, by country."},
        state=groups_state,
    ),
    Endpoint(
        "api:decide_on_group",
        "POST",
        proposal_slug,
        expect(outsider=404, member=404, cochair=404, other_cochair=404, committee=201, secretariat=201),
        body=lambda w: {"outcome": "approved", "text": "Launched.", "decided_on": "2024-05-01"},
        state=governance_state,
    ),
    Endpoint(
        "api:decide_on_group",
        "POST",
        group_slug,  # a launched group, visible to members: the rule refuses them before anything else
        expect(committee=409, secretariat=409),
        body=lambda w: {"outcome": "declined"},
        state=governance_state,
    ),
    Endpoint(
        "api:appoint_cochair",
        "POST",
        group_slug,
        expect(committee=201, secretariat=201),
        body=lambda w: {
            "person_id": w.candidate.pk,
            "replaces_id": w.chair_two.pk,
            "decided_on": "2024-06-01",
        },
        state=governance_state,
    ),
    Endpoint(
        "api:close_group",
        "POST",
        group_slug,
        expect(committee=200, secretariat=200),
        body=lambda w: {"text": "Mandate fulfilled."},
        state=governance_state,
    ),
    Endpoint(
        "api:answer_request",
        "POST",
        lambda w: [w.approval_group.slug, w.request.pk],
        expect(cochair=200, secretariat=200),
        body=lambda w: {"approve": True},
        state=memberships,
    ),
    Endpoint(
        "api:invite_to_group",
        "POST",
        group_slug,
        expect(cochair=201, secretariat=201),
        body=lambda w: {"person_id": w.candidate.pk},
        state=memberships,
    ),
]


def call(client: Client, method: str, path: str, body: dict | None = None):
    if method == "GET":
        return client.get(path)
    return client.generic(method, path, json.dumps(body or {}), content_type="application/json")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.id)
def test_endpoint_for_role(endpoint: Endpoint, role: str, world: World):
    path = reverse(endpoint.name, args=endpoint.args(world))
    before = endpoint.state(world) if endpoint.state else None

    response = call(
        world.client(role), endpoint.method, path, endpoint.body(world) if endpoint.body else None
    )

    expected = endpoint.expect[role]
    assert response.status_code == expected, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    if endpoint.state:
        after = endpoint.state(world)
        if expected >= 400:
            assert after == before, "a denied request changed something"
        else:
            assert after != before, "an allowed request changed nothing"
    if expected >= 400:
        assert "detail" in response.json()


# --- What each answer says -------------------------------------------------------------------------


def test_list_groups_shows_cochairs_counts_and_charter(world):
    response = world.client(MEMBER).get(reverse("api:list_groups"), {"topic": "case-management"})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item == {
        "id": world.group.pk,
        "slug": "case-management",
        "name": "Case Management",
        "kind": "interest-group",
        "status": "active",
        "purpose": "Gather and consolidate.",
        "topics": ["case-management"],
        "launched_on": "2024-03-01",
        "closed_on": None,
        "workplan_due_on": "2024-05-30",
        "working_language": None,
        "meeting_frequency": "",
        "meeting_form": "",
        "join_policy": "open",
        "visibility": "public",
        "max_size": None,
        "required_sectors": [],
        "required_countries": [],
        "strategic_objectives": "",
        "cochairs": [
            {"id": world.person(COCHAIR).pk, "name": "Chipo Chair"},
            {"id": world.chair_two.pk, "name": "Dana Chair"},
        ],
        "member_count": 3,
    }


def test_list_groups_filters(world):
    client = world.client(COMMITTEE)
    url = reverse("api:list_groups")

    def names(**query) -> list[str]:
        response = client.get(url, query)
        assert response.status_code == 200, response.content
        return [item["name"] for item in response.json()["items"]]

    assert names() == ["Advocacy", "Case Management", "Data Task Force", "Other Group"]
    assert names(q="advo") == ["Advocacy"]
    assert names(kind="task-force") == ["Data Task Force"]
    assert names(status="proposals") == ["Data Task Force"]
    assert names(status="active") == ["Advocacy", "Case Management", "Other Group"]
    assert names(language="fr") == []
    assert client.get(url, {"status": "nonsense"}).status_code == 422
    # A member does not see someone else's proposal; its proposer does.
    assert "Data Task Force" not in [i["name"] for i in world.client(MEMBER).get(url).json()["items"]]
    assert "Data Task Force" in [i["name"] for i in world.client(GROUP_MEMBER).get(url).json()["items"]]


def test_get_group_shows_decisions_and_my_membership(world):
    response = world.client(GROUP_MEMBER).get(reverse("api:get_group", args=[world.group.slug]))

    body = response.json()
    assert body["my_membership"]["role"] == "member"
    assert body["my_membership"]["status"] == "active"
    assert [d["effect"] for d in body["decisions"]] == [
        "cochairs_appointed",
        "cochairs_appointed",
        "group_launched",
    ]
    assert body["decisions"][0]["recorded_by"]["name"] == "Sam Committee"
    assert (
        world.client(MEMBER).get(reverse("api:get_group", args=[world.group.slug])).json()["my_membership"]
        is None
    )


def test_members_list(world):
    response = world.client(MEMBER).get(reverse("api:list_group_members", args=[world.group.slug]))

    items = response.json()["items"]
    assert [(i["name"], i["role"]) for i in items] == [
        ("Chipo Chair", "cochair"),
        ("Dana Chair", "cochair"),
        ("Gil Member", "member"),
    ]
    assert items[2]["person_id"] == world.person(GROUP_MEMBER).pk
    assert items[2]["joined_on"] == datetime.date.today().isoformat()  # noqa: DTZ011 - services use the local date
    assert set(items[0]) == {"id", "person_id", "name", "role", "joined_on"}


def test_propose_then_decide_through_the_api(world):
    topic = Topic.objects.create(name="Nutrition", slug="nutrition")
    response = world.client(MEMBER).post(
        reverse("api:propose_group"),
        {
            "kind": "interest-group",
            "name": "  Nutrition  Group ",
            "purpose": "Feed.",
            "topics": ["nutrition"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["slug"], body["status"], body["topics"]) == (
        "Nutrition Group",
        "nutrition-group",
        "proposed",
        ["nutrition"],
    )
    group = Group.objects.get(slug="nutrition-group")
    assert list(group.topics.all()) == [topic]

    response = world.client(SECRETARIAT).post(
        reverse("api:decide_on_group", args=[group.slug]),
        {"outcome": "approved", "decided_on": "2024-05-01"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["on_behalf"] is True
    assert response.json()["effect"] == DecisionEffect.GROUP_LAUNCHED
    group.refresh_from_db()
    assert (group.status, group.launched_on, group.workplan_due_on) == (
        GroupStatus.LAUNCHED,
        datetime.date(2024, 5, 1),
        datetime.date(2024, 7, 30),
    )
    log = world.client(MEMBER).get(reverse("api:list_decisions")).json()
    assert log["items"][0]["title"] == "Launch of Nutrition Group"
    assert log["items"][0]["group"] == "nutrition-group"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"kind": "no-such-kind", "name": "X", "purpose": "Y"}, "Unknown kind of group: no-such-kind."),
        (
            {"kind": "interest-group", "name": "X", "purpose": "Y", "topics": ["nope"]},
            "Unknown topics: nope.",
        ),
        ({"kind": "interest-group", "name": "   ", "purpose": "Y"}, "A proposal needs a name and a purpose."),
    ],
)
def test_bad_proposal_is_422_with_the_message(world, body, message):
    before = Group.objects.count()

    response = world.client(MEMBER).post(reverse("api:propose_group"), body, content_type="application/json")

    assert response.status_code == 422
    assert response.json() == {"detail": [{"loc": [], "msg": message, "type": "invalid"}]}
    assert Group.objects.count() == before


def test_schema_errors_are_422(world):
    response = world.client(COMMITTEE).post(
        reverse("api:decide_on_group", args=[world.proposal.slug]),
        {"outcome": "maybe"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert world.proposal.status == GroupStatus.PROPOSED
    assert Decision.objects.filter(group=world.proposal).count() == 0


def test_third_cochair_is_refused_with_a_message(world):
    before = governance_state(world)

    response = world.client(COMMITTEE).post(
        reverse("api:appoint_cochair", args=[world.group.slug]),
        {"person_id": world.candidate.pk},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert "choose whom the new one replaces" in response.json()["detail"][0]["msg"]
    assert governance_state(world) == before


def test_appointing_an_unknown_person_is_422_for_the_committee_and_403_for_others(world):
    body = {"person_id": 999_999}
    url = reverse("api:appoint_cochair", args=[world.group.slug])
    assert call(world.client(COCHAIR), "POST", url, body).status_code == 403
    response = call(world.client(COMMITTEE), "POST", url, body)
    assert response.status_code == 422
    assert response.json() == {"detail": [{"loc": [], "msg": "No such person.", "type": "invalid"}]}


def test_join_and_leave_an_approval_group(world):
    client = world.client(MEMBER)
    url = reverse("api:join_group", args=[world.approval_group.slug])

    response = client.post(url, {"note": "I train case managers."}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "requested"
    assert GroupMembership.objects.get(pk=response.json()["id"]).request_note == "I train case managers."

    response = client.post(reverse("api:leave_group", args=[world.approval_group.slug]))
    assert response.status_code == 200
    assert response.json()["status"] == "left"


def test_answer_request_of_another_group_is_404(world):
    """A co-chair cannot answer a request of a group they do not lead by putting their own slug."""
    other_request = services.membership_join(
        group=world.other_group, acting=world.person(MEMBER)
    )  # open group: an active membership, not a request, but any foreign id will do
    response = call(
        world.client(COCHAIR),
        "POST",
        reverse("api:answer_request", args=[world.group.slug, other_request.pk]),
        {"approve": False},
    )
    assert response.status_code == 404
    other_request.refresh_from_db()
    assert other_request.status == MembershipStatus.ACTIVE


def test_decline_a_request(world):
    response = call(
        world.client(COCHAIR),
        "POST",
        reverse("api:answer_request", args=[world.approval_group.slug, world.request.pk]),
        {"approve": False},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    again = call(
        world.client(COCHAIR),
        "POST",
        reverse("api:answer_request", args=[world.approval_group.slug, world.request.pk]),
        {"approve": True},
    )
    assert again.status_code == 409
    assert again.json() == {
        "detail": [{"loc": [], "msg": "This request has already been answered.", "type": "state_conflict"}]
    }


def test_close_lapses_requests_and_refuses_joining(world):
    response = call(
        world.client(COMMITTEE), "POST", reverse("api:close_group", args=[world.approval_group.slug])
    )
    assert response.status_code == 200
    assert response.json()["effect"] == "group_closed"
    world.request.refresh_from_db()
    assert world.request.status == MembershipStatus.DECLINED

    before = memberships(world)
    response = call(world.client(MEMBER), "POST", reverse("api:join_group", args=[world.approval_group.slug]))
    assert response.status_code == 403
    assert memberships(world) == before


# --- Objects the caller may not see --------------------------------------------------------------


def test_members_of_a_group_the_caller_cannot_see_are_404(world, committee_member):
    """A members-only group is invisible to a signed-up non-member; someone else's proposal to a member."""
    hidden = launch_group(
        committee=committee_member,
        cochairs=[world.person(COCHAIR), world.chair_two],
        name="Members Only",
        visibility=Visibility.MEMBERS,
    )
    outsider = world.client(OUTSIDER)
    for name in ("api:get_group", "api:list_group_members"):
        assert outsider.get(reverse(name, args=[hidden.slug])).status_code == 404
        assert world.client(MEMBER).get(reverse(name, args=[world.proposal.slug])).status_code == 404
        assert world.client(MEMBER).get(reverse(name, args=["no-such-group"])).status_code == 404
    # A network member sees the members-only group and its members.
    assert world.client(MEMBER).get(reverse("api:list_group_members", args=[hidden.slug])).status_code == 200
    # And the outsider's write to it is 404 as well, changing nothing.
    before = memberships(world)
    assert call(outsider, "POST", reverse("api:join_group", args=[hidden.slug])).status_code == 404
    assert memberships(world) == before


def test_proposer_sees_their_proposal_and_its_members_endpoint(world):
    client = world.client(GROUP_MEMBER)
    assert client.get(reverse("api:get_group", args=[world.proposal.slug])).json()["status"] == "proposed"


# --- Sessions: CSRF is checked --------------------------------------------------------------------


def test_session_write_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.person(MEMBER), backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("api:join_group", args=[world.group.slug])

    assert client.post(url, "{}", content_type="application/json").status_code == 403
    assert not GroupMembership.objects.filter(group=world.group, person=world.person(MEMBER)).exists()

    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    response = client.post(url, "{}", content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200, response.content
    assert GroupMembership.objects.filter(group=world.group, person=world.person(MEMBER)).count() == 1


def test_openapi_document_lists_every_groups_operation_with_a_summary(world):
    schema = world.client(MEMBER).get(reverse("api:openapi-json")).json()
    operations = [
        (path, method, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        # The groups router's own operations (other apps' routers also have paths under /groups/).
        if op["operationId"].startswith("convene_groups_api_") or path == "/api/v1/decisions"
    ]
    assert len(operations) == 13
    assert all(op.get("summary") for _path, _method, op in operations)
    assert schema["components"]["schemas"]["GroupOut"]["properties"]["status"]["enum"] == list(
        GroupStatus.values
    )


# --- Pinned query counts ---------------------------------------------------------------------------


def _groups(committee: Person, chairs: list[Person], n: int) -> None:
    topics = tuple(Topic.objects.create(name=f"Topic {i}", slug=f"topic-{i}") for i in range(3))
    for i in range(n):
        launch_group(committee=committee, cochairs=chairs, name=f"Group {i:03}", topics=topics)


@pytest.mark.parametrize("n", [5, 50])
def test_list_groups_query_count_does_not_grow(n, member, committee_member, django_assert_num_queries):
    chairs = [make_person(f"c{i}@example.org", name=f"Chair {i}") for i in range(2)]
    _groups(committee_member, chairs, n)
    _token, key = people_services.api_token_create(person=member, name="script")
    client = api_client(key)
    client.get(reverse("api:list_groups"))  # records the token's first use

    # token, terms, profile (is_member), count, groups, topics, co-chairs
    with django_assert_num_queries(7):
        response = client.get(reverse("api:list_groups"))

    assert response.status_code == 200
    assert response.json()["count"] == n
    assert len(response.json()["items"][0]["cochairs"]) == 2


@pytest.mark.parametrize("n", [5, 50])
def test_list_members_query_count_does_not_grow(n, member, committee_member, django_assert_num_queries):
    chairs = [make_person(f"c{i}@example.org", name=f"Chair {i}") for i in range(2)]
    group = launch_group(committee=committee_member, cochairs=chairs, name="Big Group")
    for i in range(n):
        services.membership_join(group=group, acting=make_person(f"m{i}@example.org", name=f"Member {i:03}"))
    _token, key = people_services.api_token_create(person=member, name="script")
    client = api_client(key)
    client.get(reverse("api:list_groups"))

    # token, terms, profile (is_member), group, group roles, count, memberships with people
    with django_assert_num_queries(7):
        response = client.get(reverse("api:list_group_members", args=[group.slug]))

    assert response.status_code == 200
    assert response.json()["count"] == n + 2


def test_get_group_query_count_does_not_grow_with_decisions(
    world, committee_member, django_assert_num_queries
):
    client = world.client(MEMBER)
    url = reverse("api:get_group", args=[world.group.slug])
    client.get(url)  # records the token's first use
    with django_assert_num_queries(9):
        client.get(url)
    for n in range(4):
        services.cochair_appoint(
            group=world.group,
            person=world.candidate if n % 2 == 0 else world.chair_two,
            replaces=world.chair_two if n % 2 == 0 else world.candidate,
            acting=committee_member,
        )
    # token, terms, profile (is_member), group, co-chairs, counts, topics, decisions, my membership
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.json()["decisions"]) == 7
