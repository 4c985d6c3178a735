"""Pages about a group's life and its governance (namespace "groups")."""

from django.urls import path

from . import views

urlpatterns = [
    path("groups/", views.group_list, name="list"),
    path("groups/propose/", views.propose, name="propose"),
    path("groups/overview/", views.overview, name="overview"),
    path("groups/overview.<str:fmt>", views.overview_export, name="overview_export"),
    path("groups/<slug:slug>/", views.detail, name="detail"),
    path("groups/<slug:slug>/proposal/", views.proposal_edit, name="proposal_edit"),
    path("groups/<slug:slug>/decide/", views.decide, name="decide"),
    path("groups/<slug:slug>/cochairs/", views.cochairs, name="cochairs"),
    path("groups/<slug:slug>/charter/", views.charter, name="charter"),
    path("groups/<slug:slug>/composition/", views.composition, name="composition"),
    path("groups/<slug:slug>/close/", views.close, name="close"),
    path("groups/<slug:slug>/workplan-received/", views.workplan_received, name="workplan_received"),
]
