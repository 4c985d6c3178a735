"""The demo network's library: the seeds' publications in editions and languages, written through the
library's services by the secretariat (who may publish for the network and for any open group).

"Para Professionals in the Social Service Workforce: Guiding Principles, Functions and Competencies"
in a first edition (2015, with a French translation) and the second (2017, with new competencies after
validation in Ethiopia and DRC, in English and Portuguese); the Global Advocacy Toolkit in English,
French and Spanish; three yearly State of the Social Service Workforce reports; a fact sheet, an
infographic, a webinar recording and a dataset. One group's first deliverable becomes a resource, as a
co-chair would publish it. Some downloads are counted, by month and country."""

import datetime
import random

from django.contrib.auth import get_user_model

from convene.core.demo import DemoRun, register
from convene.governance.models import Body, Term
from convene.groups.models import OPEN_STATUSES, Group
from convene.people.models import Topic
from convene.plans.models import Deliverable, DeliverableStatus

from . import services
from .models import DownloadCount, Resource

ALLIANCE = "Global Social Service Workforce Alliance"
LINK = "https://library.convene.example/"
PARA = "Para Professionals in the Social Service Workforce: Guiding Principles, Functions and Competencies"
PARA_ABSTRACT = (
    "Guiding principles, functions and competencies for para social workers, child and youth care "
    "workers and community development workers."
)


def _publish(acting, group=None, **fields):
    values = {
        "publisher": ALLIANCE,
        "licence": "CC BY 4.0",
        "link": LINK + fields["title"][:40].replace(" ", "-").lower(),
    }
    return services.resource_create(acting=acting, group=group, **(values | fields))


