"""Object-level checks that a row of the matrix cannot express: changing an id, another person's token,
another group's threads and members, a proposer's own proposal."""

import datetime
from urllib.parse import urlsplit

from django.test import Client
from django.urls import reverse

from conftest import client_for
from convene.governance.models import Body, Term
from convene.groups import urls as group_urlconf
from convene.groups.models import Activity, Group, GroupMembership, GroupStatus, Post, Thread
from convene.groups.tests.permission_rows import first_post, proposal_form
from convene.people import services as people_services
from convene.people.models import Person
from tests.permissions.harness import (
    COCHAIR,
    G2,
    GROUP_MEMBER,
    MEMBER,
    SECRETARIAT,
    G,
    H,
    P,
    World,
    api_client,
)

# --- Object-level checks that a table row cannot express ---------------------------------------


def test_member_cannot_see_hidden_profile_by_changing_the_id(world):
    client = client_for(world.person(MEMBER))
    api = api_client(world, MEMBER)
    for person in (world.hidden, world.applicant):
        assert client.get(reverse("people:profile_detail", args=[person.pk])).status_code == 404
        assert api.get(reverse("api:get_member", args=[person.pk])).status_code == 404
    missing = Person.objects.order_by("-pk").first().pk + 1
    assert client.get(reverse("people:profile_detail", args=[missing])).status_code == 404
    assert api.get(reverse("api:get_member", args=[missing])).status_code == 404


def test_member_cannot_revoke_another_persons_token(world):
    victim = world.tokens[SECRETARIAT]
    response = client_for(world.person(MEMBER)).post(reverse("people:api_token_revoke", args=[victim.pk]))
    assert response.status_code == 404
    victim.refresh_from_db()
    assert victim.revoked_at is None
    # The secretariat's token still works.
    assert api_client(world, SECRETARIAT).get(reverse("api:list_members")).status_code == 200


def test_pending_applicant_is_not_an_insider(world):
    """A person waiting for approval is logged in but not a member: the insiders' pages refuse them."""
    client = client_for(world.applicant)
    assert client.get(reverse("governance:roles")).status_code == 403
    assert client.get(reverse("people:profile_detail", args=[world.members_only.pk])).status_code == 404
    assert client.get(reverse("people:profile_detail", args=[world.applicant.pk])).status_code == 200


def test_ended_secretariat_term_loses_access(world, secretariat):
    Term.objects.filter(person=secretariat, body=Body.SECRETARIAT).update(ends_on=datetime.date(2021, 1, 1))
    assert client_for(secretariat).get(reverse("people:pending_members")).status_code == 403


# --- Groups: object-level checks -----------------------------------------------------------------


def group_urls(slug: str, world: World) -> list[tuple[str, str]]:
    """Every groups: URL that takes a group's slug, with that slug and the world's other ids."""
    values = {
        "membership_id": world.request.pk,
        "action": "approve",
        "answer": "accept",
        "fmt": "csv",
        "activity_id": world.activity.pk,
        "thread_id": world.thread.pk,
        "post_id": first_post(world).pk,
    }
    urls = []
    for pattern in group_urlconf.urlpatterns:
        keys = list(pattern.pattern.converters)
        if "slug" not in keys:
            continue
        kwargs = {key: slug if key == "slug" else values[key] for key in keys}
        urls.append((pattern.name, reverse(f"groups:{pattern.name}", kwargs=kwargs)))
    return urls


def answer(response) -> tuple[int, str]:
    return response.status_code, urlsplit(response.headers.get("Location", "")).path


def test_members_only_group_is_hidden_from_outsiders(world, outsider):
    """G2 answers a visitor and a signed-up non-member exactly as a group that does not exist: 404 on
    every page they could open, the login page where one is needed; and nothing changes."""
    visitor, newcomer = Client(), client_for(outsider)
    urls = group_urls(G2, world)
    assert len(urls) == 26  # every groups: pattern but list, propose, overview(_export), unsubscribe, inbox
    before = GroupMembership.objects.count(), Thread.objects.count(), Activity.objects.count()
    for name, path in urls:
        missing = path.replace(G2, "no-such-group", 1)
        for client, who in ((visitor, "visitor"), (newcomer, "outsider")):
            for method in ("get", "post"):
                got, expected = (
                    answer(getattr(client, method)(path)),
                    answer(getattr(client, method)(missing)),
                )
                assert got == expected, f"{method.upper()} {path} ({name}) as {who}: {got}, not {expected}"
                assert got[0] in (302, 404, 405), f"{method.upper()} {path} ({name}) as {who}: {got}"
                if got[0] == 302:
                    assert (who, got[1]) == ("visitor", "/accounts/login/"), (
                        f"{path} ({name}) as {who}: {got}"
                    )
        # Each page that a visitor may open on a public group is 404 for G2.
        if name in (
            "detail",
            "composition",
            "charter",
            "cochairs",
            "members",
            "activities",
            "activities_export",
        ):
            assert visitor.get(path).status_code == 404, path
            assert newcomer.get(path).status_code == 404, path
    assert (GroupMembership.objects.count(), Thread.objects.count(), Activity.objects.count()) == before
    # The API: a visitor is refused before anything is looked up; a token of the outsider finds nothing.
    _, key = people_services.api_token_create(person=outsider, name="outsider script")
    api = Client(headers={"Authorization": f"Bearer {key}"})
    for name in ("api:get_group", "api:list_group_members"):
        assert Client().get(reverse(name, args=[G2])).status_code == 401
        assert api.get(reverse(name, args=[G2])).status_code == 404
        assert api.get(reverse(name, args=[G])).status_code == (200 if name == "api:get_group" else 403)
    assert G2 not in [group["slug"] for group in api.get(reverse("api:list_groups")).json()["items"]]
    assert (
        api.post(reverse("api:join_group", args=[G2]), "{}", content_type="application/json").status_code
        == 404
    )
    assert GroupMembership.objects.count() == before[0]


