from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "convene.library"
    label = "library"
    verbose_name = _("Library")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from convene.core.hooks import register_hook
        from convene.plans.extensions import register_deliverable_related

        # The plan page shows the resource a deliverable became (joined with the plan's parts).
        register_deliverable_related("resource")
        register_hook("plans.deliverable", "library/_deliverable_resource.html")
