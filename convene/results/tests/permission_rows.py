"""The results app's rows of the permission matrix (tests/permissions): the results API (the framework,
indicators, targets, measurements, the network's catalogue) and the results pages."""

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from convene.plans.tests.permission_rows.api import (
    API_PLAN_CREATORS,
    API_PLAN_DELETERS,
    API_PLAN_EDITORS,
    API_PLAN_READERS,
)
from tests.permissions.harness import (
    GROUP_MEMBER,
    SECRETARIAT,
    SECRETARIAT_ONLY,
    G,
    Row,
    World,
    part_of,
    plan_of,
    roles,
    saved,
    values_of,
)

# --- Results: the API (convene/results/api.py) ---------------------------------------------------
# G's plan (``world.plans``), as in the plans API rows: the framework is read by every member and edited
# with the plan; measurements and the network's catalogue as on the results pages below.


def shared_indicator(world: World, role: str):
    from convene.results import services as results_services
    from convene.results.models import SharedIndicator

    found = SharedIndicator.objects.filter(code="SSW1").first()
    return found or results_services.shared_indicator_save(
        acting=world.person(SECRETARIAT), code="SSW1", name="Social workers trained"
    )


def shared_state(world: World, role: str) -> list:
    from convene.results.models import SharedIndicator

    return sorted(SharedIndicator.objects.values_list("pk", "code", "name", "is_active"))


def measurement_state(world: World, role: str) -> list:
    from convene.results.models import Measurement

    return sorted(
        Measurement.objects.filter(indicator__plan=world.plans.plan).values_list(
            "pk", "status", "review_note"
        )
    )


def measurement_with_evidence(world: World, role: str):
    """A value GROUP_MEMBER reported with an evidence file (once)."""
    from convene.plans.tests.factories import QUARTERS
    from convene.results import services as results_services
    from convene.results.models import Measurement

    world.plan_in("approved")
    found = Measurement.objects.filter(indicator=world.plans.indicator, note="with evidence").first()
    return found or results_services.measurement_record(
        indicator=world.plans.indicator,
        acting=world.person(GROUP_MEMBER),
        starts_on=QUARTERS[0][0],
        ends_on=QUARTERS[0][1],
        value="3",
        note="with evidence",
        evidence_file=SimpleUploadedFile("count.csv", b"district,count\nNorth,3\n"),
    )


