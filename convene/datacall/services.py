"""Every write of the data call (STYLE §1): the secretariat makes, opens and closes a call and names
focal points; a member answers for a country; the secretariat reconciles a country's answers (picks a
submission's value per field, or writes one, with a comment) and validates values, which locks them.

A refused write changes nothing and says why."""

from __future__ import annotations

import datetime
import re
import zoneinfo
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries as all_countries

from convene.core.errors import StateConflict
from convene.core.rules import ensure
from convene.core.tasks import enqueue_on_commit
from convene.core.timezones import canonical_time_zone
from convene.people.models import Person, Profile

from . import nav, tasks
from .models import (
    Answerers,
    CallReminder,
    CallStatus,
    CountryRecord,
    DataCall,
    FieldKind,
    FocalPoint,
    Submission,
)
from .rules import answer_countries

KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}\Z")
MAX_FIELDS = 60
MAX_NUMBER = 10**9

# The fields of the State of the Social Service Workforce report's call (a call may define others).
WORKFORCE_FIELDS = [
    {"key": "sw_government", "label": "Social workers, government", "kind": FieldKind.NUMBER},
    {
        "key": "sw_ngo",
        "label": "Social workers, NGOs and faith-based organisations",
        "kind": FieldKind.NUMBER,
    },
    {"key": "sw_private", "label": "Social workers, private sector", "kind": FieldKind.NUMBER},
    {"key": "para_government", "label": "Para professionals, government", "kind": FieldKind.NUMBER},
    {"key": "para_ngo", "label": "Para professionals, NGOs and community", "kind": FieldKind.NUMBER},
    {
        "key": "training_institutions",
        "label": "Institutions training social workers",
        "kind": FieldKind.NUMBER,
    },
    {"key": "regulated", "label": "Social work is regulated by law", "kind": FieldKind.YES_NO},
    {"key": "regulation", "label": "Regulation (law, council, licensing)", "kind": FieldKind.TEXT},
    {"key": "sources", "label": "Sources of these figures", "kind": FieldKind.TEXT},
]


def _clean_fields(fields) -> list[dict]:
    if not isinstance(fields, list) or not fields:
        raise ValidationError({"fields": _("Give the call at least one field.")})
    if len(fields) > MAX_FIELDS:
        raise ValidationError({"fields": _("A call has at most 60 fields.")})
    cleaned, seen = [], set()
    for item in fields:
        key = str(item.get("key", "")).strip() if isinstance(item, Mapping) else ""
        label = " ".join(str(item.get("label", "")).split())[:200] if isinstance(item, Mapping) else ""
        kind = item.get("kind", FieldKind.NUMBER) if isinstance(item, Mapping) else ""
        if not KEY.match(key) or key in seen:
            raise ValidationError(
                {
                    "fields": _("“%(key)s”: a field's key is unique, lower case letters, digits and _.")
                    % {"key": key}
                }
            )
        if not label or kind not in FieldKind.values:
            raise ValidationError({"fields": _("“%(key)s”: give a label and a kind.") % {"key": key}})
        seen.add(key)
        cleaned.append({"key": key, "label": label, "kind": str(kind)})
    return cleaned


def parse_fields(text: str) -> list[dict]:
    """Fields written one a line as ``key | label | kind`` (the form's way)."""
    fields = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        fields.append(
            {
                "key": parts[0],
                "label": parts[1] if len(parts) > 1 else "",
                "kind": parts[2] if len(parts) > 2 else "number",
            }
        )
    return fields


def _clean_zone(zone_name: str) -> str:
    zone = canonical_time_zone(str(zone_name or "").strip())
    if zone is None:
        raise ValidationError({"zone_name": _("Choose a time zone such as Africa/Lusaka.")})
    return zone


def _clean_reminder_days(reminder_days) -> list[int]:
    try:
        days = {int(d) for d in reminder_days or []}
    except (TypeError, ValueError):
        raise ValidationError({"reminder_days": _("Reminders are whole numbers of days.")}) from None
    return sorted((d for d in days if 0 < d <= 90), reverse=True)


def _check_call(*, title, year, deadline, answerers) -> str:
    title = " ".join(str(title).split())[:200]
    if not title:
        raise ValidationError({"title": _("Give the call a title.")})
    if answerers not in Answerers.values:
        raise ValidationError({"answerers": _("Choose who may answer.")})
    if not isinstance(deadline, datetime.date):
        raise ValidationError({"deadline": _("Give the deadline.")})
    if not isinstance(year, int) or isinstance(year, bool) or not 1990 <= year <= 2100:
        raise ValidationError({"year": _("Give the year of the report.")})
    return title


def today_of(call: DataCall, now: datetime.datetime | None = None) -> datetime.date:
    """The date it is now where the call's deadline is kept (its time zone)."""
    return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(call.zone_name)).date()


def is_past_deadline(call: DataCall, now: datetime.datetime | None = None) -> bool:
    return today_of(call, now) > call.deadline


