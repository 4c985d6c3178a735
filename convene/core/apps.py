from django.apps import AppConfig

# Records that decisions and reports rest on: the back office may correct them, never delete them.
UNDELETABLE = {"governance.decision", "governance.term", "groups.cochairterm", "groups.groupmembership"}


class CoreConfig(AppConfig):
    name = "convene.core"
    label = "core"
    verbose_name = "Convene"

    def ready(self):
        from convene.core import converters  # noqa: F401 (registers <id:…> before any urls.py loads)

        _grant_back_office_to_secretariat()


def _grant_back_office_to_secretariat() -> None:
    """The secretariat uses the Django admin as its back office: it gets the model permissions of
    Convene's own apps through the same rules as everything else, and the admin lets it in."""
    import rules
    from django.apps import apps
    from django.contrib import admin

    from convene.core.rules import is_secretariat

    for model in apps.get_models():
        if not model.__module__.startswith("convene."):
            continue
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        actions = ["view", "add", "change"]
        if label not in UNDELETABLE and not model._meta.model_name.startswith("historical"):
            actions.append("delete")
        for action in actions:
            name = f"{model._meta.app_label}.{action}_{model._meta.model_name}"
            if not rules.perm_exists(name):
                rules.add_perm(name, is_secretariat)

    def has_permission(request) -> bool:
        person = request.user
        return person.is_active and (person.is_staff or is_secretariat(person))

    admin.site.has_permission = has_permission
