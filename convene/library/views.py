"""Pages of the library. Thin (STYLE §1, §2): rules decide, services write, queries read."""

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from convene.core.concurrency_views import add_service_error
from convene.core.exports import csv_response, xlsx_response
from convene.core.pagination import CappedPaginator
from convene.core.rules import can, ensure, is_secretariat
from convene.groups import queries as group_queries
from convene.groups.models import OPEN_STATUSES, Group
from convene.groups.rules import current_roles

from . import citation, queries, services
from .forms import ResourceForm
from .models import Resource
from .robots import is_robot
from .rules import may_publish_for

PAGE_SIZE = 20
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".csv": "text/csv",
    ".txt": "text/plain",
}


@require_GET
def resource_list(request):
    """The library: search and filters; the whole page, or only the results when HTMX asks (STYLE §4)."""
    filters = queries.ResourceFilters.from_query(request.GET)
    page = CappedPaginator(queries.search(viewer=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query_string = request.GET.copy()
    query_string.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "query_string": query_string.urlencode(),
        "can_publish": can(request.user, "library.publish"),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "library/_results.html", context)
    context["choices"] = queries.filter_choices()
    return render(request, "library/list.html", context)


def _group_choices(person) -> list[tuple[str, str]]:
    """The groups the person may publish for ("" is the network itself, the secretariat's)."""
    if is_secretariat(person):
        groups = Group.objects.filter(status__in=OPEN_STATUSES).order_by("name").only("id", "name")
        return [("", _("The network (no group)"))] + [(str(g.pk), g.name) for g in groups]
    led = [pk for pk, role in current_roles(person).items() if role == "cochair"]
    groups = Group.objects.filter(pk__in=led).order_by("name").only("id", "name", "status")
    return [(str(g.pk), g.name) for g in groups if g.is_open]


def _chosen_group(form) -> Group | None:
    value = form.cleaned_data.get("group") or ""
    return Group.objects.filter(pk=int(value)).first() if value.isdigit() else None


def _prefill(resource: Resource) -> dict:
    return {
        "kind": resource.kind,
        "title": resource.title,
        "authors": "\n".join(resource.authors),
        "publisher": resource.publisher,
        "published_on": resource.published_on,
        "language": resource.language,
        "topics": list(resource.topics.all()),
        "countries": list(resource.countries),
        "licence": resource.licence,
        "abstract": resource.abstract,
        "link": resource.link,
        "group": str(resource.group_id or ""),
        "visibility": resource.visibility,
    }


def _related_from_query(request) -> tuple[Resource | None, Resource | None]:
    """?edition_of=<id> or ?translation_of=<id>: the resource a new one follows or translates."""
    supersedes = translation_of = None
    for name in ("edition_of", "translation_of"):
        value = request.GET.get(name, "")
        if value.isdigit() and len(value) < 19:
            found = queries.resource_for_viewer(viewer=request.user, pk=int(value))
            ensure(request.user, "library.manage_resource", found)
            if name == "edition_of":
                supersedes = found
            else:
                translation_of = found
    return supersedes, translation_of


@login_required
@require_http_methods(["GET", "POST"])
def resource_new(request):
    ensure(request.user, "library.publish")
    supersedes, translation_of = _related_from_query(request)
    related = supersedes or translation_of
    choices = _group_choices(request.user)
    initial = _prefill(related) if related is not None else {"visibility": "public"}
    if supersedes is not None:
        initial["published_on"] = None
    if translation_of is not None:
        initial["language"] = ""
    form = ResourceForm(request.POST or None, request.FILES or None, initial=initial, group_choices=choices)
    if related is not None:
        form.fields["group"].choices = [
            (
                str(related.group_id or ""),
                related.group.name if related.group else _("The network (no group)"),
            )
        ]
    if request.method == "POST" and form.is_valid():
        group = related.group if related is not None else _chosen_group(form)
        try:
            resource = services.resource_create(
                acting=request.user,
                group=group,
                supersedes=supersedes,
                translation_of=translation_of,
                **form.values(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        except PermissionDenied:
            form.add_error("group", _("You may not publish for this group."))
        else:
            messages.success(request, _("The resource is in the library."))
            return redirect("library:detail", resource.pk)
    return render(
        request,
        "library/resource_form.html",
        {"form": form, "supersedes": supersedes, "translation_of": translation_of},
    )


@require_GET
def resource_detail(request, pk: int):
    resource = queries.resource_for_viewer(viewer=request.user, pk=pk)
    can_manage = can(request.user, "library.manage_resource", resource)
    return render(
        request,
        "library/resource_detail.html",
        {
            "resource": resource,
            "editions": queries.editions_of(resource, viewer=request.user),
            "translations": queries.translations_of(resource, viewer=request.user),
            "apa": citation.apa(resource, url=_public_url(request, resource)),
            "bibtex": citation.bibtex(resource, url=_public_url(request, resource)),
            "can_manage": can_manage,
            "downloads": queries.downloads_of(resource) if can_manage else None,
        },
    )


def _public_url(request, resource: Resource) -> str:
    return request.build_absolute_uri(reverse("library:detail", args=[resource.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def resource_edit(request, pk: int):
    resource = queries.resource_for_viewer(viewer=request.user, pk=pk)
    ensure(request.user, "library.manage_resource", resource)
    form = ResourceForm(request.POST or None, request.FILES or None, initial=_prefill(resource))
    if request.method == "POST" and form.is_valid():
        values = form.values()
        topics = values.pop("topics")
        file = values.pop("file")
        try:
            services.resource_update(
                resource=resource, acting=request.user, topics=topics, file=file, **values
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The resource is saved."))
            return redirect("library:detail", resource.pk)
    return render(request, "library/resource_form.html", {"form": form, "resource": resource})


# COUNTER's "double-click" rule: the same file downloaded again by the same session within 30 seconds
# counts once.
DOUBLE_CLICK_SECONDS = 30
RECENT_KEY = "library.downloaded"


def _counts(request, resource: Resource) -> bool:
    """Whether this request counts as a download: a GET by a person's browser (not a robot's, see
    ``robots``), not a repeat of the same file within 30 seconds in the same session. The session
    keeps the times of its last downloads (no address is stored)."""
    if request.method != "GET" or is_robot(request.headers.get("User-Agent")):
        return False
    now = timezone.now().timestamp()
    recent = {
        key: at
        for key, at in request.session.get(RECENT_KEY, {}).items()
        if isinstance(at, int | float) and 0 <= now - at < DOUBLE_CLICK_SECONDS
    }
    repeated = str(resource.pk) in recent
    if not repeated:
        recent[str(resource.pk)] = now
    request.session[RECENT_KEY] = recent
    return not repeated


@require_safe
def resource_download(request, pk: int):
    """Count the download (month, the person's country; see ``_counts``), then serve the file or go to
    the link."""
    resource = queries.resource_for_viewer(viewer=request.user, pk=pk)
    if not resource.file and not resource.link:
        raise Http404
    if _counts(request, resource):
        services.download_record(resource=resource, person=request.user)
    if not resource.file:
        return HttpResponseRedirect(resource.link)
    name = os.path.basename(resource.file.name)
    content_type = CONTENT_TYPES.get(os.path.splitext(name)[1].lower(), "application/octet-stream")
    try:
        handle = resource.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def resource_citation(request, pk: int, style: str):
    resource = queries.resource_for_viewer(viewer=request.user, pk=pk)
    url = _public_url(request, resource)
    if style == "bibtex":
        body, content_type, extension = citation.bibtex(resource, url=url), "application/x-bibtex", "bib"
    elif style == "apa":
        body, content_type, extension = citation.apa(resource, url=url) + "\n", "text/plain", "txt"
    else:
        raise Http404
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{citation.bibtex_key(resource)}.{extension}"'
    return response


CATALOGUE_HEADERS = (
    "id",
    "type",
    "title",
    "authors",
    "publisher",
    "date",
    "edition",
    "language",
    "topics",
    "countries",
    "licence",
    "group",
    "visibility",
    "link",
)


def _catalogue_rows(resources):
    for r in resources.iterator(chunk_size=500):
        yield (
            r.pk,
            r.kind,
            r.title,
            "; ".join(r.authors),
            r.publisher,
            r.published_on.isoformat(),
            r.edition,
            r.language,
            "; ".join(t.name for t in r.topics.all()),
            " ".join(str(code) for code in r.countries),
            r.licence,
            r.group.name if r.group else "",
            r.visibility,
            r.link,
        )


@require_GET
def catalogue_export(request, fmt: str):
    """The catalogue as the viewer may see it, with the search's filters, as CSV or XLSX."""
    filters = queries.ResourceFilters.from_query(request.GET)
    resources = queries.catalogue(viewer=request.user, filters=filters)
    rows = _catalogue_rows(resources)
    if fmt == "xlsx":
        return xlsx_response(
            filename="library-catalogue", sheet=_("Library"), headers=CATALOGUE_HEADERS, rows=rows
        )
    if fmt == "csv":
        return csv_response(filename="library-catalogue", headers=CATALOGUE_HEADERS, rows=rows)
    raise Http404


@require_GET
def group_library(request, slug: str):
    """A group's resources, and (for its co-chairs) the deliverables that can become one."""
    group = group_queries.group_for_viewer(viewer=request.user, slug=slug)
    may_publish = request.user.is_authenticated and may_publish_for(request.user, group)
    return render(
        request,
        "library/group_library.html",
        {
            "group": group,
            "resources": queries.group_resources(group=group, viewer=request.user)[:200],
            "deliverables": list(queries.publishable_deliverables(group=group)) if may_publish else [],
            "may_publish": may_publish,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def from_deliverable(request, slug: str, deliverable: int):
    """A deliverable becomes a resource: the form comes prefilled from it; one POST publishes it."""
    group = group_queries.group_for_viewer(viewer=request.user, slug=slug)
    if not may_publish_for(request.user, group):
        raise PermissionDenied("library.publish")
    item = queries.deliverable_of_group(group=group, pk=deliverable)
    if hasattr(item, "resource"):
        return redirect("library:detail", item.resource.pk)
    initial = services.deliverable_prefill(item) | {"visibility": "public", "language": request.LANGUAGE_CODE}
    initial["authors"] = "\n".join(initial["authors"])
    form = ResourceForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.resource_from_deliverable(
                deliverable=item, acting=request.user, **form.values()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The deliverable is in the library."))
            return redirect("library:detail", resource.pk)
    return render(request, "library/resource_form.html", {"form": form, "deliverable": item, "group": group})
