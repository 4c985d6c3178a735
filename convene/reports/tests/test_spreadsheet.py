"""The work plan as an XLSX workbook and back: export, round trip, refusals, merges, all or nothing."""

import copy
import datetime
import io
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from conftest import client_for, make_person
from convene.plans import queries, services
from convene.plans.models import HRNeed, Task
from convene.plans.tests.factories import QUARTERS, approve, build_plan, launch_group
from convene.reports import spreadsheet
from convene.results import services as results_services
from convene.results.models import Measurement, MeasurementStatus, Target


@pytest.fixture(autouse=True)
def _one_lead_records_and_approves(settings):
    """Values here are recorded and approved by the same co-chair: these tests are about what an
    approved value does, not about who approves it (separation of duties: results/tests/test_separation.py)."""
    settings.CONVENE_SEPARATE_RECORD_AND_APPROVE = False


SHEET_NAMES = [
    "Readme",
    "Plan",
    "Objectives",
    "Deliverables",
    "Tasks",
    "Results",
    "Indicators",
    "Targets",
    "Measurements",
    "Budget",
    "Rates",
    "HR needs",
]


# --- Helpers -------------------------------------------------------------------------------------


def workbook(plan, viewer) -> Workbook:
    return load_workbook(io.BytesIO(spreadsheet.workbook_bytes(plan, viewer=viewer)))


def to_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def column(ws, key: str) -> int:
    return [cell.value for cell in ws[1]].index(key) + 1


def row_of(ws, record_id: int) -> int:
    for number in range(2, ws.max_row + 1):
        if ws.cell(number, 1).value == record_id:
            return number
    raise AssertionError(f"no row with id {record_id} in {ws.title}")


def set_cell(ws, record_id: int, key: str, value) -> int:
    number = row_of(ws, record_id)
    ws.cell(number, column(ws, key)).value = value
    return number


def append(ws, **values) -> int:
    number = ws.max_row + 1
    for key, value in values.items():
        ws.cell(number, column(ws, key)).value = value
    return number


def delete_row(ws, record_id: int) -> None:
    ws.delete_rows(row_of(ws, record_id))


def problems(preview) -> list[tuple]:
    return [(p.sheet, p.row, p.column) for p in preview.problems]


def revising(world, committee):
    """The world's plan approved, then opened for a revision: editable, and results can be recorded."""
    approve(world, committee)
    services.plan_revise(plan=world.plan, acting=world.cochair)
    world.plan.refresh_from_db()
    return world.plan


def state(plan) -> tuple:
    return (
        queries.plan_snapshot(plan),
        sorted(Measurement.objects.filter(indicator__plan=plan).values_list("pk", "status", "value")),
    )


# --- The export ----------------------------------------------------------------------------------


def test_workbook_has_every_sheet_stable_keys_and_typed_cells(plan_world):
    book = workbook(plan_world.plan, plan_world.cochair)
    assert book.sheetnames == SHEET_NAMES
    for sheet in spreadsheet.SHEETS:
        assert [cell.value for cell in book[sheet.name][1]] == sheet.keys
    deliverables = book["Deliverables"]
    number = row_of(deliverables, plan_world.deliverable.pk)
    values = {
        key: deliverables.cell(number, column(deliverables, key)).value
        for key in spreadsheet.DELIVERABLES.keys
    }
    assert values["title"] == "Toolkit on case management"
    assert isinstance(values["due_on"], datetime.datetime)  # a date cell, not text
    assert values["due_on"].date() == datetime.date(2025, 9, 30)
    assert values["cost"] == 5000
    assert values["objective_id"] == plan_world.objective.pk
    assert values["owner"] == "plan.chair@example.org"  # the co-chair sees their own address
    assert values["owner_name"] == "Pia Planchair"
    assert values["revision"] == 1
    tasks = book["Tasks"]
    assert tasks.cell(row_of(tasks, plan_world.task.pk), column(tasks, "help_wanted")).value is True
    rates = book["Rates"]
    assert rates.cell(2, column(rates, "rate")).value == pytest.approx(0.0078)
    indicators = book["Indicators"]
    assert (
        indicators.cell(
            row_of(indicators, plan_world.indicator.pk), column(indicators, "disaggregations")
        ).value
        == "sex: female, male; country"
    )
    targets = book["Targets"]
    assert [targets.cell(r, column(targets, "indicator_code")).value for r in range(2, 7)] == ["CM1"] * 5
    readme = [row[1] for row in book["Readme"].iter_rows(values_only=True) if row[0] == "Deliverables"]
    assert readme == spreadsheet.DELIVERABLES.keys


def test_addresses_people_hide_are_not_in_the_export(plan_world, member):
    book = workbook(plan_world.plan, member)
    deliverables = book["Deliverables"]
    owner = deliverables.cell(
        row_of(deliverables, plan_world.deliverable.pk), column(deliverables, "owner")
    ).value
    assert owner == f"#{plan_world.cochair.pk}"
    # … and the importer can keep that person by the same reference.
    preview = spreadsheet.build(plan_world.plan, to_bytes(book), acting=plan_world.cochair)
    assert preview.problems == []
    assert preview.changes == []


def test_text_cells_are_defused_against_formulas_and_come_back_unchanged(plan_world):
    services.deliverable_save(
        plan=plan_world.plan,
        acting=plan_world.cochair,
        deliverable=plan_world.deliverable,
        revision=1,
        title='=HYPERLINK("http://evil.example","Click")',
        description="-5 participants\nsecond line",
    )
    book = workbook(plan_world.plan, plan_world.cochair)
    ws = book["Deliverables"]
    cell = ws.cell(row_of(ws, plan_world.deliverable.pk), column(ws, "title"))
    assert cell.value == '\'=HYPERLINK("http://evil.example","Click")'
    assert cell.data_type == "s"
    preview = spreadsheet.import_preview(plan_world.plan, to_bytes(book), acting=plan_world.cochair)
    assert preview.problems == []
    assert preview.changes == []


