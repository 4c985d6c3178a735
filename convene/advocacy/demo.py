"""The demo network's advocacy: a common narrative in five languages (from seed 003, the Alliance's
Global Advocacy Toolkit), and plans for three countries at different stages (one a Danish-language
local plan), with audiences on the grid, messages adapted from the narrative, a message test and
evidence of progress. Written through the services, as the pages would: a few dozen rows."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from convene.core.demo import DemoRun, register
from convene.core.rules import can
from convene.governance.models import Body, Term

from . import services
from .models import ItemState

TRANSLATIONS = ("fr", "es", "pt", "da")

# (kind, title, statement, figure, source, year, audiences, {language: (title, statement)})
NARRATIVE = [
    (
        "fact",
        "The Alliance spans 115 countries",
        "The Global Social Service Workforce Alliance is a network of 1,300 people across 115 countries.",
        "1,300 people, 115 countries",
        "Global Advocacy Toolkit",
        2024,
        ["donor", "media"],
        {
            "fr": (
                "L'Alliance couvre 115 pays",
                "L'Alliance mondiale est un réseau de 1 300 personnes dans 115 pays.",
            ),
            "es": (
                "La Alianza abarca 115 países",
                "La Alianza Mundial es una red de 1.300 personas en 115 países.",
            ),
            "pt": (
                "A Aliança abrange 115 países",
                "A Aliança Global é uma rede de 1.300 pessoas em 115 países.",
            ),
            "da": (
                "Alliancen spænder over 115 lande",
                "Den globale alliance er et netværk af 1.300 personer i 115 lande.",
            ),
        },
    ),
    (
        "key_message",
        "A well-supported workforce protects children",
        "A well-planned, well-developed and well-supported social service workforce helps families and "
        "children reach their full potential and recover from crises.",
        "",
        "Global Advocacy Toolkit",
        2024,
        ["minister", "parliamentarian", "finance_ministry"],
        {
            "fr": (
                "Un personnel bien soutenu protège les enfants",
                "Un personnel des services sociaux bien planifié, "
                "formé et soutenu aide les familles et les enfants à réaliser leur potentiel.",
            ),
            "es": (
                "Una fuerza laboral apoyada protege a la niñez",
                "Una fuerza laboral de servicios sociales bien "
                "planificada, desarrollada y apoyada ayuda a las familias y a la niñez.",
            ),
            "pt": (
                "Uma força de trabalho apoiada protege as crianças",
                "Uma força de trabalho de serviço social bem "
                "planejada, desenvolvida e apoiada ajuda famílias e crianças.",
            ),
            "da": (
                "En velstøttet arbejdsstyrke beskytter børn",
                "En velplanlagt, veluddannet og velstøttet social "
                "arbejdsstyrke hjælper familier og børn med at nå deres fulde potentiale.",
            ),
        },
    ),
    (
        "call_to_action",
        "Fund the workforce in the next budget",
        "Include a budget line for recruiting, training and supervising social service workers.",
        "",
        "",
        None,
        ["finance_ministry", "parliamentarian"],
        {
            "fr": (
                "Financer le personnel dans le prochain budget",
                "Inscrire une ligne budgétaire pour recruter, former et superviser les travailleurs sociaux.",
            ),
            "es": (
                "Financiar la fuerza laboral en el próximo presupuesto",
                "Incluir una partida para contratar, formar y supervisar al personal de servicios sociales.",
            ),
            "pt": (
                "Financiar a força de trabalho no próximo orçamento",
                "Incluir uma rubrica para recrutar, formar e supervisionar trabalhadores do serviço social.",
            ),
            "da": (
                "Finansier arbejdsstyrken i næste budget",
                "Afsæt midler til at rekruttere, uddanne og supervisere socialarbejdere.",
            ),
        },
    ),
    (
        "story",
        "A caseworker keeps a family together",
        "In Lusaka, a community caseworker helped a grandmother keep her three grandchildren at home "
        "instead of in an institution.",
        "",
        "Member story",
        2025,
        ["community_leader", "media"],
        {},
    ),
]

# A fact from an old survey: shown to the secretariat as needing review (older than the set age).
OLD_FACT = (
    "Social workers per 100,000 children",
    "Many countries have fewer than 10 social workers per 100,000 children.",
    "< 10 per 100,000",
    "Workforce mapping",
    2015,
)


def _person(country: str, *, exclude=()) -> object | None:
    """An active member from ``country`` (an ambassador if there is one), else None."""
    people = get_user_model().objects.filter(is_active=True, profile__country=country).exclude(pk__in=exclude)
    candidates = [
        *people.filter(terms__body=Body.AMBASSADOR).order_by("pk")[:10],
        *people.order_by("pk")[:40],
    ]
    # Only a member of the network may make a plan (an applicant waiting for approval may not).
    return next((person for person in candidates if can(person, "advocacy.make_plan")), None)


def build_advocacy(*, rng: random.Random, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    secretariat_id = (
        Term.objects.current()
        .filter(body=Body.SECRETARIAT)
        .order_by("person_id")
        .values_list("person_id", flat=True)
    ).first()
    if secretariat_id is None:
        return {}
    secretariat = get_user_model().objects.get(pk=secretariat_id)

    def approve(item):
        services.narrative_item_move(item=item, acting=secretariat, state=ItemState.IN_REVIEW)
        return services.narrative_item_move(item=item, acting=secretariat, state=ItemState.APPROVED)

    items = []
    for kind, title, statement, figure, source, year, audiences, texts in NARRATIVE:
        item = services.narrative_item_save(
            acting=secretariat,
            kind=kind,
            title=title,
            statement=statement,
            figure=figure,
            source=source,
            source_year=year,
            audiences=audiences,
            topic="workforce strengthening",
        )
        item = approve(item)
        for language, (t_title, t_statement) in texts.items():
            translation = services.translation_save(
                item=item, acting=secretariat, language=language, title=t_title, statement=t_statement
            )
            services.translation_approve(translation=translation, acting=secretariat)
        items.append(item)
    title, statement, figure, source, year = OLD_FACT
    old = approve(
        services.narrative_item_save(
            acting=secretariat,
            kind="fact",
            title=title,
            statement=statement,
            figure=figure,
            source=source,
            source_year=year,
            audiences=["minister"],
            topic="workforce data",
        )
    )
    services.narrative_item_save(
        acting=secretariat,
        kind="story",
        title="A supervisor's first year",
        topic="supervision",
        statement="A draft story, waiting for the member's consent.",
    )
    fact, message, call, _story = items

    plans = 0
    zambia_owner = _person("ZM") or secretariat
    zambia = services.plan_create(
        acting=zambia_owner, title="A social workforce budget line for Zambia", country="ZM"
    )
    services.plan_worksheet_save(
        plan=zambia,
        acting=zambia_owner,
        worksheet="context",
        values={
            "issue": "Too few social service workers reach children outside Lusaka.",
            "evidence": "The 2024 workforce mapping.",
            "policy_window": "The national budget is drafted from July.",
            "key_dates": "World Social Work Day (March); budget speech (September).",
        },
    )
    services.plan_worksheet_save(
        plan=zambia,
        acting=zambia_owner,
        worksheet="goal",
        values={
            "goal_change": "A budget line for 500 new social workers",
            "goal_institution": "Ministry of Finance and National Planning",
            "goal_by": datetime.date(today.year + 1, 9, 30),
            "objectives": "Brief the Ministry of Community Development by May\nWin two parliamentary champions by August",
        },
    )
    minister = services.audience_save(
        plan=zambia,
        acting=zambia_owner,
        name="Minister of Community Development",
        kind="minister",
        should_do="Ask the treasury for the budget line",
        alignment=5,
        interest=4,
        influence=5,
    )
    treasury = services.audience_save(
        plan=zambia,
        acting=zambia_owner,
        name="Ministry of Finance",
        kind="finance_ministry",
        should_do="Include the line in the draft budget",
        alignment=2,
        interest=2,
        influence=5,
    )
    services.audience_save(
        plan=zambia,
        acting=zambia_owner,
        name="Budget committee chair",
        kind="parliamentarian",
        alignment=2,
        interest=4,
        influence=4,
    )
    first = services.message_add(
        plan=zambia,
        acting=zambia_owner,
        source=message,
        audience=minister,
        text="Every district needs social workers who can keep children safe in their families.",
    )
    services.message_add(
        plan=zambia,
        acting=zambia_owner,
        source=call,
        audience=treasury,
        text="A budget line of ZMW 40 million trains and deploys 500 social workers.",
    )
    services.action_add(
        plan=zambia,
        acting=zambia_owner,
        what="Brief the minister on World Social Work Day",
        who=str(zambia_owner),
        when=today - datetime.timedelta(days=90),
    )
    # The network's calendar and library, where the demo has them: the next campaign day or week,
    # and the Alliance's toolkit among the materials.
    from convene.library.models import Resource

    from . import queries

    campaign = next(
        (
            e
            for e in queries.event_choices(viewer=zambia_owner)
            if e.kind in ("advocacy_day", "campaign_week")
        ),
        None,
    )
    if campaign is not None:
        services.action_add(
            plan=zambia,
            acting=zambia_owner,
            what="Launch the district campaign with the network",
            who=str(zambia_owner),
            event=campaign,
        )
    toolkit = Resource.objects.visible_to(zambia_owner).filter(kind="toolkit").order_by("pk").first()
    if toolkit is not None:
        services.resource_link(plan=zambia, acting=zambia_owner, resource=toolkit)
    services.message_test_record(
        plan=zambia,
        acting=zambia_owner,
        message=first,
        audience=minister,
        method="interview",
        hypothesis="Officials respond to children's safety more than to workforce numbers.",
        sample="8 officials in two ministries",
        variants=[
            ("Zambia needs 500 more social workers.", "2 of 8 recalled it"),
            ("Every district needs social workers who keep children safe.", "7 of 8 recalled it"),
        ],
        winner=1,
        decision="Lead with children's safety.",
    )
    for step, what, days in (
        ("informed", "Briefing held with the Ministry of Community Development", 80),
        ("persuaded", "The minister spoke for the budget line in parliament", 40),
        ("acted", "The Ministry of Finance added a line for social workers to the draft budget", 10),
    ):
        services.evidence_record(
            plan=zambia,
            acting=zambia_owner,
            step=step,
            what=what,
            happened_on=today - datetime.timedelta(days=days),
            link="https://www.parliament.gov.zm/",
            audience=minister if step != "acted" else treasury,
        )
    services.plan_settings_save(
        plan=zambia, acting=zambia_owner, title=zambia.title, visibility="published", stage="under_way"
    )
    plans += 1

    kenya_owner = _person("KE", exclude=[zambia_owner.pk]) or secretariat
    kenya = services.plan_copy(
        source=zambia, acting=kenya_owner, title="Social workforce in Kenya's county budgets"
    )
    services.plan_worksheet_save(
        plan=kenya,
        acting=kenya_owner,
        worksheet="context",
        values={
            "country": "KE",
            "region": "Kisumu County",
            "issue": "County budgets leave out social workers.",
        },
    )
    services.plan_settings_save(
        plan=kenya, acting=kenya_owner, title=kenya.title, visibility="published", stage="planning"
    )
    plans += 1

    denmark_owner = _person("DK", exclude=[zambia_owner.pk, kenya_owner.pk]) or secretariat
    denmark = services.plan_create(
        acting=denmark_owner, title="Flere socialrådgivere i Aarhus Kommune", country="DK", language="da"
    )
    services.plan_worksheet_save(
        plan=denmark,
        acting=denmark_owner,
        worksheet="context",
        values={
            "region": "Aarhus Kommune",
            "issue": "Socialrådgiverne har for mange sager pr. medarbejder.",
            "policy_window": "Kommunens budgetforhandlinger i september.",
        },
    )
    services.plan_worksheet_save(
        plan=denmark,
        acting=denmark_owner,
        worksheet="goal",
        values={"goal_change": "Et loft over antal sager pr. socialrådgiver", "goal_institution": "Byrådet"},
    )
    councillor = services.audience_save(
        plan=denmark,
        acting=denmark_owner,
        name="Rådmand for Sociale Forhold",
        kind="parliamentarian",
        alignment=4,
        interest=5,
        influence=5,
    )
    services.message_add(
        plan=denmark,
        acting=denmark_owner,
        source=message,
        audience=councillor,
        language="da",
        text="Med færre sager pr. socialrådgiver kan flere børn blive i deres familie.",
    )
    services.evidence_record(
        plan=denmark,
        acting=denmark_owner,
        step="acted",
        what="Byrådet vedtog et sagsloft i budgettet",
        happened_on=today - datetime.timedelta(days=60),
        document="Budgetaftale, Aarhus Kommune",
        audience=councillor,
    )
    services.plan_settings_save(
        plan=denmark,
        acting=denmark_owner,
        title=denmark.title,
        visibility="published",
        stage="completed",
        language="da",
    )
    plans += 1
    # An earlier figure, retired and replaced by the current one; the old survey stays approved and is
    # shown as due for review.
    superseded = approve(
        services.narrative_item_save(
            acting=secretariat,
            kind="fact",
            title="The Alliance spans 100 countries",
            statement="The Alliance is a network of 800 people across 100 countries.",
            source="Global Advocacy Toolkit, first edition",
            source_year=2018,
            audiences=["donor"],
        )
    )
    services.narrative_item_move(
        item=superseded, acting=secretariat, state=ItemState.RETIRED, replaced_by=fact
    )
    assert old.state == ItemState.APPROVED
    return {"items": len(items) + 3, "plans": plans, "languages": 1 + len(TRANSLATIONS)}


@register(70, "advocacy")
def demo_advocacy(run: DemoRun) -> None:
    made = build_advocacy(rng=random.Random(f"{run.seed}-advocacy"))
    run.made["advocacy"] = made
    run.summary.append(
        f"{made.get('items', 0)} narrative items in {made.get('languages', 0)} languages, "
        f"{made.get('plans', 0)} advocacy plans"
    )


# The ambassadors' cohorts are built by their own module, after the plans (so that they can link them).
from . import ambassador_demo  # noqa: E402, F401
