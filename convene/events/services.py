"""Every write about events (STYLE §1): creating an event with its programme and questions,
registering, the waiting list and its offers, cancelling, attendance, and what comes after.

The places of an event change only with the event's row locked (``select_for_update``): registering,
confirming, cancelling, taking an offer and expiring offers all lock it first and count the places
held under the lock, so two people never take the last place together and an expired offer moves
on exactly once. Mail is sent by tasks after the commit.
"""

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from convene.core.errors import StateConflict
from convene.core.rules import ensure, is_member, is_secretariat
from convene.core.tasks import enqueue_on_commit
from convene.groups.models import Group
from convene.meetings.services import check_zone
from convene.meetings.times import to_utc
from convene.people.imports import ParsedFile

from . import tasks
from .models import (
    HOLDS_PLACE,
    Event,
    EventKind,
    EventTranslation,
    Question,
    QuestionKind,
    Region,
    Registration,
    RegistrationStatus,
    Session,
    Visibility,
)
from .rules import may_create_for

MAX_QUESTIONS = 20
MAX_SESSIONS = 60


def offer_hours() -> int:
    return getattr(settings, "CONVENE_EVENT_OFFER_HOURS", 48)


# --- Creating an event ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionIn:
    title: str
    starts: datetime.datetime  # wall-clock time in the event's zone
    ends: datetime.datetime
    speakers: Sequence[str] = ()


@dataclass(frozen=True)
class QuestionIn:
    kind: str
    label: str
    choices: Sequence[str] = ()
    required: bool = False


def _check_url(value: str, field: str) -> None:
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError as error:
            raise ValidationError({field: _("Enter a web address starting with https://.")}) from error


def _questions(questions: Sequence[QuestionIn]) -> list[QuestionIn]:
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError({"questions": _("At most %(n)s questions.") % {"n": MAX_QUESTIONS}})
    for question in questions:
        if question.kind not in QuestionKind.values:
            raise ValidationError({"questions": _("Unknown kind of question.")})
        if not question.label.strip():
            raise ValidationError({"questions": _("Every question needs its text.")})
        if question.kind == QuestionKind.CHOICE and len([c for c in question.choices if c.strip()]) < 2:
            raise ValidationError({"questions": _("A choice question needs at least two choices.")})
    return list(questions)


def _check_fields(
    *, kind, visibility, region, title, language, zone_name, starts, ends, online_url, venue, capacity
) -> None:
    check_zone(zone_name)
    if kind not in EventKind.values:
        raise ValidationError({"kind": _("Choose a type of event.")})
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": _("Choose who may see the event.")})
    if region not in Region.values:
        raise ValidationError({"region": _("Choose a region.")})
    if not title.strip():
        raise ValidationError({"title": _("Give the event a title.")})
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the site's languages.")})
    if ends <= starts:
        raise ValidationError({"ends": _("The event must end after it starts.")})
    if not online_url and not venue.strip():
        raise ValidationError({"venue": _("Give an online link, a venue, or both.")})
    _check_url(online_url, "online_url")
    if capacity is not None and capacity < 1:
        raise ValidationError({"capacity": _("The capacity is at least one place (or empty: no limit).")})


