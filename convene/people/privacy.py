"""What Convene holds about a person, and what happens to it: "download your data" and erasure.

``REGISTRY`` declares, for every model that refers to a person, which of its fields do so and what
erasure does to the rows reached through each field:

- ``DELETE``: the rows go (with the files they hold): e-mail addresses, authenticators, tokens, sessions,
  deliveries, login attempts;
- ``ANONYMISE``: the rows stay and the fields named in ``scrub`` are overwritten (the profile, and every
  historical version of it, is blanked);
- ``KEEP``: the rows stay as they are and keep pointing at the person's row, which erasure turns into a
  tombstone shown as "Former member" (posts, threads, activities, decisions, history of who changed what).

``export`` writes the same rows into the archive. A field in ``trail`` only records that the person did
something to a record that is about someone or something else (``history_user``, the author of an admin
log entry, who invited whom): such a row is exported with ``trail_columns`` only, not with the other
person's data. Tables that name a person without a relation (django-axes' login records, by e-mail
address; Django's sessions, by the id inside them) are declared with ``match`` or ``extra_rows``.

``tests/test_privacy.py`` walks every installed model and fails, naming it, when a model that refers to
a person is not declared here, or declares fewer fields than it has: a new app registers its models here
(in a section of its own) before it can ship.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property
from importlib import import_module
from pathlib import PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import FORMER_MEMBER, erased_email

# What an admin log entry about an erased row says instead of the row's name.
ERASED_REPR = "[erased]"

ARCHIVE_FORMAT = "convene-personal-data"
ARCHIVE_VERSION = 1


class Erase(StrEnum):
    DELETE = "delete"
    ANONYMISE = "anonymise"
    KEEP = "keep"


ERASE_LABELS = {
    Erase.DELETE: _("Deleted"),
    Erase.ANONYMISE: _("Kept without your personal details"),
    Erase.KEEP: _("Kept, shown as “Former member”"),
}


@dataclass
class Erasure:
    """What one erasure knows before it changes anything (the e-mail addresses are gone afterwards)."""

    person: Any
    acting: Any
    today: date
    emails: list[str]
    names: list[str]
    # (model, primary keys) of rows deleted or anonymised: their admin log entries lose their names.
    touched: list[tuple[type[models.Model], list[Any]]] = field(default_factory=list)


@dataclass(frozen=True)
class Declaration:
    label: str
    # Every field by which a row refers to a person → what erasure does to the rows reached through it.
    fields: Mapping[str, Erase] = field(default_factory=dict)
    # ANONYMISE: field → the value written (only the fields the model has).
    scrub: Mapping[str, Any] = field(default_factory=dict)
    # Fields that only record the person's action on someone else's record (see the module's docstring).
    trail: frozenset[str] = frozenset()
    trail_columns: tuple[str, ...] = ()
    # Never exported: secrets that would let someone act as the person (hashes, keys, TOTP seeds).
    secret: frozenset[str] = frozenset()
    # Rows that name the person without a relation, and what erasure does to them.
    match: Callable[[Any, list[str]], Q] | None = None
    match_erase: Erase = Erase.KEEP
    # Custom parts: rows that cannot be filtered (sessions), and erasure steps beyond the fields.
    extra_rows: Callable[[Any], list[dict]] | None = None
    extra_erase: Callable[[Erasure], None] | None = None
    about: str = ""
    # What the data page calls these rows, when the model's plural name does not say it to the person.
    title: str = ""

    @cached_property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)

    @property
    def installed(self) -> bool:
        app_label = self.label.split(".", 1)[0]
        return any(config.label == app_label for config in apps.get_app_configs())

    @property
    def name(self) -> str:
        return str(self.title or self.model._meta.verbose_name_plural)

    @property
    def filename(self) -> str:
        return f"data/{self.label}.json"

    def q(self, person, emails: list[str], *, fields: Iterable[str] | None = None) -> Q:
        condition = Q(pk__in=[])
        for name in self.fields if fields is None else fields:
            condition |= Q(**{name: person})
        if self.match is not None and fields is None:
            condition |= self.match(person, emails)
        return condition

    def full_q(self, person, emails: list[str]) -> Q:
        condition = self.q(person, emails, fields=[f for f in self.fields if f not in self.trail])
        if self.match is not None:
            condition |= self.match(person, emails)
        return condition

    def count(self, person, emails: list[str]) -> int | None:
        if self.extra_rows is not None and not self.fields and self.match is None:
            return None  # sessions: counting them means reading every one
        count = self.model._default_manager.filter(self.q(person, emails)).count()
        if self.extra_rows is not None:
            count += len(self.extra_rows(person))
        return count

    def erasure_actions(self) -> dict[str, Erase]:
        actions = dict(self.fields)
        if self.match is not None:
            actions["(match)"] = self.match_erase
        return actions


def historical(
    label: str, fields: Mapping[str, Erase], *, trail: Iterable[str] = (), **options
) -> Declaration:
    """A simple-history model: its person fields, plus ``history_user`` (who made the change)."""
    return Declaration(
        label,
        fields={**fields, "history_user": Erase.KEEP},
        trail=frozenset({"history_user", *trail}),
        **options,
    )


# --- Erasure steps beyond the fields ---------------------------------------------------------------


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


def _end_terms(erasure: Erasure) -> None:
    """Seats on the secretariat, the committee or the ambassadors end today; future ones never start."""
    from convene.governance.models import Term

    terms = Term.objects.filter(person=erasure.person)
    terms.filter(starts_on__gt=erasure.today).delete()
    for term in terms.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=erasure.today)):
        term.ends_on = erasure.today
        term._change_reason = "account erased"
        term.save(update_fields=["ends_on"])


def _end_group_memberships(erasure: Erasure) -> None:
    """Like leaving each group (groups.services.membership_leave): a co-chair's term ends too."""
    from convene.groups.models import CURRENT_MEMBERSHIP, CochairTerm, GroupMembership, MembershipStatus

    for membership in GroupMembership.objects.filter(person=erasure.person, status__in=CURRENT_MEMBERSHIP):
        was_active = membership.status == MembershipStatus.ACTIVE
        membership.status = MembershipStatus.LEFT
        membership.left_on = erasure.today if was_active else None
        membership._change_reason = "account erased"
        membership.save(update_fields=["status", "left_on", "updated_at"])
    for term in CochairTerm.objects.filter(person=erasure.person, ends_on__isnull=True):
        term.ends_on = max(erasure.today, term.starts_on)
        term._change_reason = "account erased"
        term.save(update_fields=["ends_on"])


