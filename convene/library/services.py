"""Every write of the library (STYLE §1): publishing a resource (also its next edition, a translation,
or a group's deliverable), changing it, and counting a download.

A refused write changes nothing and says why (``ValidationError`` naming the field, or
``PermissionDenied``)."""

from __future__ import annotations

import datetime
import io
import os
import zipfile
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries as all_countries

from convene.core.rules import ensure
from convene.groups.models import Group
from convene.people.models import Person, Topic
from convene.plans.models import Deliverable, DeliverableStatus

from .models import BCP47, DownloadCount, Resource, ResourceKind, ResourceVisibility, fold
from .rules import may_publish_for

MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_AUTHORS = 50
# The types an evidence file may have (results.services.EVIDENCE_TYPES), and slides: the content must
# start as its name says; text must hold no NUL byte.
FILE_TYPES = {
    ".pdf": b"%PDF",
    ".png": b"\x89PNG",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".docx": b"PK\x03\x04",
    ".xlsx": b"PK\x03\x04",
    ".pptx": b"PK\x03\x04",
    ".csv": None,
    ".txt": None,
}
# An Office file is a zip: refused when it declares more parts or more unpacked bytes than an honest
# document holds (a zip bomb), or a path that climbs out of the archive.
MAX_ZIP_ENTRIES = 5_000
MAX_ZIP_INFLATION = 20
MAX_ZIP_TOTAL = 200 * 1024 * 1024


def check_file(upload) -> None:
    """A resource file: a known type whose content matches its name, not too big, not a zip bomb."""
    if upload is None:
        return
    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in FILE_TYPES:
        raise ValidationError({"file": _("Attach a PDF, PNG, JPEG, DOCX, XLSX, PPTX, CSV or text file.")})
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError({"file": _("The file is larger than 25 MB.")})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    magic = FILE_TYPES[extension]
    mismatch = ValidationError({"file": _("The file's content does not match its type.")})
    if magic is not None and not head.startswith(magic):
        raise mismatch
    if magic is None:
        has_nul = b"\x00" in upload.read(64 * 1024)
        upload.seek(0)
        if has_nul:
            raise mismatch
    if magic == b"PK\x03\x04":
        _check_zip(upload, extension)


def _check_zip(upload, extension: str) -> None:
    data = upload.read()
    upload.seek(0)
    refused = ValidationError(
        {"file": _("The file unpacks to far more data than a document holds, or is damaged; it is refused.")}
    )
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise refused from None
    total = sum(info.file_size for info in infos)
    if (
        len(infos) > MAX_ZIP_ENTRIES
        or total > min(MAX_ZIP_TOTAL, max(len(data), 1024 * 1024) * MAX_ZIP_INFLATION)
        or any(".." in info.filename or info.filename.startswith("/") for info in infos)
    ):
        raise refused
    expected = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}[extension]
    if not any(info.filename.startswith(expected) for info in infos):
        raise ValidationError({"file": _("The file's content does not match its type.")})


def _clean_authors(authors) -> list[str]:
    if isinstance(authors, str):
        authors = authors.splitlines()
    cleaned = [" ".join(str(a).split()) for a in authors or []]
    cleaned = [a[:200] for a in cleaned if a]
    if len(cleaned) > MAX_AUTHORS:
        raise ValidationError({"authors": _("A resource lists at most 50 authors.")})
    return cleaned


def _clean_countries(codes: Iterable[str]) -> list[str]:
    cleaned = []
    for code in codes or []:
        code = str(code).upper()
        if code not in all_countries:
            raise ValidationError({"countries": _("“%(code)s” is not a country.") % {"code": code}})
        if code not in cleaned:
            cleaned.append(code)
    return cleaned


def _clean(fields: dict) -> dict:
    """The fields of a resource, checked; raises ValidationError naming the field."""
    title = " ".join(str(fields.get("title") or "").split())
    if not title:
        raise ValidationError({"title": _("Give the resource a title.")})
    if fields.get("kind") not in ResourceKind.values:
        raise ValidationError({"kind": _("Choose the type of resource.")})
    if fields.get("visibility", ResourceVisibility.PUBLIC) not in ResourceVisibility.values:
        raise ValidationError({"visibility": _("Choose who sees the resource.")})
    language = str(fields.get("language") or "").strip()
    try:
        BCP47(language)
    except ValidationError:
        raise ValidationError({"language": BCP47.message}) from None
    published_on = fields.get("published_on")
    if not isinstance(published_on, datetime.date):
        raise ValidationError({"published_on": _("Give the date of publication.")})
    link = str(fields.get("link") or "").strip()
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            raise ValidationError(
                {"link": _("Give a web address starting with https:// or http://.")}
            ) from None
    return {
        **fields,
        "title": title[:300],
        "language": language,
        "link": link,
        "authors": _clean_authors(fields.get("authors")),
        "countries": _clean_countries(fields.get("countries")),
        "publisher": str(fields.get("publisher") or "").strip()[:200],
        "licence": str(fields.get("licence") or "").strip()[:100],
        "abstract": str(fields.get("abstract") or "").strip(),
    }


def search_text_of(resource: Resource) -> str:
    return fold(resource.title, " ".join(resource.authors), resource.abstract)


FIELDS = (
    "kind",
    "title",
    "authors",
    "publisher",
    "published_on",
    "language",
    "countries",
    "licence",
    "abstract",
    "link",
    "visibility",
)


