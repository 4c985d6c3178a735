"""Every URL of the project, for every role (DESIGN "Quality, measured"; STYLE §5).

One table, ``ROWS``: a row names a URL pattern, the method to try, how to build its arguments from
real objects, and the answer each role gets. ``test_every_url_has_a_row`` walks the URL resolver and
fails, naming the URL, when a pattern has no row, so a new page cannot ship without deciding who may
open it. Admin URLs are represented by a few rows; the rest of ``admin:*`` must match one of the
shapes in ``ADMIN_COVERED`` (the admin checks its own permissions for those).

Expected answers:
- ``LOGIN``: 302 to ``/accounts/login/?next=<this URL>`` (a page that needs a login, for an anonymous visitor)
- ``ADMIN_LOGIN``: 302 to ``/admin/login/?next=<this URL>`` (the admin's own login, for non-staff)
- ``REAUTH``: 302 to ``/accounts/reauthenticate/?next=<this URL>`` (allauth asks for the password again
  before security settings change; ``force_login`` records no recent authentication)
- an int: that status; ``(302, "/path")``: a redirect to exactly that path, ``(302, "/path*")``: to a
  path that starts so (the id of a new row is not known in advance).
For POST and PATCH rows ``state`` takes a snapshot before and after: a denied role changes nothing, an
allowed role changes it, unless the row names the role in ``unchanged`` (an answer that is not a refusal
but does nothing, such as leaving a group one is not in). API rows send JSON (``json``).

Speed: the world is built once per row (``test_url``); each role's request runs inside
``transaction.atomic()`` rolled back at its end, so one role's allowed write is not what the next role
sees. A failure names the URL, the method and every role that got a different answer.

Roles: besides the network's own (anonymous, member, committee, secretariat, admin), three about the
group ``world.group`` (G): an active member of G, a co-chair of G (appointed by the committee through
``cochair_appoint``), and a co-chair of another group H. Unless a row says otherwise, a member of G and
a co-chair of H answer like a plain member and a co-chair of G like a member of G.
"""

import datetime
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import client_for, give_term, make_person
from convene.governance.models import Body, DecisionOutcome, Term
from convene.groups import services as group_services
from convene.groups import tasks as group_tasks
from convene.groups import urls as group_urlconf
from convene.groups.models import (
    Activity,
    CochairTerm,
    Group,
    GroupKind,
    GroupMembership,
    GroupStatus,
    Post,
    Thread,
)
from convene.groups.rules import forget_roles
from convene.people import import_services, imports
from convene.people import services as people_services
from convene.people.models import (
    ApiToken,
    MemberImport,
    MembershipStatus,
    Organisation,
    Person,
    Profile,
    ProfileVisibility,
)

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


@pytest.fixture
def world(db, settings, member, committee_member, secretariat) -> World:
    admin = make_person("root@example.org", name="Ada Admin", country="GB")
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    public = make_person(
        "pub@example.org", name="Pat Public", country="ZM", profile_visibility=ProfileVisibility.PUBLIC
    )
    members_only = make_person("mem@example.org", name="Mo Members", country="IN")
    hidden = make_person(
        "hid@example.org", name="Hal Hidden", country="IN", profile_visibility=ProfileVisibility.NOBODY
    )
    settings.CONVENE_MEMBERSHIP_APPROVAL = True
    applicant = make_person("apply@example.org", name="Al Applicant", country="PE")
    settings.CONVENE_MEMBERSHIP_APPROVAL = False
    assert Profile.objects.get(person=applicant).membership_status == MembershipStatus.PENDING
    organisation = people_services.organisation_save(acting=secretariat, name="Health Alliance", country="KE")
    # An ambassador's seat that roles can end without changing anyone's permissions.
    give_term(public, Body.AMBASSADOR)
    term = Term.objects.get(person=public, body=Body.AMBASSADOR)
    group_member = make_person("gm@example.org", name="Gita Groupmember", country="NP")
    cochair = make_person("cochair@example.org", name="Cora Cochair", country="BR")
    other_cochair = make_person("other.chair@example.org", name="Omar Other", country="EG")
    g2_chair = make_person("quiet.chair@example.org", name="Quinn Quiet", country="FI")
    requester = make_person("req@example.org", name="Rui Requester", country="PT")

    def launch(name: str, chair: Person, **charter) -> Group:
        kind = GroupKind.objects.get(slug="interest-group")
        group = group_services.group_propose(acting=chair, kind=kind, name=name, purpose="Gather practice.")
        group_services.group_decide(
            group=group, outcome=DecisionOutcome.APPROVED, acting=committee_member, decided_on=LAUNCHED_ON
        )
        # One of the two seats: the other stays free for the appointment rows.
        group_services.cochair_appoint(
            group=group, person=chair, acting=committee_member, decided_on=LAUNCHED_ON
        )
        group_services.charter_update(group=group, acting=chair, **charter)
        return Group.objects.get(pk=group.pk)

    group = launch("Case Management", cochair, join_policy="approval", visibility="public")
    group_services.membership_request_decide(
        membership=group_services.membership_join(group=group, acting=group_member),
        acting=cochair,
        approve=True,
    )
    forget_roles(group_member)
    request = group_services.membership_join(group=group, acting=requester, note="Please.")
    thread = group_services.thread_start(group=group, acting=group_member, title="Intake forms", body="Ours.")
    activity = group_services.activity_save(group=group, acting=group_member, what="Training intake staff")
    other_group = launch("Advocacy Network", other_cochair, join_policy="open", visibility="public")
    group_services.membership_invite(group=other_group, person=member, acting=other_cochair)
    other_thread = group_services.thread_start(
        group=other_group, acting=other_cochair, title="Campaign plan", body="Only for us."
    )
    members_only_group = launch("Quiet Circle", g2_chair, join_policy="open", visibility="members")
    proposal = group_services.group_propose(
        acting=public,
        kind=GroupKind.objects.get(slug="working-group"),
        name="Supervision Tools",
        purpose="Collect supervision tools.",
    )
    assert [group.slug, other_group.slug, members_only_group.slug, proposal.slug] == [G, H, G2, P]
    assert GroupMembership.objects.get(group=group, person=cochair).role == "cochair"
    people = {
        ANON: None,
        MEMBER: member,
        COMMITTEE: committee_member,
        SECRETARIAT: secretariat,
        ADMIN: admin,
        GROUP_MEMBER: group_member,
        COCHAIR: cochair,
        OTHER_COCHAIR: other_cochair,
    }
    tokens, keys = {}, {}
    for role, person in people.items():
        if person is not None:
            tokens[role], keys[role] = people_services.api_token_create(person=person, name=f"{role} script")
    return World(
        people=people,
        tokens=tokens,
        keys=keys,
        public=public,
        members_only=members_only,
        hidden=hidden,
        applicant=applicant,
        organisation=organisation,
        term=term,
        group=group,
        other_group=other_group,
        members_only_group=members_only_group,
        proposal=proposal,
        requester=requester,
        request=request,
        group_membership=GroupMembership.objects.get(group=group, person=group_member),
        thread=thread,
        other_thread=other_thread,
        activity=activity,
    )


# --- The table ---------------------------------------------------------------------------------


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


def profile_form(world: World, role: str) -> dict:
    return {
        "name": Profile.objects.get(person=own_or_member(world, role)).name,
        "country": "KE",
        "sector": "ngo",
        "bio": f"Edited as {role}",
        "profile_visibility": "members",
        "email_visibility": "nobody",
        "time_zone": "Africa/Nairobi",
        "language": "en",
    }


def bio_of(world: World, role: str) -> str:
    return Profile.objects.get(person=own_or_member(world, role)).bio


def tokens_of(world: World, role: str) -> int:
    return ApiToken.objects.filter(person=own_or_member(world, role)).count()


def language_of(world: World, role: str) -> str | None:
    person = world.person(role)
    return Person.objects.get(pk=person.pk).language if person else None


ADMIN_ROWS = [
    Row("admin:index", roles(anonymous=ADMIN_LOGIN, member=ADMIN_LOGIN, secretariat=200)),
    Row("admin:login", roles(anonymous=LOGIN, member=403, secretariat=(302, "/admin/"))),
    Row(
        "admin:people_person_changelist",
        roles(anonymous=ADMIN_LOGIN, member=ADMIN_LOGIN, secretariat=200, admin=200),
    ),
    Row(
        "admin:people_person_change",
        roles(anonymous=ADMIN_LOGIN, member=ADMIN_LOGIN, secretariat=200, admin=200),
        args=pk_of("hidden"),
    ),
    Row(
        "admin:governance_term_changelist",
        roles(anonymous=ADMIN_LOGIN, member=ADMIN_LOGIN, secretariat=200, admin=200),
    ),
]

# Every other admin URL is one of these shapes: the admin's own views, guarded by the admin itself
# exactly like the representative rows above. A custom admin view (an action page, an import) does
# not match and needs its own row.
ADMIN_COVERED = re.compile(
    r"^admin:("
    r"index|login|logout|password_change|password_change_done|autocomplete|jsi18n|view_on_site|app_list"
    r"|auth_user_password_change"
    r"|[a-z0-9_]+_(changelist|add|change|delete|history|simple_history)"
    r")$"
)

ACCOUNT_ROWS = [
    Row("account_login", roles(anonymous=200, member=HOME, secretariat=HOME)),
    Row("account_logout", roles(anonymous=HOME, member=200, secretariat=200)),
    Row("account_inactive", EVERYONE_200),
    Row("account_signup", roles(anonymous=200, member=HOME, secretariat=HOME)),
    Row("account_reauthenticate", LOGGED_IN_200),
    Row("account_email", LOGGED_IN_200),
    Row("account_email_verification_sent", EVERYONE_200),
    Row("account_change_password", LOGGED_IN_200),
    Row(
        "account_set_password",
        roles(member=(302, "/accounts/password/change/"), secretariat=(302, "/accounts/password/change/")),
    ),
    Row("account_reset_password", EVERYONE_200),
    Row(
        "account_confirm_login_code",
        roles(anonymous=(302, "/accounts/login/"), member=HOME, secretariat=HOME),
    ),
    Row("account_confirm_email", EVERYONE_200, args=lambda world, role: ["not-a-key"]),
    Row("account_reset_password_from_key_done", EVERYONE_200),
    Row("account_reset_password_from_key", EVERYONE_200, args=lambda world, role: ["2", "not-a-key"]),
    Row("account_reset_password_done", EVERYONE_200),
    Row("mfa_index", LOGGED_IN_200),
    Row("mfa_authenticate", roles(anonymous=(302, "/accounts/login/"), member=HOME, secretariat=HOME)),
    # Without an authenticator there is nothing to reauthenticate with: allauth falls back to the password.
    Row(
        "mfa_reauthenticate",
        roles(member=(302, "/accounts/reauthenticate/"), secretariat=(302, "/accounts/reauthenticate/")),
    ),
    Row("mfa_activate_totp", roles(member=REAUTH, secretariat=REAUTH)),
    # Nobody in the world has TOTP on: these pages have nothing to show.
    Row("mfa_deactivate_totp", roles(member=404, secretariat=404)),
    Row("mfa_view_recovery_codes", roles(member=404, secretariat=404)),
    Row("mfa_generate_recovery_codes", roles(member=REAUTH, secretariat=REAUTH)),
    Row("mfa_download_recovery_codes", roles(member=404, secretariat=404)),
]

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

