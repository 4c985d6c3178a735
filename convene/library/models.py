"""The resource library: what the network publishes (toolkits, reports, guidelines…), with Dublin
Core-like metadata, editions and translations, the group that produced it, and how often it is
downloaded (per month and country, never who).

A resource's ``search_text`` is its title, authors and abstract folded as the directory folds names
(``people.models.search_words``: case and accents dropped), one space before every word, so that on
SQLite "a word starting with the term" is ``LIKE '% term%'``; on PostgreSQL a GIN index over
``to_tsvector('simple', search_text)`` answers the same question (migration 0002, ``queries.search``).
"""

import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from convene.people.models import search_words

# BCP 47, as people write it: a language, then optional script, region or variant subtags ("en",
# "pt-BR", "sr-Latn", "es-419").
BCP47 = RegexValidator(
    r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-[A-Za-z0-9]{5,8})*\Z",
    _("A language tag such as en, fr, pt-BR or es-419."),
)


class ResourceKind(models.TextChoices):
    TOOLKIT = "toolkit", _("Toolkit")
    REPORT = "report", _("Report")
    GUIDELINE = "guideline", _("Guideline")
    COMPETENCY_FRAMEWORK = "competency_framework", _("Competency framework")
    FACT_SHEET = "fact_sheet", _("Fact sheet")
    INFOGRAPHIC = "infographic", _("Infographic")
    RECORDING = "recording", _("Recording")
    DATASET = "dataset", _("Dataset")


class ResourceVisibility(models.TextChoices):
    PUBLIC = "public", _("Everyone, including the public")
    MEMBERS = "members", _("Members of the network")


def resource_path(instance, filename: str) -> str:
    return f"library/{datetime.date.today():%Y/%m}/{filename}"  # noqa: DTZ011 (a folder name only)


def fold(*texts: str) -> str:
    """The search text of these texts: folded words, each after a space (see the module docstring)."""
    words = search_words(" ".join(t for t in texts if t))
    return "".join(f" {word}" for word in words)


class ResourceQuerySet(models.QuerySet):
    def visible_to(self, viewer):
        """Public resources to everyone; members-only ones to the network's insiders."""
        from convene.core.rules import is_network_insider

        if viewer is not None and viewer.is_authenticated and is_network_insider(viewer):
            return self
        return self.filter(visibility=ResourceVisibility.PUBLIC)

    def public(self):
        return self.filter(visibility=ResourceVisibility.PUBLIC)


class Resource(models.Model):
    kind = models.CharField(_("type"), max_length=32, choices=ResourceKind.choices)
    title = models.CharField(_("title"), max_length=300)
    # In the order of the title page; a person as "Family, Given" (the citation abbreviates it), an
    # organisation as its name.
    authors = models.JSONField(_("authors"), default=list, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published_on = models.DateField(_("date"))
    language = models.CharField(_("language"), max_length=35, validators=[BCP47])
    topics = models.ManyToManyField("people.Topic", verbose_name=_("topics"), blank=True)
    countries = CountryField(_("countries"), multiple=True, blank=True)
    licence = models.CharField(_("licence"), max_length=100, blank=True)
    abstract = models.TextField(_("abstract"), blank=True, max_length=10_000)
    file = models.FileField(_("file"), upload_to=resource_path, blank=True, max_length=300)
    link = models.URLField(_("link"), blank=True, max_length=500)
    group = models.ForeignKey(
        "groups.Group",
        verbose_name=_("produced by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources",
    )
    visibility = models.CharField(
        _("who sees it"), max_length=16, choices=ResourceVisibility.choices, default=ResourceVisibility.PUBLIC
    )
    edition = models.PositiveSmallIntegerField(_("edition"), default=1)
    # The edition this one replaces; both are kept and each shows the other.
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    # The resource this one translates (always the first of its translations, never a translation).
    translation_of = models.ForeignKey(
        "self",
        verbose_name=_("translation of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="translations",
    )
    # The work plan deliverable this resource publishes (the deliverable reaches it as ``.resource``).
    deliverable = models.OneToOneField(
        "plans.Deliverable",
        verbose_name=_("deliverable"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resource",
    )
    search_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-published_on", "-pk"]
        indexes = [
            models.Index(fields=["-published_on", "-id"], name="resource_published"),
            models.Index(fields=["kind", "-published_on"], name="resource_kind"),
            models.Index(fields=["language", "-published_on"], name="resource_language"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(file="") | ~Q(link=""), name="resource_file_or_link"),
            models.CheckConstraint(condition=Q(edition__gte=1), name="resource_edition_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def year(self) -> int:
        return self.published_on.year

    @property
    def translation_root_id(self) -> int:
        return self.translation_of_id or self.pk


class DownloadCount(models.Model):
    """How many times a resource was downloaded in a month from a country ("" when unknown): the
    downloader's country comes from their profile; no address or person is stored."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="download_counts")
    month = models.DateField()  # the first day of the month
    country = models.CharField(max_length=2, blank=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resource", "month", "country"], name="downloadcount_unique")
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} {self.month:%Y-%m} {self.country or '-'}: {self.count}"
