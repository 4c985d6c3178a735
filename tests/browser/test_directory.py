"""Searching the member directory, with JavaScript (HTMX swaps the results) and without (plain forms)."""

import re

import pytest
from playwright.sync_api import expect

from conftest import make_person
from convene.people import services as people_services

from .conftest import BROWSER, log_in

pytestmark = BROWSER

SEARCH = "Name, organisation or expertise"


@pytest.fixture
def network(db):
    """A searcher and 24 other members: more than one page of the directory (20 a page)."""
    make_person("searcher@example.org", name="Sam Searcher", country="BR")
    malaria = people_services.topic_get_or_create(name="Malaria")
    for n in range(1, 23):
        make_person(f"zambia.{n:02}@example.org", name=f"Zambian Member {n:02}", country="ZM")
    make_person("ines.costa@example.org", name="Inês Costa", country="PT", topics=[malaria])
    make_person("ivan.petrov@example.org", name="Ivan Petrov", country="BG")


def card_names(page):
    return page.locator("#results .card h3")


def test_typing_in_the_search_box_updates_the_results_in_place(page, network):
    log_in(page, "searcher@example.org")
    page.goto("/members/")
    expect(page.locator("#results")).to_contain_text("25 members found")
    # A mark on this document: a full page load would wipe it.
    page.evaluate("window.convenePageMark = 'still here'")

    with page.expect_request(
        lambda request: "q=malaria" in request.url and request.headers.get("hx-request") == "true"
    ):
        page.get_by_label(SEARCH).press_sequentially("malaria", delay=30)
    expect(card_names(page)).to_have_text(["Inês Costa"])
    expect(page.locator("#results")).to_contain_text("1 member found")
    # The address follows the search (so it can be shared or bookmarked), without a page load.
    expect(page).to_have_url(re.compile(r"/members/\?.*q=malaria"))
    assert page.evaluate("window.convenePageMark") == "still here"

    # Choosing a country narrows the results at once, still in place.
    page.get_by_label(SEARCH).fill("")
    page.get_by_label("Country").select_option(label="Bulgaria")
    expect(card_names(page)).to_have_text(["Ivan Petrov"])
    assert page.evaluate("window.convenePageMark") == "still here"

    # Paging within the results, still with JavaScript on.
    page.get_by_label("Country").select_option(label="Zambia")
    expect(page.locator("#results")).to_contain_text("22 members found")
    page.locator("#results").get_by_role("link", name="Next").click()
    expect(page.locator("#results .pager")).to_contain_text("Page 2 of 2")
    expect(card_names(page)).to_have_text(["Zambian Member 21", "Zambian Member 22"])


def test_search_and_paging_work_without_javascript(new_context, network, screenshots):
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, "searcher@example.org")
    page.goto("/members/")
    expect(page.locator("#results")).to_contain_text("25 members found")
    expect(card_names(page)).to_have_count(20)
    expect(page.locator("#results .pager")).to_contain_text("Page 1 of 2")

    # Paging through everyone.
    page.locator("#results").get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"[?&]page=2"))
    expect(page.locator("#results .pager")).to_contain_text("Page 2 of 2")
    expect(card_names(page)).to_have_count(5)

    # The search form is a plain GET form: typing and pressing Search loads the results page.
    page.get_by_label(SEARCH).fill("zambian")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/members/\?q=zambian"))
    expect(page.locator("#results")).to_contain_text("22 members found")
    expect(card_names(page).first).to_have_text("Zambian Member 01")
    page.screenshot(path=screenshots / "directory-no-js.png", full_page=True)

    # The next page keeps the search.
    page.locator("#results").get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"q=zambian.*page=2|page=2.*q=zambian"))
    expect(card_names(page)).to_have_text(["Zambian Member 21", "Zambian Member 22"])
    expect(page.get_by_label(SEARCH)).to_have_value("zambian")

    # Back to the first page, and a filter with the search.
    page.locator("#results").get_by_role("link", name="Previous").click()
    expect(page.locator("#results .pager")).to_contain_text("Page 1 of 2")
    page.get_by_label(SEARCH).fill("")
    page.get_by_label("Country").select_option(label="Portugal")
    page.get_by_role("button", name="Search").click()
    expect(card_names(page)).to_have_text(["Inês Costa"])
    expect(page.locator("#results")).to_contain_text("1 member found")
    expect(page.locator("#results .pager")).to_have_count(0)
