from django.contrib import admin
from django.urls import include, path

from convene.core.api import api

admin.site.site_header = "Convene back office"
admin.site.site_title = "Convene"

urlpatterns = [
    path("", include("convene.core.urls")),
    path("", include("convene.people.urls")),
    path("", include("convene.governance.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
