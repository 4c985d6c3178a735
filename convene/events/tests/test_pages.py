"""The events' pages: times in the viewer's zone across a daylight-saving change, the .ics, the
calendar's filters and feed, registering from the page, the e-mail links without login, check-in,
attendance import, the person's record and certificate, and pinned query counts."""

import re

import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for, make_person
from convene.events import services, tokens
from convene.events.models import Registration, RegistrationStatus
from convene.people.models import Person

from .conftest import make_event, members, wall

WASHINGTON = "America/New_York"


def viewer_in(zone: str) -> Person:
    person = make_person(f"{zone.split('/')[1].lower()}@example.org", name=zone)
    person.time_zone = zone
    person.save(update_fields=["time_zone"])
    return person


@pytest.mark.parametrize(
    ("zone", "before", "after"),
    [
        ("Africa/Lusaka", "Thu 7 Mar 2030, 19:00", "Thu 14 Mar 2030, 18:00"),
        ("Asia/Manila", "Fri 8 Mar 2030, 01:00", "Fri 15 Mar 2030, 00:00"),
        ("Asia/Kathmandu", "Thu 7 Mar 2030, 22:45", "Thu 14 Mar 2030, 21:45"),
    ],
)
def test_a_washington_webinar_in_lusaka_manila_and_kathmandu_across_the_dst_change(
    secretariat, clock, zone, before, after
):
    """Noon in Washington on 7 March (EST, UTC−5) and on 14 March 2030 (EDT, UTC−4, since the 10th)."""
    first = make_event(
        secretariat, starts=wall(2030, 3, 7, 12), ends=wall(2030, 3, 7, 13), zone_name=WASHINGTON
    )
    second = make_event(
        secretariat, starts=wall(2030, 3, 14, 12), ends=wall(2030, 3, 14, 13), zone_name=WASHINGTON
    )
    client = client_for(viewer_in(zone))
    for event, expected in ((first, before), (second, after)):
        page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
        assert expected in page
        assert "Thu 7 Mar 2030, 12:00" in page or "Thu 14 Mar 2030, 12:00" in page  # the organiser's time
    listing = client.get(reverse("events:calendar"), {"year": 2030}).content.decode()
    assert before in listing
    assert after in listing


def test_the_ics_keeps_washington_time_with_its_vtimezone(secretariat, clock):
    event = make_event(
        secretariat, starts=wall(2030, 3, 7, 12), ends=wall(2030, 3, 7, 13), zone_name=WASHINGTON
    )
    data = client_for(None).get(reverse("events:ics", args=[event.pk])).content
    cal = icalendar.Calendar.from_ical(data)
    vevent = next(iter(cal.walk("VEVENT")))
    assert vevent["DTSTART"].params["TZID"] == WASHINGTON
    assert vevent.decoded("DTSTART").hour == 12
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == [WASHINGTON]
    assert vevent["UID"] == event.uid
    assert "meet.example" not in data.decode()  # the online link only for those registered
    feed = client_for(None).get(reverse("events:calendar_feed"), {"year": 2030}).content
    assert event.uid.encode() in feed


def test_the_calendar_filters(secretariat, chair, group, clock):
    make_event(secretariat, title="Data webinar", region="africa")
    make_event(
        chair,
        kind="campaign_week",
        title="Social Service Workforce Week",
        groups=[group],
        starts=wall(2030, 4, 21, 0),
        ends=wall(2030, 4, 27, 23),
        translations={"fr": ("Semaine du personnel", "")},
    )
    client = client_for(None)

    def titles(**query):
        page = client.get(reverse("events:calendar"), {"year": 2030, **query}).content.decode()
        return sorted(t for t in ("Data webinar", "Social Service Workforce Week") if t in page)

    assert titles() == ["Data webinar", "Social Service Workforce Week"]
    assert titles(kind="campaign_week") == ["Social Service Workforce Week"]
    assert titles(group=group.slug) == ["Social Service Workforce Week"]
    assert titles(region="africa") == ["Data webinar"]
    assert titles(language="fr") == ["Social Service Workforce Week"]
    assert titles(year=2031) == []


def test_register_from_the_page_and_cancel_from_the_email_without_login(webinar, clock, mailoutbox):
    (member,) = members(1)
    question = webinar.questions.get(kind="consent")
    client = client_for(member)
    refused = client.post(reverse("events:register", args=[webinar.pk]), {})
    assert refused.status_code == 400
    assert not Registration.objects.exists()
    response = client.post(
        reverse("events:register", args=[webinar.pk]), {f"q_{question.pk}": "on", "remind_week": "on"}
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.status, registration.remind_week, registration.remind_hour) == (
        "registered",
        True,
        False,
    )
    cancel = re.search(r"https?://\S+/events/link/\S+/", mailoutbox[0].body).group(0)
    path = cancel.split("://", 1)[1].split("/", 1)[1]
    anonymous = client_for(None)
    assert anonymous.get(f"/{path}").status_code == 200
    assert Registration.objects.get().status == "registered"  # a GET (a mail scanner) changes nothing
    assert anonymous.post(f"/{path}").status_code == 200
    assert Registration.objects.get().status == "cancelled"
    assert anonymous.get(reverse("events:by_link", args=["forged"])).status_code == 404


