"""The E-Update API: the same rules and services as the pages; errors in the API's one shape."""

import pytest
from django.test import Client

from convene.comms import services
from convene.comms.models import Contribution
from convene.people import services as people_services

from .conftest import submit


def api(person) -> Client:
    _token, key = people_services.api_token_create(person=person, name="test")
    return Client(headers={"Authorization": f"Bearer {key}"})


BASE = "/api/v1/eupdate"


def test_contribute_review_and_comment_through_the_api(member, secretariat, mailoutbox):
    response = api(member).post(
        f"{BASE}/contributions",
        {
            "kind": "news",
            "title": "By API",
            "body": "Text",
            "language": "fr",
            "links": ["https://example.org/a"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    made = response.json()
    assert (made["state"], made["language"], made["links"]) == ("submitted", "fr", ["https://example.org/a"])
    editor = api(secretariat)
    queue = editor.get(f"{BASE}/contributions/queue", {"language": "fr"}).json()
    assert [c["id"] for c in queue["items"]] == [made["id"]]
    response = editor.post(
        f"{BASE}/contributions/{made['id']}/review", {"action": "decline"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "comment"
    response = editor.post(
        f"{BASE}/contributions/{made['id']}/review",
        {"action": "request_changes", "comment": "Shorter"},
        content_type="application/json",
    )
    assert response.json()["state"] == "changes_requested"
    response = editor.post(
        f"{BASE}/contributions/{made['id']}/review",
        {"action": "request_changes", "comment": "Again"},
        content_type="application/json",
    )
    assert response.status_code == 409
    comments = api(member).get(f"{BASE}/contributions/{made['id']}/comments").json()
    assert [(c["state"], c["body"]) for c in comments] == [("changes_requested", "Shorter")]
    mine = api(member).get(f"{BASE}/contributions/mine").json()
    assert [c["id"] for c in mine["items"]] == [made["id"]]


def test_a_member_cannot_review_or_read_the_queue(contribution, member, committee_member):
    assert api(member).get(f"{BASE}/contributions/queue").status_code == 403
    response = api(member).post(
        f"{BASE}/contributions/{contribution.pk}/review",
        {"action": "accept"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert api(committee_member).get(f"{BASE}/contributions/{contribution.pk}").status_code == 404
    assert Contribution.objects.get(pk=contribution.pk).state == "submitted"


def test_issues_compile_and_preview_through_the_api(issue, accepted, secretariat, member):
    services.issue_item_add(issue=issue, acting=secretariat, contribution=accepted)
    services.issue_block_add(issue=issue, acting=secretariat, kind="network_figures")
    services.issue_text_save(issue=issue, acting=secretariat, language="en", title="December", editorial="")
    editor = api(secretariat)
    listed = editor.get(f"{BASE}/issues").json()["items"]
    assert [(i["number"], i["contributions"]) for i in listed] == [(1, [accepted.pk])]
    compiled = editor.post(f"{BASE}/issues/{issue.pk}/compile").json()
    assert compiled["compiled_at"] is not None
    assert compiled["blocks"][0]["kind"] == "network_figures"
    preview = editor.get(f"{BASE}/issues/{issue.pk}/preview/fr").json()
    assert preview["subject"] == "December"  # no French subject: the default's, and flagged
    assert "The subject is not written in French." in preview["missing"]
    assert preview["html"].startswith("<!DOCTYPE html>")
    assert editor.get(f"{BASE}/issues/{issue.pk}/preview/da").status_code == 404
    assert api(member).get(f"{BASE}/issues/{issue.pk}").status_code == 403


@pytest.mark.parametrize("n", [5, 50])
def test_the_queue_api_reads_in_a_fixed_number_of_queries(secretariat, member, n, django_assert_num_queries):
    for i in range(n):
        submit(member, title=f"C{i}")
    client = api(secretariat)
    client.get(f"{BASE}/contributions/queue")
    with django_assert_num_queries(3):  # the token, the count, the page of rows
        response = client.get(f"{BASE}/contributions/queue")
    assert response.json()["count"] == n
