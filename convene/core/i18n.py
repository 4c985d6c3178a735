"""Names that are data (topics, kinds of group) shown in the viewer's language.

Such a row keeps its name in the network's main language in ``name`` and its translations in
``name_translations`` ({"fr": "…", "da": "…"}); the page shows the one for the active language,
falling back to the base language ("pt" for "pt-br") and then to ``name``.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def pick_translation(default: str, translations: dict | None, language: str | None = None) -> str:
    language = (language or get_language() or settings.LANGUAGE_CODE).lower()
    if translations:
        for code in (language, language.split("-")[0]):
            value = translations.get(code)
            if isinstance(value, str) and value.strip():
                return value
    return default


def validate_name_translations(value) -> None:
    """{language code: name}, for the languages the site offers."""
    if not isinstance(value, dict):
        raise ValidationError(_('Write the translations as {"fr": "…", "da": "…"}.'))
    known = {code for code, _name in settings.LANGUAGES}
    for code, name in value.items():
        if code not in known:
            raise ValidationError(
                _("“%(code)s” is not one of the site's languages (%(known)s).")
                % {"code": code, "known": ", ".join(sorted(known))}
            )
        if not isinstance(name, str):
            raise ValidationError(_("Each translation must be a piece of text."))


class LocalizedNameMixin:
    """For a model with ``name`` and ``name_translations``: its name in the active language."""

    @property
    def localized_name(self) -> str:
        return pick_translation(self.name, self.name_translations)


def other_languages() -> list[tuple[str, str]]:
    """The site's languages other than the main one, the one ``name`` is written in."""
    return [(code, label) for code, label in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def _name_fields() -> dict[str, forms.Field]:
    return {
        f"name_{code}": forms.CharField(
            label=format_lazy(_("Name in {language}"), language=label), max_length=120, required=False
        )
        for code, label in other_languages()
    }


class NameTranslationsForm(forms.ModelForm):
    """Back-office form: one box per language for the name, instead of raw JSON."""

    # One field per language of the site, declared on the class so that the admin lays them out.
    locals().update(_name_fields())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.name_translations or {}
        for code, _label in other_languages():
            self.initial.setdefault(f"name_{code}", current.get(code, ""))

    def clean(self):
        cleaned = super().clean()
        translations = {}
        for code, _label in other_languages():
            value = " ".join((cleaned.get(f"name_{code}") or "").split())
            if value:
                translations[code] = value
        self.instance.name_translations = translations
        return cleaned


def localized_choices(rows, *, key: str = "slug") -> list[tuple[str, str]]:
    """(key, name in the active language) for a select, sorted as the viewer reads them."""
    named = [(getattr(row, key), row.localized_name) for row in rows]
    return sorted(named, key=lambda pair: pair[1].casefold())
