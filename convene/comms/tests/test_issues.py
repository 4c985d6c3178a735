"""Issues: compose, place contributions, data blocks, preview flags, approval by the approver only,
marked sent by the sending side."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from convene.comms import rendering, services
from convene.comms.models import Contribution, Issue, IssueStatus
from convene.core.errors import StateConflict

from .conftest import submit


def test_an_issue_starts_with_a_text_per_language_default_first(secretariat):
    issue = services.issue_create(
        acting=secretariat, date=datetime.date(2026, 12, 1), languages=["fr", "en"], default_language="en"
    )
    assert (issue.number, issue.languages) == (1, ["en", "fr"])
    assert sorted(issue.texts.values_list("language", flat=True)) == ["en", "fr"]
    second = services.issue_create(
        acting=secretariat, date=datetime.date(2026, 12, 2), languages=["en"], default_language="en"
    )
    assert second.number == 2


@pytest.mark.parametrize(
    ("languages", "default", "message"),
    [
        ([], "en", "one or more"),
        (["en"], "fr", "default language is one"),
        (["en", "xx"], "en", "one or more"),
    ],
)
def test_an_issue_needs_its_languages(secretariat, languages, default, message):
    with pytest.raises(ValidationError, match=message):
        services.issue_create(
            acting=secretariat, date=datetime.date(2026, 12, 1), languages=languages, default_language=default
        )
    assert not Issue.objects.exists()


def test_only_editors_compose(member, committee_member, approver):
    for person in (member, committee_member, approver):
        with pytest.raises(PermissionDenied):
            services.issue_create(
                acting=person, date=datetime.date(2026, 12, 1), languages=["en"], default_language="en"
            )


def test_placing_schedules_and_taking_out_accepts_again(issue, accepted, secretariat, member):
    item = services.issue_item_add(issue=issue, acting=secretariat, contribution=accepted)
    accepted.refresh_from_db()
    assert accepted.state == "scheduled"
    other = submit(member, title="Not yet accepted")
    with pytest.raises(StateConflict, match="Only an accepted contribution"):
        services.issue_item_add(issue=issue, acting=secretariat, contribution=other)
    services.issue_item_remove(item=item, acting=secretariat)
    accepted.refresh_from_db()
    assert accepted.state == "accepted"
    assert not issue.items.exists()


def test_items_move_up_and_down(issue, secretariat, member):
    made = []
    for title in ("A", "B", "C"):
        c = submit(member, title=title)
        services.contribution_review(contribution=c, acting=secretariat, action="accept")
        made.append(services.issue_item_add(issue=issue, acting=secretariat, contribution=c))
    services.issue_item_move(item=made[2], acting=secretariat, up=True)
    services.issue_item_move(item=made[0], acting=secretariat, up=True)  # already first: nothing moves
    assert [i.contribution.title for i in issue.items.order_by("position")] == ["A", "C", "B"]


def test_preview_flags_missing_translations(issue, accepted, secretariat):
    services.issue_item_add(issue=issue, acting=secretariat, contribution=accepted)
    services.issue_text_save(
        issue=issue, acting=secretariat, language="en", title="December", editorial="Hello **all**."
    )
    issue = Issue.objects.get(pk=issue.pk)
    assert rendering.edition_flags(issue, "en") == []
    assert rendering.edition_flags(issue, "fr") == [
        "The subject is not written in French.",
        "The editorial is not written in French: the default language's is shown.",
        "“Our toolkit is out” is in English, not in French.",
    ]


def test_render_edition_is_a_mail_with_inlined_css_and_a_text_part(issue, accepted, secretariat):
    services.issue_item_add(issue=issue, acting=secretariat, contribution=accepted)
    services.issue_text_save(
        issue=issue, acting=secretariat, language="en", title="December news", editorial="Hello **all**."
    )
    services.issue_text_save(
        issue=issue, acting=secretariat, language="fr", title="Nouvelles de décembre", editorial=""
    )
    services.issue_block_add(issue=issue, acting=secretariat, kind="network_figures")
    issue = Issue.objects.get(pk=issue.pk)
    rendered = rendering.render_edition(issue, "fr")
    assert rendered.subject == "Nouvelles de décembre"
    assert '<html lang="fr">' in rendered.html
    assert '<p style="margin:0 0 12px 0;line-height:1.5;">Hello <strong>all</strong>.</p>' in rendered.html
    assert "<style" not in rendered.html
    assert "<img" not in rendered.html
    assert "<script" not in rendered.html
    assert 'src="http' not in rendered.html
    assert "Our toolkit is out" in rendered.text
    assert "We *did* it." in rendered.text
    assert "https://example.org/toolkit" in rendered.text
    assert "/e-update/1/fr/" in rendered.text
    assert "<" not in rendered.text.replace("<https", "")
    # A language the issue has not: the default edition.
    assert rendering.render_edition(issue, "da").subject == "December news"


def test_the_editor_is_not_the_approver(issue, accepted, secretariat, approver):
    services.issue_item_add(issue=issue, acting=secretariat, contribution=accepted)
    services.issue_block_add(issue=issue, acting=secretariat, kind="network_figures")
    with pytest.raises(PermissionDenied):
        services.issue_approve(issue=issue, acting=secretariat)
    with pytest.raises(ValidationError, match="missing: English, French"):
        services.issue_approve(issue=issue, acting=approver)
    for code in ("en", "fr"):
        services.issue_text_save(
            issue=issue, acting=secretariat, language=code, title=f"Subject {code}", editorial=""
        )
    with pytest.raises(ValidationError, match="Compile the issue"):
        services.issue_approve(issue=issue, acting=approver)
    services.issue_compile(issue=issue, acting=secretariat)
    before = datetime.datetime.now(tz=datetime.UTC)
    services.issue_approve(issue=issue, acting=approver)
    issue.refresh_from_db()
    assert (issue.status, issue.approved_by) == (IssueStatus.APPROVED, approver)
    assert issue.approved_at >= before
    with pytest.raises(StateConflict, match="can no longer be changed"):
        services.issue_text_save(
            issue=issue, acting=secretariat, language="en", title="Changed", editorial=""
        )


def test_mark_sent_publishes_and_tells_authors_once(issue, accepted, secretariat, approver, mailoutbox):
    services.issue_item_add(issue=issue, acting=secretariat, contribution=accepted)
    for code in ("en", "fr"):
        services.issue_text_save(issue=issue, acting=secretariat, language=code, title="S", editorial="")
    services.issue_compile(issue=issue, acting=secretariat)
    with pytest.raises(StateConflict, match="Only an issue approved"):
        services.issue_mark_sent(issue=issue)
    services.issue_approve(issue=issue, acting=approver)
    mailoutbox.clear()
    services.issue_mark_sent(issue=issue)
    services.issue_mark_sent(issue=issue)
    assert Contribution.objects.get(pk=accepted.pk).state == "published"
    assert Issue.objects.get(pk=issue.pk).status == "sent"
    assert [m.subject for m in mailoutbox] == ["Your E-Update contribution “Our toolkit is out”: Published"]


def test_a_block_once_per_issue(issue, secretariat):
    services.issue_block_add(issue=issue, acting=secretariat, kind="help_wanted")
    with pytest.raises(ValidationError, match="has this block already"):
        services.issue_block_add(issue=issue, acting=secretariat, kind="help_wanted")
    with pytest.raises(ValidationError, match="Choose a block"):
        services.issue_block_add(issue=issue, acting=secretariat, kind="weather")
    assert issue.blocks.count() == 1


def test_event_and_library_blocks_show_only_what_the_public_may_see(issue, secretariat, chair):
    from django.utils import timezone

    from convene.events.models import Event
    from convene.library.models import Resource

    soon = timezone.now() + datetime.timedelta(days=20)
    Event.objects.bulk_create(
        [
            Event(
                kind=kind,
                title=title,
                organiser=chair,
                zone_name="Africa/Lusaka",
                starts=soon,
                ends=soon + datetime.timedelta(hours=1),
                visibility=visibility,
                cancelled=cancelled,
                uid=f"{title}@test",
            )
            for kind, title, visibility, cancelled in [
                ("webinar", "Open webinar", "public", False),
                ("workshop", "Members' workshop", "members", False),
                ("webinar", "Called off", "public", True),
            ]
        ]
    )
    Resource.objects.bulk_create(
        [
            Resource(
                kind="toolkit",
                title=title,
                published_on=datetime.date(2026, 1, 1),
                language="en",
                link="https://example.org/r",
                visibility=visibility,
            )
            for title, visibility in [("Open toolkit", "public"), ("Members' notes", "members")]
        ]
    )
    from convene.comms.queries import block_data

    today = timezone.localdate()
    Issue.objects.filter(pk=issue.pk).update(date=today)
    issue.refresh_from_db()
    events = block_data("upcoming_events", issue)["events"]
    assert [e["title"] for e in events] == ["Open webinar"]
    resources = block_data("new_resources", issue)["resources"]
    assert [r["title"] for r in resources] == ["Open toolkit"]
    services.issue_block_add(issue=issue, acting=secretariat, kind="upcoming_events")
    services.issue_block_add(issue=issue, acting=secretariat, kind="new_resources")
    services.issue_compile(issue=issue, acting=secretariat)
    text = rendering.render_edition(issue, "en").text
    assert "Open webinar" in text
    assert "Open toolkit" in text
    assert "Members' notes" not in text