def test_export_reads_a_fixed_number_of_queries(plan_world, django_assert_num_queries):
    plan = plan_world.plan
    with django_assert_num_queries(12) as few:
        spreadsheet.workbook_bytes(plan, viewer=plan_world.cochair)
    for n in range(15):
        deliverable = services.deliverable_save(
            plan=plan, acting=plan_world.cochair, title=f"D{n}", owner=plan_world.cochair
        )
        services.task_save(
            deliverable=deliverable, acting=plan_world.cochair, title=f"T{n}", assignee=plan_world.cochair
        )
        services.hr_need_save(plan=plan, acting=plan_world.cochair, role=f"R{n}", hours_per_month=Decimal(2))
    with django_assert_num_queries(len(few.captured_queries)):
        spreadsheet.workbook_bytes(plan, viewer=plan_world.cochair)


# --- The round trip ------------------------------------------------------------------------------


def edited_workbook(world) -> tuple[bytes, dict]:
    """The brief's round trip: a deliverable's title, a task's due date, a target, a budget amount,
    a new task and a new measurement."""
    book = workbook(world.plan, world.cochair)
    target = (
        Target.objects.filter(indicator=world.indicator, life_of_plan=False).order_by("starts_on").first()
    )
    rows = {
        "deliverable": set_cell(
            book["Deliverables"], world.deliverable.pk, "title", "Toolkit, second edition"
        ),
        "task": set_cell(book["Tasks"], world.task.pk, "due_on", datetime.date(2025, 9, 15)),
        "target": set_cell(book["Targets"], target.pk, "value", 12),
        "line": set_cell(book["Budget"], world.line.pk, "planned", 350000),
        "new_task": append(
            book["Tasks"],
            deliverable_id=world.deliverable.pk,
            title="Proofread the French toolkit",
            due_on=datetime.date(2025, 10, 15),
            assignee="plan.chair@example.org",
        ),
        "measurement": append(
            book["Measurements"],
            indicator_code="CM1",
            starts_on=QUARTERS[0][0],
            ends_on=QUARTERS[0][1],
            category="sex",
            option="female",
            value=4,
            note="From the training register",
        ),
    }
    return to_bytes(book), {**rows, "target_id": target.pk}


def test_round_trip_previews_exactly_the_changes_then_applies_them(plan_world, committee_member):
    plan = revising(plan_world, committee_member)
    before = queries.plan_snapshot(plan)
    data, rows = edited_workbook(plan_world)

    preview = spreadsheet.import_preview(plan, data, acting=plan_world.cochair)
    assert preview.problems == []
    changed = [
        (c.sheet, c.kind, c.row, c.label, [(f.column, f.before, f.after) for f in c.fields])
        for c in preview.changes
        if c.kind == "changed"
    ]
    assert changed == [
        (
            "Deliverables",
            "changed",
            rows["deliverable"],
            "Toolkit on case management",
            [("title", "Toolkit on case management", "Toolkit, second edition")],
        ),
        (
            "Tasks",
            "changed",
            rows["task"],
            "Translate the toolkit into French",
            [("due_on", "2025-08-31", "2025-09-15")],
        ),
        ("Targets", "changed", rows["target"], "CM1 2025-01-01 – 2025-03-31", [("value", "10", "12")]),
        (
            "Budget",
            "changed",
            rows["line"],
            "Venue for the validation workshop",
            [("planned", "300000", "350000")],
        ),
    ]
    added = [
        (c.sheet, c.row, c.label, {f.column: f.after for f in c.fields})
        for c in preview.changes
        if c.kind == "added"
    ]
    assert added == [
        (
            "Tasks",
            rows["new_task"],
            "Proofread the French toolkit",
            {
                "deliverable_id": str(plan_world.deliverable.pk),
                "position": "0",
                "title": "Proofread the French toolkit",
                "assignee": "plan.chair@example.org",
                "due_on": "2025-10-15",
                "status": "todo",
                "help_wanted": "FALSE",
            },
        ),
        (
            "Measurements",
            rows["measurement"],
            "CM1 2025-01-01 – 2025-03-31",
            {
                "indicator_code": "CM1",
                "starts_on": "2025-01-01",
                "ends_on": "2025-03-31",
                "value": "4",
                "note": "From the training register",
                "category / option": "sex: female",
            },
        ),
    ]
    assert preview.count("removed") == 0
    # The preview wrote nothing.
    assert queries.plan_snapshot(plan) == before
    assert not Measurement.objects.exists()

    spreadsheet.plan_import_commit(plan, data, acting=plan_world.cochair, fingerprint=preview.fingerprint)
    after = queries.plan_snapshot(plan)
    expected = copy.deepcopy(before)
    expected["deliverables"][0]["title"] = "Toolkit, second edition"
    expected["tasks"][0]["due_on"] = "2025-09-15"
    next(t for t in expected["targets"] if t["id"] == rows["target_id"])["value"] = "12"
    next(b for b in expected["budget"] if b["id"] == plan_world.line.pk)["planned"] = "350000"
    new_task = Task.objects.get(title="Proofread the French toolkit")
    expected["tasks"].append(
        {
            "id": new_task.pk,
            "deliverable_id": plan_world.deliverable.pk,
            "title": "Proofread the French toolkit",
            "description": "",
            "assignee_id": plan_world.cochair.pk,
            "starts_on": None,
            "due_on": "2025-10-15",
            "status": "todo",
            "help_wanted": False,
        }
    )
    assert after == expected
    measurement = Measurement.objects.get()
    assert (measurement.status, measurement.recorded_by, measurement.value, measurement.disaggregation) == (
        MeasurementStatus.SUBMITTED,
        plan_world.cochair,
        Decimal(4),
        {"sex": "female"},
    )
    # Every change is in the history with who made it.
    assert new_task.history.first().history_user == plan_world.cochair
    assert plan_world.deliverable.history.first().history_user == plan_world.cochair


