"""The work plan for the committee as PDF and DOCX."""

import io
import shutil
import subprocess

import pytest
from django.urls import reverse

from conftest import client_for
from convene.core.documents import no_fetching
from convene.plans import services
from convene.plans.tests.factories import QUARTERS, approve
from convene.reports import documents
from convene.results import services as results_services


@pytest.fixture(autouse=True)
def _one_lead_records_and_approves(settings):
    """Values here are recorded and approved by the same co-chair: these tests are about what an
    approved value does, not about who approves it (separation of duties: results/tests/test_separation.py)."""
    settings.CONVENE_SEPARATE_RECORD_AND_APPROVE = False


def pdf_text(plan) -> str:
    """The PDF's text: pdftotext if installed, else pypdf, else WeasyPrint's own laid-out document."""
    data = documents.plan_pdf(plan)
    assert data.startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        text = subprocess.run(
            [pdftotext, "-raw", "-", "-"], input=data, capture_output=True, check=True
        ).stdout.decode()
    else:
        try:
            from pypdf import PdfReader
        except ImportError:
            from weasyprint.formatting_structure.boxes import TextBox

            text = " ".join(
                box.text
                for page in documents.plan_pdf_document(plan).pages
                for box in page._page_box.descendants()
                if isinstance(box, TextBox)
            )
        else:
            text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def with_progress(world, committee):
    """The plan approved, and a first-quarter value of 7 recorded and approved (one waiting too)."""
    approve(world, committee)
    measurement = results_services.measurement_record(
        indicator=world.indicator,
        acting=world.cochair,
        starts_on=QUARTERS[0][0],
        ends_on=QUARTERS[0][1],
        value="7",
    )
    results_services.measurement_review(measurement=measurement, acting=world.cochair, approve=True)
    results_services.measurement_record(
        indicator=world.indicator,
        acting=world.cochair,
        starts_on=QUARTERS[1][0],
        ends_on=QUARTERS[1][1],
        value="99",
    )


def test_pdf_holds_the_plan_for_the_committee(plan_world, committee_member):
    with_progress(plan_world, committee_member)
    text = pdf_text(plan_world.plan)
    for expected in [
        "Work plan 2025",
        "Case Management",
        "1 Jan 2025 – 31 Dec 2025",
        "Approved",
        "Top issues",
        "Caseloads.",
        "Common case management standards",
        "Toolkit on case management",
        "Translate the toolkit into French",
        "help wanted",
        "Goal 1: Children live in families.",
        "Case workers trained",
        "17.5 %",  # 7 of the life-of-plan 40 (to one place); the 99 waiting for approval does not count
        "Not reporting",
        "Funding gap",
        "2,000.00 USD",
        "Global Social Service Workforce Partner",
        "Editor",
    ]:
        assert expected in text, expected
    assert "99" not in text


def test_pdf_fetches_nothing_and_escapes_the_plan_text(plan_world):
    services.plan_update(
        plan=plan_world.plan,
        acting=plan_world.cochair,
        revision=None,
        summary='<img src="file:///etc/passwd"><link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
    )
    text = pdf_text(plan_world.plan)
    assert '<img src="file:///etc/passwd">' in text
    fetcher = no_fetching()
    for url in ("http://127.0.0.1:9/x.png", "file:///etc/passwd", "data:text/plain,hello"):
        with pytest.raises(ValueError, match="does not fetch"):
            fetcher.fetch(url)


