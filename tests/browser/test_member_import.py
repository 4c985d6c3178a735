"""The secretariat imports a member list: a bad row stops the import until the file is corrected."""

import re

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

from convene.people.models import Person

from .conftest import BROWSER, log_in

pytestmark = BROWSER

# "Who" is not a header Convene recognises, so the secretariat has to say it holds the names.
BAD_FILE = (
    "Email,Who,Country\n"
    "amina.banda@example.org,Amina Banda,Zambia\n"
    "chanda.mwale.example.org,Chanda Mwale,ZM\n"  # row 3 of the file: no @ in the address
    "dumisani.phiri@example.org,Dumisani Phiri,Malawi\n"
)
FIXED_FILE = BAD_FILE.replace("chanda.mwale.example.org", "chanda.mwale@example.org")


@pytest.fixture
def import_url() -> str:
    try:
        return reverse("people:import_upload")
    except NoReverseMatch:
        pytest.skip("the member import is not built yet: the URL name people:import_upload does not resolve")


def upload_and_map(page, import_url: str, *, filename: str, content: str) -> None:
    """Upload a CSV, say that the column "Who" holds the names, and ask for the dry run."""
    page.goto(import_url)
    expect(page.locator("h1")).to_have_text("Import members")
    page.get_by_label("Member list").set_input_files(
        files=[{"name": filename, "mimeType": "text/csv", "buffer": content.encode()}]
    )
    page.get_by_role("button", name="Upload and check").click()

    expect(page.locator("h1")).to_have_text("Choose the columns")
    expect(page.locator("main table")).to_contain_text("Amina Banda")
    # Convene guessed the e-mail and country columns from their headers; the names it leaves to us.
    expect(page.get_by_label(re.compile(r"^E-mail:?$"))).to_have_value(re.compile(r"\d"))
    page.get_by_label(re.compile(r"^Name:?$")).select_option(label="Who")
    page.get_by_role("button", name="Check the rows").click()
    expect(page.locator("h1")).to_have_text("Check the import")


def test_secretariat_import_refuses_a_bad_row_then_imports_the_corrected_file(
    page, secretariat, import_url, screenshots
):
    log_in(page, secretariat.email)

    # The dry run names the bad row and offers no way to import.
    upload_and_map(page, import_url, filename="zambia-members.csv", content=BAD_FILE)
    errors = page.locator("main table tbody tr", has=page.locator(".errorlist"))
    expect(errors).to_have_count(1)
    expect(errors.first.locator("th")).to_have_text("3")
    expect(errors.first).to_contain_text("chanda.mwale.example.org")
    expect(errors.first).to_contain_text("not a valid e-mail address")
    expect(page.get_by_role("alert")).to_contain_text("correct the rows with errors in the file")
    expect(page.get_by_role("button", name=re.compile(r"^Import \d+ rows?$"))).to_have_count(0)
    page.screenshot(path=screenshots / "import-preview-with-error.png", full_page=True)
    assert not Person.objects.filter(
        email__in=["amina.banda@example.org", "dumisani.phiri@example.org"]
    ).exists()

    # Corrected and uploaded again, the file imports.
    upload_and_map(page, import_url, filename="zambia-members-fixed.csv", content=FIXED_FILE)
    expect(page.locator("main .errorlist")).to_have_count(0)
    page.get_by_role("button", name="Import 3 rows").click()
    expect(page.locator("h1")).to_have_text("Import done")
    expect(page.locator(".messages")).to_contain_text("Imported: 3 new members, 0 updated, 0 unchanged.")

    # The new members are in the directory.
    page.get_by_role("link", name="See the directory").click()
    page.get_by_label("Country").select_option(label="Zambia")
    expect(page.locator("#results .card h3")).to_have_text(["Amina Banda", "Chanda Mwale"])
    page.get_by_label("Country").select_option(label="Malawi")
    expect(page.locator("#results .card h3")).to_have_text(["Dumisani Phiri"])