def test_export_of_the_imported_plan_imports_as_no_change(plan_world, committee_member):
    plan = revising(plan_world, committee_member)
    data, _rows = edited_workbook(plan_world)
    preview = spreadsheet.import_preview(plan, data, acting=plan_world.cochair)
    spreadsheet.plan_import_commit(plan, data, acting=plan_world.cochair, fingerprint=preview.fingerprint)
    again = spreadsheet.workbook_bytes(plan, viewer=plan_world.cochair)
    preview = spreadsheet.import_preview(plan, again, acting=plan_world.cochair)
    assert preview.problems == []
    assert preview.changes == []


def test_importing_the_same_file_twice_is_refused_as_stale(plan_world, committee_member):
    plan = revising(plan_world, committee_member)
    data, _rows = edited_workbook(plan_world)
    preview = spreadsheet.import_preview(plan, data, acting=plan_world.cochair)
    spreadsheet.plan_import_commit(plan, data, acting=plan_world.cochair, fingerprint=preview.fingerprint)
    after = state(plan)
    with pytest.raises(spreadsheet.ImportRefused) as refused:
        spreadsheet.plan_import_commit(plan, data, acting=plan_world.cochair, fingerprint=preview.fingerprint)
    assert refused.value.stale
    assert state(plan) == after


@pytest.mark.parametrize("failing", range(1, 7))
def test_a_failing_write_leaves_nothing_half_written(plan_world, committee_member, monkeypatch, failing):
    plan = revising(plan_world, committee_member)
    data, _rows = edited_workbook(plan_world)
    preview = spreadsheet.import_preview(plan, data, acting=plan_world.cochair)
    assert len(preview.ops) == 6
    before = state(plan)
    history = Task.history.count()
    real_run = spreadsheet.apply.run_op
    calls = []

    def run(op, apply):
        calls.append(op)
        if len(calls) == failing:
            raise ValidationError("The disk is full.")
        real_run(op, apply)

    monkeypatch.setattr(spreadsheet.apply, "run_op", run)
    with pytest.raises(spreadsheet.ImportRefused) as refused:
        spreadsheet.plan_import_commit(plan, data, acting=plan_world.cochair, fingerprint=preview.fingerprint)
    failed = calls[-1]
    assert [(p.sheet, p.row, p.message) for p in refused.value.problems] == [
        (failed.sheet.name, failed.row, "The disk is full.")
    ]
    assert state(plan) == before
    assert Task.history.count() == history


def test_a_plan_changed_after_the_preview_is_refused(plan_world, committee_member):
    plan = revising(plan_world, committee_member)
    data, _rows = edited_workbook(plan_world)
    preview = spreadsheet.import_preview(plan, data, acting=plan_world.cochair)
    services.hr_need_save(
        plan=plan, acting=plan_world.cochair, need=plan_world.need, revision=1, note="Someone else's note"
    )
    before = state(plan)
    with pytest.raises(spreadsheet.ImportRefused) as refused:
        spreadsheet.plan_import_commit(plan, data, acting=plan_world.cochair, fingerprint=preview.fingerprint)
    assert refused.value.stale
    assert state(plan) == before


# --- Broken files --------------------------------------------------------------------------------


def refused_and_unchanged(world, data: bytes) -> list[tuple]:
    """The problems of a file, after checking that confirming it is refused and changes nothing."""
    plan = world.plan
    before = state(plan)
    preview = spreadsheet.import_preview(plan, data, acting=world.cochair)
    assert preview.problems
    with pytest.raises(spreadsheet.ImportRefused):
        spreadsheet.plan_import_commit(plan, data, acting=world.cochair, fingerprint=preview.fingerprint)
    assert state(plan) == before
    return [(p.sheet, p.row, p.column, p.message) for p in preview.problems]


def test_a_missing_sheet_is_refused(plan_world):
    book = workbook(plan_world.plan, plan_world.cochair)
    book["Tasks"].title = "Taks"
    assert refused_and_unchanged(plan_world, to_bytes(book)) == [
        ("Tasks", None, None, "The sheet “Tasks” is missing.")
    ]


def test_a_wrong_header_is_refused(plan_world):
    book = workbook(plan_world.plan, plan_world.cochair)
    book["Deliverables"].cell(1, column(book["Deliverables"], "title")).value = "titel"
    assert refused_and_unchanged(plan_world, to_bytes(book)) == [
        ("Deliverables", 1, "title", "This column is missing from the header row."),
        ("Deliverables", 1, "titel", "This column is not one the import knows."),
    ]


def test_text_in_a_number_cell_is_refused_with_its_row_and_column(plan_world):
    book = workbook(plan_world.plan, plan_world.cochair)
    number = set_cell(book["Budget"], plan_world.line.pk, "planned", "lots")
    assert refused_and_unchanged(plan_world, to_bytes(book)) == [
        ("Budget", number, "planned", "“lots” is not a number.")
    ]


def test_a_bad_date_is_refused(plan_world):
    book = workbook(plan_world.plan, plan_world.cochair)
    number = set_cell(book["Tasks"], plan_world.task.pk, "due_on", "31/02/2025")
    assert refused_and_unchanged(plan_world, to_bytes(book)) == [
        ("Tasks", number, "due_on", "“31/02/2025” is not a date: write it as a date, or as 2025-03-31.")
    ]


def test_an_unknown_indicator_code_is_refused(plan_world):
    book = workbook(plan_world.plan, plan_world.cochair)
    target = Target.objects.filter(indicator=plan_world.indicator).first()
    number = set_cell(book["Targets"], target.pk, "indicator_code", "XX9")
    number2 = append(
        book["Targets"],
        indicator_code="NOPE",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 3, 31),
        value=3,
    )
    assert refused_and_unchanged(plan_world, to_bytes(book)) == [
        ("Targets", number, "indicator_code", "No indicator of this work plan has the code XX9."),
        ("Targets", number2, "indicator_code", "No indicator of this work plan has the code NOPE."),
    ]


