"""The library API under /api/v1/: the same rules, queries and services as the pages.

Resources are published here with a link (JSON) or with a file (``…/upload``, multipart/form-data, the
file checked as on the page: type, content, size, zip bomb); editions and translations name the
resource they follow (``supersedes_id``) or translate (``translation_of_id``). A resource's file is
attached or replaced with ``…/{id}/file``. A refused file changes nothing (422, the file named)."""

import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import field_validator

from convene.core.api_schemas import BODY_ID, ERRORS, READ_ERRORS, IsoDate, JsonBody, PathId
from convene.core.pagination import ApiPagination
from convene.core.rules import ensure
from convene.groups import queries as group_queries
from convene.groups.models import Group
from convene.people.models import Topic

from . import citation, queries, services
from .models import Resource, ResourceKind, ResourceVisibility

router = Router(tags=["library"])
SEARCH_COUNT_CAP = 1000


class CappedCountPagination(ApiPagination):
    """The search's pages count no further than 1,000 + 1 rows (as the page does: "1,000+ found"):
    a full count of a broad search over 100,000 resources cost more than the page itself."""

    def _items_count(self, queryset) -> int:
        return queryset.order_by()[: SEARCH_COUNT_CAP + 1].count()


class ResourceOut(Schema):
    id: int
    kind: str
    title: str
    authors: list[str]
    published_on: datetime.date
    language: str
    edition: int
    visibility: str
    group: str | None = Field(None, description="Slug of the group that produced it.")
    url: str = Field(..., description="The resource's page.")
    download_url: str = Field(..., description="Counts the download, then serves the file or redirects.")

    @staticmethod
    def resolve_group(obj) -> str | None:
        if isinstance(obj, dict):
            return obj["group"]
        return obj.group.slug if obj.group_id else None

    @staticmethod
    def resolve_url(obj) -> str:
        return obj["url"] if isinstance(obj, dict) else f"/library/{obj.pk}/"

    @staticmethod
    def resolve_download_url(obj) -> str:
        return obj["download_url"] if isinstance(obj, dict) else f"/library/{obj.pk}/download/"


class ResourceDetailOut(ResourceOut):
    publisher: str
    topics: list[str]
    countries: list[str]
    licence: str
    abstract: str
    link: str
    has_file: bool
    supersedes_id: int | None
    superseded_by_id: int | None
    translation_of_id: int | None
    deliverable_id: int | None


class ResourceFiltersIn(Schema):
    q: str = Field(
        "", max_length=200, description="Words that start words of the title, authors or abstract."
    )
    kind: Literal[("", *ResourceKind.values)] = ""  # type: ignore[valid-type]
    language: str = Field("", max_length=35)
    topic: str = Field("", max_length=120, description="A topic's slug.")
    country: str = Field("", max_length=2, description="ISO 3166 alpha-2 code.")
    group: str = Field("", max_length=100, description="A group's slug.")
    year: int | None = Field(None, ge=1900, le=2999)


class ResourceIn(JsonBody):
    kind: Literal[tuple(ResourceKind.values)]  # type: ignore[valid-type]
    title: str = Field(..., min_length=1, max_length=300)
    authors: list[str] = Field([], max_length=50)
    publisher: str = Field("", max_length=200)
    published_on: IsoDate
    language: str = Field(..., max_length=35, description="BCP 47: en, fr, pt-BR…")
    topics: list[str] = Field([], max_length=50, description="Topics' slugs.")
    countries: list[str] = Field([], max_length=250)
    licence: str = Field("", max_length=100)
    abstract: str = Field("", max_length=10_000)
    link: str = Field(..., min_length=1, max_length=500)
    visibility: Literal[tuple(ResourceVisibility.values)] = ResourceVisibility.PUBLIC  # type: ignore[valid-type]


class ResourceCreateIn(ResourceIn):
    group: str | None = Field(None, max_length=100, description="Slug of the group it is produced by.")
    supersedes_id: int | None = Field(None, **BODY_ID, description="The edition this one supersedes.")
    translation_of_id: int | None = Field(None, **BODY_ID, description="The resource this one translates.")


class ResourceUpdateIn(JsonBody):
    kind: Literal[tuple(ResourceKind.values)] | None = None  # type: ignore[valid-type]
    title: str | None = Field(None, min_length=1, max_length=300)
    authors: list[str] | None = Field(None, max_length=50)
    publisher: str | None = Field(None, max_length=200)
    published_on: IsoDate | None = None
    language: str | None = Field(None, max_length=35)
    topics: list[str] | None = Field(None, max_length=50)
    countries: list[str] | None = Field(None, max_length=250)
    licence: str | None = Field(None, max_length=100)
    abstract: str | None = Field(None, max_length=10_000)
    link: str | None = Field(None, max_length=500)
    visibility: Literal[tuple(ResourceVisibility.values)] | None = None  # type: ignore[valid-type]


