"""The pages: contributing, the queue, the issue editor, preview, approval, the archive and its feed;
query counts pinned with few and many rows."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from convene.comms import services
from convene.comms.models import Contribution, Issue, IssueItem
from convene.reports import services as report_services

from .conftest import submit


def many_contributions(author, n: int, *, state: str = "submitted", group=None):
    now = timezone.now()
    return Contribution.objects.bulk_create(
        [
            Contribution(
                author=author,
                group=group,
                kind="news",
                title=f"Item {i}",
                body="Text",
                language="en",
                state=state,
                submitted_at=now,
            )
            for i in range(n)
        ]
    )


def test_a_member_contributes_through_the_form(member, mailoutbox):
    client = client_for(member)
    assert client.get(reverse("comms:contribute")).status_code == 200
    response = client.post(
        reverse("comms:contribute"),
        {
            "kind": "event",
            "title": "Webinar",
            "body": "On **3 May**.",
            "language": "fr",
            "links": "https://example.org/w",
        },
    )
    made = Contribution.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("comms:contribution", args=[made.pk])
    assert (made.kind, made.language, made.author) == ("event", "fr", member)
    page = client.get(reverse("comms:contribution", args=[made.pk])).content.decode()
    assert "<strong>3 May</strong>" in page
    assert "Editor's decision" not in page


def test_a_bad_contribution_is_shown_again_with_the_reason(member):
    response = client_for(member).post(
        reverse("comms:contribute"),
        {"kind": "news", "title": "T", "body": "B", "language": "en", "links": "ftp://x"},
    )
    assert response.status_code == 400
    assert "is not a web address" in response.content.decode()
    assert not Contribution.objects.exists()


def test_the_editor_reviews_on_the_page(contribution, secretariat, mailoutbox):
    client = client_for(secretariat)
    page = client.get(reverse("comms:contribution", args=[contribution.pk])).content.decode()
    assert "Editor's decision" in page
    response = client.post(
        reverse("comms:contribution_review", args=[contribution.pk]), {"action": "decline", "comment": ""}
    )
    assert response.status_code == 400
    assert "Tell the author" in response.content.decode()
    response = client.post(
        reverse("comms:contribution_review", args=[contribution.pk]), {"action": "accept", "comment": ""}
    )
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.state == "accepted"


@pytest.mark.parametrize("n", [5, 50])
def test_the_queue_reads_in_a_fixed_number_of_queries(secretariat, member, n, django_assert_num_queries):
    many_contributions(member, n)
    client = client_for(secretariat)
    client.get(reverse("comms:queue"))  # the session and the roles, once
    # The session, the person and their roles, the rows, the counts per state: the same for 5 and 50.
    with django_assert_num_queries(6):
        response = client.get(reverse("comms:queue"), {"kind": "news"})
    assert len(re.findall(r'href="/e-update/contributions/\d+/"', response.content.decode())) == n


def test_the_queue_filters_and_answers_htmx_with_the_results_only(secretariat, member):
    submit(member, title="English", language="en")
    submit(member, title="Français", language="fr")
    client = client_for(secretariat)
    response = client.get(reverse("comms:queue"), {"language": "fr"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Français" in body
    assert "English" not in body
    assert "<html" not in body


def test_the_queue_is_the_editors(member, committee_member):
    for person in (member, committee_member):
        assert client_for(person).get(reverse("comms:queue")).status_code == 403


@pytest.mark.parametrize("n", [5, 50])
def test_the_issue_editor_reads_in_a_fixed_number_of_queries(
    issue, secretariat, member, n, django_assert_num_queries
):
    made = many_contributions(member, n, state="scheduled")
    IssueItem.objects.bulk_create(
        [IssueItem(issue=issue, contribution=c, position=i) for i, c in enumerate(made)]
    )
    many_contributions(member, n, state="accepted")
    services.issue_block_add(issue=issue, acting=secretariat, kind="network_figures")
    client = client_for(secretariat)
    client.get(reverse("comms:issue", args=[issue.pk]))
    # + the items' translations and the issue's history (steps taken)
    with django_assert_num_queries(13):
        response = client.get(reverse("comms:issue", args=[issue.pk]))
    assert response.content.decode().count('name="contribution"') == n


def test_the_editor_composes_and_the_approver_approves_on_the_pages(issue, accepted, secretariat, approver):
    client = client_for(secretariat)
    url = reverse("comms:issue", args=[issue.pk])
    assert (
        client.post(
            reverse("comms:issue_item_add", args=[issue.pk]), {"contribution": accepted.pk}
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("comms:issue_block_add", args=[issue.pk]), {"kind": "upcoming_meetings"}
        ).status_code
        == 302
    )
    for code, title in (("en", "December"), ("fr", "Décembre")):
        response = client.post(
            reverse("comms:issue_text", args=[issue.pk]),
            {"language": code, f"{code}-title": title, f"{code}-editorial": "Hello"},
        )
        assert response.status_code == 302
    assert client.post(reverse("comms:issue_compile", args=[issue.pk])).status_code == 302
    preview = client.get(reverse("comms:issue_preview", args=[issue.pk, "fr"])).content.decode()
    assert "“Our toolkit is out” is in English, not in French." in preview
    email = client.get(reverse("comms:issue_preview_email", args=[issue.pk, "fr"]))
    assert email["Content-Type"].startswith("text/html")
    assert "Décembre" in email.content.decode()
    assert "Approve for sending" not in client.get(url).content.decode()
    assert client.post(reverse("comms:issue_approve", args=[issue.pk])).status_code == 403
    approver.user_permissions.add(Permission.objects.get(codename="edit_issues"))
    approving = client_for(approver)
    assert "Approve for sending" in approving.get(url).content.decode()
    assert approving.post(reverse("comms:issue_approve", args=[issue.pk])).status_code == 302
    issue.refresh_from_db()
    assert (issue.status, issue.approved_by) == ("approved", approver)


def sent_issue(secretariat, approver, contribution, *, visibility="public", number=None):
    issue = services.issue_create(
        acting=secretariat,
        date=datetime.date(2026, 11, 1),
        languages=["en", "fr"],
        default_language="en",
        visibility=visibility,
        number=number,
    )
    if contribution is not None:
        services.issue_item_add(issue=issue, acting=secretariat, contribution=contribution)
    else:
        services.issue_block_add(issue=issue, acting=secretariat, kind="network_figures")
    for code in ("en", "fr"):
        services.issue_text_save(
            issue=issue,
            acting=secretariat,
            language=code,
            title=f"News {issue.number} {code}",
            editorial="Hi",
        )
    services.issue_compile(issue=issue, acting=secretariat)
    services.issue_approve(issue=issue, acting=approver)
    return services.issue_mark_sent(issue=issue)


def test_the_archive_public_and_members_only(accepted, secretariat, approver, member):
    public = sent_issue(secretariat, approver, accepted)
    private = sent_issue(secretariat, approver, None, visibility="members")
    anonymous = client_for(None)
    listing = anonymous.get(reverse("comms:archive")).content.decode()
    assert "News 1 en" in listing
    assert "News 2 en" not in listing
    assert anonymous.get(reverse("comms:archive_issue", args=[public.number, "fr"])).status_code == 200
    assert anonymous.get(reverse("comms:archive_issue", args=[private.number, "en"])).status_code == 404
    assert (
        client_for(member).get(reverse("comms:archive_issue", args=[private.number, "en"])).status_code == 200
    )
    assert (
        anonymous.get(reverse("comms:archive_latest", args=[public.number])).headers["Location"]
        == "/e-update/1/en/"
    )
    feed = anonymous.get(reverse("comms:feed"))
    assert feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert "News 1 en" in body
    assert "News 2 en" not in body
    assert "/e-update/1/en/" in body


@pytest.mark.parametrize("n", [5, 50])
def test_the_archive_reads_in_a_fixed_number_of_queries(secretariat, n, django_assert_num_queries):
    now = timezone.now()
    Issue.objects.bulk_create(
        [
            Issue(
                number=i + 1,
                date=datetime.date(2026, 1, 1),
                languages=["en"],
                default_language="en",
                status="sent",
                sent_at=now,
            )
            for i in range(n)
        ]
    )
    client = client_for(None)
    with django_assert_num_queries(2):
        response = client.get(reverse("comms:archive"))
    assert response.content.decode().count("/e-update/") >= n


def test_a_cochair_proposes_the_update_items_from_the_update_page(group, chair, member):
    update = report_services.update_draft(group=group, acting=chair)
    report_services.update_save(
        update=update, acting=chair, revision=None, eupdate_items="Our toolkit\n\nOur webinar"
    )
    page = client_for(chair).get(reverse("reports:update", args=[update.pk])).content.decode()
    assert "Propose the items for the E-Update" in page
    response = client_for(chair).post(reverse("comms:from_update", args=[update.pk]))
    assert response.status_code == 302
    assert sorted(Contribution.objects.values_list("title", flat=True)) == ["Our toolkit", "Our webinar"]


def test_the_queue_pinned_views(secretariat, member, accepted):
    submit(member, title="Still waiting")
    page = client_for(secretariat).get(reverse("comms:queue"), {"state": "accepted"}).content.decode()
    assert "Our toolkit is out" in page
    assert "Still waiting" not in page
    assert 'href="/e-update/contributions/queue/?state=submitted"' in page


def test_an_image_is_seen_by_the_author_the_editors_and_once_published_the_archive(
    secretariat, approver, member, committee_member
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    made = services.contribution_submit(
        acting=member,
        kind="news",
        title="Pictured",
        body="B",
        language="en",
        image=SimpleUploadedFile("p.png", png),
    )
    url = reverse("comms:contribution_image", args=[made.pk])
    response = client_for(member).get(url)
    assert (response.status_code, response["Content-Type"], response["X-Content-Type-Options"]) == (
        200,
        "image/png",
        "nosniff",
    )
    assert b"".join(response.streaming_content) == png
    assert client_for(None).get(url).status_code == 404
    assert client_for(committee_member).get(url).status_code == 404
    services.contribution_review(contribution=made, acting=secretariat, action="accept")
    sent_issue(secretariat, approver, made)
    assert client_for(None).get(url).status_code == 200
    page = client_for(None).get(reverse("comms:archive_issue", args=[1, "en"])).content.decode()
    assert f'<img src="{url}"' in page


@pytest.mark.parametrize("n", [3, 12])
def test_the_feed_reads_in_a_fixed_number_of_queries(
    secretariat, approver, member, n, django_assert_num_queries
):
    for i in range(n):
        c = submit(member, title=f"C{i}")
        services.contribution_review(contribution=c, acting=secretariat, action="accept")
        sent_issue(secretariat, approver, c)
    # the issues, their texts, blocks, items with contributions, and the contributions' translations
    with django_assert_num_queries(5):
        response = client_for(None).get(reverse("comms:feed"))
    assert response.content.decode().count("<entry>") == n