@transaction.atomic
def event_create(
    *,
    acting,
    kind: str,
    title: str,
    starts: datetime.datetime,
    ends: datetime.datetime,
    zone_name: str,
    description: str = "",
    language: str = "",
    online_url: str = "",
    venue: str = "",
    region: str = Region.GLOBAL,
    host_groups: Sequence[Group] = (),
    partners: Sequence[str] = (),
    capacity: int | None = None,
    registration_opens: datetime.datetime | None = None,
    registration_closes: datetime.datetime | None = None,
    visibility: str = Visibility.PUBLIC,
    translations: Mapping[str, tuple[str, str]] | None = None,
    sessions: Sequence[SessionIn] = (),
    questions: Sequence[QuestionIn] = (),
) -> Event:
    """An event, its programme and its registration questions. Times are wall-clock times in
    ``zone_name`` (the registration window's too); they are stored in UTC."""
    host_groups = list(dict.fromkeys(host_groups))
    if not may_create_for(acting, host_groups):
        raise PermissionDenied("events.create")
    language = language or settings.LANGUAGE_CODE
    _check_fields(
        kind=kind,
        visibility=visibility,
        region=region,
        title=title,
        language=language,
        zone_name=zone_name,
        starts=starts,
        ends=ends,
        online_url=online_url,
        venue=venue,
        capacity=capacity,
    )
    languages = dict(settings.LANGUAGES)
    opens = to_utc(registration_opens, zone_name) if registration_opens else None
    closes = to_utc(registration_closes, zone_name) if registration_closes else None
    starts_utc, ends_utc = to_utc(starts, zone_name), to_utc(ends, zone_name)
    if opens and closes and closes <= opens:
        raise ValidationError({"registration_closes": _("Registration must close after it opens.")})
    if closes and closes > ends_utc:
        raise ValidationError({"registration_closes": _("Registration must close before the event ends.")})
    if len(sessions) > MAX_SESSIONS:
        raise ValidationError({"sessions": _("At most %(n)s sessions.") % {"n": MAX_SESSIONS}})
    session_rows = []
    for session in sessions:
        s_starts, s_ends = to_utc(session.starts, zone_name), to_utc(session.ends, zone_name)
        if not session.title.strip() or s_ends <= s_starts or s_starts < starts_utc or s_ends > ends_utc:
            raise ValidationError(
                {"sessions": _("Each session needs a title and must fall within the event’s start and end.")}
            )
        session_rows.append((session, s_starts, s_ends))
    questions = _questions(questions)
    for code in translations or {}:
        if code not in languages or code == language:
            raise ValidationError({"translations": _("A translation is in another of the site's languages.")})

    event = Event.objects.create(
        kind=kind,
        title=title.strip(),
        description=description,
        language=language,
        zone_name=zone_name,
        starts=starts_utc,
        ends=ends_utc,
        online_url=online_url,
        venue=venue.strip(),
        region=region,
        partners="\n".join(p.strip() for p in partners if p.strip()),
        capacity=capacity,
        registration_opens=opens,
        registration_closes=closes,
        visibility=visibility,
        organiser=acting,
    )
    event.host_groups.set(host_groups)
    EventTranslation.objects.bulk_create(
        EventTranslation(event=event, language=code, title=t.strip(), description=d)
        for code, (t, d) in (translations or {}).items()
        if t.strip()
    )
    Session.objects.bulk_create(
        Session(
            event=event,
            title=s.title.strip(),
            starts=s_starts,
            ends=s_ends,
            speakers="\n".join(x.strip() for x in s.speakers if x.strip()),
        )
        for s, s_starts, s_ends in session_rows
    )
    Question.objects.bulk_create(_question_rows(event, questions))
    return event


# The fields whose change is a change of time or place: those registered get an update.
TIME_AND_PLACE = ("starts", "ends", "zone_name", "venue", "online_url")


@dataclass(frozen=True)
class EventUpdate:
    event: Event
    moved: bool  # the time or the place changed: an update went to those registered
    offered: int  # places offered to the waiting list (capacity raised)


def has_answers(event: Event) -> bool:
    """Whether anyone answered the event's questions (then the questions can no longer change)."""
    return Registration.objects.filter(event=event).exclude(answers={}).exists()


def _question_rows(event: Event, questions: Sequence[QuestionIn]) -> list[Question]:
    return [
        Question(
            event=event,
            kind=q.kind,
            label=q.label.strip(),
            choices="\n".join(c.strip() for c in q.choices if c.strip()),
            required=q.required or q.kind == QuestionKind.CONSENT,
            position=n,
        )
        for n, q in enumerate(questions)
    ]


