from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "convene.groups"
    label = "groups"
    verbose_name = _("Groups")

    def ready(self):
        # Huey's consumer imports each app's ``tasks``; the periodic reminder task lives in
        # ``reminders`` (above the services it calls), so register it here.
        from . import reminders  # noqa: F401