PEOPLE_ROWS = [
    Row("people:figures", EVERYONE_200),
    Row("people:directory", EVERYONE_200),
    Row("people:profile_detail", EVERYONE_200, variant="public", args=pk_of("public")),
    Row(
        "people:profile_detail",
        roles(anonymous=404, member=200),
        variant="members",
        args=pk_of("members_only"),
    ),
    Row("people:profile_detail", roles(anonymous=404, member=404), variant="hidden", args=pk_of("hidden")),
    Row(
        "people:profile_detail",
        roles(anonymous=404, member=404),
        variant="pending",
        args=pk_of("applicant"),
    ),
    Row(
        "people:directory_export",
        roles(member=403, committee=200),
        variant="csv",
        args=lambda world, role: ["csv"],
    ),
    Row(
        "people:directory_export",
        roles(member=403, committee=200),
        variant="xlsx",
        args=lambda world, role: ["xlsx"],
    ),
    Row("people:profile_edit", LOGGED_IN_200),
    Row(
        "people:profile_edit",
        roles(member=(302, "/profile/"), secretariat=(302, "/profile/")),
        method="POST",
        data=profile_form,
        state=bio_of,
    ),
    Row("people:api_tokens", LOGGED_IN_200),
    Row(
        "people:api_tokens",
        LOGGED_IN_200,
        method="POST",
        data=lambda world, role: {"name": "new script", "password": "correct horse battery staple"},
        state=tokens_of,
    ),
    Row(
        "people:api_tokens",
        roles(anonymous=LOGIN, member=200, secretariat=200),
        method="POST",
        variant="wrong-password",
        data=lambda world, role: {"name": "new script", "password": "not the password"},
        state=tokens_of,
        unchanged=frozenset(ROLES),
    ),
    Row(
        "people:api_token_revoke",
        roles(member=(302, "/profile/tokens/"), secretariat=(302, "/profile/tokens/")),
        method="POST",
        # Everyone revokes their own token; an anonymous visitor tries the member's.
        args=lambda world, role: [world.tokens[role if role != ANON else MEMBER].pk],
        state=lambda world, role: (
            ApiToken.objects.get(pk=world.tokens[role if role != ANON else MEMBER].pk).revoked_at
        ),
    ),
    Row(
        "people:api_token_revoke",
        roles(member=405, secretariat=405),
        args=lambda world, role: [world.tokens[MEMBER].pk],
    ),
    Row("people:pending_members", SECRETARIAT_ONLY),
    Row(
        "people:pending_members_approve",
        roles(secretariat=(302, "/manage/members/pending/")),
        method="POST",
        data=lambda world, role: {"person": [str(world.applicant.pk)]},
        state=lambda world, role: Profile.objects.get(person=world.applicant).membership_status,
    ),
    Row("people:pending_members_approve", roles(member=405, secretariat=405)),
    Row(
        "people:membership_decide",
        roles(secretariat=(302, "/manage/members/pending/")),
        method="POST",
        args=pk_of("applicant"),
        data=lambda world, role: {"decision": "approve"},
        state=lambda world, role: Profile.objects.get(person=world.applicant).membership_status,
    ),
    Row("people:organisation_list", SECRETARIAT_ONLY),
    Row("people:organisation_create", SECRETARIAT_ONLY),
    Row(
        "people:organisation_create",
        roles(secretariat=(302, "/manage/organisations/")),
        method="POST",
        data=lambda world, role: {"name": "Rotary Kenya", "sector": "ngo", "country": "KE", "website": ""},
        state=lambda world, role: Organisation.objects.count(),
    ),
    Row("people:organisation_edit", SECRETARIAT_ONLY, args=pk_of("organisation")),
    Row(
        "people:organisation_edit",
        roles(secretariat=(302, "/manage/organisations/")),
        method="POST",
        args=pk_of("organisation"),
        data=lambda world, role: {"name": "Health Alliance International", "sector": "ngo", "country": "KE"},
        state=lambda world, role: Organisation.objects.get(pk=world.organisation.pk).name,
    ),
]


def import_id(world: World, role: str) -> list:
    return [world.member_import.pk]


def import_state(world: World, role: str) -> tuple:
    member_import = MemberImport.objects.get(pk=world.member_import.pk)
    return member_import.status, member_import.mapping, Person.objects.count()


IMPORT_ROWS = [
    Row("people:import_upload", SECRETARIAT_ONLY),
    Row(
        "people:import_upload",
        roles(secretariat=(302, "/manage/import/*")),
        method="POST",
        data=lambda world, role: {"file": SimpleUploadedFile("members.csv", IMPORT_CSV, "text/csv")},
        state=lambda world, role: MemberImport.objects.count(),
    ),
    # Read already (the world's import): the status page leads on to the columns.
    Row("people:import_status", roles(secretariat=(302, "/manage/import/*")), args=import_id),
    Row("people:import_mapping", SECRETARIAT_ONLY, args=import_id),
    Row(
        "people:import_mapping",
        roles(secretariat=(302, "/manage/import/*")),
        method="POST",
        args=import_id,
        # Only the e-mail column, where the guess also took the name and the country.
        data=lambda world, role: {"email": "0"},
        state=import_state,
    ),
    Row("people:import_preview", SECRETARIAT_ONLY, args=import_id),
    Row(
        "people:import_commit",
        roles(secretariat=(302, "/manage/import/*")),
        method="POST",
        args=import_id,
        state=import_state,
    ),
    Row("people:import_commit", roles(member=405, secretariat=405), args=import_id),
]

GOVERNANCE_ROWS = [
    Row("governance:roles", roles(member=200)),
    Row("governance:term_create", SECRETARIAT_ONLY),
    Row(
        "governance:term_create",
        roles(secretariat=(302, "/governance/roles/")),
        method="POST",
        data=lambda world, role: {
            "email": world.members_only.email,
            "body": Body.STEERING_COMMITTEE,
            "starts_on": "2024-01-01",
            "ends_on": "",
            "title": "",
            "cohort": "",
        },
        state=lambda world, role: Term.objects.count(),
    ),
    Row(
        "governance:term_end",
        roles(secretariat=(302, "/governance/roles/")),
        method="POST",
        args=pk_of("term"),
        state=lambda world, role: Term.objects.get(pk=world.term.pk).ends_on,
    ),
    Row("governance:term_end", roles(member=405, secretariat=405), args=pk_of("term")),
    Row("governance:decisions", roles(member=200)),
]

API_ROWS = [
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
    Row("api:list_members", API_EVERYONE, api=True),
    Row("api:get_member", API_EVERYONE, variant="public", args=pk_of("public"), api=True),
    Row(
        "api:get_member",
        roles(anonymous=401, member=200),
        variant="members",
        args=pk_of("members_only"),
        api=True,
    ),
    Row("api:get_member", roles(anonymous=401, member=404), variant="hidden", args=pk_of("hidden"), api=True),
    Row(
        "api:get_member",
        roles(anonymous=401, member=404),
        variant="pending",
        args=pk_of("applicant"),
        api=True,
    ),
    Row("api:list_organisations", API_EVERYONE, api=True),
    Row("api:get_organisation", API_EVERYONE, args=pk_of("organisation"), api=True),
]

# --- Groups: the group's pages and its governance (convene/groups/views.py) ---------------------


def slug_of(attr: str) -> Callable[[World, str], list]:
    return lambda world, role: [getattr(world, attr).slug]


def today() -> str:
    return timezone.localdate().isoformat()


def group_field(attr: str, field_name: str) -> Callable[[World, str], tuple]:
    """A field of a group, in a tuple (an empty field is None, and a None snapshot is not compared)."""
    return lambda world, role: (getattr(Group.objects.get(pk=getattr(world, attr).pk), field_name),)


def own_membership(attr: str) -> Callable[[World, str], list]:
    """The acting person's rows in a group (for an anonymous visitor: the member's)."""
    return lambda world, role: list(
        GroupMembership.objects.filter(group=getattr(world, attr), person=own_or_member(world, role))
        .order_by("pk")
        .values_list("status", "role", "notify")
    )


def membership_row(attr: str) -> Callable[[World, str], tuple]:
    return lambda world, role: GroupMembership.objects.filter(pk=getattr(world, attr).pk).values_list(
        "status", "role"
    )[0]


def memberships_of_members_only(world: World, role: str) -> list:
    """Whether Mo Members (in no group) was invited to G."""
    return list(
        GroupMembership.objects.filter(group=world.group, person=world.members_only).values_list("status")
    )


def cochairs_of_g(world: World, role: str) -> list:
    return sorted(
        CochairTerm.objects.filter(group=world.group, ends_on=None).values_list("person_id", flat=True)
    )


def groups_count(world: World, role: str) -> int:
    return Group.objects.count()


def proposal_form(world: World, role: str) -> dict:
    return {
        "kind": GroupKind.objects.get(slug="interest-group").pk,
        "name": "Peer Support",
        "purpose": "Share peer support practice.",
        "why_now": "",
        "suggested_cochairs": "",
    }


def charter_form(world: World, role: str) -> dict:
    return {
        "working_language": "",
        "meeting_frequency": "",
        "meeting_form": "",
        "join_policy": "approval",
        "visibility": "public",
        "max_size": "",
        "strategic_objectives": f"Reach every region ({role}).",
        "revision": Group.objects.get(pk=world.group.pk).revision,  # the hidden field (no lost writes)
    }


# Every page of G that anyone who sees G may open; G2 (members only) is 404 to a visitor.
GROUP_PAGES_FOR_ALL = ("groups:detail", "groups:composition", "groups:charter", "groups:cochairs")
EVERYONE_BUT_VISITOR = roles(anonymous=404, member=200)
# Only the committee and the secretariat (and the admin, a superuser) see a proposal.
PROPOSAL_INSIDERS = roles(anonymous=404, member=404, committee=200)
COMMITTEE_AND_SECRETARIAT = roles(member=403, committee=200)

GROUP_ROWS = [
    Row("groups:list", EVERYONE_200),
    *(Row(name, EVERYONE_200, args=slug_of("group")) for name in GROUP_PAGES_FOR_ALL),
    *(
        Row(name, EVERYONE_BUT_VISITOR, variant="members-only", args=slug_of("members_only_group"))
        for name in GROUP_PAGES_FOR_ALL
    ),
    Row("groups:detail", PROPOSAL_INSIDERS, variant="proposal", args=slug_of("proposal")),
    Row(
        "groups:charter",
        roles(member=403, cochair=(302, f"/groups/{G}/charter/"), secretariat=(302, f"/groups/{G}/charter/")),
        method="POST",
        args=slug_of("group"),
        data=charter_form,
        state=group_field("group", "strategic_objectives"),
    ),
    Row(
        "groups:cochairs",
        roles(
            member=403, committee=(302, f"/groups/{G}/cochairs/"), secretariat=(302, f"/groups/{G}/cochairs/")
        ),
        method="POST",
        args=slug_of("group"),
        data=lambda world, role: {"email": world.members_only.email, "replaces": "", "decided_on": today()},
        state=cochairs_of_g,
    ),
    Row("groups:propose", LOGGED_IN_200),
    Row(
        "groups:propose",
        roles(member=(302, "/groups/peer-support/"), secretariat=(302, "/groups/peer-support/")),
        method="POST",
        data=proposal_form,
        state=groups_count,
    ),
    # A launched group is visible: the rule refuses. A proposal is not: a member cannot tell it exists.
    Row("groups:decide", COMMITTEE_AND_SECRETARIAT, args=slug_of("group")),
    Row("groups:decide", roles(member=404, committee=200), variant="proposal", args=slug_of("proposal")),
    Row(
        "groups:decide",
        roles(member=404, committee=(302, P_DETAIL), secretariat=(302, P_DETAIL)),
        method="POST",
        variant="proposal",
        args=slug_of("proposal"),
        data=lambda world, role: {"outcome": "approved", "text": "", "decided_on": today()},
        state=group_field("proposal", "status"),
    ),
    Row("groups:close", COMMITTEE_AND_SECRETARIAT, args=slug_of("group")),
    Row(
        "groups:close",
        roles(member=403, committee=(302, G_DETAIL), secretariat=(302, G_DETAIL)),
        method="POST",
        args=slug_of("group"),
        data=lambda world, role: {"text": "Its work is done.", "decided_on": today()},
        state=group_field("group", "status"),
    ),
    Row("groups:workplan_received", roles(member=405, secretariat=405), args=slug_of("group")),
    Row(
        "groups:workplan_received",
        roles(member=403, committee=(302, G_DETAIL), secretariat=(302, G_DETAIL)),
        method="POST",
        args=slug_of("group"),
        state=group_field("group", "workplan_received_on"),
    ),
    Row("groups:overview", COMMITTEE_AND_SECRETARIAT),
    Row("groups:overview_export", COMMITTEE_AND_SECRETARIAT, variant="csv", args=lambda world, role: ["csv"]),
    Row(
        "groups:overview_export", COMMITTEE_AND_SECRETARIAT, variant="xlsx", args=lambda world, role: ["xlsx"]
    ),
    Row(
        "groups:overview_export",
        roles(member=403, secretariat=403),
        variant="unknown",
        args=lambda world, role: ["pdf"],
    ),
    # Its proposer (Pat Public, no role here; see test_proposer_may_change_their_proposal) and the secretariat.
    Row(
        "groups:proposal_edit", roles(member=404, committee=403), variant="proposal", args=slug_of("proposal")
    ),
    Row(
        "groups:proposal_edit",
        roles(member=404, committee=403, secretariat=(302, P_DETAIL)),
        method="POST",
        variant="proposal",
        args=slug_of("proposal"),
        data=lambda world, role: {
            "kind": world.proposal.kind_id,
            "name": "Supervision Tools",
            "purpose": f"Collect and compare supervision tools ({role}).",
            "why_now": "",
            "suggested_cochairs": "",
        },
        state=group_field("proposal", "purpose"),
    ),
    # G is launched: its proposer (the co-chair) and the secretariat are sent back to its page.
    Row(
        "groups:proposal_edit",
        roles(member=403, cochair=(302, G_DETAIL), secretariat=(302, G_DETAIL)),
        variant="launched",
        args=slug_of("group"),
    ),
]

