"""Contributions through their states, with the author told by e-mail at each step."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from convene.comms import services
from convene.comms.models import Contribution, ContributionComment
from convene.core.errors import StateConflict
from convene.reports import services as report_services

from .conftest import submit

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def state(contribution) -> str:
    return Contribution.objects.get(pk=contribution.pk).state


def test_a_member_submits_and_the_editor_asks_for_changes_then_accepts(contribution, secretariat, mailoutbox):
    assert contribution.state == "submitted"
    assert contribution.link_list == ["https://example.org/toolkit"]
    services.contribution_review(
        contribution=contribution, acting=secretariat, action="request_changes", comment="Add the date."
    )
    assert state(contribution) == "changes_requested"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["amina.member@example.org"]
    assert "Changes requested" in mailoutbox[0].subject
    assert "Add the date." in mailoutbox[0].body

    services.contribution_revise(
        contribution=contribution,
        acting=contribution.author,
        kind="resource",
        title="Our toolkit is out (1 May)",
        body="We did it.",
        language="en",
        note="Date added.",
    )
    assert state(contribution) == "submitted"
    assert len(mailoutbox) == 1  # the author is not told of their own revision
    services.contribution_review(contribution=contribution, acting=secretariat, action="accept")
    assert state(contribution) == "accepted"
    assert len(mailoutbox) == 2
    assert "Accepted" in mailoutbox[1].subject
    assert list(
        ContributionComment.objects.filter(contribution=contribution).values_list("state", flat=True)
    ) == [
        "changes_requested",
        "submitted",
        "accepted",
    ]
    assert not ContributionComment.objects.filter(mailed_at__isnull=True).exists()


@pytest.mark.parametrize(
    ("action", "comment", "message"),
    [
        ("request_changes", "", "Tell the author"),
        ("decline", " ", "Tell the author"),
        ("publish", "x", "Choose: request changes"),
    ],
)
def test_a_review_needs_a_known_action_and_a_reason(
    contribution, secretariat, action, comment, message, mailoutbox
):
    with pytest.raises(ValidationError, match=message):
        services.contribution_review(
            contribution=contribution, acting=secretariat, action=action, comment=comment
        )
    assert state(contribution) == "submitted"
    assert mailoutbox == []


def test_a_step_from_the_wrong_state_is_refused(accepted, secretariat):
    with pytest.raises(StateConflict, match="“Accepted” cannot take this step"):
        services.contribution_review(
            contribution=accepted, acting=secretariat, action="request_changes", comment="x"
        )
    assert state(accepted) == "accepted"


def test_only_editors_review(contribution, member, committee_member):
    for person in (member, committee_member):
        with pytest.raises(PermissionDenied):
            services.contribution_review(contribution=contribution, acting=person, action="accept")
    assert state(contribution) == "submitted"


def test_an_outsider_may_not_contribute(outsider):
    with pytest.raises(PermissionDenied):
        submit(outsider)
    assert not Contribution.objects.exists()


def test_only_a_cochair_speaks_for_a_group(group, chair, member):
    made = submit(chair, group=group)
    assert made.group == group
    with pytest.raises(ValidationError, match="Only a co-chair"):
        submit(member, group=group)
    assert Contribution.objects.count() == 1


def test_the_other_cochair_may_revise_the_groups_contribution(group, chair, chair_two, member):
    made = submit(chair, group=group)
    services.contribution_revise(
        contribution=made, acting=chair_two, kind="news", title="Better", body="Text", language="fr"
    )
    made.refresh_from_db()
    assert (made.title, made.language, made.state) == ("Better", "fr", "submitted")
    with pytest.raises(PermissionDenied):
        services.contribution_revise(
            contribution=made, acting=member, kind="news", title="x", body="y", language="en"
        )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": " "}, "Give the contribution a title"),
        ({"body": ""}, "Write the text"),
        ({"kind": "advert"}, "Choose what kind"),
        ({"language": "xx"}, "Choose one of the site's languages"),
        ({"links": "javascript:alert(1)"}, "is not a web address"),
    ],
)
def test_bad_input_changes_nothing(member, fields, message):
    values = {"kind": "news", "title": "T", "body": "B", "language": "en", "links": "", **fields}
    with pytest.raises(ValidationError, match=message):
        services.contribution_submit(acting=member, **values)
    assert not Contribution.objects.exists()


def test_an_image_is_checked_like_an_evidence_file(member):
    made = services.contribution_submit(
        acting=member, kind="news", title="T", body="B", language="en", image=SimpleUploadedFile("a.png", PNG)
    )
    assert made.image.name.endswith(".png")
    with pytest.raises(ValidationError, match="does not match its type"):
        services.contribution_submit(
            acting=member,
            kind="news",
            title="T",
            body="B",
            language="en",
            image=SimpleUploadedFile("b.png", b"<svg/>"),
        )
    with pytest.raises(ValidationError, match="PNG, JPEG, GIF or WebP"):
        services.contribution_submit(
            acting=member,
            kind="news",
            title="T",
            body="B",
            language="en",
            image=SimpleUploadedFile("c.svg", b"<svg/>"),
        )
    assert Contribution.objects.count() == 1


def test_withdraw_until_scheduled(contribution, member, secretariat, issue):
    services.contribution_review(contribution=contribution, acting=secretariat, action="accept")
    services.issue_item_add(issue=issue, acting=secretariat, contribution=contribution)
    with pytest.raises(StateConflict, match="can no longer be withdrawn"):
        services.contribution_withdraw(contribution=contribution, acting=member)
    other = submit(member, title="Second")
    services.contribution_withdraw(contribution=other, acting=member)
    assert state(other) == "withdrawn"


def test_comments_between_editor_and_author(contribution, secretariat, member, committee_member, mailoutbox):
    services.contribution_comment(contribution=contribution, acting=secretariat, body="Lovely. A photo?")
    services.contribution_comment(contribution=contribution, acting=member, body="Coming.")
    assert len(mailoutbox) == 1
    assert "A comment" in mailoutbox[0].subject
    with pytest.raises(PermissionDenied):
        services.contribution_comment(contribution=contribution, acting=committee_member, body="Me too")
    assert contribution.comments.count() == 2


def test_update_items_split_into_items():
    assert services.update_items("- One thing\n- Two things\n\nA paragraph\nthat goes on") == [
        "One thing",
        "Two things",
        "A paragraph\nthat goes on",
    ]
    assert services.update_items("  ") == []


def test_a_group_update_proposes_its_items_once(group, chair, member):
    update = report_services.update_draft(group=group, acting=chair)
    report_services.update_save(
        update=update, acting=chair, revision=None, eupdate_items="- Toolkit launched\n- Webinar on 3 May"
    )
    update.refresh_from_db()
    made = services.contributions_from_update(update=update, acting=chair)
    assert [(c.title, c.group_id, c.from_update_id, c.state) for c in made] == [
        ("Toolkit launched", group.pk, update.pk, "submitted"),
        ("Webinar on 3 May", group.pk, update.pk, "submitted"),
    ]
    with pytest.raises(StateConflict, match="already proposed"):
        services.contributions_from_update(update=update, acting=chair)
    with pytest.raises(PermissionDenied):
        services.contributions_from_update(update=update, acting=member)
    assert Contribution.objects.count() == 2


def test_mail_waits_for_the_commit(
    contribution, secretariat, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    from convene.core import tasks as core_tasks

    monkeypatch.setattr(services, "enqueue_on_commit", core_tasks.enqueue_on_commit)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.contribution_review(contribution=contribution, acting=secretariat, action="accept")
        assert mailoutbox == []
    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
