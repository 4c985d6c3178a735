"""A newcomer joins the network: sign up, confirm the e-mail, fill the profile, find themselves."""

import re

from playwright.sync_api import expect

from conftest import make_person
from convene.people import services as people_services
from convene.people.models import Person

from .conftest import BROWSER, PASSWORD

pytestmark = BROWSER

CONFIRM_PATH = re.compile(r"/accounts/confirm-email/[^/\s]+/")


def test_sign_up_confirm_fill_profile_and_find_yourself(page, mailoutbox, settings, screenshots):
    settings.CONVENE_MEMBERSHIP_APPROVAL = False
    people_services.topic_get_or_create(name="Health financing")
    people_services.topic_get_or_create(name="Tobacco control")
    make_person("kofi.peer@example.org", name="Kofi Peer", country="GH")
    make_person("nadia.colleague@example.org", name="Nadia Colleague", country="KE")

    # Sign up with an e-mail address and a password.
    page.goto("/accounts/signup/")
    page.get_by_label(re.compile(r"^e-?mail", re.I)).fill("Wanjiru.Kamau@Example.org")
    page.get_by_label(re.compile(r"^password:?$", re.I)).fill(PASSWORD)
    page.get_by_label(re.compile(r"^password \(again\)", re.I)).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("join the network", re.I)).click()
    expect(page.locator("h1")).to_contain_text(re.compile("verify your e-?mail", re.I))

    # The confirmation e-mail arrives in the test mailbox; its link opens the confirmation page.
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["wanjiru.kamau@example.org"]
    link = CONFIRM_PATH.search(message.body)
    assert link, message.body
    page.goto(link.group(0))
    page.get_by_role("button", name=re.compile("confirm", re.I)).click()

    # Confirmed and logged in, the newcomer lands on their profile.
    expect(page).to_have_url(re.compile(r"/profile/$"))
    expect(page.locator("h1")).to_have_text("Your profile")

    page.get_by_label(re.compile(r"^Name:?$")).fill("Wanjiru Kamau")
    page.get_by_label("Country").select_option(label="Kenya")
    page.get_by_label("Sector").select_option(value="ngo")
    page.get_by_label("Other organisation").fill("Nairobi Health Alliance")
    page.get_by_label("Health financing").check()
    page.get_by_label("Swahili", exact=True).check()
    page.get_by_label("Time zone").select_option(value="Africa/Nairobi")
    page.get_by_role("button", name="Save profile").click()

    expect(page.locator(".messages")).to_contain_text("Welcome to the network. Your profile is saved.")
    expect(page.get_by_label(re.compile(r"^Name:?$"))).to_have_value("Wanjiru Kamau")
    expect(page.get_by_label("Time zone")).to_have_value("Africa/Nairobi")
    expect(page.get_by_label("Health financing")).to_be_checked()
    page.screenshot(path=screenshots / "profile.png", full_page=True)

    person = Person.objects.select_related("profile__organisation").get(email="wanjiru.kamau@example.org")
    assert person.profile.membership_status == "active"
    assert person.profile.organisation.name == "Nairobi Health Alliance"
    assert [language.code for language in person.profile.languages.all()] == ["sw"]
    assert person.time_zone == "Africa/Nairobi"

    # The directory finds the new member by name…
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()
    expect(page.locator("h1")).to_have_text("Member directory")
    page.get_by_label("Name, organisation or expertise").fill("wanjiru")
    page.get_by_role("button", name="Search").click()
    cards = page.locator("#results .card")
    expect(cards).to_have_count(1)
    expect(cards.first.locator("h3")).to_have_text("Wanjiru Kamau")
    expect(cards.first).to_contain_text("Nairobi Health Alliance")
    expect(cards.first).to_contain_text("Health financing")

    # …and among the members in Kenya, but not among those in Ghana.
    page.get_by_label("Name, organisation or expertise").fill("")
    page.get_by_label("Country").select_option(label="Kenya")
    expect(cards.locator("h3")).to_have_text(["Nadia Colleague", "Wanjiru Kamau"])
    page.get_by_label("Country").select_option(label="Ghana")
    expect(cards.locator("h3")).to_have_text(["Kofi Peer"])
    page.screenshot(path=screenshots / "directory.png", full_page=True)

    # The card opens the profile as others see it.
    page.get_by_label("Country").select_option(label="Kenya")
    page.get_by_role("link", name="Wanjiru Kamau").click()
    expect(page.locator("h1")).to_have_text("Wanjiru Kamau")
    expect(page.locator("dl.facts")).to_contain_text("Kenya")
    expect(page.locator("dl.facts")).to_contain_text("Swahili")
