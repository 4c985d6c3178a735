"""The library and the data call in the browser (issue 14): a co-chair turns the group's deliverable
into a resource (a PDF), a member finds it by search and downloads it (the count goes up, under the
member's country); a member answers the data call, another member of the same country too, and the
secretariat reconciles the two answers for that country, validating the figure it picks."""

import datetime
import re

from django.urls import reverse
from playwright.sync_api import expect

from conftest import give_term, make_person
from convene.datacall import services as datacall_services
from convene.datacall.models import CountryRecord, Submission
from convene.governance.models import Body
from convene.library.models import DownloadCount, Resource
from convene.plans.tests.factories import build_plan, launch_group

from .conftest import BROWSER, log_in

pytestmark = BROWSER


def test_deliverable_to_resource_search_download_and_the_data_call(new_context, tmp_path):
    committee = make_person("committee@example.org", name="Carmen Committee", country="CO")
    give_term(committee, Body.STEERING_COMMITTEE)
    secretariat = make_person("sec@example.org", name="Sam Secretariat", country="US")
    give_term(secretariat, Body.SECRETARIAT)
    cochair = make_person("cochair@example.org", name="Mette Cochair", country="DK")
    make_person("chipo@example.org", name="Chipo Banda", country="ZM")
    mwila = make_person("mwila@example.org", name="Mwila Phiri", country="ZM")
    group = launch_group(committee=committee, cochair=cochair)
    world = build_plan(group=group, cochair=cochair, secretariat=secretariat)

    # The co-chair publishes the deliverable "Toolkit on case management" with its PDF.
    chair = new_context().new_page()
    log_in(chair, "cochair@example.org")
    chair.goto(reverse("library:group", args=[group.slug]))
    chair.get_by_role("link", name="Put it in the library").click()
    expect(chair.get_by_label("Title")).to_have_value("Toolkit on case management")
    chair.get_by_label("Type").select_option("toolkit")
    chair.get_by_label("Abstract").fill(
        "Standards for case management in Zambia and Malawi, by José Martínez."
    )
    pdf = tmp_path / "toolkit.pdf"
    pdf.write_bytes(b"%PDF-1.7\n% a toolkit\n")
    chair.get_by_label("File").set_input_files(str(pdf))
    chair.get_by_role("button", name="Publish in the library").click()
    expect(chair).to_have_url(re.compile(r"/library/\d+/$"))
    resource = Resource.objects.get()
    assert resource.deliverable_id == world.deliverable.pk

    # A member finds it (accents and case ignored) and downloads it.
    member = new_context().new_page()
    log_in(member, "chipo@example.org")
    member.goto(reverse("library:list"))
    member.get_by_label("Search titles, authors and abstracts").fill("JOSE toolk")
    member.get_by_role("button", name="Search").click()
    expect(member.get_by_text("1 resource found")).to_be_visible()
    member.get_by_role("link", name="Toolkit on case management").click()
    with member.expect_download() as download:
        member.locator("a.button-link", has_text="Download").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert list(DownloadCount.objects.values_list("country", "count")) == [("ZM", 1)]

    # The co-chair sees the count on the resource's page.
    chair.reload()
    expect(chair.get_by_text("1 download")).to_be_visible()

    # The data call: Chipo answers on the page, Mwila (same country) answered with another figure.
    call = datacall_services.datacall_create(
        acting=secretariat, title="3rd State of the Workforce", year=2017, deadline=datetime.date(2099, 12, 1)
    )
    datacall_services.datacall_set_status(call=call, acting=secretariat, status="open")
    datacall_services.submission_save(call=call, acting=mwila, values={"sw_government": "1150"})
    member.goto(reverse("datacall:detail", args=[call.pk]))
    member.get_by_label("Social workers, government").fill("1200")
    member.get_by_label("Institutions training social workers").fill("4")
    member.get_by_role("button", name="Submit the answer").click()
    expect(member.get_by_text("your answer is saved")).to_be_visible()
    assert Submission.objects.count() == 2
    mwila_answer = Submission.objects.get(person=mwila)

    sec = new_context().new_page()
    log_in(sec, "sec@example.org")
    sec.goto(reverse("datacall:detail", args=[call.pk]))
    expect(sec.locator("svg.chart")).to_be_visible()
    sec.get_by_role("link", name="Zambia").click()
    expect(sec.get_by_text("answers differ")).to_be_visible()
    sec.locator(f'input[name="pick_sw_government"][value="{mwila_answer.pk}"]').check()
    sec.get_by_label("Validate Social workers, government").check()
    sec.get_by_label("Comment").fill("The ministry's figure.")
    sec.get_by_role("button", name="Save the country's values").click()
    expect(sec.get_by_text("validated", exact=True)).to_be_visible()
    record = CountryRecord.objects.get()
    assert (record.values["sw_government"], record.locked) == (1150, ["sw_government"])
