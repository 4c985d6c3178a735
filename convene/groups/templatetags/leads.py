"""``{{ group|lead }}``, ``{{ group|leads }}`` and ``{{ membership.role|role_label:group }}``: the
kind's own title for its leads, wherever a page or an e-mail names the role (groups.leads)."""

from django import template

from convene.groups.leads import lead_title, role_label

register = template.Library()


@register.filter
def lead(group_or_kind) -> str:
    return lead_title(group_or_kind)


@register.filter
def leads(group_or_kind) -> str:
    return lead_title(group_or_kind, plural=True)


@register.filter(name="role_label")
def role_label_filter(role: str, group_or_kind) -> str:
    return role_label(role, group_or_kind)
