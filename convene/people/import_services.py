"""Every write of the member import (STYLE §1); reading and checking the file is in imports.py."""

from __future__ import annotations

import secrets

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from convene.core import generations
from convene.core.rules import ensure
from convene.core.tasks import enqueue_on_commit

from . import services, tasks
from .import_reading import member_import_read  # noqa: F401 (called by name in tests and the task)
from .imports import (
    JOINING_STATUSES,
    Outcome,
    ParsedFile,
    Preview,
    build_preview,
    clean_mapping,
)
from .models import MemberImport, MemberImportStatus, MembershipStatus, Organisation, Person, Profile

BATCH_SIZE = 500


class ImportRefused(Exception):
    """The commit cannot go ahead; ``message`` says why, in the person's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def member_import_create(
    *, parsed: ParsedFile, filename: str, mapping: dict[str, int], acting: Person
) -> MemberImport:
    """Keep an uploaded file's rows, ready for the mapping and the dry run."""
    ensure(acting, "people.import_members")
    return MemberImport.objects.create(
        created_by=acting,
        filename=filename[:255],
        headers=parsed.headers,
        rows=[[number, cells] for number, cells in parsed.rows],
        mapping=clean_mapping(parsed.headers, mapping),
    )


def member_import_upload(*, filename: str, data: bytes, acting: Person, language: str) -> MemberImport:
    """Keep an uploaded file for the background task that reads it (``people.tasks``): the web
    request only stores the bytes, whatever the file holds."""
    ensure(acting, "people.import_members")
    member_import = MemberImport.objects.create(
        created_by=acting,
        filename=filename[:255],
        upload=data,
        language=language,
        status=MemberImportStatus.READING,
    )
    enqueue_on_commit(tasks.read_member_import, member_import.pk)
    return member_import


def _ensure_read(member_import: MemberImport) -> None:
    if member_import.status == MemberImportStatus.READING:
        raise ImportRefused(_("The file is still being read: wait until its rows show."))
    if member_import.status == MemberImportStatus.FAILED:
        raise ImportRefused(member_import.error)


def member_import_set_mapping(
    *, member_import: MemberImport, mapping: dict[str, int], acting: Person
) -> MemberImport:
    ensure(acting, "people.import_members")
    _ensure_read(member_import)
    if member_import.status != MemberImportStatus.UPLOADED:
        raise ImportRefused(_("This file is already imported."))
    member_import.mapping = clean_mapping(member_import.headers, mapping)
    member_import.save(update_fields=["mapping"])
    return member_import


def member_import_preview(*, member_import: MemberImport) -> Preview:
    return build_preview(
        headers=member_import.headers, rows=member_import.rows, mapping=member_import.mapping
    )


@transaction.atomic
def member_import_commit(*, member_import: MemberImport, acting: Person) -> Preview:
    """Import every row, or nothing: refused while any row has an error.

    The rows are checked again inside the transaction, so the outcome is the one the database has
    now, not the one the dry run saw. Running the same file twice creates nobody twice: the second
    run finds everyone by e-mail and has nothing, or only changes, to write.
    """
    ensure(acting, "people.import_members")
    member_import = MemberImport.objects.select_for_update().get(pk=member_import.pk)
    _ensure_read(member_import)
    if member_import.status != MemberImportStatus.UPLOADED:
        raise ImportRefused(_("This file is already imported."))
    preview = member_import_preview(member_import=member_import)
    if preview.mapping_errors:
        raise ImportRefused(" ".join(preview.mapping_errors))
    if preview.has_errors:
        raise ImportRefused(
            ngettext(
                "Nothing was imported: %(count)s row has errors. Correct the file and upload it again.",
                "Nothing was imported: %(count)s rows have errors. Correct the file and upload it again.",
                preview.counts[Outcome.ERROR],
            )
            % {"count": preview.counts[Outcome.ERROR]}
        )
    _write_rows(preview=preview, acting=acting)
    member_import.status = MemberImportStatus.COMMITTED
    member_import.committed_at = timezone.now()
    member_import.created_count = preview.counts[Outcome.NEW]
    member_import.updated_count = preview.counts[Outcome.UPDATE]
    member_import.unchanged_count = preview.counts[Outcome.UNCHANGED]
    member_import.save(
        update_fields=["status", "committed_at", "created_count", "updated_count", "unchanged_count"]
    )
    return preview