# --- Groups: joining, members, activities, threads (convene/groups/membership_views.py) ----------

NOT_IN_G = frozenset({MEMBER, COMMITTEE, SECRETARIAT, ADMIN, OTHER_COCHAIR})
HOME_OF_G = (302, G_DETAIL)
# Reading threads: members of the group, the committee and the secretariat.
THREAD_READERS = roles(member=403, committee=200, group_member=200)
# Posting: members of the group and the secretariat (the committee reads only).
THREAD_POSTERS = roles(member=403, group_member=200)
# Managing members: the group's co-chairs and the secretariat.
MANAGERS = roles(member=403, cochair=(302, G_MEMBERS), secretariat=(302, G_MEMBERS))
# Recording one's activities: members of the group, and no one else.
ACTIVITY_RECORDERS = roles(member=403, secretariat=403, group_member=200)


def to_everyone(answer: Expected, anonymous: Expected = LOGIN) -> dict[str, Expected]:
    return {role: anonymous if role == ANON else answer for role in ROLES}


def membership_action(attr: str, action: str) -> Callable[[World, str], list]:
    return lambda world, role: [G, getattr(world, attr).pk, action]


def g_thread(world: World, role: str) -> list:
    return [G, world.thread.pk]


def first_post(world: World) -> Post:
    """The post that opened G's thread, written by GROUP_MEMBER."""
    return Post.objects.filter(thread=world.thread).order_by("pk").first()


def g_post(world: World, role: str) -> list:
    return [G, world.thread.pk, first_post(world).pk]


# Editing or deleting a post: its author only (the co-chair and the secretariat moderate, they do not reword).
POST_AUTHOR = roles(member=403, secretariat=403, group_member=200, cochair=403)


def unsubscribe_token(world: World, role: str) -> list:
    return [group_tasks.unsubscribe_token(world.group_membership.pk)]


MEMBERSHIP_ROWS = [
    # Anyone in the network may ask to join; for those already in, the service says so and nothing changes.
    Row(
        "groups:join",
        to_everyone(HOME_OF_G),
        method="POST",
        args=slug_of("group"),
        state=own_membership("group"),
        unchanged=frozenset({GROUP_MEMBER, COCHAIR}),
    ),
    Row("groups:join", roles(member=405, secretariat=405), args=slug_of("group")),
    Row(
        "groups:leave",
        to_everyone(HOME_OF_G),
        method="POST",
        args=slug_of("group"),
        state=own_membership("group"),
        unchanged=NOT_IN_G,
    ),
    Row(
        "groups:notify",
        to_everyone(HOME_OF_G),
        method="POST",
        args=slug_of("group"),
        data=lambda world, role: {"notify": "weekly"},
        state=own_membership("group"),
        unchanged=NOT_IN_G,
    ),
    Row("groups:members", roles(anonymous=403, member=200), args=slug_of("group")),
    Row("groups:members", EVERYONE_BUT_VISITOR, variant="members-only", args=slug_of("members_only_group")),
    Row(
        "groups:membership_action",
        MANAGERS,
        method="POST",
        variant="approve",
        args=membership_action("request", "approve"),
        state=membership_row("request"),
    ),
    Row(
        "groups:membership_action",
        MANAGERS,
        method="POST",
        variant="decline",
        args=membership_action("request", "decline"),
        state=membership_row("request"),
    ),
    Row(
        "groups:membership_action",
        MANAGERS,
        method="POST",
        variant="role",
        args=membership_action("group_membership", "role"),
        data=lambda world, role: {"role": "coordinator"},
        state=membership_row("group_membership"),
    ),
    Row(
        "groups:membership_action",
        MANAGERS,
        method="POST",
        variant="remove",
        args=membership_action("group_membership", "remove"),
        state=membership_row("group_membership"),
    ),
    Row(
        "groups:membership_action",
        roles(member=404, secretariat=404),
        method="POST",
        variant="unknown",
        args=membership_action("request", "promote"),
        state=membership_row("request"),
    ),
    Row(
        "groups:invite",
        MANAGERS,
        method="POST",
        args=slug_of("group"),
        data=lambda world, role: {"person_id": world.members_only.pk},
        state=memberships_of_members_only,
    ),
    # MEMBER is invited to H; everyone else is told there is no invitation to answer.
    Row(
        "groups:invitation_answer",
        to_everyone((302, f"/groups/{H}/")),
        method="POST",
        args=lambda world, role: [H, "accept"],
        state=own_membership("other_group"),
        unchanged=frozenset(ROLES) - {MEMBER},
    ),
    Row(
        "groups:invitation_answer",
        roles(member=404, secretariat=404),
        method="POST",
        variant="unknown",
        args=lambda world, role: [H, "maybe"],
        state=own_membership("other_group"),
    ),
    Row("groups:activities", roles(anonymous=403, member=200), args=slug_of("group")),
    Row(
        "groups:activities", EVERYONE_BUT_VISITOR, variant="members-only", args=slug_of("members_only_group")
    ),
    Row(
        "groups:activities_export",
        roles(anonymous=403, member=200),
        variant="csv",
        args=lambda world, role: [G, "csv"],
    ),
    Row(
        "groups:activities_export",
        roles(anonymous=403, member=200),
        variant="xlsx",
        args=lambda world, role: [G, "xlsx"],
    ),
    Row(
        "groups:activities_export",
        roles(anonymous=403, member=404, secretariat=404),
        variant="unknown",
        args=lambda world, role: [G, "pdf"],
    ),
    Row(
        "groups:activities_export",
        roles(anonymous=404, member=200),
        variant="members-only",
        args=lambda world, role: [G2, "csv"],
    ),
    Row("groups:activity_create", ACTIVITY_RECORDERS, args=slug_of("group")),
    Row(
        "groups:activity_create",
        roles(member=403, secretariat=403, group_member=(302, G_ACTIVITIES)),
        method="POST",
        args=slug_of("group"),
        data=lambda world, role: {
            "what": "Mentoring new case workers",
            "country": "KE",
            "place": "",
            "since": "",
        },
        state=lambda world, role: Activity.objects.filter(group=world.group).count(),
    ),
    # Only the member who recorded the activity changes it; the co-chair may not.
    Row(
        "groups:activity_edit",
        roles(member=403, secretariat=403, group_member=200, cochair=403),
        args=lambda world, role: [G, world.activity.pk],
    ),
    Row(
        "groups:activity_edit",
        roles(member=403, secretariat=403, group_member=(302, G_ACTIVITIES), cochair=403),
        method="POST",
        args=lambda world, role: [G, world.activity.pk],
        data=lambda world, role: {"what": "Training supervisors", "country": "", "place": "", "since": ""},
        state=lambda world, role: Activity.objects.get(pk=world.activity.pk).what,
    ),
    Row(
        "groups:activity_delete",
        roles(member=403, secretariat=403, group_member=(302, G_ACTIVITIES), cochair=403),
        method="POST",
        args=lambda world, role: [G, world.activity.pk],
        state=lambda world, role: Activity.objects.filter(pk=world.activity.pk).exists(),
    ),
    Row("groups:threads", THREAD_READERS, args=slug_of("group")),
    Row("groups:thread", THREAD_READERS, args=g_thread),
    # H's thread asked for under G's slug: those who may read G's threads learn nothing of H's.
    Row(
        "groups:thread",
        roles(member=403, committee=404, secretariat=404, group_member=404),
        variant="other-group",
        args=lambda world, role: [G, world.other_thread.pk],
    ),
    # H's thread under H's slug: G's members and co-chair are not H's.
    Row(
        "groups:thread",
        roles(member=403, committee=200, other_cochair=200),
        variant="other-groups-thread",
        args=lambda world, role: [H, world.other_thread.pk],
    ),
    Row(
        "groups:thread",
        roles(
            member=403,
            group_member=(302, f"/groups/{G}/threads/*"),
            secretariat=(302, f"/groups/{G}/threads/*"),
        ),
        method="POST",
        args=g_thread,
        data=lambda world, role: {"body": f"A reply from the {role}."},
        state=lambda world, role: Post.objects.filter(thread=world.thread).count(),
    ),
    # A post: its author (a member of G) edits or deletes it; G's co-chair and the secretariat read
    # its versions; nobody else does either.
    Row("groups:post_edit", POST_AUTHOR, args=g_post),
    Row(
        "groups:post_edit",
        roles(member=403, secretariat=403, group_member=(302, f"/groups/{G}/threads/*"), cochair=403),
        method="POST",
        args=g_post,
        data=lambda world, role: {"body": f"Reworded by the {role}."},
        state=lambda world, role: Post.objects.get(pk=first_post(world).pk).body,
    ),
    Row("groups:post_delete", POST_AUTHOR, args=g_post),
    Row(
        "groups:post_delete",
        roles(member=403, secretariat=403, group_member=(302, f"/groups/{G}/threads/*"), cochair=403),
        method="POST",
        args=g_post,
        state=lambda world, role: Post.objects.get(pk=first_post(world).pk).deleted_at,
    ),
    Row(
        "groups:post_history", roles(member=403, secretariat=200, group_member=403, cochair=200), args=g_post
    ),
    # H's post asked for under G's thread: not found for those who read G.
    Row(
        "groups:post_history",
        roles(member=403, committee=404, secretariat=404, group_member=404),
        variant="other-group",
        args=lambda world, role: [
            G,
            world.thread.pk,
            Post.objects.filter(thread=world.other_thread).first().pk,
        ],
    ),
    Row("groups:thread_create", THREAD_POSTERS, args=slug_of("group")),
    Row(
        "groups:thread_create",
        roles(
            member=403,
            group_member=(302, f"/groups/{G}/threads/*"),
            secretariat=(302, f"/groups/{G}/threads/*"),
        ),
        method="POST",
        args=slug_of("group"),
        data=lambda world, role: {"title": "Referral pathways", "body": "How do you refer?"},
        state=lambda world, role: Thread.objects.filter(group=world.group).count(),
    ),
    # The signed token is the authentication (RFC 8058 one-click): whoever holds it may unsubscribe.
    Row("groups:unsubscribe", to_everyone(200, anonymous=200), args=unsubscribe_token),
    Row(
        "groups:unsubscribe",
        to_everyone(200, anonymous=200),
        method="POST",
        args=unsubscribe_token,
        state=lambda world, role: GroupMembership.objects.get(pk=world.group_membership.pk).notify,
    ),
    Row(
        "groups:unsubscribe",
        to_everyone(400, anonymous=400),
        method="POST",
        variant="forged",
        args=lambda world, role: ["not-a-token"],
        state=lambda world, role: GroupMembership.objects.get(pk=world.group_membership.pk).notify,
    ),
    Row("groups:inbox", LOGGED_IN_200),
]

