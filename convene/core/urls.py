from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("floor/", views.floor, name="floor"),
    path("language/", views.set_language, name="set_language"),
    path("time-zone/", views.set_time_zone, name="set_time_zone"),
    path("audit/<slug:app_label>/<slug:model_name>/<id:pk>/", views.audit, name="audit"),
]
