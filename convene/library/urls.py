"""The library's URLs (namespace "library"): search, one resource, its download and citation, the
catalogue export, a group's resources and its deliverables turned into resources."""

from django.urls import path

from . import views

app_name = "library"

urlpatterns = [
    path("library/", views.resource_list, name="list"),
    path("library/new/", views.resource_new, name="new"),
    path("library/export.<str:fmt>", views.catalogue_export, name="export"),
    path("library/<id:pk>/", views.resource_detail, name="detail"),
    path("library/<id:pk>/edit/", views.resource_edit, name="edit"),
    path("library/<id:pk>/download/", views.resource_download, name="download"),
    path("library/<id:pk>/cite.<str:style>", views.resource_citation, name="citation"),
    path("groups/<slug:slug>/library/", views.group_library, name="group"),
    path(
        "groups/<slug:slug>/library/deliverables/<id:deliverable>/",
        views.from_deliverable,
        name="from_deliverable",
    ),
]
