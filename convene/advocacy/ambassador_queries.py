"""Reads about ambassadors: cohorts, a term's quarters and their reports, the public page by country,
the alumni, and the year in review's figure. A term is over when its end date has passed: no job ends
it, the date does."""

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from convene.core.rules import is_secretariat
from convene.governance.models import Body, Term
from convene.people.models import ProfileVisibility

from .models import Ambassador, Application, Cohort, QuarterlyReport

# A reminder goes out from a week before a quarter ends, and no later than a month after.
REMIND_BEFORE = datetime.timedelta(days=7)
REMIND_UNTIL = datetime.timedelta(days=30)


def add_months(day: datetime.date, months: int) -> datetime.date:
    years, month = divmod(day.month - 1 + months, 12)
    year = day.year + years
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def default_term_end(starts_on: datetime.date, years: int) -> datetime.date:
    """A term of ``years`` years: 1 September 2025 to 31 August 2027 for two."""
    return add_months(starts_on, 12 * years) - datetime.timedelta(days=1)


@dataclass
class Quarter:
    number: int
    starts_on: datetime.date
    ends_on: datetime.date
    report: QuarterlyReport | None = None

    def started(self, today: datetime.date) -> bool:
        return self.starts_on <= today

    def missing(self, today: datetime.date) -> bool:
        return self.report is None and self.ends_on < today


def term_quarters(term: Term, reports=()) -> list[Quarter]:
    """The quarters of a term, from its start (the last one may be shorter), each with its report."""
    end = term.ends_on or default_term_end(term.starts_on, 2)
    by_number = {r.quarter: r for r in reports}
    quarters, number = [], 1
    while True:
        starts_on = add_months(term.starts_on, 3 * (number - 1))
        if starts_on > end:
            return quarters
        ends_on = min(add_months(term.starts_on, 3 * number) - datetime.timedelta(days=1), end)
        quarters.append(Quarter(number, starts_on, ends_on, by_number.get(number)))
        number += 1


def is_current(term: Term, today: datetime.date) -> bool:
    return term.starts_on <= today and (term.ends_on is None or term.ends_on >= today)


# --- Cohorts ---------------------------------------------------------------------------------------


def cohort_list(*, limit: int = 100) -> list[Cohort]:
    return list(Cohort.objects.order_by("-term_starts", "-pk")[:limit])


def cohort_get(pk: int) -> Cohort:
    cohort = Cohort.objects.filter(pk=pk).first()
    if cohort is None:
        raise Http404
    return cohort


def _ambassadors():
    return Ambassador.objects.select_related("person__profile", "term", "plan", "cohort").prefetch_related(
        "reports"
    )


@dataclass
class AmbassadorLine:
    ambassador: Ambassador
    quarters: list[Quarter]
    received: int
    missing: int
    current: bool


def _line(ambassador: Ambassador, today: datetime.date) -> AmbassadorLine:
    quarters = term_quarters(ambassador.term, ambassador.reports.all())
    return AmbassadorLine(
        ambassador=ambassador,
        quarters=quarters,
        received=sum(1 for q in quarters if q.report is not None),
        missing=sum(1 for q in quarters if q.missing(today)),
        current=is_current(ambassador.term, today),
    )


@dataclass
class CohortPage:
    cohort: Cohort
    events: list
    ambassadors: list[AmbassadorLine]
    applications: list[Application] = field(default_factory=list)
    own_application: Application | None = None


def cohort_page(cohort: Cohort, *, viewer, today: datetime.date | None = None) -> CohortPage:
    """What the cohort page shows: its events and ambassadors to every insider; the applications and
    each ambassador's reports (received, missing) to the secretariat; a member's own application."""
    today = today or timezone.localdate()
    secretariat = is_secretariat(viewer)
    events = list(cohort.events.filter(cancelled=False).order_by("starts"))
    ambassadors = [_line(a, today) for a in _ambassadors().filter(cohort=cohort).order_by("country", "pk")]
    applications = []
    if secretariat:
        applications = list(
            cohort.applications.select_related("person__profile", "ambassador").order_by("status", "pk")
        )
    own = None
    if viewer is not None and viewer.is_authenticated:
        own = next((a for a in applications if a.person_id == viewer.pk), None) if secretariat else None
        if not secretariat:
            own = cohort.applications.filter(person_id=viewer.pk).first()
    return CohortPage(cohort, events, ambassadors, applications, own)