API_RESULTS_ROWS = [
    # The results framework: read by every member, edited with the plan.
    Row("api:get_framework", API_PLAN_READERS, args=plan_of(), api=True),
    Row(
        "api:create_result",
        API_PLAN_CREATORS,
        method="POST",
        args=plan_of(),
        json=lambda world, role: {
            "level_id": world.plans.outcome.level_id,
            "parent_id": world.plans.goal.pk,
            "statement": "Supervisors coach case workers.",
        },
        state=values_of("results.Result", "statement"),
        api=True,
    ),
    Row(
        "api:update_result",
        API_PLAN_EDITORS,
        method="PATCH",
        args=part_of("outcome"),
        json=lambda world, role: {"revision": saved(world, "outcome").revision, "statement": f"By {role}"},
        state=values_of("results.Result", "statement"),
        api=True,
    ),
    Row(
        "api:delete_result",
        API_PLAN_DELETERS,
        method="DELETE",
        args=part_of("outcome"),
        state=values_of("results.Result", "statement"),
        api=True,
    ),
    Row(
        "api:create_indicator",
        API_PLAN_CREATORS,
        method="POST",
        args=plan_of(),
        json=lambda world, role: {"result_id": world.plans.outcome.pk, "name": "Supervisors trained"},
        state=values_of("results.Indicator", "name"),
        api=True,
    ),
    Row(
        "api:adopt_shared_indicator",
        API_PLAN_CREATORS,
        method="POST",
        args=plan_of(),
        json=lambda world, role: {
            "shared_id": shared_indicator(world, role).pk,
            "result_id": world.plans.outcome.pk,
        },
        state=values_of("results.Indicator", "name", "shared_id"),
        api=True,
    ),
    Row("api:get_indicator", API_PLAN_READERS, args=part_of("indicator"), api=True),
    Row(
        "api:update_indicator",
        API_PLAN_EDITORS,
        method="PATCH",
        args=part_of("indicator"),
        json=lambda world, role: {"revision": saved(world, "indicator").revision, "name": f"By {role}"},
        state=values_of("results.Indicator", "name"),
        api=True,
    ),
    Row(
        "api:delete_indicator",
        API_PLAN_DELETERS,
        method="DELETE",
        args=part_of("indicator"),
        state=values_of("results.Indicator", "name"),
        api=True,
    ),
    Row("api:get_targets", API_PLAN_READERS, args=part_of("indicator"), api=True),
    Row(
        "api:set_targets",
        API_PLAN_EDITORS,
        method="PUT",
        args=part_of("indicator"),
        json=lambda world, role: {
            "targets": [
                {"starts_on": "2025-01-01", "ends_on": "2025-12-31", "value": "50", "life_of_plan": True}
            ]
        },
        state=values_of("results.Target", "starts_on", "value"),
        api=True,
    ),
    # Measurements: reported by the person responsible (GROUP_MEMBER) or a co-chair on the approved
    # plan, approved by a co-chair, withdrawn by whoever reported them.
    Row("api:list_measurements", API_PLAN_READERS, args=part_of("indicator", "approved"), api=True),
    Row(
        "api:record_measurement",
        roles(anonymous=401, member=403, secretariat=201, group_member=201, cochair=201),
        method="POST",
        args=part_of("indicator", "approved"),
        json=lambda world, role: {"starts_on": "2025-04-01", "ends_on": "2025-06-30", "value": "8"},
        state=measurement_state,
        api=True,
    ),
    Row(
        "api:record_measurement_with_file",
        roles(anonymous=401, member=403, secretariat=201, group_member=201, cochair=201),
        method="POST",
        args=part_of("indicator", "approved"),
        data=lambda world, role: {
            "starts_on": "2025-04-01",
            "ends_on": "2025-06-30",
            "value": "8",
            "disaggregation": "sex=female",
            "evidence_file": SimpleUploadedFile("list.csv", b"name\nAna\n", content_type="text/csv"),
        },
        state=measurement_state,
        api=True,
    ),
    Row(
        "api:review_measurement",
        API_PLAN_EDITORS,
        method="POST",
        args=lambda world, role: [G, world.plans.plan.pk, world.measurement.pk],
        json=lambda world, role: {"approve": True},
        state=measurement_state,
        api=True,
    ),
    Row(
        "api:withdraw_measurement",
        roles(anonymous=401, member=403, secretariat=403, group_member=204, cochair=403),
        method="POST",
        args=lambda world, role: [G, world.plans.plan.pk, world.measurement.pk],
        state=measurement_state,
        api=True,
    ),
    Row(
        "api:download_evidence",
        API_PLAN_READERS,
        args=lambda world, role: [G, world.plans.plan.pk, measurement_with_evidence(world, role).pk],
        api=True,
    ),
    # The network's catalogue: read by members, kept by the secretariat; its totals for the committee.
    Row("api:list_shared_indicators", API_PLAN_READERS, api=True),
    Row(
        "api:create_shared_indicator",
        roles(anonymous=401, member=403, secretariat=201),
        method="POST",
        json=lambda world, role: {"code": "REF1", "name": "Referrals completed"},
        state=shared_state,
        api=True,
    ),
    Row(
        "api:get_shared_indicator",
        API_PLAN_READERS,
        args=lambda world, role: [shared_indicator(world, role).pk],
        api=True,
    ),
    Row(
        "api:update_shared_indicator",
        roles(anonymous=401, member=403, secretariat=200),
        method="PATCH",
        args=lambda world, role: [shared_indicator(world, role).pk],
        json=lambda world, role: {"name": "Social workers trained and certified"},
        state=shared_state,
        api=True,
    ),
    Row(
        "api:get_network_totals",
        roles(anonymous=401, member=403, committee=200),
        args=lambda world, role: [shared_indicator(world, role).pk],
        api=True,
    ),
]


# --- Results pages (convene/results/views.py) ------------------------------------------------------
# G's plan (``world.plans``): the framework is edited with the draft plan by G's co-chair and the
# secretariat; values are recorded against the approved plan by GROUP_MEMBER (responsible for the
# indicator) and the co-chairs, and approved by the co-chairs (the secretariat too); whoever recorded a
# value may withdraw it. The catalogue is read across the network, kept by the secretariat; its
# network-wide totals are for the committee and the secretariat.

RES_PLAN = f"/groups/{G}/plans/*"
RES_READERS = roles(member=200)
RES_EDITORS = roles(member=403, cochair=200)
RES_EDITED = roles(member=403, secretariat=(302, RES_PLAN), cochair=(302, RES_PLAN))
RES_FROZEN = roles(member=403, secretariat=403)
RES_RECORDERS = roles(member=403, group_member=200, cochair=200)
RES_RECORDED = roles(
    member=403, secretariat=(302, RES_PLAN), group_member=(302, RES_PLAN), cochair=(302, RES_PLAN)
)
RES_REVIEWED = roles(member=403, secretariat=(302, RES_PLAN), group_member=403, cochair=(302, RES_PLAN))


