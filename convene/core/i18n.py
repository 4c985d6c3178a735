"""Names that are data (topics, kinds of group and the title of their leads) in the viewer's language.

Such a row keeps its name in the network's main language in ``name`` and its translations in
``name_translations`` ({"fr": "…", "da": "…"}); the page shows the one for the active language,
falling back to the base language ("pt" for "pt-br") and then to ``name``. The back office edits
them with one box per language (``translations_form``).
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.models import ModelFormMetaclass
from django.utils.text import capfirst, format_lazy
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
    """The site's languages other than the main one, the one the text itself is written in."""
    return [(code, label) for code, label in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class _TranslationsForm(forms.ModelForm):
    translated: dict[str, str] = {}  # text field -> its JSON field of translations

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, json_field in self.translated.items():
            current = getattr(self.instance, json_field) or {}
            model_field = self.instance._meta.get_field(field)
            for code, label in other_languages():
                name = f"{field}_{code}"
                self.fields[name] = forms.CharField(
                    label=format_lazy("{} ({})", capfirst(model_field.verbose_name), label),
                    max_length=model_field.max_length,
                    required=False,
                    initial=current.get(code, ""),
                )

    def clean(self):
        cleaned = super().clean()
        for field, json_field in self.translated.items():
            translations = {}
            for code, _label in other_languages():
                value = " ".join((cleaned.get(f"{field}_{code}") or "").split())
                if value:
                    translations[code] = value
            setattr(self.instance, json_field, translations)
        return cleaned


def translations_form(**translated: str) -> type[forms.ModelForm]:
    """A back-office form with one box per language for each translated text, instead of raw JSON:
    ``translations_form(name="name_translations")``. The boxes are declared on the class (the
    admin lays out only those) and built again per form with the model field's label and length."""
    boxes = {
        f"{field}_{code}": forms.CharField(required=False)
        for field in translated
        for code, _label in other_languages()
    }
    return ModelFormMetaclass("TranslationsForm", (_TranslationsForm,), {**boxes, "translated": translated})


def localized_choices(rows, *, key: str = "slug") -> list[tuple[str, str]]:
    """(key, name in the active language) for a select, sorted as the viewer reads them."""
    named = [(getattr(row, key), row.localized_name) for row in rows]
    return sorted(named, key=lambda pair: pair[1].casefold())
