"""Advocacy's pages through the test client: the worksheets saved one by one without JavaScript, the
grid, the exports, the network view, and pinned query counts."""

import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from convene.advocacy import services
from convene.advocacy.documents import plan_pdf_document
from convene.advocacy.models import AdvocacyPlan, ItemState, Visibility

from .conftest import approved_item

PLANS_PAGE = 6


def build_plan(owner, fact, *, audiences=3, title="Zambia plan", visibility="published"):
    plan = services.plan_create(acting=owner, title=title, country="ZM")
    services.plan_worksheet_save(
        plan=plan, acting=owner, worksheet="context", values={"issue": "Too few social workers"}
    )
    made = [
        services.audience_save(
            plan=plan,
            acting=owner,
            name=f"Audience {n}",
            kind="minister",
            alignment=1 + n % 5,
            interest=5 - n % 5,
        )
        for n in range(audiences)
    ]
    services.message_add(plan=plan, acting=owner, source=fact, text="Adapted", audience=made[0])
    services.evidence_record(
        plan=plan,
        acting=owner,
        step="acted",
        what="Budget line",
        happened_on=timezone.localdate(),
        document="Act",
    )
    services.message_test_record(
        plan=plan, acting=owner, hypothesis="H", method="survey", variants=[("A", "1"), ("B", "2")], winner=1
    )
    services.action_add(plan=plan, acting=owner, what="Meet the minister", who="Mwila")
    services.plan_settings_save(
        plan=plan, acting=owner, title=title, visibility=visibility, stage="under_way"
    )
    return plan


def test_a_member_builds_a_plan_through_the_worksheets(member, fact):
    client = client_for(member)
    response = client.post(
        reverse("advocacy:plan_new"), {"title": "Zambia", "country": "ZM", "language": "en"}
    )
    plan = AdvocacyPlan.objects.get()
    assert response.url == reverse("advocacy:worksheet", args=[plan.pk, "context"])
    response = client.post(
        response.url,
        {"country": "ZM", "issue": "Too few social workers", "next": "1", "revision": plan.revision},
    )
    assert response.url == reverse("advocacy:worksheet", args=[plan.pk, "goal"])
    url = reverse("advocacy:worksheet", args=[plan.pk, "audiences"])
    for name, a, i in (("Minister", 5, 5), ("Finance ministry", 2, 1), ("Opposition MP", 1, 5)):
        client.post(url, {"name": name, "kind": "minister", "alignment": a, "interest": i, "influence": 4})
    page = client.get(url).content.decode()
    assert page.count('<g class="audience') == 3
    assert "Challenge" in page
    assert "Persuade" in page
    url = reverse("advocacy:worksheet", args=[plan.pk, "messages"])
    page = client.get(url, {"from": fact.pk}).content.decode()
    assert "Zambia needs more social workers." in page
    minister = plan.audiences.get(name="Minister")
    client.post(
        url, {"source": fact.pk, "audience": minister.pk, "language": "en", "text": "Zambia needs 5,000."}
    )
    plan.refresh_from_db()
    assert plan.worksheets_done == ["context", "audiences", "messages"]
    assert plan.messages.get().source == fact
    response = client.post(
        reverse("advocacy:evidence", args=[plan.pk]),
        {
            "step": "acted",
            "what": "The ministry added a budget line",
            "happened_on": timezone.localdate().isoformat(),
            "audience": minister.pk,
            "link": "https://gov.example/budget",
        },
    )
    assert response.status_code == 302
    assert plan.evidence_items.get().audience == minister


def test_the_secretariat_approves_an_item_and_its_translation(secretariat, member):
    client = client_for(secretariat)
    response = client.post(
        reverse("advocacy:item_new"),
        {
            "kind": "fact",
            "language": "en",
            "title": "The gap",
            "statement": "Too few.",
            "source": "Mapping",
            "source_year": "2024",
            "audiences": ["minister"],
        },
    )
    item_url = response.url
    item = services.NarrativeItem.objects.get()
    for state in ("in_review", "approved"):
        client.post(reverse("advocacy:item_state", args=[item.pk]), {"state": state})
    client.post(
        reverse("advocacy:translation", args=[item.pk]),
        {"language": "fr", "title": "Le manque", "statement": "Trop peu."},
    )
    translation = item.translations.get()
    client.post(reverse("advocacy:translation_approve", args=[translation.pk]))
    item.refresh_from_db()
    assert item.state == ItemState.APPROVED
    page = client_for(member).get(reverse("advocacy:narrative"), {"language": "fr"}).content.decode()
    assert "Le manque" in page
    assert client.get(item_url).status_code == 200


