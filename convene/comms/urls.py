"""The E-Update's URLs (namespace "comms"): contributions, the editors' queue and issues, the archive."""

from django.urls import path

from . import views
from .feeds import ArchiveFeed

app_name = "comms"

urlpatterns = [
    path("e-update/contributions/", views.mine, name="mine"),
    path("e-update/contributions/new/", views.contribute, name="contribute"),
    path("e-update/contributions/queue/", views.queue, name="queue"),
    path("e-update/contributions/<id:pk>/", views.contribution_detail, name="contribution"),
    path("e-update/contributions/<id:pk>/edit/", views.contribution_edit, name="contribution_edit"),
    path("e-update/contributions/<id:pk>/comment/", views.contribution_comment, name="contribution_comment"),
    path("e-update/contributions/<id:pk>/review/", views.contribution_review, name="contribution_review"),
    path(
        "e-update/contributions/<id:pk>/withdraw/", views.contribution_withdraw, name="contribution_withdraw"
    ),
    path(
        "e-update/contributions/<id:pk>/translation/",
        views.contribution_translation,
        name="contribution_translation",
    ),
    path("e-update/contributions/<id:pk>/image/", views.contribution_image, name="contribution_image"),
    path("updates/<id:update>/propose-for-e-update/", views.from_update, name="from_update"),
    path("e-update/issues/", views.issues, name="issues"),
    path("e-update/issues/<id:pk>/", views.issue_detail, name="issue"),
    path("e-update/issues/<id:pk>/text/", views.issue_text, name="issue_text"),
    path("e-update/issues/<id:pk>/items/", views.issue_item_add, name="issue_item_add"),
    path(
        "e-update/issues/<id:pk>/items/<id:item>/remove/", views.issue_item_remove, name="issue_item_remove"
    ),
    path("e-update/issues/<id:pk>/items/<id:item>/move/", views.issue_item_move, name="issue_item_move"),
    path("e-update/issues/<id:pk>/blocks/", views.issue_block_add, name="issue_block_add"),
    path(
        "e-update/issues/<id:pk>/blocks/<id:block>/remove/",
        views.issue_block_remove,
        name="issue_block_remove",
    ),
    path("e-update/issues/<id:pk>/compile/", views.issue_compile, name="issue_compile"),
    path("e-update/issues/<id:pk>/approve/", views.issue_approve, name="issue_approve"),
    path("e-update/issues/<id:pk>/reopen/", views.issue_reopen, name="issue_reopen"),
    path("e-update/issues/<id:pk>/send/", views.issue_send, name="issue_send"),
    path("e-update/issues/<id:pk>/preview/<str:language>/", views.issue_preview, name="issue_preview"),
    path(
        "e-update/issues/<id:pk>/preview/<str:language>/email.html",
        views.issue_preview_email,
        name="issue_preview_email",
    ),
    path("e-update/", views.archive, name="archive"),
    path("e-update/feed/", ArchiveFeed(), name="feed"),
    path("e-update/<id:number>/", views.archive_latest, name="archive_latest"),
    path("e-update/<id:number>/<str:language>/", views.archive_issue, name="archive_issue"),
]
