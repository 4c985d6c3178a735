"""A group's update to the steering committee and the coordinator, and the committee's comments on it.

An update covers a period (a calendar quarter by default). Its figures are composed from the data while
it is a draft (``queries.update_figures``) and frozen on it when it is submitted (``frozen.py``). The
co-chairs write the narrative and submit it; the committee or the secretariat comment and acknowledge it. The narrative is versioned (``revision`` and
the history) so that two co-chairs writing at once lose no text (core/concurrency.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from convene.core.concurrency import Revisioned
from convene.groups.models import Group


class UpdateStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


# The narrative a co-chair writes, in the order the page and the pack show it.
NARRATIVE_FIELDS = ("achievements", "challenges", "support_needed", "eupdate_items")


class GroupUpdate(Revisioned):
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="updates", verbose_name=_("group")
    )
    period_starts = models.DateField(_("period starts"))
    period_ends = models.DateField(_("period ends"))
    status = models.CharField(
        _("status"), max_length=16, choices=UpdateStatus.choices, default=UpdateStatus.DRAFT
    )
    achievements = models.TextField(_("achievements"), blank=True)
    challenges = models.TextField(_("challenges"), blank=True)
    support_needed = models.TextField(_("support needed from the committee"), blank=True)
    eupdate_items = models.TextField(_("items proposed for the E-Update"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    # The figures as they stood when the update was submitted (``frozen.freeze``): the committee reads
    # what was sent, whatever is recorded later. None while a draft (its figures are read live).
    figures = models.JSONField(_("figures as submitted"), null=True, blank=True, editable=False)
    figures_frozen_at = models.DateTimeField(_("figures frozen"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group update")
        verbose_name_plural = _("group updates")
        ordering = ("-period_starts", "-pk")
        constraints = [
            models.UniqueConstraint(fields=["group", "period_starts"], name="group_update_once_per_period"),
            models.CheckConstraint(
                condition=models.Q(period_ends__gte=models.F("period_starts")),
                name="group_update_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.period_starts:%Y-%m-%d} – {self.period_ends:%Y-%m-%d}"

    @property
    def is_draft(self) -> bool:
        return self.status == UpdateStatus.DRAFT

    @property
    def is_sent(self) -> bool:
        """Submitted (or already acknowledged): the committee reads it."""
        return self.status in (UpdateStatus.SUBMITTED, UpdateStatus.ACKNOWLEDGED)


class UpdateComment(models.Model):
    update = models.ForeignKey(GroupUpdate, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=10_000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment on an update")
        verbose_name_plural = _("comments on updates")
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"{self.update} – {self.author}"


class Digest(models.Model):
    """One person's digest of one period ("daily:2026-12-07", "weekly:2026-12-07" for the week that
    Monday begins), written before it is built and sent: a second run, or a second worker, finds the row
    and sends nothing. ``claimed_at`` is the sending run's lease; ``sent_at`` says it is done (``empty``:
    there was nothing to say, so no e-mail went)."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=24)
    since = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    empty = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "period"], name="digest_once_per_period")]

    def __str__(self) -> str:
        return f"{self.person} – {self.period}"


class UpdateReminder(models.Model):
    """A reminder to a group's co-chairs that its update for a period is overdue: the first when it
    becomes overdue (``week`` 0), then at most one a week (``week`` n, n weeks after the due date)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    period_starts = models.DateField()
    week = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "period_starts", "week"], name="update_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.period_starts} (week {self.week})"
