"""A year of meetings in the demo network, written through the meeting services.

Unlike the builders before it, this one calls the services (``services``, ``agenda_services``,
``minutes_services``): a handful of meetings is cheap, and the services keep what is easy to get wrong
by hand (a series' meetings and their invitations, a decision in the log, an action item becoming a task
of the plan in force). A few groups meet monthly from about ten months ago to two months ahead; the
Danish working group's past meetings have attendance, minutes in Danish, a decision and an action item
each (all published but the latest, left as a draft); one group answers a time poll; two groups hold a
joint meeting.

Nothing is sent: these meetings already happened. The services enqueue e-mail after the commit, so the
builder drops what it enqueued before its transaction ends, and marks every invitation as sent so that
the mail sweep (``tasks.sweep_meeting_mail``) finds nothing owed either.
"""

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from convene.core.demo import DemoRun, register
from convene.governance.models import Body, Term
from convene.groups.models import (
    OPEN_STATUSES,
    Group,
    GroupMembership,
    GroupStatus,
    MeetingForm,
    MembershipStatus,
    Role,
)

from . import agenda_services, minutes_services, services
from .models import DigestChoice, Invitation, Meeting, PollChoice, Presence, ReminderChoice, Rsvp, Series
from .times import Frequency, Recurrence, to_local

# At most this many groups get a monthly series, so that ``make run`` stays quick.
SERIES_GROUPS = 6
MONTHS_BACK = 10
DAYS_AHEAD = 62
MEETING_STARTS = datetime.time(14, 0)
MEETING_MINUTES = 90
SECOND_TUESDAY = {"weekday": 1, "position": 2}

# The zone a group's series keeps its wall-clock time in: its working language's, else its first
# co-chair's country's, else East Africa (where most members are).
ZONE_BY_LANGUAGE = {"da": "Europe/Copenhagen", "fr": "Africa/Dakar", "es": "America/Bogota"}
ZONE_BY_COUNTRY = {
    "KE": "Africa/Nairobi",
    "UG": "Africa/Kampala",
    "TZ": "Africa/Dar_es_Salaam",
    "ET": "Africa/Addis_Ababa",
    "NG": "Africa/Lagos",
    "GH": "Africa/Accra",
    "ZA": "Africa/Johannesburg",
    "ZM": "Africa/Lusaka",
    "ZW": "Africa/Harare",
    "MW": "Africa/Blantyre",
    "AO": "Africa/Luanda",
    "IN": "Asia/Kolkata",
    "BD": "Asia/Dhaka",
    "PH": "Asia/Manila",
    "US": "America/New_York",
    "GB": "Europe/London",
    "DK": "Europe/Copenhagen",
}
DEFAULT_ZONE = "Africa/Nairobi"
PLACE = "Kommunernes Hus, Weidekampsgade 10, 2300 København S"

