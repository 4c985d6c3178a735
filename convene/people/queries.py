"""Reads about people, shaped once for the pages and the API (STYLE §2)."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from convene.core.i18n import localized_choices
from convene.core.rules import is_secretariat

from .models import (
    EmailVisibility,
    Language,
    MembershipStatus,
    Organisation,
    Profile,
    Sector,
    Topic,
    is_member,
)


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    country: str = ""
    sector: str = ""
    language: str = ""
    topic: str = ""


def directory_search(*, viewer, filters: DirectoryFilters) -> QuerySet[Profile]:
    """Active members the viewer may see, matching the search, ordered by name.

    The query shape never depends on the number of rows: one count, one page, two prefetches.
    """
    qs = Profile.objects.members().visible_to(viewer).matching(filters.q)
    if filters.country:
        qs = qs.filter(country=filters.country)
    if filters.sector:
        qs = qs.filter(sector=filters.sector)
    if filters.language:
        qs = qs.filter(languages__code=filters.language)
    if filters.topic:
        qs = qs.filter(topics__slug=filters.topic)
    return (
        qs.select_related("person", "organisation")
        .prefetch_related(
            Prefetch("languages", queryset=Language.objects.only("code", "name")),
            Prefetch("topics", queryset=Topic.objects.only("id", "name", "slug", "name_translations")),
        )
        .order_by("name", "person_id")
    )


def profile_for_viewer(*, viewer, person_id: int) -> Profile:
    """One profile, or 404 when it does not exist or its owner does not let the viewer see it."""
    is_own = viewer is not None and viewer.is_authenticated and viewer.pk == person_id
    # An applicant is not yet a member, so visible_to() alone would hide their own profile from them.
    profiles = Profile.objects.all() if is_own else Profile.objects.visible_to(viewer)
    profile = (
        profiles.select_related("person", "organisation")
        .prefetch_related("languages", "topics")
        .filter(person_id=person_id)
        .first()
    )
    if profile is None:
        raise Http404
    # Like the directory (ProfileQuerySet.members): only active members of active accounts, except
    # for the secretariat and the owner.
    listed = profile.membership_status == MembershipStatus.ACTIVE and profile.person.is_active
    if not (listed or is_own or is_secretariat(viewer)):
        raise Http404
    return profile


def email_visible(*, viewer, profile: Profile) -> bool:
    if viewer is None or not viewer.is_authenticated:
        return False
    if viewer.pk == profile.person_id or is_secretariat(viewer):
        return True
    return profile.email_visibility == EmailVisibility.MEMBERS and is_member(viewer)


FILTER_CHOICES_CACHE_KEY = "people:directory_filter_choices"
FILTER_CHOICES_SECONDS = 600


def directory_filter_choices() -> dict:
    """Options for the directory's filters: only values that members actually have.

    Finding the countries and languages in use reads every member (about 0.5 s at 100,000), so
    the answer is cached for ten minutes: a new country shows in the filter a little later. The
    names are in the viewer's language, so there is one answer per language.
    """
    key = f"{FILTER_CHOICES_CACHE_KEY}:{get_language() or settings.LANGUAGE_CODE}"
    return cache.get_or_set(key, _directory_filter_choices, FILTER_CHOICES_SECONDS)


def _directory_filter_choices() -> dict:
    used_countries = set(
        Profile.objects.members().exclude(country="").values_list("country", flat=True).distinct()
    )
    used_languages = Profile.languages.through.objects.filter(
        profile__membership_status=MembershipStatus.ACTIVE, language_id=OuterRef("code")
    )
    return {
        "countries": [(code, str(name)) for code, name in countries if code in used_countries],
        "sectors": [(code, str(label)) for code, label in Sector.choices],
        "languages": sorted(
            ((language.code, str(language)) for language in Language.objects.filter(Exists(used_languages))),
            key=lambda pair: pair[1].casefold(),
        ),
        "topics": localized_choices(Topic.objects.all()),
    }


def pending_members() -> QuerySet[Profile]:
    return (
        Profile.objects.filter(membership_status=MembershipStatus.PENDING)
        .select_related("person", "organisation")
        .order_by("person__date_joined", "person_id")
    )


@dataclass(frozen=True)
class NetworkFigures:
    members: int
    countries: int
    organisations: int
    by_sector: list[tuple[str, int]]
    by_country: list[tuple[str, str, int]]
    growth: list[tuple[int, int, int]]  # (year, joined that year, members at the end of the year)


def network_figures() -> NetworkFigures:
    """The network's size, spread and growth, computed from membership data (never typed in)."""
    members = Profile.objects.members()
    totals = members.aggregate(
        members=Count("pk"),
        countries=Count("country", distinct=True, filter=~Q(country="")),
        organisations=Count("organisation", distinct=True),
    )
    sector_labels = dict(Sector.choices)
    by_sector = [
        (str(sector_labels.get(row["sector"], sector_labels[Sector.OTHER])), row["n"])
        for row in members.values("sector").annotate(n=Count("pk")).order_by("-n", "sector")
    ]
    by_country = [
        (row["country"], countries.name(row["country"]), row["n"])
        for row in members.exclude(country="")
        .values("country")
        .annotate(n=Count("pk"))
        .order_by("-n", "country")
    ]
    # Growth counts everyone who ever joined, so people who left still count in the years they were in.
    joined = (
        Profile.objects.filter(joined_on__isnull=False)
        .annotate(year=ExtractYear("joined_on"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("year")
    )
    left = dict(
        Profile.objects.filter(left_on__isnull=False)
        .annotate(year=ExtractYear("left_on"))
        .values("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
    )
    growth, running = [], 0
    for row in joined:
        running += row["n"] - left.get(row["year"], 0)
        growth.append((row["year"], row["n"], running))
    return NetworkFigures(
        members=totals["members"],
        countries=totals["countries"],
        organisations=totals["organisations"],
        by_sector=by_sector,
        by_country=by_country,
        growth=growth,
    )


DIRECTORY_EXPORT_HEADERS = [
    _("Name"),
    _("E-mail"),
    _("Country"),
    _("Organisation"),
    _("Position"),
    _("Sector"),
    _("Languages"),
    _("Expertise topics"),
    _("Joined"),
]


def directory_export_rows(*, viewer, filters: DirectoryFilters):
    """The directory as rows, streamed in chunks; e-mail only where the viewer may see it."""
    sector_labels = dict(Sector.choices)
    qs = directory_search(viewer=viewer, filters=filters)
    for profile in qs.iterator(chunk_size=1000):
        yield [
            profile.name,
            profile.person.email if email_visible(viewer=viewer, profile=profile) else "",
            profile.country.name if profile.country else "",
            profile.organisation.name if profile.organisation_id else "",
            profile.job_title,
            str(sector_labels.get(profile.sector, "")),
            ", ".join(language.name for language in profile.languages.all()),
            ", ".join(topic.localized_name for topic in profile.topics.all()),
            profile.joined_on.isoformat() if profile.joined_on else "",
        ]


def organisations_with_counts(*, q: str = "") -> QuerySet[Organisation]:
    qs = Organisation.objects.annotate(
        member_count=Count("profiles", filter=Q(profiles__membership_status=MembershipStatus.ACTIVE))
    )
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("name")


def imports_waiting(*, limit: int = 10):
    """Member lists uploaded and not imported yet (being read, unreadable, or waiting to be confirmed)."""
    from .models import MemberImport, MemberImportStatus

    return list(
        MemberImport.objects.exclude(status=MemberImportStatus.COMMITTED)
        .only("pk", "filename", "status", "created_at")
        .order_by("-created_at", "-pk")[:limit]
    )
