"""Reads of the library (STYLE §2): the search with its filters, one resource with its editions and
translations, a group's resources and publishable deliverables, download counts, the catalogue, and
the new resources of a period (for the group update and the E-Update).

Search: every word of the query must start a word of the title, authors or abstract, case and
accents ignored ("jose" finds José). On PostgreSQL a GIN index over ``to_tsvector('simple',
search_text)`` answers it (``term:*`` prefix queries); on SQLite a ``LIKE '% term%'`` over the folded
``search_text`` (a scan, fine at the sizes SQLite serves)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, Prefetch, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils.translation import get_language

from convene.groups.models import Group
from convene.people.models import SEARCH_TERMS, Topic, search_words
from convene.plans.models import Deliverable, DeliverableStatus

from .models import DownloadCount, Resource, ResourceKind
from .rules import sees_resource

LIST_FIELDS = (
    "id",
    "kind",
    "title",
    "authors",
    "published_on",
    "language",
    "visibility",
    "edition",
    "group__name",
    "group__slug",
    "group__status",
)


@dataclass
class ResourceFilters:
    q: str = ""
    kind: str = ""
    language: str = ""
    topic: str = ""
    country: str = ""
    group: str = ""
    year: int | None = None
    params: dict = field(default_factory=dict)

    @classmethod
    def from_query(cls, data) -> ResourceFilters:
        def text(name: str, limit: int = 100) -> str:
            return str(data.get(name) or "").strip()[:limit]

        year = text("year", 4)
        return cls(
            q=text("q", 200),
            kind=text("kind", 32) if text("kind", 32) in ResourceKind.values else "",
            language=text("language", 35),
            topic=text("topic", 120),
            country=text("country", 2).upper(),
            group=text("group", 100),
            year=int(year) if year.isdigit() else None,
        )

    @property
    def active(self) -> bool:
        return any((self.q, self.kind, self.language, self.topic, self.country, self.group, self.year))


def matching(qs: QuerySet[Resource], query: str) -> QuerySet[Resource]:
    """Resources where every word of ``query`` starts a word of the title, authors or abstract."""
    terms = search_words(query)[:SEARCH_TERMS]
    if not terms:
        return qs
    if connection.vendor == "postgresql":
        # The stored vector of migration 0003 (a generated column the model does not declare), under
        # its GIN index.
        tsquery = " & ".join(f"{term}:*" for term in terms)
        return qs.filter(
            RawSQL(
                "library_resource.search_vector @@ to_tsquery('simple'::regconfig, %s)",
                (tsquery,),
                output_field=BooleanField(),
            )
        )
    for term in terms:
        qs = qs.filter(search_text__contains=f" {term}")
    return qs


def search(*, viewer, filters: ResourceFilters) -> QuerySet[Resource]:
    """The resources the viewer may see that match the filters, newest first, shaped for the list."""
    qs = Resource.objects.visible_to(viewer)
    qs = matching(qs, filters.q)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.language:
        qs = qs.filter(Q(language__iexact=filters.language) | Q(language__istartswith=f"{filters.language}-"))
    if filters.topic:
        qs = qs.filter(topics__slug=filters.topic)
    if filters.country:
        # A multiple CountryField is a comma-separated list of codes.
        qs = qs.filter(
            Q(countries=filters.country)
            | Q(countries__startswith=f"{filters.country},")
            | Q(countries__endswith=f",{filters.country}")
            | Q(countries__contains=f",{filters.country},")
        )
    if filters.group:
        qs = qs.filter(group__slug=filters.group)
    if filters.year:
        qs = qs.filter(
            published_on__gte=datetime.date(filters.year, 1, 1),
            published_on__lt=datetime.date(filters.year + 1, 1, 1),
        )
    return qs.select_related("group").only(*LIST_FIELDS).order_by("-published_on", "-id")


FILTER_CHOICES_CACHE_KEY = "library:filter_choices"
FILTER_CHOICES_SECONDS = 600


def filter_choices() -> dict:
    """The filters' choices: topics and groups that have resources, languages in use. Finding them
    reads every resource (three scans at 100,000), so the answer is cached for ten minutes, one per
    language of the page (the kinds' names are translated): a new topic shows a little later."""
    key = f"{FILTER_CHOICES_CACHE_KEY}:{get_language() or settings.LANGUAGE_CODE}"
    return cache.get_or_set(key, _filter_choices, FILTER_CHOICES_SECONDS)


def _filter_choices() -> dict:
    return {
        "kinds": [(value, str(label)) for value, label in ResourceKind.choices],
        "topics": list(
            Topic.objects.filter(pk__in=Resource.topics.through.objects.values("topic_id").distinct())
            .order_by("name")
            .values_list("slug", "name")
        ),
        "groups": list(
            Group.objects.filter(pk__in=Resource.objects.values("group_id").distinct())
            .order_by("name")
            .values_list("slug", "name")
        ),
        "languages": sorted(
            {
                code.split("-")[0].lower()
                for code in Resource.objects.values_list("language", flat=True).distinct()
            }
        ),
    }


def resource_for_viewer(*, viewer, pk: int) -> Resource:
    """One resource the viewer may see, with what its page shows, or 404."""
    resource = (
        Resource.objects.select_related(
            "group", "deliverable__plan", "supersedes", "superseded_by", "translation_of"
        )
        .prefetch_related("topics")
        .filter(pk=pk)
        .first()
    )
    if resource is None or not sees_resource(viewer, resource):
        raise Http404
    return resource


def translations_of(resource: Resource, *, viewer) -> list[Resource]:
    """The other languages of this resource (the one it translates and its other translations)."""
    root_id = resource.translation_root_id
    return list(
        Resource.objects.visible_to(viewer)
        .filter(Q(pk=root_id) | Q(translation_of_id=root_id))
        .exclude(pk=resource.pk)
        .only("id", "title", "language", "edition")
        .order_by("language")
    )


def editions_of(resource: Resource, *, viewer) -> list[Resource]:
    """Every edition of this resource, oldest first, walking the ``supersedes`` chain both ways
    (bounded: a chain of editions is short)."""
    chain = [resource]
    earlier = resource
    visible = Resource.objects.visible_to(viewer).only(
        "id", "title", "edition", "published_on", "supersedes_id"
    )
    for _ in range(20):
        if earlier.supersedes_id is None:
            break
        earlier = visible.filter(pk=earlier.supersedes_id).first()
        if earlier is None:
            break
        chain.insert(0, earlier)
    later = resource
    for _ in range(20):
        later = visible.filter(supersedes_id=later.pk).first()
        if later is None:
            break
        chain.append(later)
    return chain if len(chain) > 1 else []


@dataclass
class Downloads:
    total: int
    by_month: list[tuple[datetime.date, int]]
    by_country: list[tuple[str, int]]


def downloads_of(resource: Resource) -> Downloads:
    rows = DownloadCount.objects.filter(resource=resource)
    by_month = list(rows.values_list("month").annotate(n=Sum("count")).order_by("-month")[:24])
    by_country = list(rows.values_list("country").annotate(n=Sum("count")).order_by("-n", "country")[:50])
    return Downloads(total=sum(n for _c, n in by_country), by_month=by_month, by_country=by_country)


def group_resources(*, group: Group, viewer) -> QuerySet[Resource]:
    return (
        Resource.objects.visible_to(viewer)
        .filter(group=group)
        .select_related("group")
        .order_by("-published_on", "-id")
    )


def publishable_deliverables(*, group: Group) -> QuerySet[Deliverable]:
    """The group's deliverables not yet in the library (done first), from any of its work plans."""
    return (
        Deliverable.objects.filter(plan__group=group, resource__isnull=True)
        .exclude(status=DeliverableStatus.CANCELLED)
        .select_related("plan")
        .order_by("due_on", "pk")[:100]
    )


def deliverable_of_group(*, group: Group, pk: int) -> Deliverable:
    deliverable = Deliverable.objects.filter(plan__group=group, pk=pk).select_related("plan__group").first()
    if deliverable is None:
        raise Http404
    return deliverable


def new_resources(since: datetime.datetime, until: datetime.datetime, groups=None) -> QuerySet[Resource]:
    """Resources added to the library in [since, until), optionally of these groups (ids or groups),
    newest first, with their group: the "new resources" of a group update and of the E-Update.
    Callers that reach the public chain ``.public()``."""
    qs = Resource.objects.filter(created_at__gte=since, created_at__lt=until)
    if groups is not None:
        qs = qs.filter(group__in=list(groups))
    return qs.select_related("group").order_by("-created_at", "-id")


def catalogue(*, viewer, filters: ResourceFilters):
    """Rows of the catalogue export (the search's resources with their topics)."""
    topics = Prefetch("topics", queryset=Topic.objects.only("id", "name"))
    return (
        search(viewer=viewer, filters=filters)
        .only(*LIST_FIELDS, "publisher", "countries", "licence", "link", "file")
        .prefetch_related(topics)
    )
