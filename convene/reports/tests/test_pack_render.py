"""The committee pack's PDF renders: its pages are turned into images with poppler's ``pdftoppm`` and
are not blank (the test is skipped, saying why, where poppler is not installed); its DOCX opens with
python-docx with the expected headings and tables, the dashboard's new columns included."""

import io
import shutil
import subprocess

import docx
import pytest
from django.urls import reverse
from PIL import Image

from conftest import client_for

PDFTOPPM = shutil.which("pdftoppm")
PACK = {"from": "2025-01-01", "to": "2025-03-31"}


def _page_image(pdf: bytes, page: int, tmp_path) -> Image.Image:
    source = tmp_path / "pack.pdf"
    source.write_bytes(pdf)
    out = tmp_path / f"page-{page}"
    subprocess.run(
        [PDFTOPPM, "-f", str(page), "-l", str(page), "-r", "60", "-gray", "-png", "-singlefile", source, out],
        check=True,
        timeout=60,
    )
    return Image.open(f"{out}.png").convert("L")


def _ink(image: Image.Image) -> float:
    """The share of the page's pixels that are not (near) white."""
    histogram = image.histogram()
    return sum(histogram[:200]) / (image.width * image.height)


@pytest.mark.skipif(
    PDFTOPPM is None, reason="poppler's pdftoppm is not installed (apt-get install poppler-utils)"
)
def test_pack_pdf_pages_render_and_are_not_blank(submitted, committee_member, tmp_path):
    response = client_for(committee_member).get(reverse("reports:pack_pdf"), PACK)
    assert response.status_code == 200
    first = _page_image(response.content, 1, tmp_path)
    assert first.width > 300
    assert first.height > first.width  # A4 upright
    assert 0.005 < _ink(first) < 0.5  # text and rules, neither a blank page nor a black one
    info = subprocess.run(
        [shutil.which("pdfinfo") or "pdfinfo", "-"],
        input=response.content,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 1
    last = _page_image(response.content, pages, tmp_path)  # the group's update ends the pack
    assert _ink(last) > 0.002
    blank = Image.new("L", first.size, 255)
    assert _ink(blank) == 0  # the measure itself tells a blank page


def test_pack_docx_has_the_headings_and_tables(submitted, committee_member):
    response = client_for(committee_member).get(reverse("reports:pack_docx"), PACK)
    document = docx.Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[:4] == [
        "Committee pack 1 Jan 2025 – 31 Mar 2025",
        "Dashboard",
        "Updates from the groups",
        "Case Management",
    ]
    dashboard, indicators = document.tables
    assert [c.text for c in dashboard.rows[0].cells] == [
        "Group",
        "Work plan",
        "Last update",
        "Next update due",
        "Indicators on track",
        "Off track",
        "Budget used",
        "Meetings (90 days) / cadence",
        "Members",
        "Composition gaps",
    ]
    case = [c.text for c in dashboard.rows[1].cells]
    assert (case[0], case[1], case[6], case[8]) == ("Case Management", "Approved", "0 %", "1")
    assert [c.text for c in indicators.rows[0].cells] == ["Indicator", "Target", "Actual", "Status"]
    assert indicators.rows[1].cells[0].text == "Case workers trained"
