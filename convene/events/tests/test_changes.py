"""What changes after an event is created: editing it (an update with the same UID and a higher
SEQUENCE to those registered, once; places offered when the capacity rises; questions locked once
answered), offers whose mail was lost, attendance with a minimum duration (Zoom and Teams reports),
and the organisers' export of the registrations."""

import csv
import io

import icalendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import client_for
from convene.events import services, tasks
from convene.events.models import Registration, RegistrationStatus
from convene.events.schedules import sweep_registration_mail
from convene.events.services import QuestionIn, SessionIn
from convene.people.imports import parse_upload

from .conftest import consent, make_event, members, wall

S = RegistrationStatus


def fields_of(event, **changes) -> dict:
    """The event's fields as ``event_update`` takes them (wall-clock times, as saved), with changes."""
    from convene.meetings.times import to_local

    event.refresh_from_db()
    fields = {
        "kind": event.kind,
        "title": event.title,
        "description": event.description,
        "language": event.language,
        "starts": to_local(event.starts, event.zone_name).replace(tzinfo=None),
        "ends": to_local(event.ends, event.zone_name).replace(tzinfo=None),
        "zone_name": event.zone_name,
        "online_url": event.online_url,
        "venue": event.venue,
        "region": event.region,
        "host_groups": list(event.host_groups.all()),
        "capacity": event.capacity,
        "visibility": event.visibility,
    }
    return fields | changes


def ics_of(message) -> icalendar.Event:
    (attachment,) = [a for a in message.attachments if a[0] == "event.ics"]
    return icalendar.Calendar.from_ical(attachment[1]).walk("VEVENT")[0]


def test_a_new_time_sends_each_person_registered_one_update_with_a_higher_sequence(
    webinar, secretariat, clock, mailoutbox
):
    a, b = members(2)
    for person in (a, b):
        services.registration_register(event=webinar, acting=person, answers=consent(webinar))
    first_uid = str(ics_of(mailoutbox[0])["UID"])
    mailoutbox.clear()

    services.event_update(event=webinar, acting=secretariat, **fields_of(webinar, title="Retitled"))
    assert mailoutbox == []  # a new title is not a new time or place

    result = services.event_update(
        event=webinar,
        acting=secretariat,
        **fields_of(webinar, starts=wall(2030, 3, 11, 9), ends=wall(2030, 3, 11, 10, 30)),
    )
    assert result.moved
    assert sorted(m.to[0] for m in mailoutbox) == [a.email, b.email]
    entry = ics_of(mailoutbox[0])
    assert (str(entry["UID"]), int(entry["SEQUENCE"])) == (first_uid, 1)
    assert entry.decoded("DTSTART").day == 11
    assert "Changed: Retitled" in mailoutbox[0].subject

    tasks.send_event_update(webinar.pk)  # run twice, or by the sweep: nothing more
    clock.move(minutes=11)
    sweep_registration_mail()
    assert len(mailoutbox) == 2
    assert set(Registration.objects.values_list("sent_sequence", flat=True)) == {1}

    services.event_update(event=webinar, acting=secretariat, **fields_of(webinar, capacity=3))
    (c,) = members(1, prefix="late")  # registered after the change: the confirmation is current
    services.registration_register(event=webinar, acting=c, answers=consent(webinar))
    assert int(ics_of(mailoutbox[-1])["SEQUENCE"]) == 1
    services.event_update(event=webinar, acting=secretariat, **fields_of(webinar, venue="Room 4"))
    assert len(mailoutbox) == 3 + 3  # c's confirmation, then the new place to all three
    assert {int(ics_of(m)["SEQUENCE"]) for m in mailoutbox[3:]} == {2}