def _check_hosts(event: Event, acting, host_groups: list[Group]) -> set[int]:
    """The host groups added must be the acting person's to add; only the secretariat leaves an
    event without one. Returns the ids of the hosts before."""
    before = set(event.host_groups.values_list("pk", flat=True))
    added = [g for g in host_groups if g.pk not in before]
    if added and not may_create_for(acting, added):
        raise PermissionDenied("events.create")
    if not host_groups and before and not is_secretariat(acting):
        raise ValidationError({"host_groups": _("Keep at least one host group.")})
    return before


def _window(opens, closes, zone_name: str, ends_utc: datetime.datetime):
    opens = to_utc(opens, zone_name) if opens else None
    closes = to_utc(closes, zone_name) if closes else None
    if opens and closes and closes <= opens:
        raise ValidationError({"registration_closes": _("Registration must close after it opens.")})
    if closes and closes > ends_utc:
        raise ValidationError({"registration_closes": _("Registration must close before the event ends.")})
    return opens, closes


def _moved_sessions(
    event: Event, starts_utc: datetime.datetime, ends_utc: datetime.datetime
) -> list[Session]:
    """The programme moved by as much as the start (unsaved; empty if the start did not move); each
    session must still fall within the event."""
    shift = starts_utc - event.starts
    sessions = list(event.sessions.all())
    for session in sessions:
        session.starts += shift
        session.ends += shift
        if session.starts < starts_utc or session.ends > ends_utc:
            raise ValidationError(
                {
                    "ends": _("The session “%(title)s” would fall outside the event's new start and end.")
                    % {"title": session.title}
                }
            )
    return sessions if shift else []


def _check_translations(translations: Mapping | None, language: str) -> None:
    languages = dict(settings.LANGUAGES)
    for code in translations or {}:
        if code not in languages or code == language:
            raise ValidationError({"translations": _("A translation is in another of the site's languages.")})


def _changed_questions(event: Event, questions: Sequence[QuestionIn]) -> list[QuestionIn] | None:
    """The new questions, None if they are the same; refused once someone has answered."""
    questions = _questions(questions)
    current = [(q.kind, q.label, q.choice_list, q.required) for q in event.questions.all()]
    wanted = [
        (
            q.kind,
            q.label.strip(),
            [c.strip() for c in q.choices if c.strip()],
            q.required or q.kind == QuestionKind.CONSENT,
        )
        for q in questions
    ]
    if wanted == current:
        return None
    if has_answers(event):
        raise ValidationError(
            {"questions": _("People have answered the questions already: they can no longer change.")}
        )
    return questions


def _save_translations(event: Event, translations: Mapping[str, tuple[str, str]]) -> None:
    for code, (t, d) in translations.items():
        if t.strip():
            EventTranslation.objects.update_or_create(
                event=event, language=code, defaults={"title": t.strip(), "description": d}
            )
        else:
            EventTranslation.objects.filter(event=event, language=code).delete()
    EventTranslation.objects.filter(event=event, language=event.language).delete()  # now its own