def _name_pattern(names: list[str]) -> re.Pattern | None:
    names = sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True)
    if not names:
        return None
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.IGNORECASE)


def replace_names(queryset, text_fields: Iterable[str], names: list[str]) -> None:
    """Titles the system wrote with the person's name in them ("Amina appointed co-chair of …")."""
    pattern = _name_pattern(names)
    if pattern is None:
        return
    text_fields = list(text_fields)
    condition = Q(pk__in=[])
    for name in names:
        for text_field in text_fields:
            condition |= Q(**{f"{text_field}__icontains": name})
    for row in queryset.filter(condition).iterator():
        changed = {}
        for text_field in text_fields:
            value = getattr(row, text_field)
            new = pattern.sub(FORMER_MEMBER, value)
            if new != value:
                changed[text_field] = new
        if changed:
            queryset.model._default_manager.filter(pk=row.pk).update(**changed)


def _replace_title_params(queryset, names: list[str]) -> None:
    """A structured title (governance/decisions.py) names people in its parameters: the one who is
    the person becomes the tombstone's name, translated when the title is shown."""
    from convene.governance.decisions import PERSON_PARAMS

    pattern = _name_pattern(names)
    if pattern is None:
        return
    for row in queryset.exclude(title_kind="").iterator():
        params = dict(row.title_params or {})
        for key in PERSON_PARAMS:
            if isinstance(params.get(key), str) and pattern.fullmatch(params[key].strip()):
                params[key] = FORMER_MEMBER
        if params != row.title_params:
            queryset.model._default_manager.filter(pk=row.pk).update(title_params=params)


def _decision_names(erasure: Erasure) -> None:
    """Decisions about the person's co-chair terms (the system wrote their name into the title) lose
    every form of the name; elsewhere only the unmistakable forms go (an e-mail address, a name of two
    words or more), so that a short name does not rewrite "Case" in "Case Management" everywhere."""
    from convene.governance.models import Decision

    history = Decision.history.model._default_manager
    about = Decision.objects.filter(
        Q(appointments__person=erasure.person) | Q(term_endings__person=erasure.person)
    ).values_list("pk", flat=True)
    about = list(dict.fromkeys(about))
    replace_names(Decision.objects.filter(pk__in=about), ["title", "text"], erasure.names)
    replace_names(history.filter(id__in=about), ["title", "text"], erasure.names)
    _replace_title_params(Decision.objects.filter(pk__in=about), erasure.names)
    _replace_title_params(history.filter(id__in=about), erasure.names)
    strict = [n for n in erasure.names if "@" in n or len(n.split()) >= 2]
    replace_names(Decision.objects.exclude(pk__in=about), ["title", "text"], strict)
    replace_names(history.exclude(id__in=about), ["title", "text"], strict)


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


