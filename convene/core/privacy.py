"""What Convene holds about a person, and what happens to it: "download your data" and erasure.

The engine: each app declares, in its own ``privacy.py`` (a module-level ``DECLARATIONS``), every model
of its own that refers to a person, which of its fields do so and what erasure does to the rows reached
through each field (people also declares the tables of Django, allauth and django-axes it relies on):

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

The declarations are found like Django's admin modules (``autodiscover_modules("privacy")``) and read
in the order of ``INSTALLED_APPS``, each app's in the order it lists them: the archive's files, the data
page and the erasure steps follow that order (see ``Declaration.erase_order`` for the one step that must
come last).

``people/tests/test_privacy.py`` walks every installed model and fails, naming it, when a model that
refers to a person is not declared, or declares fewer fields than it has: a new app declares its models
in its own ``privacy.py`` before it can ship.
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
from functools import cache, cached_property
from importlib import import_module
from pathlib import PurePosixPath
from types import ModuleType
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules, module_has_submodule
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
    # The extra steps run by ascending ``erase_order``, in declaration order within one: the account's
    # tombstone (1) comes after every other step, which may still read the account as it was.
    erase_order: int = 0
    # Why erasing the person would leave the network broken (the last administrator, the last member
    # of the secretariat), or None: asked before anything changes (see ``erasure_refusal``).
    refusal: Callable[..., str | None] | None = None
    # What the system may have written the person as in free text (their name): read before erasure.
    names: Callable[[Any, list[str]], list[str]] | None = None
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


HISTORY_TRAIL = (
    "history_date",
    "history_type",
    "history_change_reason",
    "history_user",
)


# --- Helpers of the apps' erasure steps ------------------------------------------------------------


def name_pattern(names: list[str]) -> re.Pattern | None:
    """The person's names as whole words, longest first, or None when none is long enough."""
    names = sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True)
    if not names:
        return None
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.IGNORECASE)


def replace_names(queryset, text_fields: Iterable[str], names: list[str], *, replacement: str) -> None:
    """Titles the system wrote with the person's name in them ("Amina appointed co-chair of …")."""
    pattern = name_pattern(names)
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
            new = pattern.sub(replacement, value)
            if new != value:
                changed[text_field] = new
        if changed:
            queryset.model._default_manager.filter(pk=row.pk).update(**changed)


# --- The registry ----------------------------------------------------------------------------------


@cache
def privacy_modules() -> tuple[ModuleType, ...]:
    """Every installed app's ``privacy`` module, in the order of ``INSTALLED_APPS`` (found once)."""
    autodiscover_modules("privacy")
    return tuple(
        import_module(f"{config.name}.privacy")
        for config in apps.get_app_configs()
        if module_has_submodule(config.module, "privacy")
    )


def registry() -> list[Declaration]:
    """Every app's ``DECLARATIONS``, read afresh on each call (a test may replace one app's)."""
    return [
        declaration for module in privacy_modules() for declaration in getattr(module, "DECLARATIONS", ())
    ]


def declarations() -> list[Declaration]:
    """The declarations of the installed apps (an app being built may not be installed yet)."""
    return [declaration for declaration in registry() if declaration.installed]


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


def attachments(declaration: Declaration, objects: list[models.Model]):
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
            for path, content in attachments(declaration, objects):
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
    """Why erasing this account would leave the network broken, or None when it may go: the first
    reason a declaration's ``refusal`` gives (people's about administrators, governance's about the
    secretariat)."""
    if person.is_erased:
        return None
    for declaration in declarations():
        if declaration.refusal is not None and (refusal := declaration.refusal(person=person, acting=acting)):
            return refusal
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
    """Erase the person (inside the caller's transaction): see the module's docstring."""
    if person.is_erased:
        return
    refusal = erasure_refusal(person=person, acting=acting)
    if refusal:
        raise ValidationError(refusal)
    emails = person_emails(person)
    active = declarations()
    names = {name for d in active if d.names is not None for name in d.names(person, emails)}
    erasure = Erasure(
        person=person,
        acting=acting,
        today=timezone.localdate(),
        emails=emails,
        names=sorted(names),
    )
    for declaration in active:
        for name, action in declaration.fields.items():
            _apply(erasure, declaration, Q(**{name: person}), action)
        if declaration.match is not None:
            _apply(erasure, declaration, declaration.match(person, emails), declaration.match_erase)
    # The extra steps in their order (the tombstone last: the others may still read the account as it was).
    for declaration in sorted(active, key=lambda d: d.erase_order):
        if declaration.extra_erase is not None:
            declaration.extra_erase(erasure)


# --- The completeness check (people/tests/test_privacy.py) ------------------------------------------------


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
    """Models (and fields) that refer to a person and nobody declares, as readable lines."""
    declared = {d.label: d for d in declarations()}
    problems = []
    for model in apps.get_models(include_auto_created=True):
        fields = person_fields(model)
        if not fields:
            continue
        declaration = declared.get(model._meta.label)
        if declaration is None:
            problems.append(
                f"{model._meta.label} ({', '.join(sorted(fields))}): not declared in any app's privacy.py"
            )
        elif missing := fields - set(declaration.fields):
            problems.append(f"{model._meta.label}: fields {', '.join(sorted(missing))} not declared")
    return problems
