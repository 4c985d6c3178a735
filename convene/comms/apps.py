from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommsConfig(AppConfig):
    name = "convene.comms"
    label = "comms"
    verbose_name = _("E-Update")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from convene.core.hooks import register_hook

        # The group update page offers its co-chairs to propose its E-Update items (reports knows
        # nothing of comms: it renders whatever the hook holds).
        register_hook("reports.update_actions", "comms/_from_update.html")

        from convene.mailing.signals import mailing_started

        from .services import on_mailing_started

        # Starting the mailing of an issue puts the issue in the archive (mailing knows nothing of comms).
        mailing_started.connect(on_mailing_started, dispatch_uid="comms.issue_sent")
