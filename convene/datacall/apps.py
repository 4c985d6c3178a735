from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatacallConfig(AppConfig):
    name = "convene.datacall"
    label = "datacall"
    verbose_name = _("Data calls")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import nav, schedules  # noqa: F401 (schedules: registers the periodic tasks with Huey)

        user_logged_in.connect(nav.on_login, dispatch_uid="datacall.nav")
