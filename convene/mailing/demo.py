"""The demo network's bulk mail: a few members who left the E-Update, a few suppressed addresses (a
hard bounce, repeated soft bounces, a complaint), one announcement sent to everyone and one draft. No
mail leaves: the sent announcement is history, its deliveries written as sent."""

import random
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone

from convene.core.demo import DemoRun, register
from convene.people.models import Person

from . import queries, services
from .compose import render_announcement
from .models import BulkList, Delivery, DeliveryState, ListChoice, Mailing, MailingState


@contextmanager
def _nothing_sent() -> Iterator[None]:
    """The services in a transaction of their own, with the sending they enqueue dropped."""
    connection = transaction.get_connection()
    with transaction.atomic():
        start = len(connection.run_on_commit)
        yield
        del connection.run_on_commit[start:]


def build_mailing(*, rng: random.Random, secretariat: Person) -> dict[str, int]:
    members = list(queries.recipients({}).order_by("pk").values_list("pk", flat=True))
    left = rng.sample(members, len(members) // 20)
    ListChoice.objects.bulk_create(
        [ListChoice(person_id=pk, list=BulkList.EUPDATE, subscribed=False) for pk in left], batch_size=1000
    )
    others = [pk for pk in members if pk not in set(left)]
    emails = dict(Person.objects.filter(pk__in=others[:3]).values_list("pk", "email"))
    with _nothing_sent():
        if len(emails) == 3:
            first, second, third = emails.values()
            services.bounce_record(email=first, status="5.1.1", detail="smtp; 550 5.1.1 User unknown")
            for day in range(5):
                services.bounce_record(
                    email=second,
                    status="4.2.2",
                    detail="smtp; 452 4.2.2 Mailbox full",
                    today=timezone.localdate() - timezone.timedelta(days=day),
                )
            services.complaint_record(email=third)
        editions = {
            "en": render_announcement(
                "Welcome to the network's new home",
                "The network's pages, groups and meetings now live here. **Update your profile** "
                "so that the E-Update reaches you in your language.",
                "en",
            ),
            "fr": render_announcement(
                "Bienvenue dans la nouvelle maison du réseau",
                "Les pages, groupes et réunions du réseau sont désormais ici. **Mettez votre profil à "
                "jour** pour recevoir l'E-Update dans votre langue.",
                "fr",
            ),
        }
        sent = services.create_mailing(
            purpose=BulkList.ANNOUNCEMENTS,
            title="Welcome to the new site",
            segment={},
            editions=editions,
            default_language="en",
            created_by=secretariat,
        )
        services.start(sent, secretariat)
        services.create_mailing(
            purpose=BulkList.ANNOUNCEMENTS,
            title="Call for E-Update contributions (Africa)",
            segment={"regions": ["africa"]},
            editions={
                "en": render_announcement(
                    "Your stories for the next E-Update",
                    "Send us a short story from your country by the end of the month.",
                    "en",
                )
            },
            default_language="en",
            created_by=secretariat,
        )
    now = timezone.now()
    Delivery.objects.filter(mailing=sent).update(state=DeliveryState.SENT, sent_at=now)
    Mailing.objects.filter(pk=sent.pk).update(state=MailingState.SENT, finished_at=now)
    return {"left": len(left), "sent": sent.deliveries.count()}


@register(75, "mailing")
def demo_mailing(run: DemoRun) -> None:
    logins = run.made["people"].logins
    secretariat = Person.objects.filter(pk=logins.get("secretariat")).first()
    if secretariat is None:
        run.summary.append("no bulk mail (no secretariat)")
        return
    made = build_mailing(rng=random.Random(f"{run.seed}-mailing"), secretariat=secretariat)
    run.summary.append(f"an announcement to {made['sent']:,} members, {made['left']:,} off the E-Update")
