from django.urls import path

from . import views

urlpatterns = [
    path("floor/", views.floor, name="floor"),
    path("time-zone/", views.set_time_zone, name="set_time_zone"),
    path("audit/<slug:app_label>/<slug:model_name>/<id:pk>/", views.audit, name="audit"),
]
