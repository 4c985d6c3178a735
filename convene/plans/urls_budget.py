"""A work plan's budget, exchange rates, human-resource needs and timeline; the network's "help wanted"
list and volunteering (namespace "plans", see urls.py)."""

from django.urls import path

from . import views_budget as views

PLAN = "groups/<slug:slug>/plans/<id:plan>/"

urlpatterns = [
    path(f"{PLAN}budget/", views.budget, name="budget"),
    path(f"{PLAN}budget/new/", views.budget_line_form, name="budget_line_create"),
    path(f"{PLAN}budget/<id:pk>/edit/", views.budget_line_form, name="budget_line_edit"),
    path(f"{PLAN}budget/<id:pk>/delete/", views.budget_line_delete, name="budget_line_delete"),
    path(f"{PLAN}rates/", views.rates, name="rates"),
    path(f"{PLAN}rates/<id:pk>/delete/", views.rate_delete, name="rate_delete"),
    path(f"{PLAN}people/", views.hr, name="hr"),
    path(f"{PLAN}people/new/", views.hr_need_form, name="hr_need_create"),
    path(f"{PLAN}people/<id:pk>/edit/", views.hr_need_form, name="hr_need_edit"),
    path(f"{PLAN}people/<id:pk>/delete/", views.hr_need_delete, name="hr_need_delete"),
    path(f"{PLAN}timeline/", views.timeline, name="timeline"),
    path("help-wanted/", views.help_wanted, name="help_wanted"),
    path("tasks/<id:pk>/volunteer/", views.volunteer, name="volunteer"),
    path("volunteers/<id:pk>/decide/", views.volunteer_decide, name="volunteer_decide"),
    path("volunteers/<id:pk>/withdraw/", views.volunteer_withdraw, name="volunteer_withdraw"),
]
