import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from convene.core.concurrency import Revisioned
from convene.core.i18n import LocalizedNameMixin, pick_translation, validate_name_translations


class UpdateCadence(models.IntegerChoices):
    """How often a group reports to the steering committee, in months (each divides the year)."""

    MONTHLY = 1, _("month")
    QUARTERLY = 3, _("3 months (quarterly)")
    HALF_YEARLY = 6, _("6 months")
    YEARLY = 12, _("12 months")


class GroupKind(LocalizedNameMixin, models.Model):
    """A kind of group (interest group, working group, task force, committee) and its rules.

    Kinds are configuration: the secretariat edits them in the back office.
    """

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    name_translations = models.JSONField(
        _("name in other languages"),
        default=dict,
        blank=True,
        validators=[validate_name_translations],
        help_text=_("The name in each of the site's languages; pages fall back to the name above."),
    )
    cochairs_required = models.PositiveSmallIntegerField(
        _("number of co-chairs"),
        default=2,
        help_text=_("How many co-chairs (or coordinators) a group of this kind has, exactly."),
    )
    lead_title = models.CharField(
        _("title of its leads"),
        max_length=40,
        default="co-chair",
        help_text=_("co-chair, coordinator, formand…"),
    )
    lead_title_translations = models.JSONField(
        _("title of its leads in other languages"),
        default=dict,
        blank=True,
        validators=[validate_name_translations],
    )
    workplan_due_days = models.PositiveSmallIntegerField(_("work plan due (days after launch)"), default=90)
    default_max_size = models.PositiveSmallIntegerField(
        _("default size for workable meetings"), null=True, blank=True
    )
    update_months = models.PositiveSmallIntegerField(
        _("update to the committee every"),
        choices=UpdateCadence.choices,
        default=UpdateCadence.QUARTERLY,
        help_text=_("How often a group of this kind sends its update to the steering committee."),
    )

    class Meta:
        verbose_name = _("kind of group")
        verbose_name_plural = _("kinds of group")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_lead_title(self) -> str:
        return pick_translation(self.lead_title, self.lead_title_translations)


class GroupStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    DECLINED = "declined", _("Declined")
    LAUNCHED = "launched", _("Launched")
    ACTIVE = "active", _("Active")
    CLOSING = "closing", _("Closing")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (GroupStatus.LAUNCHED, GroupStatus.ACTIVE, GroupStatus.CLOSING)
PROPOSAL_STATUSES = (GroupStatus.PROPOSED, GroupStatus.CHANGES_REQUESTED)


class MeetingForm(models.TextChoices):
    VIRTUAL = "virtual", _("Virtual")
    IN_PERSON = "in_person", _("In person")
    HYBRID = "hybrid", _("Hybrid")


class MeetingFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")
    BIMONTHLY = "bimonthly", _("Every two months")
    QUARTERLY = "quarterly", _("Quarterly")
    AS_NEEDED = "as_needed", _("As needed")


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("Open: members join themselves")
    APPROVAL = "approval", _("Approval: co-chairs approve requests")
    INVITATION = "invitation", _("Invitation only")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members of the network")


class GroupQuerySet(models.QuerySet):
    def visible_to(self, person):
        """Groups a person may see: public ones to everyone, the rest to network members.

        Proposals are seen by their proposer, the steering committee and the secretariat.
        """
        from convene.core.rules import is_member, is_secretariat, is_steering_committee

        if is_secretariat(person) or is_steering_committee(person):
            return self
        launched = ~Q(status__in=[*PROPOSAL_STATUSES, GroupStatus.DECLINED])
        if is_member(person):
            return self.filter(launched | Q(proposed_by=person))
        if person is not None and person.is_authenticated:
            return self.filter((launched & Q(visibility=Visibility.PUBLIC)) | Q(proposed_by=person))
        return self.filter(launched, visibility=Visibility.PUBLIC)