def _write_rows(*, preview: Preview, acting: Person) -> None:
    """A bounded number of queries per 500 rows, whatever the size of the file."""
    from allauth.account.models import EmailAddress

    new_rows = [r for r in preview.rows if r.outcome == Outcome.NEW]
    update_rows = [r for r in preview.rows if r.outcome == Outcome.UPDATE]
    rows = new_rows + update_rows
    if not rows:
        return
    today = timezone.localdate()
    organisations = _organisations_for(rows, acting=acting)
    topics = {}
    for name in {t.casefold(): t for r in rows for t in r.values["topics"]}.values():
        topics[name.casefold()] = services.topic_get_or_create(name=name)

    # New people: an account without a password (they set one through "forgot password"), an
    # unverified address, and an active membership since the date in the file or today.
    # What make_password(None) returns, without its slow character-by-character random string.
    people = [
        Person(email=r.values["email"], password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30))
        for r in new_rows
    ]
    Person.objects.bulk_create(people, batch_size=BATCH_SIZE)
    ids = {}
    emails = [r.values["email"] for r in new_rows]
    for start in range(0, len(emails), BATCH_SIZE):
        ids.update(
            Person.objects.filter(email__in=emails[start : start + BATCH_SIZE]).values_list("email", "pk")
        )
    for row in new_rows:
        row.person_id = ids[row.values["email"]]
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=r.person_id, email=r.values["email"], verified=False, primary=True)
            for r in new_rows
        ],
        batch_size=BATCH_SIZE,
    )

    new_profiles = []
    for row in new_rows:
        values = row.values
        profile = Profile(
            person_id=row.person_id,
            name=values["name"],
            country=values["country"],
            organisation_id=organisations.get(values["organisation"].casefold()),
            job_title=values["job_title"],
            sector=values["sector"],
            membership_status=MembershipStatus.ACTIVE,
            joined_on=values["joined_on"] or today,
        )
        profile.search_text = _search_text(profile, values["organisation"], values["topics"])
        new_profiles.append(profile)
    bulk_create_with_history(
        new_profiles,
        Profile,
        batch_size=BATCH_SIZE,
        default_user=acting,
        default_change_reason="member import",
    )

    changed_profiles = []
    update_ids = [r.person_id for r in update_rows]
    existing: dict[int, Profile] = {}
    topic_names: dict[int, list[str]] = {}
    for start in range(0, len(update_ids), BATCH_SIZE):
        chunk = update_ids[start : start + BATCH_SIZE]
        existing.update(
            (p.pk, p) for p in Profile.objects.filter(person_id__in=chunk).select_related("organisation")
        )
        for profile_id, name in Profile.topics.through.objects.filter(profile_id__in=chunk).values_list(
            "profile_id", "topic__name"
        ):
            topic_names.setdefault(profile_id, []).append(name)
    missing = [Profile(person_id=pk) for pk in update_ids if pk not in existing]
    Profile.objects.bulk_create(missing, batch_size=BATCH_SIZE)
    generations.bump("people")  # profiles written in bulk (no signal)
    existing.update((p.person_id, p) for p in missing)
    for row in update_rows:
        values, profile = row.values, existing[row.person_id]
        for name in ("name", "country", "job_title", "sector"):
            if values[name]:
                setattr(profile, name, values[name])
        if values["organisation"]:
            profile.organisation_id = organisations[values["organisation"].casefold()]
        if profile.membership_status in JOINING_STATUSES:
            profile.membership_status = MembershipStatus.ACTIVE
            profile.joined_on = values["joined_on"] or profile.joined_on or today
            profile.left_on = None
        elif values["joined_on"] and (profile.joined_on is None or values["joined_on"] < profile.joined_on):
            profile.joined_on = values["joined_on"]
        names = {n.casefold(): n for n in topic_names.get(row.person_id, [])}
        for name in values["topics"]:
            names.setdefault(name.casefold(), name)
        organisation_name = values["organisation"] or (
            profile.organisation.name if profile.organisation else ""
        )
        profile.search_text = _search_text(profile, organisation_name, names.values())
        profile.updated_at = timezone.now()
        changed_profiles.append(profile)
    bulk_update_with_history(
        changed_profiles,
        Profile,
        fields=[
            "name",
            "country",
            "job_title",
            "sector",
            "organisation",
            "membership_status",
            "joined_on",
            "left_on",
            "search_text",
            "updated_at",
        ],
        batch_size=BATCH_SIZE,
        default_user=acting,
        default_change_reason="member import",
    )
    services.profile_search_words_write(
        profiles=[(p.person_id, p.search_text) for p in (*new_profiles, *changed_profiles)]
    )

    # Languages and topics are added to what a person already has, never taken away.
    Profile.languages.through.objects.bulk_create(
        [
            Profile.languages.through(profile_id=r.person_id, language_id=code)
            for r in rows
            for code in r.values["languages"]
        ],
        batch_size=BATCH_SIZE,
        ignore_conflicts=True,
    )
    Profile.topics.through.objects.bulk_create(
        [
            Profile.topics.through(profile_id=r.person_id, topic_id=topics[name.casefold()].pk)
            for r in rows
            for name in r.values["topics"]
        ],
        batch_size=BATCH_SIZE,
        ignore_conflicts=True,
    )


def _organisations_for(rows, *, acting: Person) -> dict[str, int]:
    """Case-folded organisation name → id, creating the organisations the file names for the first time."""
    wanted = {
        r.values["organisation"].casefold(): r.values["organisation"]
        for r in rows
        if r.values["organisation"]
    }
    known = {name.casefold(): pk for pk, name in Organisation.objects.values_list("pk", "name")}
    new = [Organisation(name=name) for key, name in wanted.items() if key not in known]
    if new:
        bulk_create_with_history(
            new,
            Organisation,
            batch_size=BATCH_SIZE,
            default_user=acting,
            default_change_reason="member import",
        )
        names = [o.name for o in new]
        for start in range(0, len(names), BATCH_SIZE):
            known.update(
                (name.casefold(), pk)
                for pk, name in Organisation.objects.filter(
                    name__in=names[start : start + BATCH_SIZE]
                ).values_list("pk", "name")
            )
    return known


def _search_text(profile: Profile, organisation: str, topics) -> str:
    # Topics in name order, as services.profile_refresh_search_text writes them.
    return services.search_text_for(
        name=profile.name,
        email="",
        organisation=organisation,
        job_title=profile.job_title,
        topics=sorted(topics),
    )
