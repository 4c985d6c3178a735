"""Every write about ambassadors (STYLE §1): cohorts and their calls, applications and their review,
selection (a decision in the governance log and a governance term), a term's dates, the ambassador's
plan and quarterly reports, and the reminders' rows.

The invariant lives here: an ambassador's term never overlaps another ambassador's term of theirs
(the next one, or any other); a refusal says which term is in the way and changes nothing."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from convene.core.errors import StateConflict
from convene.core.rules import ensure
from convene.governance import services as governance
from convene.governance.models import Body, DecisionEffect, DecisionOutcome, Term

from . import services as plan_services
from .ambassador_queries import default_term_end, term_quarters
from .models import AdvocacyPlan, Ambassador, Application, ApplicationStatus, Cohort, QuarterlyReport


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


# --- Cohorts ---------------------------------------------------------------------------------------


@transaction.atomic
def cohort_save(
    *,
    acting,
    cohort: Cohort | None = None,
    title: str,
    deadline: datetime.date,
    term_starts: datetime.date,
    description: str = "",
    term_years: int = 2,
    is_open: bool = True,
    events: Iterable | None = None,
) -> Cohort:
    """Open a cohort's call (or change it). ``events``: the orientation and training events (None
    leaves them as they are)."""
    ensure(acting, "advocacy.run_cohorts")
    title = _required(title, "title", _("Give the cohort a title."))
    if deadline is None:
        raise ValidationError({"deadline": _("Give the date applications close.")})
    if term_starts is None:
        raise ValidationError({"term_starts": _("Give the date the terms start.")})
    if deadline > term_starts:
        raise ValidationError({"deadline": _("Applications must close before the terms start.")})
    if not 1 <= (term_years or 0) <= 5:
        raise ValidationError({"term_years": _("A term lasts from one to five years.")})
    if cohort is None:
        cohort = Cohort(created_by=acting)
    cohort.title, cohort.description = title, (description or "").strip()
    cohort.deadline, cohort.term_starts, cohort.term_years = deadline, term_starts, term_years
    cohort.is_open = is_open
    cohort.full_clean(exclude=["created_by"])
    cohort.save()
    if events is not None:
        cohort.events.set(list(events))
    return cohort


# --- Applications ----------------------------------------------------------------------------------


@transaction.atomic
def application_submit(
    *,
    cohort: Cohort,
    acting,
    country: str,
    motivation: str,
    experience: str = "",
    languages: str = "",
    referee: str = "",
) -> Application:
    """A member applies to a cohort, or changes their application, until the deadline."""
    ensure(acting, "advocacy.apply_as_ambassador")
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if not cohort.accepts_on(timezone.localdate()):
        raise StateConflict(_("Applications to this cohort are closed."))
    values = {
        "country": _required(country, "country", _("Give your country.")),
        "motivation": _required(motivation, "motivation", _("Say why you want to be an ambassador.")),
        "experience": (experience or "").strip(),
        "languages": (languages or "").strip(),
        "referee": (referee or "").strip(),
    }
    application = Application.objects.filter(cohort=cohort, person=acting).first()
    if application is not None and application.status != ApplicationStatus.SUBMITTED:
        raise StateConflict(_("Your application has been decided on; it can no longer be changed."))
    application = application or Application(cohort=cohort, person=acting)
    for name, value in values.items():
        setattr(application, name, value)
    application.full_clean(exclude=["cohort", "person"])
    application.save()
    return application


@transaction.atomic
def application_review(
    *, application: Application, acting, score: int | None, notes: str = ""
) -> Application:
    ensure(acting, "advocacy.run_cohorts")
    if score is not None and not 1 <= score <= 5:
        raise ValidationError({"score": _("Give a score from 1 to 5.")})
    application.score, application.notes = score, (notes or "").strip()
    application.save(update_fields=["score", "notes", "updated_at"])
    return application


def _day(value: datetime.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def check_no_overlap(
    *, person, starts_on: datetime.date, ends_on: datetime.date, exclude: Term | None = None
):
    """Refuse a term that would overlap another ambassador's term of the same person."""
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("A term cannot end before it starts.")})
    others = Term.objects.select_for_update().filter(person=person, body=Body.AMBASSADOR)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    for term in others.order_by("starts_on"):
        if term.starts_on <= ends_on and (term.ends_on is None or term.ends_on >= starts_on):
            raise StateConflict(
                _(
                    "%(name)s already has an ambassador's term from %(start)s to %(end)s: "
                    "the terms would overlap."
                )
                % {
                    "name": person.display_name,
                    "start": _day(term.starts_on),
                    "end": _day(term.ends_on) if term.ends_on else "…",
                }
            )


