"""The demo's year of events (seed 002): the day, the symposium, the conference, the week, webinars;
past ones with attendance and recordings, the next full webinar with its waiting list; nothing sent."""

import datetime
import random

from convene.events.demo import build_events
from convene.events.models import Event, Registration, RegistrationStatus

from .conftest import members


def test_a_year_of_events(secretariat, group, mailoutbox):
    members(30)
    today = datetime.date(2030, 7, 1)
    made = build_events(rng=random.Random(1), today=today)
    assert made["events"] == 10
    kinds = sorted(Event.objects.values_list("kind", flat=True))
    assert kinds.count("webinar") == 6
    assert {"symposium", "conference", "campaign_week", "advocacy_day"} <= set(kinds)
    assert Event.objects.get(kind="advocacy_day").starts.date() == datetime.date(2030, 3, 19)
    assert Event.objects.filter(host_groups=group).count() == 1
    assert mailoutbox == []
    assert Registration.objects.filter(attended=True).exists()
    full = Event.objects.get(title__startswith="Planning the workforce")  # 10 August, 25 places
    assert full.registrations.filter(status=RegistrationStatus.WAITING).count() == 5
    assert full.registrations.filter(status=RegistrationStatus.REGISTERED).count() == 25
    assert made["registrations"] == Registration.objects.count()