def _no_nul(value):
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("Text cannot contain NUL characters.")
    return value


class ResourceUploadIn(Schema):
    """A resource sent as multipart/form-data with its file: lists are written in one field each."""

    kind: Literal[tuple(ResourceKind.values)]  # type: ignore[valid-type]
    title: str = Field(..., min_length=1, max_length=300)
    authors: str = Field("", max_length=12_000, description="One author a line.")
    publisher: str = Field("", max_length=200)
    published_on: IsoDate
    language: str = Field(..., max_length=35, description="BCP 47: en, fr, pt-BR…")
    topics: str = Field("", max_length=6_000, description="Topics' slugs, separated by commas.")
    countries: str = Field("", max_length=1_000, description="ISO 3166 alpha-2 codes, separated by commas.")
    licence: str = Field("", max_length=100)
    abstract: str = Field("", max_length=10_000)
    link: str = Field("", max_length=500, description="Where else the resource is (optional).")
    visibility: Literal[tuple(ResourceVisibility.values)] = ResourceVisibility.PUBLIC  # type: ignore[valid-type]
    group: str = Field("", max_length=100, description="Slug of the group it is produced by.")
    supersedes_id: int | None = Field(None, **BODY_ID, description="The edition this one supersedes.")
    translation_of_id: int | None = Field(None, **BODY_ID, description="The resource this one translates.")

    @field_validator("*")
    @classmethod
    def _refuse_nul(cls, value):
        return _no_nul(value)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


class ResourceFromDeliverableIn(JsonBody):
    kind: Literal[tuple(ResourceKind.values)] = ResourceKind.REPORT  # type: ignore[valid-type]
    title: str | None = Field(
        None, min_length=1, max_length=300, description="The deliverable's title if left out."
    )
    language: str = Field(..., max_length=35)
    link: str = Field(..., min_length=1, max_length=500)
    visibility: Literal[tuple(ResourceVisibility.values)] = ResourceVisibility.PUBLIC  # type: ignore[valid-type]


class ResourceDownloadsOut(Schema):
    total: int
    by_month: dict[str, int] = Field(..., description="YYYY-MM → downloads (the last 24 months).")
    by_country: dict[str, int] = Field(..., description="Country code (empty: unknown) → downloads.")


def _out(resource: Resource) -> dict:
    return {
        "id": resource.pk,
        "kind": resource.kind,
        "title": resource.title,
        "authors": resource.authors,
        "published_on": resource.published_on,
        "language": resource.language,
        "edition": resource.edition,
        "visibility": resource.visibility,
        "group": resource.group.slug if resource.group_id else None,
        "url": f"/library/{resource.pk}/",
        "download_url": f"/library/{resource.pk}/download/",
    }


def _detail(resource: Resource) -> dict:
    superseded_by = getattr(resource, "superseded_by", None) if hasattr(resource, "superseded_by") else None
    return _out(resource) | {
        "publisher": resource.publisher,
        "topics": [t.slug for t in resource.topics.all()],
        "countries": [str(c.code) for c in resource.countries],
        "licence": resource.licence,
        "abstract": resource.abstract,
        "link": resource.link,
        "has_file": bool(resource.file),
        "supersedes_id": resource.supersedes_id,
        "superseded_by_id": superseded_by.pk if superseded_by else None,
        "translation_of_id": resource.translation_of_id,
        "deliverable_id": resource.deliverable_id,
    }


def _topics(slugs: list[str]) -> list[Topic]:
    found = list(Topic.objects.filter(slug__in=slugs))
    if len(found) != len(set(slugs)):
        from django.core.exceptions import ValidationError

        raise ValidationError({"topics": "Unknown topic."})
    return found


@router.get(
    "library/resources", response={200: list[ResourceOut], **READ_ERRORS}, summary="Search the library"
)
@paginate(CappedCountPagination, page_size=50)
def list_resources(request, filters: Query[ResourceFiltersIn]):
    """Newest first. ``count`` stops at 1,001: more than 1,000 found means "add a word or a filter"."""
    return queries.search(viewer=request.user, filters=queries.ResourceFilters(**filters.model_dump()))


@router.post("library/resources", response={201: ResourceDetailOut, **ERRORS}, summary="Publish a resource")
def create_resource(request, payload: ResourceCreateIn):
    group, related = _related(request, payload)
    values = payload.model_dump(exclude={"group", "supersedes_id", "translation_of_id", "topics"})
    resource = services.resource_create(
        acting=request.user, group=group, topics=_topics(payload.topics), **related, **values
    )
    return 201, _detail(queries.resource_for_viewer(viewer=request.user, pk=resource.pk))