def test_a_lost_update_is_sent_by_the_sweep_once(webinar, secretariat, clock, mailoutbox, monkeypatch):
    (a,) = members(1)
    services.registration_register(event=webinar, acting=a, answers=consent(webinar))
    mailoutbox.clear()
    monkeypatch.setattr(services, "enqueue_on_commit", lambda task, *args, **kwargs: None)  # lost
    services.event_update(event=webinar, acting=secretariat, **fields_of(webinar, venue="Lusaka"))
    clock.move(minutes=11)
    sweep_registration_mail()
    sweep_registration_mail()
    assert [m.to for m in mailoutbox] == [[a.email]]


def test_raising_the_capacity_offers_the_places_to_the_waiting_list(webinar, secretariat, clock, mailoutbox):
    people = members(4)
    for person in people:
        services.registration_register(event=webinar, acting=person, answers=consent(webinar))
    mailoutbox.clear()
    services.event_update(event=webinar, acting=secretariat, **fields_of(webinar, capacity=1))
    assert Registration.objects.filter(status=S.REGISTERED).count() == 2  # nobody loses a place
    result = services.event_update(event=webinar, acting=secretariat, **fields_of(webinar, capacity=3))
    assert result.offered == 1
    offered = Registration.objects.get(status=S.OFFERED)
    assert offered.person == people[2]
    assert offered.offer_sent_at == clock.now
    assert [m.to for m in mailoutbox] == [[people[2].email]]


def test_an_offer_whose_mail_was_lost_is_sent_by_the_sweep_exactly_once(
    webinar, clock, mailoutbox, monkeypatch
):
    people = members(3)
    regs = [services.registration_register(event=webinar, acting=p, answers=consent(webinar)) for p in people]
    mailoutbox.clear()
    real = services.enqueue_on_commit

    def crash_before_the_offer_mail(task, *args, **kwargs):
        if task is not tasks.send_offer:
            real(task, *args, **kwargs)

    monkeypatch.setattr(services, "enqueue_on_commit", crash_before_the_offer_mail)
    services.registration_cancel(registration=regs[0])
    offer = Registration.objects.get(pk=regs[2].pk)
    assert (offer.status, offer.offer_sent_at, mailoutbox) == (S.OFFERED, None, [])
    sweep_registration_mail()
    assert mailoutbox == []  # too recent: the worker may still be on it
    clock.move(minutes=11)
    sweep_registration_mail()
    sweep_registration_mail()
    tasks.send_offer(offer.pk)  # a late retry of the lost task: sends nothing more
    assert [m.to for m in mailoutbox] == [[people[2].email]]
    assert "A place has freed up" in mailoutbox[0].body


def test_questions_change_until_someone_answers(webinar, secretariat, clock):
    questions = [QuestionIn("text", "Your organisation"), QuestionIn("consent", "I agree to be recorded.")]
    services.event_update(event=webinar, acting=secretariat, questions=questions, **fields_of(webinar))
    assert [q.label for q in webinar.questions.all()] == ["Your organisation", "I agree to be recorded."]
    (a,) = members(1)
    services.registration_register(event=webinar, acting=a, answers=consent(webinar))
    services.event_update(event=webinar, acting=secretariat, questions=questions, **fields_of(webinar))
    with pytest.raises(ValidationError, match="answered"):
        services.event_update(
            event=webinar, acting=secretariat, questions=questions[:1], **fields_of(webinar)
        )
    assert webinar.questions.count() == 2


