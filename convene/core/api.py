"""The REST API under /api/v1/: one NinjaAPI, token authentication, routers from each app."""

from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

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
        return api_token.person


api = NinjaAPI(
    title="Convene API",
    version="1",
    description="The REST API of Convene. Authenticate with a personal token: `Authorization: Bearer <token>`.",
    urls_namespace="api",
    auth=[PersonalToken(), django_auth],
    docs_url="/docs",
)


def _register_routers() -> None:
    from convene.people.api import router as people_router

    api.add_router("/", people_router)


_register_routers()