@transaction.atomic
def resource_create(
    *,
    acting: Person,
    kind: str,
    title: str,
    published_on: datetime.date,
    language: str,
    authors: Sequence[str] = (),
    publisher: str = "",
    topics: Iterable[Topic] = (),
    countries: Iterable[str] = (),
    licence: str = "",
    abstract: str = "",
    file=None,
    link: str = "",
    group: Group | None = None,
    visibility: str = ResourceVisibility.PUBLIC,
    supersedes: Resource | None = None,
    translation_of: Resource | None = None,
    deliverable: Deliverable | None = None,
) -> Resource:
    """Publish a resource: for the network (secretariat) or for a group (its co-chairs, or the
    secretariat). ``supersedes`` makes it the next edition of that resource; ``translation_of`` a
    translation of that one (or of the resource it translates)."""
    if not may_publish_for(acting, group):
        raise PermissionDenied("library.publish")
    fields = _clean(
        {
            "kind": kind,
            "title": title,
            "authors": authors,
            "publisher": publisher,
            "published_on": published_on,
            "language": language,
            "countries": countries,
            "licence": licence,
            "abstract": abstract,
            "link": link,
            "visibility": visibility,
        }
    )
    if file is None and not fields["link"]:
        raise ValidationError({"file": _("Attach the file or give the link where the resource is.")})
    check_file(file)
    edition = 1
    if supersedes is not None:
        supersedes = Resource.objects.select_for_update().get(pk=supersedes.pk)
        ensure(acting, "library.manage_resource", supersedes)
        if Resource.objects.filter(supersedes=supersedes).exists():
            raise ValidationError({"supersedes": _("That resource has a later edition already.")})
        edition = supersedes.edition + 1
    if translation_of is not None:
        root = translation_of.translation_of or translation_of
        root = Resource.objects.select_for_update().get(pk=root.pk)
        ensure(acting, "library.manage_resource", root)
        languages = {root.language.lower()} | {
            language.lower() for language in root.translations.values_list("language", flat=True)
        }
        if fields["language"].lower() in languages:
            raise ValidationError({"language": _("A translation into this language is linked already.")})
        translation_of = root
    if deliverable is not None:
        if Resource.objects.filter(deliverable=deliverable).exists():
            raise ValidationError({"deliverable": _("This deliverable is in the library already.")})
        if deliverable.plan.group_id != getattr(group, "pk", None):
            raise ValidationError({"deliverable": _("The deliverable belongs to another group's plan.")})
        if deliverable.status == DeliverableStatus.CANCELLED:
            raise ValidationError({"deliverable": _("A cancelled deliverable cannot be published.")})
    resource = Resource(
        **fields,
        group=group,
        edition=edition,
        supersedes=supersedes,
        translation_of=translation_of,
        deliverable=deliverable,
        created_by=acting,
    )
    if file is not None:
        resource.file = file
    resource.search_text = search_text_of(resource)
    resource.save()
    resource.topics.set(list(topics or []))
    return resource


@transaction.atomic
def resource_update(
    *, resource: Resource, acting: Person, topics: Iterable[Topic] | None = None, file=None, **changes
) -> Resource:
    """Change a resource's description, file or link (its group, edition and translations stay)."""
    resource = Resource.objects.select_for_update(of=("self",)).select_related("group").get(pk=resource.pk)
    ensure(acting, "library.manage_resource", resource)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"not a field of a resource: {', '.join(sorted(unknown))}")
    fields = _clean({name: changes.get(name, getattr(resource, name)) for name in FIELDS})
    if file is None and not fields["link"] and not resource.file:
        raise ValidationError({"link": _("Attach the file or give the link where the resource is.")})
    check_file(file)
    if resource.translation_of_id or resource.translations.exists():
        root_id = resource.translation_root_id
        taken = Resource.objects.filter(Q(pk=root_id) | Q(translation_of_id=root_id)).values_list(
            "pk", "language"
        )
        if any(pk != resource.pk and lang.lower() == fields["language"].lower() for pk, lang in taken):
            raise ValidationError({"language": _("A translation into this language is linked already.")})
    for name, value in fields.items():
        setattr(resource, name, value)
    if file is not None:
        resource.file = file
    resource.search_text = search_text_of(resource)
    resource.save()
    if topics is not None:
        resource.topics.set(list(topics))
    return resource


def deliverable_prefill(deliverable: Deliverable) -> dict:
    """What a resource made from a deliverable starts with (the co-chair checks and completes it)."""
    group = deliverable.plan.group
    return {
        "title": deliverable.title,
        "abstract": deliverable.description,
        "authors": [group.name],
        "publisher": group.name,
        "published_on": timezone.localdate(),
        "kind": ResourceKind.REPORT,
    }


def resource_from_deliverable(*, deliverable: Deliverable, acting: Person, **fields) -> Resource:
    """A group's deliverable becomes a resource of the group in one step (the link is kept)."""
    group = deliverable.plan.group
    values = deliverable_prefill(deliverable) | fields
    return resource_create(acting=acting, group=group, deliverable=deliverable, **values)


def download_record(*, resource: Resource, person: Person | None, today: datetime.date | None = None) -> None:
    """Count one download in this month and the person's country (from their profile; "" when
    unknown or anonymous). Safe under concurrent downloads: the row is incremented in the database."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    country = ""
    if person is not None and person.is_authenticated:
        profile = getattr(person, "profile", None)
        country = str(getattr(profile, "country", "") or "")
    counted = DownloadCount.objects.filter(resource=resource, month=month, country=country)
    if counted.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            DownloadCount.objects.create(resource=resource, month=month, country=country, count=1)
    except IntegrityError:  # someone else created the row in between
        counted.update(count=F("count") + 1)