def test_docx_reads_back_with_headings_and_tables(plan_world, committee_member):
    from docx import Document

    with_progress(plan_world, committee_member)
    document = Document(io.BytesIO(documents.plan_docx(plan_world.plan)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings == [
        "Work plan 2025",
        "Top issues",
        "Objectives",
        "Deliverables and tasks",
        "Results framework",
        "Goal 1: Children live in families.",
        "Outcome 1.1: Workers use common standards.",
        "Budget",
        "Partners' contributions",
        "Human-resource needs",
    ]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    deliverables, indicators, categories, partners, needs = tables
    assert deliverables == [
        ["Deliverable / task", "Owner", "Due", "Cost", "Status"],
        ["Toolkit on case management", "Pia Planchair", "30 Sep 2025 (late)", "5,000 USD", "Planned"],
        ["   – Translate the toolkit into French", "help wanted", "31 Aug 2025 (late)", "", "To do"],
    ]
    assert indicators == [
        [
            "Indicator",
            "Unit",
            "Baseline",
            "Target (life of plan)",
            "Actual to date",
            "Met",
            "Latest period",
            "Status",
        ],
        [
            "CM1 Case workers trained",
            "Number",
            "0 (1 Jan 2025)",
            "40",
            "7",
            "17.5 %",
            "1 Oct 2025 – 31 Dec 2025: — of 10",
            "Not reporting",
        ],
    ]
    assert categories == [
        ["Category", "Planned"],
        ["Meetings and events", "2,340 USD"],
        ["Publications and translation", "2,000 USD"],
    ]
    assert partners == [
        ["Partner", "Cash", "In kind"],
        ["Global Social Service Workforce Partner", "0 USD", "2,340 USD"],
    ]
    assert needs == [
        ["Role", "Hours per month", "Period", "Filled by"],
        ["Editor", "10", "1 Mar 2025 – —", "open"],
    ]
    budget = next(p.text for p in document.paragraphs if p.text.startswith("Planned"))
    assert budget == "Planned 4,340 USD · funded 2,340 USD · funding gap 2,000 USD · spent 0 USD"


def test_docx_survives_control_characters(plan_world):
    services.plan_update(
        plan=plan_world.plan, acting=plan_world.cochair, revision=None, summary="Bell\x07 and\x0b tab"
    )
    from docx import Document

    document = Document(io.BytesIO(documents.plan_docx(plan_world.plan)))
    assert "Bell and tab" in [p.text for p in document.paragraphs]


def test_documents_read_a_fixed_number_of_queries(plan_world, django_assert_num_queries):
    plan = plan_world.plan
    with django_assert_num_queries(13) as few:
        documents.document_context(plan)
    for n in range(10):
        deliverable = services.deliverable_save(
            plan=plan, acting=plan_world.cochair, title=f"D{n}", owner=plan_world.cochair
        )
        services.task_save(
            deliverable=deliverable, acting=plan_world.cochair, title=f"T{n}", assignee=plan_world.cochair
        )
        results_services.indicator_save(
            plan=plan, acting=plan_world.cochair, result=plan_world.goal, name=f"I{n}"
        )
    with django_assert_num_queries(len(few.captured_queries)):
        documents.document_context(plan)


@pytest.mark.parametrize(
    ("name", "content_type", "extension"),
    [
        ("plans:export_pdf", "application/pdf", "pdf"),
        (
            "plans:export_docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
    ],
)
def test_document_downloads(plan_world, member, name, content_type, extension):
    response = client_for(member).get(reverse(name, args=[plan_world.group.slug, plan_world.plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="case-management-work-plan-{plan_world.plan.pk}-v0.{extension}"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"


def test_level_names_are_in_the_documents_language(plan_world, monkeypatch):
    """Level names are seeded in English and shown through gettext (context "result level")."""
    from django.utils.translation import override
    from docx import Document

    from convene.results.tests.translations import translate_levels

    translate_levels(monkeypatch)
    with override("fr"):
        document = Document(io.BytesIO(documents.plan_docx(plan_world.plan)))
        text = pdf_text(plan_world.plan)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "But 1: Children live in families." in headings
    assert "Effet 1.1: Workers use common standards." in headings
    assert "Outcome 1.1" not in " ".join(headings)
    assert "Effet 1.1: Workers use common standards." in text
    assert "Outcome" not in text


def test_docx_tables_have_fixed_widths_a_repeated_header_and_numbers_on_the_right(
    plan_world, committee_member
):
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    with_progress(plan_world, committee_member)
    document = Document(io.BytesIO(documents.plan_docx(plan_world.plan)))
    section = document.sections[0]
    usable = section.page_width.twips - section.left_margin.twips - section.right_margin.twips
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4, like the PDF

    for table in document.tables:
        grid = [column.width.twips for column in table.columns]
        assert sum(grid) == usable
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        for row_index, row in enumerate(table.rows):
            assert [cell.width.twips for cell in row.cells] == grid
            properties = row._tr.trPr
            assert properties.find(qn("w:cantSplit")) is not None
            assert (properties.find(qn("w:tblHeader")) is not None) == (row_index == 0)

    indicators = document.tables[1]
    widths = [column.width.twips for column in indicators.columns]
    # The indicator's name and the latest period are the widest, "Met" the narrowest.
    assert widths[0] == max(widths)
    assert widths[6] > widths[3]
    assert widths[5] == min(widths)
    assert widths[0] > usable / 5

    def alignments(row):
        return [cell.paragraphs[0].alignment for cell in row.cells]

    right, left = WD_ALIGN_PARAGRAPH.RIGHT, None
    assert [row.cells[3].text for row in indicators.rows] == ["Target (life of plan)", "40"]
    for row in indicators.rows:
        assert alignments(row) == [left, left, right, right, right, right, left, left]
    categories = document.tables[2]
    assert alignments(categories.rows[1]) == [left, right]
    assert categories.rows[1].cells[1].text == "2,340 USD"
