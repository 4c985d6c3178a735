"""Separation of duties: whoever recorded a value does not approve it themselves
(``CONVENE_SEPARATE_RECORD_AND_APPROVE``, on by default), in the service, on the pages and in the API."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from conftest import client_for
from convene.plans.tests.factories import QUARTERS, approve
from convene.plans.tests.test_api import COCHAIR, World, make_world, send
from convene.results import services
from convene.results.models import Measurement, MeasurementStatus


def _record(world, person) -> Measurement:
    q1 = QUARTERS[0]
    return services.measurement_record(
        indicator=world.indicator, acting=person, starts_on=q1[0], ends_on=q1[1], value="6"
    )


@pytest.fixture
def in_force(plan_world, committee_member):
    approve(plan_world, committee_member)
    return plan_world


def test_the_recorder_cannot_approve_their_own_value(in_force, secretariat):
    m = _record(in_force, in_force.cochair)

    with pytest.raises(
        PermissionDenied, match="You recorded this value: another co-chair or the secretariat"
    ):
        services.measurement_review(measurement=m, acting=in_force.cochair, approve=True)
    m.refresh_from_db()
    assert (m.status, m.reviewed_by_id) == (MeasurementStatus.SUBMITTED, None)

    services.measurement_review(measurement=m, acting=secretariat, approve=True)
    m.refresh_from_db()
    assert (m.status, m.reviewed_by_id) == (MeasurementStatus.APPROVED, secretariat.pk)


def test_the_recorder_may_still_send_their_own_value_back(in_force):
    m = _record(in_force, in_force.cochair)

    services.measurement_review(measurement=m, acting=in_force.cochair, approve=False, note="Typo.")

    assert Measurement.objects.get(pk=m.pk).status == MeasurementStatus.REJECTED


def test_a_network_may_let_one_person_record_and_approve(in_force, settings):
    settings.CONVENE_SEPARATE_RECORD_AND_APPROVE = False
    m = _record(in_force, in_force.cochair)

    services.measurement_review(measurement=m, acting=in_force.cochair, approve=True)

    assert Measurement.objects.get(pk=m.pk).status == MeasurementStatus.APPROVED


def _page(world, person, name="indicator") -> str:
    args = [world.group.slug, world.plan.pk] + ([world.indicator.pk] if name == "indicator" else [])
    response = client_for(person).get(reverse(f"results:{name}", args=args))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("page", ["indicator", "framework"])
def test_the_page_hides_approve_from_the_recorder_only(in_force, secretariat, page):
    m = _record(in_force, in_force.cochair)
    review_url = reverse("results:measurement_review", args=[in_force.group.slug, in_force.plan.pk, m.pk])

    own = _page(in_force, in_force.cochair, page)
    assert "You recorded this value: another co-chair or the secretariat approves it." in own
    assert ">Approve</button>" not in own
    other = _page(in_force, secretariat, page)
    assert review_url in other
    assert ">Approve</button>" in other

    # Posting the approval by hand changes nothing.
    response = client_for(in_force.cochair).post(review_url, {"approve": "1"})
    assert response.status_code == 403
    assert Measurement.objects.get(pk=m.pk).status == MeasurementStatus.SUBMITTED


def test_the_api_refuses_the_recorder_approving_their_own_value(
    member, committee_member, secretariat, outsider
):
    world: World = make_world(member, committee_member, secretariat, outsider)
    approve(world.plans, committee_member)
    m = _record(world.plans, world.person(COCHAIR))

    response = send(
        world.client(COCHAIR), "POST", world.url("api:review_measurement", m.pk), {"approve": True}
    )

    assert response.status_code == 403
    assert Measurement.objects.get(pk=m.pk).status == MeasurementStatus.SUBMITTED