def _related(request, payload) -> tuple[Group | None, dict]:
    """The group a new resource is produced by, and the resource it follows or translates (whose
    group it keeps)."""
    group: Group | None = None
    if payload.group:
        group = group_queries.group_for_viewer(viewer=request.user, slug=payload.group)
    related = {}
    for name in ("supersedes", "translation_of"):
        pk = getattr(payload, f"{name}_id")
        if pk is not None:
            related[name] = queries.resource_for_viewer(viewer=request.user, pk=pk)
            group = related[name].group
    return group, related


@router.post(
    "library/resources/upload",
    response={201: ResourceDetailOut, **ERRORS},
    summary="Publish a resource with its file",
)
def upload_resource(request, payload: Form[ResourceUploadIn], file: File[UploadedFile]):
    """The same as publishing a resource, sent as multipart/form-data with the file (PDF, PNG, JPEG,
    DOCX, XLSX, PPTX, CSV or text, 25 MB at most). With ``supersedes_id`` it is that resource's next
    edition, with ``translation_of_id`` a translation of it."""
    group, related = _related(request, payload)
    values = payload.model_dump(
        exclude={"group", "supersedes_id", "translation_of_id", "topics", "authors", "countries"}
    )
    resource = services.resource_create(
        acting=request.user,
        group=group,
        topics=_topics(_split(payload.topics)),
        authors=[line for line in payload.authors.splitlines() if line.strip()],
        countries=_split(payload.countries.replace(" ", ",")),
        file=file,
        **related,
        **values,
    )
    return Status(201, _detail(queries.resource_for_viewer(viewer=request.user, pk=resource.pk)))


@router.post(
    "library/resources/{resource_id}/file",
    response={200: ResourceDetailOut, **ERRORS},
    summary="Attach or replace a resource's file",
)
def upload_resource_file(request, resource_id: PathId, file: File[UploadedFile]):
    """Sent as multipart/form-data; the file is checked as on the page (a refused one changes nothing)."""
    resource = queries.resource_for_viewer(viewer=request.user, pk=resource_id)
    services.resource_update(resource=resource, acting=request.user, file=file)
    return _detail(queries.resource_for_viewer(viewer=request.user, pk=resource_id))


@router.get(
    "library/resources/{resource_id}",
    response={200: ResourceDetailOut, **READ_ERRORS},
    summary="One resource",
)
def get_resource(request, resource_id: PathId):
    return _detail(queries.resource_for_viewer(viewer=request.user, pk=resource_id))


@router.patch(
    "library/resources/{resource_id}",
    response={200: ResourceDetailOut, **ERRORS},
    summary="Change a resource",
)
def update_resource(request, resource_id: PathId, payload: ResourceUpdateIn):
    resource = queries.resource_for_viewer(viewer=request.user, pk=resource_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"topics"})
    changes = {k: v for k, v in changes.items() if v is not None}
    topics = _topics(payload.topics) if payload.topics is not None else None
    services.resource_update(resource=resource, acting=request.user, topics=topics, **changes)
    return _detail(queries.resource_for_viewer(viewer=request.user, pk=resource_id))


@router.get(
    "library/resources/{resource_id}/citation",
    response={200: str, **READ_ERRORS},
    summary="A resource's citation (APA 7 or BibTeX)",
)
def resource_citation(request, resource_id: PathId, style: Literal["apa", "bibtex"] = "apa"):
    resource = queries.resource_for_viewer(viewer=request.user, pk=resource_id)
    url = request.build_absolute_uri(f"/library/{resource.pk}/")
    text = citation.bibtex(resource, url=url) if style == "bibtex" else citation.apa(resource, url=url)
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@router.get(
    "library/resources/{resource_id}/downloads",
    response={200: ResourceDownloadsOut, **READ_ERRORS},
    summary="A resource's downloads by month and country",
)
def resource_downloads(request, resource_id: PathId):
    resource = queries.resource_for_viewer(viewer=request.user, pk=resource_id)
    ensure(request.user, "library.manage_resource", resource)
    found = queries.downloads_of(resource)
    return {
        "total": found.total,
        "by_month": {f"{month:%Y-%m}": n for month, n in found.by_month},
        "by_country": dict(found.by_country),
    }


@router.post(
    "groups/{slug}/deliverables/{deliverable_id}/resource",
    response={201: ResourceDetailOut, **ERRORS},
    summary="Publish a deliverable in the library",
)
def publish_deliverable(request, slug: str, deliverable_id: PathId, payload: ResourceFromDeliverableIn):
    group = group_queries.group_for_viewer(viewer=request.user, slug=slug)
    from .rules import may_publish_for

    if not may_publish_for(request.user, group):
        raise PermissionDenied("library.publish")
    deliverable = queries.deliverable_of_group(group=group, pk=deliverable_id)
    values = payload.model_dump(exclude_none=True)
    resource = services.resource_from_deliverable(deliverable=deliverable, acting=request.user, **values)
    return 201, _detail(queries.resource_for_viewer(viewer=request.user, pk=resource.pk))
