"""People's part of "download your data" and erasure (the engine is convene/core/privacy.py).

The account itself, its profile, its tokens and uploaded member lists, and the tables of Django, allauth
and django-axes that name a person: sessions, the admin log, e-mail addresses, authenticators, logins.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from convene.core.privacy import Declaration, Erase, Erasure, historical, person_emails

from .models import FORMER_MEMBER, erased_email

# What an admin log entry about an erased row says instead of the row's name.
ERASED_REPR = "[erased]"


def _tombstone(erasure: Erasure) -> None:
    """The account stays as a row others' records point at; nothing in it identifies the person."""
    person = erasure.person
    person.email = erased_email(person.pk)
    person.set_unusable_password()
    person.is_active = False
    person.is_staff = False
    person.is_superuser = False
    person.language = ""
    person.time_zone = ""
    person.last_login = None
    person.save(
        update_fields=[
            "email",
            "password",
            "is_active",
            "is_staff",
            "is_superuser",
            "language",
            "time_zone",
            "last_login",
        ]
    )
    person.__dict__.pop("_convene_bodies", None)
    person.__dict__.pop("_convene_group_roles", None)
    person._convene_is_member = False


def _profile(erasure: Erasure) -> None:
    from .models import MembershipStatus, Profile

    profile, _created = Profile.objects.get_or_create(person=erasure.person)
    profile.languages.clear()
    profile.topics.clear()
    for name, value in PROFILE_SCRUB.items():
        setattr(profile, name, value)
    if profile.membership_status == MembershipStatus.ACTIVE:
        profile.left_on = erasure.today
    profile.membership_status = MembershipStatus.LEFT
    profile._change_reason = "account erased"
    # A plain save, so simple-history records the erasure (who, when) in the profile's history.
    profile.save()
    profile.search_words.all().delete()  # the search index held the words of the scrubbed fields


def _log_entries(erasure: Erasure) -> None:
    """Admin log entries about the person, or about a row erasure removed, lose the name they quote."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from .models import Person, Profile

    touched = [(Person, [erasure.person.pk]), (Profile, [erasure.person.pk]), *erasure.touched]
    for model, pks in touched:
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        for start in range(0, len(pks), 500):
            chunk = [str(pk) for pk in pks[start : start + 500]]
            LogEntry.objects.filter(content_type=content_type, object_id__in=chunk).update(
                object_repr=ERASED_REPR
            )


def _import_rows_about(member_import, emails: list[str]) -> list:
    wanted = {e.lower() for e in emails}
    return [
        row
        for row in member_import.rows
        if any(isinstance(cell, str) and cell.strip().lower() in wanted for cell in row[1])
    ]


def _imports_naming(emails: list[str]):
    from .models import MemberImport

    condition = Q(pk__in=[])
    for email in emails:
        condition |= Q(rows__icontains=email)
    return MemberImport.objects.filter(condition).order_by("pk")


def _member_import_rows(person) -> list[dict]:
    """The lines about the person in member lists the secretariat uploaded (not the other lines)."""
    emails = person_emails(person)
    result = []
    for member_import in _imports_naming(emails):
        rows = _import_rows_about(member_import, emails)
        if rows:
            result.append(
                {
                    "member_import": member_import.pk,
                    "filename": member_import.filename,
                    "uploaded": member_import.created_at,
                    "headers": member_import.headers,
                    "rows": rows,
                }
            )
    return result


def _member_import_erase(erasure: Erasure) -> None:
    """The person's lines leave the uploaded member lists (the counts of the import stay)."""
    from .models import MemberImport

    for member_import in _imports_naming(erasure.emails):
        about = _import_rows_about(member_import, erasure.emails)
        if about:
            rows = [row for row in member_import.rows if row not in about]
            MemberImport.objects.filter(pk=member_import.pk).update(rows=rows)


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def sessions_of(person, *, live_only: bool):
    """Django's session rows that hold the person's id (read one by one: the id is inside the data)."""
    if not settings.SESSION_ENGINE.startswith("django.contrib.sessions.backends.") or not (
        settings.SESSION_ENGINE.endswith((".db", ".cached_db"))
    ):
        return
    from django.contrib.sessions.models import Session

    sessions = Session.objects.order_by("expire_date")
    if live_only:
        sessions = sessions.filter(expire_date__gt=timezone.now())
    for session in sessions.iterator(chunk_size=1000):
        if str(session.get_decoded().get(SESSION_KEY)) == str(person.pk):
            yield session


def _session_rows(person) -> list[dict]:
    # The key would let whoever reads the archive log in as the person: only the expiry is exported.
    return [{"expire_date": s.expire_date} for s in sessions_of(person, live_only=True)]


def _session_erase(erasure: Erasure) -> None:
    store = _session_store()
    for session in list(sessions_of(erasure.person, live_only=False)):
        store(session_key=session.session_key).delete()


