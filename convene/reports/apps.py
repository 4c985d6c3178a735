from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "convene.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from . import reminders  # noqa: F401 (registers the periodic digests and update reminders with Huey)
