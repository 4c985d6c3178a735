"""The data call for the yearly State of the Workforce report: the secretariat asks each country for
a list of figures (the call's fields), members (or the focal points it names) submit answers, several
per country, and the secretariat reconciles them into one record per country whose validated values
are locked."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class FieldKind(models.TextChoices):
    NUMBER = "number", _("Number")
    TEXT = "text", _("Text")
    YES_NO = "yes_no", _("Yes or no")


class Answerers(models.TextChoices):
    MEMBERS = "members", _("Members of the country and its focal points")
    FOCAL_POINTS = "focal_points", _("Only the country's focal points")


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class DataCall(models.Model):
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year of the report"))
    description = models.TextField(_("description"), blank=True, max_length=10_000)
    # [{"key": "sw_government", "label": "Social workers, government", "kind": "number"}, …]
    fields = models.JSONField(_("fields"), default=list)
    answerers = models.CharField(
        _("who may answer"), max_length=16, choices=Answerers.choices, default=Answerers.MEMBERS
    )
    deadline = models.DateField(_("deadline"))
    # The deadline is the end of its day in this zone (IANA name): the call closes by itself then.
    zone_name = models.CharField(_("time zone of the deadline"), max_length=64, default="UTC")
    status = models.CharField(_("status"), max_length=8, choices=CallStatus.choices, default=CallStatus.DRAFT)
    # Days before the deadline when the countries that have not answered are reminded.
    reminder_days = models.JSONField(_("reminders (days before the deadline)"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("data call")
        verbose_name_plural = _("data calls")
        ordering = ["-year", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def keys(self) -> list[str]:
        return [f["key"] for f in self.fields]


class FocalPoint(models.Model):
    """A person the secretariat names to answer a call for a country."""

    call = models.ForeignKey(DataCall, on_delete=models.CASCADE, related_name="focal_points")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    country = CountryField(_("country"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "person", "country"], name="focalpoint_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.country}"


class Submission(models.Model):
    """One person's answer for one country; a person answering again replaces their own answer."""

    call = models.ForeignKey(DataCall, on_delete=models.CASCADE, related_name="submissions")
    country = CountryField(_("country"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    values = models.JSONField(default=dict)
    note = models.TextField(_("note"), blank=True, max_length=5000)
    submitted_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["call_id", "country", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "country", "person"],
                name="submission_one_per_person",
                condition=models.Q(person__isnull=False),
            )
        ]
        indexes = [models.Index(fields=["call", "country"], name="submission_call_country")]

    def __str__(self) -> str:
        return f"{self.call_id} {self.country} {self.person_id}"


class CountryRecord(models.Model):
    """The secretariat's reconciled values for one country; ``locked`` lists the validated fields,
    which no later reconciliation changes."""

    call = models.ForeignKey(DataCall, on_delete=models.CASCADE, related_name="records")
    country = CountryField(_("country"))
    values = models.JSONField(default=dict)
    locked = models.JSONField(default=list)
    comment = models.TextField(_("comment"), blank=True, max_length=5000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["call_id", "country"]
        constraints = [models.UniqueConstraint(fields=["call", "country"], name="countryrecord_unique")]

    def __str__(self) -> str:
        return f"{self.call_id} {self.country}"


class CallReminder(models.Model):
    """A reminder of a call that went out (``days_before`` the deadline): the row is written with the
    mails' enqueuing, so that the daily sweep sends each reminder once."""

    call = models.ForeignKey(DataCall, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["call", "days_before"], name="callreminder_unique")]

    def __str__(self) -> str:
        return f"{self.call_id} -{self.days_before}"
