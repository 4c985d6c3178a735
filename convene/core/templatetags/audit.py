"""``{% audit_link record %}``: a "History" link to the record's audit trail, for the secretariat only."""

from django import template
from django.urls import reverse

from convene.core.queries import audited_models
from convene.core.rules import can

register = template.Library()


@register.inclusion_tag("core/_audit_link.html", takes_context=True)
def audit_link(context, record) -> dict:
    """Nothing for anyone else, or for a record that keeps no history. No query: the viewer's roles
    are read once per request, and the rule is asked directly (not through the auth backends, which
    would read the viewer's permissions from the database)."""
    request = context.get("request")
    person = getattr(request, "user", None)
    if record is None or type(record) not in audited_models() or not can(person, "core.read_audit"):
        return {"url": ""}
    meta = record._meta
    return {"url": reverse("audit", args=[meta.app_label, meta.model_name, record.pk])}
