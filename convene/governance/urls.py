from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("governance/roles/", views.roles, name="roles"),
    path("governance/roles/new/", views.term_create, name="term_create"),
    path("governance/roles/<id:term_id>/end/", views.term_end, name="term_end"),
    path("governance/decisions/", views.decisions, name="decisions"),
]
