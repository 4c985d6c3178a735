from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Body(models.TextChoices):
    SECRETARIAT = "secretariat", _("Secretariat")
    STEERING_COMMITTEE = "steering_committee", _("Steering committee")
    AMBASSADOR = "ambassador", _("Ambassador")


class TermQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))


class Term(models.Model):
    """A person's seat on a body of the network for a period: who held which role when."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="terms")
    body = models.CharField(_("role"), max_length=32, choices=Body.choices)
    title = models.CharField(
        _("title"), max_length=120, blank=True, help_text=_("For example: chair, coordinator.")
    )
    cohort = models.CharField(_("cohort"), max_length=40, blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TermQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["body", "-starts_on"]
        indexes = [models.Index(fields=["person", "body"], name="term_person_body")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="term_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_body_display()}: {self.person} ({self.starts_on}–{self.ends_on or '…'})"

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.starts_on <= today and (self.ends_on is None or self.ends_on >= today)
