"""Advocacy: the network's common narrative and the plans members and groups build from it.

The **common narrative** is a set of items (facts, key messages, stories, calls to action) the
secretariat curates: each is written in one language, may carry translations (BCP 47 tags), is tagged
by the audiences it speaks to and a topic, and moves draft → in review → approved → retired (a retired
item stays, saying what replaced it). An **advocacy plan** is built worksheet by worksheet (PATH's
workbook, CARE/Oxfam templates): context, goal and objectives, target audiences on ODI's alignment ×
interest × influence grid, messages that each start from an approved narrative item (the link is kept,
so retiring an item flags the plans that use it), people, channels, actions, risks and monitoring.
Message tests (PIRC) and evidence along Coffman's chain (informed, persuaded, acted) hang off a plan.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from convene.core.concurrency import Revisioned
from convene.groups.models import Group


class ItemKind(models.TextChoices):
    FACT = "fact", _("Fact")
    KEY_MESSAGE = "key_message", _("Key message")
    STORY = "story", _("Story")
    CALL_TO_ACTION = "call_to_action", _("Call to action")


class ItemState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    RETIRED = "retired", _("Retired")


class AudienceType(models.TextChoices):
    MINISTER = "minister", _("Minister")
    PARLIAMENTARIAN = "parliamentarian", _("Parliamentarian")
    FINANCE_MINISTRY = "finance_ministry", _("Finance ministry")
    CIVIL_SERVANT = "civil_servant", _("Civil servant")
    DONOR = "donor", _("Donor")
    MEDIA = "media", _("Media")
    COMMUNITY_LEADER = "community_leader", _("Community leader")
    PROFESSIONAL_BODY = "professional_body", _("Professional body")
    OTHER = "other", _("Other")


class NarrativeItemQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(state=ItemState.APPROVED)

    def published(self):
        """What members browse: approved items, and retired ones (shown as such)."""
        return self.filter(state__in=(ItemState.APPROVED, ItemState.RETIRED))


class NarrativeItem(Revisioned):
    """One fact, key message, story or call to action of the common narrative, in its first language."""

    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices, default=ItemKind.FACT)
    state = models.CharField(_("state"), max_length=12, choices=ItemState.choices, default=ItemState.DRAFT)
    language = models.CharField(_("language"), max_length=35, default="en", help_text=_("A BCP 47 tag."))
    title = models.CharField(_("title"), max_length=200)
    statement = models.TextField(_("statement"))
    figure = models.CharField(_("figure"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    source_url = models.URLField(_("source link"), blank=True)
    source_year = models.PositiveSmallIntegerField(
        _("year of the source"), null=True, blank=True, validators=[MinValueValidator(1900)]
    )
    # Blank: the item holds for the whole world.
    country = CountryField(_("country"), blank=True)
    topic = models.CharField(_("topic"), max_length=100, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = NarrativeItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("narrative item")
        verbose_name_plural = _("narrative items")
        ordering = ["kind", "title"]
        indexes = [models.Index(fields=["state", "kind"], name="narrative_state_kind")]

    def __str__(self) -> str:
        return self.title


class NarrativeAudience(models.Model):
    """An audience type an item speaks to (one row per tag, so that the library can filter by it)."""

    item = models.ForeignKey(NarrativeItem, on_delete=models.CASCADE, related_name="audience_tags")
    audience = models.CharField(_("audience"), max_length=24, choices=AudienceType.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "audience"], name="narrative_audience_once")]

    def __str__(self) -> str:
        return self.get_audience_display()


class NarrativeTranslation(models.Model):
    """An item in another language; members see it once the secretariat approved it."""

    item = models.ForeignKey(NarrativeItem, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=35, help_text=_("A BCP 47 tag."))
    title = models.CharField(_("title"), max_length=200)
    statement = models.TextField(_("statement"))
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("translation of a narrative item")
        verbose_name_plural = _("translations of narrative items")
        constraints = [
            models.UniqueConstraint(fields=["item", "language"], name="narrative_translation_once")
        ]

    def __str__(self) -> str:
        return f"{self.item} ({self.language})"


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Private (only you)")
    GROUP = "group", _("Shared with a group")
    PUBLISHED = "published", _("Published to the network")


class Stage(models.TextChoices):
    PLANNING = "planning", _("Planning")
    UNDER_WAY = "under_way", _("Under way")
    REVIEWING = "reviewing", _("Reviewing results")
    COMPLETED = "completed", _("Completed")


class PlanQuerySet(models.QuerySet):
    def not_private(self):
        return self.exclude(visibility=Visibility.PRIVATE)


class AdvocacyPlan(Revisioned):
    """A context-specific advocacy plan, built worksheet by worksheet (each saved on its own)."""

    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advocacy_plans",
        verbose_name=_("group"),
    )
    visibility = models.CharField(
        _("who sees it"), max_length=12, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.PLANNING)
    language = models.CharField(_("language of the plan"), max_length=35, default="en")
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("copied from"),
    )
    # Context
    country = CountryField(_("country"), blank=True)
    region = models.CharField(_("region or place"), max_length=200, blank=True)
    issue = models.TextField(_("issue"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    policy_window = models.TextField(_("policy window"), blank=True)
    key_dates = models.TextField(_("key dates"), blank=True)
    # Goal and objectives
    goal_change = models.TextField(_("what change"), blank=True)
    goal_institution = models.CharField(_("which institution"), max_length=300, blank=True)
    goal_by = models.DateField(_("by when"), null=True, blank=True)
    objectives = models.TextField(_("SMART objectives"), blank=True, help_text=_("One a line."))
    # People
    messengers = models.TextField(_("messengers"), blank=True)
    allies = models.TextField(_("allies"), blank=True)
    partners = models.TextField(_("partners"), blank=True)
    opponents = models.TextField(_("opponents"), blank=True)
    # Channels and materials. Materials in the library are linked (``PlanResource``); this text holds
    # the others (titles or links of things the library does not have).
    channels = models.TextField(_("channels"), blank=True)
    materials = models.TextField(_("materials"), blank=True, help_text=_("Titles or links, one a line."))
    risks = models.TextField(_("risks and how to handle them"), blank=True)
    monitoring = models.TextField(_("monitoring plan"), blank=True)
    worksheets_done = models.JSONField(_("worksheets saved"), default=list, blank=True)
    # Set when a narrative item one of its messages starts from is retired.
    flagged_at = models.DateTimeField(_("flagged for review"), null=True, blank=True)
    flag_reason = models.TextField(_("why it is flagged"), blank=True)
    # The revision at which each of the plan's own fields was last changed ({field: revision}): a
    # worksheet saved from an older revision is a conflict only when one of its fields changed since.
    # (No history rows to merge from, see below.)
    field_revisions = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # No history here: the audit trail is the secretariat's to read, and a private plan is its owner's.

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("advocacy plan")
        verbose_name_plural = _("advocacy plans")
        indexes = [models.Index(fields=["visibility", "country"], name="advocacy_plan_vis_country")]

    def __str__(self) -> str:
        return self.title


class Approach(models.TextChoices):
    PARTNER = "partner", _("Partner")
    INFORM = "inform", _("Inform")
    PERSUADE = "persuade", _("Persuade")
    CHALLENGE = "challenge", _("Challenge")


SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class TargetAudience(models.Model):
    """A decision maker or influencer: what they know, believe and should do, and where they stand."""

    plan = models.ForeignKey(AdvocacyPlan, on_delete=models.CASCADE, related_name="audiences")
    name = models.CharField(_("who"), max_length=200)
    kind = models.CharField(_("audience type"), max_length=24, choices=AudienceType.choices)
    knows = models.TextField(_("what they know"), blank=True)
    believes = models.TextField(_("what they believe"), blank=True)
    should_do = models.TextField(_("what they should do"), blank=True)
    alignment = models.PositiveSmallIntegerField(
        _("alignment (1 opposed – 5 aligned)"), validators=SCORE, default=3
    )
    interest = models.PositiveSmallIntegerField(_("interest (1 low – 5 high)"), validators=SCORE, default=3)
    influence = models.PositiveSmallIntegerField(_("influence (1 low – 5 high)"), validators=SCORE, default=3)

    class Meta:
        verbose_name = _("target audience")
        verbose_name_plural = _("target audiences")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def approach(self) -> str:
        """ODI's alignment–interest–influence matrix: the quadrant suggests how to work with them."""
        aligned, interested = self.alignment >= 3, self.interest >= 3
        if aligned:
            return Approach.PARTNER if interested else Approach.INFORM
        return Approach.CHALLENGE if interested else Approach.PERSUADE

    def get_approach_display(self) -> str:
        return str(Approach(self.approach).label)