def _axes_match(person, emails: list[str]) -> Q:
    condition = Q(pk__in=[])
    for email in emails:
        condition |= Q(username__iexact=email)
    return condition


def person_names(person, emails: list[str]) -> list[str]:
    """What the system may have written the person as: their name, and the e-mail fallback of it."""
    from .models import Profile

    name = Profile.objects.filter(person=person).values_list("name", flat=True).first() or ""
    names = {name.strip(), *emails, *(email.split("@")[0] for email in emails if not name.strip())}
    return sorted(n for n in names if n and n != FORMER_MEMBER)


def refuse_last_administrator(*, person, acting) -> str | None:
    """An administrator's account goes only by another administrator's hand, and never the last one."""
    Person = get_user_model()
    own = acting is not None and acting.pk == person.pk
    if person.is_superuser and not own and not acting.is_superuser:
        return gettext("Only an administrator can erase an administrator's account.")
    others = Person.objects.filter(is_active=True).exclude(pk=person.pk)
    if person.is_superuser and not others.filter(is_superuser=True).exists():
        if own:
            return gettext(
                "You are the last administrator of Convene. Make someone else an administrator first."
            )
        return gettext(
            "%(name)s is the last administrator of Convene. Make someone else an administrator first."
        ) % {"name": person.display_name}
    return None


# --- The declarations -------------------------------------------------------------------------------

PROFILE_SCRUB = {
    "name": FORMER_MEMBER,
    "country": "",
    "organisation": None,
    "job_title": "",
    "sector": "",
    "bio": "",
    "profile_visibility": "nobody",
    "email_visibility": "nobody",
    "search_text": "",
}

DECLARATIONS: tuple[Declaration, ...] = (
    # --- people: the account itself, its profile, its tokens ------------------------------------------
    Declaration(
        "people.Person",
        match=lambda person, emails: Q(pk=person.pk),
        match_erase=Erase.ANONYMISE,
        secret=frozenset({"password"}),
        extra_erase=_tombstone,
        erase_order=1,
        refusal=refuse_last_administrator,
        title=_("Your account"),
        about=_(
            "Your account: e-mail address, language, time zone. Your password is stored only as a "
            "one-way hash and is not in the archive. Erasure keeps an empty account that your "
            "contributions point at, shown as “Former member”."
        ),
    ),
    Declaration("people.Person_groups", fields={"person": Erase.DELETE}),
    Declaration("people.Person_user_permissions", fields={"person": Erase.DELETE}),
    Declaration(
        "people.Profile",
        fields={"person": Erase.ANONYMISE},
        scrub=PROFILE_SCRUB,
        extra_erase=_profile,
        names=person_names,
        about=_("Your profile: name, country, organisation, position, sector, languages, topics, bio."),
    ),
    historical("people.HistoricalProfile", {"person": Erase.ANONYMISE}, scrub=PROFILE_SCRUB),
    historical("people.HistoricalOrganisation", {}),
    Declaration(
        "people.ApiToken",
        fields={"person": Erase.DELETE},
        secret=frozenset({"key_hash"}),
    ),
    Declaration(
        "people.MemberImport",
        fields={"created_by": Erase.KEEP},
        trail=frozenset({"created_by"}),
        trail_columns=("created_by", "created_at", "filename", "status", "committed_at"),
        extra_rows=_member_import_rows,
        extra_erase=_member_import_erase,
        about=_("Member lists the secretariat uploaded: the lines about you. Erasure removes them."),
    ),
    # --- Django, allauth, django-axes -------------------------------------------------------------
    Declaration(
        "sessions.Session",
        extra_rows=_session_rows,
        extra_erase=_session_erase,
        about=_("Where you are logged in: when each session expires. Erasure logs you out everywhere."),
    ),
    Declaration(
        "admin.LogEntry",
        fields={"user": Erase.KEEP},
        trail=frozenset({"user"}),
        trail_columns=("action_time", "user", "content_type", "object_id", "action_flag", "change_message"),
        extra_erase=_log_entries,
    ),
    Declaration("account.EmailAddress", fields={"user": Erase.DELETE}),
    Declaration(
        "mfa.Authenticator",
        fields={"user": Erase.DELETE},
        secret=frozenset({"data"}),
        about=_("Your two-factor authentication: which kinds, when made and last used (not the secrets)."),
    ),
    Declaration(
        "axes.AccessAttempt",
        match=_axes_match,
        match_erase=Erase.DELETE,
        about=_("Failed logins with your e-mail address: when, from which IP address and browser."),
    ),
    Declaration(
        "axes.AccessLog",
        match=_axes_match,
        match_erase=Erase.DELETE,
        secret=frozenset({"session_hash"}),
        about=_("Your logins: when, from which IP address and browser."),
    ),
    Declaration("axes.AccessFailureLog", match=_axes_match, match_erase=Erase.DELETE),
)
