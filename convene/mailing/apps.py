from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingConfig(AppConfig):
    name = "convene.mailing"
    label = "mailing"
    verbose_name = _("Bulk mail")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from anymail.signals import tracking

        from convene.core.hooks import register_hook

        from . import providers, schedules  # noqa: F401 (schedules registers the periodic sweep with Huey)

        tracking.connect(providers.tracking_received, dispatch_uid="convene.mailing.providers")
        # The "fix your address" banner on every page, for a member whose address is suppressed.
        register_hook("base.banners", "mailing/_suppressed_banner_hook.html")
