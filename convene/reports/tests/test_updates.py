"""Group updates: the quarter and its due date, the services and their rules, the figures composed from
the data, the pages, the committee's dashboard (query count pinned) and the committee pack."""

import csv
import datetime
import io

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import client_for, make_person
from convene.core.concurrency import EditConflict
from convene.core.errors import StateConflict
from convene.groups import services as group_services
from convene.groups.models import Group, GroupKind, GroupStatus
from convene.plans.tests.factories import QUARTERS, launch_group
from convene.reports import pack, queries, services
from convene.reports.models import GroupUpdate, UpdateComment, UpdateStatus
from convene.results import services as results_services

Q1 = QUARTERS[0]


def write(update, acting, **narrative):
    return services.update_save(update=update, acting=acting, revision=update.revision, **narrative)


# --- The cadence ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (datetime.date(2026, 1, 1), (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))),
        (datetime.date(2026, 5, 17), (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))),
        (datetime.date(2026, 9, 30), (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))),
        (datetime.date(2026, 12, 31), (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))),
    ],
)
def test_quarter_of(day, quarter):
    assert queries.quarter_of(day) == quarter


def test_due_thirty_days_after_the_quarter_and_the_last_ended_quarter():
    assert queries.due_on(datetime.date(2026, 3, 31)) == datetime.date(2026, 4, 30)
    assert queries.last_ended_quarter(datetime.date(2026, 1, 10)) == (
        datetime.date(2025, 10, 1),
        datetime.date(2025, 12, 31),
    )


def test_meetings_the_cadence_asks_for():
    assert queries.meetings_expected("monthly", 90) == 3
    assert queries.meetings_expected("weekly", 91) == 13
    assert queries.meetings_expected("as_needed", 90) is None
    assert queries.meetings_expected("", 90) is None


# --- Services and rules -----------------------------------------------------------------------------


def test_cochair_starts_writes_and_submits(draft, approved):
    assert (draft.period_starts, draft.period_ends, draft.status) == (*Q1, UpdateStatus.DRAFT)
    again = services.update_draft(group=approved.group, acting=approved.cochair, period=Q1)
    assert again.pk == draft.pk
    with pytest.raises(ValidationError):
        services.update_submit(update=draft, acting=approved.cochair)  # nothing written yet
    write(draft, approved.cochair, achievements="Trained 40 workers.", support_needed="A trainer.")
    draft.refresh_from_db()
    assert (draft.achievements, draft.revision, draft.updated_by) == (
        "Trained 40 workers.",
        2,
        approved.cochair,
    )
    services.update_submit(update=draft, acting=approved.cochair)
    draft.refresh_from_db()
    assert (draft.status, draft.submitted_by) == (UpdateStatus.SUBMITTED, approved.cochair)
    with pytest.raises(PermissionDenied):
        write(draft, approved.cochair, achievements="Changed after submitting.")
    with pytest.raises(StateConflict):
        services.update_submit(update=draft, acting=approved.cochair)
    assert draft.history.count() == 3


def test_two_cochairs_writing_at_once_lose_nothing(draft, approved):
    services.update_save(update=draft, acting=approved.cochair, revision=1, achievements="Mine.")
    with pytest.raises(EditConflict) as raised:
        services.update_save(update=draft, acting=approved.cochair, revision=1, achievements="Theirs.")
    assert raised.value.conflicts == ["achievements"]
    assert GroupUpdate.objects.get(pk=draft.pk).achievements == "Mine."


def test_only_cochairs_start_and_write(draft, approved, member, committee_member, secretariat):
    group_services.membership_join(group=approved.group, acting=member)
    for person in (member, committee_member, secretariat):
        with pytest.raises(PermissionDenied):
            services.update_draft(group=approved.group, acting=person, period=QUARTERS[1])
        with pytest.raises(PermissionDenied):
            write(draft, person, achievements="Not mine to write.")
    assert GroupUpdate.objects.count() == 1
    assert GroupUpdate.objects.get().achievements == ""


