"""Two account-level safeguards applied to every request: MFA for the secretariat, API rate limits.

* ``CONVENE_REQUIRE_MFA_FOR_SECRETARIAT``: a secretariat member without an active TOTP authenticator
  is sent to the two-factor setup page from every page but the few needed to set it up or log out;
  their API calls get 403 in JSON.
* ``CONVENE_API_RATE_PER_MINUTE`` / ``CONVENE_API_RATE_PER_ADDRESS``: a fixed one-minute window
  counted in Django's cache (locmem on a laptop, Redis when REDIS_URL is set), per token (or
  logged-in account) and per client address, for paths under /api/. Over the limit: 429 in JSON
  with Retry-After.

Both are wired by ``convene.core.middleware.AccountSafeguardsMiddleware`` (and, for token calls,
``convene.people.api_auth.PersonalToken``).
"""

import hashlib
import math
import time

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from convene.core.errors import error_body

API_PREFIX = "/api/"
WINDOW_SECONDS = 60
MFA_REQUIRED_MESSAGE = _(
    "As a member of the secretariat you must turn on two-factor authentication (an authenticator "
    "app) before you can use Convene. Set it up on this page."
)
MFA_REQUIRED_API_MESSAGE = (
    "Two-factor authentication is required for secretariat accounts: "
    "turn it on in your account settings before using the API."
)


class MfaRequired(PermissionDenied):
    """A secretariat member without two-factor authentication called the API."""


# --- MFA for the secretariat ---------------------------------------------------------------------


def mfa_required_enabled() -> bool:
    return bool(getattr(settings, "CONVENE_REQUIRE_MFA_FOR_SECRETARIAT", False))


def has_totp(request, person) -> bool:
    """Whether ``person`` has an active TOTP authenticator: one query, cached on the request."""
    cache_attr = "_convene_has_totp"
    cached = getattr(request, cache_attr, None)
    if cached is not None and cached[0] == person.pk:
        return cached[1]
    from allauth.mfa.models import Authenticator

    found = Authenticator.objects.filter(user_id=person.pk, type=Authenticator.Type.TOTP).exists()
    setattr(request, cache_attr, (person.pk, found))
    return found


def lacks_required_mfa(request, person) -> bool:
    """True when the setting is on and ``person`` is secretariat without TOTP.

    No query at all when the setting is off; the TOTP lookup only for secretariat people.
    """
    if not mfa_required_enabled() or person is None or not person.is_authenticated:
        return False
    from convene.core.rules import is_secretariat

    if not is_secretariat(person):
        return False
    return not has_totp(request, person)


def mfa_exempt_path(path: str) -> bool:
    """Pages a person must reach to set up two-factor authentication or to leave."""
    prefixes = [
        # allauth's account and mfa pages: /accounts/ (log in and out, reauthenticate, /accounts/2fa/).
        reverse("account_logout").removesuffix("logout/"),
        reverse("mfa_index"),
        reverse("set_language"),
        reverse("set_time_zone"),
    ]
    for setting in ("STATIC_URL", "MEDIA_URL"):
        url = getattr(settings, setting, None)
        if url:
            prefixes.append(url if url.startswith("/") else "/" + url)
    return any(path.startswith(prefix) for prefix in prefixes) or path in {"/favicon.ico", "/robots.txt"}


def ensure_api_mfa(request, person) -> None:
    """For token calls: refuse a secretariat member without two-factor authentication."""
    if lacks_required_mfa(request, person):
        raise MfaRequired(MFA_REQUIRED_API_MESSAGE)


def mfa_api_response() -> JsonResponse:
    return JsonResponse(error_body(MFA_REQUIRED_API_MESSAGE, "mfa_required"), status=403)


def mfa_message() -> str:
    return str(MFA_REQUIRED_MESSAGE)


# --- API rate limits -----------------------------------------------------------------------------


def _clock() -> float:
    return time.time()


def client_ip(request) -> str | None:
    """The client's address, found the way allauth's rate limits find it (axes counts by it too).

    One rule for both (ALLAUTH_TRUSTED_PROXY_COUNT, set from CONVENE_TRUSTED_PROXY_COUNT), so that
    behind a reverse proxy neither counts every person as the proxy's address.
    """
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return None


def client_address(request) -> str:
    try:
        address = client_ip(request)
    except Exception:  # noqa: BLE001 - never fail a request because the address is odd
        address = None
    return address or request.META.get("REMOTE_ADDR") or "unknown"


def _bearer_token(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _hit(key: str, window: int) -> int:
    """Count one request in ``key``'s window and return the count so far."""
    full_key = f"convene:api-rate:{key}:{window}"
    # add() is a no-op when the key exists; incr() is atomic on Redis.
    cache.add(full_key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        return cache.incr(full_key)
    except ValueError:  # expired between add() and incr()
        cache.set(full_key, 1, timeout=WINDOW_SECONDS + 5)
        return 1


def rate_limit_identity(request) -> str | None:
    """Who to count: the token (hashed, no query) or the logged-in account, else nobody."""
    token = _bearer_token(request)
    if token is not None:
        return "token:" + hashlib.sha256(token[:200].encode()).hexdigest()[:32]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"person:{user.pk}"
    return None


def check_api_rate(request) -> JsonResponse | None:
    """Count this API call; a 429 response when a limit is passed, else None."""
    now = _clock()
    window = int(now // WINDOW_SECONDS)
    retry_after = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
    per_identity = int(getattr(settings, "CONVENE_API_RATE_PER_MINUTE", 120))
    per_address = int(getattr(settings, "CONVENE_API_RATE_PER_ADDRESS", 600))

    over = False
    identity = rate_limit_identity(request)
    if identity is not None and per_identity > 0 and _hit(identity, window) > per_identity:
        over = True
    if per_address > 0 and _hit("addr:" + client_address(request), window) > per_address:
        over = True
    if not over:
        return None
    response = JsonResponse(
        error_body(
            _("Too many requests: try again in %(seconds)s seconds.") % {"seconds": retry_after},
            "too_many_requests",
        ),
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def api_json_answer(response):
    """Django's own answers under /api/ are HTML or plain text: ninja's 405 for a method a path does not
    take, the 404 of the API's root. The API answers JSON, in its one error shape (keeping ``Allow``)."""
    if response.status_code not in (404, 405) or response.get("Content-Type", "").startswith(
        "application/json"
    ):
        return response
    if response.status_code == 405:
        json_response = JsonResponse(
            error_body(_("This method is not allowed here."), "method_not_allowed"), status=405
        )
        if "Allow" in response:
            json_response["Allow"] = response["Allow"]
        return json_response
    return JsonResponse(error_body(_("No such API endpoint."), "not_found"), status=404)