@transaction.atomic
def datacall_create(
    *,
    acting: Person,
    title: str,
    year: int,
    deadline: datetime.date,
    fields: list[dict] | None = None,
    description: str = "",
    answerers: str = Answerers.MEMBERS,
    reminder_days=(14, 3),
    zone_name: str = "UTC",
) -> DataCall:
    ensure(acting, "datacall.manage")
    title = _check_call(title=title, year=year, deadline=deadline, answerers=answerers)
    return DataCall.objects.create(
        title=title,
        year=year,
        deadline=deadline,
        zone_name=_clean_zone(zone_name),
        fields=_clean_fields(WORKFORCE_FIELDS if fields is None else fields),
        description=str(description).strip()[:10_000],
        answerers=answerers,
        reminder_days=_clean_reminder_days(reminder_days),
        created_by=acting,
    )


EDITABLE = ("title", "year", "deadline", "zone_name", "fields", "description", "answerers", "reminder_days")


@transaction.atomic
def datacall_update(*, call: DataCall, acting: Person, **changes) -> DataCall:
    """Change a call's description, deadline, zone, reminders or fields. Once answers came in, its
    fields keep their keys and kinds (labels may still be reworded). A closed call whose deadline
    moves to the future stays closed until it is opened again."""
    ensure(acting, "datacall.manage")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not a field of a data call: {', '.join(sorted(unknown))}")
    call = DataCall.objects.select_for_update().get(pk=call.pk)
    values = {name: changes.get(name, getattr(call, name)) for name in EDITABLE}
    values["title"] = _check_call(
        title=values["title"], year=values["year"], deadline=values["deadline"], answerers=values["answerers"]
    )
    values["zone_name"] = _clean_zone(values["zone_name"])
    values["fields"] = _clean_fields(values["fields"])
    values["description"] = str(values["description"] or "").strip()[:10_000]
    values["reminder_days"] = _clean_reminder_days(values["reminder_days"])
    shape = lambda fields: [(f["key"], f["kind"]) for f in fields]  # noqa: E731
    if shape(values["fields"]) != shape(call.fields) and call.submissions.exists():
        raise StateConflict(
            {"fields": _("The call has answers: its fields' keys and kinds can no longer change.")}
        )
    for name, value in values.items():
        setattr(call, name, value)
    call.save(update_fields=list(EDITABLE))
    transaction.on_commit(nav.calls_changed)
    return call


@transaction.atomic
def datacall_set_status(*, call: DataCall, acting: Person, status: str) -> DataCall:
    ensure(acting, "datacall.manage")
    call = DataCall.objects.select_for_update().get(pk=call.pk)
    allowed = {
        CallStatus.DRAFT: {CallStatus.OPEN},
        CallStatus.OPEN: {CallStatus.CLOSED},
        CallStatus.CLOSED: {CallStatus.OPEN},
    }
    if status not in CallStatus.values:
        raise ValidationError({"status": _("Choose open or closed.")})
    if status not in allowed.get(call.status, set()):
        raise StateConflict(
            {"status": _("The call cannot go from %(a)s to %(b)s.") % {"a": call.status, "b": status}}
        )
    if status == CallStatus.OPEN and is_past_deadline(call):
        raise ValidationError({"deadline": _("The deadline has passed: move it before opening the call.")})
    call.status = status
    call.save(update_fields=["status"])
    transaction.on_commit(nav.calls_changed)
    return call


@transaction.atomic
def focal_point_name(*, call: DataCall, acting: Person, person: Person, country: str) -> FocalPoint:
    ensure(acting, "datacall.manage")
    if country not in all_countries:
        raise ValidationError({"country": _("Choose a country.")})
    focal, _created = FocalPoint.objects.get_or_create(call=call, person=person, country=country)
    transaction.on_commit(nav.calls_changed)
    return focal