@transaction.atomic
def event_update(
    *,
    event: Event,
    acting,
    kind: str,
    title: str,
    starts: datetime.datetime,
    ends: datetime.datetime,
    zone_name: str,
    description: str = "",
    language: str = "",
    online_url: str = "",
    venue: str = "",
    region: str = Region.GLOBAL,
    host_groups: Sequence[Group] = (),
    partners: Sequence[str] = (),
    capacity: int | None = None,
    registration_opens: datetime.datetime | None = None,
    registration_closes: datetime.datetime | None = None,
    visibility: str = Visibility.PUBLIC,
    translations: Mapping[str, tuple[str, str]] | None = None,
    questions: Sequence[QuestionIn] | None = None,
    now: datetime.datetime | None = None,
) -> EventUpdate:
    """Edit an event: every field of the creation (times are wall-clock times in ``zone_name``).

    - ``translations`` (language → title, description) adds or replaces those given; an empty title
      removes that language's. ``None`` leaves them.
    - ``questions`` replaces the questions, only while nobody has answered them; ``None`` leaves them.
    - The programme moves with the start (each session by the same amount) and must still fit.
    - Host groups added must be the acting person's to add (as when creating); only the secretariat
      leaves an event without a host group.
    - A change of time or place raises the SEQUENCE: each person registered gets the new calendar
      entry once. A higher capacity offers the freed places to the waiting list; a lower one takes
      no place from anyone.
    """
    ensure(acting, "events.manage", event)
    now = now or timezone.now()
    event = _locked(event)
    if event.cancelled:
        raise StateConflict(_("This event has been cancelled; it can no longer be changed."))
    language = language or settings.LANGUAGE_CODE
    _check_fields(
        kind=kind,
        visibility=visibility,
        region=region,
        title=title,
        language=language,
        zone_name=zone_name,
        starts=starts,
        ends=ends,
        online_url=online_url,
        venue=venue,
        capacity=capacity,
    )
    host_groups = list(dict.fromkeys(host_groups))
    before = _check_hosts(event, acting, host_groups)
    starts_utc, ends_utc = to_utc(starts, zone_name), to_utc(ends, zone_name)
    opens, closes = _window(registration_opens, registration_closes, zone_name, ends_utc)
    sessions = _moved_sessions(event, starts_utc, ends_utc)
    _check_translations(translations, language)
    if questions is not None:
        questions = _changed_questions(event, questions)
    old_capacity = event.capacity
    values = {
        "kind": kind,
        "title": title.strip(),
        "description": description,
        "language": language,
        "zone_name": zone_name,
        "starts": starts_utc,
        "ends": ends_utc,
        "online_url": online_url,
        "venue": venue.strip(),
        "region": region,
        "partners": "\n".join(p.strip() for p in partners if p.strip()),
        "capacity": capacity,
        "registration_opens": opens,
        "registration_closes": closes,
        "visibility": visibility,
    }
    moved = any(getattr(event, field) != values[field] for field in TIME_AND_PLACE)
    for field, value in values.items():
        setattr(event, field, value)
    if moved:
        event.sequence += 1
    event.save()
    if {g.pk for g in host_groups} != before:
        event.host_groups.set(host_groups)
    if sessions:
        Session.objects.bulk_update(sessions, ["starts", "ends"])
    _save_translations(event, translations or {})
    if questions is not None:
        event.questions.all().delete()
        Question.objects.bulk_create(_question_rows(event, questions))
    if moved:
        enqueue_on_commit(tasks.send_event_update, event.pk)
    offered = []
    more_places = capacity is None or (old_capacity is not None and capacity > old_capacity)
    if more_places and now < event.ends:
        offered = _offer_next(event, now)
    return EventUpdate(event=event, moved=moved, offered=len(offered))


@transaction.atomic
def session_add(*, event: Event, acting, session: SessionIn) -> Session:
    ensure(acting, "events.manage", event)
    starts, ends = to_utc(session.starts, event.zone_name), to_utc(session.ends, event.zone_name)
    if not session.title.strip() or ends <= starts or starts < event.starts or ends > event.ends:
        raise ValidationError(
            {"sessions": _("Each session needs a title and must fall within the event’s start and end.")}
        )
    return Session.objects.create(
        event=event,
        title=session.title.strip(),
        starts=starts,
        ends=ends,
        speakers="\n".join(x.strip() for x in session.speakers if x.strip()),
    )


@transaction.atomic
def event_after(*, event: Event, acting, recording_url: str, materials: str, certificates: bool) -> Event:
    """The recording, the materials and whether attendees get a certificate (after the event)."""
    ensure(acting, "events.manage", event)
    _check_url(recording_url, "recording_url")
    Event.objects.filter(pk=event.pk).update(
        recording_url=recording_url, materials=materials, certificates=certificates, updated_at=timezone.now()
    )
    event.refresh_from_db()
    return event


# --- Registration --------------------------------------------------------------------------------


def _locked(event: Event) -> Event:
    """The event's row, locked until the end of the transaction: the places are counted under it."""
    return Event.objects.select_for_update().get(pk=event.pk)


def places_taken(event: Event) -> int:
    return Registration.objects.filter(event=event, status__in=HOLDS_PLACE).count()


def _has_place(event: Event) -> bool:
    return event.capacity is None or places_taken(event) < event.capacity