def _sessions_of(person, *, live_only: bool):
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
    return [{"expire_date": s.expire_date} for s in _sessions_of(person, live_only=True)]


def _session_erase(erasure: Erasure) -> None:
    store = _session_store()
    for session in list(_sessions_of(erasure.person, live_only=False)):
        store(session_key=session.session_key).delete()


def _volunteer_withdraw(erasure: Erasure) -> None:
    if not apps.is_installed("convene.plans"):
        return
    Volunteer = apps.get_model("plans.Volunteer")
    Volunteer.objects.filter(person=erasure.person, status="offered").update(
        status="withdrawn", decided_at=timezone.now()
    )


def _axes_match(person, emails: list[str]) -> Q:
    condition = Q(pk__in=[])
    for email in emails:
        condition |= Q(username__iexact=email)
    return condition


# --- The registry ----------------------------------------------------------------------------------

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
HISTORY_TRAIL = (
    "history_date",
    "history_type",
    "history_change_reason",
    "history_user",
)

REGISTRY: tuple[Declaration, ...] = (
    # --- people: the account itself, its profile, its tokens ------------------------------------------
    Declaration(
        "people.Person",
        match=lambda person, emails: Q(pk=person.pk),
        match_erase=Erase.ANONYMISE,
        secret=frozenset({"password"}),
        extra_erase=_tombstone,
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
    # --- governance -------------------------------------------------------------------------------
    Declaration(
        "governance.Term",
        fields={"person": Erase.ANONYMISE},
        scrub={"note": ""},
        extra_erase=_end_terms,
        about=_("Your seats on the secretariat, the steering committee or the ambassadors; they end."),
    ),
    historical("governance.HistoricalTerm", {"person": Erase.ANONYMISE}, scrub={"note": ""}),
    Declaration(
        "governance.Decision",
        fields={"recorded_by": Erase.KEEP},
        extra_erase=_decision_names,
        about=_("Decisions you recorded. Your name in the title of a decision is replaced."),
    ),
    historical("governance.HistoricalDecision", {"recorded_by": Erase.KEEP}),
    # --- groups -----------------------------------------------------------------------------------
    Declaration("groups.Group", fields={"proposed_by": Erase.KEEP}),
    Declaration("groups.Group_suggested_cochairs", fields={"person": Erase.DELETE}),
    historical("groups.HistoricalGroup", {"proposed_by": Erase.KEEP}),
    Declaration(
        "groups.GroupMembership",
        fields={"person": Erase.ANONYMISE, "invited_by": Erase.KEEP},
        scrub={"request_note": ""},
        trail=frozenset({"invited_by"}),
        trail_columns=("group", "person", "status", "created_at", "invited_by"),
        extra_erase=_end_group_memberships,
        about=_("Your places in groups. Erasure ends them; the record of who was in a group stays."),
    ),
    historical(
        "groups.HistoricalGroupMembership",
        {"person": Erase.ANONYMISE, "invited_by": Erase.KEEP},
        scrub={"request_note": ""},
        trail={"invited_by"},
        trail_columns=(*HISTORY_TRAIL, "id", "group", "person", "status", "invited_by"),
    ),
    Declaration("groups.CochairTerm", fields={"person": Erase.KEEP}),
    historical("groups.HistoricalCochairTerm", {"person": Erase.KEEP}),
    Declaration("groups.Activity", fields={"person": Erase.KEEP}),
    Declaration("groups.Thread", fields={"author": Erase.KEEP}),
    Declaration("groups.Post", fields={"author": Erase.KEEP}),
    # Earlier wordings of a post (its author's edits and deletion), read by the group's moderators.
    historical("groups.HistoricalPost", {"author": Erase.KEEP}),
    Declaration(
        "groups.PostDelivery",
        fields={"person": Erase.DELETE},
        title=_("Group posts e-mailed or owed to you"),
    ),
    # --- plans ------------------------------------------------------------------------------------
    Declaration("plans.WorkPlan", fields={"created_by": Erase.KEEP}),
    historical("plans.HistoricalWorkPlan", {"created_by": Erase.KEEP}),
    Declaration("plans.PlanVersion", fields={"created_by": Erase.KEEP}),
    historical("plans.HistoricalObjective", {}),
    Declaration("plans.Deliverable", fields={"owner": Erase.KEEP}),
    historical("plans.HistoricalDeliverable", {"owner": Erase.KEEP}),
    Declaration("plans.Task", fields={"assignee": Erase.KEEP}),
    historical("plans.HistoricalTask", {"assignee": Erase.KEEP}),
    Declaration(
        "plans.Volunteer",
        fields={"person": Erase.ANONYMISE},
        scrub={"note": ""},
        extra_erase=_volunteer_withdraw,
    ),
    Declaration("plans.PlanComment", fields={"author": Erase.KEEP}),
    historical("plans.HistoricalExchangeRate", {}),
    historical("plans.HistoricalBudgetLine", {}),
    Declaration("plans.HRNeed", fields={"filled_by": Erase.KEEP}),
    historical("plans.HistoricalHRNeed", {"filled_by": Erase.KEEP}),
    # A workbook waiting between its upload and its confirmation (hours at most).
    Declaration("plans.PlanImport", fields={"created_by": Erase.DELETE}),
    # --- results ----------------------------------------------------------------------------------
    historical("results.HistoricalSharedIndicator", {}),
    historical("results.HistoricalResult", {}),
    Declaration("results.Indicator", fields={"responsible": Erase.KEEP}),
    historical("results.HistoricalIndicator", {"responsible": Erase.KEEP}),
    historical("results.HistoricalTarget", {}),
    Declaration("results.Measurement", fields={"recorded_by": Erase.KEEP, "reviewed_by": Erase.KEEP}),
    historical("results.HistoricalMeasurement", {"recorded_by": Erase.KEEP, "reviewed_by": Erase.KEEP}),
)


def declarations() -> list[Declaration]:
    """The declarations of the installed apps (an app being built may not be installed yet)."""
    return [declaration for declaration in REGISTRY if declaration.installed]


def person_emails(person) -> list[str]:
    """The addresses that identify the person (axes and uploads name people by address).

    Only addresses that are provably the person's: the account's own login address, which no other
    account can hold and which cannot be used to log in before it is verified (allauth's mandatory
    verification; an address made primary must be verified first), and the other addresses the
    person verified. An address merely typed in at /accounts/email/ could be anybody's: counting it
    would hand that person's login records and list lines to whoever typed it, and let an erasure
    delete them.
    """
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(user=person, verified=True).values_list("email", flat=True)
    emails = {person.email, *verified}
    return sorted({e.strip().lower() for e in emails if e and not e.lower().endswith("@invalid")})


def person_names(person, emails: list[str]) -> list[str]:
    """What the system may have written the person as: their name, and the e-mail fallback of it."""
    from .models import Profile

    name = Profile.objects.filter(person=person).values_list("name", flat=True).first() or ""
    names = {name.strip(), *emails, *(email.split("@")[0] for email in emails if not name.strip())}
    return sorted(n for n in names if n and n != FORMER_MEMBER)


# --- Export ----------------------------------------------------------------------------------------


def _exported_fields(model, exclude: Iterable[str]) -> list[str]:
    exclude = set(exclude)
    names = []
    for f in [*model._meta.local_fields, *model._meta.local_many_to_many]:
        if f.name not in exclude:
            names += [f.name, f.attname]
    return names


def _trail_columns(declaration: Declaration) -> tuple[str, ...]:
    if declaration.trail_columns:
        return declaration.trail_columns
    instance_type = getattr(declaration.model, "instance_type", None)
    tracked = (instance_type._meta.pk.name,) if instance_type is not None else ()
    return (*HISTORY_TRAIL, *tracked)


def _serialize(objects: Iterable[models.Model], fields: list[str]) -> list[dict]:
    return serializers.serialize("python", objects, fields=fields)


def export_part(declaration: Declaration, person, emails: list[str]) -> tuple[dict, list[models.Model]]:
    """One model's file of the archive, and the rows whose files go into the archive with it."""
    part: dict[str, Any] = {
        "model": declaration.label,
        "name": declaration.name,
        "about": str(declaration.about),
        "erasure": {name: str(action) for name, action in declaration.erasure_actions().items()},
        "rows": [],
    }
    objects: list[models.Model] = []
    manager = declaration.model._default_manager
    if declaration.fields or declaration.match is not None:
        full_q = declaration.full_q(person, emails)
        objects = list(manager.filter(full_q).order_by("pk"))
        part["rows"] = _serialize(objects, _exported_fields(declaration.model, declaration.secret))
        if declaration.trail:
            trail = manager.filter(declaration.q(person, emails, fields=declaration.trail)).exclude(full_q)
            part["your_actions"] = _serialize(trail.order_by("pk"), list(_trail_columns(declaration)))
        if declaration.extra_rows is not None:
            part["mentions"] = declaration.extra_rows(person)
    elif declaration.extra_rows is not None:
        part["rows"] = declaration.extra_rows(person)
    return part, objects


def _attachments(declaration: Declaration, objects: list[models.Model]):
    """Files the person's rows hold (an uploaded evidence file, say): (path in the archive, content)."""
    file_fields = [f for f in declaration.model._meta.concrete_fields if isinstance(f, models.FileField)]
    for obj in objects:
        for file_field in file_fields:
            stored = getattr(obj, file_field.attname)
            if not stored:
                continue
            try:
                with stored.open("rb") as handle:
                    content = handle.read()
            except OSError:
                continue
            name = PurePosixPath(stored.name).name
            yield f"files/{declaration.label}/{obj.pk}/{file_field.name}/{name}", content


def privacy_export(person) -> bytes:
    """Everything Convene holds about the person: a ZIP of one JSON file per model, README and manifest."""
    emails = person_emails(person)
    generated_at = timezone.now()
    buffer = io.BytesIO()
    manifest: dict[str, Any] = {
        "format": ARCHIVE_FORMAT,
        "version": ARCHIVE_VERSION,
        "generated_at": generated_at,
        "network": settings.CONVENE_NETWORK_NAME,
        "person": person.pk,
        "files": [],
        "attachments": [],
    }
    lines = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for declaration in declarations():
            part, objects = export_part(declaration, person, emails)
            archive.writestr(declaration.filename, _json(part))
            counts = {key: len(part.get(key, [])) for key in ("rows", "your_actions", "mentions")}
            manifest["files"].append(
                {
                    "file": declaration.filename,
                    "model": declaration.label,
                    "erasure": part["erasure"],
                    **counts,
                }
            )
            for path, content in _attachments(declaration, objects):
                archive.writestr(path, content)
                manifest["attachments"].append(path)
            if any(counts.values()):
                lines.append(
                    gettext("%(file)s: %(name)s, %(rows)s rows, %(actions)s of your actions. %(about)s")
                    % {
                        "file": declaration.filename,
                        "name": part["name"],
                        "rows": counts["rows"] + counts["mentions"],
                        "actions": counts["your_actions"],
                        "about": part["about"],
                    }
                )
        archive.writestr("manifest.json", _json(manifest))
        archive.writestr("README.txt", _readme(person, generated_at, lines))
    return buffer.getvalue()


def _json(data) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2, sort_keys=False)


