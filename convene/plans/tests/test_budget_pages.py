"""The budget, exchange-rate and human-resource pages of a work plan: who sees and changes what, totals in
the reporting currency worked out by hand, the service's messages on the fields, and no lost writes."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import client_for
from convene.plans import services
from convene.plans.models import BudgetLine, ExchangeRate, HRNeed, PlanStatus
from convene.plans.tests.factories import approve


def _url(name, world, *args):
    return reverse(f"plans:{name}", args=[world.group.slug, world.plan.pk, *args])


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _line_form(**changes) -> dict:
    data = {
        "category": "travel",
        "deliverable": "",
        "description": "Flights to the workshop",
        "currency": "USD",
        "planned": "900",
        "actual": "",
        "source": "network",
        "partner": "",
        "kind": "cash",
        "valuation": "",
    }
    data.update(changes)
    return data


def _lines(world) -> list[tuple]:
    return sorted(
        BudgetLine.objects.filter(plan=world.plan).values_list(
            "description", "currency", "planned", "actual", "source", "partner_id", "kind", "revision"
        )
    )


@pytest.fixture
def budget_world(plan_world, secretariat):
    """The factory's two lines (300,000 KES in kind from the partner; 2,000 USD not yet funded) and three
    more: 1,234.56 EUR of network funds (1,000 EUR spent), 500 USD in cash from the partner (450 spent)
    and 150,000 KES not yet funded."""
    world, chair = plan_world, plan_world.cochair
    services.rate_set(plan=world.plan, acting=chair, currency="eur", rate=Decimal("1.0832"))
    services.budget_line_save(
        plan=world.plan,
        acting=chair,
        category="travel",
        description="Flights",
        currency="EUR",
        planned=Decimal("1234.56"),
        actual=Decimal("1000"),
    )
    services.budget_line_save(
        plan=world.plan,
        acting=chair,
        category="meetings",
        description="Catering",
        planned=Decimal("500"),
        actual=Decimal("450"),
        source="partner",
        partner=world.partner,
    )
    services.budget_line_save(
        plan=world.plan,
        acting=chair,
        category="staff",
        description="Coordinator",
        currency="KES",
        planned=Decimal("150000"),
        source="needed",
    )
    return world


# --- The budget page ---------------------------------------------------------------------------


def test_budget_totals_in_the_reporting_currency_worked_out_by_hand(budget_world, member):
    """KES at 0.0078, EUR at 1.0832, rounded to the cent per line:
    300,000 KES = 2,340.00; 2,000 USD; 1,234.56 EUR = 1,337.275392 → 1,337.28; 500 USD; 150,000 KES = 1,170.00.
    Actual: 1,000 EUR = 1,083.20; 450 USD."""
    response = client_for(member).get(_url("budget", budget_world))
    html = _html(response)
    summary = response.context["summary"]

    assert summary.planned == Decimal("7347.28")
    assert summary.funded == Decimal("4177.28")  # 2,340.00 + 1,337.28 + 500
    assert summary.gap == Decimal("3170.00")  # 2,000 + 1,170.00
    assert summary.actual == Decimal("1533.20")
    assert summary.missing_rates == []
    assert response.context["funded_share"] == Decimal("57")  # 4,177.28 / 7,347.28 = 56.86 %
    categories = {c["code"]: (c["planned"], c["actual"]) for c in response.context["categories"]}
    assert categories == {
        "staff": (Decimal("1170.00"), Decimal("0")),
        "travel": (Decimal("1337.28"), Decimal("1083.20")),
        "meetings": (Decimal("2840.00"), Decimal("450")),
        "publications": (Decimal("2000"), Decimal("0")),
    }
    # In the order of the categories' choices, not of their codes.
    assert [c["code"] for c in response.context["categories"]] == [
        "staff",
        "travel",
        "meetings",
        "publications",
    ]
    sources = {s["code"]: s["planned"] for s in response.context["sources"]}
    assert sources == {
        "network": Decimal("1337.28"),
        "partner": Decimal("2840.00"),
        "needed": Decimal("3170.00"),
    }
    partners = response.context["partners"]
    assert [(p["organisation"], p["cash"], p["in_kind"], p["total"]) for p in partners] == [
        (budget_world.partner, Decimal("500"), Decimal("2340.00"), Decimal("2840.00"))
    ]
    # The page shows them, each amount in its own currency and in the reporting currency.
    for text in (
        "7,347.28",
        "4,177.28",
        "3,170.00",
        "1,533.20",
        "(57 %)",
        "300,000.00 KES",
        "1,234.56 EUR",
        "1,000.00 EUR",
        "1,337.28",
        "1,083.20",
        "Partner: Global Social Service Workforce Partner",
        "Valued: The partner",
        "Not yet funded",
        "Staff and consultants",
    ):
        assert text in html, text
    assert "No exchange rate is stored" not in html
    assert _url("budget_line_create", budget_world) not in html  # a member reads, does not edit


def test_budget_page_warns_of_a_currency_without_a_rate(budget_world, member):
    # The services refuse a line in a currency without a rate and a rate still in use; a plan imported
    # from an older version, or a database restored partly, can still lack one: the page says so.
    ExchangeRate.objects.filter(plan=budget_world.plan, currency="EUR").delete()

    response = client_for(member).get(_url("budget", budget_world))
    html = _html(response)

    assert response.context["summary"].missing_rates == ["EUR"]
    assert "No exchange rate is stored for: EUR." in html
    assert "no rate" in html
    assert response.context["summary"].planned == Decimal("6010.00")  # 7,347.28 less the EUR line


def test_cochair_sees_the_edit_buttons_and_the_secretariat_too(budget_world, secretariat):
    for person in (budget_world.cochair, secretariat):
        html = _html(client_for(person).get(_url("budget", budget_world)))
        assert _url("budget_line_create", budget_world) in html
        assert _url("budget_line_edit", budget_world, budget_world.line.pk) in html


def test_anonymous_visitor_is_sent_to_log_in(budget_world):
    response = client_for(None).get(_url("budget", budget_world))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_signed_up_non_member_may_not_read_the_budget(budget_world, outsider):
    assert client_for(outsider).get(_url("budget", budget_world)).status_code == 403


def test_a_plan_of_another_group_is_not_found_under_this_groups_address(
    budget_world, member, committee_member
):
    from convene.plans.tests.factories import launch_group

    other = launch_group(committee=committee_member, cochair=member, name="Advocacy")
    path = reverse("plans:budget", args=[other.slug, budget_world.plan.pk])
    assert client_for(member).get(path).status_code == 404


# --- Adding, changing and deleting lines ---------------------------------------------------------


def test_cochair_adds_a_partner_line_through_the_form(plan_world):
    before = BudgetLine.objects.count()
    response = client_for(plan_world.cochair).post(
        _url("budget_line_create", plan_world),
        _line_form(
            currency="kes",
            planned="120000",
            source="partner",
            partner=plan_world.partner.pk,
            kind="in_kind",
            valuation="Staff time at the partner's salary scale.",
            deliverable=plan_world.deliverable.pk,
        ),
    )

    assert response.status_code == 302
    assert response.headers["Location"] == _url("budget", plan_world)
    assert BudgetLine.objects.count() == before + 1
    line = BudgetLine.objects.get(description="Flights to the workshop")
    assert (line.currency, line.planned, line.source, line.partner, line.kind, line.deliverable) == (
        "KES",
        Decimal("120000"),
        "partner",
        plan_world.partner,
        "in_kind",
        plan_world.deliverable,
    )
    assert line.history.first().history_user == plan_world.cochair


def test_a_stray_partner_on_a_network_line_is_dropped(plan_world):
    client_for(plan_world.cochair).post(
        _url("budget_line_create", plan_world), _line_form(partner=plan_world.partner.pk, valuation="x")
    )
    line = BudgetLine.objects.get(description="Flights to the workshop")
    assert (line.source, line.partner, line.valuation) == ("network", None, "")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"source": "partner"}, "partner", "Name the partner organisation that contributes."),
        ({"kind": "in_kind"}, "valuation", "Say how the in-kind contribution was valued."),
        ({"currency": "EUR"}, "currency", "Store the rate of EUR to USD with the plan first."),
        (
            {"currency": "E1R"},
            "currency",
            "Give the currency as a three-letter ISO code, such as USD or KES.",
        ),
        ({"planned": "-5"}, "planned", "Ensure this value is greater than or equal to 0."),
        ({"planned": "ten"}, "planned", "Enter a number."),
        ({"description": ""}, "description", "This field is required."),
    ],
)
def test_bad_line_is_refused_on_its_field_and_nothing_changes(plan_world, changes, field, message):
    before = _lines(plan_world)
    response = client_for(plan_world.cochair).post(
        _url("budget_line_create", plan_world), _line_form(**changes)
    )

    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert message in response.content.decode()
    assert _lines(plan_world) == before


def test_cochair_edits_a_line_and_a_stale_second_save_is_told_what_changed(plan_world, secretariat):
    line = plan_world.line
    path = _url("budget_line_edit", plan_world, line.pk)
    page = client_for(plan_world.cochair).get(path)
    assert page.context["form"]["revision"].value() == line.revision
    start = {
        **_line_form(
            category="meetings",
            description=line.description,
            currency="KES",
            planned="300000",
            source="partner",
            partner=plan_world.partner.pk,
            kind="in_kind",
            valuation=line.valuation,
            deliverable=plan_world.deliverable.pk,
        ),
        "revision": line.revision,
    }
    # The secretariat saves first: a new description.
    first = client_for(secretariat).post(path, {**start, "description": "Venue (two days)"})
    assert first.status_code == 302
    # The co-chair, from the same revision, changes the planned amount and the description too.
    second = client_for(plan_world.cochair).post(
        path, {**start, "planned": "350000", "description": "Venue and lunch"}
    )

    assert second.status_code == 409
    html = second.content.decode()
    assert "Someone else saved this while you were editing it" in html
    assert "Sara Secretariat saved it" in html
    assert "Venue (two days)" in html
    assert "Venue and lunch" in html
    form = second.context["form"]
    assert form.data["revision"] == str(line.revision + 1)
    assert form.data["planned"] == "350000"
    line.refresh_from_db()
    assert (line.description, line.planned, line.revision) == ("Venue (two days)", Decimal("300000"), 2)
    # Saving the merged form again is a deliberate merge.
    third = client_for(plan_world.cochair).post(path, dict(form.data.items()))
    assert third.status_code == 302
    line.refresh_from_db()
    assert (line.description, line.planned, line.revision) == ("Venue and lunch", Decimal("350000"), 3)


def test_a_form_without_its_revision_is_refused(plan_world):
    before = _lines(plan_world)
    response = client_for(plan_world.cochair).post(
        _url("budget_line_edit", plan_world, plan_world.line.pk), _line_form(description="No revision")
    )
    assert response.status_code == 200
    assert "The form is incomplete: open the page again." in response.content.decode()
    assert _lines(plan_world) == before


def test_cochair_deletes_a_line(plan_world):
    response = client_for(plan_world.cochair).post(_url("budget_line_delete", plan_world, plan_world.line.pk))
    assert response.status_code == 302
    assert not BudgetLine.objects.filter(pk=plan_world.line.pk).exists()


def test_member_may_not_add_edit_or_delete_lines(plan_world, member):
    client, before = client_for(member), _lines(plan_world)
    assert client.get(_url("budget_line_create", plan_world)).status_code == 403
    assert client.post(_url("budget_line_create", plan_world), _line_form()).status_code == 403
    assert client.get(_url("budget_line_edit", plan_world, plan_world.line.pk)).status_code == 403
    assert client.post(_url("budget_line_delete", plan_world, plan_world.line.pk)).status_code == 403
    assert _lines(plan_world) == before


def test_a_submitted_plan_is_frozen(plan_world):
    services.plan_submit(plan=plan_world.plan, acting=plan_world.cochair)
    client, before = client_for(plan_world.cochair), _lines(plan_world)
    assert client.get(_url("budget_line_edit", plan_world, plan_world.line.pk)).status_code == 403
    assert client.post(_url("budget_line_delete", plan_world, plan_world.line.pk)).status_code == 403
    html = _html(client.get(_url("budget", plan_world)))
    assert _url("budget_line_edit", plan_world, plan_world.line.pk) not in html
    assert _lines(plan_world) == before


def test_while_an_approved_plan_runs_the_cochair_updates_only_the_actual(
    plan_world, committee_member, member
):
    approve(plan_world, committee_member)
    assert plan_world.plan.status == PlanStatus.APPROVED
    client, line = client_for(plan_world.cochair), plan_world.line
    html = _html(client.get(_url("budget", plan_world)))
    assert "Update the actual amount" in html
    assert _url("budget_line_create", plan_world) not in html
    page = client.get(_url("budget_line_edit", plan_world, line.pk))
    assert list(page.context["form"].fields) == ["actual", "revision"]

    response = client.post(
        _url("budget_line_edit", plan_world, line.pk),
        {"actual": "280000", "planned": "1", "description": "Sneaky", "revision": line.revision},
    )

    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.actual, line.planned, line.description) == (
        Decimal("280000"),
        Decimal("300000"),
        "Venue for the validation workshop",
    )
    assert client.post(_url("budget_line_create", plan_world), _line_form()).status_code == 403
    assert client_for(member).get(_url("budget_line_edit", plan_world, line.pk)).status_code == 403
    summary = client_for(member).get(_url("budget", plan_world)).context["summary"]
    assert summary.actual == Decimal("2184.00")  # 280,000 KES × 0.0078


# --- Exchange rates ------------------------------------------------------------------------------


def _rates(world) -> list[tuple]:
    return sorted(ExchangeRate.objects.filter(plan=world.plan).values_list("currency", "rate"))


def test_cochair_stores_and_replaces_a_rate(plan_world):
    client = client_for(plan_world.cochair)
    response = client.post(
        _url("rates", plan_world), {"currency": "eur", "rate": "1.08", "as_of": "2025-01-02"}
    )
    assert response.status_code == 302
    client.post(_url("rates", plan_world), {"currency": "EUR", "rate": "1.1", "as_of": ""})
    assert _rates(plan_world) == [("EUR", Decimal("1.1")), ("KES", Decimal("0.0078"))]
    html = _html(client.get(_url("rates", plan_world)))
    assert "EUR" in html
    assert "1.1" in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"currency": "USD", "rate": "1"}, "currency", "The reporting currency needs no rate."),
        ({"currency": "EUR", "rate": "0"}, "rate", "A rate must be more than zero."),
        (
            {"currency": "EU", "rate": "1"},
            "currency",
            "Ensure this value has at least 3 characters (it has 2).",
        ),
        ({"currency": "EUR", "rate": "x"}, "rate", "Enter a number."),
    ],
)
def test_bad_rate_is_refused_on_its_field(plan_world, data, field, message):
    before = _rates(plan_world)
    response = client_for(plan_world.cochair).post(_url("rates", plan_world), data)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert _rates(plan_world) == before


def test_a_rate_in_use_is_not_deleted_and_an_unused_one_is(plan_world):
    client = client_for(plan_world.cochair)
    kes = ExchangeRate.objects.get(plan=plan_world.plan, currency="KES")
    response = client.post(_url("rate_delete", plan_world, kes.pk), follow=True)
    assert "Budget lines still use this currency." in response.content.decode()
    assert ExchangeRate.objects.filter(pk=kes.pk).exists()
    eur = services.rate_set(plan=plan_world.plan, acting=plan_world.cochair, currency="EUR", rate=Decimal(1))
    client.post(_url("rate_delete", plan_world, eur.pk))
    assert _rates(plan_world) == [("KES", Decimal("0.0078"))]


def test_member_reads_the_rates_but_may_not_change_them(plan_world, member):
    client = client_for(member)
    html = _html(client.get(_url("rates", plan_world)))
    assert "KES" in html
    assert "Store the rate" not in html
    assert client.post(_url("rates", plan_world), {"currency": "EUR", "rate": "1"}).status_code == 403
    kes = ExchangeRate.objects.get(plan=plan_world.plan, currency="KES")
    assert client.post(_url("rate_delete", plan_world, kes.pk)).status_code == 403
    assert _rates(plan_world) == [("KES", Decimal("0.0078"))]


# --- People (human-resource needs) -----------------------------------------------------------------


def _needs(world) -> list[tuple]:
    return sorted(
        HRNeed.objects.filter(plan=world.plan).values_list(
            "role",
            "hours_per_month",
            "starts_on",
            "ends_on",
            "filled_by_id",
            "filled_by_organisation_id",
            "note",
        )
    )


def _need_form(**changes) -> dict:
    data = {
        "role": "Translator",
        "hours_per_month": "12.5",
        "starts_on": "2025-04-01",
        "ends_on": "2025-06-30",
        "filled_by": "",
        "filled_by_organisation": "",
        "note": "",
    }
    data.update(changes)
    return data


def test_hr_page_shows_open_roles_clearly_with_the_open_hours(plan_world, member):
    services.hr_need_save(
        plan=plan_world.plan,
        acting=plan_world.cochair,
        role="Researcher",
        hours_per_month=Decimal("20.5"),
        filled_by=plan_world.cochair,
    )
    services.hr_need_save(
        plan=plan_world.plan,
        acting=plan_world.cochair,
        role="Designer",
        hours_per_month=Decimal("4"),
        filled_by_organisation=plan_world.partner,
    )
    response = client_for(member).get(_url("hr", plan_world))
    html = _html(response)

    assert response.context["total_hours"] == Decimal("34.5")  # 10 + 20.5 + 4
    assert response.context["open_hours"] == Decimal("10")  # the editor only
    assert response.context["open_count"] == 1
    assert html.count("Open: nobody yet") == 1
    assert "Pia Planchair" in html
    assert "Global Social Service Workforce Partner" in html
    assert "34.5" in html
    assert _url("hr_need_create", plan_world) not in html


def test_cochair_adds_edits_and_deletes_a_need(plan_world, member):
    client = client_for(plan_world.cochair)
    response = client.post(_url("hr_need_create", plan_world), _need_form(filled_by=plan_world.cochair.pk))
    assert response.status_code == 302
    need = HRNeed.objects.get(role="Translator")
    assert (need.hours_per_month, need.filled_by, need.starts_on) == (
        Decimal("12.5"),
        plan_world.cochair,
        datetime.date(2025, 4, 1),
    )
    # Only the group's members are offered to fill a role.
    page = client.get(_url("hr_need_edit", plan_world, need.pk))
    assert list(page.context["form"].fields["filled_by"].queryset) == [plan_world.cochair]
    response = client.post(
        _url("hr_need_edit", plan_world, need.pk),
        _need_form(filled_by="", filled_by_organisation=plan_world.partner.pk, revision=need.revision),
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.filled_by, need.filled_by_organisation) == (None, plan_world.partner)
    refused = client.post(_url("hr_need_create", plan_world), _need_form(filled_by=member.pk))
    assert "Select a valid choice." in refused.context["form"].errors["filled_by"][0]
    client.post(_url("hr_need_delete", plan_world, need.pk))
    assert not HRNeed.objects.filter(pk=need.pk).exists()


def test_a_period_that_ends_before_it_starts_is_refused(plan_world):
    before = _needs(plan_world)
    response = client_for(plan_world.cochair).post(
        _url("hr_need_create", plan_world), _need_form(starts_on="2025-06-01", ends_on="2025-05-01")
    )
    assert response.status_code == 200
    assert "The period cannot end before it starts." in response.context["form"].errors["ends_on"]
    assert _needs(plan_world) == before


def test_member_may_not_change_needs(plan_world, member):
    client, before = client_for(member), _needs(plan_world)
    assert client.post(_url("hr_need_create", plan_world), _need_form()).status_code == 403
    assert client.get(_url("hr_need_edit", plan_world, plan_world.need.pk)).status_code == 403
    assert client.post(_url("hr_need_delete", plan_world, plan_world.need.pk)).status_code == 403
    assert _needs(plan_world) == before


def test_while_an_approved_plan_runs_the_cochair_records_who_fills_a_role(plan_world, committee_member):
    approve(plan_world, committee_member)
    need, client = plan_world.need, client_for(plan_world.cochair)
    page = client.get(_url("hr_need_edit", plan_world, need.pk))
    assert list(page.context["form"].fields) == ["filled_by", "filled_by_organisation", "note", "revision"]
    response = client.post(
        _url("hr_need_edit", plan_world, need.pk),
        {
            "filled_by": plan_world.cochair.pk,
            "role": "Chief",
            "note": "Until June.",
            "revision": need.revision,
        },
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.role, need.filled_by, need.note) == ("Editor", plan_world.cochair, "Until June.")


def test_a_stale_hr_save_is_a_conflict(plan_world, secretariat):
    need, path = plan_world.need, _url("hr_need_edit", plan_world, plan_world.need.pk)
    start = _need_form(
        role="Editor", hours_per_month="10", starts_on="2025-03-01", ends_on="", revision=need.revision
    )
    assert client_for(secretariat).post(path, {**start, "hours_per_month": "15"}).status_code == 302
    response = client_for(plan_world.cochair).post(path, {**start, "note": "Part time."})
    assert response.status_code == 409
    form = response.context["form"]
    assert (form.data["hours_per_month"], form.data["note"]) == ("15.0", "Part time.")  # theirs merged in
    need.refresh_from_db()
    assert (need.hours_per_month, need.note) == (Decimal("15"), "")


# --- Queries do not grow with the budget -----------------------------------------------------------

BUDGET_QUERIES = 9
HR_QUERIES = 8


def _many_lines(world, n: int) -> None:
    for i in range(n):
        services.budget_line_save(
            plan=world.plan,
            acting=world.cochair,
            category=["travel", "staff", "meetings"][i % 3],
            description=f"Line {i}",
            currency=["USD", "KES"][i % 2],
            planned=Decimal(100 + i),
            source=["network", "partner", "needed"][i % 3],
            partner=world.partner if i % 3 == 1 else None,
        )
        services.hr_need_save(
            plan=world.plan,
            acting=world.cochair,
            role=f"Role {i}",
            hours_per_month=Decimal(i),
            filled_by=world.cochair if i % 2 else None,
            filled_by_organisation=world.partner if i % 3 == 0 else None,
        )


@pytest.mark.parametrize("n", [1, 15])
def test_budget_and_hr_queries_do_not_grow(n, plan_world, django_assert_num_queries):
    _many_lines(plan_world, n)
    client = client_for(plan_world.cochair)
    client.get(_url("budget", plan_world))  # the session and the viewer's roles, read once

    with django_assert_num_queries(BUDGET_QUERIES):
        assert client.get(_url("budget", plan_world)).status_code == 200
    with django_assert_num_queries(HR_QUERIES):
        assert client.get(_url("hr", plan_world)).status_code == 200