# What the Danish working group on early intervention discussed, decided and asked someone to do,
# one theme a meeting: (agenda point, discussion, decision, action item).
DANISH_THEMES = [
    (
        "Opstart og kommissorium",
        "Gruppen gennemgik kommissoriet og drøftede, hvordan socialrådgivere i kommunerne kan opspore "
        "udsatte børn og familier tidligere. Flere medlemmer pegede på, at høje sagstal gør det svært at "
        "nå de forebyggende samtaler.",
        "Kommissoriet godkendes med de foreslåede præciseringer",
        "Udsende det godkendte kommissorium til alle medlemmer",
    ),
    (
        "Indikatorer for tidlig indsats",
        "Gruppen drøftede udkastet til indikatorer. Der var enighed om at måle tiden fra første "
        "bekymring til første samtale med familien og andelen af sager, der følges op inden for fire uger.",
        "De to første indikatorer for tidlig indsats vedtages",
        "Beskrive datakilderne for de vedtagne indikatorer",
    ),
    (
        "Supervision af nyuddannede socialrådgivere",
        "Medlemmerne delte erfaringer med supervision. Nyuddannede socialrådgivere efterspørger mere "
        "faglig sparring i de første to år. Gruppen samler eksempler på gode supervisionsmodeller.",
        "Gruppen anbefaler supervision mindst en gang om måneden for nyuddannede",
        "Indsamle eksempler på supervisionsmodeller fra tre kommuner",
    ),
    (
        "Samarbejde med skoler og sundhedsplejen",
        "Der blev fremlagt erfaringer fra et samarbejde mellem socialrådgivere, skoler og sundhedsplejen. "
        "Tværfaglige møder tidligt i forløbet har givet færre underretninger senere.",
        "Casebeskrivelsen om samarbejdet med skolerne indgår i gruppens værktøjskasse",
        "Skrive en kort casebeskrivelse af det tværfaglige samarbejde",
    ),
    (
        "Høringssvar om strategien",
        "Gruppen gennemgik udkastet til høringssvar om strategien for tidlig indsats. Der blev lagt vægt "
        "på, at strategien skal sikre tid til relationsarbejde og realistiske sagstal for socialrådgiverne.",
        "Høringssvaret sendes med gruppens tilføjelser om sagstal",
        "Færdiggøre og indsende høringssvaret",
    ),
    (
        "Status på arbejdsplanen",
        "Formandskabet gav en status på arbejdsplanen. To leverancer er på sporet, mens kortlægningen er "
        "forsinket, fordi data fra kommunerne mangler. Gruppen drøftede en enklere dataindsamling.",
        "Kortlægningen forlænges med to måneder",
        "Lave et enkelt skema til dataindsamling i kommunerne",
    ),
    (
        "Temadag for socialrådgivere",
        "Gruppen planlagde en temadag om tidlig indsats for socialrådgivere i foråret. Programmet skal "
        "rumme oplæg fra praksis og workshops om den svære samtale med forældre.",
        "Temadagen afholdes i foråret med fokus på praksis",
        "Udarbejde program og invitation til temadagen",
    ),
    (
        "Evaluering af pilotprojektet",
        "Resultaterne fra pilotprojektet i to kommuner blev fremlagt. Familierne oplevede hurtigere "
        "hjælp, og medarbejderne fik bedre overblik over sagerne.",
        "Gruppen anbefaler, at pilotmodellen afprøves i flere kommuner",
        "Sammenfatte evalueringen i et notat til styregruppen",
    ),
]


@contextmanager
def _nothing_sent() -> Iterator[None]:
    """Runs the services in a transaction of their own and drops the e-mail they enqueued after the
    commit (invitations, minutes), as Django's ``captureOnCommitCallbacks`` reads them: the demo's
    meetings are history, and a demo must never write to real addresses."""
    connection = transaction.get_connection()
    with transaction.atomic():
        start = len(connection.run_on_commit)
        yield
        del connection.run_on_commit[start:]


def second_tuesday(year: int, month: int) -> datetime.date:
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(1 - first.weekday()) % 7 + 7)


