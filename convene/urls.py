from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from convene.core.api import api

admin.site.site_header = _("Convene back office")
admin.site.site_title = "Convene"
# The back office logs in through allauth, so two-factor authentication and lockouts apply there too.
admin.site.login = secure_admin_login(admin.site.login)

# Styled like the site and rendered without the database (convene/templates/500.html).
handler500 = "convene.core.views.server_error"

urlpatterns = [
    path("", include("convene.core.urls")),
    path("", include("convene.people.urls")),
    path("", include("convene.governance.urls")),
    path("", include("convene.groups.urls")),
    path("", include("convene.plans.urls")),
    path("", include("convene.results.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
