from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.urls import reverse

# AXES_CLIENT_IP_CALLABLE names it here, beside the other hooks allauth and axes call.
from convene.core.security import client_ip  # noqa: F401


@dataclass(frozen=True)
class NetworkSite:
    """What allauth's e-mails call ``current_site``: the network by its name, not the server's address."""

    name: str
    domain: str


def network_site(request=None) -> NetworkSite:
    domain = request.get_host() if request is not None else urlsplit(settings.CONVENE_BASE_URL).netloc
    return NetworkSite(name=settings.CONVENE_NETWORK_NAME, domain=domain)


class AccountAdapter(DefaultAccountAdapter):
    """Send a newly confirmed person to their profile: a complete profile is how one joins."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's e-mails greet ("Hello from …!") and sign off with the network's name."""
        context = {**context, "current_site": network_site(allauth_context.request)}
        super().send_mail(template_prefix, email, context)

    def get_login_redirect_url(self, request):
        person = request.user
        profile = getattr(person, "profile", None)
        if profile is None or not profile.is_complete:
            return reverse("people:profile_edit")
        return super().get_login_redirect_url(request)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.email = user.email.lower()
        language = getattr(request, "LANGUAGE_CODE", "")
        if language:
            user.language = language
        if commit:
            user.save()
            from .services import profile_ensure

            profile_ensure(person=user)
        return user

    def pre_authenticate(self, request, **credentials):
        """Let django-axes speak first when an account is locked out.

        allauth counts failed logins itself (ACCOUNT_RATE_LIMITS) and refuses an attempt before
        ``authenticate()`` runs, so axes would never see it and the person would get allauth's
        generic form error instead of the lockout page that says for how long. Asking axes first
        keeps one clear answer: while axes holds the lock, every attempt gets the lockout page
        (AxesMiddleware renders it because of ``request.axes_locked_out``).
        """
        if settings.AXES_ENABLED and request is not None:
            from axes.handlers.proxy import AxesProxyHandler

            if not AxesProxyHandler.is_allowed(request, credentials):
                request.axes_locked_out = True
                request.axes_credentials = credentials
                raise self.validation_error("too_many_login_attempts")
        super().pre_authenticate(request, **credentials)

    def _delete_login_attempts_cached_email(self, request, **credentials):
        """After a password reset by e-mail, lift axes' lockout of that address as well.

        allauth calls this (private) hook once per address of the person when a reset succeeds,
        to clear its own failed-login counter; whoever could read the reset link may log in at
        once, as the lockout page promises. test_password_reset_lifts_the_lockout guards the hook.
        """
        super()._delete_login_attempts_cached_email(request, **credentials)
        email = credentials.get("email")
        if email and settings.AXES_ENABLED:
            from axes.utils import reset

            reset(username=email.strip().lower())


def axes_username(request, credentials) -> str:
    """The login name axes counts failures against: allauth posts it as ``login``."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not value and request is not None:
        value = request.POST.get("login", "")
    return (value or "").strip().lower()
