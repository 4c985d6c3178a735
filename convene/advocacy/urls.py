"""Advocacy's URLs (namespace "advocacy"): the common narrative, plans and their worksheets, the network view."""

from django.urls import path

from . import views

app_name = "advocacy"

urlpatterns = [
    path("advocacy/narrative/", views.narrative, name="narrative"),
    path("advocacy/narrative/new/", views.item_edit, name="item_new"),
    path("advocacy/narrative/<id:item>/", views.item_detail, name="item"),
    path("advocacy/narrative/<id:item>/edit/", views.item_edit, name="item_edit"),
    path("advocacy/narrative/<id:item>/state/", views.item_state, name="item_state"),
    path("advocacy/narrative/<id:item>/translation/", views.translation_edit, name="translation"),
    path(
        "advocacy/translations/<id:translation_id>/approve/",
        views.translation_approve,
        name="translation_approve",
    ),
    path("advocacy/suggestions/", views.suggestions, name="suggestions"),
    path("advocacy/suggestions/<id:suggestion>/", views.suggestion_decide, name="suggestion_decide"),
    path("advocacy/plans/", views.plans, name="plans"),
    path("advocacy/plans/new/", views.plan_new, name="plan_new"),
    path("advocacy/plans/<id:plan>/", views.plan_detail, name="plan"),
    path("advocacy/plans/<id:plan>/settings/", views.plan_settings, name="plan_settings"),
    path("advocacy/plans/<id:plan>/copy/", views.plan_copy, name="plan_copy"),
    path("advocacy/plans/<id:plan>/worksheets/<slug:worksheet>/", views.worksheet, name="worksheet"),
    path("advocacy/plans/<id:plan>/materials/", views.plan_resources, name="resources"),
    path("advocacy/plans/<id:plan>/<slug:kind>/<id:row>/delete/", views.row_delete, name="row_delete"),
    path("advocacy/plans/<id:plan>/tests/", views.message_tests, name="tests"),
    path("advocacy/plans/<id:plan>/tests/<id:variant>/propose/", views.variant_propose, name="propose"),
    path("advocacy/plans/<id:plan>/evidence/", views.evidence, name="evidence"),
    path("advocacy/plans/<id:plan>/plan.pdf", views.plan_export_pdf, name="pdf"),
    path("advocacy/plans/<id:plan>/plan.docx", views.plan_export_docx, name="docx"),
    path("advocacy/network/", views.network, name="network"),
]

# --- Ambassadors ---------------------------------------------------------------------------------
from . import ambassador_views  # noqa: E402

urlpatterns += [
    path("ambassadors/", ambassador_views.public_ambassadors, name="public_ambassadors"),
    path("advocacy/ambassadors/alumni/", ambassador_views.alumni, name="alumni"),
    path("advocacy/cohorts/", ambassador_views.cohorts, name="cohorts"),
    path("advocacy/cohorts/new/", ambassador_views.cohort_edit, name="cohort_new"),
    path("advocacy/cohorts/<id:cohort>/", ambassador_views.cohort_detail, name="cohort"),
    path("advocacy/cohorts/<id:cohort>/edit/", ambassador_views.cohort_edit, name="cohort_edit"),
    path("advocacy/cohorts/<id:cohort>/apply/", ambassador_views.apply, name="apply"),
    path("advocacy/applications/<id:application>/", ambassador_views.application_detail, name="application"),
    path(
        "advocacy/applications/<id:application>/select/",
        ambassador_views.application_select,
        name="select",
    ),
    path("advocacy/ambassadors/<id:ambassador>/", ambassador_views.ambassador_detail, name="ambassador"),
    path(
        "advocacy/ambassadors/<id:ambassador>/reports/<id:quarter>/",
        ambassador_views.report,
        name="report",
    ),
]
