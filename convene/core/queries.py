"""Reads shaped for core's pages: the audit trail of one record (who changed what and when).

Every record a decision or a report rests on keeps its versions with django-simple-history; the
secretariat reads them per record at ``/audit/<app_label>/<model_name>/<pk>/``.
"""

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import registered_models
from simple_history.utils import get_m2m_reverse_field_name

AUDIT_PAGE_SIZE = 25
EMPTY = "—"
CHANGE_KINDS = {
    "+": gettext_lazy("Created"),
    "~": gettext_lazy("Changed"),
    "-": gettext_lazy("Deleted"),
}


def audited_models() -> list[type[models.Model]]:
    """The models that keep their history (not the many-to-many tables simple-history also lists)."""
    return [
        m for m in registered_models.values() if getattr(m._meta, "simple_history_manager_attribute", None)
    ]


def audited_model(app_label: str, model_name: str) -> type[models.Model] | None:
    """The model of that name if it keeps its history, else None (unknown, or no history)."""
    for model in audited_models():
        if model._meta.app_label == app_label and model._meta.model_name == model_name:
            return model
    return None


def history_model(model: type[models.Model]) -> type[models.Model]:
    return getattr(model, model._meta.simple_history_manager_attribute).model


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class AuditEntry:
    record: models.Model  # the historical version (history_date, history_user, history_type…)
    kind: str
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(CHANGE_KINDS.get(self.kind, self.kind))


@dataclass
class AuditTrail:
    model: type[models.Model]
    pk: int
    label: str
    exists: bool
    page: Page
    entries: list[AuditEntry]


def audit_trail(*, model: type[models.Model], pk: int, page_number) -> AuditTrail | None:
    """Every version of one record, newest first, each with its field-by-field difference from the
    version before it; a page at a time. None when the record neither exists nor ever existed.

    Queries do not grow with the versions: the page (and the one version before it, to compare the
    last with), the many-to-many rows of those versions, and one query per kind of related record
    named in the changes.
    """
    history = history_model(model)
    versions = history._default_manager.filter(**{model._meta.pk.attname: pk}).order_by(
        "-history_date", "-history_id"
    )
    paginator = Paginator(versions, AUDIT_PAGE_SIZE)
    page = paginator.get_page(page_number)
    current = model._default_manager.filter(pk=pk).first()
    if paginator.count == 0 and current is None:
        return None
    start = (page.number - 1) * AUDIT_PAGE_SIZE
    records = list(versions.select_related("history_user__profile")[start : start + AUDIT_PAGE_SIZE + 1])
    shown, before = records[:AUDIT_PAGE_SIZE], records[1:]

    m2m_fields = [
        f for f in model._meta.many_to_many if f.name in {m.name for m in history._history_m2m_fields}
    ]
    m2m_values = _m2m_values(history, m2m_fields, records)
    raw: list[tuple[models.Model, list[tuple[models.Field, object, object]]]] = []
    for index, record in enumerate(shown):
        older = before[index] if index < len(before) else None
        raw.append((record, _differences(model, record, older, m2m_fields, m2m_values)))
    labels = _related_labels(
        (model_field, value)
        for _record, changes in raw
        for model_field, *values in changes
        for value in values
    )
    entries = [
        AuditEntry(
            record=record,
            kind=record.history_type,
            changes=[
                FieldChange(
                    label=str(model_field.verbose_name),
                    old=_display(model_field, old, labels),
                    new=_display(model_field, new, labels),
                )
                for model_field, old, new in changes
            ],
        )
        for record, changes in raw
    ]
    label = _label(current if current is not None else (records[0].instance if records else None))
    return AuditTrail(model=model, pk=pk, label=label, exists=current is not None, page=page, entries=entries)


def _label(instance) -> str:
    if instance is None:
        return EMPTY
    try:
        return str(instance)
    except ObjectDoesNotExist:  # a deleted record's __str__ may read a related record deleted with it
        return f"#{instance.pk}"


def _m2m_values(history, m2m_fields, records) -> dict[tuple[str, int], frozenset]:
    """{(field name, history_id): the related ids of that version}, one query per field."""
    values: dict[tuple[str, int], frozenset] = {}
    ids = [record.history_id for record in records]
    for m2m_field in m2m_fields:
        through = getattr(history, m2m_field.name).model
        target = through._meta.get_field(get_m2m_reverse_field_name(m2m_field)).attname
        rows: dict[int, set] = {history_id: set() for history_id in ids}
        for history_id, related_id in through.objects.filter(history_id__in=ids).values_list(
            "history_id", target
        ):
            rows[history_id].add(related_id)
        values.update({(m2m_field.name, history_id): frozenset(s) for history_id, s in rows.items()})
    return values


def _differences(model, record, older, m2m_fields, m2m_values) -> list[tuple[models.Field, object, object]]:
    """(field, before, after) for each field that differs; a creation shows what the record started
    with, a deletion nothing. Raw values: ids for related records, codes for choices."""
    if record.history_type == "-":
        return []
    changes = []
    if record.history_type == "+" or older is None:
        for tracked in record.tracked_fields:
            if not tracked.editable or tracked.primary_key:
                continue
            value = getattr(record, tracked.attname)
            if value not in (None, "", [], {}):
                changes.append((model._meta.get_field(tracked.name), None, value))
        for m2m_field in m2m_fields:
            if value := m2m_values.get((m2m_field.name, record.history_id)):
                changes.append((m2m_field, None, value))
        return changes
    # Many-to-many rows are compared here, from the rows read once for the page (diff_against would
    # read them again for every pair of versions).
    delta = record.diff_against(older, excluded_fields=[f.name for f in m2m_fields])
    for change in delta.changes:
        changes.append((model._meta.get_field(change.field), change.old, change.new))
    for m2m_field in m2m_fields:
        old = m2m_values.get((m2m_field.name, older.history_id), frozenset())
        new = m2m_values.get((m2m_field.name, record.history_id), frozenset())
        if old != new:
            changes.append((m2m_field, old, new))
    return changes


def _related_labels(pairs) -> dict[tuple[type, object], str]:
    """{(related model, pk): how a person reads it} for every related id in the changes."""
    wanted: dict[type, set] = {}
    for model_field, value in pairs:
        if not model_field.is_relation or value in (None, ""):
            continue
        ids = value if isinstance(value, frozenset) else {value}
        wanted.setdefault(model_field.related_model, set()).update(ids)
    labels = {}
    for related_model, ids in wanted.items():
        rows = related_model._default_manager.filter(pk__in=ids)
        if related_model._meta.label == settings.AUTH_USER_MODEL:
            rows = rows.select_related("profile")
        for row in rows:
            labels[(related_model, row.pk)] = _label(row)
    return labels


def _display(model_field, value, labels) -> str:
    """A value as a person reads it: names rather than ids, labels rather than codes, local times."""
    if value in (None, "", [], {}) or value == frozenset():
        return EMPTY
    if model_field.is_relation:
        ids = sorted(value) if isinstance(value, frozenset) else [value]
        names = [
            labels.get((model_field.related_model, pk)) or _("deleted (#%(id)s)") % {"id": pk} for pk in ids
        ]
        return ", ".join(sorted(names) if isinstance(value, frozenset) else names)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, int | float | Decimal):
        return formats.number_format(value, use_l10n=True)
    if isinstance(value, list | dict):
        return (
            ", ".join(map(str, value)) if isinstance(value, list) else json.dumps(value, ensure_ascii=False)
        )
    return str(value)
