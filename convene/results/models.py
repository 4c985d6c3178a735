"""A plan's results framework: a tree of results (levels configured per network), their indicators
with baselines and targets per period, and the measurements members report.

Progress is computed (``results.progress``), never typed in. Only approved measurements count. After
each approval the computed actual of that indicator and period is stored in ``PeriodActual`` so that
network-wide totals for shared indicators are one aggregate query, whatever the number of measurements.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from convene.core.concurrency import Revisioned

VALUE = {"max_digits": 20, "decimal_places": 4}

# The names migration 0002 seeds, marked for the catalogues (lazily: never evaluated here; Django's
# makemessages knows no pgettext_noop): stored in English, shown in the reader's
# language (``ResultLevel.label``). A level the secretariat renamed shows as typed, unless the
# catalogues happen to know its name.
LEVEL_CONTEXT = "result level"
DEFAULT_LEVEL_NAMES = (
    pgettext_lazy("result level", "Goal"),
    pgettext_lazy("result level", "Outcome"),
    pgettext_lazy("result level", "Output"),
    pgettext_lazy("result level", "Activity"),
)


class ResultLevel(models.Model):
    """A level of the results tree (goal → outcome → output → activity by default): configuration."""

    name = models.CharField(_("name"), max_length=80)
    depth = models.PositiveSmallIntegerField(
        _("depth"), unique=True, help_text=_("0 is the top of the tree.")
    )
    iati_type = models.PositiveSmallIntegerField(
        _("IATI result type"),
        default=1,
        help_text=_("1 output, 2 outcome, 3 impact, 9 other (IATI ResultType codelist)."),
    )

    class Meta:
        verbose_name = _("level of results")
        verbose_name_plural = _("levels of results")
        ordering = ["depth"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language: pages and documents show this, never ``name``."""
        return pgettext(LEVEL_CONTEXT, self.name)


class Unit(models.TextChoices):
    NUMBER = "number", _("Number")
    PERCENTAGE = "percentage", _("Percentage (numerator / denominator)")
    YES_NO = "yes_no", _("Yes / no")
    QUALITATIVE = "qualitative", _("Qualitative")


class Direction(models.TextChoices):
    INCREASE = "increase", _("An increase is good")
    DECREASE = "decrease", _("A decrease is good")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    SEMIANNUAL = "semiannual", _("Every six months")
    ANNUAL = "annual", _("Annual")
    LIFE = "life", _("Life of plan only")


class SharedIndicatorQuerySet(models.QuerySet):
    def in_catalogue(self):
        """The indicators groups may still adopt (one withdrawn from the catalogue keeps its adoptions)."""
        return self.filter(is_active=True)