def test_pdf_and_docx_exports(member, fact, tmp_path):
    plan = build_plan(member, fact)
    client = client_for(member)
    response = client.get(reverse("advocacy:docx", args=[plan.pk]))
    import docx

    document = docx.Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == ["Summary", "Context", "Goal and objectives"]
    assert "Evidence of progress" in headings
    response = client.get(reverse("advocacy:pdf", args=[plan.pk]))
    assert response.content.startswith(b"%PDF")
    # The summary fills the first page; the worksheets start on the next.
    document = plan_pdf_document(plan, viewer=member)
    assert len(document.pages) >= 2
    if shutil.which("pdftoppm"):
        (tmp_path / "plan.pdf").write_bytes(response.content)
        subprocess.run(  # noqa: S603 (our own PDF, a fixed program)
            [
                "pdftoppm",
                "-png",
                "-r",
                "40",
                "-f",
                "1",
                "-l",
                "1",
                str(tmp_path / "plan.pdf"),
                str(tmp_path / "page"),
            ],  # noqa: S607
            check=True,
        )
        pages = list(tmp_path.glob("page*.png"))
        assert len(pages) == 1
        assert pages[0].read_bytes().startswith(b"\x89PNG")


def test_others_never_reach_a_private_plan(member, other_member, secretariat, fact):
    plan = build_plan(member, fact, visibility=Visibility.PRIVATE)
    for person in (other_member, secretariat):
        client = client_for(person)
        for name in ("plan", "pdf", "docx", "tests", "evidence"):
            assert client.get(reverse(f"advocacy:{name}", args=[plan.pk])).status_code == 404
        assert plan.title not in client.get(reverse("advocacy:plans")).content.decode()
    assert plan.title not in client_for(secretariat).get(reverse("advocacy:network")).content.decode()


def test_the_network_view_shows_shared_plans(committee_member, member, fact):
    build_plan(member, fact)
    page = client_for(committee_member).get(reverse("advocacy:network")).content.decode()
    assert "Zambia plan" in page
    assert "Zambia" in page


@pytest.mark.parametrize("count", [1, 6])
def test_pinned_query_counts(django_assert_num_queries, secretariat, member, other_member, count):
    facts = [approved_item(secretariat, title=f"Fact {n}") for n in range(count)]
    plans = [build_plan(member, facts[n], title=f"Plan {n}", audiences=count) for n in range(count)]
    member_client, secretariat_client = client_for(other_member), client_for(secretariat)
    member_client.get(reverse("advocacy:narrative"))  # the session and roles are read once
    with django_assert_num_queries(7):
        assert member_client.get(reverse("advocacy:narrative")).status_code == 200
    # 13: the plan's materials from the library are one query (they were 12 before the library was
    # wired in); an action's event comes with the action.
    with django_assert_num_queries(13):
        assert member_client.get(reverse("advocacy:plan", args=[plans[-1].pk])).status_code == 200
    with django_assert_num_queries(PLANS_PAGE):
        assert member_client.get(reverse("advocacy:plans")).status_code == 200
    secretariat_client.get(reverse("advocacy:network"))
    with django_assert_num_queries(9):
        assert secretariat_client.get(reverse("advocacy:network")).status_code == 200


def test_a_suggestion_from_a_private_plan_does_not_name_the_plan(secretariat, member, fact):
    plan = build_plan(member, fact, visibility="private", title="Quiet plan")
    services.suggestion_propose(variant=plan.message_tests.get().winner, acting=member)
    page = client_for(secretariat).get(reverse("advocacy:suggestions")).content.decode()
    assert "Won a test in a private plan" in page
    assert "Quiet plan" not in page


def test_a_row_of_another_plan_cannot_be_removed_through_ones_own(member, other_member, fact):
    mine = services.plan_create(acting=member, title="Mine")
    theirs = build_plan(other_member, fact, title="Theirs")
    audience = theirs.audiences.first()
    url = reverse("advocacy:row_delete", args=[mine.pk, "audiences", audience.pk])
    assert client_for(member).post(url).status_code == 404
    assert theirs.audiences.filter(pk=audience.pk).exists()


def test_an_audience_is_moved_on_the_grid(member, other_member, fact):
    plan = build_plan(member, fact, visibility="private", audiences=2)
    audience = plan.audiences.last()
    url = reverse("advocacy:worksheet", args=[plan.pk, "audiences"])
    client = client_for(member)
    page = client.get(url, {"edit": audience.pk}).content.decode()
    assert "Change the audience" in page
    data = {"name": "Moved", "kind": "donor", "alignment": 1, "interest": 1, "influence": 5}
    response = client.post(f"{url}?edit={audience.pk}", data)
    assert response.status_code == 302
    audience.refresh_from_db()
    assert (audience.name, audience.alignment, audience.interest, audience.approach) == (
        "Moved",
        1,
        1,
        "persuade",
    )
    assert plan.audiences.count() == 2
    # Another plan's audience id is not a way in: it adds a new audience to one's own plan instead.
    theirs = build_plan(other_member, fact, title="Theirs").audiences.first()
    client.post(f"{url}?edit={theirs.pk}", data)
    theirs.refresh_from_db()
    assert theirs.name != "Moved"
    assert plan.audiences.count() == 3
