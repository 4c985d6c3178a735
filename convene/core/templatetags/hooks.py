from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from convene.core.hooks import templates_for

register = template.Library()


@register.simple_tag(takes_context=True)
def hook(context, name: str):
    """Every template registered for ``name``, rendered with the page's context."""
    flat = context.flatten()
    request = context.get("request")
    parts = [get_template(name_).render(flat, request) for name_ in templates_for(name)]
    return mark_safe("".join(parts))  # noqa: S308 - each part is a rendered (auto-escaped) template
