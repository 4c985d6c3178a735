"""Writes about who sits on the network's bodies (secretariat, steering committee, ambassadors), and
the one door into the decision log that the groups' and the work plans' services go through."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convene.core.errors import StateConflict
from convene.core.rules import ensure, is_steering_committee
from convene.people.models import Person

from .decisions import title_fields
from .models import Body, Decision, Term


@transaction.atomic
def term_assign(
    *,
    person: Person,
    body: str,
    starts_on: date,
    acting: Person,
    ends_on: date | None = None,
    title: str = "",
    cohort: str = "",
    note: str = "",
) -> Term:
    """Give a person a seat on a body for a period. Overlapping terms on one body are refused."""
    ensure(acting, "governance.manage_roles")
    if body not in Body.values:
        raise ValidationError(_("Unknown role."))
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError(_("A term cannot end before it starts."))
    overlapping = Term.objects.select_for_update().filter(person=person, body=body)
    overlapping = overlapping.filter(starts_on__lte=ends_on) if ends_on else overlapping
    overlapping = overlapping.exclude(ends_on__lt=starts_on)
    if overlapping.exists():
        raise StateConflict(_("This person already holds this role in that period."))
    term = Term(
        person=person,
        body=body,
        starts_on=starts_on,
        ends_on=ends_on,
        title=title,
        cohort=cohort,
        note=note,
    )
    term.full_clean()
    term.save()
    return term


@transaction.atomic
def term_end(*, term: Term, acting: Person, ends_on: date | None = None) -> Term:
    """End a term (today by default); its history stays."""
    ensure(acting, "governance.manage_roles")
    ends_on = ends_on or timezone.localdate()
    if ends_on < term.starts_on:
        raise ValidationError(_("A term cannot end before it starts."))
    if term.ends_on is not None and term.ends_on < ends_on:
        # Ending a past term "today" would lengthen it and hand the role back for the time in between.
        raise StateConflict(_("This term has already ended."))
    term.ends_on = ends_on
    term.save(update_fields=["ends_on"])
    return term


def decision_record(
    *,
    acting: Person,
    group,
    title: tuple[str, dict],
    text: str,
    outcome: str,
    effect: str,
    decided_on: date,
    on_behalf: bool | None = None,
) -> Decision:
    """Write a decision about ``group`` into the log, inside the caller's transaction.

    ``title`` is (kind, names) of governance/decisions.py's registry: the log shows it in the
    reader's language. ``on_behalf`` says the person recording it does so for the steering committee;
    by default, whenever they do not sit on it themselves. The caller checks who may decide."""
    kind, params = title
    return Decision.objects.create(
        **title_fields(kind, **params),
        text=text,
        outcome=outcome,
        effect=effect,
        decided_on=decided_on,
        recorded_by=acting,
        on_behalf=not is_steering_committee(acting) if on_behalf is None else on_behalf,
        group=group,
    )
