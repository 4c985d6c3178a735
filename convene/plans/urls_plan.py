"""The work plan and its review (namespace "plans", included at the site root)."""

from django.urls import path

from . import views

PLANS = "groups/<slug:slug>/plans/"
PLAN = PLANS + "<id:plan>/"

urlpatterns = [
    path(PLANS, views.plan_list, name="list"),
    path(PLANS + "new/", views.plan_create, name="create"),
    path(PLAN, views.plan_detail, name="detail"),
    path(PLAN + "edit/", views.plan_edit, name="edit"),
    path(PLAN + "comment/", views.comment, name="comment"),
    path(PLAN + "objectives/new/", views.objective_edit, name="objective_create"),
    path(PLAN + "objectives/<id:pk>/edit/", views.objective_edit, name="objective_edit"),
    path(PLAN + "objectives/<id:pk>/delete/", views.objective_delete, name="objective_delete"),
    path(PLAN + "deliverables/new/", views.deliverable_edit, name="deliverable_create"),
    path(PLAN + "deliverables/<id:pk>/edit/", views.deliverable_edit, name="deliverable_edit"),
    path(PLAN + "deliverables/<id:pk>/delete/", views.deliverable_delete, name="deliverable_delete"),
    path(PLAN + "deliverables/<id:deliverable>/tasks/new/", views.task_edit, name="task_create"),
    path(PLAN + "tasks/<id:pk>/edit/", views.task_edit, name="task_edit"),
    path(PLAN + "tasks/<id:pk>/delete/", views.task_delete, name="task_delete"),
    path(PLAN + "submit/", views.submit, name="submit"),
    path(PLAN + "review/", views.review, name="review"),
    path(PLAN + "revise/", views.revise, name="revise"),
    path(PLAN + "versions/", views.versions, name="versions"),
]
