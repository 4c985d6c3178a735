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
For POST rows ``state`` takes a snapshot before and after: a denied role changes nothing, an allowed
role changes it.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import client_for, give_term, make_person
from convene.governance.models import Body, Term
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
ROLES = (ANON, MEMBER, COMMITTEE, SECRETARIAT, ADMIN)

LOGIN = "login"
ADMIN_LOGIN = "admin_login"
REAUTH = "reauthenticate"
Expected = int | str | tuple[int, str]
IMPORT_CSV = b"E-mail,Name,Country\nnia.new@example.org,Nia New,Kenya\n"


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

    def person(self, role: str) -> Person | None:
        return self.people[role]

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
    people = {ANON: None, MEMBER: member, COMMITTEE: committee_member, SECRETARIAT: secretariat, ADMIN: admin}
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
    # A snapshot of what a POST may change (None: nothing to compare for this role).
    state: Callable[[World, str], Any] | None = None
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
) -> dict[str, Expected]:
    """Expected answers; the committee answers like a member and the admin like the secretariat unless told."""
    return {
        ANON: anonymous,
        MEMBER: member,
        COMMITTEE: member if committee is None else committee,
        SECRETARIAT: secretariat,
        ADMIN: secretariat if admin is None else admin,
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
    Row("account_confirm_login_code", roles(anonymous=(302, "/accounts/login/"), member=HOME, secretariat=HOME)),
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
        data=lambda world, role: {"name": "new script"},
        state=tokens_of,
    ),
    Row(
        "people:api_token_revoke",
        roles(member=(302, "/profile/tokens/"), secretariat=(302, "/profile/tokens/")),
        method="POST",
        # Everyone revokes their own token; an anonymous visitor tries the member's.
        args=lambda world, role: [world.tokens[role if role != ANON else MEMBER].pk],
        state=lambda world, role: ApiToken.objects.get(
            pk=world.tokens[role if role != ANON else MEMBER].pk
        ).revoked_at,
    ),
    Row("people:api_token_revoke", roles(member=405, secretariat=405), args=lambda world, role: [world.tokens[MEMBER].pk]),
    Row("people:pending_members", SECRETARIAT_ONLY),
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
    Row("api:openapi-json", EVERYONE_200, api=True),
    Row("api:openapi-view", EVERYONE_200, api=True),
    Row("api:list_members", API_EVERYONE, api=True),
    Row("api:get_member", API_EVERYONE, variant="public", args=pk_of("public"), api=True),
    Row("api:get_member", roles(anonymous=401, member=200), variant="members", args=pk_of("members_only"), api=True),
    Row("api:get_member", roles(anonymous=401, member=404), variant="hidden", args=pk_of("hidden"), api=True),
    Row("api:get_member", roles(anonymous=401, member=404), variant="pending", args=pk_of("applicant"), api=True),
    Row("api:list_organisations", API_EVERYONE, api=True),
    Row("api:get_organisation", API_EVERYONE, args=pk_of("organisation"), api=True),
]

ROWS = ADMIN_ROWS + ACCOUNT_ROWS + CORE_ROWS + PEOPLE_ROWS + IMPORT_ROWS + GOVERNANCE_ROWS + API_ROWS


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


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_url_for_role(row: Row, role: str, world: World):
    path = reverse(row.name, args=row.args(world, role))
    client = api_client(world, role) if row.api else client_for(world.person(role))
    expected = row.expect[role]
    before = row.state(world, role) if row.state else None
    if row.method == "POST":
        response = client.post(path, row.data(world, role) if row.data else {})
    else:
        response = client.get(path, row.query)
    check_status(response, expected, path)
    if row.state and before is not None:
        after = row.state(world, role)
        if denied(expected):
            assert after == before, "a denied request changed something"
        else:
            assert after != before, "an allowed request changed nothing"


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
