from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "convene.events"
    label = "events"
    verbose_name = _("Events")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from convene.meetings.feeds import register_personal_source

        from . import feeds, schedules  # noqa: F401 (registers the periodic tasks with Huey)

        # A person's private calendar feed (meetings') lists the events they registered for too;
        # meetings knows nothing of events.
        register_personal_source(feeds.registered_entries)
