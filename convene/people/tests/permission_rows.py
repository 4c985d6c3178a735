"""The people app's rows of the permission matrix (tests/permissions): the directory and profiles, API
tokens, pending members, organisations, the member import, the people API, and one's data and its
erasure."""

from django.core.files.uploadedfile import SimpleUploadedFile

from convene.people.models import ApiToken, MemberImport, Organisation, Person, Profile
from tests.permissions.harness import (
    ANON,
    API_EVERYONE,
    EVERYONE_200,
    IMPORT_CSV,
    LOGGED_IN_200,
    LOGIN,
    MEMBER,
    REAUTH,
    ROLES,
    SECRETARIAT_ONLY,
    Row,
    World,
    own_or_member,
    pk_of,
    roles,
)


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


# The people API (convene/people/api.py).
API_PEOPLE_ROWS = [
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


ROWS = PEOPLE_ROWS + IMPORT_ROWS + API_PEOPLE_ROWS + PRIVACY_ROWS
