from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from convene.core.api_schemas import READ_ERRORS, ErrorOut, IsoDate, PathId
from convene.core.errors import error_body
from convene.core.pagination import ApiPagination

from . import queries
from .models import Organisation, Sector

router = Router(tags=["people"])


SectorValue = Literal["", *Sector.values]  # type: ignore[valid-type]
COUNTRY = {"pattern": "^([A-Z]{2})?$", "description": "ISO 3166 alpha-2 country code; empty when not given."}


class OrganisationOut(Schema):
    id: int
    name: str
    sector: SectorValue
    country: str = Field(..., **COUNTRY)
    website: str

    @staticmethod
    def resolve_country(obj) -> str:
        return obj.country.code if obj.country else ""


class MemberOut(Schema):
    id: int = Field(..., alias="person_id")
    name: str
    email: str | None = Field(None, description="Only when the member lets the caller see it.")
    country: str = Field(..., **COUNTRY)
    organisation: str | None
    job_title: str
    sector: SectorValue
    languages: list[str]
    topics: list[str]
    bio: str
    joined_on: IsoDate | None

    @staticmethod
    def resolve_country(obj) -> str:
        return obj.country.code if obj.country else ""

    @staticmethod
    def resolve_organisation(obj) -> str | None:
        return obj.organisation.name if obj.organisation_id else None

    @staticmethod
    def resolve_languages(obj) -> list[str]:
        return [language.code for language in obj.languages.all()]

    @staticmethod
    def resolve_topics(obj) -> list[str]:
        return [topic.slug for topic in obj.topics.all()]

    @staticmethod
    def resolve_email(obj, context) -> str | None:
        viewer = context["request"].user
        return obj.person.email if queries.email_visible(viewer=viewer, profile=obj) else None


class MemberFilters(FilterSchema):
    q: str = Field("", max_length=100, description="Words in the name, organisation, position or topics.")
    country: str = Field("", pattern="^([A-Za-z]{2})?$", description="ISO 3166 alpha-2 country code.")
    sector: SectorValue = ""
    language: str = Field("", max_length=10, description="Language code, e.g. fr.")
    topic: str = Field("", max_length=120, description="Topic slug.")


@router.get("members", response={200: list[MemberOut], **READ_ERRORS}, summary="Search the member directory")
@paginate(ApiPagination, page_size=50)
def list_members(request, filters: Query[MemberFilters]):
    """Active members the caller may see, under each profile's privacy choices."""
    data = filters.model_dump()
    return queries.directory_search(viewer=request.user, filters=queries.DirectoryFilters(**data))


@router.get("members/{person_id}", response={200: MemberOut, **READ_ERRORS}, summary="One member")
def get_member(request, person_id: PathId):
    return queries.profile_for_viewer(viewer=request.user, person_id=person_id)


ZIP = {"schema": {"type": "string", "format": "binary"}}


@router.get(
    "me/data",
    response={401: ErrorOut, 403: ErrorOut, 429: ErrorOut},
    summary="Download all the data Convene holds about you",
    openapi_extra={
        "responses": {
            "200": {
                "description": "A ZIP archive: one JSON file per kind of record, manifest.json and README.txt. "
                "Sent as application/zip, or as application/octet-stream to a client that asks only for that.",
                # Both: generated clients that know no application/zip read the archive as bytes.
                "content": {"application/zip": ZIP, "application/octet-stream": ZIP},
            }
        }
    },
)
def my_data(request):
    """The same archive as the "Your data" page (people/privacy.py), for the token's owner.

    With a session instead of a token, the same recent confirmation of the password as the page's
    download (/account/data/download/): a borrowed session must not be enough to take everything.
    """
    from allauth.account.internal.flows.reauthentication import is_reauthentication_required

    from convene.core.privacy import privacy_export

    from .views import zip_response

    if getattr(request, "api_token", None) is None and is_reauthentication_required(request, app=""):
        detail = gettext(
            "Confirm your password first: %(url)s, or use a personal token (Authorization: Bearer)."
        ) % {
            "url": reverse("account_reauthenticate")
            + "?"
            + urlencode({"next": reverse("people:privacy_download")})
        }
        return JsonResponse(error_body(detail, "reauthentication_required"), status=403)
    response = zip_response(privacy_export(request.user), person=request.user)
    accept = request.headers.get("Accept", "")
    if "application/octet-stream" in accept and "application/zip" not in accept:
        response["Content-Type"] = "application/octet-stream"
    return response


@router.get(
    "organisations", response={200: list[OrganisationOut], **READ_ERRORS}, summary="List organisations"
)
@paginate(ApiPagination, page_size=100)
def list_organisations(request, q: str = Query("", max_length=100, description="Words in the name.")):
    if not request.user.is_authenticated:
        raise PermissionDenied
    return queries.organisations_with_counts(q=q)


@router.get(
    "organisations/{organisation_id}",
    response={200: OrganisationOut, **READ_ERRORS},
    summary="One organisation",
)
def get_organisation(request, organisation_id: PathId):
    return get_object_or_404(Organisation, pk=organisation_id)
