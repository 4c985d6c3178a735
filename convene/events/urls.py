"""Events' URLs (namespace "events"): the annual calendar and its feed, one event, registering,
the links in the e-mails, and the organisers' pages."""

from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("events/", views.calendar_page, name="calendar"),
    path("events/calendar.ics", views.calendar_feed, name="calendar_feed"),
    path("events/new/", views.event_new, name="new"),
    path("events/mine/", views.my_events, name="mine"),
    path("events/link/<str:token>/", views.by_link, name="by_link"),
    path("events/<id:event>/", views.event_detail, name="detail"),
    path("events/<id:event>/event.ics", views.event_ics, name="ics"),
    path("events/<id:event>/register/", views.event_register, name="register"),
    path("events/<id:event>/unregister/", views.event_unregister, name="unregister"),
    path("events/<id:event>/edit/", views.event_edit, name="edit"),
    path("events/<id:event>/registrations/", views.registrations, name="registrations"),
    path("events/<id:event>/registrations.csv", views.registrations_export, name="registrations_export"),
    path("events/<id:event>/registrations/<id:registration>/check-in/", views.check_in, name="check_in"),
    path("events/<id:event>/attendance/", views.attendance_import, name="attendance_import"),
    path("events/<id:event>/after/", views.event_after, name="after"),
    path("events/<id:event>/cancel/", views.event_cancel, name="cancel"),
    path("events/<id:event>/certificate.pdf", views.certificate, name="certificate"),
]
