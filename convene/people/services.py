"""Every write about people, profiles, organisations and tokens (STYLE §1: one door for a write)."""

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from convene.core.rules import ensure
from convene.core.tasks import enqueue_on_commit

from . import tasks
from .models import (
    ApiToken,
    Language,
    MembershipStatus,
    Organisation,
    Person,
    Profile,
    SearchWord,
    Topic,
    search_words,
)

SEARCH_WORD_BATCH = 1000

PROFILE_FIELDS = {
    "name",
    "country",
    "organisation",
    "job_title",
    "sector",
    "bio",
    "profile_visibility",
    "email_visibility",
}


def search_text_for(
    *, name: str, email: str, organisation: str, job_title: str, topics: Iterable[str]
) -> str:
    parts = [name, organisation, job_title, *topics]
    return " ".join(p.strip().lower() for p in parts if p and p.strip())


def profile_refresh_search_text(*, profile: Profile) -> None:
    topics = list(profile.topics.values_list("name", flat=True))
    profile.search_text = search_text_for(
        name=profile.name,
        email=profile.person.email,
        organisation=profile.organisation.name if profile.organisation_id else "",
        job_title=profile.job_title,
        topics=topics,
    )
    Profile.objects.filter(pk=profile.pk).update(search_text=profile.search_text)
    profile_search_words_write(profiles=[(profile.pk, profile.search_text)])


def profile_search_words_write(*, profiles: Iterable[tuple[int, str]]) -> None:
    """Rewrite the search index (SearchWord) of these (profile id, search text) pairs, in batches."""
    profiles = list(profiles)
    for start in range(0, len(profiles), SEARCH_WORD_BATCH):
        batch = profiles[start : start + SEARCH_WORD_BATCH]
        SearchWord.objects.filter(profile_id__in=[pk for pk, _text in batch]).delete()
        SearchWord.objects.bulk_create(
            [SearchWord(profile_id=pk, word=word) for pk, text in batch for word in search_words(text)],
            batch_size=SEARCH_WORD_BATCH,
        )


def profile_ensure(*, person: Person) -> Profile:
    profile, _created = Profile.objects.get_or_create(person=person)
    return profile


@transaction.atomic
def profile_update(
    *,
    person: Person,
    acting: Person,
    languages: Iterable[Language] | None = None,
    topics: Iterable[Topic] | None = None,
    time_zone: str | None = None,
    language: str | None = None,
    **fields,
) -> Profile:
    """Change a profile; the first time it is complete, the person applies to join the network."""
    ensure(acting, "people.edit_profile", person)
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise TypeError(f"unknown profile fields: {sorted(unknown)}")
    profile = (
        Profile.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=profile_ensure(person=person).pk)
    )
    for field, value in fields.items():
        setattr(profile, field, value)
    profile.save()
    if languages is not None:
        profile.languages.set(languages)
    if topics is not None:
        profile.topics.set(topics)
    person_fields = []
    if time_zone is not None and time_zone != person.time_zone:
        person.time_zone = time_zone
        person_fields.append("time_zone")
    if language is not None and language != person.language:
        person.language = language
        person_fields.append("language")
    if person_fields:
        person.save(update_fields=person_fields)
    profile_refresh_search_text(profile=profile)
    if profile.membership_status == MembershipStatus.NONE and profile.is_complete:
        membership_apply(person=person)
        profile.refresh_from_db(fields=["membership_status", "joined_on"])
    return profile


@transaction.atomic
def membership_apply(*, person: Person) -> Profile:
    """A person with a complete profile asks to join: at once, or after approval (a setting)."""
    profile = Profile.objects.select_for_update().get(person=person)
    if profile.membership_status in (MembershipStatus.ACTIVE, MembershipStatus.PENDING):
        return profile
    if settings.CONVENE_MEMBERSHIP_APPROVAL:
        profile.membership_status = MembershipStatus.PENDING
        profile.save(update_fields=["membership_status", "updated_at"])
        return profile
    profile.membership_status = MembershipStatus.ACTIVE
    profile.joined_on = timezone.localdate()
    profile.left_on = None
    profile.save(update_fields=["membership_status", "joined_on", "left_on", "updated_at"])
    person._convene_is_member = True
    return profile


@transaction.atomic
def membership_approve(*, person: Person, acting: Person) -> Profile:
    ensure(acting, "people.approve_members")
    profile = Profile.objects.select_for_update().get(person=person)
    if profile.membership_status == MembershipStatus.ACTIVE:
        return profile
    profile.membership_status = MembershipStatus.ACTIVE
    profile.joined_on = timezone.localdate()
    profile.left_on = None
    profile.save(update_fields=["membership_status", "joined_on", "left_on", "updated_at"])
    enqueue_on_commit(tasks.send_membership_decision, person.pk, "approved")
    return profile


MAX_BULK_APPROVALS = 200


