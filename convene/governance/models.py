from django.conf import settings
from django.core.exceptions import ValidationError
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


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    DECLINED = "declined", _("Declined")
    NOTED = "noted", _("Noted")


class DecisionEffect(models.TextChoices):
    GROUP_LAUNCHED = "group_launched", _("Group launched")
    GROUP_CHANGES_REQUESTED = "group_changes_requested", _("Changes asked for a proposed group")
    GROUP_DECLINED = "group_declined", _("Proposed group declined")
    COCHAIRS_APPOINTED = "cochairs_appointed", _("Co-chairs appointed")
    GROUP_CLOSED = "group_closed", _("Group closed")
    WORKPLAN_SUBMITTED = "workplan_submitted", _("Work plan submitted")
    WORKPLAN_APPROVED = "workplan_approved", _("Work plan approved")
    WORKPLAN_RETURNED = "workplan_returned", _("Work plan returned with comments")
    OTHER = "other", _("Other")


class Decision(models.Model):
    """An entry in the decision log: what the steering committee decided, when, and with what effect.

    When the secretariat records a decision on the committee's behalf, ``on_behalf`` says so. The
    decisions the system records have a structured title, shown in the reader's language
    (governance/decisions.py); ``title`` is the text of one typed by hand or recorded before.
    """

    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("Only for a decision without a title kind.")
    )
    title_kind = models.CharField(_("kind of title"), max_length=40, blank=True, editable=False)
    title_params = models.JSONField(_("names in the title"), default=dict, blank=True, editable=False)
    text = models.TextField(_("text of the decision"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=24, choices=DecisionOutcome.choices)
    effect = models.CharField(_("effect"), max_length=32, choices=DecisionEffect.choices)
    decided_on = models.DateField(_("decided on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recorded_decisions"
    )
    on_behalf = models.BooleanField(_("recorded by the secretariat on the committee's behalf"), default=False)
    group = models.ForeignKey(
        "groups.Group", on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.decided_on}: {self.localized_title}"

    def clean(self) -> None:
        if not self.title_kind and not self.title.strip():
            raise ValidationError({"title": _("Give the decision a title.")})

    @property
    def localized_title(self) -> str:
        from .decisions import decision_title

        return decision_title(self)
