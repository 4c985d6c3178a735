from django.urls import path

from convene.core.caching import no_store_paths

from . import import_views, views

app_name = "people"

urlpatterns = [
    path("figures/", views.figures, name="figures"),
    path("members/", views.directory, name="directory"),
    path("members/<id:person_id>/", views.profile_detail, name="profile_detail"),
    path("manage/members/pending/", views.pending_members, name="pending_members"),
    path("manage/members/pending/approve/", views.pending_members_approve, name="pending_members_approve"),
    path("manage/members/<id:person_id>/erase/", views.member_erase, name="member_erase"),
    path("manage/members/<id:person_id>/decide/", views.membership_decide, name="membership_decide"),
    path("manage/organisations/", views.organisation_list, name="organisation_list"),
    path("manage/organisations/new/", views.organisation_edit, name="organisation_create"),
    path("manage/organisations/<id:organisation_id>/", views.organisation_edit, name="organisation_edit"),
]

# One person's data, and lists of people's contact details: no browser or proxy keeps a copy.
urlpatterns += no_store_paths(
    [
        path("members/export.<str:fmt>", views.directory_export, name="directory_export"),
        path("profile/", views.profile_edit, name="profile_edit"),
        path("profile/tokens/", views.api_tokens, name="api_tokens"),
        path("profile/tokens/<id:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
        path("account/data/", views.privacy_overview, name="privacy"),
        path("account/data/download/", views.privacy_download, name="privacy_download"),
        path("account/erase/", views.account_erase, name="account_erase"),
        # Member import (import_views.py): the uploaded rows are people's names and e-mail addresses.
        path("manage/import/", import_views.import_upload, name="import_upload"),
        path("manage/import/<id:import_id>/", import_views.import_preview, name="import_preview"),
        path("manage/import/<id:import_id>/status/", import_views.import_status, name="import_status"),
        path("manage/import/<id:import_id>/columns/", import_views.import_mapping, name="import_mapping"),
        path("manage/import/<id:import_id>/commit/", import_views.import_commit, name="import_commit"),
    ]
)
