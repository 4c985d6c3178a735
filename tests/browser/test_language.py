"""The language switcher in the footer: a visitor's choice sticks in a cookie, a member's on the account."""

import re
from pathlib import Path

from django.conf import settings
from django.utils import translation
from playwright.sync_api import expect

from conftest import make_person
from convene.people.models import Person

from .conftest import BROWSER, log_in

pytestmark = BROWSER

FRENCH_CATALOGUE = Path(settings.BASE_DIR) / "convene" / "locale" / "fr" / "LC_MESSAGES" / "django.mo"


def switch_language(page, name: str) -> None:
    """Choose a language by the name it has in the switcher (each language names itself)."""
    footer = page.locator("footer")
    # Found by id, not by its label: the label is in whatever language the page is in.
    footer.locator("#language-switch").select_option(label=name)
    footer.get_by_role("button").click()
    page.wait_for_load_state()


def expect_directory_in_french(page) -> None:
    """Until the French catalogue is compiled only the language attribute and the switcher change."""
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#language-switch")).to_have_value("fr")
    if FRENCH_CATALOGUE.exists():
        with translation.override("fr"):
            heading = translation.gettext("Member directory")
        assert heading != "Member directory", "the French catalogue lacks “Member directory”"
        expect(page.locator("h1")).to_have_text(heading)


def test_member_switches_to_french_and_the_account_keeps_it(page, new_context):
    make_person("amelie.martin@example.org", name="Amélie Martin", country="SN")
    log_in(page, "amelie.martin@example.org")
    page.goto("/members/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    switch_language(page, "Français")

    # Back on the page where the switch was made, now in French…
    expect(page).to_have_url(re.compile(r"/members/$"))
    expect_directory_in_french(page)
    # …and still in French on the next page.
    page.goto("/figures/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#language-switch")).to_have_value("fr")
    assert Person.objects.get(email="amelie.martin@example.org").language == "fr"

    # The choice is the account's, not the browser's: another browser, English by default, logs in
    # and gets French.
    other = new_context(locale="en-US").new_page()
    log_in(other, "amelie.martin@example.org")
    other.goto("/members/")
    expect_directory_in_french(other)


def test_visitor_switches_to_french_and_back(page):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    switch_language(page, "Français")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.goto("/members/")
    expect_directory_in_french(page)

    # And back: whoever cannot read French finds the way home.
    switch_language(page, "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Member directory")


def test_switcher_names_each_language_in_its_own_words(page):
    """Whoever cannot read the page's language still finds their own in the list."""
    page.goto("/")
    options = page.locator("#language-switch option").all_inner_texts()
    assert options == ["English", "Français", "Español", "Português", "Dansk"]
