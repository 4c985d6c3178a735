"""The data call's URLs (namespace "datacall"). Every page shows what a person answered or who answered
what: none may be kept by a shared computer's browser or a proxy (``no_store``)."""

from django.urls import path

from convene.core.caching import no_store_paths

from . import views

app_name = "datacall"

urlpatterns = no_store_paths(
    [
        path("data-calls/", views.call_list, name="list"),
        path("data-calls/new/", views.call_new, name="new"),
        path("data-calls/<id:pk>/", views.call_detail, name="detail"),
        path("data-calls/<id:pk>/edit/", views.call_edit, name="edit"),
        path("data-calls/<id:pk>/answer/", views.call_answer, name="answer"),
        path("data-calls/<id:pk>/status/", views.call_status, name="status"),
        path("data-calls/<id:pk>/focal-points/", views.focal_point, name="focal_point"),
        path("data-calls/<id:pk>/countries/<str:code>/", views.country, name="country"),
        path("data-calls/<id:pk>/export.<str:fmt>", views.call_export, name="export"),
    ]
)
