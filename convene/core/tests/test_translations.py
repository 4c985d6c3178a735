"""The translation catalogues in convene/locale are complete, well-formed and compiled.

Regenerate and compile them with `make messages` (needs gettext's msgfmt and xgettext).
"""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from conftest import client_for

LANGUAGES = ["fr", "es", "pt", "da"]
LOCALE = Path(settings.LOCALE_PATHS[0])

# Every printf-style conversion Python's % operator understands, named or not; "%%" is a literal.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")


@pytest.fixture(autouse=True)
def _back_to_english():
    """A request activates its language for the rest of the thread: leave the next test in English."""
    yield
    translation.deactivate()


def catalogue(lang: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))


def placeholders(text: str) -> list[str]:
    return sorted(p for p in PLACEHOLDER.findall(text) if p != "%%")


def stray_percent(text: str) -> bool:
    """A "%" that is not part of a conversion: it would raise when the string is %-formatted."""
    return "%" in PLACEHOLDER.sub("", text)


def translations(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) pairs: msgstr[0] against msgid, the other plural forms against msgid_plural."""
    if entry.msgid_plural:
        return [
            (entry.msgid if index == 0 else entry.msgid_plural, text)
            for index, text in sorted(entry.msgstr_plural.items())
        ]
    return [(entry.msgid, entry.msgstr)]


def test_every_language_has_a_catalogue_with_the_same_msgids():
    reference = {(e.msgctxt, e.msgid, e.msgid_plural) for e in catalogue("fr")}
    assert len(reference) > 100
    for lang in LANGUAGES:
        assert {(e.msgctxt, e.msgid, e.msgid_plural) for e in catalogue(lang)} == reference, lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_is_complete(lang):
    po = catalogue(lang)
    assert po.metadata.get("Language") == lang
    assert not po.metadata_is_fuzzy, "the header is marked fuzzy"
    nplurals = int(re.search(r"nplurals\s*=\s*(\d+)", po.metadata["Plural-Forms"]).group(1))
    problems = []
    for entry in po:
        if entry.obsolete:
            problems.append(f"obsolete: {entry.msgid!r}")
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        if entry.msgid_plural and sorted(entry.msgstr_plural) != list(range(nplurals)):
            problems.append(f"{nplurals} plural forms expected: {entry.msgid!r}")
        for source, text in translations(entry):
            if not text.strip():
                problems.append(f"untranslated: {source!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match(lang):
    problems = []
    for entry in catalogue(lang):
        for source, text in translations(entry):
            if placeholders(text) != placeholders(source):
                problems.append(f"{source!r} -> {text!r}")
            elif "python-format" in entry.flags and stray_percent(text):
                problems.append(f"stray %: {text!r}")
            # HTML in a string (e.g. <code>) must come through unchanged.
            if sorted(re.findall(r"</?\w+", source)) != sorted(re.findall(r"</?\w+", text)):
                problems.append(f"markup differs: {source!r} -> {text!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(lang):
    """The committed .mo holds exactly the .po's translations: `make messages` was run after the last edit."""
    mo_path = LOCALE / lang / "LC_MESSAGES" / "django.mo"
    assert mo_path.exists(), f"{mo_path} is missing: run `make messages`"
    mo = polib.mofile(str(mo_path))

    def key(entry):
        return (entry.msgctxt or None, entry.msgid, entry.msgid_plural or None)

    def value(entry):
        return (
            tuple(t for _i, t in sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr
        )

    expected = {key(e): value(e) for e in catalogue(lang) if e.msgid and e.translated()}
    compiled = {key(e): value(e) for e in mo if e.msgid}
    stale = {k for k in expected.keys() | compiled.keys() if expected.get(k) != compiled.get(k)}
    assert not stale, (
        f"{mo_path} is out of date for {len(stale)} message(s), e.g. {sorted(stale, key=str)[:3]}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "title", "english_gone"),
    [
        ("fr", "Annuaire des membres", "Member directory"),
        ("es", "Directorio de miembros", "Member directory"),
        ("pt", "Diretório de membros", "Member directory"),
        ("da", "Medlemskatalog", "Member directory"),
    ],
)
def test_directory_page_is_translated(lang, title, english_gone):
    response = client_for(None).get(reverse("people:directory"), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == lang
    page = response.content.decode()
    assert title in page
    assert english_gone not in page


@pytest.mark.django_db
def test_a_members_own_language_wins(member):
    member.language = "da"
    member.save(update_fields=["language"])
    response = client_for(member).get(reverse("people:directory"), HTTP_ACCEPT_LANGUAGE="fr")
    page = response.content.decode()
    assert "Medlemskatalog" in page
    assert "Log ud" in page