def test_unknown_links_are_refused(plan_world):
    book = workbook(plan_world.plan, plan_world.cochair)
    task_row = append(book["Tasks"], deliverable_id=99999, title="Lost task")
    indicator_row = append(book["Indicators"], result_id=88888, name="Lost indicator")
    line_row = set_cell(book["Budget"], plan_world.line.pk, "partner", "Nobody Foundation")
    need_row = set_cell(book["HR needs"], plan_world.need.pk, "filled_by", "nobody@example.org")
    assert refused_and_unchanged(plan_world, to_bytes(book)) == [
        ("Tasks", task_row, "deliverable_id", "No row of the sheet Deliverables has the id 99999."),
        ("Indicators", indicator_row, "result_id", "No row of the sheet Results has the id 88888."),
        ("Budget", line_row, "partner", "No organisation is called “Nobody Foundation” in Convene."),
        ("HR needs", need_row, "filled_by", "No account has the e-mail address nobody@example.org."),
    ]


def test_ids_of_another_plan_are_refused(plan_world, committee_member, secretariat):
    other_chair = make_person("other.chair@example.org", name="Oli Other", country="GH")
    other = build_plan(
        group=launch_group(committee=committee_member, cochair=other_chair, name="Advocacy"),
        cochair=other_chair,
        secretariat=secretariat,
    )
    book = workbook(plan_world.plan, plan_world.cochair)
    number = set_cell(book["Deliverables"], plan_world.deliverable.pk, "id", other.deliverable.pk)
    task_row = append(book["Tasks"], deliverable_id=other.deliverable.pk, title="Sneaky task")
    code_row = append(
        book["Targets"],
        indicator_code=f"#{other.indicator.pk}",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 3, 31),
        value=3,
    )
    found = refused_and_unchanged(plan_world, to_bytes(book))
    assert (
        "Deliverables",
        number,
        "id",
        f"The id {other.deliverable.pk} belongs to another work plan.",
    ) in found
    assert (
        "Tasks",
        task_row,
        "deliverable_id",
        f"The id {other.deliverable.pk} belongs to another work plan.",
    ) in found
    assert (
        "Targets",
        code_row,
        "indicator_code",
        f"The id {other.indicator.pk} belongs to another work plan.",
    ) in found
    # Another plan's whole workbook is refused at once.
    other_book = spreadsheet.workbook_bytes(other.plan, viewer=other_chair)
    assert refused_and_unchanged(plan_world, other_book) == [
        (
            None,
            None,
            None,
            f"This workbook is the export of another work plan (id {other.plan.pk}): export this plan and edit that.",
        )
    ]


def test_a_zip_bomb_is_refused_before_it_is_opened(plan_world, settings):
    settings.CONVENE_IMPORT_MAX_BYTES = 100_000
    book = workbook(plan_world.plan, plan_world.cochair)
    for number in range(2, 80):
        book["HR needs"].cell(number, column(book["HR needs"], "note")).value = "a" * 30_000
    data = to_bytes(book)
    assert len(data) < 100_000  # small on the wire, huge unpacked
    assert refused_and_unchanged(plan_world, data) == [
        (None, None, None, "The workbook unpacks to far more data than a work plan holds; it is refused.")
    ]


def test_an_oversized_file_a_huge_cell_and_a_non_workbook_are_refused(plan_world, settings, monkeypatch):
    # Excel's own limit (32,767) is the real one; openpyxl cuts longer text, so the test lowers it.
    monkeypatch.setattr(spreadsheet.read, "MAX_CELL_CHARS", 1000)
    book = workbook(plan_world.plan, plan_world.cochair)
    number = set_cell(book["HR needs"], plan_world.need.pk, "note", "a" * 1001)
    assert refused_and_unchanged(plan_world, to_bytes(book)) == [
        (None, None, None, f"Sheet HR needs, row {number}, column note is longer than 1000 characters.")
    ]
    assert refused_and_unchanged(plan_world, b"PK\x03\x04 not really a zip") == [
        (None, None, None, "The file cannot be read as an Excel workbook (.xlsx).")
    ]
    settings.CONVENE_IMPORT_MAX_BYTES = 1000
    assert refused_and_unchanged(plan_world, spreadsheet.workbook_bytes(plan_world.plan, viewer=None)) == [
        (None, None, None, "The file is too large: at most 0 MB.")
    ]


def test_service_rules_show_in_the_preview_on_their_row(plan_world):
    book = workbook(plan_world.plan, plan_world.cochair)
    task_row = set_cell(book["Tasks"], plan_world.task.pk, "starts_on", datetime.date(2025, 9, 1))
    line_row = append(
        book["Budget"],
        category="travel",
        description="Flights",
        currency="USD",
        planned=900,
        source="partner",
    )
    target_row = append(
        book["Targets"], indicator_code="CM1", starts_on=QUARTERS[0][0], ends_on=QUARTERS[0][1], value=11
    )
    preview = spreadsheet.import_preview(plan_world.plan, to_bytes(book), acting=plan_world.cochair)
    assert [(p.sheet, p.row, p.column, p.message) for p in preview.problems] == [
        ("Tasks", task_row, "due_on", "The due date cannot come before the start."),
        ("Targets", target_row, "starts_on", "That period has a target already."),
        ("Budget", line_row, "partner", "Name the partner organisation that contributes."),
    ]


def test_a_blank_position_means_the_first_and_an_unknown_option_is_placed(plan_world, committee_member):
    plan = revising(plan_world, committee_member)
    book = workbook(plan, plan_world.cochair)
    set_cell(book["Deliverables"], plan_world.deliverable.pk, "position", None)  # was 0: no change
    number = append(
        book["Measurements"],
        indicator_code="CM1",
        starts_on=QUARTERS[0][0],
        ends_on=QUARTERS[0][1],
        category="sex",
        option="unknown",
        value=1,
    )
    preview = spreadsheet.import_preview(plan, to_bytes(book), acting=plan_world.cochair)
    assert [(p.sheet, p.row, p.column, p.message) for p in preview.problems] == [
        ("Measurements", number, "option", "unknown is not an option of sex.")
    ]


