"""A year of the network's public life, modelled on seed 002: World Social Work Day in March, the annual
symposium in May, a regional conference with partners in June, Social Service Workforce Week in
September, and webinars on key topics through the year.

The events are made through ``services.event_create`` (the secretariat's, and one hosted by a group);
the registrations of past events are history and are written in bulk, with attendance, a recording and
certificates, so that nothing is sent. The next webinar is full, with a waiting list.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from convene.core.demo import DemoRun, register
from convene.governance.models import Body, Term
from convene.groups.models import OPEN_STATUSES, Group, GroupMembership, MembershipStatus, Role

from . import services
from .models import Event, Registration, RegistrationStatus
from .services import QuestionIn, SessionIn

WASHINGTON = "America/New_York"
WEBINAR_TOPICS = [
    "Case management for children and families",
    "Supervision of the social service workforce",
    "Para professionals: functions and competencies",
    "Planning the workforce: data and costing",
    "Building the case for a stronger workforce",
    "Social service workforce in emergencies",
]


def _wall(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute))


def _third_tuesday_of_march(year: int) -> datetime.date:
    first = datetime.date(year, 3, 1)
    return first + datetime.timedelta(days=(1 - first.weekday()) % 7 + 14)


def _plan(year: int) -> list[dict]:
    symposium = datetime.date(year, 5, 16)
    week = datetime.date(year, 9, 18)
    wswd = _third_tuesday_of_march(year)
    consent = [QuestionIn("consent", "I agree that the session is recorded.")]
    plan = [
        {
            "kind": "advocacy_day",
            "title": "World Social Work Day",
            "description": "Join our collective global advocacy efforts: share what the workforce does, "
            "with the day's theme, in your country.",
            "starts": _wall(wswd, 0),
            "ends": _wall(wswd, 23, 59),
            "zone_name": "UTC",
            "online_url": "https://www.ifsw.org/world-social-work-day/",
            "translations": {"fr": ("Journée mondiale du travail social", "")},
        },
        {
            "kind": "symposium",
            "title": "Annual Global Social Service Workforce Strengthening Symposium",
            "description": "Two days of panels and exchanges on strengthening the workforce.",
            "starts": _wall(symposium, 9),
            "ends": _wall(symposium + datetime.timedelta(days=1), 17),
            "zone_name": WASHINGTON,
            "venue": "Washington, DC",
            "online_url": "https://meet.example.org/symposium",
            "capacity": 150,
            "sessions": [
                SessionIn(
                    "Opening and keynote",
                    _wall(symposium, 9),
                    _wall(symposium, 10, 30),
                    ["Executive director"],
                ),
                SessionIn(
                    "Para professionals after validation", _wall(symposium, 11), _wall(symposium, 12, 30)
                ),
                SessionIn(
                    "The State of the Social Service Workforce",
                    _wall(symposium + datetime.timedelta(days=1), 9),
                    _wall(symposium + datetime.timedelta(days=1), 11),
                ),
            ],
            "questions": [
                QuestionIn("country", "Where do you work?", required=True),
                QuestionIn("choice", "How will you attend?", ["In person", "Online"], required=True),
            ],
            "certificates": True,
        },
        {
            "kind": "conference",
            "title": "Africa Regional Joint Conference on Social Work, Education and Social Development",
            "starts": _wall(datetime.date(year, 6, 12), 9),
            "ends": _wall(datetime.date(year, 6, 14), 17),
            "zone_name": "Africa/Lusaka",
            "venue": "Livingstone, Zambia",
            "region": "africa",
            "partners": ["ASSWA", "IFSW Africa", "IASSW"],
        },
        {
            "kind": "campaign_week",
            "title": "Social Service Workforce Week",
            "description": "Daily blogs and webinars to build the case for a stronger workforce.",
            "starts": _wall(week, 0),
            "ends": _wall(week + datetime.timedelta(days=4), 23, 59),
            "zone_name": "UTC",
            "online_url": "https://meet.example.org/week",
        },
    ]
    for n, topic in enumerate(WEBINAR_TOPICS):
        day = datetime.date(year, 2 + n * 2, 10)
        plan.append(
            {
                "kind": "webinar",
                "title": topic,
                "starts": _wall(day, 9),
                "ends": _wall(day, 10, 30),
                "zone_name": WASHINGTON,
                "online_url": f"https://meet.example.org/webinar-{n + 1}",
                "capacity": 25 if n % 2 else 100,
                "questions": consent,
                "host": n == 0,
            }
        )
    return plan


def _secretariat():
    term = Term.objects.current().filter(body=Body.SECRETARIAT).select_related("person").first()
    return term.person if term else get_user_model().objects.filter(is_superuser=True).first()


def _host_and_chair() -> tuple[Group | None, object]:
    membership = (
        GroupMembership.objects.filter(
            role=Role.COCHAIR, status=MembershipStatus.ACTIVE, group__status__in=OPEN_STATUSES
        )
        .select_related("group", "person")
        .order_by("group_id")
        .first()
    )
    return (membership.group, membership.person) if membership else (None, None)


def build_events(*, rng: random.Random, today: datetime.date | None = None) -> dict[str, int]:
    now = (
        timezone.now()
        if today is None
        else datetime.datetime.combine(today, datetime.time(12), tzinfo=datetime.UTC)
    )
    today = today or timezone.localdate()
    secretariat = _secretariat()
    if secretariat is None:
        return {"events": 0, "registrations": 0}
    group, chair = _host_and_chair()
    people = list(
        get_user_model()
        .objects.filter(profile__membership_status="active", is_active=True)
        .select_related("profile")
        .order_by("pk")[:400]
    )
    made = {"events": 0, "registrations": 0}
    with transaction.atomic():
        for spec in _plan(today.year):
            spec = dict(spec)
            host = spec.pop("host", False)
            certificates = spec.pop("certificates", False)
            acting = chair if host and chair else secretariat
            event = services.event_create(
                acting=acting, host_groups=[group] if host and group else [], **spec
            )
            made["events"] += 1
            made["registrations"] += _registrations(event, people, rng=rng, now=now)
            if event.ends < now:
                Event.objects.filter(pk=event.pk).update(
                    recording_url=f"https://video.example.org/recordings/{event.pk}"
                    if event.online_url
                    else "",
                    materials="- [Slides](https://example.org/slides.pdf)\n- [Summary](https://example.org/summary)",
                    certificates=certificates or event.kind == "webinar",
                )
    return made


def _registrations(event: Event, people: list, *, rng: random.Random, now: datetime.datetime) -> int:
    """Past events: people registered, most came. The next full webinar: its waiting list."""
    if not people or event.kind in ("advocacy_day", "campaign_week"):
        return 0
    capacity = event.capacity or 60
    past = event.ends < now
    count = min(len(people), capacity + (5 if not past and event.capacity else 0), 120)
    chosen = rng.sample(people, count)
    rows = []
    for n, person in enumerate(chosen):
        waiting = n >= capacity
        rows.append(
            Registration(
                event=event,
                person=person,
                email=person.email,
                name=person.profile.name or person.email,
                language=person.language,
                country=person.profile.country,
                status=RegistrationStatus.WAITING if waiting else RegistrationStatus.REGISTERED,
                waiting_since=now - datetime.timedelta(hours=count - n) if waiting else None,
                attended=(rng.random() < 0.7) if past else None,
                confirmation_sent_at=now,
                reminded_week_at=now if past else None,
                reminded_hour_at=now if past else None,
                follow_up_sent_at=now if past else None,
            )
        )
    Registration.objects.bulk_create(rows)
    return len(rows)


@register(60, "events")
def demo_events(run: DemoRun) -> None:
    made = build_events(rng=random.Random(f"{run.seed}-events"))
    run.made["events"] = made
    run.summary.append(f"{made['events']} events with {made['registrations']:,} registrations")