def _readme(person, generated_at, lines: list[str]) -> str:
    intro = gettext(
        "All the data %(network)s holds about you, account %(id)s, as on %(date)s (UTC).\n\n"
        "Each file in data/ holds the rows of one kind of record, in JSON: “rows” are records about "
        "you or made by you; “your_actions” are changes you made to records about someone or something "
        "else (only the fact of the change, not the other person's data); “mentions” are lines about "
        "you in lists others uploaded. manifest.json lists every file, its number of rows and what "
        "erasing your account does to them (delete, anonymise or keep, shown as “Former member”). "
        "Files you uploaded are in files/.\n\n"
        "Not included: your password (stored only as a one-way hash), the keys of your API tokens "
        "and sessions, and the secrets of your two-factor authentication.\n"
    ) % {
        "network": settings.CONVENE_NETWORK_NAME,
        "id": person.pk,
        "date": generated_at.strftime("%Y-%m-%d %H:%M"),
    }
    return intro + "\n" + "\n".join(lines) + "\n"


def privacy_summary(person) -> list[dict]:
    """What the data page lists: each kind of record held about the person, how many, what erasure does."""
    emails = person_emails(person)
    summary = []
    for declaration in declarations():
        count = declaration.count(person, emails)
        if count == 0:
            continue
        own = [a for name, a in declaration.fields.items() if name not in declaration.trail]
        if declaration.match is not None:
            own.append(declaration.match_erase)
        actions = own or list(declaration.fields.values()) or [Erase.DELETE]
        summary.append(
            {
                "name": declaration.name,
                "about": declaration.about,
                "count": count,
                "erasure": [ERASE_LABELS[a] for a in dict.fromkeys(actions)],
            }
        )
    return summary


