"""Events of the network: webinars, symposia, conferences, campaign weeks, advocacy days, workshops.

An event is planned in its organiser's named zone and stored in UTC, like a meeting. Its places are
counted from its registrations: a registration holds a place when it is registered, or offered (the
next person of the waiting list has been offered a freed place and has until ``offer_expires_at`` to
take it). Every change to the places is made with the event's row locked (``services``), so two
people can never take the last place together.
"""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from convene.core.regions import Region as WorldRegion
from convene.groups.models import Group


class EventKind(models.TextChoices):
    WEBINAR = "webinar", _("Webinar")
    SYMPOSIUM = "symposium", _("Symposium")
    CONFERENCE = "conference", _("Conference")
    CAMPAIGN_WEEK = "campaign_week", _("Campaign week")
    ADVOCACY_DAY = "advocacy_day", _("Advocacy day")
    WORKSHOP = "workshop", _("Workshop")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone may see it and register with an e-mail address")
    MEMBERS = "members", _("Members of the network only")


# The calendar's regions: the world as the network's partners group it, taken from the one list of
# regions (codes and names) in ``convene.core.regions``.
Region = models.TextChoices(
    "Region",
    [
        (region.name, (region.value, region.label))
        for region in (
            WorldRegion.GLOBAL,
            WorldRegion.AFRICA,
            WorldRegion.AMERICAS,
            WorldRegion.ASIA_PACIFIC,
            WorldRegion.EUROPE,
            WorldRegion.MIDDLE_EAST,
        )
    ],
    module=__name__,
)


def new_uid() -> str:
    return f"{uuid.uuid4()}@convene-events"


class EventQuerySet(models.QuerySet):
    def public(self):
        return self.filter(visibility=Visibility.PUBLIC)

    def live(self):
        return self.filter(cancelled=False)


class Event(models.Model):
    kind = models.CharField(_("type"), max_length=16, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    zone_name = models.CharField(_("time zone"), max_length=64)
    starts = models.DateTimeField(_("starts"))
    ends = models.DateTimeField(_("ends"))
    online_url = models.URLField(_("online link"), blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    region = models.CharField(_("region"), max_length=16, choices=Region.choices, default=Region.GLOBAL)
    host_groups = models.ManyToManyField(
        Group, related_name="events", verbose_name=_("host groups"), blank=True
    )
    partners = models.TextField(_("partner organisations"), blank=True, help_text=_("One a line."))
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: no limit."),
    )
    registration_opens = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes = models.DateTimeField(_("registration closes"), null=True, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser")
    )
    recording_url = models.URLField(_("recording"), blank=True)
    materials = models.TextField(_("materials"), blank=True, help_text=_("Links and notes (Markdown)."))
    certificates = models.BooleanField(_("attendees may download a certificate"), default=False)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    uid = models.CharField(max_length=120, unique=True, default=new_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=models.F("starts")), name="event_ends_after_start")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    @property
    def hours(self) -> float | None:
        """The length in hours, for a person's CPD record; None for an event over several days."""
        seconds = (self.ends - self.starts).total_seconds()
        return round(seconds / 3600, 1) if seconds <= 12 * 3600 else None


class EventTranslation(models.Model):
    """The title and description in another language than the event's own."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "language"], name="event_translation_unique")]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class Session(models.Model):
    """One part of the programme of a multi-session event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    starts = models.DateTimeField(_("starts"))
    ends = models.DateTimeField(_("ends"))
    speakers = models.TextField(_("speakers"), blank=True, help_text=_("One a line."))

    class Meta:
        ordering = ["starts", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def speaker_list(self) -> list[str]:
        return [line.strip() for line in self.speakers.splitlines() if line.strip()]


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Text")
    CHOICE = "choice", _("Choice")
    COUNTRY = "country", _("Country")
    CONSENT = "consent", _("Consent")


class Question(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("kind"), max_length=8, choices=QuestionKind.choices)
    label = models.CharField(_("question"), max_length=300)
    choices = models.TextField(_("choices"), blank=True, help_text=_("One a line (choice questions)."))
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class RegistrationStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Waiting for the e-mail to be confirmed")
    REGISTERED = "registered", _("Registered")
    WAITING = "waiting", _("On the waiting list")
    OFFERED = "offered", _("Offered a place")
    EXPIRED = "expired", _("Offer expired")
    CANCELLED = "cancelled", _("Cancelled")


# A registration in one of these holds a place.
HOLDS_PLACE = (RegistrationStatus.REGISTERED, RegistrationStatus.OFFERED)


class Registration(models.Model):
    """One person's registration: a member (``person``), or anyone with an e-mail address for a public
    event. One row per address and event: cancelling and registering again reuses it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    country = CountryField(_("country"), blank=True)
    remind_week = models.BooleanField(_("remind me a week before"), default=True)
    remind_hour = models.BooleanField(_("remind me an hour before"), default=True)
    # When the person joined the waiting list: the list is served in this order.
    waiting_since = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    # What was sent, so that a task run twice sends nothing twice.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_week_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_hour_at = models.DateTimeField(null=True, blank=True, editable=False)
    follow_up_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the mail of the current offer went out (None: owed; the sweep sends it once).
    offer_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The event's SEQUENCE this person's calendar entry was last e-mailed at: an update is owed when
    # the event's is higher.
    sent_sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "email"], name="registration_once_per_email")]
        indexes = [models.Index(fields=["status", "offer_expires_at"])]

    def __str__(self) -> str:
        return f"{self.name} — {self.event}"

    @property
    def holds_place(self) -> bool:
        return self.status in HOLDS_PLACE
