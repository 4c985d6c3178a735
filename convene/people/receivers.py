"""What Convene does when allauth reports a password change (connected in PeopleConfig.ready).

The receivers only call the service and tell the person on the next page; the work is in
``services.api_tokens_revoke_all``.
"""

from django.contrib import messages
from django.utils.translation import ngettext


def revoke_tokens_on_password_change(sender, request, user, **kwargs) -> None:
    """allauth's password_changed, password_reset and password_set: API tokens stop working."""
    from .services import api_tokens_revoke_all

    revoked = api_tokens_revoke_all(person=user)
    if revoked and request is not None:
        messages.warning(request, tokens_revoked_message(revoked))


def tokens_revoked_message(revoked: int) -> str:
    return ngettext(
        "Your API token was revoked because the password changed. Make a new one if you need it.",
        "Your %(count)d API tokens were revoked because the password changed. Make new ones if you need them.",
        revoked,
    ) % {"count": revoked}


def connect() -> None:
    from allauth.account.signals import password_changed, password_reset, password_set

    for signal in (password_changed, password_reset, password_set):
        signal.connect(revoke_tokens_on_password_change, dispatch_uid=f"convene-revoke-tokens-{id(signal)}")
