"""Reads of the data call (STYLE §2): the calls a person sees, one call, a country's answers side by
side, the table of reconciled values, and each country's completeness."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.http import Http404
from django_countries import countries as all_countries

from convene.core.rules import is_secretariat

from .models import CallStatus, CountryRecord, DataCall, Submission
from .rules import answer_countries, sees_call


def calls_for(viewer):
    qs = DataCall.objects.all()
    if not is_secretariat(viewer):
        qs = qs.exclude(status=CallStatus.DRAFT)
    return qs[:100]


def call_for_viewer(*, viewer, pk: int) -> DataCall:
    call = DataCall.objects.filter(pk=pk).first()
    if call is None or not (
        is_secretariat(viewer) or sees_call(viewer, call) or answer_countries(viewer, call)
    ):
        raise Http404
    return call


def own_submissions(*, call: DataCall, viewer) -> dict[str, Submission]:
    if not viewer.is_authenticated:
        return {}
    return {str(s.country): s for s in Submission.objects.filter(call=call, person_id=viewer.pk)}


@dataclass
class CountryAnswers:
    country: str
    submissions: list[Submission]
    record: CountryRecord | None
    rows: list[dict]  # per field: label, key, the submissions' values, the record's value, locked


def country_answers(*, call: DataCall, country: str) -> CountryAnswers:
    submissions = list(
        Submission.objects.filter(call=call, country=country).select_related("person__profile")
    )
    record = CountryRecord.objects.filter(call=call, country=country).first()
    rows = [
        {
            "key": f["key"],
            "label": f["label"],
            "kind": f["kind"],
            "answers": [(s.pk, s.values.get(f["key"])) for s in submissions],
            "differ": len(
                {repr(s.values.get(f["key"])) for s in submissions if s.values.get(f["key"]) is not None}
            )
            > 1,
            "value": record.values.get(f["key"]) if record else None,
            "locked": bool(record and f["key"] in record.locked),
        }
        for f in call.fields
    ]
    return CountryAnswers(country=country, submissions=submissions, record=record, rows=rows)


@dataclass
class Completeness:
    country: str
    name: str
    submissions: int
    filled: int  # fields with a reconciled value
    validated: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.filled / self.total) if self.total else 0


def completeness(*, call: DataCall) -> list[Completeness]:
    """Every country that answered or has a record: how many answers, fields filled and validated."""
    counts = dict(
        Submission.objects.filter(call=call).values_list("country").annotate(n=Count("pk")).order_by()
    )
    records = {str(r.country): r for r in CountryRecord.objects.filter(call=call)}
    total = len(call.fields)
    rows = []
    for code in sorted(set(map(str, counts)) | set(records)):
        record = records.get(code)
        rows.append(
            Completeness(
                country=code,
                name=str(all_countries.name(code)),
                submissions=counts.get(code, 0),
                filled=sum(1 for v in (record.values.values() if record else []) if v is not None),
                validated=len(record.locked) if record else 0,
                total=total,
            )
        )
    return rows


def table(*, call: DataCall) -> list[CountryRecord]:
    return list(CountryRecord.objects.filter(call=call).order_by("country"))


def answered_countries(*, call: DataCall) -> set[str]:
    return set(map(str, Submission.objects.filter(call=call).values_list("country", flat=True).distinct()))


def focal_points(*, call: DataCall):
    return call.focal_points.select_related("person__profile").order_by("country", "person_id")
