"""The vocabulary of the permission matrix, shared by every app's rows: the roles, the expected answers,
``Row`` and ``roles()``, the ``World`` every row is tried against (built by the ``world`` fixture in
``conftest``), and the helpers that rows of several apps use."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.test import Client
from django.utils import timezone

from convene.governance.models import Term
from convene.groups.models import Activity, Group, GroupMembership, Thread
from convene.people import import_services, imports
from convene.people.models import ApiToken, MemberImport, Organisation, Person

ANON, MEMBER, COMMITTEE, SECRETARIAT, ADMIN = "anonymous", "member", "committee", "secretariat", "admin"
GROUP_MEMBER, COCHAIR, OTHER_COCHAIR = "group member", "co-chair of this group", "co-chair of another group"
ROLES = (ANON, MEMBER, COMMITTEE, SECRETARIAT, ADMIN, GROUP_MEMBER, COCHAIR, OTHER_COCHAIR)

LOGIN = "login"
ADMIN_LOGIN = "admin_login"
REAUTH = "reauthenticate"
Expected = int | str | tuple[int, str]
IMPORT_CSV = b"E-mail,Name,Country\nnia.new@example.org,Nia New,Kenya\n"
LAUNCHED_ON = datetime.date(2025, 1, 15)
# The groups' slugs, fixed so that the expected redirects can name them (checked in ``world``).
G, H, G2, P = "case-management", "advocacy-network", "quiet-circle", "supervision-tools"
G_DETAIL, P_DETAIL = f"/groups/{G}/", f"/groups/{P}/"
G_MEMBERS, G_ACTIVITIES = f"/groups/{G}/members/", f"/groups/{G}/activities/"


# --- The world every row is tried against ------------------------------------------------------


@dataclass
class World:
    people: dict[str, Person | None]
    tokens: dict[str, ApiToken]
    keys: dict[str, str]
    public: Person
    members_only: Person
    hidden: Person
    applicant: Person
    organisation: Organisation
    term: Term
    # G: public, join on approval; co-chaired by COCHAIR, GROUP_MEMBER is a member, ``requester`` asks to join.
    group: Group
    # H: public and open, co-chaired by OTHER_COCHAIR; MEMBER is invited to it.
    other_group: Group
    # G2: seen by members of the network only.
    members_only_group: Group
    # P: a working group proposed by ``public`` (no role of the table), waiting for the committee.
    proposal: Group
    requester: Person
    request: GroupMembership
    group_membership: GroupMembership
    thread: Thread
    other_thread: Thread
    activity: Activity

    def person(self, role: str) -> Person | None:
        return self.people[role]

    def once(self, key: str, make: Callable[[], Any]) -> Any:
        """A record made once per world, outside the roles' savepoints: ``make()`` on first use (by a
        row's args), the same record after. ``key`` names it among the rows of every app."""
        if key not in self.__dict__:
            self.__dict__[key] = make()
        return self.__dict__[key]

    @cached_property
    def plans(self):
        """G's work plan, a draft, written by COCHAIR with GROUP_MEMBER responsible for its indicator
        (``convene.plans.tests.factories.build_plan``); made only for the rows that need it."""
        from convene.plans.tests.factories import build_plan

        return build_plan(
            group=self.group,
            cochair=self.people[COCHAIR],
            secretariat=self.people[SECRETARIAT],
            responsible=self.people[GROUP_MEMBER],
        )

    def plan_in(self, status: str):
        """G's plan moved (through the services) to ``draft``, ``submitted``, ``returned`` or ``approved``."""
        from convene.plans import services as plan_services

        world = self.plans
        plan = world.plan
        plan.refresh_from_db()
        if status != "draft" and plan.status == "draft":
            plan_services.plan_submit(plan=plan, acting=self.people[COCHAIR])
            plan.refresh_from_db()
        if status in ("returned", "approved") and plan.status == "submitted":
            plan_services.plan_review(
                plan=plan, acting=self.people[COMMITTEE], approve=status == "approved", comment="Add travel."
            )
        plan.refresh_from_db()
        assert plan.status == status, plan.status
        return plan

    @cached_property
    def measurement(self):
        """A value GROUP_MEMBER (responsible) reported for the first quarter of G's approved plan,
        waiting for a co-chair's approval."""
        from convene.plans.tests.factories import QUARTERS
        from convene.results import services as results_services

        self.plan_in("approved")
        return results_services.measurement_record(
            indicator=self.plans.indicator,
            acting=self.people[GROUP_MEMBER],
            starts_on=QUARTERS[0][0],
            ends_on=QUARTERS[0][1],
            value="7",
        )

    @cached_property
    def member_import(self) -> MemberImport:
        """An uploaded member list, made only for the import rows (through the import's own services)."""
        parsed = imports.parse_upload(name="members.csv", data=IMPORT_CSV)
        return import_services.member_import_create(
            parsed=parsed,
            filename="members.csv",
            mapping=imports.guess_mapping(parsed.headers),
            acting=self.people[SECRETARIAT],
        )