def res_measurement(world: World, role: str) -> list:
    return [G, world.plan_in("approved").pk, world.measurement.pk]


def res_evidence(world: World, role: str) -> list:
    """[G, plan, a value GROUP_MEMBER reported with a PDF as evidence] (made once)."""
    from convene.results import services as results_services
    from convene.results.models import Measurement

    plan = world.plan_in("approved")
    found = Measurement.objects.filter(indicator=world.plans.indicator, note="res evidence").first()
    found = found or results_services.measurement_record(
        indicator=world.plans.indicator,
        acting=world.person(GROUP_MEMBER),
        starts_on=datetime.date(2025, 4, 1),
        ends_on=datetime.date(2025, 6, 30),
        value="2",
        note="res evidence",
        evidence_file=SimpleUploadedFile("register.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    return [G, plan.pk, found.pk]


def res_shared(world: World) -> Any:
    from convene.results import services as results_services
    from convene.results.models import SharedIndicator

    found = SharedIndicator.objects.filter(code="RES1").first()
    return found or results_services.shared_indicator_save(
        acting=world.person(SECRETARIAT),
        code="RES1",
        name="Caseworkers supervised",
        disaggregations=["country"],
    )


def res_plan_and_shared(world: World, role: str) -> list:
    """[G, the draft plan], with the catalogue's RES1 made beforehand (outside the roles' savepoints)."""
    res_shared(world)
    return [G, world.plan_in("draft").pk]


def res_results(world: World, role: str) -> list:
    from convene.results.models import Result

    return sorted(
        Result.objects.filter(plan=world.plans.plan).values_list("pk", "code", "statement", "revision")
    )


def res_indicators(world: World, role: str) -> list:
    from convene.results.models import Indicator

    return sorted(
        Indicator.objects.filter(plan=world.plans.plan).values_list("pk", "name", "shared_id", "revision")
    )


def res_targets(world: World, role: str) -> list:
    from convene.results.models import Target

    return sorted(
        Target.objects.filter(indicator__plan=world.plans.plan).values_list("starts_on", "ends_on", "value")
    )


def res_result_form(world: World, role: str) -> dict:
    from convene.results.models import Result

    outcome = Result.objects.get(pk=world.plans.outcome.pk)
    return {
        "level": outcome.level_id,
        "parent": outcome.parent_id,
        "code": "1.1",
        "statement": f"Edited as {role}",
        "revision": outcome.revision,
    }


def res_indicator_form(world: World, role: str) -> dict:
    from convene.results.models import Indicator

    indicator = Indicator.objects.get(pk=world.plans.indicator.pk)
    return {
        "result": world.plans.outcome.pk,
        "code": "CM1",
        "name": f"Indicator of {role}",
        "unit": "number",
        "direction": "increase",
        "frequency": "quarterly",
        "responsible": world.person(GROUP_MEMBER).pk,
        "disaggregations": "sex: female, male\ncountry",
        "revision": indicator.revision,
    }


RES_TARGETS_FORM = {
    "targets-TOTAL_FORMS": "1",
    "targets-INITIAL_FORMS": "0",
    "targets-0-starts_on": "2025-01-01",
    "targets-0-ends_on": "2025-12-31",
    "targets-0-value": "55",
    "targets-0-life_of_plan": "on",
}


def res_targets_form(world: World, role: str) -> dict:
    from convene.results.models import Target
    from convene.results.views import targets_fingerprint

    saved = targets_fingerprint(Target.objects.filter(indicator=world.plans.indicator))
    return {**RES_TARGETS_FORM, "saved": saved}


RES_SHARED_FORM = {"code": "RES2", "name": "Families reunited", "unit": "number", "direction": "increase"}

RESULTS_ROWS = [
    Row("results:framework", RES_READERS, args=plan_of()),
    Row("results:framework", RES_READERS, variant="approved", args=plan_of("approved")),
    Row("results:result_create", RES_EDITORS, args=plan_of()),
    Row("results:result_create", RES_FROZEN, variant="approved", args=plan_of("approved")),
    Row(
        "results:result_create",
        RES_EDITED,
        method="POST",
        args=plan_of(),
        data=lambda world, role: {
            "level": world.plans.outcome.level_id,
            "parent": world.plans.goal.pk,
            "statement": f"Outcome of {role}",
        },
        state=res_results,
    ),
    Row("results:result_edit", RES_EDITORS, args=part_of("outcome")),
    Row(
        "results:result_edit",
        RES_EDITED,
        method="POST",
        args=part_of("outcome"),
        data=res_result_form,
        state=res_results,
    ),
    Row("results:result_delete", RES_EDITED, method="POST", args=part_of("outcome"), state=res_results),
    Row("results:indicator_create", RES_EDITORS, args=plan_of()),
    Row(
        "results:indicator_create",
        RES_EDITED,
        method="POST",
        args=plan_of(),
        data=lambda world, role: {
            "result": world.plans.goal.pk,
            "name": f"Indicator of {role}",
            "unit": "yes_no",
            "direction": "increase",
            "frequency": "annual",
        },
        state=res_indicators,
    ),
    Row("results:indicator_adopt", RES_EDITORS, args=lambda world, role: [G, world.plan_in("draft").pk]),
    Row(
        "results:indicator_adopt",
        RES_EDITED,
        method="POST",
        args=res_plan_and_shared,
        data=lambda world, role: {
            "shared": res_shared(world).pk,
            "result": world.plans.goal.pk,
            "frequency": "annual",
        },
        state=res_indicators,
    ),
    Row("results:indicator", RES_READERS, args=part_of("indicator")),
    Row("results:indicator", RES_READERS, variant="approved", args=part_of("indicator", "approved")),
    Row("results:indicator_edit", RES_EDITORS, args=part_of("indicator")),
    Row(
        "results:indicator_edit",
        RES_EDITED,
        method="POST",
        args=part_of("indicator"),
        data=res_indicator_form,
        state=res_indicators,
    ),
    Row(
        "results:indicator_delete",
        RES_EDITED,
        method="POST",
        args=part_of("indicator"),
        state=res_indicators,
    ),
    Row("results:targets", RES_EDITORS, args=part_of("indicator")),
    Row("results:targets", RES_FROZEN, variant="approved", args=part_of("indicator", "approved")),
    Row(
        "results:targets",
        RES_EDITED,
        method="POST",
        args=part_of("indicator"),
        data=res_targets_form,
        state=res_targets,
    ),
    # Values are reported against the approved plan only.
    Row("results:measurement_create", RES_FROZEN, variant="draft", args=part_of("indicator")),
    Row("results:measurement_create", RES_RECORDERS, args=part_of("indicator", "approved")),
    Row(
        "results:measurement_create",
        RES_RECORDED,
        method="POST",
        args=part_of("indicator", "approved"),
        data=lambda world, role: {"period": "2025-01-01/2025-03-31", "value": "4"},
        state=measurement_state,
    ),
    Row(
        "results:measurement_review",
        RES_REVIEWED,
        method="POST",
        args=res_measurement,
        data=lambda world, role: {"approve": "0", "note": f"Sent back by the {role}."},
        state=measurement_state,
    ),
    Row("results:measurement_review", roles(member=405, secretariat=405), args=res_measurement),
    Row(
        "results:measurement_withdraw",
        roles(member=403, secretariat=403, group_member=(302, RES_PLAN), cochair=403),
        method="POST",
        args=res_measurement,
        state=measurement_state,
    ),
    Row("results:evidence", RES_READERS, args=res_evidence),
    Row("results:catalogue", RES_READERS),
    Row("results:shared_create", SECRETARIAT_ONLY),
    Row(
        "results:shared_create",
        roles(secretariat=(302, "/results/shared/")),
        method="POST",
        data=lambda world, role: RES_SHARED_FORM,
        state=shared_state,
    ),
    Row("results:shared_edit", SECRETARIAT_ONLY, args=lambda world, role: [res_shared(world).pk]),
    Row(
        "results:shared_edit",
        roles(secretariat=(302, "/results/shared/")),
        method="POST",
        args=lambda world, role: [res_shared(world).pk],
        data=lambda world, role: {**RES_SHARED_FORM, "code": "RES1", "name": f"Renamed by the {role}"},
        state=shared_state,
    ),
    Row("results:shared", roles(member=403, committee=200), args=lambda world, role: [res_shared(world).pk]),
    Row(
        "results:shared",
        # The login page's ``next`` keeps the query string.
        roles(anonymous=(302, "/accounts/login/*"), member=403, committee=200),
        variant="by-country",
        args=lambda world, role: [res_shared(world).pk],
        query={"by": "country", "year": "2025"},
    ),
]


ROWS = API_RESULTS_ROWS + RESULTS_ROWS