def test_the_programme_moves_with_the_start_and_hosts_added_must_be_the_editors(
    secretariat, chair, group, committee_member, clock
):
    event = make_event(
        chair,
        groups=[group],
        starts=wall(2030, 5, 5, 9),
        ends=wall(2030, 5, 5, 12),
        sessions=[SessionIn("Opening", wall(2030, 5, 5, 9), wall(2030, 5, 5, 10))],
        translations={"fr": ("Atelier", "")},
    )
    services.event_update(
        event=event,
        acting=chair,
        translations={"fr": ("", ""), "es": ("Taller", "")},
        **fields_of(event, starts=wall(2030, 5, 6, 14), ends=wall(2030, 5, 6, 17)),
    )
    session = event.sessions.get()
    assert (session.starts.day, session.starts.hour) == (6, 18)  # 14:00 in New York (EDT) is 18:00 UTC
    assert list(event.translations.values_list("language", "title")) == [("es", "Taller")]
    with pytest.raises(ValidationError, match="outside"):
        services.event_update(
            event=event,
            acting=chair,
            **fields_of(event, starts=wall(2030, 5, 6, 14), ends=wall(2030, 5, 6, 14, 30)),
        )
    from conftest import make_person
    from convene.groups.tests.conftest import make_group

    other = make_group(
        committee=committee_member, cochairs=[make_person("oc@example.org", name="Omar Chair")], name="Other"
    )
    with pytest.raises(PermissionDenied):
        services.event_update(event=event, acting=chair, **fields_of(event, host_groups=[group, other]))
    with pytest.raises(ValidationError, match="host group"):
        services.event_update(event=event, acting=chair, **fields_of(event, host_groups=[]))
    assert list(event.host_groups.all()) == [group]


ZOOM = (
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
    "Ana,{a},03/10/2030 09:00:10 AM,03/10/2030 09:20:00 AM,20,No\n"
    "Ana,{a},03/10/2030 09:25:00 AM,03/10/2030 09:40:00 AM,15,No\n"  # dropped and came back: 35
    "Ben,{b},03/10/2030 09:00:00 AM,03/10/2030 09:29:00 AM,29,No\n"
    "Guest,guest@example.net,03/10/2030 09:00:00 AM,03/10/2030 10:00:00 AM,60,Yes\n"
)
TEAMS = (
    "Name,First Join,Last Leave,In-Meeting Duration,Email,Participant ID (UPN),Role\n"
    "Ana,3/10/30 9:00:10 AM,3/10/30 9:31:00 AM,30m 50s,{a},{a},Attendee\n"
    "Ben,3/10/30 9:00:00 AM,3/10/30 10:20:00 AM,1h 20m 3s,{b},{b},Attendee\n"
    "Cy,3/10/30 9:00:00 AM,3/10/30 9:05:00 AM,4m 59s,{c},{c},Attendee\n"
)


@pytest.mark.parametrize(
    ("name", "sample", "attended", "too_short"),
    [("zoom.csv", ZOOM, {"a", "b"} - {"b"}, ["b"]), ("teams.csv", TEAMS, {"a", "b"}, ["c"])],
)
def test_attendance_counts_only_those_who_stayed_long_enough(
    webinar, secretariat, clock, name, sample, attended, too_short
):
    webinar.capacity = None
    webinar.save(update_fields=["capacity"])
    people = dict(zip("abc", members(3), strict=True))
    for person in people.values():
        services.registration_register(event=webinar, acting=person, answers=consent(webinar))
    text = sample.format(**{k: p.email for k, p in people.items()})
    result = services.attendance_import(
        event=webinar, acting=secretariat, parsed=parse_upload(name=name, data=text.encode()), min_minutes=30
    )
    assert result.too_short == [people[k].email for k in too_short]
    marked = set(Registration.objects.filter(attended=True).values_list("email", flat=True))
    assert marked == {people[k].email for k in attended}
    assert result.marked == len(attended)


def test_a_duration_that_cannot_be_read_changes_nothing(webinar, secretariat, clock):
    (a,) = members(1)
    services.registration_register(event=webinar, acting=a, answers=consent(webinar))
    data = f"User Email,Duration (Minutes)\n{a.email},45\n{a.email},soon\n".encode()
    with pytest.raises(ValidationError, match="Rows 3"):
        services.attendance_import(
            event=webinar, acting=secretariat, parsed=parse_upload(name="z.csv", data=data), min_minutes=30
        )
    with pytest.raises(ValidationError, match="how long"):
        services.attendance_import(
            event=webinar,
            acting=secretariat,
            parsed=parse_upload(name="z.csv", data=f"Email\n{a.email}\n".encode()),
            min_minutes=30,
        )
    assert Registration.objects.get().attended is None


