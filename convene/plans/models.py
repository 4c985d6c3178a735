"""A group's work plan: top issues, objectives, deliverables and their tasks, budget, human resources.

The plan moves draft → submitted → approved, or returned with comments by the steering committee
(each step a decision in the log). An approved plan can be revised: it goes back to draft, and every
submitted and approved version is kept as a ``PlanVersion`` snapshot that can be compared.

Records two co-chairs may edit at once carry a ``revision`` (``core.concurrency``); every record that a
decision or a report rests on keeps its history (simple-history).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from convene.core.concurrency import Revisioned

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned with comments")
    APPROVED = "approved", _("Approved")
    REVISING = "revising", _("Being revised")
    SUPERSEDED = "superseded", _("Superseded")


EDITABLE_STATUSES = (PlanStatus.DRAFT, PlanStatus.RETURNED, PlanStatus.REVISING)


class WorkPlan(Revisioned):
    group = models.ForeignKey(
        "groups.Group", verbose_name=_("group"), on_delete=models.PROTECT, related_name="workplans"
    )
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("period starts"))
    ends_on = models.DateField(_("period ends"))
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    top_issues = models.TextField(_("top issues"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    currency = models.CharField(
        _("reporting currency"),
        max_length=3,
        default="USD",
        help_text=_("The network's currency: every amount is also shown in it."),
    )
    # The last version submitted or approved (PlanVersion.number), 0 before the first submission.
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    review_comment = models.TextField(_("committee's comments"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["group_id", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="plan_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class PlanVersion(models.Model):
    """A frozen copy of the whole plan at a submission or an approval, for comparing versions."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices)
    snapshot = models.JSONField(_("snapshot"))
    decision = models.ForeignKey(
        "governance.Decision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("version of a work plan")
        verbose_name_plural = _("versions of work plans")
        ordering = ["plan_id", "-number", "-pk"]
        indexes = [models.Index(fields=["plan", "number"], name="planversion_plan_number")]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number} ({self.status})"


class Objective(Revisioned):
    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(_("objective"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["plan_id", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class DeliverableStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Deliverable(Revisioned):
    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="deliverables")
    objective = models.ForeignKey(
        Objective,
        verbose_name=_("objective"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliverables",
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_deliverables",
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    cost = models.DecimalField(_("cost"), null=True, blank=True, **MONEY)
    status = models.CharField(
        _("status"), max_length=16, choices=DeliverableStatus.choices, default=DeliverableStatus.PLANNED
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["plan_id", "position", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class TaskStatus(models.TextChoices):
    TODO = "todo", _("To do")
    DOING = "doing", _("Doing")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Task(Revisioned):
    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_tasks",
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.TODO)
    help_wanted = models.BooleanField(_("help wanted"), default=False)
    skills = models.ManyToManyField(
        "people.Topic", verbose_name=_("skills needed"), blank=True, related_name="wanted_in_tasks"
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["deliverable_id", "position", "due_on", "pk"]
        indexes = [models.Index(fields=["help_wanted", "status"], name="task_help_wanted")]

    def __str__(self) -> str:
        return self.title


class VolunteerStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Volunteer(models.Model):
    """A member offers to take a "help wanted" task; a co-chair accepts one (who becomes the assignee)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="volunteers")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteering"
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=VolunteerStatus.choices, default=VolunteerStatus.OFFERED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["task_id", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "person"],
                condition=Q(status__in=["offered", "accepted"]),
                name="volunteer_once_per_task",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.task}"


class PlanComment(models.Model):
    """Any member of the group comments on the plan; the committee's review comments go here too."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="plan_comments"
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment on a work plan")
        verbose_name_plural = _("comments on work plans")
        ordering = ["plan_id", "created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class ExchangeRate(models.Model):
    """How much one unit of ``currency`` is worth in the plan's reporting currency, stored with the plan."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="rates")
    currency = models.CharField(_("currency"), max_length=3)
    rate = models.DecimalField(
        _("rate"), max_digits=18, decimal_places=8, validators=[MinValueValidator(Decimal("0.00000001"))]
    )
    as_of = models.DateField(_("as of"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["plan_id", "currency"]
        constraints = [models.UniqueConstraint(fields=["plan", "currency"], name="rate_once_per_plan")]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate}"


class BudgetCategory(models.TextChoices):
    STAFF = "staff", _("Staff and consultants")
    TRAVEL = "travel", _("Travel")
    MEETINGS = "meetings", _("Meetings and events")
    COMMUNICATIONS = "communications", _("Communications")
    PUBLICATIONS = "publications", _("Publications and translation")
    RESEARCH = "research", _("Research and data")
    EQUIPMENT = "equipment", _("Equipment and software")
    OTHER = "other", _("Other")


class FundingSource(models.TextChoices):
    NETWORK = "network", _("Network funds")
    PARTNER = "partner", _("Partner contribution")
    NEEDED = "needed", _("Not yet funded")


class ContributionKind(models.TextChoices):
    CASH = "cash", _("Cash")
    IN_KIND = "in_kind", _("In kind")


class BudgetLine(Revisioned):
    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("category"), max_length=24, choices=BudgetCategory.choices)
    deliverable = models.ForeignKey(
        Deliverable,
        verbose_name=_("deliverable"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_lines",
    )
    description = models.CharField(_("description"), max_length=300)
    currency = models.CharField(_("currency"), max_length=3)
    planned = models.DecimalField(_("planned amount"), default=Decimal("0"), **MONEY)
    actual = models.DecimalField(_("actual amount"), null=True, blank=True, **MONEY)
    source = models.CharField(
        _("funding source"), max_length=16, choices=FundingSource.choices, default=FundingSource.NETWORK
    )
    partner = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("partner organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
    )
    kind = models.CharField(
        _("cash or in kind"), max_length=16, choices=ContributionKind.choices, default=ContributionKind.CASH
    )
    valuation = models.CharField(_("how the in-kind contribution was valued"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["plan_id", "category", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source="partner") | Q(partner__isnull=False), name="budget_partner_named"
            )
        ]

    def __str__(self) -> str:
        return self.description


class HRNeed(Revisioned):
    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="hr_needs")
    role = models.CharField(_("role"), max_length=200)
    hours_per_month = models.DecimalField(
        _("effort (hours per month)"),
        max_digits=7,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0"))],
    )
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filled by (person)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hr_roles",
    )
    filled_by_organisation = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("filled by (organisation)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hr_roles",
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("human-resource need")
        verbose_name_plural = _("human-resource needs")
        ordering = ["plan_id", "starts_on", "pk"]

    def __str__(self) -> str:
        return self.role

    @property
    def is_open(self) -> bool:
        return self.filled_by_id is None and self.filled_by_organisation_id is None


class PlanImportStatus(models.TextChoices):
    CHECKING = "checking", _("Being checked")
    READY = "ready", _("Checked")


class PlanImport(models.Model):
    """An uploaded workbook while a background task checks it (``plans.tasks.check_plan_import``):
    no web request parses a file. The file itself waits in the default storage under ``stored_as``
    (``spreadsheet.stash``); ``preview`` holds what the check found, ready for the preview page."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    stored_as = models.CharField(max_length=255, unique=True)
    language = models.CharField(max_length=16, blank=True)
    status = models.CharField(
        max_length=16, choices=PlanImportStatus.choices, default=PlanImportStatus.CHECKING
    )
    preview = models.JSONField(default=dict)

    def __str__(self) -> str:
        return self.stored_as