def test_measurements_need_an_approved_plan_and_recorded_ones_do_not_change(plan_world, committee_member):
    book = workbook(plan_world.plan, plan_world.cochair)
    number = append(
        book["Measurements"], indicator_code="CM1", starts_on=QUARTERS[0][0], ends_on=QUARTERS[0][1], value=4
    )
    assert refused_and_unchanged(plan_world, to_bytes(book)) == [
        (
            "Measurements",
            number,
            "indicator_code",
            "Results are recorded against an approved work plan: this one is Draft.",
        )
    ]
    plan = revising(plan_world, committee_member)
    recorded = results_services.measurement_record(
        indicator=plan_world.indicator,
        acting=plan_world.cochair,
        starts_on=QUARTERS[0][0],
        ends_on=QUARTERS[0][1],
        value="7",
    )
    results_services.measurement_review(measurement=recorded, acting=plan_world.cochair, approve=True)
    book = workbook(plan, plan_world.cochair)
    ws = book["Measurements"]
    assert ws.cell(row_of(ws, recorded.pk), column(ws, "status")).value == "approved"
    number = set_cell(ws, recorded.pk, "value", 70)
    assert refused_and_unchanged(plan_world, to_bytes(book)) == [
        (
            "Measurements",
            number,
            "value",
            "A measurement already recorded cannot be changed by an import: add a new row, or withdraw it in Convene.",
        )
    ]
    # Deleting the row keeps the measurement (said in a notice).
    book = workbook(plan, plan_world.cochair)
    delete_row(book["Measurements"], recorded.pk)
    preview = spreadsheet.import_preview(plan, to_bytes(book), acting=plan_world.cochair)
    assert preview.changes == []
    assert preview.notices == ["Measurements: 1 recorded values missing from the sheet are kept."]


# --- Removals ------------------------------------------------------------------------------------


def test_deleted_rows_are_removed_only_where_that_is_safe(plan_world):
    plan = plan_world.plan
    book = workbook(plan, plan_world.cochair)
    delete_row(book["HR needs"], plan_world.need.pk)
    delete_row(book["Results"], plan_world.goal.pk)
    delete_row(book["Indicators"], plan_world.indicator.pk)
    data = to_bytes(book)
    preview = spreadsheet.import_preview(plan, data, acting=plan_world.cochair)
    assert preview.problems == []
    assert [(c.sheet, c.kind, c.row, c.label) for c in preview.changes] == [
        ("HR needs", "removed", None, "Editor")
    ]
    assert preview.notices == [
        "Results: 1 rows missing from the sheet are kept (they are not removed by an import).",
        "Indicators: 1 rows missing from the sheet are kept (they are not removed by an import).",
    ]
    spreadsheet.plan_import_commit(plan, data, acting=plan_world.cochair, fingerprint=preview.fingerprint)
    assert not HRNeed.objects.filter(plan=plan).exists()
    assert plan.results.count() == 2
    assert plan.indicators.count() == 1


def test_a_deliverable_still_used_by_a_task_is_not_removed(plan_world):
    book = workbook(plan_world.plan, plan_world.cochair)
    delete_row(book["Deliverables"], plan_world.deliverable.pk)
    task_row = row_of(book["Tasks"], plan_world.task.pk)
    line_row = row_of(book["Budget"], plan_world.line.pk)
    assert refused_and_unchanged(plan_world, to_bytes(book)) == [
        (
            "Tasks",
            task_row,
            "deliverable_id",
            f"The row with id {plan_world.deliverable.pk} is removed from the sheet Deliverables in this file.",
        ),
        (
            "Budget",
            line_row,
            "deliverable_id",
            f"The row with id {plan_world.deliverable.pk} is removed from the sheet Deliverables in this file.",
        ),
    ]


def test_a_deliverable_removed_with_its_tasks_goes_with_them(plan_world):
    plan = plan_world.plan
    book = workbook(plan, plan_world.cochair)
    delete_row(book["Deliverables"], plan_world.deliverable.pk)
    delete_row(book["Tasks"], plan_world.task.pk)
    set_cell(book["Budget"], plan_world.line.pk, "deliverable_id", None)
    data = to_bytes(book)
    preview = spreadsheet.import_preview(plan, data, acting=plan_world.cochair)
    assert preview.problems == []
    assert sorted((c.sheet, c.kind) for c in preview.changes) == [
        ("Budget", "changed"),
        ("Deliverables", "removed"),
        ("Tasks", "removed"),
    ]
    spreadsheet.plan_import_commit(plan, data, acting=plan_world.cochair, fingerprint=preview.fingerprint)
    assert not plan.deliverables.exists()
    assert not Task.objects.filter(deliverable__plan=plan).exists()


# --- Two co-chairs at once -----------------------------------------------------------------------


def test_changes_made_in_convene_since_the_export_are_kept(plan_world):
    plan = plan_world.plan
    book = workbook(plan, plan_world.cochair)
    number = set_cell(book["Deliverables"], plan_world.deliverable.pk, "due_on", datetime.date(2025, 10, 31))
    # Meanwhile, another co-chair renames the deliverable in Convene.
    services.deliverable_save(
        plan=plan,
        acting=plan_world.cochair,
        deliverable=plan_world.deliverable,
        revision=1,
        title="Renamed online",
    )
    data = to_bytes(book)
    preview = spreadsheet.import_preview(plan, data, acting=plan_world.cochair)
    assert preview.problems == []
    assert [(c.sheet, c.row, [(f.column, f.after) for f in c.fields]) for c in preview.changes] == [
        ("Deliverables", number, [("due_on", "2025-10-31")])
    ]
    assert preview.notices == [
        f"Deliverables, row {number}: title was changed in Convene after your export; the newer value is kept."
    ]
    spreadsheet.plan_import_commit(plan, data, acting=plan_world.cochair, fingerprint=preview.fingerprint)
    plan_world.deliverable.refresh_from_db()
    assert (plan_world.deliverable.title, plan_world.deliverable.due_on) == (
        "Renamed online",
        datetime.date(2025, 10, 31),
    )


