"""Registration, the waiting list and its offers, cancelling, attendance: through the services and
the real tasks, with a frozen clock."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from convene.core.errors import StateConflict
from convene.events import services, tasks, tokens
from convene.events.models import Event, Registration, RegistrationStatus
from convene.events.schedules import expire_offers
from convene.events.services import QuestionIn, SessionIn
from convene.people.imports import parse_upload

from .conftest import consent, make_event, members, wall

S = RegistrationStatus


def statuses(event) -> dict[str, str]:
    return dict(Registration.objects.filter(event=event).values_list("email", "status"))


def test_the_secretariat_creates_an_event_with_programme_and_questions(secretariat, clock):
    event = make_event(
        secretariat,
        kind="symposium",
        starts=wall(2030, 5, 5, 9),
        ends=wall(2030, 5, 6, 17),
        zone_name="Africa/Johannesburg",
        partners=["UNICEF", " ", "IASSW"],
        translations={"fr": ("Symposium annuel", "Deux jours")},
        sessions=[SessionIn("Opening", wall(2030, 5, 5, 9), wall(2030, 5, 5, 10), ["Dr A", "Dr B"])],
        questions=[QuestionIn("choice", "Which day?", ["Day 1", "Day 2"], required=True)],
    )
    assert (event.starts.hour, event.ends.day) == (7, 6)  # 09:00 in Johannesburg is 07:00 UTC
    assert event.partners == "UNICEF\nIASSW"
    assert event.translations.get().title == "Symposium annuel"
    session = event.sessions.get()
    assert (session.title, session.speaker_list) == ("Opening", ["Dr A", "Dr B"])
    assert event.questions.get().choice_list == ["Day 1", "Day 2"]


def test_a_cochair_creates_events_of_their_groups_only(chair, group, other_chair_group, member, clock):
    event = make_event(chair, groups=[group])
    assert list(event.host_groups.all()) == [group]
    with pytest.raises(PermissionDenied):
        make_event(chair, groups=[group, other_chair_group])
    with pytest.raises(PermissionDenied):
        make_event(member)
    with pytest.raises(PermissionDenied):
        make_event(chair)  # the network's own events are the secretariat's
    assert Event.objects.count() == 1


@pytest.fixture
def other_chair_group(committee_member):
    from conftest import make_person
    from convene.groups.tests.conftest import make_group

    return make_group(
        committee=committee_member, cochairs=[make_person("oc@example.org", name="Omar Chair")], name="Other"
    )


def test_bad_events_are_refused_and_nothing_is_made(secretariat, clock):
    cases = [
        ({"ends": wall(2030, 3, 10, 8)}, "ends"),
        ({"online_url": "", "venue": ""}, "venue"),
        ({"zone_name": "Mars/Olympus"}, "zone_name"),
        ({"capacity": 0}, "capacity"),
        ({"questions": [QuestionIn("choice", "One?", ["only"])]}, "questions"),
        ({"sessions": [SessionIn("Late", wall(2030, 3, 10, 11), wall(2030, 3, 10, 12))]}, "sessions"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
    ]
    for extra, field in cases:
        with pytest.raises(ValidationError) as error:
            make_event(secretariat, **extra)
        assert field in error.value.message_dict
    assert Event.objects.count() == 0


def test_members_register_then_the_waiting_list(webinar, clock, mailoutbox):
    a, b, c = members(3)
    for person in (a, b, c):
        services.registration_register(event=webinar, acting=person, answers=consent(webinar))
    assert statuses(webinar) == {a.email: S.REGISTERED, b.email: S.REGISTERED, c.email: S.WAITING}
    assert [m.to for m in mailoutbox] == [[a.email], [b.email], [c.email]]
    assert b"BEGIN:VCALENDAR" in mailoutbox[0].attachments[0][1]
    assert b"METHOD:REQUEST" in mailoutbox[0].attachments[0][1]
    assert "waiting list" in mailoutbox[2].body
    with pytest.raises(StateConflict):
        services.registration_register(event=webinar, acting=a, answers=consent(webinar))


def test_answers_are_checked(webinar, clock):
    (a,) = members(1)
    country = webinar.questions.get(kind="country")
    with pytest.raises(ValidationError) as error:
        services.registration_register(event=webinar, acting=a, answers={str(country.pk): "XX"})
    assert set(error.value.message_dict) == {
        f"q_{country.pk}",
        f"q_{webinar.questions.get(kind='consent').pk}",
    }
    assert not Registration.objects.exists()
    services.registration_register(
        event=webinar, acting=a, answers={**consent(webinar), str(country.pk): "np"}
    )
    assert Registration.objects.get().country == "NP"


def test_a_freed_place_is_offered_and_an_expired_offer_moves_on_exactly_once(webinar, clock, mailoutbox):
    a, b, c, d = members(4)
    regs = {
        p: services.registration_register(event=webinar, acting=p, answers=consent(webinar))
        for p in (a, b, c, d)
    }
    mailoutbox.clear()
    services.registration_cancel(registration=regs[a])
    assert statuses(webinar)[c.email] == S.OFFERED
    offer = Registration.objects.get(pk=regs[c].pk)
    assert offer.offer_expires_at == clock.now + __import__("datetime").timedelta(hours=48)
    assert [m.to for m in mailoutbox] == [[c.email]]
    assert tokens.link(offer.pk, "accept").split("/")[-2] in mailoutbox[0].body

    clock.move(hours=47, minutes=59)
    expire_offers()  # the real periodic task
    assert statuses(webinar)[c.email] == S.OFFERED
    clock.move(minutes=2)
    expire_offers()
    expire_offers()  # run twice: nothing more happens
    assert statuses(webinar) == {
        a.email: S.CANCELLED,
        b.email: S.REGISTERED,
        c.email: S.EXPIRED,
        d.email: S.OFFERED,
    }
    assert [m.to for m in mailoutbox] == [[c.email], [d.email]]
    with pytest.raises(StateConflict):
        services.offer_accept(registration=offer)
    services.offer_accept(registration=Registration.objects.get(pk=regs[d].pk))
    assert statuses(webinar)[d.email] == S.REGISTERED
    assert b"BEGIN:VCALENDAR" in mailoutbox[-1].attachments[0][1]


def test_public_registration_is_confirmed_by_email(webinar, clock, mailoutbox):
    reg = services.registration_register(
        event=webinar, email="visitor@example.net", name="Vi Sitor", answers=consent(webinar)
    )
    assert reg.status == S.UNCONFIRMED
    assert [m.to for m in mailoutbox] == [["visitor@example.net"]]
    token = tokens.registration_token(reg.pk, "confirm")
    assert token in mailoutbox[0].body
    services.registration_confirm(registration=reg)
    services.registration_confirm(registration=reg)  # a second click changes nothing
    assert Registration.objects.get().status == S.REGISTERED
    assert len(mailoutbox) == 2
    assert b"ATTENDEE" in mailoutbox[1].attachments[0][1]


def test_members_events_refuse_visitors_and_non_members(secretariat, outsider, clock):
    event = make_event(secretariat, visibility="members")
    with pytest.raises(PermissionDenied):
        services.registration_register(event=event, email="v@example.net", name="V")
    with pytest.raises(PermissionDenied):
        services.registration_register(event=event, acting=outsider)
    assert not Registration.objects.exists()


def test_registration_window(secretariat, clock):
    event = make_event(
        secretariat, registration_opens=wall(2030, 2, 5, 9), registration_closes=wall(2030, 3, 9, 9)
    )
    (a,) = members(1)
    with pytest.raises(StateConflict):
        services.registration_register(event=event, acting=a)
    clock.move(days=10)
    services.registration_register(event=event, acting=a)
    assert Registration.objects.get().status == S.REGISTERED


def test_reminders_a_week_and_an_hour_before_as_each_person_chose(webinar, clock, mailoutbox):
    a, b = members(2)
    services.registration_register(event=webinar, acting=a, answers=consent(webinar))
    services.registration_register(event=webinar, acting=b, answers=consent(webinar), remind_week=False)
    mailoutbox.clear()
    clock.now = webinar.starts - __import__("datetime").timedelta(days=6)
    assert tasks.send_reminders() == 1
    assert tasks.send_reminders() == 0
    clock.now = webinar.starts - __import__("datetime").timedelta(minutes=30)
    assert tasks.send_reminders() == 2
    assert tasks.send_reminders() == 0
    assert sorted(m.to[0] for m in mailoutbox) == [a.email, a.email, b.email]


CSV = (
    "Name (Original Name),User Email,Join Time,Duration (Minutes)\n"
    "Member 0,M0@example.org,03/10/2030 09:01,80\n"
    "Someone,someone@else.org,03/10/2030 09:05,20\n"
)


def test_attendance_import_and_follow_up(webinar, secretariat, clock, mailoutbox):
    a, b = members(2)
    for p in (a, b):
        services.registration_register(event=webinar, acting=p, answers=consent(webinar))
    parsed = parse_upload(name="zoom.csv", data=CSV.encode())
    result = services.attendance_import(event=webinar, acting=secretariat, parsed=parsed)
    assert (result.marked, result.unknown) == (1, ["someone@else.org"])
    assert dict(Registration.objects.values_list("email", "attended")) == {a.email: True, b.email: None}

    mailoutbox.clear()
    clock.now = webinar.ends
    assert (
        services.follow_up_send(
            event=webinar, acting=secretariat, attendees_text="Thanks!", no_shows_text="Sorry we missed you"
        )
        == 2
    )
    tasks.send_follow_up(webinar.pk, "Thanks!", "Sorry")  # again: nobody is written to twice
    bodies = {m.to[0]: m.body for m in mailoutbox}
    assert len(mailoutbox) == 2
    assert "Thanks!" in bodies[a.email]
    assert "Sorry we missed you" in bodies[b.email]


def test_a_bad_attendance_file_changes_nothing(webinar, secretariat, clock):
    (a,) = members(1)
    services.registration_register(event=webinar, acting=a, answers=consent(webinar))
    bad = parse_upload(name="zoom.csv", data=(CSV + "X,not-an-address,,\n").encode())
    with pytest.raises(ValidationError) as error:
        services.attendance_import(event=webinar, acting=secretariat, parsed=bad)
    assert "4" in error.value.message_dict["file"][0]
    no_column = parse_upload(name="zoom.csv", data=b"Name,Minutes\nA,3\n")
    with pytest.raises(ValidationError):
        services.attendance_import(event=webinar, acting=secretariat, parsed=no_column)
    with pytest.raises(PermissionDenied):
        services.attendance_import(
            event=webinar, acting=a, parsed=parse_upload(name="z.csv", data=CSV.encode())
        )
    assert Registration.objects.get().attended is None


def test_the_sweep_sends_the_confirmations_a_crashed_worker_left(webinar, clock, mailoutbox, monkeypatch):
    from convene.events.schedules import sweep_registration_mail

    monkeypatch.setattr(services, "enqueue_on_commit", lambda task, *args, **kwargs: None)  # the worker died
    (a,) = members(1)
    services.registration_register(event=webinar, acting=a, answers=consent(webinar))
    sweep_registration_mail()
    assert mailoutbox == []  # too recent: the worker may still be on it
    clock.move(minutes=11)
    sweep_registration_mail()
    sweep_registration_mail()
    assert [m.to for m in mailoutbox] == [[a.email]]


def test_cancelling_the_event_tells_those_holding_a_place_with_a_cancel_entry(
    webinar, secretariat, clock, mailoutbox
):
    a, b, c = members(3)
    for person in (a, b, c):
        services.registration_register(event=webinar, acting=person, answers=consent(webinar))
    mailoutbox.clear()
    with pytest.raises(PermissionDenied):
        services.event_cancel(event=webinar, acting=a)
    services.event_cancel(event=webinar, acting=secretariat)
    services.event_cancel(event=webinar, acting=secretariat)  # twice: told once
    assert sorted(m.to[0] for m in mailoutbox) == [a.email, b.email]  # not the waiting list's c
    ics = mailoutbox[0].attachments[0][1]
    assert b"METHOD:CANCEL" in ics
    assert b"SEQUENCE:1" in ics
    (late,) = members(1, prefix="late")
    with pytest.raises(StateConflict):
        services.registration_register(event=Event.objects.get(), acting=late, answers=consent(webinar))
