"""The demo network's data call: the 3rd State of the Social Service Workforce report's call, open,
half answered. Members in about half of the countries answer (two members in some countries, with
figures that differ); the secretariat has reconciled and validated a few countries."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from convene.core.demo import DemoRun, register
from convene.governance.models import Body, Term
from convene.people.models import Profile

from . import services


def build_datacall(*, rng: random.Random) -> dict:
    secretariat_id = (
        Term.objects.current()
        .filter(body=Body.SECRETARIAT)
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .first()
    )
    if secretariat_id is None:
        return {}
    people = get_user_model().objects
    acting = people.get(pk=secretariat_id)
    call = services.datacall_create(
        acting=acting,
        title="Share information for the 3rd State of the Social Service Workforce Report",
        year=timezone.localdate().year,
        deadline=timezone.localdate() + datetime.timedelta(days=45),
        description="Numbers of social workers and para professionals by sector, training institutions, regulation and sources.",
    )
    call = services.datacall_set_status(call=call, acting=acting, status="open")
    by_country: dict[str, list[int]] = {}
    for person_id, country in (
        Profile.objects.members()
        .exclude(country="")
        .order_by("person_id")
        .values_list("person_id", "country")[:5000]
    ):
        by_country.setdefault(str(country), []).append(person_id)
    countries = sorted(by_country)
    answered = [c for c in countries if rng.random() < 0.5]
    submissions = 0
    for country in answered:
        base = rng.randint(200, 20_000)
        for person_id in by_country[country][: rng.choice([1, 1, 2])]:
            values = {
                "sw_government": base + rng.choice([0, 0, rng.randint(-50, 50)]),
                "sw_ngo": base // 2,
                "para_government": base * 3,
                "training_institutions": rng.randint(1, 40),
                "regulated": rng.choice(["yes", "no"]),
                "sources": "Ministry of social development, workforce mapping",
            }
            services.submission_save(
                call=call, acting=people.get(pk=person_id), values=values, country=country
            )
            submissions += 1
    for country in answered[:3]:
        first = call.submissions.filter(country=country).order_by("pk").first()
        services.country_reconcile(
            call=call,
            country=country,
            acting=acting,
            picks={key: first.pk for key in call.keys if first.values.get(key) is not None},
            validate=["sw_government", "training_institutions"],
            comment="Checked with the ministry's figures.",
        )
    return {"countries": len(answered), "submissions": submissions}


@register(62, "datacall")
def demo_datacall(run: DemoRun) -> None:
    made = build_datacall(rng=random.Random(f"{run.seed}-datacall"))
    run.summary.append(f"a data call answered for {made.get('countries', 0)} countries")