def applications_of(cohort: Cohort) -> list[Application]:
    return list(cohort.applications.select_related("person__profile").order_by("pk"))


def application_get(pk: int) -> Application:
    application = Application.objects.select_related("cohort", "person__profile").filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def ambassador_get(pk: int) -> Ambassador:
    ambassador = _ambassadors().filter(pk=pk).first()
    if ambassador is None:
        raise Http404
    return ambassador


def ambassador_line(ambassador: Ambassador, today: datetime.date | None = None) -> AmbassadorLine:
    return _line(ambassador, today or timezone.localdate())


def ambassadorships_of(person) -> list[Ambassador]:
    if person is None or not person.is_authenticated:
        return []
    return list(Ambassador.objects.filter(person=person).select_related("cohort", "term").order_by("-pk"))


def all_ambassadors(*, limit: int = 1000) -> list[Ambassador]:
    return list(
        Ambassador.objects.select_related("person__profile", "term", "cohort").order_by(
            "-term__starts_on", "country", "pk"
        )[:limit]
    )


# --- The public page and the alumni -------------------------------------------------------------


@dataclass
class CountryGroup:
    country: object
    # Names shown: only of ambassadors whose profile is public; the others are counted.
    names: list[str]
    others: int


@dataclass
class PublicCohort:
    cohort: Cohort
    countries: list[CountryGroup]
    size: int


def public_cohorts(*, today: datetime.date | None = None) -> list[PublicCohort]:
    """The cohorts serving today, their ambassadors by country (three queries, however many)."""
    today = today or timezone.localdate()
    serving = (
        Ambassador.objects.filter(term__starts_on__lte=today)
        .filter(Q(term__ends_on__isnull=True) | Q(term__ends_on__gte=today))
        .select_related("person__profile")
        .order_by("country", "pk")
    )
    cohorts = list(
        Cohort.objects.filter(pk__in=serving.values("cohort_id"))
        .prefetch_related(Prefetch("ambassadors", queryset=serving, to_attr="serving"))
        .order_by("-term_starts", "pk")
    )
    shown = []
    for cohort in cohorts:
        groups: dict[str, CountryGroup] = {}
        for ambassador in cohort.serving:
            code = ambassador.country.code or ""
            group = groups.setdefault(code, CountryGroup(ambassador.country, [], 0))
            profile = getattr(ambassador.person, "profile", None)
            if profile is not None and profile.profile_visibility == ProfileVisibility.PUBLIC:
                group.names.append(ambassador.person.display_name)
            else:
                group.others += 1
        countries = sorted(groups.values(), key=lambda g: str(g.country.name or "~"))
        shown.append(PublicCohort(cohort, countries, len(cohort.serving)))
    return shown


def alumni(*, today: datetime.date | None = None, limit: int = 1000) -> list[Ambassador]:
    """Ambassadors whose term has ended, the latest first."""
    today = today or timezone.localdate()
    return list(
        Ambassador.objects.filter(term__ends_on__lt=today)
        .select_related("person__profile", "term", "cohort")
        .order_by("-term__ends_on", "country", "pk")[:limit]
    )


# --- The year in review ---------------------------------------------------------------------------


def ambassadors_in_year(year: int) -> tuple[int, int]:
    """(ambassadors serving at some time in the year, of whom new in the year): people with an
    ambassador's term (governance) that overlaps the year, and whose term began in it."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    terms = Term.objects.filter(body=Body.AMBASSADOR, starts_on__lte=end).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=start)
    )
    serving = terms.values("person_id").distinct().count()
    new = terms.filter(starts_on__gte=start).values("person_id").distinct().count()
    return serving, new
