"""The governance of the demo network: an 11-member steering committee (and the one before it), a
secretariat of three and two cohorts of ambassadors, drawn deterministically from the demo members.

Written in bulk like the people demo (``convene.people.demo``): these terms already happened.
"""

import random
from datetime import date

from convene.core.demo import DemoRun, register
from convene.people.models import Person, Profile

from .models import Body, Term

COMMITTEE_SEATS = 11
COMMITTEE_TERM = (date(2025, 7, 1), date(2027, 6, 30))
PREVIOUS_COMMITTEE_TERM = (date(2023, 7, 1), date(2025, 6, 30))
AMBASSADOR_COHORTS = [
    ("2016", date(2016, 9, 1), date(2018, 8, 31)),
    ("2025", date(2025, 9, 1), date(2027, 8, 31)),
]
AMBASSADORS_PER_COHORT = 8
SECRETARIAT_STAFF = [("Programme Officer", date(2016, 1, 15)), ("Communications Officer", date(2021, 4, 1))]


def _diverse(
    rng: random.Random, candidates: list[tuple[int, str, str]], n: int, taken: set[int]
) -> list[int]:
    """``n`` people from as many countries as possible and no more than three of one sector."""
    pool = [row for row in candidates if row[0] not in taken]
    rng.shuffle(pool)
    chosen, countries, sectors = [], set(), {}
    for person_id, country, sector in pool:
        if country in countries or sectors.get(sector, 0) >= 3:
            continue
        chosen.append(person_id)
        countries.add(country)
        sectors[sector] = sectors.get(sector, 0) + 1
        if len(chosen) == n:
            break
    return chosen


def build_governance(*, rng: random.Random, logins: dict[str, int]) -> dict[str, int]:
    """Terms for the demo logins (``role → person id``) and for members picked among the people
    who joined early enough. Returns how many terms each body got."""
    candidates = list(
        Profile.objects.members()
        .exclude(person_id__in=logins.values())
        .filter(joined_on__lt=date(2016, 6, 1))
        .order_by("person_id")
        .values_list("person_id", "country", "sector")
    )
    terms: list[Term] = []
    taken: set[int] = set(logins.values())

    # The current committee: the committee login chairs it, ten members beside it.
    start, end = COMMITTEE_TERM
    current = _diverse(rng, candidates, COMMITTEE_SEATS - 1, taken)
    taken.update(current)
    if "committee" in logins:
        terms.append(
            Term(
                person_id=logins["committee"],
                body=Body.STEERING_COMMITTEE,
                title="Chair",
                starts_on=start,
                ends_on=end,
            )
        )
    terms += [
        Term(person_id=pid, body=Body.STEERING_COMMITTEE, starts_on=start, ends_on=end) for pid in current
    ]

    # The committee before it: five of today's members were re-elected, six others served then.
    start, end = PREVIOUS_COMMITTEE_TERM
    previous = current[:5] + _diverse(rng, candidates, COMMITTEE_SEATS - 5, taken)
    taken.update(previous)
    terms += [
        Term(
            person_id=pid,
            body=Body.STEERING_COMMITTEE,
            title="Chair" if n == 0 else "",
            starts_on=start,
            ends_on=end,
        )
        for n, pid in enumerate(previous)
    ]

    if "secretariat" in logins:
        terms.append(
            Term(
                person_id=logins["secretariat"],
                body=Body.SECRETARIAT,
                title="Network Coordinator",
                starts_on=date(2013, 3, 1),
            )
        )
    # The secretariat sits in the United States; a small demo may have to look further.
    staff = [
        pid
        for pid, country, _sector in sorted(candidates, key=lambda row: (row[1] != "US", row[0]))
        if pid not in taken
    ][: len(SECRETARIAT_STAFF)]
    taken.update(staff)
    terms += [
        Term(person_id=pid, body=Body.SECRETARIAT, title=title, starts_on=starts_on)
        for pid, (title, starts_on) in zip(staff, SECRETARIAT_STAFF, strict=False)
    ]

    for cohort, start, end in AMBASSADOR_COHORTS:
        ambassadors = _diverse(rng, candidates, AMBASSADORS_PER_COHORT, taken)
        taken.update(ambassadors)
        terms += [
            Term(person_id=pid, body=Body.AMBASSADOR, cohort=cohort, starts_on=start, ends_on=end)
            for pid in ambassadors
        ]

    Term.objects.bulk_create(terms)
    counts: dict[str, int] = {}
    for term in terms:
        counts[term.body] = counts.get(term.body, 0) + 1
    return counts


@register(20, "governance")
def demo_governance(run: DemoRun) -> None:
    logins = run.made["people"].logins
    terms = build_governance(rng=random.Random(f"{run.seed}-governance"), logins=logins)
    # The secretariat's demo login also runs the back office.
    Person.objects.filter(pk=logins["secretariat"]).update(is_staff=True, is_superuser=True)
    run.summary.append(f"{sum(terms.values())} terms")