def test_committee_comments_and_acknowledges(draft, approved, committee_member, secretariat, member):
    with pytest.raises(PermissionDenied):
        services.update_acknowledge(update=draft, acting=committee_member)  # a draft is not sent yet
    write(draft, approved.cochair, challenges="Funding.")
    services.update_submit(update=draft, acting=approved.cochair)
    services.update_comment(update=draft, acting=committee_member, body="Thank you.")
    services.update_comment(update=draft, acting=approved.cochair, body="You are welcome.")
    with pytest.raises(PermissionDenied):
        services.update_comment(update=draft, acting=member, body="Me too.")
    with pytest.raises(PermissionDenied):
        services.update_acknowledge(update=draft, acting=approved.cochair)
    services.update_acknowledge(update=draft, acting=secretariat)
    draft.refresh_from_db()
    assert (draft.status, draft.acknowledged_by) == (UpdateStatus.ACKNOWLEDGED, secretariat)
    assert list(UpdateComment.objects.values_list("body", flat=True)) == ["Thank you.", "You are welcome."]
    with pytest.raises(StateConflict):
        services.update_acknowledge(update=draft, acting=committee_member)


def test_group_members_read_only_submitted_updates(draft, approved, member):
    group_services.membership_join(group=approved.group, acting=member)
    url = reverse("reports:update", args=[draft.pk])
    assert client_for(member).get(url).status_code == 404
    write(draft, approved.cochair, achievements="Done.")
    services.update_submit(update=draft, acting=approved.cochair)
    assert client_for(member).get(url).status_code == 200
    outsider = make_person("someone.else@example.org")
    assert client_for(outsider).get(url).status_code == 404


# --- Figures ------------------------------------------------------------------------------------------


def test_figures_compose_the_quarter_from_the_data(approved, secretariat):
    measurement = results_services.measurement_record(
        indicator=approved.indicator, acting=approved.cochair, starts_on=Q1[0], ends_on=Q1[1], value="10"
    )
    results_services.measurement_review(measurement=measurement, acting=secretariat, approve=True)
    figures = queries.update_figures(approved.group, *Q1)
    assert figures.plan == approved.plan
    assert [f.indicator for f in figures.indicators] == [approved.indicator]
    first = figures.indicators[0].progress.periods[0]
    assert (first.actual, first.status) == (10, "on_track")
    assert figures.members == 1  # the co-chair
    assert figures.meetings_held == 0
    assert figures.budget.currency == approved.plan.currency
    assert [d.pk for d in figures.deliverables_late] == [
        d.pk for d in approved.plan.deliverables.all() if d.due_on and d.due_on < timezone.localdate()
    ]


# --- Pages ---------------------------------------------------------------------------------------------


def test_the_update_loop_through_the_pages(approved, committee_member):
    cochair = client_for(approved.cochair)
    slug = approved.group.slug
    page = cochair.get(reverse("reports:group_updates", args=[slug]))
    assert page.status_code == 200
    assert b"updates/start/" in page.content
    started = cochair.post(reverse("reports:update_start", args=[slug]))
    update = GroupUpdate.objects.get()
    assert started.url == reverse("reports:update", args=[update.pk])
    assert update.period_starts == queries.quarter_of(timezone.localdate())[0]
    page = cochair.get(started.url)
    assert page.status_code == 200
    assert approved.indicator.name.encode() in page.content
    saved = cochair.post(
        started.url,
        {
            "revision": "1",
            "achievements": "A toolkit.",
            "challenges": "",
            "support_needed": "",
            "eupdate_items": "",
        },
    )
    assert saved.status_code == 302
    stale = cochair.post(
        started.url,
        {
            "revision": "1",
            "achievements": "Another.",
            "challenges": "",
            "support_needed": "",
            "eupdate_items": "",
        },
    )
    assert stale.status_code == 409
    assert GroupUpdate.objects.get().achievements == "A toolkit."
    assert cochair.post(reverse("reports:update_submit", args=[update.pk])).status_code == 302
    committee = client_for(committee_member)
    committee.post(reverse("reports:update_comment", args=[update.pk]), {"body": "Good work."})
    committee.post(reverse("reports:update_acknowledge", args=[update.pk]))
    update.refresh_from_db()
    assert update.status == UpdateStatus.ACKNOWLEDGED
    assert list(update.comments.values_list("body", flat=True)) == ["Good work."]
    nav = cochair.get(reverse("groups:detail", args=[slug]))
    assert reverse("reports:group_updates", args=[slug]).encode() in nav.content


