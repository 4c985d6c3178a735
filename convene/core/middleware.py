import zoneinfo

from django.utils import timezone, translation


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
