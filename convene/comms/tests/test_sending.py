"""An approved issue handed to the bulk mailing: editions per language, a segment, and starting the
mailing puts the issue in the archive and publishes its contributions, in one transaction."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from convene.comms import services
from convene.comms.models import ContributionState, IssueStatus
from convene.core.errors import StateConflict
from convene.mailing import services as mailing_services
from convene.mailing.models import Delivery, MailingState


def _approved(issue, accepted, secretariat, approver):
    services.issue_item_add(issue=issue, acting=secretariat, contribution=accepted)
    services.issue_block_add(issue=issue, acting=secretariat, kind="network_figures")
    for code, subject in (("en", "December news"), ("fr", "Nouvelles de décembre")):
        services.issue_text_save(issue=issue, acting=secretariat, language=code, title=subject, editorial="")
    services.issue_compile(issue=issue, acting=secretariat)
    return services.issue_approve(issue=issue, acting=approver)


def test_only_an_approved_issue_is_sent(issue, secretariat):
    with pytest.raises(StateConflict, match="approved for sending"):
        services.issue_mailing(issue=issue, acting=secretariat, segment={})


def test_the_approver_alone_may_not_send(issue, accepted, secretariat, approver, member):
    issue = _approved(issue, accepted, secretariat, approver)
    with pytest.raises(PermissionDenied):
        services.issue_mailing(issue=issue, acting=member, segment={})


def test_starting_the_mailing_sends_each_member_their_edition_and_archives_the_issue(
    issue, accepted, secretariat, approver, member, django_capture_on_commit_callbacks, mailoutbox
):
    member.language = "fr"
    member.save(update_fields=["language"])
    issue = _approved(issue, accepted, secretariat, approver)

    mailing = services.issue_mailing(issue=issue, acting=secretariat, segment={"languages": ["fr"]})
    assert set(mailing.editions) == {"en", "fr"}
    assert mailing.editions["fr"]["subject"] == "Nouvelles de décembre"
    issue.refresh_from_db()
    assert (issue.mailing, issue.status) == (mailing, IssueStatus.APPROVED)
    # Preparing again while a draft only changes who receives it.
    assert services.issue_mailing(issue=issue, acting=secretariat, segment={}).pk == mailing.pk

    with django_capture_on_commit_callbacks(execute=True):
        mailing_services.start(mailing, started_by=secretariat)
    issue.refresh_from_db()
    accepted.refresh_from_db()
    assert issue.status == IssueStatus.SENT
    assert issue.sent_at is not None
    assert accepted.state == ContributionState.PUBLISHED
    mailing.refresh_from_db()
    assert mailing.state == MailingState.SENT
    deliveries = Delivery.objects.filter(mailing=mailing)
    assert deliveries.count() == mailing.recipient_count > 0
    to_member = [m for m in mailoutbox if m.to == [member.email]]
    assert [m.subject for m in to_member if "décembre" in m.subject] == ["Nouvelles de décembre"]
    with pytest.raises(StateConflict, match="approved for sending"):
        services.issue_mailing(issue=issue, acting=secretariat, segment={})


def test_send_page_counts_then_hands_over_to_the_mailing(
    client, issue, accepted, secretariat, approver, member
):
    issue = _approved(issue, accepted, secretariat, approver)
    client.force_login(secretariat)
    url = reverse("comms:issue_send", args=[issue.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "This segment reaches" in page.content.decode()
    response = client.post(url, {"languages": ["en", "fr"]})
    issue.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("mailing:detail", args=[issue.mailing.pk])
    editor = client.get(reverse("comms:issue", args=[issue.pk])).content.decode()
    assert reverse("mailing:detail", args=[issue.mailing.pk]) in editor