def test_a_cell_both_changed_is_an_error(plan_world):
    plan = plan_world.plan
    book = workbook(plan, plan_world.cochair)
    number = set_cell(book["Deliverables"], plan_world.deliverable.pk, "title", "Renamed offline")
    services.deliverable_save(
        plan=plan,
        acting=plan_world.cochair,
        deliverable=plan_world.deliverable,
        revision=1,
        title="Renamed online",
    )
    assert refused_and_unchanged(plan_world, to_bytes(book)) == [
        (
            "Deliverables",
            number,
            "title",
            "Changed in Convene after your export, to “Renamed online”: keep one of the two and import again.",
        )
    ]


def test_a_blank_revision_is_asked_back(plan_world):
    book = workbook(plan_world.plan, plan_world.cochair)
    set_cell(book["Deliverables"], plan_world.deliverable.pk, "revision", None)
    number = set_cell(book["Deliverables"], plan_world.deliverable.pk, "title", "Renamed offline")
    assert refused_and_unchanged(plan_world, to_bytes(book)) == [
        (
            "Deliverables",
            number,
            "revision",
            "Keep the revision the export wrote in this row: it tells what changed in Convene since.",
        )
    ]


def test_new_indicator_and_its_targets_in_one_file(plan_world):
    plan = plan_world.plan
    book = workbook(plan, plan_world.cochair)
    append(
        book["Indicators"],
        result_id=plan_world.outcome.pk,
        code="CM2",
        name="Agencies using the standard",
        unit="percentage",
    )
    append(
        book["Targets"],
        indicator_code="CM2",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
        life_of_plan=True,
        value=60,
    )
    data = to_bytes(book)
    preview = spreadsheet.import_preview(plan, data, acting=plan_world.cochair)
    assert preview.problems == []
    spreadsheet.plan_import_commit(plan, data, acting=plan_world.cochair, fingerprint=preview.fingerprint)
    indicator = plan.indicators.get(code="CM2")
    assert indicator.unit == "percentage"
    assert list(indicator.targets.values_list("value", "life_of_plan")) == [(Decimal(60), True)]


# --- Any cell value: an answer, never a crash ------------------------------------------------------

cell_values = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.sampled_from(
        [
            "=1+1",
            "'=SUM(A1)",
            "-3",
            "#12",
            "#999999",
            "CM1",
            "x@y",
            "TRUE",
            "no",
            "2025-02-30",
            "1e400",
            "NaN",
        ]
    ),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=datetime.date(1, 1, 1)),
    st.datetimes(min_value=datetime.datetime(1900, 1, 1)),  # noqa: DTZ001 - cells have no time zone
    st.decimals(allow_nan=False, allow_infinity=False, places=6),
)


@hypothesis_settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    value=cell_values,
    where=st.sampled_from([(sheet, col) for sheet in spreadsheet.SHEETS for col in sheet.columns]),
)
def test_any_cell_value_is_read_or_refused(plan_world, value, where):
    sheet, col = where
    current = _current(plan_world)
    try:
        spreadsheet.parse_cell(col, value, current)
    except spreadsheet.CellError as error:
        message = error.message
    else:
        message = "read"
    assert message


_CURRENT = {}


def _current(world):
    key = id(world)  # one world per test: its examples share what it reads
    if key not in _CURRENT:
        _CURRENT.clear()
        _CURRENT[key] = spreadsheet.read_current(world.plan, world.cochair)
    return _CURRENT[key]


writable = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(9999, 1, 1)),
)


