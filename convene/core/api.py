"""The REST API under /api/v1/: one NinjaAPI, token authentication, routers from each app."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http.request import RawPostDataException
from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from convene.core.concurrency import EditConflict
from convene.core.security import MfaRequired, ensure_api_mfa
from convene.people.models import ApiToken


class PersonalToken(HttpBearer):
    """``Authorization: Bearer cvn_…``: a personal token made on the profile's token page."""

    def authenticate(self, request, token: str):
        if not token or len(token) > 200:
            return None
        api_token = (
            ApiToken.objects.select_related("person")
            .filter(key_hash=ApiToken.hash_key(token), revoked_at__isnull=True, person__is_active=True)
            .first()
        )
        if api_token is None:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.person
        # How the request authenticated: a route that asks a session for the password again
        # (people.api.my_data) accepts the token, a credential made with the password.
        request.api_token = api_token
        # A secretariat member without two-factor authentication (when required): 403, see below.
        ensure_api_mfa(request, api_token.person)
        return api_token.person


api = NinjaAPI(
    title="Convene API",
    version="1",
    description="The REST API of Convene. Authenticate with a personal token: `Authorization: Bearer <token>`.",
    urls_namespace="api",
    auth=[PersonalToken(), django_auth],
    docs_url="/docs",
)


@api.exception_handler(MfaRequired)
def _mfa_required(request, exc: MfaRequired):
    """A secretariat member must turn on two-factor authentication before using the API."""
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(PermissionDenied)
def _permission_denied(request, exc: PermissionDenied):
    """A refused rule (``ensure`` in a service): 403 in JSON, not Django's HTML page."""
    return api.create_response(request, {"detail": "You may not do this."}, status=403)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    """Bad input refused by a service: 422 with its messages, in ninja's ``detail`` shape."""
    return api.create_response(request, {"detail": [str(m) for m in exc.messages]}, status=422)


@api.exception_handler(EditConflict)
def _edit_conflict(request, exc: EditConflict):
    """An edit made from an outdated ``revision``: 409 with what changed since, nothing written."""
    return api.create_response(request, exc.as_dict(), status=409)


@api.exception_handler(RawPostDataException)
def _form_body(request, exc: RawPostDataException):
    """A form-encoded POST to an endpoint that reads JSON: say so rather than fail."""
    return api.create_response(request, {"detail": "Send the request body as JSON."}, status=415)


def _register_routers() -> None:
    from convene.groups.api import router as groups_router
    from convene.people.api import router as people_router
    from convene.plans.api import router as plans_router
    from convene.results.api import router as results_router

    api.add_router("/", people_router)
    api.add_router("/", groups_router)
    api.add_router("/", plans_router)
    api.add_router("/", results_router)


_register_routers()