def clean_answers(event: Event, answers: Mapping[str, object]) -> tuple[dict[str, str], str]:
    """The answers to the event's questions (by question id, as text), and the country answered."""
    cleaned: dict[str, str] = {}
    country = ""
    errors = {}
    for question in event.questions.all():
        raw = answers.get(str(question.pk), "")
        value = raw.strip() if isinstance(raw, str) else ("yes" if raw is True else "")
        if question.kind == QuestionKind.CONSENT:
            value = "yes" if value in ("yes", "on", "true", "1") else ""
        elif question.kind == QuestionKind.CHOICE and value and value not in question.choice_list:
            errors[f"q_{question.pk}"] = _("Choose one of the choices.")
            continue
        elif question.kind == QuestionKind.COUNTRY and value:
            value = value.upper()
            if value not in dict(countries):
                errors[f"q_{question.pk}"] = _("Choose a country.")
                continue
            country = value
        elif len(value) > 2000:
            errors[f"q_{question.pk}"] = _("At most 2,000 characters.")
            continue
        if question.required and not value:
            errors[f"q_{question.pk}"] = (
                _("You must agree to register.")
                if question.kind == QuestionKind.CONSENT
                else _("This question must be answered.")
            )
            continue
        if value:
            cleaned[str(question.pk)] = value
    if errors:
        raise ValidationError(errors)
    return cleaned, country


def _check_open(event: Event, now: datetime.datetime) -> None:
    if event.cancelled:
        raise StateConflict(_("This event has been cancelled."))
    if event.registration_opens and now < event.registration_opens:
        raise StateConflict(_("Registration has not opened yet."))
    closes = event.registration_closes or event.ends
    if now >= closes:
        raise StateConflict(_("Registration is closed."))


def _place(event: Event, registration: Registration, now: datetime.datetime) -> None:
    """Give the registration a place, or put it on the waiting list (the event's row is locked)."""
    if _has_place(event):
        registration.status = RegistrationStatus.REGISTERED
        registration.waiting_since = None
    else:
        registration.status = RegistrationStatus.WAITING
        registration.waiting_since = now
    registration.offer_expires_at = None
    registration.confirmation_sent_at = None


@transaction.atomic
def registration_register(
    *,
    event: Event,
    acting=None,
    email: str = "",
    name: str = "",
    answers: Mapping[str, object] | None = None,
    remind_week: bool = True,
    remind_hour: bool = True,
    language: str = "",
    now: datetime.datetime | None = None,
) -> Registration:
    """A member registers in one step; anyone else (public events only) gives an address and
    confirms it from the e-mail (``registration_confirm``). Full: the waiting list."""
    now = now or timezone.now()
    logged_in = acting is not None and acting.is_authenticated
    if logged_in:
        ensure(acting, "events.see", event)
        if not event.is_public and not is_member(acting):
            raise PermissionDenied("events.register")
        email = acting.email
        name = getattr(getattr(acting, "profile", None), "name", "") or acting.email
        language = acting.language or language
    else:
        if not event.is_public:
            raise PermissionDenied("events.register")
        # Kept in lower case: the same address typed twice is one registration.
        email = (email or "").strip().lower()
        try:
            validate_email(email)
        except ValidationError as error:
            raise ValidationError({"email": _("Enter a valid e-mail address.")}) from error
        name = (name or "").strip()[:200]
        if not name:
            raise ValidationError({"name": _("Give your name.")})
    cleaned, country = clean_answers(event, answers or {})
    event = _locked(event)
    _check_open(event, now)
    registration = Registration.objects.filter(event=event, email__iexact=email).first()
    if registration and registration.status in (*HOLDS_PLACE, RegistrationStatus.WAITING):
        raise StateConflict(_("This address is already registered for the event."))
    if registration is None:
        registration = Registration(event=event, email=email)
    registration.person = acting if logged_in else registration.person
    registration.name = name
    registration.language = language or ""
    registration.answers = cleaned
    registration.country = country or (
        getattr(getattr(acting, "profile", None), "country", "") if logged_in else ""
    )
    registration.remind_week = remind_week
    registration.remind_hour = remind_hour
    registration.attended = None
    if logged_in:
        _place(event, registration, now)
        registration.save()
        enqueue_on_commit(tasks.send_registration_mail, registration.pk)
    else:
        registration.status = RegistrationStatus.UNCONFIRMED
        registration.save()
        enqueue_on_commit(tasks.send_confirm_request, registration.pk)
    return registration