@hypothesis_settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(
        st.tuples(
            st.sampled_from([s.name for s in spreadsheet.SHEETS]),
            st.integers(min_value=1, max_value=4),
            st.integers(min_value=1, max_value=20),
            writable,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_random_cells_in_the_workbook_give_a_preview_never_a_crash(plan_world, cells):
    plan = plan_world.plan
    base = _base_export(plan_world)
    book = load_workbook(io.BytesIO(base))
    for sheet, row, col, value in cells:
        book[sheet].cell(row, col).value = value
    before = queries.plan_snapshot(plan)
    preview = spreadsheet.import_preview(plan, to_bytes(book), acting=plan_world.cochair)
    assert isinstance(preview, spreadsheet.Preview)
    for problem in preview.problems:
        assert problem.message
    assert queries.plan_snapshot(plan) == before


_BASE = {}


def _base_export(world) -> bytes:
    if id(world) not in _BASE:
        _BASE.clear()
        _BASE[id(world)] = spreadsheet.workbook_bytes(world.plan, viewer=world.cochair)
    return _BASE[id(world)]


# --- The pages -----------------------------------------------------------------------------------


def test_export_download(plan_world, member):
    response = client_for(member).get(
        reverse("plans:export_xlsx", args=[plan_world.group.slug, plan_world.plan.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == (
        f'attachment; filename="case-management-work-plan-{plan_world.plan.pk}-v0.xlsx"'
    )
    assert load_workbook(io.BytesIO(response.content)).sheetnames == SHEET_NAMES


def checked_upload(client, url, upload):
    """Upload a workbook; the background check runs (Huey is immediate in tests, on commit)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, {"file": upload})


def test_upload_preview_confirm_through_the_pages(plan_world):
    plan = plan_world.plan
    client = client_for(plan_world.cochair)
    url = reverse("plans:import", args=[plan_world.group.slug, plan.pk])
    assert client.get(url).status_code == 200
    book = workbook(plan, plan_world.cochair)
    set_cell(book["Plan"], plan.pk, "title", "Work plan 2025, revised offline")
    upload = io.BytesIO(to_bytes(book))
    upload.name = "plan.xlsx"
    response = checked_upload(client, url, upload)
    assert response.status_code == 302
    token = parse_qs(urlsplit(response["Location"]).query)["t"][0]
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Work plan 2025, revised offline" in page.content.decode()
    confirm = page.context["confirm"]
    assert confirm
    plan.refresh_from_db()
    assert plan.title == "Work plan 2025"
    # Someone else cannot use the token.
    other = client_for(make_person("second.chair@example.org", name="Sam Second", country="KE"))
    assert other.post(url, {"confirm": confirm}).status_code == 403
    response = client.post(url, {"confirm": confirm})
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:detail", args=[plan_world.group.slug, plan.pk])
    plan.refresh_from_db()
    assert plan.title == "Work plan 2025, revised offline"
    # The stored upload is gone once imported.
    response = client.get(f"{url}?t={token}")
    assert response.status_code == 302
    assert response["Location"] == url


def test_a_stale_confirmation_shows_the_preview_again(plan_world):
    plan = plan_world.plan
    client = client_for(plan_world.cochair)
    url = reverse("plans:import", args=[plan_world.group.slug, plan.pk])
    book = workbook(plan, plan_world.cochair)
    set_cell(book["HR needs"], plan_world.need.pk, "hours_per_month", 12)
    upload = io.BytesIO(to_bytes(book))
    upload.name = "plan.xlsx"
    preview_url = checked_upload(client, url, upload)["Location"]
    confirm = client.get(preview_url).context["confirm"]
    services.objective_save(plan=plan, acting=plan_world.cochair, title="Added online meanwhile")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, {"confirm": confirm})
    assert response.status_code == 302
    assert response["Location"] == preview_url
    plan_world.need.refresh_from_db()
    assert plan_world.need.hours_per_month == Decimal(10)


def test_preview_page_lists_the_problems_and_offers_no_confirmation(plan_world):
    plan = plan_world.plan
    client = client_for(plan_world.cochair)
    url = reverse("plans:import", args=[plan_world.group.slug, plan.pk])
    book = workbook(plan, plan_world.cochair)
    number = set_cell(book["Budget"], plan_world.line.pk, "planned", "lots")
    set_cell(book["HR needs"], plan_world.need.pk, "role", "Copy editor")
    upload = io.BytesIO(to_bytes(book))
    upload.name = "plan.xlsx"
    page = client.get(checked_upload(client, url, upload)["Location"])
    assert page.status_code == 200
    assert page.context["confirm"] == ""
    assert [(p.sheet, p.row, p.column) for p in page.context["preview"].problems] == [
        ("Budget", number, "planned")
    ]
    html = page.content.decode()
    assert "“lots” is not a number." in html
    assert 'name="confirm"' not in html


def test_an_upload_that_is_not_a_workbook_is_refused_at_the_form(plan_world):
    client = client_for(plan_world.cochair)
    url = reverse("plans:import", args=[plan_world.group.slug, plan_world.plan.pk])
    upload = io.BytesIO(b"id,title\n1,x\n")
    upload.name = "plan.xlsx"
    response = checked_upload(client, url, upload)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "The file cannot be read as an Excel workbook (.xlsx)."
    ]


def test_the_upload_is_checked_in_the_background_while_a_page_waits(plan_world, monkeypatch):
    """No web request parses the workbook: until the background check is done the preview page
    refreshes itself; a hostile workbook (a 20 MB XML comment in a few KB) is refused by the check
    before openpyxl parses anything, and the plan is unchanged."""
    import zipfile

    import openpyxl

    from convene.plans.models import PlanImport, PlanImportStatus
    from convene.reports import tasks

    plan = plan_world.plan
    client = client_for(plan_world.cochair)
    url = reverse("plans:import", args=[plan_world.group.slug, plan.pk])
    source = zipfile.ZipFile(io.BytesIO(to_bytes(workbook(plan, plan_world.cochair))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                content = content.replace(
                    b"<sheetData>", b"<!--" + b"x" * (20 * 1024 * 1024) + b"--><sheetData>"
                )
            archive.writestr(info.filename, content)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "plan.xlsx"
    assert len(upload.getvalue()) < 200_000
    with TestCase.captureOnCommitCallbacks(execute=False):
        response = client.post(url, {"file": upload})
    pending = PlanImport.objects.get()
    assert (pending.plan, pending.created_by, pending.status) == (
        plan,
        plan_world.cochair,
        PlanImportStatus.CHECKING,
    )
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert '<meta http-equiv="refresh" content="2">' in page.content.decode()
    assert "confirm" not in page.context

    def no_parsing(*args, **kwargs):
        raise AssertionError("openpyxl parsed a hostile workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", no_parsing)
    before = plan.revision
    tasks.check_plan_import(pending.pk)  # as the worker does
    page = client.get(response["Location"])
    assert "http-equiv" not in page.content.decode()
    assert page.context["confirm"] == ""
    assert [p.message for p in page.context["preview"].problems] == [
        "The workbook holds parts an import never reads (macros, links to other files, embedded objects "
        "or XML declarations); save it again as a plain .xlsx workbook and upload that."
    ]
    plan.refresh_from_db()
    assert plan.revision == before


def as_libreoffice_saves_booleans(data: bytes, *, cached: bool) -> bytes:
    """Every TRUE/FALSE cell as LibreOffice stores it, the formula TRUE() or FALSE(): with its value
    (``<f>TRUE()</f><v>1</v>``, as LibreOffice writes it) or without (as openpyxl re-saves it)."""
    import re
    import zipfile

    def rewrite(match):
        before, after, value = match.group(1), match.group(2), match.group(3)
        formula = b"TRUE()" if value == b"1" else b"FALSE()"
        if cached:
            return b"<c " + before + b't="b"' + after + b"><f>" + formula + b"</f><v>" + value + b"</v></c>"
        return b"<c " + before + after + b"><f>" + formula + b"</f><v></v></c>"

    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    found = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                content, count = re.subn(rb'<c ([^>]*?)t="b"([^>]*)><v>([01])</v></c>', rewrite, content)
                found += count
            archive.writestr(info.filename, content)
    assert found >= 3  # help_wanted, cumulative, life_of_plan at least
    return buffer.getvalue()


@pytest.mark.parametrize("cached", [True, False])
def test_booleans_saved_as_formulas_round_trip_unchanged(plan_world, cached):
    """The reported round trip: LibreOffice's TRUE() formulas, their values dropped by openpyxl, were
    read as blank, blank as FALSE, and help_wanted, cumulative and life_of_plan flipped."""
    plan = plan_world.plan
    book = workbook(plan, plan_world.cochair)
    set_cell(book["Plan"], plan.pk, "title", "Work plan 2025, revised offline")
    data = as_libreoffice_saves_booleans(to_bytes(book), cached=cached)
    preview = spreadsheet.import_preview(plan, data, acting=plan_world.cochair)
    assert preview.problems == []
    assert [(c.sheet, c.kind, [f.after for f in c.fields]) for c in preview.changes] == [
        ("Plan", spreadsheet.CHANGED, ["Work plan 2025, revised offline"])
    ]
    spreadsheet.plan_import_commit(plan, data, acting=plan_world.cochair, fingerprint=preview.fingerprint)
    plan_world.task.refresh_from_db()
    assert plan_world.task.help_wanted is True
    assert Target.objects.filter(indicator__plan=plan, life_of_plan=True).count() == 1


@pytest.mark.parametrize(
    ("written", "expected"),
    [("=FALSE()", False), ("FALSE()", False), ("FAUX", False), ("FALSK", False), ("falso", False), ("0", False),
     ("=TRUE()", True), ("VRAI", True), ("SAND", True), ("VERDADERO", True), ("Verdadeiro", True), ("yes", True)],
)  # fmt: skip
def test_booleans_in_every_language_and_as_formulas(plan_world, written, expected):
    plan = plan_world.plan
    book = workbook(plan, plan_world.cochair)
    set_cell(book["Tasks"], plan_world.task.pk, "help_wanted", written)
    preview = spreadsheet.import_preview(plan, to_bytes(book), acting=plan_world.cochair)
    assert preview.problems == []
    changed = [c for c in preview.changes if c.sheet == "Tasks"]
    assert len(changed) == (0 if expected else 1)


def test_a_blank_boolean_or_a_formula_without_its_value_is_an_error_not_a_default(plan_world):
    plan = plan_world.plan
    book = workbook(plan, plan_world.cochair)
    task_row = set_cell(book["Tasks"], plan_world.task.pk, "help_wanted", None)
    need_row = set_cell(book["HR needs"], plan_world.need.pk, "hours_per_month", "=10+2")
    problems = refused_and_unchanged(plan_world, to_bytes(book))
    assert problems == [
        ("Tasks", task_row, "help_wanted", "This cell is blank: write TRUE or FALSE."),
        (
            "HR needs",
            need_row,
            "hours_per_month",
            "This cell holds the formula =10+2 but not its value (the program that last saved the file did "
            "not compute it): type the value itself.",
        ),
    ]


def test_a_confirmation_before_the_check_is_done_parses_nothing(plan_world, monkeypatch):
    """The confirm step parses the file again only once the background check read it cleanly."""
    import openpyxl

    plan = plan_world.plan
    client = client_for(plan_world.cochair)
    url = reverse("plans:import", args=[plan_world.group.slug, plan.pk])
    book = workbook(plan, plan_world.cochair)
    set_cell(book["Plan"], plan.pk, "title", "Not yet checked")
    upload = io.BytesIO(to_bytes(book))
    upload.name = "plan.xlsx"
    with TestCase.captureOnCommitCallbacks(execute=False):
        preview_url = client.post(url, {"file": upload})["Location"]
    token = parse_qs(urlsplit(preview_url).query)["t"][0]
    fingerprint = spreadsheet.read_current(plan, plan_world.cochair).fingerprint()

    def no_parsing(*args, **kwargs):
        raise AssertionError("a web request parsed the workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", no_parsing)
    response = client.post(url, {"confirm": spreadsheet.confirm_token(token, fingerprint)})
    assert response["Location"] == preview_url
    plan.refresh_from_db()
    assert plan.title == "Work plan 2025"


def test_level_names_are_exported_in_the_readers_language_and_read_back(plan_world, monkeypatch):
    """The Results sheet names levels as the reader reads them; the stored (English) name still reads."""
    from django.utils.translation import override

    from convene.results.tests.translations import translate_levels

    translate_levels(monkeypatch)
    plan, chair = plan_world.plan, plan_world.cochair
    with override("fr"):
        book = workbook(plan, chair)
        results = book["Results"]
        levels = [results.cell(n, column(results, "level")).value for n in range(2, results.max_row + 1)]
        assert levels == ["But", "Effet"]
        preview = spreadsheet.import_preview(plan, to_bytes(book), acting=chair)
        assert (preview.problems, preview.changes) == ([], [])
        set_cell(results, plan_world.outcome.pk, "level", "Outcome")
        preview = spreadsheet.import_preview(plan, to_bytes(book), acting=chair)
        assert (preview.problems, preview.changes) == ([], [])
        set_cell(results, plan_world.outcome.pk, "level", "Niveau")
        preview = spreadsheet.import_preview(plan, to_bytes(book), acting=chair)
    # The message itself is in French; the levels it offers are the reader's names.
    assert [p.message.endswith(": But, Effet, Produit, Activité.") for p in preview.problems] == [True]