# --- Erasure ---------------------------------------------------------------------------------------


def erasure_refusal(*, person, acting) -> str | None:
    """Why erasing this account would leave the network broken, or None when it may go."""
    from convene.core.rules import is_secretariat
    from convene.governance.models import Body, Term

    Person = get_user_model()
    if person.is_erased:
        return None
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
    if is_secretariat(person):
        secretariat = Term.objects.current().filter(body=Body.SECRETARIAT).values("person_id")
        if not others.filter(Q(is_superuser=True) | Q(pk__in=secretariat)).exists():
            if own:
                return gettext(
                    "You are the last member of the secretariat. Appoint someone else to the "
                    "secretariat first, so that the network is not left without anyone to run it."
                )
            return gettext(
                "%(name)s is the last member of the secretariat. Appoint someone else to the "
                "secretariat first, so that the network is not left without anyone to run it."
            ) % {"name": person.display_name}
    return None


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - FieldDoesNotExist, or a reverse relation of that name
        return False
    return True


def _delete_files(model, queryset) -> None:
    file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    for file_field in file_fields:
        for name in queryset.exclude(**{file_field.attname: ""}).values_list(file_field.attname, flat=True):
            if name:
                storage = file_field.storage
                # After the commit: a rolled-back erasure must not have lost the files.
                transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))


