"""The advocacy loop in the browser (issue 15): the secretariat approves a fact in English and its
French translation; an ambassador builds a plan for Zambia through every worksheet (each saved as they
go), adapts a message from the fact, places three audiences on the grid, records a message test and
evidence that a ministry acted, publishes the plan and downloads it as PDF; the network view shows it."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from conftest import give_term, make_person
from convene.advocacy.models import AdvocacyPlan, Evidence, ItemState, MessageTest, NarrativeItem
from convene.governance.models import Body

from .conftest import BROWSER, log_in

pytestmark = BROWSER


def test_narrative_to_plan_to_evidence_to_network(new_context):
    secretariat = make_person("sec@example.org", name="Sam Secretariat", country="US")
    give_term(secretariat, Body.SECRETARIAT)
    committee = make_person("committee@example.org", name="Carmen Committee", country="CO")
    give_term(committee, Body.STEERING_COMMITTEE)
    ambassador = make_person("mwila@example.org", name="Mwila Banda", country="ZM")
    give_term(ambassador, Body.AMBASSADOR)

    sec = new_context().new_page()
    log_in(sec, "sec@example.org")
    sec.goto(reverse("advocacy:item_new"))
    sec.get_by_label("Kind").select_option("fact")
    sec.get_by_label("Title").fill("Too few social workers")
    sec.get_by_label("Statement").fill("Zambia has one social worker for every 20,000 children.")
    sec.get_by_label("Source:", exact=True).fill("Workforce mapping")
    sec.get_by_label("Year of the source").fill("2024")
    sec.get_by_label("Minister").check()
    sec.get_by_role("button", name="Save").click()
    expect(sec.get_by_text("The item is saved.")).to_be_visible()
    sec.get_by_role("button", name="Send for review").click()
    sec.get_by_role("button", name="Approve", exact=True).click()
    expect(sec.locator(".state")).to_have_text("Approved")
    sec.get_by_role("link", name="Add or change a translation").click()
    sec.get_by_label("Language (BCP 47)").fill("fr")
    sec.get_by_label("Title").fill("Trop peu de travailleurs sociaux")
    sec.get_by_label("Statement").fill("La Zambie a un travailleur social pour 20 000 enfants.")
    sec.get_by_role("button", name="Save the translation").click()
    sec.get_by_role("button", name="Approve the fr translation").click()
    expect(sec.get_by_text("The translation is approved.")).to_be_visible()
    fact = NarrativeItem.objects.get()
    assert fact.state == ItemState.APPROVED
    assert fact.translations.get().approved_at is not None

    amb = new_context().new_page()
    log_in(amb, "mwila@example.org")
    # The French narrative, for a member.
    amb.goto(reverse("advocacy:narrative") + "?language=fr")
    expect(amb.get_by_role("link", name="Trop peu de travailleurs sociaux")).to_be_visible()

    amb.goto(reverse("advocacy:plans"))
    amb.get_by_role("link", name="Start a plan").click()
    amb.get_by_label("Title").fill("A budget line for social workers in Zambia")
    amb.get_by_label("Country").select_option("ZM")
    amb.get_by_role("button", name="Start").click()
    plan = AdvocacyPlan.objects.get()

    # Context, then goal: each saved as the ambassador goes on.
    amb.get_by_label("Issue").fill("Too few social workers outside Lusaka.")
    amb.get_by_label("Policy window").fill("The budget is drafted from July.")
    amb.get_by_role("button", name="Save and go on").click()
    expect(amb.get_by_role("heading", name="Goal and objectives", level=1)).to_be_visible()
    amb.get_by_label("What change").fill("A budget line for 500 social workers")
    amb.get_by_label("SMART objectives").fill("Brief the minister by May")
    amb.get_by_role("button", name="Save and go on").click()

    # Three audiences on the grid.
    for name, kind, alignment, interest in (
        ("Minister of Community Development", "minister", "5", "5"),
        ("Ministry of Finance", "finance_ministry", "2", "2"),
        ("Budget committee chair", "parliamentarian", "2", "5"),
    ):
        amb.get_by_label("Who:", exact=True).fill(name)
        amb.get_by_label("Audience type").select_option(kind)
        amb.get_by_label("Alignment (1 opposed – 5 aligned)").select_option(alignment)
        amb.get_by_label("Interest (1 low – 5 high)").select_option(interest)
        amb.get_by_role("button", name="Add", exact=True).click()
        expect(amb.get_by_text("Saved.")).to_be_visible()
    expect(amb.locator("svg.grid g.audience")).to_have_count(3)
    expect(amb.locator("td.approach")).to_have_text(["Partner", "Persuade", "Challenge"])
    amb.get_by_role("link", name="Next worksheet").click()

    # A message adapted from the approved fact.
    amb.get_by_role("link", name="Too few social workers").click()
    expect(amb.get_by_label("Message as adapted")).to_have_value(re.compile("one social worker"))
    amb.get_by_label("For audience").select_option(label="Minister of Community Development")
    amb.get_by_label("Message as adapted").fill("Every district needs social workers to keep children safe.")
    amb.get_by_role("button", name="Add", exact=True).click()
    expect(amb.get_by_text("Every district needs social workers")).to_be_visible()
    amb.get_by_role("link", name="Next worksheet").click()

    # The rest of the worksheets.
    amb.get_by_label("Messengers").fill("Social workers' association")
    amb.get_by_role("button", name="Save and go on").click()
    amb.get_by_label("Channels").fill("Briefings, radio")
    amb.get_by_role("button", name="Save and go on").click()
    amb.get_by_label("What:", exact=True).fill("Brief the minister on World Social Work Day")
    amb.get_by_role("button", name="Add", exact=True).click()
    amb.get_by_role("link", name="Next worksheet").click()
    amb.get_by_label("Risks and how to handle them").fill("Elections may delay the budget.")
    amb.get_by_role("button", name="Save and go on").click()
    amb.get_by_label("Monitoring plan").fill("Quarterly review of evidence.")
    amb.get_by_role("button", name="Save").click()
    plan.refresh_from_db()
    assert set(plan.worksheets_done) == {
        "context",
        "goal",
        "audiences",
        "messages",
        "people",
        "channels",
        "actions",
        "risks",
        "monitoring",
    }
    assert plan.messages.get().source == fact

    # A message test and evidence that the ministry acted.
    amb.get_by_role("link", name="Message tests").click()
    amb.get_by_label("Hypothesis").fill("Officials respond to children's safety more than to numbers.")
    amb.get_by_label("Method").select_option("interview")
    amb.get_by_label("Version 1:", exact=True).fill("Zambia needs 500 more social workers.")
    amb.get_by_label("Result of version 1").fill("2 of 8 recalled it")
    amb.get_by_label("Version 2:", exact=True).fill(
        "Every district needs social workers to keep children safe."
    )
    amb.get_by_label("Result of version 2").fill("7 of 8 recalled it")
    amb.get_by_label("Winning version").select_option("2")
    amb.get_by_role("button", name="Record").click()
    expect(amb.get_by_text("The message test is recorded.")).to_be_visible()
    amb.get_by_role("link", name="Evidence of progress").click()
    amb.get_by_label("Step").select_option("acted")
    amb.get_by_label("What happened").fill("The Ministry of Finance added a line for social workers")
    amb.get_by_label("Date").fill("2026-11-20")
    amb.get_by_label("Audience").select_option(label="Ministry of Finance")
    amb.get_by_label("Link").fill("https://budget.example.zm/2027")
    amb.get_by_role("button", name="Record").click()
    expect(amb.get_by_text("The evidence is recorded.")).to_be_visible()
    assert MessageTest.objects.get().winner.text.startswith("Every district")
    assert Evidence.objects.get().audience.name == "Ministry of Finance"

    # Published to the network, and downloaded as PDF.
    amb.goto(reverse("advocacy:plan_settings", args=[plan.pk]))
    amb.get_by_label("Published to the network").check()
    amb.get_by_label("Stage").select_option("under_way")
    amb.get_by_role("button", name="Save").click()
    with amb.expect_download() as download:
        amb.get_by_role("link", name="Download as PDF").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"

    # The committee's network view shows it.
    view = new_context().new_page()
    log_in(view, "committee@example.org")
    view.goto(reverse("advocacy:network"))
    expect(view.get_by_role("link", name="A budget line for social workers in Zambia")).to_be_visible()
    expect(view.get_by_role("cell", name="Zambia").first).to_be_visible()