def next_weekday(day: datetime.date, weekday: int) -> datetime.date:
    """``day`` if it falls on ``weekday`` (0 is Monday), else the next such day."""
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def first_meeting_day(*, today: datetime.date, launched_on: datetime.date | None) -> datetime.date:
    """The second Tuesday about ``MONTHS_BACK`` months ago, or the first one after the group's launch."""
    months = today.year * 12 + today.month - 1 - MONTHS_BACK
    day = second_tuesday(months // 12, months % 12 + 1)
    while launched_on is not None and day < launched_on:
        months += 1
        day = second_tuesday(months // 12, months % 12 + 1)
    return day


def _cochairs(groups: list[Group]) -> dict[int, list[int]]:
    chairs: dict[int, list[int]] = {}
    for group_id, person_id in (
        GroupMembership.objects.filter(group__in=groups, role=Role.COCHAIR, status=MembershipStatus.ACTIVE)
        .order_by("group_id", "person_id")
        .values_list("group_id", "person_id")
    ):
        chairs.setdefault(group_id, []).append(person_id)
    return chairs


def _zone(group: Group, chair_country: str) -> str:
    return ZONE_BY_LANGUAGE.get(group.working_language_id or "") or ZONE_BY_COUNTRY.get(
        chair_country, DEFAULT_ZONE
    )


def _where(group: Group) -> dict[str, str]:
    form = group.meeting_form or MeetingForm.VIRTUAL
    return {
        "form": form,
        "place": PLACE if form != MeetingForm.VIRTUAL else "",
        "video_url": f"https://meet.convene.example/{group.slug[:60]}"
        if form != MeetingForm.IN_PERSON
        else "",
    }


@transaction.atomic
def build_meetings(*, rng: random.Random, today: datetime.date | None = None) -> dict[str, int]:
    """The year of meetings (see the module); needs the groups and plans demos first."""
    today = today or timezone.localdate()
    groups = list(Group.objects.filter(status__in=OPEN_STATUSES).order_by("pk")[: SERIES_GROUPS * 4])
    chairs = _cochairs(groups)
    groups = [g for g in groups if g.pk in chairs][:SERIES_GROUPS]
    if not groups:
        return {"series": 0, "meetings": 0, "minutes": 0}
    people = get_user_model().objects.select_related("profile").in_bulk([chairs[g.pk][0] for g in groups])
    danish = next((g for g in groups if g.working_language_id == "da"), groups[0])
    made: dict[str, int] = {"series": 0, "meetings": 0, "minutes": 0}
    joint = None
    with _nothing_sent():
        series_of = {}
        for group in groups:
            chair = people[chairs[group.pk][0]]
            series_of[group.pk] = _monthly_series(group, chair=chair, today=today)
        made["series"] = len(series_of)
        made["minutes"] = _danish_year(
            rng, danish, series=series_of[danish.pk], chair=people[chairs[danish.pk][0]]
        )
        # The Danish group's co-chair wants both reminders and the weekly digest; everyone else keeps
        # the defaults (a reminder the day before, no digest).
        services.preferences_set(
            person=people[chairs[danish.pk][0]], reminder=ReminderChoice.BOTH, digest=DigestChoice.WEEKLY
        )
        others = [g for g in groups if g.pk != danish.pk]
        if others:
            # A group just launched agrees a time to write its first work plan.
            poll_group = next((g for g in others if g.status == GroupStatus.LAUNCHED), others[-1])
            _time_poll(rng, poll_group, chair=people[chairs[poll_group.pk][0]], today=today)
        if len(others) >= 2:
            joint = _joint_meeting(others[:2], today=today)
        committee = _committee_meetings(rng, today=today)
        made["committee"] = len(committee)
        ours = Meeting.objects.filter(
            Q(series__in=list(series_of.values()))
            | Q(pk=getattr(joint, "pk", None))
            | Q(pk__in=[m.pk for m in committee])
        )
        # History: every invitation went out when its meeting was scheduled (all are at SEQUENCE 0).
        Invitation.objects.filter(meeting__in=ours, sent_sequence__lt=0).update(sent_sequence=0)
    made["meetings"] = ours.count()
    return made


def _monthly_series(group: Group, *, chair, today: datetime.date) -> Series:
    profile = getattr(chair, "profile", None)
    zone_name = _zone(group, getattr(profile, "country", "") or "")
    day = first_meeting_day(today=today, launched_on=group.launched_on)
    starts = datetime.datetime.combine(day, MEETING_STARTS)
    return services.series_schedule(
        acting=chair,
        title=f"{group.name}: månedligt møde"
        if group.working_language_id == "da"
        else f"{group.name}: monthly call",
        starts=starts,
        ends=starts + datetime.timedelta(minutes=MEETING_MINUTES),
        zone_name=zone_name,
        recurrence=Recurrence(
            Frequency.MONTHLY, until=today + datetime.timedelta(days=DAYS_AHEAD), **SECOND_TUESDAY
        ),
        groups=[group],
        **_where(group),
    )


def _danish_year(rng: random.Random, group: Group, *, series: Series, chair) -> int:
    """Agenda, answers, attendance, minutes, a decision and an action item for every past meeting of the
    series; minutes published but the latest's. The next meeting gets its agenda. Returns the minutes
    written."""
    now = timezone.now()
    meetings = list(series.meetings.order_by("starts"))
    past = [m for m in meetings if m.ends < now]
    upcoming = [m for m in meetings if m.ends >= now]
    asked = sorted(
        Invitation.objects.filter(meeting__series=series).values_list("person_id", flat=True).distinct()
    )
    for index, meeting in enumerate(past):
        agenda_services.agenda_from_template(meeting=meeting, acting=chair, language="da")
        presence = {pk: _presence(rng) for pk in asked}
        presence[chair.pk] = Presence.PRESENT
        _answers(meeting, presence)
        minutes_services.attendance_record(meeting=meeting, acting=chair, presence=presence)
        point, discussion, decision, action = DANISH_THEMES[index % len(DANISH_THEMES)]
        previous = DANISH_THEMES[(index - 1) % len(DANISH_THEMES)][3] if index else None
        following = meetings[meetings.index(meeting) + 1] if meeting is not meetings[-1] else None
        due_on = to_local(following.starts, meeting.zone_name).date() if following else None
        body = _danish_minutes(
            meeting,
            presence=presence,
            point=point,
            discussion=discussion,
            decision=decision,
            action=action,
            previous=previous,
            due_on=due_on,
        )
        minutes_services.minutes_save(meeting=meeting, acting=chair, body=body, revision=None)
        minutes_services.meeting_decision_record(
            meeting=meeting, acting=chair, title=decision, text=discussion
        )
        present = [pk for pk, value in presence.items() if value == Presence.PRESENT and pk != chair.pk]
        assignee = get_user_model().objects.get(pk=rng.choice(present or [chair.pk]))
        minutes_services.action_item_add(
            meeting=meeting, acting=chair, what=action, assignee=assignee, due_on=due_on
        )
        if meeting is not past[-1]:
            minutes_services.minutes_publish(
                meeting=meeting, acting=chair, now=meeting.ends + datetime.timedelta(days=3)
            )
    if upcoming:
        agenda_services.agenda_from_template(meeting=upcoming[0], acting=chair, language="da")
        _answers(upcoming[0], {pk: _presence(rng) for pk in asked if rng.random() < 0.6})
    return len(past)


def _presence(rng: random.Random) -> str:
    roll = rng.random()
    return Presence.PRESENT if roll < 0.7 else Presence.APOLOGIES if roll < 0.9 else Presence.ABSENT


def _answers(meeting: Meeting, presence: dict[int, str]) -> None:
    """The invited answered before the meeting: yes if they came, no with apologies, maybe otherwise."""
    answered_at = meeting.starts - datetime.timedelta(days=6)
    rsvp = {Presence.PRESENT: Rsvp.YES, Presence.APOLOGIES: Rsvp.NO, Presence.ABSENT: Rsvp.MAYBE}
    for value, answer in rsvp.items():
        people = [pk for pk, presence_ in presence.items() if presence_ == value]
        Invitation.objects.filter(meeting=meeting, person_id__in=people).update(
            answer=answer, answered_at=answered_at
        )


def _danish_minutes(
    meeting: Meeting,
    *,
    presence: dict[int, str],
    point: str,
    discussion: str,
    decision: str,
    action: str,
    previous: str | None,
    due_on: datetime.date | None,
) -> str:
    day = to_local(meeting.starts, meeting.zone_name).date()
    present = sum(1 for value in presence.values() if value == Presence.PRESENT)
    apologies = sum(1 for value in presence.values() if value == Presence.APOLOGIES)
    follow_up = (
        f"- {previous}: udført, og resultatet er delt med gruppen."
        if previous
        else "Ingen handlepunkter fra tidligere møder."
    )
    deadline = f", senest {day_text(due_on)}" if due_on else ""
    return (
        f"# Referat af møde i {meeting.groups.first() or meeting.title} den {day_text(day)}\n\n"
        f"**Til stede:** {present} deltagere. **Afbud:** {apologies}.\n\n"
        "## 1. Velkomst og godkendelse af dagsorden\n"
        "Formanden bød velkommen. Dagsordenen blev godkendt uden ændringer.\n\n"
        "## 2. Opfølgning på handlepunkter\n"
        f"{follow_up}\n\n"
        f"## 3. {point}\n"
        f"{discussion}\n\n"
        "## 4. Beslutninger\n"
        f"- {decision}.\n\n"
        "## 5. Næste skridt\n"
        f"- {action}{deadline}.\n"
        "- Næste møde holdes efter planen anden tirsdag i måneden.\n"
    )


DANISH_MONTHS = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
]


def day_text(day: datetime.date) -> str:
    """A date as Danish minutes write it: "9. juni 2026"."""
    return f"{day.day}. {DANISH_MONTHS[day.month - 1]} {day.year}"


def _time_poll(rng: random.Random, group: Group, *, chair, today: datetime.date) -> None:
    """An open poll for a work plan workshop next month: four times proposed, most members answered."""
    zone_name = _zone(group, getattr(getattr(chair, "profile", None), "country", "") or "")
    first = next_weekday(today + datetime.timedelta(days=21), 3)  # a Thursday
    slots = []
    for n in range(4):
        starts = datetime.datetime.combine(
            first + datetime.timedelta(days=7 * (n // 2)), datetime.time(10 + 4 * (n % 2))
        )
        slots.append((starts, starts + datetime.timedelta(hours=2)))
    poll = services.poll_create(
        acting=chair,
        title=f"{group.name}: work plan workshop",
        description="Two hours to write our work plan together. Which times suit you?",
        zone_name=zone_name,
        slots=slots,
        groups=[group],
    )
    slot_ids = list(poll.slots.order_by("starts").values_list("pk", flat=True))
    members = list(
        get_user_model()
        .objects.filter(group_memberships__group=group, group_memberships__status=MembershipStatus.ACTIVE)
        .order_by("pk")
    )
    for person in members:
        if person.pk != chair.pk and rng.random() > 0.6:
            continue
        answers = {
            pk: rng.choice([PollChoice.YES, PollChoice.YES, PollChoice.IF_NEED_BE, PollChoice.NO])
            for pk in slot_ids
        }
        services.poll_answer(poll=poll, acting=person, answers=answers)


def _joint_meeting(groups: list[Group], *, today: datetime.date) -> Meeting | None:
    """Two groups meet together next month, organised by the secretariat (who may schedule for both)."""
    organiser_id = (
        Term.objects.current()
        .filter(body=Body.SECRETARIAT)
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .first()
    )
    if organiser_id is None:
        return None
    organiser = get_user_model().objects.get(pk=organiser_id)
    day = next_weekday(today + datetime.timedelta(days=24), 2)  # a Wednesday
    starts = datetime.datetime.combine(day, datetime.time(13, 0))
    names = " and ".join(g.name for g in groups)
    return services.meeting_schedule(
        acting=organiser,
        title=f"Joint meeting: {names}"[:200],
        description="Where the two groups' work plans meet: shared deliverables and a joint webinar.",
        starts=starts,
        ends=starts + datetime.timedelta(hours=2),
        zone_name=DEFAULT_ZONE,
        groups=groups,
        form=MeetingForm.VIRTUAL,
        video_url="https://meet.convene.example/joint",
    )


# The steering committee meets once a quarter (on the first Monday of its second month, 13:00 UTC,
# for a committee spread from Manila to New York): about a year of them, and the next.
COMMITTEE_THEMES = [
    (
        "Work plans of the new groups",
        "The committee read the work plans submitted this quarter and asked the secretariat to follow "
        "up on the two that have no budget yet.",
        "Approve the reporting calendar for group updates",
        "Send the reporting calendar to every group's co-chairs",
    ),
    (
        "Group updates of the quarter",
        "Most groups reported on time. The committee discussed how to support groups whose indicators "
        "are behind, and the membership campaign for the next conference.",
        "Offer each group behind on its indicators a call with a committee member",
        "Pair every group behind on its indicators with a committee member",
    ),
    (
        "Budget and partner contributions",
        "The secretariat presented the budget used against plan. Partner contributions arrived later "
        "than expected; two groups postponed activities.",
        "Keep the groups' activity budgets unchanged until the end of the year",
        "Write to the partners about the contributions still expected",
    ),
]


def committee_meeting_days(today: datetime.date) -> list[datetime.date]:
    """The first Monday of the middle month of the last three quarters, this one and the next."""
    quarter_month = 3 * ((today.month - 1) // 3) + 2  # the middle month of this quarter
    days = []
    for back in (9, 6, 3, 0, -3):
        months = today.year * 12 + quarter_month - 1 - back
        days.append(next_weekday(datetime.date(months // 12, months % 12 + 1, 1), 0))
    return days


def _committee_meetings(rng: random.Random, *, today: datetime.date) -> list[Meeting]:
    """The committee's own meetings: held ones with attendance and published minutes, a decision of
    the committee and an action item each; the next with its agenda (the open action items in it)."""
    secretariat_id = (
        Term.objects.current()
        .filter(body=Body.SECRETARIAT)
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .first()
    )
    if secretariat_id is None:
        return []
    secretary = get_user_model().objects.get(pk=secretariat_id)
    now = timezone.now()
    made = []
    for index, day in enumerate(committee_meeting_days(today)):
        starts = datetime.datetime.combine(day, datetime.time(13, 0))
        meeting = services.meeting_schedule(
            acting=secretary,
            title="Steering committee: quarterly meeting",
            description="The committee's quarterly meeting: work plans, group updates, budget.",
            starts=starts,
            ends=starts + datetime.timedelta(hours=2),
            zone_name="UTC",
            for_committee=True,
            video_url="https://meet.convene.example/steering-committee",
        )
        made.append(meeting)
        if meeting.ends >= now:
            agenda_services.agenda_from_template(meeting=meeting, acting=secretary)
            continue
        asked = list(meeting.invitations.values_list("person_id", flat=True))
        presence = {pk: _presence(rng) for pk in asked}
        _answers(meeting, presence)
        minutes_services.attendance_record(meeting=meeting, acting=secretary, presence=presence)
        point, discussion, decision, action = COMMITTEE_THEMES[index % len(COMMITTEE_THEMES)]
        minutes_services.minutes_save(
            meeting=meeting,
            acting=secretary,
            body=(
                f"## 1. Welcome\nThe chair opened the meeting.\n\n## 2. {point}\n{discussion}\n\n"
                f"## 3. Decisions\n- {decision}.\n\n## 4. Next steps\n- {action}.\n"
            ),
            revision=None,
        )
        minutes_services.meeting_decision_record(
            meeting=meeting, acting=secretary, title=decision, text=discussion
        )
        present = [pk for pk, value in presence.items() if value == Presence.PRESENT]
        minutes_services.action_item_add(
            meeting=meeting,
            acting=secretary,
            what=action,
            assignee=get_user_model().objects.get(pk=rng.choice(present)) if present else None,
            due_on=day + datetime.timedelta(days=60),
        )
        minutes_services.minutes_publish(
            meeting=meeting, acting=secretary, now=meeting.ends + datetime.timedelta(days=2)
        )
    return made


@register(50, "meetings")
def demo_meetings(run: DemoRun) -> None:
    made = {} if run.no_groups else build_meetings(rng=random.Random(f"{run.seed}-meetings"))
    run.summary.append(
        f"{made.get('meetings', 0):,} meetings in {made.get('series', 0)} series, "
        f"{made.get('minutes', 0)} with minutes, {made.get('committee', 0)} of the steering committee"
    )