@transaction.atomic
def memberships_approve(*, person_ids: list[int], acting: Person) -> list[Profile]:
    """The secretariat approves several applicants at once, all or none (one transaction).

    Only people still waiting are approved (someone approved or declined meanwhile is left as they
    are); each gets the same welcome e-mail as one approved alone, after the commit."""
    ensure(acting, "people.approve_members")
    ids = sorted({int(pk) for pk in person_ids})
    if not ids:
        raise ValidationError(_("Choose at least one person to approve."))
    if len(ids) > MAX_BULK_APPROVALS:
        raise ValidationError(_("Approve at most %(n)s people at a time.") % {"n": MAX_BULK_APPROVALS})
    profiles = list(
        Profile.objects.select_for_update()
        .filter(person_id__in=ids, membership_status=MembershipStatus.PENDING)
        .order_by("person_id")
    )
    today = timezone.localdate()
    for profile in profiles:
        profile.membership_status = MembershipStatus.ACTIVE
        profile.joined_on = today
        profile.left_on = None
        # One save per person (bounded above) so that each change is in the profile's history.
        profile.save(update_fields=["membership_status", "joined_on", "left_on", "updated_at"])
    for profile in profiles:
        enqueue_on_commit(tasks.send_membership_decision, profile.person_id, "approved")
    return profiles


@transaction.atomic
def membership_decline(*, person: Person, acting: Person) -> Profile:
    ensure(acting, "people.approve_members")
    profile = Profile.objects.select_for_update().get(person=person)
    if profile.membership_status != MembershipStatus.PENDING:
        return profile
    profile.membership_status = MembershipStatus.DECLINED
    profile.save(update_fields=["membership_status", "updated_at"])
    enqueue_on_commit(tasks.send_membership_decision, person.pk, "declined")
    return profile


@transaction.atomic
def membership_leave(*, person: Person, acting: Person, on: date | None = None) -> Profile:
    ensure(acting, "people.edit_profile", person)
    profile = Profile.objects.select_for_update().get(person=person)
    profile.membership_status = MembershipStatus.LEFT
    profile.left_on = on or timezone.localdate()
    profile.save(update_fields=["membership_status", "left_on", "updated_at"])
    return profile


def person_set_language(*, person: Person, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unsupported language {language!r}")
    if person.language != language:
        person.language = language
        person.save(update_fields=["language"])


@transaction.atomic
def organisation_save(*, acting: Person, organisation: Organisation | None = None, **fields) -> Organisation:
    """Create an organisation, or change one; search text of its people follows a new name."""
    ensure(acting, "people.manage_organisations")
    renamed = False
    if organisation is None:
        organisation = Organisation(**fields)
    else:
        # Compare with the stored name: a ModelForm has already copied the new one onto the object.
        stored_name = Organisation.objects.filter(pk=organisation.pk).values_list("name", flat=True).first()
        renamed = "name" in fields and fields["name"] != stored_name
        for field, value in fields.items():
            setattr(organisation, field, value)
    organisation.full_clean()
    organisation.save()
    if renamed:
        for profile in organisation.profiles.select_related("person", "organisation"):
            profile_refresh_search_text(profile=profile)
    return organisation


def topic_get_or_create(*, name: str) -> Topic:
    name = " ".join(name.split())
    topic = Topic.objects.filter(name__iexact=name).first()
    if topic:
        return topic
    base = slugify(name)[:100] or "topic"
    slug, n = base, 2
    while Topic.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return Topic.objects.create(name=name, slug=slug)


def api_token_create(*, person: Person, name: str) -> tuple[ApiToken, str]:
    """Return the token and its key; the key is shown once and only its hash is kept."""
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        person=person, name=name.strip() or "API", prefix=key[:12], key_hash=ApiToken.hash_key(key)
    )
    return token, key


def api_token_revoke(*, token: ApiToken, acting: Person) -> None:
    ensure(acting, "people.edit_profile", token.person)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def api_tokens_revoke_all(*, person: Person) -> int:
    """Revoke every live token of the person, and tell them by e-mail: after a password change, reset
    or set, a token made with the old password (perhaps by whoever knew it) must stop working too."""
    revoked = ApiToken.objects.filter(person=person, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        enqueue_on_commit(tasks.send_tokens_revoked, person.pk, revoked)
    return revoked


def organisation_propose(*, name: str, acting: Person) -> Organisation:
    """A member names an organisation that is not yet in the list; the secretariat may edit it later."""
    name = " ".join(name.split())
    existing = Organisation.objects.filter(name__iexact=name).first()
    return existing or Organisation.objects.create(name=name)


@transaction.atomic
def account_erase(*, person: Person, acting: Person) -> Person:
    """Erase an account (issue 3, people/privacy.py): personal data goes, contributions stay, shown as
    "Former member". Refused (ValidationError, nothing changed) when it would leave the network without
    an administrator or a secretariat. Erasing an erased account changes nothing."""
    from convene.core import privacy

    ensure(acting, "people.erase_account", person)
    # One erasure at a time per account: a second request waits, then finds the tombstone.
    person = Person.objects.select_for_update().get(pk=person.pk)
    privacy.erase(person=person, acting=acting)
    return person