# --- The table's vocabulary ------------------------------------------------------------------


def no_args(world: World, role: str) -> list:
    return []


@dataclass(frozen=True)
class Row:
    name: str
    expect: dict[str, Expected]
    method: str = "GET"
    variant: str = ""
    args: Callable[[World, str], list] = no_args
    query: dict = field(default_factory=dict)
    data: Callable[[World, str], dict] | None = None
    # An API row's body, sent as JSON (``data`` is a form, sent as multipart).
    json: Callable[[World, str], dict] | None = None
    # A snapshot of what a POST may change (None: nothing to compare for this role).
    state: Callable[[World, str], Any] | None = None
    # Roles whose answer is not a refusal but which change nothing (e.g. leaving a group one is not in).
    unchanged: frozenset[str] = frozenset()
    api: bool = False

    @property
    def id(self) -> str:
        return "-".join(p for p in (self.name, self.method, self.variant) if p)


def roles(
    anonymous: Expected = LOGIN,
    member: Expected = 403,
    committee: Expected | None = None,
    secretariat: Expected = 200,
    admin: Expected | None = None,
    group_member: Expected | None = None,
    cochair: Expected | None = None,
    other_cochair: Expected | None = None,
) -> dict[str, Expected]:
    """Expected answers. Unless told: the committee, a member of G and a co-chair of H answer like a
    member, a co-chair of G like a member of G, and the admin like the secretariat."""
    group_member = member if group_member is None else group_member
    return {
        ANON: anonymous,
        MEMBER: member,
        COMMITTEE: member if committee is None else committee,
        SECRETARIAT: secretariat,
        ADMIN: secretariat if admin is None else admin,
        GROUP_MEMBER: group_member,
        COCHAIR: group_member if cochair is None else cochair,
        OTHER_COCHAIR: member if other_cochair is None else other_cochair,
    }


EVERYONE_200 = roles(anonymous=200, member=200)
LOGGED_IN_200 = roles(member=200)
SECRETARIAT_ONLY = roles()
API_EVERYONE = roles(anonymous=401, member=200)
HOME = (302, "/")


def pk_of(attr: str) -> Callable[[World, str], list]:
    return lambda world, role: [getattr(world, attr).pk]


def own_or_member(world: World, role: str) -> Person:
    """The acting person, or (for an anonymous visitor) the member whose data must not change."""
    return world.person(role) or world.person(MEMBER)


def slug_of(attr: str) -> Callable[[World, str], list]:
    return lambda world, role: [getattr(world, attr).slug]


def today() -> str:
    return timezone.localdate().isoformat()


def api_client(world: World, role: str) -> Client:
    if role == ANON:
        return Client()
    return Client(headers={"Authorization": f"Bearer {world.keys[role]}"})


# --- G's work plan, for the rows of the plans and results apps ---------------------------------


def plan_of(status: str = "draft") -> Callable[[World, str], list]:
    """[G, G's plan moved to ``status``] (made once, outside the roles' savepoints)."""
    return lambda world, role: [G, world.plan_in(status).pk]


def part_of(attr: str, status: str = "draft") -> Callable[[World, str], list]:
    """[G, G's plan moved to ``status``, the id of ``world.plans.<attr>``]."""
    return lambda world, role: [G, world.plan_in(status).pk, getattr(world.plans, attr).pk]


def saved(world: World, attr: str):
    obj = getattr(world.plans, attr)
    return type(obj).objects.get(pk=obj.pk)


def values_of(model_path: str, *fields: str, **filters) -> Callable[[World, str], list]:
    """The rows of a plan model (``"plans.Objective"``) of G's plan, as tuples of ``fields``."""

    def snapshot(world: World, role: str) -> list:
        from django.apps import apps

        model = apps.get_model(model_path)
        plan_field = "deliverable__plan" if model_path == "plans.Task" else "plan"
        if model_path == "results.Target":
            plan_field = "indicator__plan"
        return sorted(
            model.objects.filter(**{plan_field: world.plans.plan}, **filters).values_list("pk", *fields)
        )

    return snapshot
