"""The API's personal tokens: ``Authorization: Bearer cvn_…``, made on the profile's token page.

Wired into the API by ``convene.api``; the token is people's own model, so its check lives here."""

from django.utils import timezone
from ninja.security import HttpBearer

from convene.core.security import ensure_api_mfa
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
        # A secretariat member without two-factor authentication (when required): 403, see the
        # MfaRequired handler in convene.core.api.
        ensure_api_mfa(request, api_token.person)
        return api_token.person
