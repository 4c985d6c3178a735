from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatacallConfig(AppConfig):
    name = "convene.datacall"
    label = "datacall"
    verbose_name = _("Data calls")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import schedules  # noqa: F401 (registers the periodic task with Huey)
