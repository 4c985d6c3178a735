import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from convene.plans.tests.factories import QUARTERS, approve
from convene.results import queries, services
from convene.results.models import PeriodActual, SharedIndicator
from convene.results.progress import Status


@pytest.fixture(autouse=True)
def _one_lead_records_and_approves(settings):
    """Values here are recorded and approved by the same co-chair: these tests are about what an
    approved value does, not about who approves it (separation of duties: results/tests/test_separation.py)."""
    settings.CONVENE_SEPARATE_RECORD_AND_APPROVE = False


def test_measurement_counts_once_approved(plan_world, committee_member):
    approve(plan_world, committee_member)
    q1 = QUARTERS[0]
    m = services.measurement_record(
        indicator=plan_world.indicator,
        acting=plan_world.cochair,
        starts_on=q1[0],
        ends_on=q1[1],
        value="6",
        disaggregation={"sex": "female"},
    )
    services.measurement_record(
        indicator=plan_world.indicator,
        acting=plan_world.cochair,
        starts_on=q1[0],
        ends_on=q1[1],
        value="4",
        disaggregation={"sex": "male"},
    )
    _rows, progress = queries.plan_progress(plan_world.plan)
    assert progress[plan_world.indicator.pk].periods[0].status == Status.NOT_REPORTING
    services.measurement_review(measurement=m, acting=plan_world.cochair, approve=True)
    _rows, progress = queries.plan_progress(plan_world.plan)
    first = progress[plan_world.indicator.pk].periods[0]
    assert (first.actual, first.status) == (Decimal(6), Status.BEHIND)
    assert PeriodActual.objects.get(indicator=plan_world.indicator, country="").value == Decimal(6)


def test_recording_refused_before_approval_and_for_outsiders(plan_world, member):
    q1 = QUARTERS[0]
    with pytest.raises(PermissionDenied):
        services.measurement_record(
            indicator=plan_world.indicator, acting=plan_world.cochair, starts_on=q1[0], ends_on=q1[1], value=1
        )


def test_bad_disaggregation_refused(plan_world, committee_member):
    approve(plan_world, committee_member)
    q1 = QUARTERS[0]
    with pytest.raises(ValidationError):
        services.measurement_record(
            indicator=plan_world.indicator,
            acting=plan_world.cochair,
            starts_on=q1[0],
            ends_on=q1[1],
            value=1,
            disaggregation={"age": "0-5"},
        )


def test_shared_indicator_network_total(plan_world, committee_member, secretariat):
    shared = services.shared_indicator_save(acting=secretariat, code="ssw1", name="Social workers trained")
    indicator = services.indicator_adopt(
        plan=plan_world.plan,
        acting=plan_world.cochair,
        shared=shared,
        result=plan_world.outcome,
        disaggregations=[{"name": "country", "options": []}],
    )
    approve(plan_world, committee_member)
    for country, value in (("KE", 5), ("ZM", 7)):
        m = services.measurement_record(
            indicator=indicator,
            acting=plan_world.cochair,
            starts_on=datetime.date(2025, 1, 1),
            ends_on=datetime.date(2025, 3, 31),
            value=value,
            disaggregation={"country": country},
        )
        services.measurement_review(measurement=m, acting=plan_world.cochair, approve=True)
    shared = SharedIndicator.objects.get(pk=shared.pk)
    assert [(r.label.isoformat(), r.value) for r in queries.network_totals(shared)] == [
        ("2025-01-01", Decimal(12))
    ]
    assert [(r.label, r.value) for r in queries.network_totals(shared, by="country")] == [
        ("KE", Decimal(5)),
        ("ZM", Decimal(7)),
    ]
