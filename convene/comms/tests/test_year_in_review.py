"""The year in review: every figure computed from rows counted here by hand, never typed."""

import datetime

import pytest

from conftest import make_person
from convene.comms import queries, rendering, services
from convene.comms.models import Issue
from convene.events.models import Event, Registration
from convene.groups.tests.conftest import make_group
from convene.library.models import Resource
from convene.meetings.models import Meeting
from convene.people.models import Profile
from convene.plans.models import Deliverable, WorkPlan

UTC = datetime.UTC
D = datetime.date

# (joined, left, country): members at the start of 2025: 1 and 2 (KE, DK); at its end: 1, 3, 4, 5
# (KE, ZM, BR); 2 left in May; 6 joined in 2026; 7 had left before 2025.
MEMBERS = [
    (D(2024, 3, 1), None, "KE"),
    (D(2024, 6, 1), D(2025, 5, 10), "DK"),
    (D(2025, 2, 14), None, "ZM"),
    (D(2025, 2, 20), None, "ZM"),
    (D(2025, 11, 30), None, "BR"),
    (D(2026, 1, 5), None, "US"),
    (D(2023, 1, 1), D(2024, 12, 31), "EG"),
]


@pytest.fixture
def network(committee_member, chair, chair_two):
    for i, (joined, left, country) in enumerate(MEMBERS):
        person = make_person(f"m{i}@example.org", country=country)
        Profile.objects.filter(person=person).update(joined_on=joined, left_on=left)
    launched = make_group(
        committee=committee_member, cochairs=[chair], name="Launched 2025", launched_on=D(2025, 3, 1)
    )
    make_group(
        committee=committee_member, cochairs=[chair_two], name="Launched 2024", launched_on=D(2024, 12, 31)
    )
    plans = WorkPlan.objects.bulk_create(
        [
            WorkPlan(
                group=launched,
                title=f"P{day}",
                starts_on=D(2025, 1, 1),
                ends_on=D(2025, 12, 31),
                status="approved",
                approved_on=day,
            )
            for day in (D(2025, 6, 1), D(2025, 12, 31), D(2026, 1, 2))
        ]
    )
    # Deliverables: done in April 2025 (counts); done in 2024 (not); done in July 2025 but reopened (not).
    for title, done_on, reopened in (
        ("D1", D(2025, 4, 1), False),
        ("D2", D(2024, 11, 1), False),
        ("D3", D(2025, 7, 1), True),
    ):
        deliverable = Deliverable.objects.create(plan=plans[0], title=title)
        deliverable.status = "done"
        deliverable.save()
        deliverable.history.filter(status="done").update(
            history_date=datetime.datetime.combine(done_on, datetime.time(12), tzinfo=UTC)
        )
        if reopened:
            Deliverable.objects.filter(pk=deliverable.pk).update(status="in_progress")
    # Meetings: two held in 2025, one cancelled in 2025, one held in 2024.
    Meeting.objects.bulk_create(
        [
            Meeting(
                title=f"M{i}",
                organiser=chair,
                zone_name="UTC",
                starts=datetime.datetime(*day, 9, tzinfo=UTC),
                ends=datetime.datetime(*day, 10, tzinfo=UTC),
                status=status,
                uid=f"m{i}@test",
            )
            for i, (day, status) in enumerate(
                [
                    ((2025, 3, 3), "scheduled"),
                    ((2025, 9, 9), "scheduled"),
                    ((2025, 10, 1), "cancelled"),
                    ((2024, 5, 5), "scheduled"),
                ]
            )
        ]
    )
    # Events: one held in 2025 (two of three registered attended), one cancelled in 2025, one in 2024.
    events = Event.objects.bulk_create(
        [
            Event(
                kind="webinar",
                title=f"E{i}",
                organiser=chair,
                zone_name="UTC",
                starts=datetime.datetime(*day, 14, tzinfo=UTC),
                ends=datetime.datetime(*day, 15, tzinfo=UTC),
                cancelled=cancelled,
                uid=f"e{i}@test",
            )
            for i, (day, cancelled) in enumerate(
                [((2025, 4, 7), False), ((2025, 6, 2), True), ((2024, 4, 7), False)]
            )
        ]
    )
    Registration.objects.bulk_create(
        [
            Registration(
                event=events[0],
                email=f"r{i}@example.org",
                name=f"R{i}",
                status="registered",
                attended=attended,
            )
            for i, attended in enumerate([True, True, False])
        ]
        + [
            Registration(
                event=events[2], email="old@example.org", name="Old", status="registered", attended=True
            )
        ]
    )
    # Products: the launched group published one resource in 2025 and one in 2024; the secretariat's
    # own resource of 2025 is not a group's product.
    Resource.objects.bulk_create(
        [
            Resource(
                kind="toolkit",
                title="T2025",
                published_on=D(2025, 8, 1),
                language="en",
                link="https://example.org/r",
                group=launched,
            ),
            Resource(
                kind="report",
                title="R2024",
                published_on=D(2024, 8, 1),
                language="en",
                link="https://example.org/r",
                group=launched,
            ),
            Resource(
                kind="report",
                title="Network",
                published_on=D(2025, 8, 1),
                language="en",
                link="https://example.org/r",
            ),
        ]
    )
    return launched


def test_the_figures_of_2025(network):
    figures = queries.year_figures(2025)
    assert (figures.members_at_start, figures.members_at_end, figures.member_growth) == (2, 4, 2)
    assert (figures.countries_at_start, figures.countries_at_end, figures.country_growth) == (2, 3, 1)
    assert figures.joined_by_month == [0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]
    assert figures.members_by_month == [2, 4, 4, 4, 3, 3, 3, 3, 3, 3, 4, 4]
    assert (
        figures.new_groups,
        figures.plans_approved,
        figures.deliverables_completed,
        figures.meetings_held,
    ) == (1, 2, 1, 2)
    assert (figures.products_published, figures.events_held, figures.event_attendance) == (1, 1, 2)
    # No ambassador served in 2025 in this network (advocacy's tests count them by hand).
    assert (figures.ambassadors, figures.new_ambassadors) == (0, 0)


def test_a_year_in_review_issue_draws_its_figures_and_chart(network, secretariat):
    issue = services.issue_create(
        acting=secretariat, date=D(2026, 1, 20), languages=["en"], default_language="en", review_year=2025
    )
    issue = Issue.objects.get(pk=issue.pk)
    assert [b.kind for b in issue.blocks.all()] == ["year_in_review", "network_figures"]
    assert issue.compiled_at is not None
    (review, _figures) = rendering.blocks_for(issue, with_charts=True)
    assert review["data"]["members_at_end"] == 4
    chart = str(review["data"]["chart"])
    assert chart.startswith('<svg class="chart" role="img"')
    assert chart.count('<rect class="bar"') == 13  # twelve months and the legend
    assert "Feb: joined 2" in chart
    text = rendering.render_edition(issue, "en").text
    assert "Members at the end of the year: 4 (+2)" in text
    assert "Countries: 3 (+1)" in text


def test_a_review_year_must_be_past(secretariat):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="past year"):
        services.issue_create(
            acting=secretariat, date=D(2026, 1, 20), languages=["en"], default_language="en", review_year=2027
        )