def test_a_visitor_registers_for_a_public_event_and_confirms(webinar, clock, mailoutbox):
    question = webinar.questions.get(kind="consent")
    client = client_for(None)
    client.post(
        reverse("events:register", args=[webinar.pk]),
        {"name": "Vi Sitor", "email": "Vi@Example.net", f"q_{question.pk}": "on"},
    )
    registration = Registration.objects.get()
    assert (registration.email, registration.status) == ("vi@example.net", RegistrationStatus.UNCONFIRMED)
    token = tokens.registration_token(registration.pk, "confirm")
    assert client.post(reverse("events:by_link", args=[token])).status_code == 200
    assert Registration.objects.get().status == RegistrationStatus.REGISTERED


def test_check_in_import_recording_and_the_persons_record(webinar, secretariat, clock):
    a, b = members(2)
    for person in (a, b):
        services.registration_register(
            event=webinar, acting=person, answers={str(webinar.questions.get(kind="consent").pk): "yes"}
        )
    organiser = client_for(secretariat)
    listing = organiser.get(reverse("events:registrations", args=[webinar.pk])).content.decode()
    assert "I agree to be recorded.: yes" in listing
    reg_b = Registration.objects.get(person=b)
    assert (
        organiser.post(
            reverse("events:check_in", args=[webinar.pk, reg_b.pk]), {"attended": "yes"}
        ).status_code
        == 302
    )
    csv = f"Name,User Email\nA,{a.email.upper()}\n".encode()
    response = organiser.post(
        reverse("events:attendance_import", args=[webinar.pk]),
        {"file": SimpleUploadedFile("zoom.csv", csv), "email_column": "User Email"},
    )
    assert response.status_code == 200
    assert dict(Registration.objects.values_list("email", "attended")) == {a.email: True, b.email: True}
    bad = organiser.post(
        reverse("events:attendance_import", args=[webinar.pk]),
        {"file": SimpleUploadedFile("zoom.xlsx", b"not a spreadsheet")},
    )
    assert bad.status_code == 400
    organiser.post(
        reverse("events:after", args=[webinar.pk]),
        {
            "recording_url": "https://video.example/rec",
            "materials": "[Slides](https://x.example/s)",
            "certificates": "on",
        },
    )
    mine = client_for(a).get(reverse("events:mine")).content.decode()
    assert "Supervision in practice" in mine
    assert "https://video.example/rec" in mine
    pdf = client_for(a).get(reverse("events:certificate", args=[webinar.pk]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def _queries(client, url, **query) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, query).status_code == 200
    return len(captured)


def test_query_counts_do_not_grow_with_the_data(secretariat, chair, group, clock):
    from convene.events.models import Event

    client = client_for(secretariat)
    counts = []
    for n in (5, 50):
        Registration.objects.all().delete()
        Event.objects.all().delete()
        events = [make_event(secretariat, capacity=100, title=f"Webinar {i}") for i in range(n // 5)]
        event = events[0]
        people = Person.objects.bulk_create(Person(email=f"p{n}-{i}@example.org") for i in range(n))
        Registration.objects.bulk_create(
            Registration(event=event, person=p, email=p.email, name=p.email, status="registered")
            for p in people
        )
        counts.append(
            (
                _queries(client, reverse("events:detail", args=[event.pk])),
                _queries(client, reverse("events:calendar"), year=2030),
                _queries(client, reverse("events:registrations", args=[event.pk])),
            )
        )
    assert counts[0] == counts[1]
    assert counts[0] == PINNED


# Event page, calendar, registrations list (session, person, roles and the page's own reads).
PINNED = (10, 8, 11)


def test_the_profile_shows_attended_events_to_the_person_and_the_secretariat_only(
    webinar, secretariat, clock
):
    a, b = members(2)
    consent = {str(webinar.questions.get(kind="consent").pk): "yes"}
    registration = services.registration_register(event=webinar, acting=a, answers=consent)
    services.attendance_mark(
        event=webinar, acting=secretariat, registration_id=registration.pk, attended=True
    )
    url = reverse("people:profile_detail", args=[a.pk])
    assert "Supervision in practice" in client_for(a).get(url).content.decode()
    assert "Supervision in practice" in client_for(secretariat).get(url).content.decode()
    other = client_for(b).get(url)
    assert other.status_code == 200
    assert "Events attended" not in other.content.decode()


def test_registered_events_are_in_the_persons_private_feed(webinar, clock):
    from convene.meetings import services as meeting_services

    (a,) = members(1)
    services.registration_register(
        event=webinar, acting=a, answers={str(webinar.questions.get(kind="consent").pk): "yes"}
    )
    key = meeting_services.calendar_feed_for(person=a).key
    feed = client_for(None).get(reverse("meetings:personal_feed", args=[key])).content.decode()
    assert webinar.uid in feed
    assert "meet.example/webinar" in feed  # the person holds a place: the link is theirs


def test_the_title_in_the_viewers_language_and_the_calendar_fragment_for_htmx(secretariat, clock):
    event = make_event(secretariat, translations={"fr": ("Supervision en pratique", "En français.")})
    french = make_person("fr@example.org", name="Fatou Fr", country="SN")
    french.language = "fr"
    french.save(update_fields=["language"])
    page = client_for(french).get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "Supervision en pratique" in page
    assert "En français." in page
    english = client_for(secretariat).get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "Supervision en pratique" not in english
    fragment = client_for(None).get(
        reverse("events:calendar"), {"year": 2030}, headers={"HX-Request": "true"}
    )
    assert "Supervision in practice" in fragment.content.decode()
    assert b"<html" not in fragment.content
