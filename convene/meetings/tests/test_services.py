"""Scheduling meetings and series, moving and cancelling one, time polls, answers (through services)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import give_term, make_person
from convene.core.errors import StateConflict
from convene.meetings import services
from convene.meetings.models import (
    Invitation,
    Meeting,
    MeetingStatus,
    PollAnswer,
    PollStatus,
    Series,
    TimePoll,
)
from convene.meetings.times import Frequency, Recurrence, occurrences, to_local

UTC = datetime.UTC
CPH = "Europe/Copenhagen"
NOW = datetime.datetime(2026, 12, 5, 12, tzinfo=UTC)
SECOND_TUESDAY = Recurrence(Frequency.MONTHLY, weekday=1, position=2)


def wall(*args) -> datetime.datetime:
    return datetime.datetime(*args)  # noqa: DTZ001 (a wall-clock time; its zone is passed beside it)


def schedule(acting, groups, **changes):
    values = {
        "acting": acting,
        "title": "Monthly meeting",
        "starts": wall(2027, 1, 12, 15),
        "ends": wall(2027, 1, 12, 16, 30),
        "zone_name": CPH,
        "groups": groups,
        "video_url": "https://meet.example/wg",
    }
    values.update(changes)
    return services.meeting_schedule(**values)


def test_a_cochair_schedules_a_meeting_and_the_groups_members_are_invited(
    group, chair, chair_two, group_member
):
    meeting = schedule(chair, [group])

    assert meeting.starts == datetime.datetime(2027, 1, 12, 14, tzinfo=UTC)
    assert meeting.ends == datetime.datetime(2027, 1, 12, 15, 30, tzinfo=UTC)
    assert list(meeting.groups.all()) == [group]
    invited = set(Invitation.objects.filter(meeting=meeting).values_list("person_id", flat=True))
    assert invited == {chair.pk, chair_two.pk, group_member.pk}
    assert meeting.sequence == 0


def test_a_cochair_of_another_group_or_a_member_cannot_schedule_and_nothing_is_made(
    group, other_chair, group_member
):
    for person in (other_chair, group_member):
        with pytest.raises(PermissionDenied):
            schedule(person, [group])
    assert not Meeting.objects.exists()


def test_a_joint_meeting_needs_a_say_in_every_group_and_appears_in_each(
    group, other_group, chair, chair_two, secretariat
):
    with pytest.raises(PermissionDenied):
        schedule(chair_two, [group, other_group])  # co-chairs only the first

    meeting = schedule(chair, [group, other_group])  # co-chairs both

    assert set(meeting.groups.all()) == {group, other_group}
    assert list(Meeting.objects.of_group(group)) == list(Meeting.objects.of_group(other_group)) == [meeting]
    assert schedule(secretariat, [group, other_group]).pk != meeting.pk


def test_the_committees_own_meetings_are_the_secretariats_to_schedule(
    committee_member, secretariat, chair, group
):
    with pytest.raises(PermissionDenied):
        schedule(committee_member, [], for_committee=True)
    with pytest.raises(ValidationError):
        schedule(secretariat, [group], for_committee=True)

    meeting = schedule(secretariat, [], for_committee=True)

    assert list(meeting.invitations.values_list("person_id", flat=True)) == [committee_member.pk]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"zone_name": "Europe/Atlantis"}, "zone_name"),
        ({"ends": wall(2027, 1, 12, 14)}, "ends"),
        ({"ends": wall(2027, 1, 14, 16)}, "ends"),
        ({"title": "  "}, "title"),
        ({"form": "in_person", "place": ""}, "place"),
        ({"form": "virtual", "video_url": ""}, "video_url"),
        ({"form": "séance"}, "form"),
    ],
)
def test_bad_input_says_what_is_wrong_and_makes_nothing(group, chair, changes, field):
    with pytest.raises(ValidationError) as raised:
        schedule(chair, [group], **changes)
    assert field in raised.value.message_dict
    assert not Meeting.objects.exists()


def make_series(chair, group, **changes):
    values = {
        "acting": chair,
        "title": "Arbejdsgruppens månedlige møde",
        "starts": wall(2027, 1, 12, 15),
        "ends": wall(2027, 1, 12, 16, 30),
        "zone_name": CPH,
        "recurrence": SECOND_TUESDAY,
        "groups": [group],
        "video_url": "https://meet.example/wg",
        "now": NOW,
    }
    values.update(changes)
    return services.series_schedule(**values)


def test_a_monthly_series_has_its_meetings_made_for_the_months_ahead(group, chair, group_member):
    series = make_series(chair, group)

    meetings = list(series.meetings.order_by("starts"))
    expected = occurrences(wall(2027, 1, 12, 15), wall(2027, 1, 12, 16, 30), CPH, SECOND_TUESDAY)
    # Made up to 400 days after the first meeting (16 February 2028): the twelve of 2027 and two more.
    assert [m.starts for m in meetings] == [o.starts for o in expected[:14]]
    assert {to_local(m.starts, CPH).time() for m in meetings} == {datetime.time(15)}
    assert all(m.original_starts == m.starts and m.uid == series.uid for m in meetings)
    assert Invitation.objects.filter(meeting__series=series, person=group_member).count() == 14
    assert all(list(m.groups.all()) == [group] for m in meetings)


def test_extending_a_series_is_idempotent_and_adds_what_came_inside_the_horizon(group, chair):
    series = make_series(chair, group)

    assert services.series_extend(series=series, now=NOW) == []
    added = services.series_extend(series=series, now=datetime.datetime(2027, 3, 15, tzinfo=UTC))

    # The horizon moved to 400 days after 15 March 2027 (18 April 2028).
    assert [m.starts.date() for m in added] == [datetime.date(2028, 3, 14), datetime.date(2028, 4, 11)]
    assert series.meetings.count() == 16


def test_a_series_with_a_count_stops_there(group, chair):
    series = make_series(chair, group, recurrence=Recurrence(Frequency.WEEKLY, interval=2, count=3))
    assert [m.starts.date() for m in series.meetings.order_by("starts")] == [
        datetime.date(2027, 1, 12),
        datetime.date(2027, 1, 26),
        datetime.date(2027, 2, 9),
    ]


def test_moving_one_meeting_of_a_series_keeps_its_identity_and_raises_its_sequence(group, chair, other_chair):
    series = make_series(chair, group)
    march = series.meetings.order_by("starts")[2]

    with pytest.raises(PermissionDenied):
        services.meeting_move(
            meeting=march, acting=other_chair, starts=wall(2027, 3, 11, 9), ends=wall(2027, 3, 11, 10)
        )
    moved = services.meeting_move(
        meeting=march, acting=chair, starts=wall(2027, 3, 11, 9), ends=wall(2027, 3, 11, 10)
    )

    assert moved.starts == datetime.datetime(2027, 3, 11, 8, tzinfo=UTC)
    assert moved.original_starts == datetime.datetime(2027, 3, 9, 14, tzinfo=UTC)
    assert moved.moved
    assert moved.sequence == 1
    assert series.meetings.exclude(pk=march.pk).filter(sequence=0).count() == 13


def test_a_cancelled_meeting_stays_listed_as_cancelled_and_cannot_be_moved(group, chair):
    meeting = schedule(chair, [group])

    cancelled = services.meeting_cancel(meeting=meeting, acting=chair)

    assert cancelled.status == MeetingStatus.CANCELLED
    assert cancelled.sequence == 1
    assert services.meeting_cancel(meeting=meeting, acting=chair).sequence == 1  # twice is once
    with pytest.raises(StateConflict):
        services.meeting_move(
            meeting=meeting, acting=chair, starts=wall(2027, 2, 1, 9), ends=wall(2027, 2, 1, 10)
        )


def test_cancelling_a_series_cancels_what_is_ahead_and_keeps_the_past(group, chair):
    series = make_series(chair, group)

    cancelled = services.series_cancel(
        series=series, acting=chair, now=datetime.datetime(2027, 6, 1, tzinfo=UTC)
    )

    assert cancelled == 9  # June 2027 to February 2028
    assert series.meetings.filter(status=MeetingStatus.SCHEDULED).count() == 5
    assert Series.objects.get(pk=series.pk).cancelled
    assert (
        services.series_extend(
            series=Series.objects.get(pk=series.pk), now=datetime.datetime(2027, 9, 1, tzinfo=UTC)
        )
        == []
    )


def test_an_invited_person_answers_and_a_bad_answer_changes_nothing(group, chair, group_member):
    meeting = schedule(chair, [group])
    invitation = Invitation.objects.get(meeting=meeting, person=group_member)

    with pytest.raises(ValidationError):
        services.invitation_answer(invitation=invitation, answer="perhaps")
    assert Invitation.objects.get(pk=invitation.pk).answer == ""
    assert services.invitation_answer(invitation=invitation, answer="yes").answer == "yes"
    services.meeting_cancel(meeting=meeting, acting=chair)
    with pytest.raises(StateConflict):
        services.invitation_answer(invitation=Invitation.objects.get(pk=invitation.pk), answer="no")


SLOTS = [
    (wall(2027, 2, 2, 9), wall(2027, 2, 2, 10)),
    (wall(2027, 2, 3, 14), wall(2027, 2, 3, 15)),
    (wall(2027, 2, 4, 16), wall(2027, 2, 4, 17)),
]


def test_a_time_poll_is_answered_by_members_and_its_chosen_time_becomes_the_meeting(
    group, chair, group_member, other_chair
):
    with pytest.raises(ValidationError):
        services.poll_create(acting=chair, title="Kick-off", zone_name=CPH, slots=SLOTS[:2], groups=[group])
    poll = services.poll_create(acting=chair, title="Kick-off", zone_name=CPH, slots=SLOTS, groups=[group])
    slots = list(poll.slots.all())
    assert [s.starts.hour for s in slots] == [8, 13, 15]  # CET is UTC+1 in February

    services.poll_answer(poll=poll, acting=group_member, answers={slots[0].pk: "yes", slots[1].pk: "no"})
    services.poll_answer(poll=poll, acting=group_member, answers={slots[0].pk: "if_need_be"})  # changes one
    with pytest.raises(PermissionDenied):
        services.poll_answer(poll=poll, acting=other_chair, answers={slots[0].pk: "yes"})
    with pytest.raises(ValidationError):
        services.poll_answer(poll=poll, acting=group_member, answers={slots[0].pk: "maybe"})
    assert dict(PollAnswer.objects.filter(person=group_member).values_list("slot_id", "answer")) == {
        slots[0].pk: "if_need_be",
        slots[1].pk: "no",
    }

    meeting = services.poll_close(poll=poll, acting=chair, slot=slots[1], video_url="https://meet.example/k")

    assert (meeting.starts, meeting.ends) == (slots[1].starts, slots[1].ends)
    assert meeting.title == "Kick-off"
    poll = TimePoll.objects.get(pk=poll.pk)
    assert poll.status == PollStatus.CLOSED
    assert poll.meeting == meeting
    with pytest.raises(StateConflict):
        services.poll_answer(poll=poll, acting=group_member, answers={slots[0].pk: "yes"})
    with pytest.raises(StateConflict):
        services.poll_close(poll=poll, acting=chair, slot=slots[0], video_url="https://meet.example/k")


def test_a_poll_of_nine_times_or_two_at_the_same_moment_is_refused(group, chair):
    nine = [(wall(2027, 2, day, 9), wall(2027, 2, day, 10)) for day in range(1, 10)]
    with pytest.raises(ValidationError):
        services.poll_create(acting=chair, title="Too many", zone_name=CPH, slots=nine, groups=[group])
    twice = [SLOTS[0], SLOTS[0], SLOTS[1]]
    with pytest.raises(ValidationError):
        services.poll_create(acting=chair, title="Twice", zone_name=CPH, slots=twice, groups=[group])
    assert not TimePoll.objects.exists()


def test_a_steering_committee_member_is_invited_to_the_committees_meeting_only_while_in_office(secretariat):
    former = make_person("former@example.org", name="Former Member")
    give_term(
        former, "steering_committee", starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2021, 1, 1)
    )
    meeting = schedule(secretariat, [], for_committee=True)
    assert not meeting.invitations.filter(person=former).exists()