# --- Groups: the API (convene/groups/api.py) ---------------------------------------------------

API_GROUP_ROWS = [
    Row("api:list_groups", API_EVERYONE, api=True),
    Row("api:get_group", API_EVERYONE, args=slug_of("group"), api=True),
    Row("api:get_group", API_EVERYONE, variant="members-only", args=slug_of("members_only_group"), api=True),
    Row(
        "api:get_group",
        roles(anonymous=401, member=404, committee=200),
        variant="proposal",
        args=slug_of("proposal"),
        api=True,
    ),
    Row("api:list_group_members", API_EVERYONE, args=slug_of("group"), api=True),
    Row("api:list_decisions", API_EVERYONE, api=True),
    Row(
        "api:propose_group",
        roles(anonymous=401, member=201, secretariat=201),
        method="POST",
        json=lambda world, role: {
            "kind": "interest-group",
            "name": "Peer Support",
            "purpose": "Share practice.",
        },
        state=groups_count,
        api=True,
    ),
    Row(
        "api:update_proposal",
        roles(anonymous=401, member=404, committee=403),
        method="PATCH",
        args=slug_of("proposal"),
        json=lambda world, role: {"purpose": f"Collect and compare supervision tools ({role})."},
        state=group_field("proposal", "purpose"),
        api=True,
    ),
    Row(
        "api:decide_on_group",
        roles(anonymous=401, member=404, committee=201, secretariat=201),
        method="POST",
        args=slug_of("proposal"),
        json=lambda world, role: {"outcome": "approved"},
        state=group_field("proposal", "status"),
        api=True,
    ),
    Row(
        "api:appoint_cochair",
        roles(anonymous=401, member=403, committee=201, secretariat=201),
        method="POST",
        args=slug_of("group"),
        json=lambda world, role: {
            "person_id": world.members_only.pk,
            "replaces_id": world.person(COCHAIR).pk,
        },
        state=cochairs_of_g,
        api=True,
    ),
    Row(
        "api:close_group",
        roles(anonymous=401, member=403, committee=200),
        method="POST",
        args=slug_of("group"),
        json=lambda world, role: {},
        state=group_field("group", "status"),
        api=True,
    ),
    Row(
        "api:answer_request",
        roles(anonymous=401, member=403, cochair=200),
        method="POST",
        args=lambda world, role: [G, world.request.pk],
        json=lambda world, role: {"approve": True},
        state=membership_row("request"),
        api=True,
    ),
    Row(
        "api:invite_to_group",
        roles(anonymous=401, member=403, cochair=201, secretariat=201),
        method="POST",
        args=slug_of("group"),
        json=lambda world, role: {"person_id": world.members_only.pk},
        state=memberships_of_members_only,
        api=True,
    ),
    Row(
        "api:join_group",
        roles(anonymous=401, member=200, group_member=409),
        method="POST",
        args=slug_of("group"),
        json=lambda world, role: {},
        state=own_membership("group"),
        api=True,
    ),
    Row(
        "api:leave_group",
        roles(anonymous=401, member=409, secretariat=409, group_member=200),
        method="POST",
        args=slug_of("group"),
        json=lambda world, role: {},
        state=own_membership("group"),
        api=True,
    ),
]

# --- Your data and account erasure (convene/people/privacy.py) -----------------------------------


def is_active_of(world: World, role: str) -> bool:
    return Person.objects.get(pk=own_or_member(world, role).pk).is_active


