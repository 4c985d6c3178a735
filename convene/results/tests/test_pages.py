"""The results pages: the framework with its progress, results and indicators, targets, measurements
and their review, evidence files, the catalogue of shared indicators; bad input refused with a clear
message and nothing written; query counts pinned."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from conftest import client_for, make_person
from convene.groups import services as group_services
from convene.groups.rules import forget_roles
from convene.plans.tests.factories import PLAN_END, PLAN_START, QUARTERS, approve, build_plan, launch_group
from convene.results import services
from convene.results.forms import format_disaggregations, parse_disaggregations
from convene.results.models import (
    Indicator,
    Measurement,
    MeasurementStatus,
    PeriodActual,
    Result,
    ResultLevel,
    SharedIndicator,
    Target,
)
from convene.results.periods import period_label, periods_for
from convene.results.views import targets_fingerprint


@pytest.fixture(autouse=True)
def _one_lead_records_and_approves(settings):
    """Values here are recorded and approved by the same co-chair: these tests are about what an
    approved value does, not about who approves it (separation of duties: results/tests/test_separation.py)."""
    settings.CONVENE_SEPARATE_RECORD_AND_APPROVE = False


Q1, Q4 = QUARTERS[0], QUARTERS[3]
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


def url(name: str, world, *args) -> str:
    return reverse(f"results:{name}", args=[world.group.slug, world.plan.pk, *args])


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def record(world, value="10", period=Q1, acting=None, **extra) -> Measurement:
    return services.measurement_record(
        indicator=world.indicator,
        acting=acting or world.cochair,
        starts_on=period[0],
        ends_on=period[1],
        value=value,
        **extra,
    )


@pytest.fixture
def approved(plan_world, committee_member):
    approve(plan_world, committee_member)
    return plan_world


@pytest.fixture
def group_member(plan_world):
    person = make_person("gina.member@example.org", name="Gina Member", country="UG")
    group_services.membership_join(group=plan_world.group, acting=person)
    forget_roles(person)
    return person


# --- The framework --------------------------------------------------------------------------------


def test_framework_shows_the_tree_with_progress_and_badges(approved, member):
    html = html_of(client_for(member).get(url("framework", approved)))

    assert "Goal" in html
    assert "Outcome" in html
    assert "Children live in families." in html
    assert "Workers use common standards." in html
    assert "CM1 Case workers trained" in html
    assert url("indicator", approved, approved.indicator.pk) in html
    # The status is a word with a class, never a colour alone.
    assert '<span class="status progress-not_reporting">Not reporting</span>' in html
    # The life-of-plan target, and a small bar that says what it shows.
    assert re.search(r'<td class="num" data-label="Target \(life of plan\)">40</td>', html)
    assert f'<title id="bar-{approved.indicator.pk}-t">Case workers trained: — against a target of 40' in html
    assert "style=" not in html.split("<main", 1)[1]
    # A plain member neither edits nor reviews.
    assert url("result_create", approved) not in html
    assert "waiting for your approval" not in html


def test_framework_shows_level_names_in_the_readers_language(approved, member, monkeypatch, request):
    from convene.results.tests.translations import translate_levels

    translate_levels(monkeypatch)
    request.addfinalizer(translation.deactivate)  # a request leaves its language active
    client = client_for(member)
    html = html_of(client.get(url("framework", approved), HTTP_ACCEPT_LANGUAGE="fr"))
    assert '<span class="badge">But</span>' in html
    assert '<span class="badge">Effet</span>' in html
    assert "Outcome" not in html
    indicator = html_of(
        client.get(url("indicator", approved, approved.indicator.pk), HTTP_ACCEPT_LANGUAGE="fr")
    )
    assert "Effet 1.1 – Workers use common standards." in indicator


def test_framework_refuses_visitors_and_non_members(plan_world, outsider):
    response = client_for(None).get(url("framework", plan_world))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert client_for(outsider).get(url("framework", plan_world)).status_code == 403


def test_framework_of_a_plan_of_another_group_is_not_found(plan_world, member):
    path = reverse("results:framework", args=["no-such-group", plan_world.plan.pk])
    assert client_for(member).get(path).status_code == 404


def test_approval_on_the_framework_turns_not_reporting_into_on_track(approved):
    measurement = record(approved, "10", period=Q4)
    client = client_for(approved.cochair)
    html = html_of(client.get(url("framework", approved)))
    assert "1 value waiting for your approval" in html
    assert '<span class="status progress-not_reporting">Not reporting</span>' in html

    response = client.post(
        url("measurement_review", approved, measurement.pk),
        {"approve": "1", "next": url("framework", approved)},
    )

    assert response.status_code == 302
    assert response.url == url("framework", approved)
    html = html_of(client.get(url("framework", approved)))
    assert '<span class="status progress-on_track">On track</span>' in html
    assert "waiting for your approval" not in html
    assert Measurement.objects.get(pk=measurement.pk).status == MeasurementStatus.APPROVED
    assert PeriodActual.objects.get(indicator=approved.indicator, country="").value == Decimal(10)
    # Life of plan: 10 of 40, 25 % met.
    assert '<td class="num" data-label="% met">25 %</td>' in html


def test_sending_back_needs_a_note_and_writes_nothing_without_one(approved):
    measurement = record(approved, "10")
    client = client_for(approved.cochair)

    response = client.post(url("measurement_review", approved, measurement.pk), {"approve": "0"}, follow=True)

    assert "Say why the value is not approved." in response.content.decode()
    assert Measurement.objects.get(pk=measurement.pk).status == MeasurementStatus.SUBMITTED

    client.post(
        url("measurement_review", approved, measurement.pk), {"approve": "0", "note": "Which quarter?"}
    )
    measurement.refresh_from_db()
    assert (measurement.status, measurement.review_note, measurement.reviewed_by) == (
        MeasurementStatus.REJECTED,
        "Which quarter?",
        approved.cochair,
    )
    assert not PeriodActual.objects.filter(indicator=approved.indicator).exists()


def test_a_member_cannot_review_and_nothing_changes(approved, member):
    measurement = record(approved, "10")
    response = client_for(member).post(url("measurement_review", approved, measurement.pk), {"approve": "1"})
    assert response.status_code == 403
    assert Measurement.objects.get(pk=measurement.pk).status == MeasurementStatus.SUBMITTED


# --- Results -----------------------------------------------------------------------------------------


def test_cochair_adds_edits_and_removes_a_result(plan_world):
    client = client_for(plan_world.cochair)
    output = ResultLevel.objects.get(depth=2)
    assert html_of(client.get(url("result_create", plan_world)))

    response = client.post(
        url("result_create", plan_world),
        {
            "level": output.pk,
            "parent": plan_world.outcome.pk,
            "code": "1.1.1",
            "statement": "A toolkit exists.",
        },
    )

    assert response.status_code == 302
    assert response.url == url("framework", plan_world)
    result = Result.objects.get(code="1.1.1")
    assert (result.plan, result.parent, result.level, result.statement) == (
        plan_world.plan,
        plan_world.outcome,
        output,
        "A toolkit exists.",
    )
    response = client.post(
        url("result_edit", plan_world, result.pk),
        {
            "level": output.pk,
            "parent": plan_world.outcome.pk,
            "code": "1.1.2",
            "statement": "A toolkit is in use.",
            "revision": result.revision,
        },
    )
    assert response.status_code == 302
    result.refresh_from_db()
    assert (result.code, result.statement, result.revision) == ("1.1.2", "A toolkit is in use.", 2)

    response = client.post(url("result_delete", plan_world, result.pk))
    assert response.status_code == 302
    assert not Result.objects.filter(pk=result.pk).exists()


def test_a_result_above_its_parent_is_refused_and_nothing_is_written(plan_world):
    client = client_for(plan_world.cochair)
    before = Result.objects.count()

    response = client.post(
        url("result_create", plan_world),
        {"level": plan_world.goal.level_id, "parent": plan_world.outcome.pk, "statement": "Upside down."},
    )

    assert response.status_code == 200
    assert "A result sits at a lower level than the result it contributes to." in response.content.decode()
    assert Result.objects.count() == before


def test_two_cochairs_editing_a_result_the_second_is_told_and_merges(plan_world):
    client = client_for(plan_world.cochair)
    goal = plan_world.goal
    services.result_save(
        plan=plan_world.plan,
        acting=plan_world.cochair,
        result=goal,
        revision=goal.revision,
        statement="Theirs.",
    )

    response = client.post(
        url("result_edit", plan_world, goal.pk),
        {"level": goal.level_id, "parent": "", "code": "1", "statement": "Mine.", "revision": goal.revision},
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this while you were editing it" in html
    assert "Theirs." in html
    assert "Mine." in html
    assert 'name="revision" value="2"' in html
    assert Result.objects.get(pk=goal.pk).statement == "Theirs."


def test_result_pages_are_refused_once_the_plan_is_approved(approved):
    client = client_for(approved.cochair)
    assert client.get(url("result_create", approved)).status_code == 403
    assert client.post(url("result_delete", approved, approved.goal.pk)).status_code == 403
    assert Result.objects.filter(pk=approved.goal.pk).exists()


# --- Indicators ----------------------------------------------------------------------------------


def indicator_form(world, **overrides) -> dict:
    data = {
        "result": world.outcome.pk,
        "code": "CM2",
        "name": "Supervisors certified",
        "definition": "Supervisors who passed the test.",
        "unit": "percentage",
        "direction": "increase",
        "frequency": "annual",
        "baseline_value": "12.5",
        "baseline_on": "2025-01-01",
        "data_source": "Training records",
        "verification": "Certificates",
        "responsible": world.cochair.pk,
        "disaggregations": "Sex: female, male\n\ncountry\nage: 0-17, 18+",
    }
    data.update(overrides)
    return data


def test_cochair_adds_an_indicator_with_categories_as_text(plan_world):
    client = client_for(plan_world.cochair)
    assert "Disaggregation categories" in html_of(client.get(url("indicator_create", plan_world)))

    response = client.post(url("indicator_create", plan_world), indicator_form(plan_world))

    indicator = Indicator.objects.get(code="CM2")
    assert response.status_code == 302
    assert response.url == url("targets", plan_world, indicator.pk)
    assert indicator.disaggregations == [
        {"name": "sex", "options": ["female", "male"]},
        {"name": "country", "options": []},
        {"name": "age", "options": ["0-17", "18+"]},
    ]
    assert (indicator.unit, indicator.baseline_value, indicator.responsible) == (
        "percentage",
        Decimal("12.5"),
        plan_world.cochair,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("country: KE, UG", "Line 1: the country category takes no options: the list of countries is used."),
        ("sex: female\nsex: male", "Line 2: “sex” is listed twice."),
        (": female", "Line 1: write the category’s name before the colon."),
    ],
)
def test_bad_categories_are_refused_naming_the_line(plan_world, text, message):
    client = client_for(plan_world.cochair)
    before = Indicator.objects.count()

    response = client.post(
        url("indicator_create", plan_world), indicator_form(plan_world, disaggregations=text)
    )

    assert response.status_code == 200
    assert message.replace("’", "&#x27;").replace("'", "&#x27;") in response.content.decode().replace(
        "’", "&#x27;"
    )
    assert Indicator.objects.count() == before


def test_categories_text_round_trip():
    categories = [{"name": "sex", "options": ["female", "male"]}, {"name": "country", "options": []}]
    assert format_disaggregations(categories) == "sex: female, male\ncountry"
    assert parse_disaggregations(format_disaggregations(categories)) == categories
    assert parse_disaggregations("  Age Group :  0-4 , 5-9,5-9 \n") == [
        {"name": "age group", "options": ["0-4", "5-9"]}
    ]


def test_text_in_a_number_field_is_refused(plan_world):
    before = Indicator.objects.count()
    response = client_for(plan_world.cochair).post(
        url("indicator_create", plan_world), indicator_form(plan_world, baseline_value="twelve")
    )
    assert response.status_code == 200
    assert "Enter a number." in response.content.decode()
    assert Indicator.objects.count() == before


def test_cochair_edits_an_indicator_and_a_stale_form_gets_409(plan_world):
    client = client_for(plan_world.cochair)
    indicator = plan_world.indicator
    form = indicator_form(plan_world, unit="number", name="Workers trained", revision=indicator.revision)

    response = client.post(url("indicator_edit", plan_world, indicator.pk), form)

    assert response.status_code == 302
    assert response.url == url("indicator", plan_world, indicator.pk)
    indicator.refresh_from_db()
    assert (indicator.name, indicator.revision) == ("Workers trained", 2)
    stale = client.post(url("indicator_edit", plan_world, indicator.pk), {**form, "name": "Older"})
    assert stale.status_code == 409
    assert "sex: female, male" in stale.content.decode()  # the categories come back as text
    assert Indicator.objects.get(pk=indicator.pk).name == "Workers trained"


def test_an_indicator_with_values_cannot_be_removed(approved, committee_member):
    record(approved, "5")
    from convene.plans import services as plan_services

    plan_services.plan_revise(plan=approved.plan, acting=approved.cochair)
    response = client_for(approved.cochair).post(
        url("indicator_delete", approved, approved.indicator.pk), follow=True
    )
    assert "Results have been reported for this indicator: it cannot be removed." in response.content.decode()
    assert Indicator.objects.filter(pk=approved.indicator.pk).exists()


def test_cochair_adopts_a_shared_indicator_whose_definition_stays_the_catalogues(plan_world, secretariat):
    shared = services.shared_indicator_save(
        acting=secretariat, code="ssw1", name="Social workers trained", disaggregations=["country"]
    )
    client = client_for(plan_world.cochair)
    assert "SSW1 Social workers trained" in html_of(client.get(url("indicator_adopt", plan_world)))

    response = client.post(
        url("indicator_adopt", plan_world),
        {"shared": shared.pk, "result": plan_world.goal.pk, "frequency": "annual", "baseline_value": "3"},
    )

    indicator = Indicator.objects.get(shared=shared)
    assert response.status_code == 302
    assert response.url == url("targets", plan_world, indicator.pk)
    assert (
        indicator.code,
        indicator.name,
        indicator.result,
        indicator.frequency,
        indicator.baseline_value,
    ) == (
        "SSW1",
        "Social workers trained",
        plan_world.goal,
        "annual",
        Decimal(3),
    )
    # The edit form shows the catalogue's fields as fixed; a forged name does not get through.
    html = html_of(client.get(url("indicator_edit", plan_world, indicator.pk)))
    assert "Set by the network&#x27;s catalogue." in html or "Set by the network's catalogue." in html
    client.post(
        url("indicator_edit", plan_world, indicator.pk),
        indicator_form(plan_world, name="Renamed", unit="percentage", revision=indicator.revision),
    )
    indicator.refresh_from_db()
    assert (indicator.name, indicator.unit) == ("Social workers trained", "number")
    # Adopted once per plan: it leaves the choices.
    assert "SSW1 Social workers trained" not in html_of(client.get(url("indicator_adopt", plan_world)))


# --- Targets -------------------------------------------------------------------------------------


def test_periods_for_each_frequency():
    start, end = datetime.date(2025, 2, 15), datetime.date(2026, 1, 10)
    d = datetime.date
    assert periods_for("quarterly", start, end) == [
        (d(2025, 2, 15), d(2025, 3, 31)),
        (d(2025, 4, 1), d(2025, 6, 30)),
        (d(2025, 7, 1), d(2025, 9, 30)),
        (d(2025, 10, 1), d(2025, 12, 31)),
        (d(2026, 1, 1), d(2026, 1, 10)),
    ]
    assert periods_for("semiannual", start, end) == [
        (d(2025, 2, 15), d(2025, 6, 30)),
        (d(2025, 7, 1), d(2025, 12, 31)),
        (d(2026, 1, 1), d(2026, 1, 10)),
    ]
    assert periods_for("annual", start, end) == [
        (d(2025, 2, 15), d(2025, 12, 31)),
        (d(2026, 1, 1), d(2026, 1, 10)),
    ]
    monthly = periods_for("monthly", d(2024, 1, 1), d(2024, 12, 31))
    assert len(monthly) == 12
    assert monthly[1] == (d(2024, 2, 1), d(2024, 2, 29))
    assert periods_for("monthly", d(2025, 12, 5), d(2026, 1, 3)) == [
        (d(2025, 12, 5), d(2025, 12, 31)),
        (d(2026, 1, 1), d(2026, 1, 3)),
    ]
    assert periods_for("life", start, end) == []
    assert periods_for("quarterly", end, start) == []
    assert periods_for("quarterly", d(2025, 3, 31), d(2025, 3, 31)) == [(d(2025, 3, 31), d(2025, 3, 31))]


def test_period_labels():
    d = datetime.date
    assert period_label(d(2025, 1, 1), d(2025, 3, 31)) == "Q1 2025"
    assert period_label(d(2025, 10, 1), d(2025, 12, 31)) == "Q4 2025"
    assert period_label(d(2025, 7, 1), d(2025, 12, 31)) == "H2 2025"
    assert period_label(d(2025, 1, 1), d(2025, 12, 31)) == "2025"
    assert period_label(d(2024, 2, 1), d(2024, 2, 29)) == "February 2024"
    assert period_label(d(2025, 2, 15), d(2025, 3, 31)) == "15 Feb 2025 – 31 Mar 2025"


def formset(rows: list[dict], indicator, initial: int = 0) -> dict:
    """The targets table as posted, with the fingerprint of the targets saved when it was opened."""
    data = {
        "targets-TOTAL_FORMS": str(len(rows)),
        "targets-INITIAL_FORMS": str(initial),
        "saved": targets_fingerprint(Target.objects.filter(indicator=indicator)),
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"targets-{i}-{key}"] = value
    return data


def targets_of(indicator) -> list[tuple]:
    return list(
        Target.objects.filter(indicator=indicator)
        .order_by("life_of_plan", "starts_on")
        .values_list("starts_on", "ends_on", "value", "life_of_plan")
    )


def test_targets_page_offers_the_periods_of_the_plan(plan_world):
    client = client_for(plan_world.cochair)
    html = html_of(client.get(url("targets", plan_world, plan_world.indicator.pk) + "?generate=1"))

    assert 'name="targets-TOTAL_FORMS" value="7"' in html  # four quarters, life of plan, two empty rows
    for start, end in QUARTERS:
        assert f'value="{start.isoformat()}"' in html
        assert f'value="{end.isoformat()}"' in html
    assert "The periods are filled in" in html


def test_targets_are_saved_from_the_table(plan_world):
    indicator = plan_world.indicator
    rows = [
        {"starts_on": "2025-01-01", "ends_on": "2025-06-30", "value": "15"},
        {"starts_on": "2025-07-01", "ends_on": "2025-12-31", "value": "25"},
        {"starts_on": "", "ends_on": "", "value": ""},
        {"starts_on": "2025-01-01", "ends_on": "2025-12-31", "value": "40", "life_of_plan": "on"},
        {"starts_on": "2025-10-01", "ends_on": "2025-12-31", "value": "10", "DELETE": "on"},
    ]

    response = client_for(plan_world.cochair).post(
        url("targets", plan_world, indicator.pk), formset(rows, indicator)
    )

    assert response.status_code == 302
    assert response.url == url("indicator", plan_world, indicator.pk)
    d = datetime.date
    assert targets_of(indicator) == [
        (d(2025, 1, 1), d(2025, 6, 30), Decimal(15), False),
        (d(2025, 7, 1), d(2025, 12, 31), Decimal(25), False),
        (PLAN_START, PLAN_END, Decimal(40), True),
    ]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [{"starts_on": "2025-03-31", "ends_on": "2025-01-01", "value": "5"}],
            "The period cannot end before it starts.",
        ),
        ([{"starts_on": "2025-01-01", "ends_on": "2025-03-31", "value": "ten"}], "Enter a number."),
        ([{"starts_on": "2025-01-01", "ends_on": "", "value": "5"}], "Fill in the period and the target"),
        (
            [{"starts_on": "2025-01-01", "ends_on": "2025-03-31", "value": "-1"}],
            "Give a target of zero or more.",
        ),
        (
            [
                {"starts_on": "2025-01-01", "ends_on": "2025-03-31", "value": "5"},
                {"starts_on": "2025-01-01", "ends_on": "2025-03-31", "value": "6"},
            ],
            "Two rows have the same period",
        ),
        (
            [
                {"starts_on": "2025-01-01", "ends_on": "2025-12-31", "value": "5", "life_of_plan": "on"},
                {"starts_on": "2025-01-01", "ends_on": "2025-06-30", "value": "6", "life_of_plan": "on"},
            ],
            "An indicator has one life-of-plan target at most.",
        ),
    ],
)
def test_bad_targets_are_refused_and_the_old_ones_stay(plan_world, rows, message):
    before = targets_of(plan_world.indicator)
    response = client_for(plan_world.cochair).post(
        url("targets", plan_world, plan_world.indicator.pk), formset(rows, plan_world.indicator)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert targets_of(plan_world.indicator) == before


def test_targets_saved_meanwhile_are_shown_and_not_overwritten(plan_world):
    indicator = plan_world.indicator
    opened = formset([{"starts_on": "2025-01-01", "ends_on": "2025-12-31", "value": "30"}], indicator)
    services.targets_set(
        indicator=indicator,
        acting=plan_world.cochair,
        targets=[{"starts_on": PLAN_START, "ends_on": PLAN_END, "value": Decimal(50), "life_of_plan": True}],
    )
    client = client_for(plan_world.cochair)

    response = client.post(url("targets", plan_world, indicator.pk), opened)

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved the targets while you were editing them" in html
    assert '<td class="num">50</td>' in html  # theirs
    assert 'value="30"' in html  # yours, still in the form
    assert targets_of(indicator) == [(PLAN_START, PLAN_END, Decimal(50), True)]
    # Saving again, with the fingerprint the page now carries, is a deliberate replacement.
    fresh = re.search(r'name="saved" value="([0-9a-f]+)"', html).group(1)
    response = client.post(url("targets", plan_world, indicator.pk), {**opened, "saved": fresh})
    assert response.status_code == 302
    assert targets_of(indicator) == [(PLAN_START, PLAN_END, Decimal(30), False)]


# --- One indicator -------------------------------------------------------------------------------


def test_indicator_page_shows_the_definition_the_table_and_the_chart(approved, member):
    first = record(approved, "12", disaggregation={"sex": "female"})
    services.measurement_review(measurement=first, acting=approved.cochair, approve=True)
    record(approved, "9", period=QUARTERS[1], note="Two workshops.")

    html = html_of(client_for(member).get(url("indicator", approved, approved.indicator.pk)))

    assert "Case workers trained" in html
    assert "An increase is good" in html
    assert "sex: female, male" in html
    assert "Pia Planchair" in html
    # The table: Q1 12 of 10 is ahead (120 % > 115 %), Q2 waits for approval, so it is not reporting.
    q1 = re.search(r"<th scope=\"row\">Q1 2025</th>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', q1) == ["10", "12", "120 %"]
    assert 'progress-ahead">Ahead of target' in q1
    q2 = re.search(r"<th scope=\"row\">Q2 2025</th>(.*?)</tr>", html, re.S).group(1)
    assert "Not reporting" in q2
    # The chart: titled and described, escaped, no inline style.
    svg = re.search(r"<svg class=\"chart\".*?</svg>", html, re.S).group(0)
    assert (
        f'<title id="indicator-{approved.indicator.pk}-title">'
        "Case workers trained: target and actual by period</title>" in svg
    )
    assert "<desc id=" in svg
    assert "style" not in svg
    assert svg.count('class="bar"') == 2  # Q1's bar and the legend's
    # The values reported, with their state.
    assert "Two workshops." in html
    assert "Waiting for approval" in html
    assert "Approved" in html
    assert "sex: female" in html


def test_chart_text_is_escaped(plan_world, member):
    services.indicator_save(
        plan=plan_world.plan,
        acting=plan_world.cochair,
        indicator=plan_world.indicator,
        revision=plan_world.indicator.revision,
        name='<script>alert("x")</script>',
    )
    html = html_of(client_for(member).get(url("indicator", plan_world, plan_world.indicator.pk)))
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


# --- Recording a value ---------------------------------------------------------------------------


def test_the_form_offers_the_next_period_without_a_value(approved):
    record(approved, "10")
    html = html_of(
        client_for(approved.cochair).get(url("measurement_create", approved, approved.indicator.pk))
    )
    # The period is chosen among the indicator's periods, not typed; the next one without a value first.
    assert '<select name="period"' in html
    assert '<option value="2025-04-01/2025-06-30" selected>Q2 2025</option>' in html
    assert '<option value="2025-01-01/2025-03-31">Q1 2025</option>' in html
    assert 'type="date"' not in html
    assert 'enctype="multipart/form-data"' in html
    assert '<select name="dis_0"' in html
    assert '<option value="female">female</option>' in html
    assert '<option value="KE">Kenya</option>' in html


def measurement_form(**overrides) -> dict:
    data = {"period": "2025-01-01/2025-03-31", "value": "7", "note": "From the registers."}
    data.update(overrides)
    return data


def test_responsible_member_records_a_value_with_a_file(plan_world, committee_member, group_member):
    services.indicator_save(
        plan=plan_world.plan,
        acting=plan_world.cochair,
        indicator=plan_world.indicator,
        revision=plan_world.indicator.revision,
        responsible=group_member,
    )
    approve(plan_world, committee_member)
    client = client_for(group_member)
    upload = SimpleUploadedFile("attendance.pdf", PDF, content_type="application/pdf")

    response = client.post(
        url("measurement_create", plan_world, plan_world.indicator.pk),
        measurement_form(
            dis_0="female", dis_1="KE", evidence_file=upload, evidence_url="https://example.org/r"
        ),
    )

    assert response.status_code == 302
    assert response.url == url("indicator", plan_world, plan_world.indicator.pk)
    m = Measurement.objects.get()
    assert (m.value, m.disaggregation, m.country, m.status, m.recorded_by, m.note, m.evidence_url) == (
        Decimal(7),
        {"sex": "female", "country": "KE"},
        "KE",
        MeasurementStatus.SUBMITTED,
        group_member,
        "From the registers.",
        "https://example.org/r",
    )
    assert m.evidence_file.read() == PDF


def _big_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024), content_type="application/pdf")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"value": "seven"}, "Enter a number."),
        ({"value": ""}, "This field is required."),
        ({"dis_0": "other"}, "Select a valid choice. other is not one of the available choices."),
        ({"dis_1": "XX"}, "Select a valid choice. XX is not one of the available choices."),
        # Only the indicator's own periods are offered: a typed one, or one outside the plan, is refused.
        (
            {"period": "2025-01-01/2025-02-15"},
            "Select a valid choice. 2025-01-01/2025-02-15 is not one of the available choices.",
        ),
        (
            {"period": "2099-01-01/2099-03-31"},
            "Select a valid choice. 2099-01-01/2099-03-31 is not one of the available choices.",
        ),
        (
            {"evidence_file": lambda: SimpleUploadedFile("report.pdf", b"<html>hi</html>")},
            "The file&#x27;s content does not match its type.",
        ),
        (
            {"evidence_file": lambda: SimpleUploadedFile("page.html", b"<html>hi</html>")},
            "Attach a PDF, PNG, JPEG, DOCX, XLSX, CSV or text file.",
        ),
        ({"evidence_file": _big_pdf}, "The file is larger than 10 MB."),
        ({"evidence_url": "javascript:alert(1)"}, "Enter a valid URL."),
    ],
)
def test_bad_values_are_refused_with_a_message_and_nothing_is_written(approved, overrides, message, settings):
    overrides = {k: v() if callable(v) else v for k, v in overrides.items()}

    response = client_for(approved.cochair).post(
        url("measurement_create", approved, approved.indicator.pk), measurement_form(**overrides)
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Measurement.objects.exists()
    media = settings.MEDIA_ROOT / "evidence"
    assert not media.exists() or not any(media.rglob("*.*"))


def percentage_indicator(world):
    indicator = services.indicator_save(
        plan=world.plan,
        acting=world.cochair,
        result=world.outcome,
        name="Share of cases closed",
        unit="percentage",
        disaggregations=[{"name": "sex", "options": ["female", "male"]}],
    )
    return indicator


def test_percentage_is_recorded_as_numerator_and_denominator(plan_world, committee_member):
    indicator = percentage_indicator(plan_world)
    approve(plan_world, committee_member)
    client = client_for(plan_world.cochair)
    path = url("measurement_create", plan_world, indicator.pk)
    html = html_of(client.get(path))
    assert 'name="numerator"' in html
    assert 'name="denominator"' in html
    assert 'name="value"' not in html

    response = client.post(path, {"period": "2025-01-01/2025-03-31", "numerator": "3", "denominator": "0"})

    assert response.status_code == 200
    assert "The denominator must be more than zero, the numerator zero or more." in response.content.decode()
    assert not Measurement.objects.exists()
    response = client.post(path, {"period": "2025-01-01/2025-03-31", "numerator": "3", "denominator": "4"})
    assert response.status_code == 302
    assert Measurement.objects.values_list("numerator", "denominator", "value").get() == (
        Decimal(3),
        Decimal(4),
        None,
    )


def test_yes_no_and_qualitative_forms(plan_world, committee_member):
    yes_no = services.indicator_save(
        plan=plan_world.plan,
        acting=plan_world.cochair,
        result=plan_world.goal,
        name="Policy adopted",
        unit="yes_no",
    )
    words = services.indicator_save(
        plan=plan_world.plan,
        acting=plan_world.cochair,
        result=plan_world.goal,
        name="Stories",
        unit="qualitative",
    )
    approve(plan_world, committee_member)
    client = client_for(plan_world.cochair)
    period = {"period": "2025-01-01/2025-03-31"}

    refused = client.post(url("measurement_create", plan_world, yes_no.pk), {**period, "answer": "maybe"})
    assert "Select a valid choice." in refused.content.decode()
    assert (
        client.post(url("measurement_create", plan_world, yes_no.pk), {**period, "answer": "1"}).status_code
        == 302
    )
    assert (
        client.post(
            url("measurement_create", plan_world, words.pk), {**period, "text": "A district changed."}
        ).status_code
        == 302
    )
    assert list(Measurement.objects.order_by("pk").values_list("value", "text")) == [
        (Decimal(1), ""),
        (None, "A district changed."),
    ]


def test_a_member_who_is_not_responsible_cannot_record(approved, member):
    response = client_for(member).post(
        url("measurement_create", approved, approved.indicator.pk), measurement_form()
    )
    assert response.status_code == 403
    assert not Measurement.objects.exists()


def test_whoever_recorded_a_value_withdraws_it_and_the_stored_actuals_stay_right(approved):
    kept = record(approved, "4")
    services.measurement_review(measurement=kept, acting=approved.cochair, approve=True)
    waiting = record(approved, "6")
    client = client_for(approved.cochair)
    html = html_of(client.get(url("indicator", approved, approved.indicator.pk)))
    assert url("measurement_withdraw", approved, waiting.pk) in html
    assert url("measurement_withdraw", approved, kept.pk) not in html

    response = client.post(url("measurement_withdraw", approved, waiting.pk))

    assert response.status_code == 302
    assert list(Measurement.objects.values_list("pk", flat=True)) == [kept.pk]
    assert list(PeriodActual.objects.values_list("value", flat=True)) == [Decimal(4)]
    # An approved value is not withdrawn.
    client.post(url("measurement_withdraw", approved, kept.pk))
    assert Measurement.objects.filter(pk=kept.pk).exists()


def test_someone_else_cannot_withdraw_a_value(approved, secretariat):
    waiting = record(approved, "6")
    assert client_for(secretariat).post(url("measurement_withdraw", approved, waiting.pk)).status_code == 403
    assert Measurement.objects.filter(pk=waiting.pk).exists()


# --- Evidence ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("minutes.pdf", PDF, "application/pdf"),
        ("list.txt", b"<html><script>alert(1)</script></html>", "text/plain"),
        ("photo.PNG", b"\x89PNG\r\n\x1a\nrest", "image/png"),
    ],
)
def test_evidence_is_a_download_with_safe_headers(approved, member, name, content, content_type):
    m = record(approved, "5", evidence_file=SimpleUploadedFile(name, content))

    response = client_for(member).get(url("evidence", approved, m.pk))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_evidence_only_for_who_may_see_the_plan(approved, outsider, committee_member, secretariat):
    m = record(approved, "5", evidence_file=SimpleUploadedFile("minutes.pdf", PDF))
    path = url("evidence", approved, m.pk)
    assert client_for(None).get(path).status_code == 302
    assert client_for(outsider).get(path).status_code == 403
    # Not found under another group's plan.
    other_chair = make_person("other.chair@example.org", name="Oli Other", country="GH")
    other = build_plan(
        group=launch_group(committee=committee_member, cochair=other_chair, name="Other Group"),
        cochair=other_chair,
        secretariat=secretariat,
    )
    wrong = reverse("results:evidence", args=[other.group.slug, other.plan.pk, m.pk])
    assert client_for(other_chair).get(wrong).status_code == 404
    # A value without a file has nothing to download.
    plain = record(approved, "6")
    assert client_for(approved.cochair).get(url("evidence", approved, plain.pk)).status_code == 404


# --- The catalogue -------------------------------------------------------------------------------


def test_catalogue_lists_the_shared_indicators_with_their_adoption(plan_world, member, secretariat):
    shared = services.shared_indicator_save(acting=secretariat, code="ssw1", name="Social workers trained")
    services.shared_indicator_save(acting=secretariat, code="old1", name="Retired", is_active=False)
    services.indicator_adopt(
        plan=plan_world.plan, acting=plan_world.cochair, shared=shared, result=plan_world.goal
    )

    html = html_of(client_for(member).get(reverse("results:catalogue")))
    assert "SSW1" in html
    assert "Social workers trained" in html
    assert "Retired" not in html
    assert re.search(r'<td class="num">1</td>', html)
    assert reverse("results:shared_create") not in html
    assert reverse("results:shared", args=[shared.pk]) not in html

    html = html_of(client_for(secretariat).get(reverse("results:catalogue")))
    assert "Retired" in html
    assert reverse("results:shared_create") in html
    assert reverse("results:shared", args=[shared.pk]) in html


def test_secretariat_adds_and_edits_a_shared_indicator(db, secretariat):
    client = client_for(secretariat)
    response = client.post(
        reverse("results:shared_create"),
        {
            "code": "cm-2",
            "name": "Cases closed",
            "unit": "percentage",
            "direction": "increase",
            "disaggregations": "country\nsex: female, male",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("results:catalogue")
    shared = SharedIndicator.objects.get(code="CM-2")
    assert shared.disaggregations == [
        {"name": "country", "options": []},
        {"name": "sex", "options": ["female", "male"]},
    ]
    response = client.post(
        reverse("results:shared_edit", args=[shared.pk]),
        {"code": "CM-2", "name": "Share of cases closed", "unit": "percentage", "direction": "increase"},
    )
    assert response.status_code == 302
    shared.refresh_from_db()
    assert (shared.name, shared.is_active, shared.disaggregations) == ("Share of cases closed", False, [])


def test_a_code_already_in_the_catalogue_is_refused(db, secretariat):
    services.shared_indicator_save(acting=secretariat, code="SSW1", name="One")
    response = client_for(secretariat).post(
        reverse("results:shared_create"),
        {"code": "ssw1", "name": "Two", "unit": "number", "direction": "increase"},
    )
    assert response.status_code == 200
    assert "Another shared indicator has this code." in response.content.decode()
    assert SharedIndicator.objects.count() == 1


def test_members_do_not_manage_the_catalogue_nor_see_the_network_totals(db, member, secretariat):
    shared = services.shared_indicator_save(acting=secretariat, code="SSW1", name="One")
    client = client_for(member)
    assert client.post(reverse("results:shared_create"), {"code": "X", "name": "X"}).status_code == 403
    assert client.get(reverse("results:shared", args=[shared.pk])).status_code == 403
    assert SharedIndicator.objects.count() == 1


# --- Query counts ----------------------------------------------------------------------------------


def _many_indicators(world, n: int) -> None:
    """``n`` more indicators under the outcome, each with four quarterly targets (written in bulk)."""
    indicators = Indicator.objects.bulk_create(
        Indicator(plan=world.plan, result=world.outcome, name=f"Indicator {i}", responsible=world.cochair)
        for i in range(n)
    )
    Target.objects.bulk_create(
        Target(indicator=indicator, starts_on=start, ends_on=end, value=10)
        for indicator in indicators
        for start, end in QUARTERS
    )


def _many_measurements(indicators, n: int, status=MeasurementStatus.APPROVED) -> None:
    Measurement.objects.bulk_create(
        Measurement(
            indicator=indicator,
            starts_on=QUARTERS[i % 4][0],
            ends_on=QUARTERS[i % 4][1],
            value=i,
            status=status,
            disaggregation={"sex": "female"} if i % 2 else {},
        )
        for indicator in indicators
        for i in range(n)
    )


FRAMEWORK_QUERIES = 12
INDICATOR_QUERIES = 12
SHARED_QUERIES = 9


@pytest.mark.parametrize("n", [1, 30])
def test_framework_queries_do_not_grow_with_indicators(approved, n, django_assert_num_queries):
    _many_indicators(approved, n)
    indicators = list(Indicator.objects.filter(plan=approved.plan))
    _many_measurements(indicators, 4)
    _many_measurements(indicators[:n], 2, status=MeasurementStatus.SUBMITTED)
    client = client_for(approved.cochair)

    with django_assert_num_queries(FRAMEWORK_QUERIES):
        response = client.get(url("framework", approved))
    assert response.status_code == 200
    assert response.content.decode().count("progress-") >= n + 1


@pytest.mark.parametrize("n", [2, 120])
def test_indicator_queries_do_not_grow_with_measurements(approved, n, django_assert_num_queries):
    _many_measurements([approved.indicator], n)
    _many_measurements([approved.indicator], n, status=MeasurementStatus.SUBMITTED)
    client = client_for(approved.cochair)

    with django_assert_num_queries(INDICATOR_QUERIES):
        response = client.get(url("indicator", approved, approved.indicator.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [1, 60])
def test_shared_queries_do_not_grow_with_adopting_groups(
    plan_world, committee_member, secretariat, n, django_assert_num_queries
):
    from convene.results.tests.test_network import adopting_groups

    shared = services.shared_indicator_save(acting=secretariat, code="SSW1", name="Social workers trained")
    adopting_groups(shared, n, committee=committee_member)
    client = client_for(committee_member)

    with django_assert_num_queries(SHARED_QUERIES):
        response = client.get(reverse("results:shared", args=[shared.pk]), {"by": "country"})
    assert response.status_code == 200
