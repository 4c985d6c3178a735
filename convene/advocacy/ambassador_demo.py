"""The demo's ambassadors (seed 002: a cohort of eight with two-year terms, after an orientation).

Governance's demo already seated two cohorts of eight ambassadors (2016, whose terms ended: the alumni,
and 2025, serving). Here they become cohorts with their calls, the applications they were selected
from (and a few that were not), the selection decisions in the log, the orientation and training
events, the plans some of them own, and the current cohort's quarterly reports, some missing."""

import datetime
import random
from collections import defaultdict

from django.utils import timezone

from convene.core.demo import DemoRun, register
from convene.events.models import Event
from convene.governance import services as governance
from convene.governance.models import Body, DecisionEffect, DecisionOutcome, Term
from convene.people.models import Profile

from .ambassador_queries import term_quarters
from .models import (
    AdvocacyPlan,
    Ambassador,
    Application,
    ApplicationStatus,
    Cohort,
    QuarterlyReport,
)

CALL = (
    "The Alliance invites members to apply to its cohort of ambassadors. For two years, after an "
    "orientation, ambassadors inform strategy and influence policy at the local, national and "
    "regional level, and join the network's collective advocacy on World Social Work Day."
)
MOTIVATIONS = [
    "I want to bring the voice of social workers to our national budget debates.",
    "Our ministry is drafting a workforce strategy; I want to help shape it.",
    "I have led our association's advocacy for five years and want to learn from peers.",
]
REPORTS = [
    (
        "Met the permanent secretary of the social welfare ministry.",
        "Ministry, national association",
        "Agreed to a workforce review.",
        "Data on caseloads.",
    ),
    (
        "Presented the workforce fact sheet at a parliamentary hearing.",
        "Parliamentary committee",
        "Two members asked questions in plenary.",
        "",
    ),
    (
        "Ran a World Social Work Day media briefing.",
        "Journalists, university",
        "Three articles.",
        "A spokesperson training.",
    ),
]


def build_ambassadors(*, rng: random.Random, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    terms = list(
        Term.objects.filter(body=Body.AMBASSADOR)
        .exclude(cohort="")
        .select_related("person__profile")
        .order_by("starts_on", "pk")
    )
    secretariat = (
        Term.objects.current()
        .filter(body=Body.SECRETARIAT)
        .select_related("person")
        .order_by("person_id")
        .first()
    )
    if not terms or secretariat is None:
        return {}
    acting = secretariat.person
    by_cohort: dict[str, list[Term]] = defaultdict(list)
    for term in terms:
        by_cohort[term.cohort].append(term)
    seated = {t.person_id for t in terms}
    made = {"cohorts": 0, "ambassadors": 0, "reports": 0}
    for name, seats in by_cohort.items():
        starts = seats[0].starts_on
        cohort = Cohort.objects.create(
            title=f"Ambassadors {name}",
            description=CALL,
            deadline=starts - datetime.timedelta(days=75),
            is_open=False,
            term_starts=starts,
            term_years=2,
            created_by=acting,
        )
        made["cohorts"] += 1
        events = list(
            Event.objects.filter(kind__in=("workshop", "webinar"), starts__date__gte=starts).order_by(
                "starts"
            )[:2]
        )
        cohort.events.set(events)
        decided = starts - datetime.timedelta(days=40)
        for n, term in enumerate(seats):
            country = term.person.profile.country.code or ""
            application = Application.objects.create(
                cohort=cohort,
                person=term.person,
                country=country or "US",
                motivation=MOTIVATIONS[n % len(MOTIVATIONS)],
                languages="en",
                status=ApplicationStatus.SELECTED,
                score=rng.choice((4, 5)),
            )
            decision = governance.decision_record(
                acting=acting,
                group=None,
                title=("ambassador_selected", {"name": term.person.display_name, "cohort": cohort.title}),
                text="",
                outcome=DecisionOutcome.APPROVED,
                effect=DecisionEffect.OTHER,
                decided_on=decided,
                on_behalf=False,
            )
            plan = AdvocacyPlan.objects.filter(owner=term.person).order_by("pk").first()
            ambassador = Ambassador.objects.create(
                cohort=cohort,
                person=term.person,
                country=country,
                term=term,
                application=application,
                decision=decision,
                plan=plan,
            )
            made["ambassadors"] += 1
            # The serving cohort's reports: most quarters in, the latest ones sometimes missing.
            if term.ends_on is None or term.ends_on >= today:
                ended = [q for q in term_quarters(term) if q.ends_on < today]
                filed = ended[: max(1, len(ended) - rng.choice((0, 0, 1, 2)))]
                QuarterlyReport.objects.bulk_create(
                    QuarterlyReport(
                        ambassador=ambassador,
                        quarter=q.number,
                        **dict(
                            zip(
                                ("did", "with_whom", "results", "support_needed"),
                                REPORTS[q.number % 3],
                                strict=True,
                            )
                        ),
                    )
                    for q in filed
                )
                made["reports"] += len(filed)
        # A few who applied and were not selected (three others for each cohort).
        first = 3 * (made["cohorts"] - 1)
        others = list(
            Profile.objects.members()
            .exclude(person_id__in=seated)
            .exclude(country="")
            .order_by("person_id")
            .values_list("person_id", "country")[first : first + 3]
        )
        Application.objects.bulk_create(
            Application(
                cohort=cohort,
                person_id=pid,
                country=country,
                motivation=MOTIVATIONS[n % len(MOTIVATIONS)],
                status=ApplicationStatus.NOT_SELECTED,
                score=rng.choice((2, 3)),
            )
            for n, (pid, country) in enumerate(others)
        )
    return made


@register(71, "ambassadors")
def demo_ambassadors(run: DemoRun) -> None:
    made = build_ambassadors(rng=random.Random(f"{run.seed}-ambassadors"))
    run.made["ambassadors"] = made
    run.summary.append(
        f"{made.get('cohorts', 0)} cohorts of ambassadors, {made.get('ambassadors', 0)} ambassadors, "
        f"{made.get('reports', 0)} quarterly reports"
    )
