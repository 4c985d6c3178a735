"""Long selects (time zone, organisation, partner) can be searched as one types; without JavaScript
they are plain selects that still work (issue 9)."""

from django.urls import reverse
from playwright.sync_api import expect

from conftest import give_term, make_person
from convene.governance.models import Body
from convene.people import services as people_services
from convene.people.models import Organisation, Person

from .conftest import BROWSER, log_in

pytestmark = BROWSER


def test_typing_narrows_the_time_zones_and_the_choice_is_saved(page):
    make_person("amina@example.org", name="Amina Member", country="IN")
    log_in(page, "amina@example.org")
    page.goto(reverse("people:profile_edit"))
    time_zone = page.locator("#id_time_zone")
    search = page.locator("#id_time_zone-search")
    expect(search).to_be_visible()
    expect(page.get_by_role("searchbox", name="Search the list").nth(1)).to_have_attribute(
        "aria-describedby", "id_time_zone-label"
    )
    assert time_zone.locator("option").count() > 400

    search.fill("kolk")
    # The matching zone, and the zone chosen before (kept, so searching changes nothing by itself).
    expect(time_zone.locator("option")).to_have_count(2)
    expect(time_zone).to_have_value("UTC")
    time_zone.select_option("Asia/Kolkata")
    search.fill("")
    assert time_zone.locator("option").count() > 400
    expect(time_zone).to_have_value("Asia/Kolkata")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator(".messages")).to_be_visible()
    assert Person.objects.get(email="amina@example.org").time_zone == "Asia/Kolkata"


def test_organisations_searched_by_any_word_without_accents(page):
    secretariat = make_person("sec@example.org", name="Sam Secretariat", country="US")
    give_term(secretariat, Body.SECRETARIAT)
    for name in ["Fundação Criança", "Child Fund Alliance", "Save the Children", "Terre des hommes"]:
        people_services.organisation_save(acting=secretariat, name=name, country="BR")
    make_person("amina@example.org", name="Amina Member", country="IN")
    log_in(page, "amina@example.org")
    page.goto(reverse("people:profile_edit"))
    organisation = page.locator("#id_organisation")
    page.locator("#id_organisation-search").fill("crianca fund")
    # The empty choice ("---------") stays, so the field can still be left empty.
    expect(organisation.locator("option")).to_have_count(2)
    organisation.select_option(label="Fundação Criança")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator(".messages")).to_be_visible()
    person = Person.objects.select_related("profile").get(email="amina@example.org")
    assert person.profile.organisation == Organisation.objects.get(name="Fundação Criança")


def test_without_javascript_the_select_is_plain_and_works(new_context):
    make_person("amina@example.org", name="Amina Member", country="IN")
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, "amina@example.org")
    page.goto(reverse("people:profile_edit"))
    expect(page.locator("#id_time_zone-search")).to_have_count(0)
    page.get_by_label("Time zone").select_option("Asia/Kolkata")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator(".messages")).to_be_visible()
    assert Person.objects.get(email="amina@example.org").time_zone == "Asia/Kolkata"