def _apply(erasure: Erasure, declaration: Declaration, condition: Q, action: Erase) -> None:
    if action == Erase.KEEP:
        return
    from django.contrib import admin

    model = declaration.model
    queryset = model._default_manager.filter(condition)
    if admin.site.is_registered(model):
        pks = list(queryset.values_list("pk", flat=True))
        if pks:
            erasure.touched.append((model, pks))
    if action == Erase.DELETE:
        _delete_files(model, queryset)
        queryset.delete()
        return
    values = {name: value for name, value in declaration.scrub.items() if _has_field(model, name)}
    if values:
        queryset.update(**values)


def erase(*, person, acting) -> None:
    """Erase the person (inside the caller's transaction): see the module's docstring and REGISTRY."""
    if person.is_erased:
        return
    refusal = erasure_refusal(person=person, acting=acting)
    if refusal:
        raise ValidationError(refusal)
    emails = person_emails(person)
    erasure = Erasure(
        person=person,
        acting=acting,
        today=timezone.localdate(),
        emails=emails,
        names=person_names(person, emails),
    )
    active = declarations()
    for declaration in active:
        for name, action in declaration.fields.items():
            _apply(erasure, declaration, Q(**{name: person}), action)
        if declaration.match is not None:
            _apply(erasure, declaration, declaration.match(person, emails), declaration.match_erase)
    # The extra steps, the tombstone last: the others may still read the account as it was.
    for declaration in sorted(active, key=lambda d: d.label == "people.Person"):
        if declaration.extra_erase is not None:
            declaration.extra_erase(erasure)


# --- The completeness check (tests/test_privacy.py) ------------------------------------------------


def person_fields(model) -> set[str]:
    """The concrete fields by which a model refers to a person (forward many-to-many fields are covered
    by their through model, which has a foreign key of its own)."""
    Person = get_user_model()
    return {
        f.name
        for f in model._meta.get_fields(include_hidden=True)
        if f.concrete and f.is_relation and not f.many_to_many and f.related_model is Person
    }


def undeclared() -> list[str]:
    """Models (and fields) that refer to a person and are missing from REGISTRY, as readable lines."""
    declared = {d.label: d for d in declarations()}
    problems = []
    for model in apps.get_models(include_auto_created=True):
        fields = person_fields(model)
        if not fields:
            continue
        declaration = declared.get(model._meta.label)
        if declaration is None:
            problems.append(f"{model._meta.label} ({', '.join(sorted(fields))}): not in REGISTRY")
        elif missing := fields - set(declaration.fields):
            problems.append(f"{model._meta.label}: fields {', '.join(sorted(missing))} not declared")
    return problems
