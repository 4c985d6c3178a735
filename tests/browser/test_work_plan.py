"""A work plan's life in the browser (issue 5): a co-chair writes a plan with one indicator and a
partner's contribution and submits it; the steering committee returns it; it is fixed and approved;
a value is recorded and approved; the indicator's chart and its on-track status follow."""

import datetime
import re

from django.urls import reverse
from playwright.sync_api import expect

from conftest import give_term, make_person
from convene.governance.models import Body
from convene.people import services as people_services
from convene.plans.models import WorkPlan
from convene.plans.tests.factories import launch_group
from convene.results.models import Indicator, Result

from .conftest import BROWSER, log_in

pytestmark = BROWSER

YEAR = datetime.date.today().year - 1  # noqa: DTZ011 - a whole past year: every quarter has begun


def _save(page, name: str = "Save") -> None:
    page.locator("main form").get_by_role("button", name=name, exact=True).first.click()


def test_plan_written_returned_fixed_approved_and_reported(new_context):
    committee = make_person("chair.committee@example.org", name="Carmen Committee", country="CO")
    give_term(committee, Body.STEERING_COMMITTEE)
    secretariat = make_person("sec@example.org", name="Sam Secretariat", country="US")
    give_term(secretariat, Body.SECRETARIAT)
    cochair = make_person("cochair@example.org", name="Cora Cochair", country="KE")
    group = launch_group(committee=committee, cochair=cochair)
    people_services.organisation_save(acting=secretariat, name="Partner Foundation", country="US")

    chair = new_context().new_page()
    log_in(chair, "cochair@example.org")

    # The plan.
    chair.goto(reverse("plans:create", args=[group.slug]))
    chair.get_by_label("Title").fill("Work plan of the year")
    chair.get_by_label("Period starts").fill(f"{YEAR}-01-01")
    chair.get_by_label("Period ends").fill(f"{YEAR}-12-31")
    _save(chair)
    expect(chair).to_have_url(re.compile(r"/plans/\d+/$"))
    plan = WorkPlan.objects.get(group=group)
    chair.get_by_role("link", name="Add a deliverable").click()
    chair.get_by_label("Title").fill("Toolkit on case management")
    _save(chair)
    expect(chair.get_by_text("Toolkit on case management").first).to_be_visible()

    # The results framework: a goal with one indicator, 10 a year.
    chair.goto(reverse("results:result_create", args=[group.slug, plan.pk]))
    chair.get_by_label("Level").select_option(label="Goal")
    chair.get_by_label("Result statement").fill("More children grow up in families.")
    _save(chair)
    result = Result.objects.get(plan=plan)
    chair.goto(reverse("results:indicator_create", args=[group.slug, plan.pk]) + f"?result={result.pk}")
    chair.get_by_label("Name").fill("Case workers trained")
    chair.get_by_label("Unit").select_option("number")
    chair.get_by_label("Reporting frequency").select_option("annual")
    _save(chair)
    indicator = Indicator.objects.get(plan=plan)
    chair.goto(reverse("results:targets", args=[group.slug, plan.pk, indicator.pk]) + "?generate=1")
    chair.get_by_label("Row 1: Target").fill("10")  # the year the page filled in
    if chair.get_by_label("Row 2: Period starts").input_value():  # the life of the plan: the same year
        chair.get_by_label("Remove row 2").check()
    _save(chair, "Save the targets")
    expect(chair).not_to_have_url(re.compile(r"/targets/"))
    assert indicator.targets.count() >= 1

    # A partner's contribution in kind.
    chair.goto(reverse("plans:budget_line_create", args=[group.slug, plan.pk]))
    chair.get_by_label("Category").select_option("meetings")
    chair.get_by_label(re.compile(r"^Description")).fill("Venue for the validation workshop")
    chair.get_by_label("Currency").fill("USD")
    chair.get_by_label("Planned amount").fill("3000")
    chair.get_by_label("Funding source").select_option("partner")
    chair.get_by_label("Partner organisation").select_option(label="Partner Foundation")
    chair.get_by_label("Cash or in kind").select_option("in_kind")
    chair.get_by_label("How the in-kind contribution was valued").fill("The partner's room at its day rate.")
    _save(chair)
    expect(chair.get_by_text("Partner Foundation").first).to_be_visible()

    chair.goto(reverse("plans:detail", args=[group.slug, plan.pk]))
    chair.get_by_role("button", name="Submit to the steering committee").click()
    expect(chair.locator("main")).to_contain_text("Submitted")

    # The committee returns it.
    reviewer = new_context().new_page()
    log_in(reviewer, "chair.committee@example.org")
    reviewer.goto(reverse("plans:review", args=[group.slug, plan.pk]))
    reviewer.get_by_label("Return it with comments").check()
    reviewer.get_by_label("Comments for the co-chairs").fill("Name the top issues, please.")
    _save(reviewer, "Record the decision")
    expect(reviewer.locator("main")).to_contain_text("Returned with comments")

    # Fixed and submitted again; approved.
    chair.goto(reverse("plans:detail", args=[group.slug, plan.pk]))
    expect(chair.locator("main")).to_contain_text("Name the top issues, please.")
    chair.goto(reverse("plans:edit", args=[group.slug, plan.pk]))
    chair.get_by_label("Top issues").fill("Caseloads are too high to follow families.")
    _save(chair)
    chair.goto(reverse("plans:detail", args=[group.slug, plan.pk]))
    chair.get_by_role("button", name="Submit to the steering committee").click()
    reviewer.goto(reverse("plans:review", args=[group.slug, plan.pk]))
    reviewer.get_by_label("Approve the work plan").check()
    _save(reviewer, "Record the decision")
    expect(reviewer.locator("main")).to_contain_text("Approved")
    reviewer.goto(reverse("governance:decisions"))
    expect(reviewer.locator("main")).to_contain_text("approved")

    # A value for the year: not reporting until a co-chair approves it, then on track.
    indicator_url = reverse("results:indicator", args=[group.slug, plan.pk, indicator.pk])
    chair.goto(indicator_url)
    expect(chair.locator("main")).to_contain_text("Not reporting")
    chair.get_by_role("link", name="Record a value").click()
    # The period is one of the indicator's, chosen, not typed.
    chair.get_by_label(re.compile(r"^Period")).select_option(value=f"{YEAR}-01-01/{YEAR}-12-31")
    chair.get_by_label("Value").fill("10")
    _save(chair, "Record")
    expect(chair).not_to_have_url(re.compile(r"/measurements/new/"))
    # Whoever recorded the value does not approve it: the secretariat (or another co-chair) does.
    chair.goto(indicator_url)
    expect(chair.locator("main")).to_contain_text("You recorded this value")
    expect(chair.locator("main form").get_by_role("button", name="Approve")).to_have_count(0)
    staff = new_context().new_page()
    log_in(staff, "sec@example.org")
    staff.goto(indicator_url)
    staff.locator("main form").get_by_role("button", name="Approve").first.click()
    chair.goto(indicator_url)
    expect(chair.locator("main")).to_contain_text("On track")
    chart = chair.locator("main svg").first
    expect(chart).to_be_visible()
    expect(chart.locator("title").first).to_have_count(1)
    chair.goto(reverse("results:framework", args=[group.slug, plan.pk]))
    expect(chair.locator("main")).to_contain_text("On track")
