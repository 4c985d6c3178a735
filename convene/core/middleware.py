import zoneinfo

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django_htmx.http import HttpResponseClientRedirect

from convene.core import security


class PersonPreferencesMiddleware:
    """Show a logged-in person the site in their own language and time zone.

    Anonymous visitors get the language from the switcher's cookie or their browser
    (LocaleMiddleware) and UTC, or the time zone they chose with the switcher's cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        person = getattr(request, "user", None)
        tz_name = request.COOKIES.get("convene_tz", "")
        if person is not None and person.is_authenticated:
            if person.language:
                translation.activate(person.language)
                request.LANGUAGE_CODE = person.language
            tz_name = person.time_zone or tz_name
        try:
            timezone.activate(zoneinfo.ZoneInfo(tz_name)) if tz_name else timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class AccountSafeguardsMiddleware:
    """MFA for the secretariat on every page, and rate limits on the API (see convene.core.security).

    Sits right after allauth's AccountMiddleware. Does nothing (no query, no cache) on a page when
    ``CONVENE_REQUIRE_MFA_FOR_SECRETARIAT`` is off; counts every /api/ call in the cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(security.API_PREFIX):
            limited = security.check_api_rate(request)
            if limited is not None:
                return limited
            # Token calls are checked by PersonalToken; this covers calls made with the session.
            if security.lacks_required_mfa(request, getattr(request, "user", None)):
                return security.mfa_api_response()
            return security.api_json_answer(self.get_response(request))

        if security.mfa_required_enabled() and not security.mfa_exempt_path(request.path):
            person = getattr(request, "user", None)
            if security.lacks_required_mfa(request, person):
                setup_url = reverse("mfa_activate_totp")
                if request.method in ("GET", "HEAD"):
                    messages.warning(request, security.mfa_message())
                    if getattr(request, "htmx", False):
                        return HttpResponseClientRedirect(setup_url)
                    return redirect(setup_url)
                # A form sent before the rule applied: say why it was not saved rather than redirect.
                return render(request, "account/mfa_required.html", {"setup_url": setup_url}, status=403)
        return self.get_response(request)
