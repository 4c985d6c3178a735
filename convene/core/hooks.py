"""Template hooks: a page of a lower app offers a place ("reports.update_actions") where an app above it
may add a snippet, without the lower app knowing the upper one (the import layers stay downwards).

An app registers its template in its ``AppConfig.ready``; the page renders ``{% hook "name" %}``, which
includes every registered template with the page's context (nothing when no app registered one)."""

_hooks: dict[str, list[str]] = {}


def register_hook(name: str, template: str) -> None:
    templates = _hooks.setdefault(name, [])
    if template not in templates:
        templates.append(template)


def templates_for(name: str) -> list[str]:
    return list(_hooks.get(name, ()))
