"""The agenda: the usual points with the previous meeting's open action items, items with presenter,
time and document, their order; only the organisers change it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import client_for
from convene.core.errors import StateConflict
from convene.meetings import agenda_services, minutes_services, services
from convene.meetings.models import AgendaItem


def wall(*args) -> datetime.datetime:
    return datetime.datetime(*args)  # noqa: DTZ001 (a wall-clock time; its zone is passed beside it)


def meet(chair, group, day: int):
    return services.meeting_schedule(
        acting=chair,
        title=f"Meeting {day}",
        starts=wall(2030, 1, day, 10),
        ends=wall(2030, 1, day, 11),
        zone_name="UTC",
        groups=[group],
        video_url="https://meet.example/m",
    )


def test_the_usual_agenda_lists_what_is_still_open_from_the_previous_meeting(group, chair, group_member):
    january = meet(chair, group, 10)
    minutes_services.action_item_add(
        meeting=january,
        acting=chair,
        what="Send the survey",
        assignee=group_member,
        due_on=datetime.date(2030, 1, 20),
    )
    minutes_services.action_item_add(meeting=january, acting=chair, what="Book a room")
    february = meet(chair, group, 24)

    items = agenda_services.agenda_from_template(meeting=february, acting=chair, language="en")

    assert [i.title for i in items] == [
        "Welcome",
        "Review of action items",
        "Updates",
        "Discussion",
        "Decisions",
        "Next steps",
    ]
    assert "Send the survey (" in items[1].notes
    assert "2030-01-20" in items[1].notes
    assert "Book a room (—)" in items[1].notes
    with pytest.raises(StateConflict):
        agenda_services.agenda_from_template(meeting=february, acting=chair)


def test_the_usual_agenda_is_in_the_organisers_language(group, chair):
    items = agenda_services.agenda_from_template(meeting=meet(chair, group, 10), acting=chair, language="da")
    assert items[0].title == "Velkommen"


def test_items_are_added_ordered_and_removed_by_the_organisers_only(group, chair, group_member):
    meeting = meet(chair, group, 10)
    with pytest.raises(PermissionDenied):
        agenda_services.agenda_item_add(meeting=meeting, acting=group_member, title="Mine")
    with pytest.raises(ValidationError):
        agenda_services.agenda_item_add(meeting=meeting, acting=chair, title="  ")
    first = agenda_services.agenda_item_add(
        meeting=meeting, acting=chair, title="Budget", presenter=group_member, minutes_allotted=15
    )
    second = agenda_services.agenda_item_add(meeting=meeting, acting=chair, title="Toolkit")

    agenda_services.agenda_item_move(item=second, acting=chair, up=True)
    assert list(meeting.agenda.values_list("title", flat=True)) == ["Toolkit", "Budget"]
    agenda_services.agenda_item_move(item=second, acting=chair, up=True)  # already first: nothing
    assert list(meeting.agenda.values_list("title", flat=True)) == ["Toolkit", "Budget"]
    agenda_services.agenda_item_delete(item=first, acting=chair)
    assert list(meeting.agenda.values_list("title", flat=True)) == ["Toolkit"]


def test_the_agenda_page_takes_a_document_and_the_meeting_page_shows_it(group, chair, group_member):
    meeting = meet(chair, group, 10)
    client = client_for(chair)
    upload = SimpleUploadedFile("outline.pdf", b"%PDF-1.4 outline", content_type="application/pdf")

    response = client.post(
        reverse("meetings:agenda", args=[meeting.pk]),
        {
            "title": "Toolkit outline",
            "presenter": str(group_member.pk),
            "minutes_allotted": "20",
            "document": upload,
        },
    )

    assert response.status_code == 302
    item = AgendaItem.objects.get()
    assert item.presenter == group_member
    assert item.document.read() == b"%PDF-1.4 outline"
    page = client_for(group_member).get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Toolkit outline" in page
    assert "20 minutes" in page
    assert client_for(group_member).get(reverse("meetings:agenda", args=[meeting.pk])).status_code == 403


def test_the_usual_agenda_and_moves_through_the_page(group, chair):
    meeting = meet(chair, group, 10)
    client = client_for(chair)
    assert client.post(reverse("meetings:agenda_template", args=[meeting.pk])).status_code == 302
    last = meeting.agenda.order_by("position").last()
    client.post(reverse("meetings:agenda_item", args=[meeting.pk, last.pk]), {"action": "up"})
    assert list(meeting.agenda.values_list("title", flat=True))[-2:] == ["Next steps", "Decisions"]
    client.post(reverse("meetings:agenda_item", args=[meeting.pk, last.pk]), {"action": "delete"})
    assert meeting.agenda.count() == 5