def test_group_member_cannot_read_another_groups_threads(world):
    """A member of G reads G's threads only: H's thread is 404 under G's slug and 403 under H's."""
    client = client_for(world.person(GROUP_MEMBER))
    other = world.other_thread
    assert client.get(reverse("groups:thread", args=[G, world.thread.pk])).status_code == 200
    assert client.get(reverse("groups:thread", args=[G, other.pk])).status_code == 404
    assert client.get(reverse("groups:thread", args=[H, other.pk])).status_code == 403
    assert client.get(reverse("groups:threads", args=[H])).status_code == 403
    missing = Thread.objects.order_by("-pk").first().pk + 1
    assert client.get(reverse("groups:thread", args=[G, missing])).status_code == 404
    # Nor post into it by either way.
    posts = Post.objects.filter(thread=other).count()
    assert client.post(reverse("groups:thread", args=[G, other.pk]), {"body": "Hi"}).status_code == 404
    assert client.post(reverse("groups:thread", args=[H, other.pk]), {"body": "Hi"}).status_code == 403
    assert Post.objects.filter(thread=other).count() == posts
    # The thread's title does not leak through G's page either.
    assert other.title not in client.get(reverse("groups:detail", args=[G])).content.decode()
    assert other.title not in client.get(reverse("groups:detail", args=[H])).content.decode()
    assert world.thread.title in client.get(reverse("groups:detail", args=[G])).content.decode()


def test_cochair_cannot_manage_another_groups_members(world):
    """A co-chair of G cannot approve H's membership rows under G's slug (404) or H's (403); nor via the API."""
    client, api = client_for(world.person(COCHAIR)), api_client(world, COCHAIR)
    invited = GroupMembership.objects.get(group=world.other_group, person=world.person(MEMBER))
    before = GroupMembership.objects.filter(group=world.other_group).values_list("pk", "status", "role")
    before = sorted(before)
    for slug, status in ((G, 404), (H, 403)):
        for action in ("approve", "decline", "role", "remove"):
            response = client.post(reverse("groups:membership_action", args=[slug, invited.pk, action]))
            assert response.status_code == status, (slug, action)
        answer_path = reverse("api:answer_request", args=[slug, invited.pk])
        assert api.post(answer_path, {"approve": True}, content_type="application/json").status_code == status
    invite = reverse("api:invite_to_group", args=[H])
    assert (
        api.post(invite, {"person_id": world.members_only.pk}, content_type="application/json").status_code
        == 403
    )
    assert (
        client.post(reverse("groups:invite", args=[H]), {"person_id": world.members_only.pk}).status_code
        == 403
    )
    assert (
        sorted(GroupMembership.objects.filter(group=world.other_group).values_list("pk", "status", "role"))
        == before
    )


def test_proposer_may_change_their_proposal(world):
    """The proposer (Pat Public, no role of the table) opens and changes their own proposal."""
    client = client_for(world.public)
    assert client.get(reverse("groups:detail", args=[P])).status_code == 200
    assert client.get(reverse("groups:proposal_edit", args=[P])).status_code == 200
    _, key = people_services.api_token_create(person=world.public, name="proposer script")
    api = Client(headers={"Authorization": f"Bearer {key}"})
    response = api.patch(
        reverse("api:update_proposal", args=[P]), {"purpose": "Sharper."}, content_type="application/json"
    )
    assert response.status_code == 200
    assert Group.objects.get(pk=world.proposal.pk).purpose == "Sharper."
    # The proposer does not decide on it.
    response = api.post(
        reverse("api:decide_on_group", args=[P]), {"outcome": "approved"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert Group.objects.get(pk=world.proposal.pk).status == GroupStatus.PROPOSED


def test_signed_up_non_member_cannot_propose_or_read_the_decision_log(world, outsider):
    client = client_for(outsider)
    assert client.get(reverse("groups:propose")).status_code == 403
    count = Group.objects.count()
    assert client.post(reverse("groups:propose"), proposal_form(world, MEMBER)).status_code == 403
    assert Group.objects.count() == count
    assert client.get(reverse("governance:decisions")).status_code == 403
    assert client.get(reverse("groups:detail", args=[G])).status_code == 200
    assert client.get(reverse("groups:members", args=[G])).status_code == 403
