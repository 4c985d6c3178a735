"""The results pages: frameworks, indicators, measurements, the shared catalogue."""

from django.urls import path

from . import views

app_name = "results"

PLAN = "groups/<slug:slug>/plans/<id:plan>/"

urlpatterns = [
    path(f"{PLAN}results/", views.framework, name="framework"),
    path(f"{PLAN}results/new/", views.result_create, name="result_create"),
    path(f"{PLAN}results/<id:pk>/edit/", views.result_edit, name="result_edit"),
    path(f"{PLAN}results/<id:pk>/delete/", views.result_delete, name="result_delete"),
    path(f"{PLAN}indicators/new/", views.indicator_create, name="indicator_create"),
    path(f"{PLAN}indicators/adopt/", views.indicator_adopt, name="indicator_adopt"),
    path(f"{PLAN}indicators/<id:pk>/", views.indicator, name="indicator"),
    path(f"{PLAN}indicators/<id:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path(f"{PLAN}indicators/<id:pk>/delete/", views.indicator_delete, name="indicator_delete"),
    path(f"{PLAN}indicators/<id:pk>/targets/", views.targets, name="targets"),
    path(f"{PLAN}indicators/<id:pk>/measurements/new/", views.measurement_create, name="measurement_create"),
    path(f"{PLAN}measurements/<id:pk>/review/", views.measurement_review, name="measurement_review"),
    path(f"{PLAN}measurements/<id:pk>/withdraw/", views.measurement_withdraw, name="measurement_withdraw"),
    path(f"{PLAN}measurements/<id:pk>/evidence/", views.evidence, name="evidence"),
    path("results/shared/", views.catalogue, name="catalogue"),
    path("results/shared/new/", views.shared_create, name="shared_create"),
    path("results/shared/<id:pk>/", views.shared, name="shared"),
    path("results/shared/<id:pk>/edit/", views.shared_edit, name="shared_edit"),
]
