"""Temporary translations for tests: the catalogues in convene/locale are written later, by people,
so a test that a string goes through gettext gives it a French text of its own for the test's length."""

from django.utils.translation import trans_real

from convene.results.models import LEVEL_CONTEXT

FRENCH_LEVELS = {"Goal": "But", "Outcome": "Effet", "Output": "Produit", "Activity": "Activité"}


def translate_levels(monkeypatch, language: str = "fr", names: dict[str, str] = FRENCH_LEVELS) -> None:
    """Give the level names ``names`` in ``language`` (undone by monkeypatch after the test)."""
    catalog = trans_real.translation(language)._catalog
    # The first of Django's merged catalogues is a plain dict; pgettext looks up "context\x04msgid".
    for name, text in names.items():
        monkeypatch.setitem(catalog._catalogs[0], f"{LEVEL_CONTEXT}\x04{name}", text)
