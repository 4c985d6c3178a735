"""The secretariat's pages: compose an announcement (count first), see it, test it, send it, watch it;
the suppression list; a member's lists with the banner. Query counts pinned with few and many rows."""

import pytest
from django.urls import reverse

from conftest import client_for
from convene.mailing import services
from convene.mailing.models import BulkList, ListChoice, Mailing, MailingState, Suppression

pytestmark = pytest.mark.django_db


def test_the_secretariat_composes_counts_tests_and_sends_an_announcement(
    staff, audience, sink, django_capture_on_commit_callbacks
):
    client = client_for(staff)
    form = {
        "purpose": BulkList.ANNOUNCEMENTS,
        "title": "Webinar on supervision",
        "default_language": "en",
        "regions": ["europe"],
        "subject_en": "Webinar on supervision",
        "body_en": "Join us on **Monday**.",
        "subject_fr": "Webinaire sur la supervision",
        "body_fr": "Rejoignez-nous **lundi**.",
    }
    counted = client.post(reverse("mailing:new"), {**form, "count": "1"})
    assert "This segment reaches 3 people." in counted.content.decode()  # Eva, Luc, Sofia (DK)
    assert not Mailing.objects.exists()

    response = client.post(reverse("mailing:new"), form)
    mailing = Mailing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("mailing:detail", args=[mailing.pk])
    assert mailing.segment == {"regions": ["europe"]}
    assert "<strong>Monday</strong>" in mailing.editions["en"]["html"]
    assert mailing.editions["fr"]["text"] == "Rejoignez-nous **lundi**.\n"
    page = client.get(response["Location"]).content.decode()
    assert "It will go to 3 people." in page

    client.post(reverse("mailing:test", args=[mailing.pk]))
    assert [r for _f, r, _m in sink.messages()] == [[staff.email], [staff.email]]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mailing:start", args=[mailing.pk]))
    mailing.refresh_from_db()
    assert mailing.state == MailingState.SENT
    by_rcpt = {r[0]: m for _f, r, m in sink.messages()[2:]}
    assert sorted(by_rcpt) == ["eva@example.org", "luc@example.org", "staff.sec@example.org"]
    assert by_rcpt["luc@example.org"]["Subject"] == "Webinaire sur la supervision"
    assert "<strong>lundi</strong>" in by_rcpt["luc@example.org"].get_body(("html",)).get_content()
    progress = client.get(reverse("mailing:detail", args=[mailing.pk])).content.decode()
    assert "<dt>Sent</dt><dd>3</dd>" in progress.replace("\n", "").replace("  ", "")


def _mailings(staff, n):
    for i in range(n):
        services.create_mailing(
            purpose=BulkList.EUPDATE,
            title=f"Issue {i}",
            segment={},
            editions={"en": {"subject": "S", "html": "<p>H</p>", "text": "T"}},
            default_language="en",
            created_by=staff,
        )


def _suppressions(n):
    for i in range(n):
        services.bounce_record(email=f"gone{i}@example.org", status="5.1.1")


@pytest.mark.parametrize("rows", [5, 50])
def test_the_mailing_list_and_suppression_list_take_fixed_queries(staff, rows, django_assert_num_queries):
    _mailings(staff, rows)
    _suppressions(rows)
    client = client_for(staff)
    client.get(reverse("mailing:index"))  # warm the session and the roles
    with django_assert_num_queries(5):
        assert client.get(reverse("mailing:index")).status_code == 200
    with django_assert_num_queries(5):
        page = client.get(reverse("mailing:suppressions"))
    assert page.content.decode().count('value="Lift"') == 0
    assert page.content.decode().count(">Lift</button>") == rows


def test_a_member_leaves_a_list_and_sees_the_banner_when_suppressed(audience, staff):
    kofi = audience["kofi"]
    client = client_for(kofi)
    page = client.get(reverse("mailing:lists")).content.decode()
    assert "does not arrive" not in page
    client.post(reverse("mailing:lists"), {"announcements": "on"})
    assert dict(ListChoice.objects.filter(person=kofi).values_list("list", "subscribed")) == {
        BulkList.EUPDATE: False
    }

    services.bounce_record(email=kofi.email, status="5.1.1")
    page = client.get(reverse("mailing:lists")).content.decode()
    assert "Mail to kofi@example.org does not arrive" in page

    lift = client_for(staff).post(reverse("mailing:lift", args=[Suppression.objects.get().pk]))
    assert lift.status_code == 302
    assert "does not arrive" not in client.get(reverse("mailing:lists")).content.decode()
