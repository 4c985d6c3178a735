"""The suppression behind the "fix your address" banner (read only for a person flagged suppressed)."""

from django import template

from convene.mailing.queries import is_suppressed

register = template.Library()


@register.simple_tag(takes_context=True)
def viewer_suppression(context):
    user = context.get("user")
    if user is None or not user.is_authenticated or not user.bulk_mail_suppressed:
        return None
    return is_suppressed(user.email)