# --- The group's address ---------------------------------------------------------------------------
# ``<slug>@MAILING_DOMAIN`` (or ``group+<slug>@`` for a slug that is one of the receiver's own names):
# a member of a group that allows it starts a thread by writing to it (convene/mailing/inbound.py).
# Here, not in tokens: the model names its own address (nothing is signed).
RESERVED_LOCAL_PARTS = frozenset(
    {"bounces", "reply", "group", "postmaster", "abuse", "mailer-daemon", "noreply", "no-reply", "root"}
)


def group_address(slug: str) -> str:
    """The group's address, or "" when no mail domain is set."""
    if not settings.MAILING_DOMAIN:
        return ""
    local = f"group+{slug}" if slug in RESERVED_LOCAL_PARTS else slug
    return f"{local}@{settings.MAILING_DOMAIN}"


def read_group_address(local_part: str) -> str | None:
    """The group slug a local part names (``<slug>`` or ``group+<slug>``), else None. Whether that
    group exists and takes threads by e-mail is for the caller to find out."""
    local = local_part.lower()
    if local.startswith("group+"):
        slug = local[len("group+") :]
    elif "+" in local or local in RESERVED_LOCAL_PARTS:
        return None
    else:
        slug = local
    return slug if re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,159}", slug) else None


class Group(Revisioned):
    """A group of the network. ``revision`` counts the versions of its charter (``charter_update``):
    two co-chairs editing the charter at once never silently overwrite each other (core.concurrency)."""

    kind = models.ForeignKey(
        GroupKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="groups"
    )
    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(max_length=160, unique=True)
    topics = models.ManyToManyField(
        "people.Topic", verbose_name=_("topics"), blank=True, related_name="groups"
    )
    purpose = models.TextField(_("purpose and mandate"))
    why_now = models.TextField(_("why now"), blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=GroupStatus.choices, default=GroupStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_groups",
    )
    suggested_cochairs = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("suggested co-chairs"), blank=True, related_name="+"
    )
    launched_on = models.DateField(_("launched on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    workplan_due_on = models.DateField(_("work plan due"), null=True, blank=True)
    workplan_received_on = models.DateField(_("work plan received"), null=True, blank=True)

    # The charter: agreed by the co-chairs after launch; simple-history keeps every version.
    working_language = models.ForeignKey(
        "people.Language",
        verbose_name=_("working language"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    meeting_frequency = models.CharField(
        _("meets"), max_length=16, choices=MeetingFrequency.choices, blank=True
    )
    meeting_form = models.CharField(_("meeting form"), max_length=16, choices=MeetingForm.choices, blank=True)
    join_policy = models.CharField(
        _("who can join"), max_length=16, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    max_size = models.PositiveSmallIntegerField(
        _("largest size for workable meetings"), null=True, blank=True
    )
    required_sectors = models.JSONField(_("sectors that must be at the table"), default=list, blank=True)
    required_countries = models.JSONField(_("countries that must be at the table"), default=list, blank=True)
    strategic_objectives = models.TextField(_("strategic objectives"), blank=True)
    # Members may start a thread by writing to the group's address (``tokens.group_address``).
    threads_by_email = models.BooleanField(_("members may start threads by e-mail"), default=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GroupQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[topics])

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "name"], name="group_status_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status == GroupStatus.CLOSED

    @property
    def email_address(self) -> str:
        """Where members write to start a thread, when the group allows it ("" without a mail domain)."""
        return group_address(self.slug)

    @property
    def is_proposal(self) -> bool:
        return self.status in PROPOSAL_STATUSES


class Role(models.TextChoices):
    COCHAIR = "cochair", _("Co-chair")
    COORDINATOR = "coordinator", _("Coordinator")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Member")
    REQUESTED = "requested", _("Asked to join")
    INVITED = "invited", _("Invited")
    DECLINED = "declined", _("Request declined")
    LEFT = "left", _("Left")
    REMOVED = "removed", _("Removed")


CURRENT_MEMBERSHIP = (MembershipStatus.ACTIVE, MembershipStatus.REQUESTED, MembershipStatus.INVITED)


class Notify(models.TextChoices):
    EACH_POST = "each", _("An e-mail for each post")
    DAILY = "daily", _("A daily digest")
    WEEKLY = "weekly", _("A weekly digest")
    NONE = "none", _("No e-mail (only on the site)")


class GroupMembership(models.Model):
    """A person's place in a group for a period. Rows are never deleted: leaving ends one,
    re-joining starts another, so the history of who was in the group, and who held which role
    when, stays."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=16, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    joined_on = models.DateField(_("joined"), null=True, blank=True)
    left_on = models.DateField(_("left"), null=True, blank=True)
    role_since = models.DateField(_("in this role since"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    request_note = models.CharField(_("note"), max_length=500, blank=True)
    notify = models.CharField(
        _("e-mail from this group"), max_length=8, choices=Notify.choices, default=Notify.EACH_POST
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        ordering = ["group", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "person"],
                condition=Q(status__in=["active", "requested", "invited"]),
                name="one_current_membership_per_group",
            )
        ]
        indexes = [
            models.Index(fields=["group", "status", "role"], name="membership_group_status"),
            models.Index(fields=["person", "status"], name="membership_person_status"),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.group} ({self.get_role_display()}, {self.get_status_display()})"

    @property
    def is_lead(self) -> bool:
        return self.status == MembershipStatus.ACTIVE and self.role in (Role.COCHAIR, Role.COORDINATOR)


class CochairTerm(models.Model):
    """Who held a group's lead role (co-chair, coordinator) when, and by which decision."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="cochair_terms")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cochair_terms"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    appointed_by = models.ForeignKey(
        "governance.Decision", on_delete=models.PROTECT, related_name="appointments"
    )
    ended_by = models.ForeignKey(
        "governance.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="term_endings"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("co-chair term")
        verbose_name_plural = _("co-chair terms")
        ordering = ["group", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "person"], condition=Q(ends_on__isnull=True), name="one_open_cochair_term"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} co-chair of {self.group} from {self.starts_on}"


class Activity(models.Model):
    """What a participant currently does in the group's topic: who does what, where."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="activities")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_activities"
    )
    what = models.CharField(_("what"), max_length=300)
    country = models.CharField(_("where (country)"), max_length=2, blank=True)
    place = models.CharField(_("where (place)"), max_length=120, blank=True)
    organisation = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("with which organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    since = models.DateField(_("since"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("current activity")
        verbose_name_plural = _("current activities")
        ordering = ["-since", "-pk"]

    def __str__(self) -> str:
        return self.what


class Thread(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(_("title"), max_length=200)
    is_announcement = models.BooleanField(_("announcement"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_post_at = models.DateTimeField(db_index=True)
    post_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        ordering = ["-last_post_at"]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("message"), max_length=20_000)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the author's own edit or deletion. A deleted post stays in the thread as a placeholder
    # with its body emptied; every earlier wording stays in its history, for the co-chairs and the
    # secretariat (moderation), never for the other members.
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.thread}: {self.body[:40]}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Skipped")
    FAILED = "failed", _("Failed")


class PostDelivery(models.Model):
    """One post owed to one person. The row exists before any e-mail is sent (nothing lost by a
    crashed worker); digests collect the pending rows of their period."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="deliveries")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_deliveries"
    )
    mode = models.CharField(max_length=8, choices=Notify.choices)
    status = models.CharField(max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    read_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "person"], name="one_delivery_per_post_person")
        ]
        indexes = [
            models.Index(fields=["status", "mode"], name="delivery_status_mode"),
            models.Index(fields=["person", "read_at"], name="delivery_person_read"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id} → {self.person_id} ({self.status})"


class ReminderKind(models.TextChoices):
    WORKPLAN_DUE = "workplan_due", _("Work plan due soon")
    WORKPLAN_OVERDUE = "workplan_overdue", _("Work plan overdue")


class Reminder(models.Model):
    """A reminder that was sent, so that a schedule run twice sends it once."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=24, choices=ReminderKind.choices)
    days_before = models.SmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "kind", "days_before"], name="one_reminder_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.kind} ({self.days_before})"
