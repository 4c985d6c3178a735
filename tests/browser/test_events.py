"""The events loop in the browser (issue 14): the secretariat creates a webinar with one place; two
members register, the second onto the waiting list; the first cancels, the second takes the offered
place from the e-mail's link without logging in; the secretariat imports the Zoom attendee report and
publishes the recording; the member sees the webinar they attended on their record, with the recording."""

import re

from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from conftest import give_term, make_person
from convene.events.models import Event, Registration
from convene.governance.models import Body

from .conftest import BROWSER, log_in

pytestmark = BROWSER


def test_webinar_waiting_list_attendance_and_the_record(new_context):
    secretariat = make_person("sec@example.org", name="Sam Secretariat", country="US")
    give_term(secretariat, Body.SECRETARIAT)
    make_person("amina@example.org", name="Amina Banda", country="ZM")
    make_person("joy@example.org", name="Joy Santos", country="PH")

    sec = new_context().new_page()
    log_in(sec, "sec@example.org")
    sec.goto(reverse("events:new"))
    sec.get_by_label("Type").select_option("webinar")
    sec.get_by_label(re.compile(r"^Title")).fill("Supervision in practice")
    sec.get_by_label("Starts").fill("2030-03-14T12:00")
    sec.get_by_label("Ends").fill("2030-03-14T13:00")
    sec.get_by_label("Time zone").select_option("America/New_York")
    sec.get_by_label("Online link").fill("https://meet.example/webinar")
    sec.get_by_label("Capacity").fill("1")
    sec.get_by_role("button", name="Create the event").click()
    expect(sec).to_have_url(re.compile(r"/events/\d+/$"))
    event = Event.objects.get()

    amina = new_context().new_page()
    log_in(amina, "amina@example.org")
    amina.goto(reverse("events:detail", args=[event.pk]))
    amina.get_by_role("button", name="Register").click()
    expect(amina.get_by_text("You are registered.")).to_be_visible()

    joy = new_context().new_page()
    log_in(joy, "joy@example.org")
    joy.goto(reverse("events:detail", args=[event.pk]))
    joy.get_by_role("button", name="Join the waiting list").click()
    expect(joy.get_by_text("you are on the waiting list")).to_be_visible()

    # Amina cannot come after all: her place is offered to Joy, by e-mail.
    amina.get_by_role("button", name="Cancel my registration").click()
    offer = next(m for m in mail.outbox if m.to == ["joy@example.org"] and "place is free" in m.subject)
    link = re.search(r"/events/link/\S+/", offer.body).group(0)  # on the live server's address
    visitor = new_context().new_page()  # the link works without logging in
    visitor.goto(link)
    visitor.get_by_role("button", name="Take the place").click()
    expect(visitor.get_by_text("You are registered.")).to_be_visible()
    assert dict(Registration.objects.values_list("email", "status")) == {
        "amina@example.org": "cancelled",
        "joy@example.org": "registered",
    }

    # After the webinar: the Zoom report, then the recording.
    sec.goto(reverse("events:attendance_import", args=[event.pk]))
    sec.get_by_label(re.compile("Attendee report")).set_input_files(
        files=[
            {
                "name": "zoom.csv",
                "mimeType": "text/csv",
                "buffer": b"Name (Original Name),User Email,Duration (Minutes)\nJoy,joy@example.org,58\n",
            }
        ]
    )
    sec.get_by_role("button", name="Import").click()
    expect(sec.get_by_text("1 person marked as attended.")).to_be_visible()
    sec.goto(reverse("events:after", args=[event.pk]))
    sec.get_by_label("Recording").fill("https://video.example/supervision")
    sec.get_by_label("Attendees may download a certificate").check()
    sec.get_by_role("button", name="Save", exact=True).click()
    expect(sec.get_by_text("Saved.")).to_be_visible()

    joy.goto(reverse("events:mine"))
    expect(joy.get_by_role("link", name="Supervision in practice").last).to_be_visible()
    expect(joy.get_by_role("link", name="Recording")).to_have_attribute(
        "href", "https://video.example/supervision"
    )
    expect(joy.get_by_role("link", name="PDF")).to_be_visible()
    # …and on her profile.
    joy.goto(
        reverse("people:profile_detail", args=[Registration.objects.get(email="joy@example.org").person_id])
    )
    expect(joy.get_by_role("heading", name="Events attended")).to_be_visible()
    expect(joy.get_by_role("link", name="Certificate (PDF)")).to_be_visible()