PRIVACY_ROWS = [
    Row("people:privacy", LOGGED_IN_200),
    # The archive holds the login record: allauth asks for the password again first (the download
    # itself is tested in convene/people/tests/test_privacy.py).
    Row("people:privacy_download", roles(member=REAUTH, secretariat=REAUTH)),
    Row("people:account_erase", roles(member=REAUTH, secretariat=REAUTH)),
    Row(
        "people:account_erase",
        roles(member=REAUTH, secretariat=REAUTH),
        method="POST",
        data=lambda world, role: {"confirm": own_or_member(world, role).email},
        state=is_active_of,
    ),
    # The rule before the password: a member is refused at once, the secretariat asked for it.
    Row("people:member_erase", roles(member=403, secretariat=REAUTH), args=pk_of("members_only")),
    Row(
        "people:member_erase",
        roles(member=403, secretariat=REAUTH),
        method="POST",
        args=pk_of("members_only"),
        data=lambda world, role: {"confirm": world.members_only.email},
        state=lambda world, role: Person.objects.get(pk=world.members_only.pk).is_active,
    ),
    Row("api:my_data", roles(anonymous=401, member=200), api=True),
    # With a session, the password again first (as /account/data/download/ asks).
    Row("api:my_data", roles(anonymous=401, member=403, secretariat=403), variant="session"),
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

# --- Work plans and results: the API (convene/plans/api.py, convene/results/api.py) -----------------
# G's plan (``world.plans``): a draft unless the row moves it on (``world.plan_in``). Reads: every
# network member; plan edits: G's co-chair and the secretariat; review: the committee and the secretariat.

API_PLAN_READERS = roles(anonymous=401, member=200)
API_PLAN_EDITORS = roles(anonymous=401, member=403, secretariat=200, cochair=200)
API_PLAN_CREATORS = roles(anonymous=401, member=403, secretariat=201, cochair=201)
API_PLAN_DELETERS = roles(anonymous=401, member=403, secretariat=204, cochair=204)


def api_plan(status: str = "draft") -> Callable[[World, str], list]:
    return lambda world, role: [G, world.plan_in(status).pk]


def api_part(attr: str, status: str = "draft") -> Callable[[World, str], list]:
    """[G, plan, the id of ``world.plans.<attr>``]."""
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


def plan_status(world: World, role: str) -> tuple:
    from convene.plans.models import WorkPlan

    return WorkPlan.objects.filter(pk=world.plans.plan.pk).values_list("status", "title", "version").get()


def g_plans(world: World, role: str) -> int:
    from convene.plans.models import WorkPlan

    return WorkPlan.objects.filter(group=world.group).count()


def member_offer(world: World, role: str):
    """MEMBER's open offer to help with G's help-wanted task (made once, through the service)."""
    from convene.plans import services as plan_services
    from convene.plans.models import Volunteer

    offer = Volunteer.objects.filter(task=world.plans.task, person=world.person(MEMBER)).first()
    return offer or plan_services.volunteer_offer(task=world.plans.task, acting=world.person(MEMBER))


def volunteers_state(world: World, role: str) -> list:
    from convene.plans.models import Volunteer

    return sorted(Volunteer.objects.filter(task=world.plans.task).values_list("pk", "person_id", "status"))


def spare_rate(world: World, role: str):
    """A EUR rate of G's plan that no budget line uses."""
    from decimal import Decimal

    from convene.plans import services as plan_services

    return plan_services.rate_set(
        plan=world.plans.plan, acting=world.person(COCHAIR), currency="EUR", rate=Decimal("1.08")
    )


def shared_indicator(world: World, role: str):
    from convene.results import services as results_services
    from convene.results.models import SharedIndicator

    found = SharedIndicator.objects.filter(code="SSW1").first()
    return found or results_services.shared_indicator_save(
        acting=world.person(SECRETARIAT), code="SSW1", name="Social workers trained"
    )


def shared_state(world: World, role: str) -> list:
    from convene.results.models import SharedIndicator

    return sorted(SharedIndicator.objects.values_list("pk", "code", "name", "is_active"))


def measurement_state(world: World, role: str) -> list:
    from convene.results.models import Measurement

    return sorted(
        Measurement.objects.filter(indicator__plan=world.plans.plan).values_list(
            "pk", "status", "review_note"
        )
    )


def measurement_with_evidence(world: World, role: str):
    """A value GROUP_MEMBER reported with an evidence file (once)."""
    from convene.plans.tests.factories import QUARTERS
    from convene.results import services as results_services
    from convene.results.models import Measurement

    world.plan_in("approved")
    found = Measurement.objects.filter(indicator=world.plans.indicator, note="with evidence").first()
    return found or results_services.measurement_record(
        indicator=world.plans.indicator,
        acting=world.person(GROUP_MEMBER),
        starts_on=QUARTERS[0][0],
        ends_on=QUARTERS[0][1],
        value="3",
        note="with evidence",
        evidence_file=SimpleUploadedFile("count.csv", b"district,count\nNorth,3\n"),
    )


API_PLAN_ROWS = [
    # The plan.
    Row("api:list_plans", API_PLAN_READERS, args=slug_of("group"), api=True),
    Row(
        "api:create_plan",
        API_PLAN_CREATORS,
        method="POST",
        args=slug_of("group"),
        json=lambda world, role: {"title": "Plan 2026", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
        state=g_plans,
        api=True,
    ),
    Row("api:get_plan", API_PLAN_READERS, args=api_plan(), api=True),
    Row(
        "api:update_plan",
        API_PLAN_EDITORS,
        method="PATCH",
        args=api_plan(),
        json=lambda world, role: {"revision": saved(world, "plan").revision, "title": f"Plan of {role}"},
        state=plan_status,
        api=True,
    ),
    Row(
        "api:submit_plan",
        API_PLAN_EDITORS,
        method="POST",
        args=api_plan(),
        state=plan_status,
        api=True,
    ),
    Row(
        "api:review_plan",
        roles(anonymous=401, member=403, committee=200),
        method="POST",
        args=api_plan("submitted"),
        json=lambda world, role: {"approve": False, "comment": "Add the travel costs."},
        state=plan_status,
        api=True,
    ),
    Row(
        "api:revise_plan",
        API_PLAN_EDITORS,
        method="POST",
        args=api_plan("approved"),
        state=plan_status,
        api=True,
    ),
    Row("api:list_plan_versions", API_PLAN_READERS, args=api_plan("submitted"), api=True),
    Row(
        "api:compare_plan_versions",
        API_PLAN_READERS,
        args=lambda world, role: [G, world.plan_in("submitted").pk, world.plans.plan.versions.first().pk],
        api=True,
    ),
    # Objectives, deliverables, tasks.
    Row(
        "api:create_objective",
        API_PLAN_CREATORS,
        method="POST",
        args=api_plan(),
        json=lambda world, role: {"title": "Shared supervision"},
        state=values_of("plans.Objective", "title"),
        api=True,
    ),
    Row(
        "api:update_objective",
        API_PLAN_EDITORS,
        method="PATCH",
        args=api_part("objective"),
        json=lambda world, role: {"revision": saved(world, "objective").revision, "title": f"By {role}"},
        state=values_of("plans.Objective", "title"),
        api=True,
    ),
    Row(
        "api:delete_objective",
        API_PLAN_DELETERS,
        method="DELETE",
        args=api_part("objective"),
        state=values_of("plans.Objective", "title"),
        api=True,
    ),
    Row(
        "api:create_deliverable",
        API_PLAN_CREATORS,
        method="POST",
        args=api_plan(),
        json=lambda world, role: {"title": "Training of trainers", "cost": "1200.00"},
        state=values_of("plans.Deliverable", "title"),
        api=True,
    ),
    Row(
        "api:update_deliverable",
        API_PLAN_EDITORS,
        method="PATCH",
        args=api_part("deliverable"),
        json=lambda world, role: {"revision": saved(world, "deliverable").revision, "title": f"By {role}"},
        state=values_of("plans.Deliverable", "title"),
        api=True,
    ),
    # Once the plan is approved, its co-chair keeps the statuses up to date; the committee does not.
    Row(
        "api:update_deliverable",
        API_PLAN_EDITORS,
        method="PATCH",
        variant="approved-status",
        args=api_part("deliverable", "approved"),
        json=lambda world, role: {"revision": saved(world, "deliverable").revision, "status": "in_progress"},
        state=values_of("plans.Deliverable", "status"),
        api=True,
    ),
    Row(
        "api:delete_deliverable",
        API_PLAN_DELETERS,
        method="DELETE",
        args=api_part("deliverable"),
        state=values_of("plans.Deliverable", "title"),
        api=True,
    ),
    Row(
        "api:create_task",
        API_PLAN_CREATORS,
        method="POST",
        args=api_part("deliverable"),
        json=lambda world, role: {"title": "Proof-read the toolkit"},
        state=values_of("plans.Task", "title"),
        api=True,
    ),
    Row(
        "api:update_task",
        API_PLAN_EDITORS,
        method="PATCH",
        args=api_part("task"),
        json=lambda world, role: {"revision": saved(world, "task").revision, "title": f"By {role}"},
        state=values_of("plans.Task", "title"),
        api=True,
    ),
    Row(
        "api:delete_task",
        API_PLAN_DELETERS,
        method="DELETE",
        args=api_part("task"),
        state=values_of("plans.Task", "title"),
        api=True,
    ),
    # Comments: the group, the committee and the secretariat.
    Row("api:list_plan_comments", API_PLAN_READERS, args=api_plan(), api=True),
    Row(
        "api:add_plan_comment",
        roles(anonymous=401, member=403, committee=201, secretariat=201, group_member=201),
        method="POST",
        args=api_plan(),
        json=lambda world, role: {"body": f"A thought from the {role}."},
        state=lambda world, role: world.plans.plan.comments.count(),
        api=True,
    ),
    # Budget, exchange rates, human resources.
    Row("api:list_budget_lines", API_PLAN_READERS, args=api_plan(), api=True),
    Row(
        "api:create_budget_line",
        API_PLAN_CREATORS,
        method="POST",
        args=api_plan(),
        json=lambda world, role: {"category": "travel", "description": "Flights", "planned": "900"},
        state=values_of("plans.BudgetLine", "description"),
        api=True,
    ),
    Row(
        "api:update_budget_line",
        API_PLAN_EDITORS,
        method="PATCH",
        args=api_part("line"),
        json=lambda world, role: {"revision": saved(world, "line").revision, "planned": "310000"},
        state=values_of("plans.BudgetLine", "planned"),
        api=True,
    ),
    Row(
        "api:delete_budget_line",
        API_PLAN_DELETERS,
        method="DELETE",
        args=api_part("line"),
        state=values_of("plans.BudgetLine", "description"),
        api=True,
    ),
    Row("api:list_rates", API_PLAN_READERS, args=api_plan(), api=True),
    Row(
        "api:set_rate",
        API_PLAN_CREATORS,
        method="POST",
        args=api_plan(),
        json=lambda world, role: {"currency": "GBP", "rate": "1.27"},
        state=values_of("plans.ExchangeRate", "currency", "rate"),
        api=True,
    ),
    Row(
        "api:update_rate",
        API_PLAN_EDITORS,
        method="PATCH",
        args=lambda world, role: [G, world.plans.plan.pk, spare_rate(world, role).pk],
        json=lambda world, role: {"rate": "1.1"},
        state=values_of("plans.ExchangeRate", "currency", "rate"),
        api=True,
    ),
    Row(
        "api:delete_rate",
        API_PLAN_DELETERS,
        method="DELETE",
        args=lambda world, role: [G, world.plans.plan.pk, spare_rate(world, role).pk],
        state=values_of("plans.ExchangeRate", "currency", "rate"),
        api=True,
    ),
    Row("api:list_hr_needs", API_PLAN_READERS, args=api_plan(), api=True),
    Row(
        "api:create_hr_need",
        API_PLAN_CREATORS,
        method="POST",
        args=api_plan(),
        json=lambda world, role: {"role": "Translator", "hours_per_month": "12.5"},
        state=values_of("plans.HRNeed", "role"),
        api=True,
    ),
    Row(
        "api:update_hr_need",
        API_PLAN_EDITORS,
        method="PATCH",
        args=api_part("need"),
        json=lambda world, role: {
            "revision": saved(world, "need").revision,
            "filled_by_organisation_id": world.organisation.pk,
        },
        state=values_of("plans.HRNeed", "filled_by_organisation_id"),
        api=True,
    ),
    Row(
        "api:delete_hr_need",
        API_PLAN_DELETERS,
        method="DELETE",
        args=api_part("need"),
        state=values_of("plans.HRNeed", "role"),
        api=True,
    ),
    # Help wanted: any member of the network offers; the volunteer withdraws; G's co-chair decides.
    Row("api:list_help_wanted", API_PLAN_READERS, api=True),
    Row(
        "api:volunteer_for_task",
        roles(anonymous=401, member=201, secretariat=201),
        method="POST",
        args=lambda world, role: [world.plans.task.pk],
        json=lambda world, role: {"note": "I translate for a living."},
        state=volunteers_state,
        api=True,
    ),
    Row(
        "api:withdraw_volunteer",
        roles(anonymous=401, member=200, committee=403, secretariat=403, group_member=403, other_cochair=403),
        method="POST",
        args=lambda world, role: [member_offer(world, role).pk],
        state=volunteers_state,
        api=True,
    ),
    Row(
        "api:decide_volunteer",
        API_PLAN_EDITORS,
        method="POST",
        args=lambda world, role: [member_offer(world, role).pk],
        json=lambda world, role: {"accept": True},
        state=volunteers_state,
        api=True,
    ),
    # The results framework: read by every member, edited with the plan.
    Row("api:get_framework", API_PLAN_READERS, args=api_plan(), api=True),
    Row(
        "api:create_result",
        API_PLAN_CREATORS,
        method="POST",
        args=api_plan(),
        json=lambda world, role: {
            "level_id": world.plans.outcome.level_id,
            "parent_id": world.plans.goal.pk,
            "statement": "Supervisors coach case workers.",
        },
        state=values_of("results.Result", "statement"),
        api=True,
    ),
    Row(
        "api:update_result",
        API_PLAN_EDITORS,
        method="PATCH",
        args=api_part("outcome"),
        json=lambda world, role: {"revision": saved(world, "outcome").revision, "statement": f"By {role}"},
        state=values_of("results.Result", "statement"),
        api=True,
    ),
    Row(
        "api:delete_result",
        API_PLAN_DELETERS,
        method="DELETE",
        args=api_part("outcome"),
        state=values_of("results.Result", "statement"),
        api=True,
    ),
    Row(
        "api:create_indicator",
        API_PLAN_CREATORS,
        method="POST",
        args=api_plan(),
        json=lambda world, role: {"result_id": world.plans.outcome.pk, "name": "Supervisors trained"},
        state=values_of("results.Indicator", "name"),
        api=True,
    ),
    Row(
        "api:adopt_shared_indicator",
        API_PLAN_CREATORS,
        method="POST",
        args=api_plan(),
        json=lambda world, role: {
            "shared_id": shared_indicator(world, role).pk,
            "result_id": world.plans.outcome.pk,
        },
        state=values_of("results.Indicator", "name", "shared_id"),
        api=True,
    ),
    Row("api:get_indicator", API_PLAN_READERS, args=api_part("indicator"), api=True),
    Row(
        "api:update_indicator",
        API_PLAN_EDITORS,
        method="PATCH",
        args=api_part("indicator"),
        json=lambda world, role: {"revision": saved(world, "indicator").revision, "name": f"By {role}"},
        state=values_of("results.Indicator", "name"),
        api=True,
    ),
    Row(
        "api:delete_indicator",
        API_PLAN_DELETERS,
        method="DELETE",
        args=api_part("indicator"),
        state=values_of("results.Indicator", "name"),
        api=True,
    ),
    Row("api:get_targets", API_PLAN_READERS, args=api_part("indicator"), api=True),
    Row(
        "api:set_targets",
        API_PLAN_EDITORS,
        method="PUT",
        args=api_part("indicator"),
        json=lambda world, role: {
            "targets": [
                {"starts_on": "2025-01-01", "ends_on": "2025-12-31", "value": "50", "life_of_plan": True}
            ]
        },
        state=values_of("results.Target", "starts_on", "value"),
        api=True,
    ),
    # Measurements: reported by the person responsible (GROUP_MEMBER) or a co-chair on the approved
    # plan, approved by a co-chair, withdrawn by whoever reported them.
    Row("api:list_measurements", API_PLAN_READERS, args=api_part("indicator", "approved"), api=True),
    Row(
        "api:record_measurement",
        roles(anonymous=401, member=403, secretariat=201, group_member=201, cochair=201),
        method="POST",
        args=api_part("indicator", "approved"),
        json=lambda world, role: {"starts_on": "2025-04-01", "ends_on": "2025-06-30", "value": "8"},
        state=measurement_state,
        api=True,
    ),
    Row(
        "api:record_measurement_with_file",
        roles(anonymous=401, member=403, secretariat=201, group_member=201, cochair=201),
        method="POST",
        args=api_part("indicator", "approved"),
        data=lambda world, role: {
            "starts_on": "2025-04-01",
            "ends_on": "2025-06-30",
            "value": "8",
            "disaggregation": "sex=female",
            "evidence_file": SimpleUploadedFile("list.csv", b"name\nAna\n", content_type="text/csv"),
        },
        state=measurement_state,
        api=True,
    ),
    Row(
        "api:review_measurement",
        API_PLAN_EDITORS,
        method="POST",
        args=lambda world, role: [G, world.plans.plan.pk, world.measurement.pk],
        json=lambda world, role: {"approve": True},
        state=measurement_state,
        api=True,
    ),
    Row(
        "api:withdraw_measurement",
        roles(anonymous=401, member=403, secretariat=403, group_member=204, cochair=403),
        method="POST",
        args=lambda world, role: [G, world.plans.plan.pk, world.measurement.pk],
        state=measurement_state,
        api=True,
    ),
    Row(
        "api:download_evidence",
        API_PLAN_READERS,
        args=lambda world, role: [G, world.plans.plan.pk, measurement_with_evidence(world, role).pk],
        api=True,
    ),
    # The network's catalogue: read by members, kept by the secretariat; its totals for the committee.
    Row("api:list_shared_indicators", API_PLAN_READERS, api=True),
    Row(
        "api:create_shared_indicator",
        roles(anonymous=401, member=403, secretariat=201),
        method="POST",
        json=lambda world, role: {"code": "REF1", "name": "Referrals completed"},
        state=shared_state,
        api=True,
    ),
    Row(
        "api:get_shared_indicator",
        API_PLAN_READERS,
        args=lambda world, role: [shared_indicator(world, role).pk],
        api=True,
    ),
    Row(
        "api:update_shared_indicator",
        roles(anonymous=401, member=403, secretariat=200),
        method="PATCH",
        args=lambda world, role: [shared_indicator(world, role).pk],
        json=lambda world, role: {"name": "Social workers trained and certified"},
        state=shared_state,
        api=True,
    ),
    Row(
        "api:get_network_totals",
        roles(anonymous=401, member=403, committee=200),
        args=lambda world, role: [shared_indicator(world, role).pk],
        api=True,
    ),
]

# --- Work plans: budget, exchange rates, people, timeline, help wanted (convene/plans/urls_budget.py) ---
# G's plan (``world.plans``), a draft unless a row moves it on: read by every network member; changed by
# G's co-chair and the secretariat; while the approved plan runs they update only the actual amounts and
# who fills a role. Volunteering: any member offers; only the volunteer withdraws; G's co-chair and the
# secretariat answer.

BUDGET_READERS = roles(member=200)
BUDGET_EDITORS = roles(member=403, secretariat=200, cochair=200)
HELP_WANTED_PAGE = "/help-wanted/"


def budget_plan(status: str = "draft") -> Callable[[World, str], list]:
    return lambda world, role: [G, world.plan_in(status).pk]


def budget_part(attr: str, status: str = "draft") -> Callable[[World, str], list]:
    return lambda world, role: [G, world.plan_in(status).pk, getattr(world.plans, attr).pk]


# An editor's POST is answered with a redirect to the plan's budget, rates or people page.
BUDGET_DONE = roles(
    member=403, secretariat=(302, f"/groups/{G}/plans/*"), cochair=(302, f"/groups/{G}/plans/*")
)


def budget_state(world: World, role: str) -> list:
    from convene.plans.models import BudgetLine

    return sorted(
        BudgetLine.objects.filter(plan=world.plans.plan).values_list("pk", "description", "planned", "actual")
    )


def budget_rates_state(world: World, role: str) -> list:
    from convene.plans.models import ExchangeRate

    return sorted(ExchangeRate.objects.filter(plan=world.plans.plan).values_list("pk", "currency", "rate"))


def budget_hr_state(world: World, role: str) -> list:
    from convene.plans.models import HRNeed

    return sorted(
        HRNeed.objects.filter(plan=world.plans.plan).values_list("pk", "role", "hours_per_month", "note")
    )


def budget_offers_state(world: World, role: str) -> list:
    from convene.plans.models import Volunteer

    return sorted(Volunteer.objects.filter(task=world.plans.task).values_list("pk", "person_id", "status"))


def budget_spare_rate(world: World, role: str) -> list:
    """[G, plan, a CHF rate that no line uses] (made once, through the service)."""
    from decimal import Decimal

    from convene.plans import services as plan_services

    rate = plan_services.rate_set(
        plan=world.plans.plan, acting=world.person(COCHAIR), currency="CHF", rate=Decimal("1.13")
    )
    return [G, world.plans.plan.pk, rate.pk]


def budget_member_offer(world: World, role: str) -> list:
    """[MEMBER's open offer to help with G's task] (made once, through the service)."""
    from convene.plans import services as plan_services
    from convene.plans.models import Volunteer, VolunteerStatus

    offer = Volunteer.objects.filter(
        task=world.plans.task, person=world.person(MEMBER), status=VolunteerStatus.OFFERED
    ).first()
    offer = offer or plan_services.volunteer_offer(task=world.plans.task, acting=world.person(MEMBER))
    return [offer.pk]


def budget_line_form(world: World, role: str) -> dict:
    from convene.plans.models import BudgetLine

    line = BudgetLine.objects.get(pk=world.plans.line.pk)
    return {
        "category": "meetings",
        "deliverable": "",
        "description": f"Venue, edited as {role}",
        "currency": "KES",
        "planned": "310000",
        "actual": "",
        "source": "partner",
        "partner": world.plans.partner.pk,
        "kind": "in_kind",
        "valuation": "Day rate.",
        "revision": line.revision,
    }


def budget_hr_form(world: World, role: str) -> dict:
    from convene.plans.models import HRNeed

    return {
        "role": "Editor",
        "hours_per_month": "12",
        "starts_on": "",
        "ends_on": "",
        "filled_by": "",
        "filled_by_organisation": "",
        "note": f"Edited as {role}",
        "revision": HRNeed.objects.get(pk=world.plans.need.pk).revision,
    }


BUDGET_ROWS = [
    Row("plans:budget", BUDGET_READERS, args=budget_plan()),
    Row("plans:budget", BUDGET_READERS, variant="approved", args=budget_plan("approved")),
    Row("plans:budget_line_create", BUDGET_EDITORS, args=budget_plan()),
    Row(
        "plans:budget_line_create",
        BUDGET_DONE,
        method="POST",
        args=budget_plan(),
        data=lambda world, role: {
            "category": "travel",
            "description": f"Flights, added as {role}",
            "currency": "USD",
            "planned": "900",
            "source": "network",
            "kind": "cash",
        },
        state=budget_state,
    ),
    # A submitted plan is frozen, for its co-chair too.
    Row(
        "plans:budget_line_create",
        roles(member=403, secretariat=403),
        variant="submitted",
        args=budget_plan("submitted"),
    ),
    Row("plans:budget_line_edit", BUDGET_EDITORS, args=budget_part("line")),
    Row(
        "plans:budget_line_edit",
        BUDGET_DONE,
        method="POST",
        args=budget_part("line"),
        data=budget_line_form,
        state=budget_state,
    ),
    # While the approved plan runs: the actual amount only.
    Row("plans:budget_line_edit", BUDGET_EDITORS, variant="approved", args=budget_part("line", "approved")),
    Row(
        "plans:budget_line_edit",
        BUDGET_DONE,
        method="POST",
        variant="approved",
        args=budget_part("line", "approved"),
        data=lambda world, role: {"actual": "250000", "revision": budget_line_form(world, role)["revision"]},
        state=budget_state,
    ),
    Row(
        "plans:budget_line_delete",
        BUDGET_DONE,
        method="POST",
        args=budget_part("line"),
        state=budget_state,
    ),
    Row("plans:budget_line_delete", roles(member=405, secretariat=405), args=budget_part("line")),
    Row("plans:rates", BUDGET_READERS, args=budget_plan()),
    Row(
        "plans:rates",
        BUDGET_DONE,
        method="POST",
        args=budget_plan(),
        data=lambda world, role: {"currency": "EUR", "rate": "1.0832", "as_of": "2025-01-02"},
        state=budget_rates_state,
    ),
    Row(
        "plans:rate_delete",
        BUDGET_DONE,
        method="POST",
        args=budget_spare_rate,
        state=budget_rates_state,
    ),
    Row("plans:hr", BUDGET_READERS, args=budget_plan()),
    Row("plans:hr_need_create", BUDGET_EDITORS, args=budget_plan()),
    Row(
        "plans:hr_need_create",
        BUDGET_DONE,
        method="POST",
        args=budget_plan(),
        data=lambda world, role: {"role": f"Translator for {role}", "hours_per_month": "8"},
        state=budget_hr_state,
    ),
    Row("plans:hr_need_edit", BUDGET_EDITORS, args=budget_part("need")),
    Row(
        "plans:hr_need_edit",
        BUDGET_DONE,
        method="POST",
        args=budget_part("need"),
        data=budget_hr_form,
        state=budget_hr_state,
    ),
    Row(
        "plans:hr_need_edit",
        BUDGET_DONE,
        method="POST",
        variant="approved",
        args=budget_part("need", "approved"),
        data=budget_hr_form,
        state=budget_hr_state,
    ),
    Row(
        "plans:hr_need_delete",
        BUDGET_DONE,
        method="POST",
        args=budget_part("need"),
        state=budget_hr_state,
    ),
    Row("plans:timeline", BUDGET_READERS, args=budget_plan()),
    Row("plans:help_wanted", BUDGET_READERS),
    # Every member of the network may offer to help (a co-chair of G too).
    Row(
        "plans:volunteer",
        roles(member=(302, HELP_WANTED_PAGE), secretariat=(302, HELP_WANTED_PAGE)),
        method="POST",
        args=lambda world, role: [world.plans.task.pk],
        data=lambda world, role: {"note": f"Offered as {role}"},
        state=budget_offers_state,
    ),
    Row(
        "plans:volunteer_withdraw",
        roles(
            member=(302, HELP_WANTED_PAGE),
            committee=403,
            secretariat=403,
            group_member=403,
            other_cochair=403,
        ),
        method="POST",
        args=budget_member_offer,
        state=budget_offers_state,
    ),
    Row(
        "plans:volunteer_decide",
        roles(member=403, secretariat=(302, HELP_WANTED_PAGE), cochair=(302, HELP_WANTED_PAGE)),
        method="POST",
        args=budget_member_offer,
        data=lambda world, role: {"accept": "1"},
        state=budget_offers_state,
    ),
]

# --- Work plans: the plan, its parts, its review and versions (convene/plans/views.py) -------------

PLAN_PAGES = f"/groups/{G}/plans/*"
# Who may read a plan: members of the network, the committee and the secretariat (not a visitor).
PLAN_READERS = roles(member=200)
# Who may open an edit form of a plan being written: G's co-chair and the secretariat.
PLAN_EDITORS = roles(member=403, cochair=200)
# Their saves are answered with a redirect to the plan (or the new plan).
PLAN_DONE = roles(member=403, secretariat=(302, PLAN_PAGES), cochair=(302, PLAN_PAGES))
# The steering committee reviews (the secretariat on its behalf).
PLAN_REVIEWERS = roles(member=403, committee=200)


def pages_plan(status: str = "draft") -> Callable[[World, str], list]:
    """[G, G's plan moved to ``status``] (made once, outside the roles' savepoints)."""
    return lambda world, role: [G, world.plan_in(status).pk]


def pages_part(attr: str, status: str = "draft") -> Callable[[World, str], list]:
    return lambda world, role: [G, world.plan_in(status).pk, getattr(world.plans, attr).pk]


def pages_plan_state(world: World, role: str) -> tuple:
    from convene.plans.models import WorkPlan

    plan = WorkPlan.objects.get(pk=world.plans.plan.pk)
    return plan.status, plan.title, plan.revision


def pages_g_plans(world: World, role: str) -> list:
    from convene.plans.models import WorkPlan

    return sorted(WorkPlan.objects.filter(group=world.group).values_list("pk", "title"))


def pages_parts_state(world: World, role: str) -> tuple:
    from convene.plans.models import Deliverable, Objective, Task

    plan = world.plans.plan
    return (
        sorted(Objective.objects.filter(plan=plan).values_list("pk", "title", "revision")),
        sorted(Deliverable.objects.filter(plan=plan).values_list("pk", "title", "status", "revision")),
        sorted(Task.objects.filter(deliverable__plan=plan).values_list("pk", "title", "status", "revision")),
    )


def pages_comments(world: World, role: str) -> int:
    from convene.plans.models import PlanComment

    return PlanComment.objects.filter(plan=world.plans.plan).count()


def pages_plan_form(world: World, role: str) -> dict:
    from convene.plans.models import WorkPlan

    plan = WorkPlan.objects.get(pk=world.plans.plan.pk)
    return {
        "title": f"Plan edited as {role}",
        "starts_on": "2025-01-01",
        "ends_on": "2025-12-31",
        "top_issues": "Caseloads.",
        "summary": "",
        "revision": plan.revision,
    }


def pages_revision(attr: str) -> Callable[[World, str], int]:
    return lambda world, role: (
        type(getattr(world.plans, attr)).objects.get(pk=getattr(world.plans, attr).pk).revision
    )


def pages_deliverable_form(world: World, role: str) -> dict:
    return {
        "title": f"Toolkit, edited as {role}",
        "objective": world.plans.objective.pk,
        "owner": world.person(COCHAIR).pk,
        "starts_on": "2025-02-01",
        "due_on": "2025-09-30",
        "cost": "5000",
        "status": "planned",
        "revision": pages_revision("deliverable")(world, role),
    }


def pages_task_form(world: World, role: str) -> dict:
    return {
        "title": f"Translate, edited as {role}",
        "due_on": "2025-08-31",
        "status": "todo",
        "help_wanted": "on",
        "revision": pages_revision("task")(world, role),
    }


PLAN_ROWS = [
    Row("plans:list", PLAN_READERS, args=slug_of("group")),
    Row("plans:create", PLAN_EDITORS, args=slug_of("group")),
    Row(
        "plans:create",
        PLAN_DONE,
        method="POST",
        args=slug_of("group"),
        data=lambda world, role: {
            "title": f"Plan of {role}",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
        state=pages_g_plans,
    ),
    # A plan is already being written: the form answers with the reason, and nothing is made.
    Row(
        "plans:create",
        roles(member=403, cochair=200),
        method="POST",
        variant="busy",
        args=lambda world, role: [world.plans.group.slug],
        data=lambda world, role: {
            "title": f"Plan of {role}",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
        state=pages_g_plans,
        unchanged=frozenset({SECRETARIAT, ADMIN, COCHAIR}),
    ),
    Row("plans:detail", PLAN_READERS, args=pages_plan()),
    Row("plans:detail", PLAN_READERS, variant="approved", args=pages_plan("approved")),
    Row("plans:edit", PLAN_EDITORS, args=pages_plan()),
    # Submitted or approved, the plan is frozen, for its co-chair too.
    Row("plans:edit", roles(member=403, secretariat=403), variant="submitted", args=pages_plan("submitted")),
    Row(
        "plans:edit",
        PLAN_DONE,
        method="POST",
        args=pages_plan(),
        data=pages_plan_form,
        state=pages_plan_state,
    ),
    Row(
        "plans:comment",
        roles(
            member=403,
            committee=(302, PLAN_PAGES),
            secretariat=(302, PLAN_PAGES),
            group_member=(302, PLAN_PAGES),
        ),
        method="POST",
        args=pages_plan(),
        data=lambda world, role: {"body": f"A comment of the {role}."},
        state=pages_comments,
    ),
    Row("plans:comment", roles(member=405, secretariat=405), args=pages_plan()),
    Row("plans:objective_create", PLAN_EDITORS, args=pages_plan()),
    Row(
        "plans:objective_create",
        PLAN_DONE,
        method="POST",
        args=pages_plan(),
        data=lambda world, role: {"title": f"Objective of {role}", "description": "", "revision": 1},
        state=pages_parts_state,
    ),
    Row("plans:objective_edit", PLAN_EDITORS, args=pages_part("objective")),
    Row(
        "plans:objective_edit",
        PLAN_DONE,
        method="POST",
        args=pages_part("objective"),
        data=lambda world, role: {
            "title": f"Objective edited as {role}",
            "description": "",
            "revision": pages_revision("objective")(world, role),
        },
        state=pages_parts_state,
    ),
    # An objective is part of the plan's text: not changed while the approved plan runs.
    Row(
        "plans:objective_edit",
        roles(member=403, secretariat=403),
        variant="approved",
        args=pages_part("objective", "approved"),
    ),
    Row(
        "plans:objective_delete",
        PLAN_DONE,
        method="POST",
        args=pages_part("objective"),
        state=pages_parts_state,
    ),
    Row("plans:deliverable_create", PLAN_EDITORS, args=pages_plan()),
    Row(
        "plans:deliverable_create",
        PLAN_DONE,
        method="POST",
        args=pages_plan(),
        data=lambda world, role: {"title": f"Deliverable of {role}", "status": "planned", "revision": 1},
        state=pages_parts_state,
    ),
    Row("plans:deliverable_edit", PLAN_EDITORS, args=pages_part("deliverable")),
    Row(
        "plans:deliverable_edit",
        PLAN_DONE,
        method="POST",
        args=pages_part("deliverable"),
        data=pages_deliverable_form,
        state=pages_parts_state,
    ),
    # While the approved plan runs, its co-chairs keep the status up to date.
    Row(
        "plans:deliverable_edit",
        PLAN_DONE,
        method="POST",
        variant="approved",
        args=pages_part("deliverable", "approved"),
        data=lambda world, role: {
            "status": "in_progress",
            "revision": pages_revision("deliverable")(world, role),
        },
        state=pages_parts_state,
    ),
    Row(
        "plans:deliverable_delete",
        PLAN_DONE,
        method="POST",
        args=pages_part("deliverable"),
        state=pages_parts_state,
    ),
    Row("plans:task_create", PLAN_EDITORS, args=pages_part("deliverable")),
    Row(
        "plans:task_create",
        PLAN_DONE,
        method="POST",
        args=pages_part("deliverable"),
        data=lambda world, role: {"title": f"Task of {role}", "status": "todo", "revision": 1},
        state=pages_parts_state,
    ),
    Row("plans:task_edit", PLAN_EDITORS, args=pages_part("task")),
    Row(
        "plans:task_edit",
        PLAN_DONE,
        method="POST",
        args=pages_part("task"),
        data=pages_task_form,
        state=pages_parts_state,
    ),
    Row("plans:task_delete", PLAN_DONE, method="POST", args=pages_part("task"), state=pages_parts_state),
    Row("plans:submit", PLAN_DONE, method="POST", args=pages_plan(), state=pages_plan_state),
    Row("plans:submit", roles(member=405, secretariat=405), args=pages_plan()),
    Row("plans:review", PLAN_REVIEWERS, args=pages_plan("submitted")),
    # Nothing to review in a draft.
    Row("plans:review", roles(member=403, secretariat=403), variant="draft", args=pages_plan()),
    Row(
        "plans:review",
        roles(member=403, committee=(302, PLAN_PAGES), secretariat=(302, PLAN_PAGES)),
        method="POST",
        args=pages_plan("submitted"),
        data=lambda world, role: {"decision": "return", "comment": "Add the travel.", "decided_on": today()},
        state=pages_plan_state,
    ),
    Row("plans:revise", PLAN_DONE, method="POST", args=pages_plan("approved"), state=pages_plan_state),
    Row("plans:versions", PLAN_READERS, args=pages_plan()),
    # The login page's ``next`` keeps the query string.
    Row(
        "plans:versions",
        roles(anonymous=(302, "/accounts/login/*"), member=200),
        variant="compare",
        args=pages_plan("submitted"),
        query={"a": "1", "b": "current"},
    ),
]


# --- Results pages (convene/results/views.py) ------------------------------------------------------
# G's plan (``world.plans``): the framework is edited with the draft plan by G's co-chair and the
# secretariat; values are recorded against the approved plan by GROUP_MEMBER (responsible for the
# indicator) and the co-chairs, and approved by the co-chairs (the secretariat too); whoever recorded a
# value may withdraw it. The catalogue is read across the network, kept by the secretariat; its
# network-wide totals are for the committee and the secretariat.

RES_PLAN = f"/groups/{G}/plans/*"
RES_READERS = roles(member=200)
RES_EDITORS = roles(member=403, cochair=200)
RES_EDITED = roles(member=403, secretariat=(302, RES_PLAN), cochair=(302, RES_PLAN))
RES_FROZEN = roles(member=403, secretariat=403)
RES_RECORDERS = roles(member=403, group_member=200, cochair=200)
RES_RECORDED = roles(
    member=403, secretariat=(302, RES_PLAN), group_member=(302, RES_PLAN), cochair=(302, RES_PLAN)
)
RES_REVIEWED = roles(member=403, secretariat=(302, RES_PLAN), group_member=403, cochair=(302, RES_PLAN))


def res_plan(status: str = "draft") -> Callable[[World, str], list]:
    return lambda world, role: [G, world.plan_in(status).pk]


def res_part(attr: str, status: str = "draft") -> Callable[[World, str], list]:
    return lambda world, role: [G, world.plan_in(status).pk, getattr(world.plans, attr).pk]


def res_measurement(world: World, role: str) -> list:
    return [G, world.plan_in("approved").pk, world.measurement.pk]


def res_evidence(world: World, role: str) -> list:
    """[G, plan, a value GROUP_MEMBER reported with a PDF as evidence] (made once)."""
    from convene.results import services as results_services
    from convene.results.models import Measurement

    plan = world.plan_in("approved")
    found = Measurement.objects.filter(indicator=world.plans.indicator, note="res evidence").first()
    found = found or results_services.measurement_record(
        indicator=world.plans.indicator,
        acting=world.person(GROUP_MEMBER),
        starts_on=datetime.date(2025, 4, 1),
        ends_on=datetime.date(2025, 6, 30),
        value="2",
        note="res evidence",
        evidence_file=SimpleUploadedFile("register.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    return [G, plan.pk, found.pk]


def res_shared(world: World) -> Any:
    from convene.results import services as results_services
    from convene.results.models import SharedIndicator

    found = SharedIndicator.objects.filter(code="RES1").first()
    return found or results_services.shared_indicator_save(
        acting=world.person(SECRETARIAT),
        code="RES1",
        name="Caseworkers supervised",
        disaggregations=["country"],
    )


def res_plan_and_shared(world: World, role: str) -> list:
    """[G, the draft plan], with the catalogue's RES1 made beforehand (outside the roles' savepoints)."""
    res_shared(world)
    return [G, world.plan_in("draft").pk]


def res_results(world: World, role: str) -> list:
    from convene.results.models import Result

    return sorted(
        Result.objects.filter(plan=world.plans.plan).values_list("pk", "code", "statement", "revision")
    )


def res_indicators(world: World, role: str) -> list:
    from convene.results.models import Indicator

    return sorted(
        Indicator.objects.filter(plan=world.plans.plan).values_list("pk", "name", "shared_id", "revision")
    )


def res_targets(world: World, role: str) -> list:
    from convene.results.models import Target

    return sorted(
        Target.objects.filter(indicator__plan=world.plans.plan).values_list("starts_on", "ends_on", "value")
    )


def res_measurements(world: World, role: str) -> list:
    from convene.results.models import Measurement

    return sorted(
        Measurement.objects.filter(indicator__plan=world.plans.plan).values_list(
            "pk", "status", "review_note"
        )
    )


def res_catalogue(world: World, role: str) -> list:
    from convene.results.models import SharedIndicator

    return sorted(SharedIndicator.objects.values_list("pk", "code", "name", "is_active"))


def res_result_form(world: World, role: str) -> dict:
    from convene.results.models import Result

    outcome = Result.objects.get(pk=world.plans.outcome.pk)
    return {
        "level": outcome.level_id,
        "parent": outcome.parent_id,
        "code": "1.1",
        "statement": f"Edited as {role}",
        "revision": outcome.revision,
    }


def res_indicator_form(world: World, role: str) -> dict:
    from convene.results.models import Indicator

    indicator = Indicator.objects.get(pk=world.plans.indicator.pk)
    return {
        "result": world.plans.outcome.pk,
        "code": "CM1",
        "name": f"Indicator of {role}",
        "unit": "number",
        "direction": "increase",
        "frequency": "quarterly",
        "responsible": world.person(GROUP_MEMBER).pk,
        "disaggregations": "sex: female, male\ncountry",
        "revision": indicator.revision,
    }


RES_TARGETS_FORM = {
    "targets-TOTAL_FORMS": "1",
    "targets-INITIAL_FORMS": "0",
    "targets-0-starts_on": "2025-01-01",
    "targets-0-ends_on": "2025-12-31",
    "targets-0-value": "55",
    "targets-0-life_of_plan": "on",
}


def res_targets_form(world: World, role: str) -> dict:
    from convene.results.models import Target
    from convene.results.views import targets_fingerprint

    saved = targets_fingerprint(Target.objects.filter(indicator=world.plans.indicator))
    return {**RES_TARGETS_FORM, "saved": saved}


RES_SHARED_FORM = {"code": "RES2", "name": "Families reunited", "unit": "number", "direction": "increase"}

RESULTS_ROWS = [
    Row("results:framework", RES_READERS, args=res_plan()),
    Row("results:framework", RES_READERS, variant="approved", args=res_plan("approved")),
    Row("results:result_create", RES_EDITORS, args=res_plan()),
    Row("results:result_create", RES_FROZEN, variant="approved", args=res_plan("approved")),
    Row(
        "results:result_create",
        RES_EDITED,
        method="POST",
        args=res_plan(),
        data=lambda world, role: {
            "level": world.plans.outcome.level_id,
            "parent": world.plans.goal.pk,
            "statement": f"Outcome of {role}",
        },
        state=res_results,
    ),
    Row("results:result_edit", RES_EDITORS, args=res_part("outcome")),
    Row(
        "results:result_edit",
        RES_EDITED,
        method="POST",
        args=res_part("outcome"),
        data=res_result_form,
        state=res_results,
    ),
    Row("results:result_delete", RES_EDITED, method="POST", args=res_part("outcome"), state=res_results),
    Row("results:indicator_create", RES_EDITORS, args=res_plan()),
    Row(
        "results:indicator_create",
        RES_EDITED,
        method="POST",
        args=res_plan(),
        data=lambda world, role: {
            "result": world.plans.goal.pk,
            "name": f"Indicator of {role}",
            "unit": "yes_no",
            "direction": "increase",
            "frequency": "annual",
        },
        state=res_indicators,
    ),
    Row("results:indicator_adopt", RES_EDITORS, args=lambda world, role: [G, world.plan_in("draft").pk]),
    Row(
        "results:indicator_adopt",
        RES_EDITED,
        method="POST",
        args=res_plan_and_shared,
        data=lambda world, role: {
            "shared": res_shared(world).pk,
            "result": world.plans.goal.pk,
            "frequency": "annual",
        },
        state=res_indicators,
    ),
    Row("results:indicator", RES_READERS, args=res_part("indicator")),
    Row("results:indicator", RES_READERS, variant="approved", args=res_part("indicator", "approved")),
    Row("results:indicator_edit", RES_EDITORS, args=res_part("indicator")),
    Row(
        "results:indicator_edit",
        RES_EDITED,
        method="POST",
        args=res_part("indicator"),
        data=res_indicator_form,
        state=res_indicators,
    ),
    Row(
        "results:indicator_delete",
        RES_EDITED,
        method="POST",
        args=res_part("indicator"),
        state=res_indicators,
    ),
    Row("results:targets", RES_EDITORS, args=res_part("indicator")),
    Row("results:targets", RES_FROZEN, variant="approved", args=res_part("indicator", "approved")),
    Row(
        "results:targets",
        RES_EDITED,
        method="POST",
        args=res_part("indicator"),
        data=res_targets_form,
        state=res_targets,
    ),
    # Values are reported against the approved plan only.
    Row("results:measurement_create", RES_FROZEN, variant="draft", args=res_part("indicator")),
    Row("results:measurement_create", RES_RECORDERS, args=res_part("indicator", "approved")),
    Row(
        "results:measurement_create",
        RES_RECORDED,
        method="POST",
        args=res_part("indicator", "approved"),
        data=lambda world, role: {"period": "2025-01-01/2025-03-31", "value": "4"},
        state=res_measurements,
    ),
    Row(
        "results:measurement_review",
        RES_REVIEWED,
        method="POST",
        args=res_measurement,
        data=lambda world, role: {"approve": "0", "note": f"Sent back by the {role}."},
        state=res_measurements,
    ),
    Row("results:measurement_review", roles(member=405, secretariat=405), args=res_measurement),
    Row(
        "results:measurement_withdraw",
        roles(member=403, secretariat=403, group_member=(302, RES_PLAN), cochair=403),
        method="POST",
        args=res_measurement,
        state=res_measurements,
    ),
    Row("results:evidence", RES_READERS, args=res_evidence),
    Row("results:catalogue", RES_READERS),
    Row("results:shared_create", SECRETARIAT_ONLY),
    Row(
        "results:shared_create",
        roles(secretariat=(302, "/results/shared/")),
        method="POST",
        data=lambda world, role: RES_SHARED_FORM,
        state=res_catalogue,
    ),
    Row("results:shared_edit", SECRETARIAT_ONLY, args=lambda world, role: [res_shared(world).pk]),
    Row(
        "results:shared_edit",
        roles(secretariat=(302, "/results/shared/")),
        method="POST",
        args=lambda world, role: [res_shared(world).pk],
        data=lambda world, role: {**RES_SHARED_FORM, "code": "RES1", "name": f"Renamed by the {role}"},
        state=res_catalogue,
    ),
    Row("results:shared", roles(member=403, committee=200), args=lambda world, role: [res_shared(world).pk]),
    Row(
        "results:shared",
        # The login page's ``next`` keeps the query string.
        roles(anonymous=(302, "/accounts/login/*"), member=403, committee=200),
        variant="by-country",
        args=lambda world, role: [res_shared(world).pk],
        query={"by": "country", "year": "2025"},
    ),
]


# --- Work plans: exports and the spreadsheet import (convene/reports/views.py) ---------------


def export_workbook(world: World, title: str) -> bytes:
    """G's plan exported as a workbook, with the plan's title changed to ``title``."""
    import io

    from openpyxl import load_workbook

    from convene.reports import spreadsheet

    data = spreadsheet.workbook_bytes(world.plans.plan, viewer=world.person(COCHAIR))
    book = load_workbook(io.BytesIO(data))
    sheet = book["Plan"]
    sheet.cell(2, [cell.value for cell in sheet[1]].index("title") + 1).value = title
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_upload_form(world: World, role: str) -> dict:
    return {"file": SimpleUploadedFile("plan.xlsx", export_workbook(world, f"Uploaded as {role}"))}


def export_confirm_form(world: World, role: str) -> dict:
    """The confirmation of an uploaded workbook that retitles G's plan, stored for this role's person
    (a visitor's is the co-chair's: the login comes first)."""
    from django.core import signing

    from convene.plans.models import PlanImport, PlanImportStatus
    from convene.reports import spreadsheet

    person = world.person(role) or world.person(COCHAIR)
    plan = world.plans.plan
    token = spreadsheet.stash(plan=plan, acting=person, data=export_workbook(world, f"Imported as {role}"))
    # As the background check leaves a file it read without a problem.
    PlanImport.objects.create(
        plan=plan,
        created_by=person,
        stored_as=signing.loads(token, salt=spreadsheet.PENDING_SALT)["n"],
        status=PlanImportStatus.READY,
        preview={"problems": []},
    )
    return {"confirm": spreadsheet.confirm_token(token, spreadsheet.read_current(plan, person).fingerprint())}


EXPORT_ROWS = [
    Row("plans:export_xlsx", PLAN_READERS, args=pages_plan()),
    Row("plans:export_pdf", PLAN_READERS, args=pages_plan()),
    Row("plans:export_docx", PLAN_READERS, args=pages_plan()),
    Row("plans:export_iati", PLAN_READERS, args=pages_plan()),
    Row("plans:export_iati", PLAN_READERS, variant="approved", args=pages_plan("approved")),
    Row("plans:import", PLAN_EDITORS, args=pages_plan()),
    # Submitted, the plan is frozen: nobody imports into it.
    Row(
        "plans:import", roles(member=403, secretariat=403), variant="submitted", args=pages_plan("submitted")
    ),
    # The upload only stores the file for its preview: the plan is unchanged until the confirmation.
    Row(
        "plans:import",
        PLAN_DONE,
        method="POST",
        variant="upload",
        args=pages_plan(),
        data=export_upload_form,
        state=pages_plan_state,
        unchanged=frozenset({SECRETARIAT, ADMIN, COCHAIR}),
    ),
    Row(
        "plans:import",
        PLAN_DONE,
        method="POST",
        variant="confirm",
        args=pages_plan(),
        data=export_confirm_form,
        state=pages_plan_state,
    ),
]


ROWS = (
    ADMIN_ROWS
    + ACCOUNT_ROWS
    + CORE_ROWS
    + PEOPLE_ROWS
    + IMPORT_ROWS
    + GOVERNANCE_ROWS
    + GROUP_ROWS
    + MEMBERSHIP_ROWS
    + API_ROWS
    + API_GROUP_ROWS
    + PRIVACY_ROWS
    + AUDIT_ROWS
    + API_PLAN_ROWS
    + BUDGET_ROWS
    + PLAN_ROWS
    + RESULTS_ROWS
    + EXPORT_ROWS
)


# --- The tests ---------------------------------------------------------------------------------


def url_names(resolver=None, namespace: tuple[str, ...] = ()) -> tuple[set[str], list[str]]:
    """Every named URL pattern as ``namespace:name``, and the routes of unnamed patterns."""
    resolver = resolver or get_resolver()
    names: set[str] = set()
    unnamed: list[str] = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + ((pattern.namespace,) if pattern.namespace else ())
            sub_names, sub_unnamed = url_names(pattern, inner)
            names |= sub_names
            unnamed += [str(pattern.pattern) + route for route in sub_unnamed]
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                names.add(":".join((*namespace, pattern.name)))
            else:
                unnamed.append(str(pattern.pattern))
    return names, unnamed


def test_every_url_has_a_row():
    names, unnamed = url_names()
    covered = {row.name for row in ROWS}
    missing = sorted(
        name for name in names - covered if not (name.startswith("admin:") and ADMIN_COVERED.match(name))
    )
    assert not missing, f"URL names without a row in tests/test_permissions.py: {', '.join(missing)}"
    stale = sorted(covered - names)
    assert not stale, f"rows for URL names that no longer exist: {', '.join(stale)}"
    # Unnamed patterns cannot be listed by name; only the admin's catch-all redirects may be unnamed.
    assert [route for route in unnamed if not route.startswith("admin/")] == []


def test_row_ids_are_unique():
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids))


SIGN_IN_PAGES = {LOGIN: "/accounts/login/", ADMIN_LOGIN: "/admin/login/", REAUTH: "/accounts/reauthenticate/"}


def denied(expected: Expected) -> bool:
    return expected in (LOGIN, ADMIN_LOGIN, REAUTH) or (isinstance(expected, int) and expected >= 400)


def check_status(response, expected: Expected, path: str) -> None:
    location = response.headers.get("Location", "")
    answer = f"{response.status_code} {location}".strip()
    if expected in SIGN_IN_PAGES:
        target = urlsplit(location)
        assert response.status_code == 302, answer
        assert (target.path, parse_qs(target.query).get("next")) == (SIGN_IN_PAGES[expected], [path]), answer
    elif isinstance(expected, tuple) and expected[1].endswith("*"):
        assert response.status_code == expected[0], answer
        assert location.startswith(expected[1][:-1]), answer
    elif isinstance(expected, tuple):
        assert (response.status_code, location) == expected, answer
    else:
        assert response.status_code == expected, answer


def api_client(world: World, role: str) -> Client:
    if role == ANON:
        return Client()
    return Client(headers={"Authorization": f"Bearer {world.keys[role]}"})


def check_role(row: Row, role: str, world: World, path: str) -> None:
    client = api_client(world, role) if row.api else client_for(world.person(role))
    expected = row.expect[role]
    before = row.state(world, role) if row.state else None
    if row.api and row.method in ("POST", "PATCH", "PUT", "DELETE") and row.data is None:
        body = row.json(world, role) if row.json else {}
        response = client.generic(row.method, path, json.dumps(body), content_type="application/json")
    elif row.method == "POST":
        response = client.post(path, row.data(world, role) if row.data else {})
    else:
        response = client.get(path, row.query)
    check_status(response, expected, path)
    if row.state and before is not None:
        after = row.state(world, role)
        if denied(expected) or role in row.unchanged:
            assert after == before, f"changed something: {before!r} -> {after!r}"
        else:
            assert after != before, f"changed nothing: {before!r}"


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_url(row: Row, world: World):
    """Every role against one world: each role's request is rolled back before the next one's."""
    # The paths first, outside the roles' savepoints: an argument may make a row (the member import).
    paths = {role: reverse(row.name, args=row.args(world, role)) for role in ROLES}
    failures = []
    for role in ROLES:
        try:
            with transaction.atomic():
                try:
                    check_role(row, role, world, paths[role])
                finally:
                    transaction.set_rollback(True)
        except AssertionError as error:
            failures.append(
                f"{row.method} {paths[role]} ({row.id}) as {role}: expected {row.expect[role]!r}, {error}"
            )
        finally:
            cache.clear()  # rate limits and cached choices are not rolled back with the database
    assert not failures, "\n".join(failures)


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