def test_parse_minutes():
    parse = services.parse_minutes
    assert [parse("52"), parse("1h 5m 12s"), parse("45m"), parse("1:05:00"), parse("30,5")] == [
        52,
        65.2,
        45,
        65,
        30.5,
    ]
    assert [parse(""), parse("soon"), parse("5 apples")] == [None, None, None]


# --- Pages ----------------------------------------------------------------------------------------


def test_the_organiser_edits_the_event_from_its_page(webinar, secretariat, member, clock, mailoutbox):
    (a,) = members(1)
    services.registration_register(event=webinar, acting=a, answers=consent(webinar))
    mailoutbox.clear()
    organiser = client_for(secretariat)
    url = reverse("events:edit", args=[webinar.pk])
    page = organiser.get(url).content.decode()
    assert 'value="2030-03-10T09:00"' in page  # the organiser's wall-clock time, in its zone
    assert "disabled" in page  # the questions are answered: locked
    data = {
        "kind": "webinar",
        "title": "Supervision in practice",
        "language": "en",
        "starts": "2030-03-10T10:00",
        "ends": "2030-03-10T11:30",
        "zone_name": "America/New_York",
        "online_url": "https://meet.example/webinar",
        "region": "global",
        "visibility": "public",
        "capacity": "2",
    }
    assert organiser.post(url, data | {"ends": "2030-03-10T09:30"}).status_code == 400
    assert organiser.post(url, data).status_code == 302
    webinar.refresh_from_db()
    assert (webinar.starts.hour, webinar.sequence) == (14, 1)
    assert [m.to for m in mailoutbox] == [[a.email]]
    assert client_for(member).get(url).status_code == 403


def test_the_registrations_export_in_the_viewers_zone_safe_from_formulas(webinar, secretariat, clock):
    a, b = members(2)
    services.registration_register(
        event=webinar,
        acting=a,
        answers={**consent(webinar), str(webinar.questions.get(kind="country").pk): "MW"},
    )
    services.registration_register(
        event=webinar, email="v@example.net", name="=HYPERLINK(1)", answers=consent(webinar)
    )
    secretariat.time_zone = "Africa/Lusaka"
    secretariat.save(update_fields=["time_zone"])
    organiser = client_for(secretariat)
    response = organiser.get(reverse("events:registrations_export", args=[webinar.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == [
        "Name",
        "E-mail address",
        "Country",
        "Organisation",
        "State",
        "Registered at (Africa/Lusaka)",
        "Where do you work?",
        "I agree to be recorded.",
        "Attended",
    ]
    assert rows[1] == [
        "Member 0",
        a.email,
        "Malawi",
        "",
        "Registered",
        "2030-02-01 14:00",
        "Malawi",
        "yes",
        "",
    ]
    assert rows[2][0] == "'=HYPERLINK(1)"
    assert rows[2][4] == "Waiting for the e-mail to be confirmed"
    xlsx = organiser.get(reverse("events:registrations_export", args=[webinar.pk]), {"format": "xlsx"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in next(sheet.iter_rows(min_row=3, max_row=3))][0] == "'=HYPERLINK(1)"


def test_the_export_reads_the_same_whatever_the_number_of_rows(
    webinar, secretariat, clock, django_assert_num_queries
):
    from convene.people.models import Person

    organiser = client_for(secretariat)
    url = reverse("events:registrations_export", args=[webinar.pk])
    for n in (3, 30):
        people = Person.objects.bulk_create(Person(email=f"x{n}-{i}@example.org") for i in range(n))
        Registration.objects.bulk_create(
            Registration(event=webinar, person=p, email=p.email, name=p.email, status="registered")
            for p in people
        )
        with django_assert_num_queries(EXPORT_QUERIES):
            response = organiser.get(url)
            body = b"".join(response.streaming_content)
        assert body.count(b"\n") >= n + 1


EXPORT_QUERIES = 8