@transaction.atomic
def application_select(
    *,
    application: Application,
    acting,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
) -> Ambassador:
    """Select an applicant: the decision goes into the governance log, and their term (the cohort's
    start and length unless told) is given through governance."""
    ensure(acting, "advocacy.run_cohorts")
    application = (
        Application.objects.select_for_update().select_related("cohort", "person").get(pk=application.pk)
    )
    if application.status == ApplicationStatus.SELECTED:
        raise StateConflict(_("This applicant is already selected."))
    cohort, person = application.cohort, application.person
    starts_on = starts_on or cohort.term_starts
    ends_on = ends_on or default_term_end(starts_on, cohort.term_years)
    check_no_overlap(person=person, starts_on=starts_on, ends_on=ends_on)
    term = governance.term_assign(
        person=person,
        body=Body.AMBASSADOR,
        starts_on=starts_on,
        ends_on=ends_on,
        cohort=cohort.title[:40],
        acting=acting,
    )
    decision = governance.decision_record(
        acting=acting,
        group=None,
        title=("ambassador_selected", {"name": person.display_name, "cohort": cohort.title}),
        text=_("Term from %(start)s to %(end)s.") % {"start": _day(starts_on), "end": _day(ends_on)},
        outcome=DecisionOutcome.APPROVED,
        effect=DecisionEffect.OTHER,
        decided_on=timezone.localdate(),
        on_behalf=False,
    )
    application.status = ApplicationStatus.SELECTED
    application.save(update_fields=["status", "updated_at"])
    return Ambassador.objects.create(
        cohort=cohort,
        person=person,
        country=application.country,
        term=term,
        application=application,
        decision=decision,
    )


@transaction.atomic
def ambassador_term_change(
    *, ambassador: Ambassador, acting, starts_on: datetime.date, ends_on: datetime.date
) -> Term:
    """Move an ambassador's term (an early end, an extension); never onto another of their terms."""
    ensure(acting, "advocacy.run_cohorts")
    term = Term.objects.select_for_update().get(pk=ambassador.term_id)
    check_no_overlap(person=ambassador.person, starts_on=starts_on, ends_on=ends_on, exclude=term)
    term.starts_on, term.ends_on = starts_on, ends_on
    term.save(update_fields=["starts_on", "ends_on"])
    ambassador.term = term
    return term


# --- The ambassador's plan and reports -------------------------------------------------------------


@transaction.atomic
def ambassador_plan_set(
    *, ambassador: Ambassador, acting, plan: AdvocacyPlan | None = None, title: str = ""
) -> AdvocacyPlan:
    """Link a plan the ambassador owns, or start one (private, in their country) under ``title``."""
    ensure(acting, "advocacy.report_as_ambassador", ambassador)
    if plan is None:
        plan = plan_services.plan_create(
            acting=acting,
            title=_required(title, "title", _("Give the plan a title.")),
            country=ambassador.country.code or "",
        )
    elif plan.owner_id != ambassador.person_id:
        raise ValidationError({"plan": _("Choose one of your own plans.")})
    ambassador.plan = plan
    ambassador.save(update_fields=["plan"])
    return plan


@transaction.atomic
def report_save(
    *,
    ambassador: Ambassador,
    acting,
    quarter: int,
    did: str,
    with_whom: str = "",
    results: str = "",
    support_needed: str = "",
) -> QuarterlyReport:
    """File (or change) the report of one quarter of the term; a quarter that has not begun cannot be."""
    ensure(acting, "advocacy.report_as_ambassador", ambassador)
    quarters = {q.number: q for q in term_quarters(ambassador.term)}
    found = quarters.get(quarter)
    if found is None:
        raise ValidationError({"quarter": _("The term has no such quarter.")})
    if not found.started(timezone.localdate()):
        raise ValidationError({"quarter": _("This quarter has not begun yet.")})
    values = {
        "did": _required(did, "did", _("Say what you did.")),
        "with_whom": (with_whom or "").strip(),
        "results": (results or "").strip(),
        "support_needed": (support_needed or "").strip(),
    }
    report, _created = QuarterlyReport.objects.update_or_create(
        ambassador=ambassador, quarter=quarter, defaults=values
    )
    return report
