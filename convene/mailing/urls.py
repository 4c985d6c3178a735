"""Bulk mail's URLs (namespace "mailing")."""

from django.urls import include, path

from . import providers, views

app_name = "mailing"

urlpatterns = [
    path("mailing/", views.mailing_index, name="index"),
    path("mailing/new/", views.announcement_new, name="new"),
    path("mailing/<id:mailing>/", views.mailing_detail, name="detail"),
    path("mailing/<id:mailing>/test/", views.mailing_test, name="test"),
    path("mailing/<id:mailing>/send/", views.mailing_start, name="start"),
    path("mailing/<id:mailing>/pause/", views.mailing_pause, name="pause"),
    path("mailing/<id:mailing>/resume/", views.mailing_resume, name="resume"),
    path("mailing/suppressed/", views.suppression_list, name="suppressions"),
    path("mailing/suppressed/<id:suppression>/lift/", views.suppression_lift, name="lift"),
    path("mailing/lists/", views.my_lists, name="lists"),
    path("mailing/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    # Providers' webhooks (django-anymail): bounces and complaints; only with ANYMAIL_WEBHOOK_SECRET.
    path("mailing/anymail/", include((providers.webhook_urls(), "anymail"))),
]