class SharedIndicator(models.Model):
    """An indicator of the network's catalogue: groups adopt it with their own baseline and targets,
    and the committee sees the network-wide total."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    definition = models.TextField(_("definition"), blank=True)
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices, default=Unit.NUMBER)
    direction = models.CharField(
        _("direction of change"), max_length=16, choices=Direction.choices, default=Direction.INCREASE
    )
    cumulative = models.BooleanField(_("cumulative"), default=False)
    disaggregations = models.JSONField(_("disaggregation categories"), default=list, blank=True)
    is_active = models.BooleanField(_("in the catalogue"), default=True)

    objects = SharedIndicatorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("shared indicator")
        verbose_name_plural = _("shared indicators")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Result(Revisioned):
    plan = models.ForeignKey("plans.WorkPlan", on_delete=models.CASCADE, related_name="results")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("contributes to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    level = models.ForeignKey(
        ResultLevel, verbose_name=_("level"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("code"), max_length=20, blank=True, help_text=_("1, 1.1, 1.1.2…"))
    statement = models.TextField(_("result statement"))
    position = models.PositiveIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["plan_id", "level__depth", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.code} {self.statement[:80]}".strip()


class Indicator(Revisioned):
    result = models.ForeignKey(
        Result, verbose_name=_("result"), on_delete=models.CASCADE, related_name="indicators"
    )
    plan = models.ForeignKey("plans.WorkPlan", on_delete=models.CASCADE, related_name="indicators")
    shared = models.ForeignKey(
        SharedIndicator,
        verbose_name=_("shared indicator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adoptions",
    )
    code = models.CharField(_("code"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=300)
    definition = models.TextField(_("definition"), blank=True)
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices, default=Unit.NUMBER)
    direction = models.CharField(
        _("direction of change"), max_length=16, choices=Direction.choices, default=Direction.INCREASE
    )
    cumulative = models.BooleanField(
        _("cumulative"),
        default=False,
        help_text=_("Each period's target and actual include the periods before."),
    )
    frequency = models.CharField(
        _("reporting frequency"), max_length=16, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    baseline_value = models.DecimalField(_("baseline"), null=True, blank=True, **VALUE)
    baseline_on = models.DateField(_("baseline date"), null=True, blank=True)
    data_source = models.CharField(_("data source"), max_length=300, blank=True)
    verification = models.CharField(_("means of verification"), max_length=300, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators_responsible",
    )
    # [{"name": "sex", "options": ["female", "male", "other"]}, {"name": "country", "options": []}]
    disaggregations = models.JSONField(_("disaggregation categories"), default=list, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["plan_id", "result_id", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    starts_on = models.DateField(_("period starts"))
    ends_on = models.DateField(_("period ends"))
    life_of_plan = models.BooleanField(_("life of plan"), default=False)
    value = models.DecimalField(_("target"), **VALUE)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator_id", "life_of_plan", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "starts_on", "ends_on"], name="target_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="target_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.starts_on}–{self.ends_on})"


class MeasurementStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")


class MeasurementQuerySet(models.QuerySet):
    """The states of a reported value, named once (Wagtail's ``live()``): only approved values count."""

    def approved(self):
        return self.filter(status=MeasurementStatus.APPROVED)

    def waiting(self):
        """Reported and waiting for a co-chair's approval."""
        return self.filter(status=MeasurementStatus.SUBMITTED)

    def reported(self):
        """Approved or waiting: a value not approved must be reported again."""
        return self.exclude(status=MeasurementStatus.REJECTED)

    def as_readings(self):
        """Only the columns ``progress.reading_of`` reads."""
        return self.only(
            "indicator_id", "starts_on", "ends_on", "value", "numerator", "denominator", "disaggregation"
        )

    def in_period(self, starts_on, ends_on):
        return self.filter(starts_on=starts_on, ends_on=ends_on)


def evidence_path(instance, filename: str) -> str:
    return f"evidence/{instance.indicator_id}/{filename}"


class Measurement(models.Model):
    """An actual reported for a period: a total (``disaggregation`` empty) or one disaggregated value."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    starts_on = models.DateField(_("period starts"))
    ends_on = models.DateField(_("period ends"))
    value = models.DecimalField(_("value"), null=True, blank=True, **VALUE)
    numerator = models.DecimalField(_("numerator"), null=True, blank=True, **VALUE)
    denominator = models.DecimalField(_("denominator"), null=True, blank=True, **VALUE)
    text = models.TextField(_("qualitative result"), blank=True)
    disaggregation = models.JSONField(_("disaggregation"), default=dict, blank=True)
    country = CountryField(_("country"), blank=True)  # from the disaggregation, for network totals
    evidence_url = models.URLField(_("evidence link"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to=evidence_path, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeasurementStatus.choices, default=MeasurementStatus.SUBMITTED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="measurements_recorded"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    objects = MeasurementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["indicator_id", "starts_on", "pk"]
        indexes = [
            models.Index(fields=["indicator", "status", "starts_on"], name="measurement_ind_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="measure_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.starts_on}–{self.ends_on}"


class PeriodActualQuerySet(models.QuerySet):
    def totals(self):
        """The indicators' totals (a country row is a part of its period's total)."""
        return self.filter(country="")

    def by_country(self):
        return self.exclude(country="")

    def in_period(self, starts_on, ends_on):
        return self.filter(starts_on=starts_on, ends_on=ends_on)


class PeriodActual(models.Model):
    """The computed actual of an indicator for one reported period, stored at each approval.

    ``country`` empty is the indicator's total for the period; a country row is the sum of that
    period's values disaggregated by country. Derived data: ``results.services.actuals_refresh``
    rebuilds it from the approved measurements.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="period_actuals")
    shared = models.ForeignKey(
        SharedIndicator, on_delete=models.CASCADE, null=True, blank=True, related_name="period_actuals"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    country = CountryField(blank=True)
    value = models.DecimalField(null=True, blank=True, **VALUE)
    numerator = models.DecimalField(null=True, blank=True, **VALUE)
    denominator = models.DecimalField(null=True, blank=True, **VALUE)

    objects = PeriodActualQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["shared", "ends_on"], name="periodactual_shared"),
            models.Index(fields=["indicator", "starts_on"], name="periodactual_indicator"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "starts_on", "ends_on", "country"], name="periodactual_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.starts_on}–{self.ends_on} {self.country}"