@transaction.atomic
def registration_confirm(*, registration: Registration, now: datetime.datetime | None = None) -> Registration:
    """The address is confirmed (the link in the e-mail): a place, or the waiting list."""
    now = now or timezone.now()
    event = _locked(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != RegistrationStatus.UNCONFIRMED:
        return registration  # confirmed already (a second click changes nothing)
    _check_open(event, now)
    _place(event, registration, now)
    registration.save(
        update_fields=["status", "waiting_since", "offer_expires_at", "confirmation_sent_at", "updated_at"]
    )
    enqueue_on_commit(tasks.send_registration_mail, registration.pk)
    return registration


def _offer_next(event: Event, now: datetime.datetime) -> list[int]:
    """Offer every free place to the next people of the waiting list, in order (event row locked)."""
    offered = []
    free = None if event.capacity is None else event.capacity - places_taken(event)
    waiting = Registration.objects.filter(event=event, status=RegistrationStatus.WAITING).order_by(
        "waiting_since", "pk"
    )
    if free is not None:
        waiting = waiting[: max(free, 0)]
    expires = now + datetime.timedelta(hours=offer_hours())
    for registration in waiting:
        offered.append(registration.pk)
    if offered:
        Registration.objects.filter(pk__in=offered).update(
            status=RegistrationStatus.OFFERED, offer_expires_at=expires, offer_sent_at=None, updated_at=now
        )
        for pk in offered:
            enqueue_on_commit(tasks.send_offer, pk)
    return offered


@transaction.atomic
def registration_cancel(*, registration: Registration, now: datetime.datetime | None = None) -> Registration:
    """Cancel (from the e-mail's link, the page or the API); a place freed goes to the waiting list."""
    now = now or timezone.now()
    event = _locked(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status in (RegistrationStatus.CANCELLED, RegistrationStatus.EXPIRED):
        return registration
    held = registration.holds_place
    registration.status = RegistrationStatus.CANCELLED
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
    if held and not event.cancelled and now < event.ends:
        _offer_next(event, now)
    return registration


@transaction.atomic
def offer_accept(*, registration: Registration, now: datetime.datetime | None = None) -> Registration:
    """The person takes the place offered to them, before the offer expires."""
    now = now or timezone.now()
    _locked(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == RegistrationStatus.REGISTERED:
        return registration
    if registration.status != RegistrationStatus.OFFERED or (
        registration.offer_expires_at and registration.offer_expires_at <= now
    ):
        raise StateConflict(_("This offer is no longer open."))
    registration.status = RegistrationStatus.REGISTERED
    registration.offer_expires_at = None
    registration.confirmation_sent_at = None
    registration.save(update_fields=["status", "offer_expires_at", "confirmation_sent_at", "updated_at"])
    enqueue_on_commit(tasks.send_registration_mail, registration.pk)
    return registration


def offers_expire(*, now: datetime.datetime | None = None) -> int:
    """Expire the offers past their deadline, each event in its own transaction with its row locked,
    and offer the places to the next people. Run twice, it does nothing the second time."""
    now = now or timezone.now()
    event_ids = set(
        Registration.objects.filter(status=RegistrationStatus.OFFERED, offer_expires_at__lte=now).values_list(
            "event_id", flat=True
        )
    )
    expired = 0
    for event_id in sorted(event_ids):
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=event_id)
            expired += Registration.objects.filter(
                event=event, status=RegistrationStatus.OFFERED, offer_expires_at__lte=now
            ).update(status=RegistrationStatus.EXPIRED, offer_expires_at=None, updated_at=now)
            if not event.cancelled and now < event.ends:
                _offer_next(event, now)
    return expired


# --- Attendance and after ------------------------------------------------------------------------


@transaction.atomic
def attendance_mark(*, event: Event, acting, registration_id: int, attended: bool | None) -> Registration:
    """Check one person in (or out) at the door or during the webinar."""
    ensure(acting, "events.manage", event)
    registration = Registration.objects.filter(
        event=event, pk=registration_id, status=RegistrationStatus.REGISTERED
    ).first()
    if registration is None:
        raise ValidationError({"registration": _("This person is not registered for the event.")})
    registration.attended = attended
    registration.save(update_fields=["attended", "updated_at"])
    return registration


@dataclass(frozen=True)
class AttendanceImport:
    marked: int  # registrations marked as attended
    unknown: list[str]  # addresses in the file that match no registration
    too_short: list[str] = ()  # registered addresses in the file that stayed less than the minimum


def find_column(headers: Sequence[str], chosen: str, *, field: str, guess) -> int | None:
    """The column chosen (its header or its 1-based number), else the first header ``guess`` accepts
    (None when none does)."""
    if chosen.strip():
        wanted = chosen.strip()
        if wanted.isdigit() and 1 <= int(wanted) <= len(headers):
            return int(wanted) - 1
        for index, header in enumerate(headers):
            if header.strip().casefold() == wanted.casefold():
                return index
        raise ValidationError(
            {
                field: _("The file has no column “%(name)s”. Its columns: %(columns)s.")
                % {"name": wanted, "columns": ", ".join(headers)}
            }
        )
    for index, header in enumerate(headers):
        if guess(header.casefold().replace("-", "").replace("_", " ")):
            return index
    return None


def find_email_column(headers: Sequence[str], chosen: str = "") -> int:
    """The column of the attendees' e-mail addresses: the one chosen (its header or its 1-based
    number), else the first header that says e-mail (Zoom: "User Email", "Email"; Teams: "Email")."""
    column = find_column(
        headers, chosen, field="email_column", guess=lambda h: "email" in h or "mail" in h.split()
    )
    if column is None:
        raise ValidationError(
            {
                "email_column": _(
                    "Say which column holds the e-mail addresses. The file's columns: %(columns)s."
                )
                % {"columns": ", ".join(headers)}
            }
        )
    return column


def find_duration_column(headers: Sequence[str], chosen: str = "") -> int:
    """The column of the time each attendee stayed: chosen, else the first that says duration
    (Zoom: "Duration (Minutes)"; Teams: "In-Meeting Duration", "Duration")."""
    column = find_column(headers, chosen, field="duration_column", guess=lambda h: "duration" in h)
    if column is None:
        raise ValidationError(
            {
                "duration_column": _(
                    "Say which column holds how long each person stayed. The file's columns: %(columns)s."
                )
                % {"columns": ", ".join(headers)}
            }
        )
    return column


_DURATION_PARTS = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(h|hr|hrs|hours?|m|min|mins|minutes?|s|sec|secs|seconds?)\b"
)


def parse_minutes(value: str) -> float | None:
    """Minutes from a report's duration cell: Zoom's "52" (minutes), Teams' "1h 5m 12s" or
    "45m 3s", or "1:05:12" (hours, minutes, seconds). None for anything else."""
    text = value.strip().casefold()
    if not text:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        pass
    if re.fullmatch(r"\d+:\d{1,2}(:\d{1,2})?", text):
        parts = [int(p) for p in text.split(":")]
        hours, minutes, seconds = (parts + [0])[:3]
        return hours * 60 + minutes + seconds / 60
    found = _DURATION_PARTS.findall(text)
    if not found or _DURATION_PARTS.sub("", text).strip():
        return None
    total = 0.0
    for number, unit in found:
        amount = float(number.replace(",", "."))
        total += amount * 60 if unit.startswith("h") else (amount / 60 if unit.startswith("s") else amount)
    return total


@transaction.atomic
def attendance_import(
    *,
    event: Event,
    acting,
    parsed: ParsedFile,
    email_column: str = "",
    min_minutes: int | None = None,
    duration_column: str = "",
) -> AttendanceImport:
    """Mark as attended the registered people whose address is in a webinar's attendee report
    (Zoom, Teams: read by people's import checks, ``people.imports.parse_upload``). With
    ``min_minutes``, only those who stayed that long count: the durations of a person's rows (one
    per join and leave) are added up. A row with a cell that is not an address (or, with a minimum,
    not a duration) refuses the whole file: nothing changes."""
    ensure(acting, "events.manage", event)
    if min_minutes is not None and not 0 <= min_minutes <= 24 * 60:
        raise ValidationError({"min_minutes": _("The minimum is between 0 and 1,440 minutes.")})
    column = find_email_column(parsed.headers, email_column)
    duration = find_duration_column(parsed.headers, duration_column) if min_minutes else None
    minutes: dict[str, float] = {}
    bad_rows, bad_durations = [], []
    for number, cells in parsed.rows:
        value = cells[column].strip() if column < len(cells) else ""
        if not value:
            continue
        try:
            validate_email(value)
        except ValidationError:
            bad_rows.append(str(number))
            continue
        stayed = 0.0
        if duration is not None:
            stayed = parse_minutes(cells[duration] if duration < len(cells) else "")
            if stayed is None:
                bad_durations.append(str(number))
                continue
        minutes[value.casefold()] = minutes.get(value.casefold(), 0.0) + stayed
    if bad_rows:
        raise ValidationError(
            {
                "file": _("Rows %(rows)s have no valid e-mail address; nothing was imported.")
                % {"rows": ", ".join(bad_rows[:20])}
            }
        )
    if bad_durations:
        raise ValidationError(
            {
                "file": _("Rows %(rows)s have no duration that can be read; nothing was imported.")
                % {"rows": ", ".join(bad_durations[:20])}
            }
        )
    if not minutes:
        raise ValidationError({"file": _("The file has no e-mail address; nothing was imported.")})
    registered = {
        r.email.casefold(): r.pk
        for r in Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).only(
            "pk", "email"
        )
    }
    # Rounded to the second: 29 min 59.5 s is not 30 minutes, 30 min is.
    long_enough = {a for a, m in minutes.items() if not min_minutes or round(m * 60) >= min_minutes * 60}
    matched = [pk for address, pk in registered.items() if address in long_enough]
    Registration.objects.filter(pk__in=matched).update(attended=True, updated_at=timezone.now())
    return AttendanceImport(
        marked=len(matched),
        unknown=sorted(minutes.keys() - registered.keys()),
        too_short=sorted((minutes.keys() - long_enough) & registered.keys()),
    )