def test_dashboard_rows_sort_and_csv(approved, committee_member, member):
    other = launch_group(committee=committee_member, cochair=member, name="Advocacy")
    committee = client_for(committee_member)
    page = committee.get(reverse("reports:dashboard"), {"sort": "-name"})
    assert page.status_code == 200
    names = [row.group.name for row in page.context["rows"]]
    assert names == ["Case Management", "Advocacy"]
    rows = {row.group.pk: row for row in page.context["rows"]}
    assert rows[approved.group.pk].plan_state == "approved"
    assert rows[other.pk].plan_state == "missing"
    assert rows[other.pk].overdue is True  # launched in 2025, no update since
    response = committee.get(reverse("reports:dashboard_csv"))
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][0] == "Group"
    assert [r[0] for r in table[1:]] == ["Advocacy", "Case Management"]
    assert [r[2] for r in table[1:]] == ["Missing", "Approved"]


def test_a_submitted_update_for_the_last_quarter_is_not_overdue(approved):
    period = queries.last_ended_quarter(timezone.localdate())
    update = services.update_draft(group=approved.group, acting=approved.cochair, period=period)
    write(update, approved.cochair, achievements="On time.")
    services.update_submit(update=update, acting=approved.cochair)
    (row,) = queries.dashboard_rows()
    assert (row.overdue, row.last_update) == (False, update)
    assert row.next_due == queries.due_on(queries.quarter_of(timezone.localdate())[1])


def _groups(n: int, start: int = 0) -> None:
    kind = GroupKind.objects.get(slug="interest-group")
    Group.objects.bulk_create(
        Group(
            kind=kind,
            name=f"Group {i:03}",
            slug=f"group-{i:03}",
            purpose="Work.",
            status=GroupStatus.ACTIVE,
            launched_on=datetime.date(2025, 1, 1),
            meeting_frequency="monthly",
        )
        for i in range(start, start + n)
    )


def test_dashboard_query_count_does_not_grow_with_groups(approved, committee_member):
    client = client_for(committee_member)
    url = reverse("reports:dashboard")
    _groups(4)
    client.get(url)  # warm the session and the caches
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    assert Group.objects.count() == 5
    _groups(45, start=4)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url)
    assert len(response.context["rows"]) == 50
    assert len(fifty.captured_queries) == len(five.captured_queries)


# --- The committee pack ----------------------------------------------------------------------------------


def test_pack_docx_has_a_heading_per_group(submitted, committee_member):
    response = client_for(committee_member).get(
        reverse("reports:pack_docx"), {"from": "2025-01-01", "to": "2025-03-31"}
    )
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings == [
        ("Title", "Committee pack 1 Jan 2025 – 31 Mar 2025"),
        ("Heading 1", "Dashboard"),
        ("Heading 1", "Updates from the groups"),
        ("Heading 2", "Case Management"),
        ("Heading 3", "Achievements"),
        ("Heading 3", "Challenges"),
    ]
    assert len(document.tables) == 2  # the dashboard, the group's indicators
    assert document.tables[0].rows[1].cells[0].text == "Case Management"


def test_pack_pdf_renders_pages(submitted, committee_member):
    response = client_for(committee_member).get(
        reverse("reports:pack_pdf"), {"from": "2025-01-01", "to": "2025-03-31"}
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    document = pack.pack_pdf_document(*Q1)
    assert len(document.pages) >= 1


def test_pack_outside_the_period_has_no_update_and_a_wrong_period_is_refused(submitted, committee_member):
    client = client_for(committee_member)
    response = client.get(reverse("reports:pack_docx"), {"from": "2025-04-01", "to": "2025-06-30"})
    document = docx.Document(io.BytesIO(response.content))
    assert "Case Management" not in [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert (
        client.get(reverse("reports:pack_pdf"), {"from": "2025-06-01", "to": "2025-01-01"}).status_code == 400
    )
    assert client.get(reverse("reports:pack_pdf"), {"from": "June"}).status_code == 400


def test_update_page_query_count_does_not_grow_with_comments(submitted, committee_member):
    client = client_for(committee_member)
    url = reverse("reports:update", args=[submitted.pk])

    def comment(n: int) -> None:
        UpdateComment.objects.bulk_create(
            UpdateComment(update=submitted, author=committee_member, body=f"Comment {i}") for i in range(n)
        )

    comment(5)
    client.get(url)
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    comment(45)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url)
    assert len(response.context["comments"]) == 50
    assert len(fifty.captured_queries) == len(five.captured_queries)
