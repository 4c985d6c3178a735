"""Reads shaped for the events' pages and API (STYLE §2): the events a viewer may see, one event
with its programme, the annual calendar with its filters, the registrations list, the waiting list,
and the events a person attended."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries

from convene.core.rules import can, is_member
from convene.groups.models import Group

from .models import HOLDS_PLACE, Event, QuestionKind, Registration, RegistrationStatus


def events_visible_to(viewer) -> QuerySet[Event]:
    if is_member(viewer) or can(viewer, "events.create"):
        return Event.objects.all()
    return Event.objects.public()


def with_page_parts(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.select_related("organiser__profile").prefetch_related(
        Prefetch("host_groups", queryset=Group.objects.only("id", "name", "slug", "status")),
        "translations",
    )


def with_places(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.annotate(
        taken=Count("registrations", filter=Q(registrations__status__in=HOLDS_PLACE), distinct=True),
        waiting=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.WAITING), distinct=True
        ),
    )


def event_for_viewer(*, viewer, event_id: int) -> Event:
    """One event the viewer may see, with what its page shows, or 404."""
    event = (
        with_places(with_page_parts(Event.objects.filter(pk=event_id)))
        .prefetch_related("sessions", "questions")
        .first()
    )
    if event is None or not can(viewer, "events.see", event):
        raise Http404
    return event


def localized(event: Event, language: str | None = None) -> tuple[str, str]:
    """The title and description in the language asked (the viewer's), else the event's own."""
    language = (language or translation.get_language() or "").split("-")[0]
    if language and language != event.language:
        for t in event.translations.all():
            if t.language == language:
                return t.title, t.description or event.description
    return event.title, event.description


def registration_of(*, event: Event, person) -> Registration | None:
    if person is None or not person.is_authenticated:
        return None
    return Registration.objects.filter(event=event, email__iexact=person.email).first()


def with_counts(events: list[Event]) -> list[Event]:
    """Set ``taken`` and ``waiting`` on each event of a list, in one query (the API's calendar)."""
    counts = {
        (row["event_id"], row["status"]): row["n"]
        for row in Registration.objects.filter(
            event__in=events, status__in=[*HOLDS_PLACE, RegistrationStatus.WAITING]
        )
        .values("event_id", "status")
        .annotate(n=Count("pk"))
    }
    for event in events:
        event.taken = sum(counts.get((event.pk, status), 0) for status in HOLDS_PLACE)
        event.waiting = counts.get((event.pk, RegistrationStatus.WAITING), 0)
    return events


def registrations_by_event(*, person, events: list[Event]) -> dict[int, Registration]:
    """The person's registration for each of these events that they registered for, in one query."""
    if person is None or not person.is_authenticated:
        return {}
    return {r.event_id: r for r in Registration.objects.filter(event__in=events, email__iexact=person.email)}


@dataclass(frozen=True)
class CalendarFilters:
    year: int
    kind: str = ""
    group: str = ""
    language: str = ""
    region: str = ""


def calendar_events(*, viewer, filters: CalendarFilters, limit: int = 500) -> list[Event]:
    """The year's events the viewer may see, by start, filtered."""
    start = datetime.datetime(filters.year, 1, 1, tzinfo=datetime.UTC)
    end = datetime.datetime(filters.year + 1, 1, 1, tzinfo=datetime.UTC)
    events = events_visible_to(viewer).filter(starts__lt=end, ends__gte=start)
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.group:
        events = events.filter(host_groups__slug=filters.group)
    if filters.language:
        events = events.filter(Q(language=filters.language) | Q(translations__language=filters.language))
    if filters.region:
        events = events.filter(region=filters.region)
    return list(with_page_parts(events.distinct()).order_by("starts", "pk")[:limit])


def registrations_of(*, event: Event, limit: int = 5000) -> list[Registration]:
    """Everyone who registered (any state), for the organisers' list and check-in."""
    return list(
        Registration.objects.filter(event=event)
        .select_related("person__profile")
        .order_by("status", "name", "pk")[:limit]
    )


def waiting_list(*, event: Event) -> list[Registration]:
    return list(
        Registration.objects.filter(
            event=event, status__in=[RegistrationStatus.WAITING, RegistrationStatus.OFFERED]
        ).order_by("waiting_since", "pk")
    )


def attended_by(*, person) -> list[Registration]:
    """The events a person attended, newest first (their CPD-style record)."""
    return list(
        Registration.objects.filter(person=person, attended=True, status=RegistrationStatus.REGISTERED)
        .select_related("event")
        .order_by("-event__starts")
    )


def upcoming_for(*, person) -> list[Registration]:
    return list(
        Registration.objects.filter(
            person=person, status__in=[*HOLDS_PLACE, RegistrationStatus.WAITING], event__cancelled=False
        )
        .select_related("event")
        .order_by("event__starts")[:100]
    )


def registration_table(*, event: Event) -> tuple[list[str], list[list]]:
    """The registrations for the organisers' export: name, address, country, organisation, state,
    when registered (in the active zone, the viewer's), the answers (a column a question) and
    attendance. Three queries whatever the number of rows."""
    questions = list(event.questions.all())
    zone = timezone.get_current_timezone_name()
    headers = [
        _("Name"),
        _("E-mail address"),
        _("Country"),
        _("Organisation"),
        _("State"),
        _("Registered at (%(zone)s)") % {"zone": zone},
        *[q.label for q in questions],
        _("Attended"),
    ]
    names = dict(countries)
    attended = {True: _("yes"), False: _("no"), None: ""}
    rows = []
    registrations = (
        Registration.objects.filter(event=event)
        .select_related("person__profile__organisation")
        .order_by("status", "name", "pk")
    )
    for r in registrations:
        profile = getattr(r.person, "profile", None) if r.person_id else None
        organisation = profile.organisation.name if profile and profile.organisation_id else ""
        answers = []
        for q in questions:
            value = r.answers.get(str(q.pk), "")
            answers.append(names.get(value, value) if q.kind == QuestionKind.COUNTRY else value)
        rows.append(
            [
                r.name,
                r.email,
                r.country.name if r.country else "",
                organisation,
                r.get_status_display(),
                timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
                *answers,
                attended[r.attended],
            ]
        )
    return headers, rows