def _clean_value(field: dict, value):
    """A submitted value as stored: a whole number ≥ 0, a text, true/false, or None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if field["kind"] == FieldKind.NUMBER:
        text = str(value).strip().replace(",", "").replace(" ", "")
        if isinstance(value, bool) or not text.isdigit() or int(text) > MAX_NUMBER:
            raise ValidationError(
                {field["key"]: _("“%(label)s”: a whole number, 0 or more.") % {"label": field["label"]}}
            )
        return int(text)
    if field["kind"] == FieldKind.YES_NO:
        if value in (True, "yes", "true", "1", 1):
            return True
        if value in (False, "no", "false", "0", 0):
            return False
        raise ValidationError({field["key"]: _("“%(label)s”: yes or no.") % {"label": field["label"]}})
    return str(value).strip()[:5000]


def clean_values(call: DataCall, values: Mapping) -> dict:
    unknown = set(values) - set(call.keys)
    if unknown:
        raise ValidationError(
            {"values": _("Not a field of this call: %(keys)s") % {"keys": ", ".join(sorted(unknown))}}
        )
    return {f["key"]: _clean_value(f, values.get(f["key"])) for f in call.fields}


@transaction.atomic
def submission_save(
    *, call: DataCall, acting: Person, values: Mapping, country: str = "", note: str = ""
) -> Submission:
    """A member's (or focal point's) answer for a country; answering again replaces their answer."""
    call = DataCall.objects.select_for_update().get(pk=call.pk)
    countries = answer_countries(acting, call)
    if not countries:
        raise PermissionDenied("datacall.answer")
    country = country or countries[0]
    if country not in countries:
        raise PermissionDenied("datacall.answer")
    if is_past_deadline(call):
        raise StateConflict({"deadline": _("The deadline has passed.")})
    cleaned = clean_values(call, values)
    if all(v is None for v in cleaned.values()):
        raise ValidationError({"values": _("Fill in at least one field.")})
    submission, _created = Submission.objects.update_or_create(
        call=call, country=country, person=acting, defaults={"values": cleaned, "note": note.strip()[:5000]}
    )
    return submission


@transaction.atomic
def country_reconcile(
    *,
    call: DataCall,
    country: str,
    acting: Person,
    picks: Mapping[str, int] | None = None,
    values: Mapping | None = None,
    validate: list[str] | None = None,
    comment: str | None = None,
) -> CountryRecord:
    """The secretariat's record for a country: per field, the value of a submission (``picks``: key →
    submission id) or one written (``values``: key → value, a merge); ``validate`` lists the fields
    validated, locked from then on. Changing a locked field is refused and nothing changes."""
    ensure(acting, "datacall.manage")
    call = DataCall.objects.select_for_update().get(pk=call.pk)
    record, _created = CountryRecord.objects.select_for_update().get_or_create(call=call, country=country)
    submissions = {s.pk: s for s in Submission.objects.filter(call=call, country=country)}
    new_values = dict(record.values)
    for key, submission_id in (picks or {}).items():
        if key not in call.keys:
            raise ValidationError({"picks": _("Not a field of this call: %(keys)s") % {"keys": key}})
        if submission_id not in submissions:
            raise ValidationError({"picks": _("That answer is not one for this country.")})
        new_values[key] = submissions[submission_id].values.get(key)
    if values:
        written = clean_values(call, values)
        new_values.update({k: written[k] for k in values})
    changed = [k for k in call.keys if new_values.get(k) != record.values.get(k)]
    locked = [k for k in changed if k in record.locked]
    if locked:
        raise ValidationError(
            {"locked": _("Validated values are locked: %(keys)s") % {"keys": ", ".join(locked)}}
        )
    for key in validate or []:
        if key not in call.keys:
            raise ValidationError({"validate": _("Not a field of this call: %(keys)s") % {"keys": key}})
        if new_values.get(key) is None:
            raise ValidationError(
                {"validate": _("An empty value cannot be validated: %(keys)s") % {"keys": key}}
            )
    record.values = {k: new_values.get(k) for k in call.keys}
    record.locked = sorted(set(record.locked) | set(validate or []))
    if comment is not None:
        record.comment = comment.strip()[:5000]
    record.updated_by = acting
    record.save()
    return record


def calls_close_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Close every open call whose deadline day has ended in its time zone (the periodic task's work).
    Idempotent: a closed call is left alone, so a sweep that runs twice, or late, closes each once.
    Returns the ids of the calls it closed."""
    now = now or timezone.now()
    closed = []
    # No zone is more than a day ahead of UTC: a call past its deadline has one before UTC's today.
    due = DataCall.objects.filter(status=CallStatus.OPEN, deadline__lte=now.astimezone(datetime.UTC).date())
    for call in due:
        if not is_past_deadline(call, now):
            continue
        with transaction.atomic():
            # Only if still open (a secretariat member may have closed it meanwhile).
            if DataCall.objects.filter(pk=call.pk, status=CallStatus.OPEN).update(status=CallStatus.CLOSED):
                closed.append(call.pk)
    if closed:
        nav.calls_changed()
    return closed


@transaction.atomic
def reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind, once per reminder day of each open call, the people who may answer for a country that
    has not answered yet (members there, or the focal points). Returns the number of mails enqueued."""
    today = today or timezone.localdate()
    enqueued = 0
    for call in DataCall.objects.select_for_update().filter(status=CallStatus.OPEN, deadline__gte=today):
        due = [d for d in call.reminder_days if today >= call.deadline - datetime.timedelta(days=d)]
        if not due:
            continue
        sent = set(call.reminders.values_list("days_before", flat=True))
        todo = [d for d in due if d not in sent]
        if not todo:
            continue
        answered = set(map(str, call.submissions.values_list("country", flat=True).distinct()))
        focal = {
            pk for pk, c in call.focal_points.values_list("person_id", "country") if str(c) not in answered
        }
        people = set(focal)
        if call.answerers == Answerers.MEMBERS:
            people |= set(
                Profile.objects.members()
                .exclude(country="")
                .exclude(country__in=answered)
                .values_list("person_id", flat=True)
            )
        for days in todo:
            CallReminder.objects.create(call=call, days_before=days, recipients=len(people))
        # Several reminder days due at once (a sweep that did not run) make one mail, not several.
        for person_id in sorted(people):
            enqueue_on_commit(tasks.send_reminder, call.pk, person_id)
            enqueued += 1
    return enqueued
