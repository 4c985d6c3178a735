from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "convene.events"
    label = "events"
    verbose_name = _("Events")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from convene.meetings.feeds import register_personal_source
        from convene.people.profile_sections import register_profile_section

        from . import feeds, profile, schedules  # noqa: F401 (schedules: the periodic tasks, for Huey)

        # A person's private calendar feed (meetings') lists the events they registered for too;
        # meetings knows nothing of events.
        register_personal_source(feeds.registered_entries)
        # A person's profile shows the events they attended; people knows nothing of events.
        register_profile_section(profile.attended_section)