@transaction.atomic
def follow_up_send(*, event: Event, acting, attendees_text: str, no_shows_text: str) -> int:
    """After the event: one text to those who came, another to those who were registered and did
    not. Each registration is written to once (``follow_up_sent_at``); returns how many are owed."""
    ensure(acting, "events.manage", event)
    if not attendees_text.strip() or not no_shows_text.strip():
        raise ValidationError({"text": _("Write both texts: to those who came and to those who missed it.")})
    if timezone.now() < event.starts:
        raise StateConflict(_("The follow-up is sent after the event has started."))
    owed = Registration.objects.filter(
        event=event, status=RegistrationStatus.REGISTERED, follow_up_sent_at__isnull=True
    ).count()
    enqueue_on_commit(tasks.send_follow_up, event.pk, attendees_text, no_shows_text)
    return owed


@transaction.atomic
def event_cancel(*, event: Event, acting) -> Event:
    """Cancel the event: every registration is told (METHOD:CANCEL, a higher SEQUENCE)."""
    ensure(acting, "events.manage", event)
    if event.cancelled:
        return event
    Event.objects.filter(pk=event.pk).update(
        cancelled=True, sequence=F("sequence") + 1, updated_at=timezone.now()
    )
    event.refresh_from_db()
    enqueue_on_commit(tasks.send_event_cancelled, event.pk)
    return event
