"""The E-Update's editorial side: contributions from members and groups, and the issues compiled
from them (texts per language, ordered items, data blocks), up to "approved for sending".

Sending is another app's (mailing): it reads ``rendering.render_edition`` and calls
``services.issue_mark_sent`` once an issue has gone out.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from convene.groups.models import Group


class ContributionKind(models.TextChoices):
    NEWS = "news", _("News")
    BLOG_POST = "blog_post", _("Blog post")
    RESOURCE = "resource", _("Resource announcement")
    EVENT = "event", _("Event announcement")
    CALL = "call", _("Call for participation")


class ContributionState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    ACCEPTED = "accepted", _("Accepted")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The states in which the editors still have something to do (the queue's default).
OPEN_STATES = (ContributionState.SUBMITTED, ContributionState.CHANGES_REQUESTED, ContributionState.ACCEPTED)
# The states in which the author may still change the text.
REVISABLE_STATES = (ContributionState.SUBMITTED, ContributionState.CHANGES_REQUESTED)


def image_path(instance, filename: str) -> str:
    return f"comms/contributions/{filename}"


class Contribution(models.Model):
    """What a member (or a group, through its co-chairs) offers the E-Update."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="eupdate_contributions",
        verbose_name=_("author"),
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="eupdate_contributions",
        verbose_name=_("on behalf of the group"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ContributionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown: *emphasis*, **bold**, [links](https://…)."))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    image = models.FileField(_("image"), upload_to=image_path, blank=True)
    links = models.TextField(_("links"), blank=True, help_text=_("One address per line."))
    state = models.CharField(
        _("state"), max_length=20, choices=ContributionState.choices, default=ContributionState.SUBMITTED
    )
    # The group update it came from, when a co-chair proposed the update's E-Update items.
    from_update = models.ForeignKey(
        "reports.GroupUpdate", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ("-submitted_at", "-pk")
        indexes = [models.Index(fields=["state", "submitted_at"], name="contribution_state")]

    def __str__(self) -> str:
        return self.title

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]

    @property
    def is_revisable(self) -> bool:
        return self.state in REVISABLE_STATES


class ContributionComment(models.Model):
    """A word between the editor and the author; a step (changes requested, accepted…) is one too,
    with the state it reached. ``mailed_at`` says the author was told (the task's mark)."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("comment"), blank=True)
    state = models.CharField(max_length=20, choices=ContributionState.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"{self.contribution_id}: {self.state or 'comment'}"


class ContributionTranslation(models.Model):
    """A contribution's title and text in another language than its own, written by its author, a
    co-chair of its group or an editor: the edition in that language shows it instead of the original."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    translated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("translation of a contribution")
        verbose_name_plural = _("translations of contributions")
        ordering = ("language",)
        constraints = [
            models.UniqueConstraint(fields=["contribution", "language"], name="contribution_translation_once")
        ]

    def __str__(self) -> str:
        return f"{self.contribution_id} ({self.language})"


class IssueStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved for sending")
    SENT = "sent", _("Sent")


class IssueVisibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members only")


class Issue(models.Model):
    """One E-Update: a number, a date, its languages (the default first to fall back on)."""

    number = models.PositiveIntegerField(_("number"), unique=True)
    date = models.DateField(_("date"))
    languages = models.JSONField(_("languages"), default=list)
    default_language = models.CharField(_("default language"), max_length=10, choices=settings.LANGUAGES)
    visibility = models.CharField(
        _("archive"), max_length=8, choices=IssueVisibility.choices, default=IssueVisibility.PUBLIC
    )
    # A year-in-review issue: its figures are computed for this year.
    review_year = models.PositiveSmallIntegerField(_("year in review"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=IssueStatus.choices, default=IssueStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    compiled_at = models.DateTimeField(_("data compiled"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The bulk mailing that sends it (prepared once approved; starting it marks the issue sent).
    mailing = models.OneToOneField(
        "mailing.Mailing",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="eupdate_issue",
        verbose_name=_("mailing"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("E-Update issue")
        verbose_name_plural = _("E-Update issues")
        ordering = ("-number",)
        permissions = [
            ("edit_issues", _("Can compose E-Update issues")),
            ("approve_for_sending", _("Can approve an E-Update issue for sending")),
        ]

    def __str__(self) -> str:
        return f"E-Update {self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == IssueStatus.DRAFT


class IssueText(models.Model):
    """An issue's subject and editorial in one of its languages."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(_("subject"), max_length=200, blank=True)
    editorial = models.TextField(_("editorial"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issue", "language"], name="issue_text_once")]

    def __str__(self) -> str:
        return f"{self.issue} ({self.language})"


class IssueItem(models.Model):
    """An accepted contribution placed in an issue, in order (a contribution is in one issue)."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="items")
    contribution = models.OneToOneField(Contribution, on_delete=models.CASCADE, related_name="issue_item")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return f"{self.issue}: {self.contribution_id}"


class BlockKind(models.TextChoices):
    UPCOMING_MEETINGS = "upcoming_meetings", _("Upcoming meetings")
    GROUPS_LAUNCHED = "groups_launched", _("Groups launched recently")
    HELP_WANTED = "help_wanted", _("Help wanted")
    NETWORK_FIGURES = "network_figures", _("The network in figures")
    UPCOMING_EVENTS = "upcoming_events", _("Upcoming events")
    NEW_RESOURCES = "new_resources", _("New in the library")
    YEAR_IN_REVIEW = "year_in_review", _("The year in review")


class IssueBlock(models.Model):
    """A block filled from the network's data when the issue is compiled (``data``: the snapshot, so
    that a sent issue keeps the figures it was sent with)."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="blocks")
    kind = models.CharField(_("block"), max_length=20, choices=BlockKind.choices)
    position = models.PositiveIntegerField(default=0)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("position", "pk")
        constraints = [models.UniqueConstraint(fields=["issue", "kind"], name="issue_block_once")]

    def __str__(self) -> str:
        return f"{self.issue}: {self.kind}"


class IssueEventKind(models.TextChoices):
    APPROVED = "approved", _("Approved for sending")
    REOPENED = "reopened", _("Reopened for editing")
    SENT = "sent", _("Sent")


class IssueEvent(models.Model):
    """A step in an issue's life (approved, reopened, sent): who took it, when, and why."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=IssueEventKind.choices)
    acting = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"{self.issue}: {self.kind}"
