from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    """Send a newly confirmed person to their profile: a complete profile is how one joins."""

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


def axes_username(request, credentials) -> str:
    """The login name axes counts failures against: allauth posts it as ``login``."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not value and request is not None:
        value = request.POST.get("login", "")
    return (value or "").strip().lower()
