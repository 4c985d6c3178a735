"""Joining, members, invitations, activities, threads, unsubscribe and the inbox (namespace "groups")."""

from django.urls import path

from convene.core.caching import no_store_paths

from . import membership_views as views
from . import post_views

urlpatterns = [
    path("groups/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("groups/<slug:slug>/join/", views.join, name="join"),
    path("groups/<slug:slug>/leave/", views.leave, name="leave"),
    path("groups/<slug:slug>/notify/", views.notify, name="notify"),
    path("groups/<slug:slug>/members/", views.members, name="members"),
    path(
        "groups/<slug:slug>/members/<id:membership_id>/<str:action>/",
        views.membership_action,
        name="membership_action",
    ),
    path("groups/<slug:slug>/invite/", views.invite, name="invite"),
    path("groups/<slug:slug>/invitation/<str:answer>/", views.invitation_answer, name="invitation_answer"),
    path("groups/<slug:slug>/activities/", views.activities, name="activities"),
    path("groups/<slug:slug>/activities/new/", views.activity_edit, name="activity_create"),
    path("groups/<slug:slug>/activities/<id:activity_id>/", views.activity_edit, name="activity_edit"),
    path(
        "groups/<slug:slug>/activities/<id:activity_id>/delete/",
        views.activity_delete,
        name="activity_delete",
    ),
    path("groups/<slug:slug>/threads/", views.threads, name="threads"),
    path("groups/<slug:slug>/threads/new/", views.thread_create, name="thread_create"),
    path("groups/<slug:slug>/threads/<id:thread_id>/", views.thread, name="thread"),
    path(
        "groups/<slug:slug>/threads/<id:thread_id>/posts/<id:post_id>/edit/",
        post_views.post_edit,
        name="post_edit",
    ),
    path(
        "groups/<slug:slug>/threads/<id:thread_id>/posts/<id:post_id>/delete/",
        post_views.post_delete,
        name="post_delete",
    ),
    path(
        "groups/<slug:slug>/threads/<id:thread_id>/posts/<id:post_id>/history/",
        post_views.post_history,
        name="post_history",
    ),
]

# One person's messages, and a file of who does what where: no browser or proxy keeps a copy.
urlpatterns += no_store_paths(
    [
        path("inbox/", views.inbox, name="inbox"),
        path("groups/<slug:slug>/activities.<str:fmt>", views.activities_export, name="activities_export"),
    ]
)
