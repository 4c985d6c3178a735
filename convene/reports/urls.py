"""A work plan's exports (XLSX, PDF, DOCX, IATI XML) and its spreadsheet import.

Their names stay in the namespace "plans" (``plans:export_xlsx``, ``plans:import``, ...): plans may not
import reports, so ``convene/urls.py`` includes these patterns together with the plans' own."""

from django.urls import path

from . import views

PLAN = "groups/<slug:slug>/plans/<id:plan>/"

urlpatterns = [
    path(f"{PLAN}export.xlsx", views.export_xlsx, name="export_xlsx"),
    path(f"{PLAN}import/", views.plan_import, name="import"),
    path(f"{PLAN}export.pdf", views.export_pdf, name="export_pdf"),
    path(f"{PLAN}export.docx", views.export_docx, name="export_docx"),
    path(f"{PLAN}iati.xml", views.export_iati, name="export_iati"),
]
