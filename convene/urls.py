from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from convene.api import api
from convene.core.api import not_found
from convene.home import home
from convene.people.views import set_language
from convene.plans.urls import urlpatterns as plans_urlpatterns
from convene.reports.urls import urlpatterns as reports_urlpatterns

admin.site.site_header = _("Convene back office")
admin.site.site_title = "Convene"
# The back office logs in through allauth, so two-factor authentication and lockouts apply there too.
admin.site.login = secure_admin_login(admin.site.login)

# Styled like the site and rendered without the database (convene/templates/500.html).
handler500 = "convene.core.views.server_error"

urlpatterns = [
    # The personal home reads every app; the language switcher keeps a person's choice on their
    # account: both sit above core, under the names they always had.
    path("", home, name="home"),
    path("language/", set_language, name="set_language"),
    path("", include("convene.core.urls")),
    path("", include("convene.people.urls")),
    path("", include("convene.governance.urls")),
    path("", include("convene.groups.urls")),
    # A work plan's exports and import (reports, above plans and results) keep their "plans:" names.
    path("", include((plans_urlpatterns + reports_urlpatterns, "plans"))),
    path("", include("convene.results.urls")),
    path("", include("convene.meetings.urls")),
    path("", include("convene.events.urls")),
    path("", include("convene.reports.urls_updates")),
    path("", include("convene.library.urls")),
    path("", include("convene.datacall.urls")),
    path("", include("convene.advocacy.urls")),
    path("", include("convene.mailing.urls")),
    path("", include("convene.comms.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # After the API's own paths: anything else under /api/v1/ is a 404 in JSON, not the HTML page.
    re_path(r"^api/v1/(?P<rest>.+)$", not_found, name="api_not_found"),
]