class PlanMessage(Revisioned):
    """A message for one audience in one language, adapted from an approved narrative item (the
    ``revision`` catches two people editing it at once)."""

    plan = models.ForeignKey(AdvocacyPlan, on_delete=models.CASCADE, related_name="messages")
    audience = models.ForeignKey(
        TargetAudience,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("audience"),
    )
    source = models.ForeignKey(
        NarrativeItem, on_delete=models.PROTECT, related_name="plan_messages", verbose_name=_("starts from")
    )
    language = models.CharField(_("language"), max_length=35, default="en")
    text = models.TextField(_("message as adapted"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:60]


class PlanAction(Revisioned):
    """One line of the action plan, tied to an event of the network's calendar or to a bare link.

    The event is SET_NULL: an action outlives its event's deletion (it keeps its own date, which is the
    event's when the action was tied to it); a cancelled event stays linked and shows as cancelled."""

    plan = models.ForeignKey(AdvocacyPlan, on_delete=models.CASCADE, related_name="actions")
    what = models.CharField(_("what"), max_length=300)
    who = models.CharField(_("who"), max_length=200, blank=True)
    when = models.DateField(_("when"), null=True, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=2, null=True, blank=True)
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("event in the network's calendar"),
    )
    event_url = models.URLField(_("event (link)"), blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["when", "pk"]

    def __str__(self) -> str:
        return self.what


class PlanResource(models.Model):
    """A resource of the library among a plan's materials. A link says nothing about who sees the plan
    (the library's own rule still decides who sees the resource), and no page of the library lists the
    plans that link a resource."""

    plan = models.ForeignKey(AdvocacyPlan, on_delete=models.CASCADE, related_name="resource_links")
    resource = models.ForeignKey(
        "library.Resource", on_delete=models.CASCADE, related_name="+", verbose_name=_("resource")
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("material from the library")
        verbose_name_plural = _("materials from the library")
        ordering = ["added_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "resource"], name="plan_resource_once")]

    def __str__(self) -> str:
        return str(self.resource_id)


class TestingMethod(models.TextChoices):
    INTERVIEW = "interview", _("Interviews")
    SURVEY = "survey", _("Survey")
    FOCUS_GROUP = "focus_group", _("Focus group")
    OTHER = "other", _("Other")


class MessageTest(models.Model):
    """Comparable versions of a message tried with an audience, and what was decided."""

    plan = models.ForeignKey(AdvocacyPlan, on_delete=models.CASCADE, related_name="message_tests")
    audience = models.ForeignKey(
        TargetAudience, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.ForeignKey(
        PlanMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hypothesis = models.TextField(_("hypothesis"))
    method = models.CharField(_("method"), max_length=16, choices=TestingMethod.choices)
    sample = models.CharField(_("sample"), max_length=300, blank=True)
    decision = models.TextField(_("decision"), blank=True)
    winner = models.ForeignKey(
        "MessageVariant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("winner"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message test")
        verbose_name_plural = _("message tests")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.hypothesis[:60]


class MessageVariant(models.Model):
    test = models.ForeignKey(MessageTest, on_delete=models.CASCADE, related_name="variants")
    text = models.TextField(_("version"))
    result = models.TextField(_("result"), blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:60]


class SuggestionStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the secretariat")
    ACCEPTED = "accepted", _("Taken into the narrative")
    DECLINED = "declined", _("Declined")


class NarrativeSuggestion(models.Model):
    """A tested wording proposed back to the common narrative; the secretariat reviews it."""

    variant = models.ForeignKey(MessageVariant, on_delete=models.CASCADE, related_name="suggestions")
    item = models.ForeignKey(
        NarrativeItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="suggestions"
    )
    text = models.TextField(_("suggested wording"))
    language = models.CharField(_("language"), max_length=35, default="en")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN)
    created_item = models.ForeignKey(
        NarrativeItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class Step(models.TextChoices):
    """Coffman's chain of advocacy outcomes."""

    INFORMED = "informed", _("Informed")
    PERSUADED = "persuaded", _("Persuaded")
    ACTED = "acted", _("Acted")


class Evidence(models.Model):
    """Evidence of progress: a meeting held, a statement of support, a budget line changed…"""

    plan = models.ForeignKey(AdvocacyPlan, on_delete=models.CASCADE, related_name="evidence_items")
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    what = models.CharField(_("what happened"), max_length=300)
    happened_on = models.DateField(_("date"))
    link = models.URLField(_("document or link"), blank=True)
    document = models.CharField(_("document"), max_length=300, blank=True)
    audience = models.ForeignKey(
        TargetAudience,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("audience"),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence of progress")
        verbose_name_plural = _("evidence of progress")
        ordering = ["happened_on", "pk"]

    def __str__(self) -> str:
        return self.what


# The worksheets of a plan, in order: (slug, title, the plan's fields it edits). A worksheet without
# fields holds rows of its own (audiences, messages, actions).
WORKSHEETS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("context", _("Context"), ("country", "region", "issue", "evidence", "policy_window", "key_dates")),
    ("goal", _("Goal and objectives"), ("goal_change", "goal_institution", "goal_by", "objectives")),
    ("audiences", _("Target audiences"), ()),
    ("messages", _("Messages"), ()),
    (
        "people",
        _("Messengers, allies, partners and opponents"),
        ("messengers", "allies", "partners", "opponents"),
    ),
    ("channels", _("Channels and materials"), ("channels", "materials")),
    ("actions", _("Action plan"), ()),
    ("risks", _("Risks"), ("risks",)),
    ("monitoring", _("Monitoring plan"), ("monitoring",)),
)
WORKSHEET_FIELDS = {slug: fields for slug, _title, fields in WORKSHEETS}


# --- Ambassadors ---------------------------------------------------------------------------------
# The secretariat runs cohorts: a call for applications, review, selection (a decision in the
# governance log, which gives the ambassador a governance ``Term``), orientation and training events,
# and a short quarterly report per quarter of the term. The term's dates live on the ``Term``; a term
# is over when its end date has passed (alumni), with no job to run.


class Cohort(models.Model):
    """A cohort of ambassadors and its call for applications."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    deadline = models.DateField(_("applications close"))
    is_open = models.BooleanField(_("open for applications"), default=True)
    term_starts = models.DateField(_("terms start"))
    term_years = models.PositiveSmallIntegerField(
        _("length of a term (years)"), default=2, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    events = models.ManyToManyField(
        "events.Event", blank=True, related_name="+", verbose_name=_("orientation and training")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cohort of ambassadors")
        verbose_name_plural = _("cohorts of ambassadors")
        ordering = ["-term_starts", "-pk"]

    def __str__(self) -> str:
        return self.title

    def accepts_on(self, day) -> bool:
        return self.is_open and day <= self.deadline


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SELECTED = "selected", _("Selected")
    NOT_SELECTED = "not_selected", _("Not selected")


class Application(models.Model):
    """One person's application to a cohort (one per person and cohort, editable until the deadline)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="applications")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    country = CountryField(_("country"))
    motivation = models.TextField(_("why you want to be an ambassador"))
    experience = models.TextField(_("your advocacy experience"), blank=True)
    languages = models.CharField(_("languages you work in"), max_length=200, blank=True)
    referee = models.CharField(_("referee (name and e-mail)"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=14, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    # The secretariat's review.
    score = models.PositiveSmallIntegerField(_("score (1–5)"), null=True, blank=True, validators=SCORE)
    notes = models.TextField(_("review notes"), blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["cohort", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "person"], name="ambassador_application_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.cohort}"


class Ambassador(models.Model):
    """A selected applicant: their term (governance), the decision, their advocacy plan, their reports."""

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="ambassadors")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    country = CountryField(_("country"), blank=True)
    term = models.OneToOneField(
        "governance.Term", on_delete=models.CASCADE, related_name="ambassadorship", verbose_name=_("term")
    )
    application = models.OneToOneField(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="ambassador"
    )
    decision = models.ForeignKey(
        "governance.Decision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    plan = models.ForeignKey(
        AdvocacyPlan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("advocacy plan"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ambassador")
        verbose_name_plural = _("ambassadors")
        ordering = ["country", "pk"]
        constraints = [models.UniqueConstraint(fields=["cohort", "person"], name="ambassador_once")]

    def __str__(self) -> str:
        return f"{self.person} ({self.cohort})"


class QuarterlyReport(models.Model):
    """An ambassador's short report for one quarter of their term (1 = the term's first three months)."""

    ambassador = models.ForeignKey(Ambassador, on_delete=models.CASCADE, related_name="reports")
    quarter = models.PositiveSmallIntegerField(_("quarter of the term"), validators=[MinValueValidator(1)])
    did = models.TextField(_("what you did"))
    with_whom = models.TextField(_("with whom"), blank=True)
    results = models.TextField(_("results"), blank=True)
    support_needed = models.TextField(_("support needed"), blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quarterly report")
        verbose_name_plural = _("quarterly reports")
        ordering = ["ambassador", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["ambassador", "quarter"], name="ambassador_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.ambassador} Q{self.quarter}"


class ReportReminder(models.Model):
    """A reminder that a quarterly report is due: one row per ambassador and quarter, so it goes once."""

    ambassador = models.ForeignKey(Ambassador, on_delete=models.CASCADE, related_name="+")
    quarter = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ambassador", "quarter"], name="ambassador_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.ambassador} Q{self.quarter}"