def build_library(*, rng: random.Random) -> dict:
    secretariat_id = (
        Term.objects.current()
        .filter(body=Body.SECRETARIAT)
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .first()
    )
    if secretariat_id is None:
        return {}
    acting = get_user_model().objects.get(pk=secretariat_id)
    groups = list(Group.objects.filter(status__in=OPEN_STATUSES).order_by("pk")[:3])
    group = groups[0] if groups else None
    topics = list(Topic.objects.order_by("pk")[:4])
    made: list[Resource] = []

    first = _publish(
        acting,
        group,
        kind="competency_framework",
        title=PARA,
        authors=[ALLIANCE, "Davis, Rebecca"],
        published_on=datetime.date(2015, 6, 1),
        language="en",
        abstract=PARA_ABSTRACT,
        countries=["KE", "TZ", "UG"],
        topics=topics[:2],
    )
    made.append(first)
    made.append(
        _publish(
            acting,
            group,
            kind="competency_framework",
            title="Para-professionnels du personnel des services sociaux : principes directeurs, fonctions et compétences",
            authors=[ALLIANCE],
            published_on=datetime.date(2015, 11, 1),
            language="fr",
            translation_of=first,
            abstract="Principes directeurs, fonctions et compétences des para-travailleurs sociaux.",
            countries=["SN", "CD"],
            topics=topics[:2],
        )
    )
    second = _publish(
        acting,
        group,
        kind="competency_framework",
        title=PARA,
        authors=[ALLIANCE, "Davis, Rebecca"],
        published_on=datetime.date(2017, 3, 1),
        language="en",
        supersedes=first,
        abstract=PARA_ABSTRACT + " The second edition adds new competencies for para social workers and "
        "community development workers after validation exercises in Ethiopia and DRC.",
        countries=["ET", "CD", "KE"],
        topics=topics[:2],
    )
    made.append(second)
    made.append(
        _publish(
            acting,
            group,
            kind="competency_framework",
            title="Paraprofissionais na força de trabalho dos serviços sociais: princípios, funções e competências",
            authors=[ALLIANCE],
            published_on=datetime.date(2017, 9, 1),
            language="pt",
            translation_of=second,
            countries=["MZ", "AO"],
            topics=topics[:2],
        )
    )
    toolkit = _publish(
        acting,
        kind="toolkit",
        title="Global Advocacy Toolkit",
        authors=[ALLIANCE],
        published_on=datetime.date(2017, 4, 1),
        language="en",
        topics=topics[2:4],
        abstract="A common set of tools and messages to bring greater political and programmatic priority "
        "to strengthening the social service workforce: research insights, message testing and advocacy plans.",
    )
    made.append(toolkit)
    for language, title in (
        ("fr", "Boîte à outils mondiale de plaidoyer"),
        ("es", "Herramientas mundiales de incidencia"),
    ):
        made.append(
            _publish(
                acting,
                kind="toolkit",
                title=title,
                authors=[ALLIANCE],
                published_on=datetime.date(2017, 10, 1),
                language=language,
                translation_of=toolkit,
            )
        )
    for n, year in enumerate((2015, 2016, 2017), 1):
        ordinal = {1: "1st", 2: "2nd", 3: "3rd"}[n]
        made.append(
            _publish(
                acting,
                kind="report",
                title=f"The {ordinal} State of the Social Service Workforce Report",
                authors=[ALLIANCE],
                published_on=datetime.date(year, 12, 1),
                language="en",
                abstract="Workforce numbers by country and sector, training institutions and regulation, "
                "fed by members' answers to the yearly data call.",
                countries=["KE", "NG", "ZA", "IN", "PH", "NP"],
            )
        )
    made.append(
        _publish(
            acting,
            groups[1] if len(groups) > 1 else None,
            kind="fact_sheet",
            title="Social service workforce strengthening: fact sheet",
            authors=[ALLIANCE],
            published_on=datetime.date(2018, 3, 1),
            language="en",
        )
    )
    made.append(
        _publish(
            acting,
            kind="infographic",
            title="Social Service Workforce Week 2017",
            authors=[ALLIANCE],
            published_on=datetime.date(2017, 5, 1),
            language="en",
        )
    )
    made.append(
        _publish(
            acting,
            groups[2] if len(groups) > 2 else None,
            kind="recording",
            title="Webinar: supervision of the social service workforce",
            authors=["Mwangi, Grace"],
            published_on=datetime.date(2018, 2, 14),
            language="en",
            visibility="members",
        )
    )
    made.append(
        _publish(
            acting,
            kind="dataset",
            title="Social service workforce data 2017",
            authors=[ALLIANCE],
            published_on=datetime.date(2017, 12, 1),
            language="en",
            visibility="members",
            licence="CC BY-NC 4.0",
        )
    )
    deliverable = (
        Deliverable.objects.filter(plan__group__status__in=OPEN_STATUSES, resource__isnull=True)
        .exclude(status=DeliverableStatus.CANCELLED)
        .select_related("plan__group")
        .order_by("pk")
        .first()
    )
    if deliverable is not None:
        made.append(
            services.resource_from_deliverable(
                deliverable=deliverable,
                acting=acting,
                language="en",
                link=LINK + f"deliverable-{deliverable.pk}",
            )
        )
    # Downloads over the last year, by country (written in bulk: the counts of a year).
    today = datetime.date.today()  # noqa: DTZ011 (months of the demo's counts)
    counts = []
    for resource in made:
        for back in range(12):
            month = (today.replace(day=1) - datetime.timedelta(days=30 * back)).replace(day=1)
            for country in rng.sample(["KE", "ZM", "NG", "PH", "NP", "US", ""], 3):
                counts.append(
                    DownloadCount(resource=resource, month=month, country=country, count=rng.randint(0, 40))
                )
    DownloadCount.objects.bulk_create(counts, ignore_conflicts=True)
    return {"resources": len(made)}


@register(61, "library")
def demo_library(run: DemoRun) -> None:
    made = build_library(rng=random.Random(f"{run.seed}-library"))
    run.summary.append(f"{made.get('resources', 0)} resources in the library")
