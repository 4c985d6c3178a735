"""Bulk mail: who wants which list, the mailings, one delivery row per recipient, and the addresses
that must not be written to any more (bounces, complaints)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class BulkList(models.TextChoices):
    """The lists a member may opt out of. Members are in unless they said otherwise."""

    EUPDATE = "eupdate", _("The E-Update")
    ANNOUNCEMENTS = "announcements", _("Announcements from the secretariat")


class ListChoice(models.Model):
    """A member's choice about one list. No row: subscribed (members get the E-Update by default)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="list_choices"
    )
    list = models.CharField(_("list"), max_length=16, choices=BulkList.choices)
    subscribed = models.BooleanField(_("subscribed"), default=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("list choice")
        verbose_name_plural = _("list choices")
        constraints = [models.UniqueConstraint(fields=["person", "list"], name="one_choice_per_person_list")]
        indexes = [models.Index(fields=["list", "subscribed", "person"], name="listchoice_list_sub")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.list} {self.subscribed}"


class MailingState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENDING = "sending", _("Sending")
    PAUSED = "paused", _("Paused")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Mailing(models.Model):
    """One message sent to many: the rendered edition per language and the segment it goes to.

    ``editions``: {language: {"subject": …, "html": …, "text": …}}. A recipient gets their language's
    edition, else ``default_language``'s. ``lease_until`` is held by the worker that sends it; a worker
    found dead (the lease run out) is replaced by the periodic sweep."""

    purpose = models.CharField(_("list"), max_length=16, choices=BulkList.choices)
    title = models.CharField(_("title"), max_length=200)
    segment = models.JSONField(_("segment"), default=dict, blank=True)
    editions = models.JSONField(default=dict)
    default_language = models.CharField(_("default language"), max_length=10)
    state = models.CharField(
        _("state"), max_length=8, choices=MailingState.choices, default=MailingState.DRAFT
    )
    source_label = models.CharField(max_length=200, blank=True)
    source_url = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def edition_for(self, language: str) -> dict:
        return self.editions.get(language) or self.editions[self.default_language]


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    BOUNCED = "bounced", _("Bounced")
    SKIPPED = "skipped", _("Skipped")


class Delivery(models.Model):
    """One mailing owed to one person: written for every recipient before the first mail leaves, and
    marked sent right after its SMTP send (a crash loses nobody; at most the message in flight goes
    twice)."""

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=10, blank=True)
    state = models.CharField(max_length=8, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["mailing", "person"], name="one_delivery_per_mailing")]
        indexes = [models.Index(fields=["mailing", "state", "id"], name="mailing_delivery_state")]

    def __str__(self) -> str:
        return f"{self.mailing_id} → {self.person_id}: {self.state}"


class SuppressionReason(models.TextChoices):
    HARD_BOUNCE = "hard_bounce", _("The address does not exist (hard bounce)")
    SOFT_BOUNCES = "soft_bounces", _("Repeated temporary failures (soft bounces)")
    COMPLAINT = "complaint", _("Marked as spam by the recipient")
    MANUAL = "manual", _("Suppressed by the secretariat")


class SuppressionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(lifted_at__isnull=True)


class Suppression(models.Model):
    """An address no bulk mail goes to, with why; lifting it keeps the row (who lifted it, when)."""

    email = models.EmailField(_("e-mail address"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=SuppressionReason.choices)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("suppressed"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = SuppressionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=models.Q(lifted_at__isnull=True), name="one_active_suppression"
            )
        ]

    def __str__(self) -> str:
        return self.email


class BounceScore(models.Model):
    """Mailman's bounce score of an address: each day with a soft bounce adds one; a score whose last
    bounce is older than MAILING_BOUNCE_STALE_DAYS starts again from zero; reaching
    MAILING_BOUNCE_THRESHOLD suppresses the address."""

    email = models.EmailField(unique=True)
    score = models.FloatField(default=0)
    last_bounce_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.email}: {self.score}"


class InboundKind(models.TextChoices):
    BOUNCE = "bounce", _("Bounce")
    COMPLAINT = "complaint", _("Complaint")
    REPLY = "reply", _("Reply")
    THREAD = "thread", _("New thread")
    REFUSED = "refused", _("Refused")


class InboundMessage(models.Model):
    """What the receiver did with one message handed to it: the trail for the secretariat."""

    kind = models.CharField(max_length=10, choices=InboundKind.choices)
    recipient = models.CharField(max_length=320)
    sender = models.CharField(max_length=320, blank=True)
    email = models.CharField(_("address concerned"), max_length=320, blank=True)
    status = models.CharField(max_length=16, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.email}"
