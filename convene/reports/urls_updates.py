"""Group updates and the committee's pages (namespace "reports"). The plan exports in ``urls.py`` keep
their "plans:" names; these are the reports' own."""

from django.urls import path

from . import views_updates as views

app_name = "reports"

urlpatterns = [
    path("groups/<slug:slug>/updates/", views.group_updates, name="group_updates"),
    path("groups/<slug:slug>/updates/start/", views.update_start, name="update_start"),
    path("updates/<id:update>/", views.update_detail, name="update"),
    path("updates/<id:update>/submit/", views.update_submit, name="update_submit"),
    path("updates/<id:update>/comment/", views.update_comment, name="update_comment"),
    path("updates/<id:update>/acknowledge/", views.update_acknowledge, name="update_acknowledge"),
    path("committee/dashboard/", views.dashboard, name="dashboard"),
    path("committee/dashboard.csv", views.dashboard_csv, name="dashboard_csv"),
    path("committee/dashboard.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("committee/pack.pdf", views.pack_pdf, name="pack_pdf"),
    path("committee/pack.docx", views.pack_docx, name="pack_docx"),
]
