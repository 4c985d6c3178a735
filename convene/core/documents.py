"""What every document Convene draws shares, whichever app draws it: PDF through WeasyPrint and DOCX
through python-docx.

PDFs are drawn from our own templates and stylesheets only: no base URL and a URL fetcher that
refuses everything, so no text a person typed can make the server fetch a URL or read a file. DOCX
text is cleaned of the control characters XML 1.0 refuses; tables span the page's usable width in
fixed columns (see ``docx_table``)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --- PDF -----------------------------------------------------------------------------------------


def no_fetching():
    """A WeasyPrint URL fetcher that fetches nothing (no network, no files)."""
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"Convene does not fetch {url[:60]} into a document")

    return NoFetching()


def render_pdf(html: str, css: str | None = None):
    """The laid-out document (WeasyPrint's ``Document``: pages and boxes) of ``html`` with the
    stylesheet ``css``, before it is written (``.write_pdf()``); nothing is fetched."""
    from weasyprint import CSS, HTML

    fetcher = no_fetching()
    stylesheets = [CSS(string=css, base_url=None, url_fetcher=fetcher)] if css is not None else None
    return HTML(string=html, base_url=None, url_fetcher=fetcher).render(stylesheets=stylesheets)


# --- DOCX text -----------------------------------------------------------------------------------


def docx_text(value) -> str:
    """Text python-docx accepts (XML 1.0 has no control characters)."""
    return CONTROL_CHARS.sub("", "" if value is None else str(value))


def date_text(value) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else "—"


def number_text(value, places: int = 2) -> str:
    if value is None:
        return "—"
    value = Decimal(value)
    if places == 0 or value == value.to_integral():
        places = 0
    # number_format cuts the decimals it does not show: round first.
    value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


# --- DOCX page and tables ------------------------------------------------------------------------

# A4 with the PDF's margins, 9 pt table text. Each table spans the usable width in fixed columns
# sized for what they hold (text wide, numbers narrow) so that Word and LibreOffice never squeeze a
# column until words break mid-word; the header row repeats on every page, a row never splits across
# pages, and numbers are right-aligned.
PAGE = {"width_mm": 210, "height_mm": 297, "top_mm": 18, "sides_mm": 16, "bottom_mm": 20}
TABLE_TEXT_PT = 9


def page_setup(document) -> None:
    from docx.shared import Mm

    for section in document.sections:
        section.page_width, section.page_height = Mm(PAGE["width_mm"]), Mm(PAGE["height_mm"])
        section.top_margin, section.bottom_margin = Mm(PAGE["top_mm"]), Mm(PAGE["bottom_mm"])
        section.left_margin = section.right_margin = Mm(PAGE["sides_mm"])


def usable_width_twips(document) -> int:
    section = document.sections[-1]
    return section.page_width.twips - section.left_margin.twips - section.right_margin.twips


def column_widths(total: int, weights: list[int]) -> list[int]:
    """``total`` twips shared by weight, in whole twips that add up to ``total`` exactly."""
    widths = [total * w // sum(weights) for w in weights]
    widths[0] += total - sum(widths)  # the first column is text: it takes the rounding
    return widths


def _row_properties(row, header: bool) -> None:
    from docx.oxml import OxmlElement

    tr_pr = row._tr.get_or_add_trPr()  # a new row's is empty: append in the schema's order
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _fill(cell, text: str, width, *, bold: bool = False, right: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    cell.width = width
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(docx_text(text))
    run.bold = bold
    run.font.size = Pt(TABLE_TEXT_PT)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def docx_table(document, headers: list[str], rows: list[list[str]], *, weights: list[int], numeric=()):
    """A table over the page's usable width; ``weights`` size the columns, ``numeric`` (indexes) are
    right-aligned."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Twips

    widths = [Twips(w) for w in column_widths(usable_width_twips(document), weights)]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False  # a fixed layout: the widths below hold
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    _row_properties(table.rows[0], header=True)
    for index, (cell, text) in enumerate(zip(table.rows[0].cells, headers, strict=True)):
        _fill(cell, text, widths[index], bold=True, right=index in numeric)
    for values in rows:
        row = table.add_row()
        _row_properties(row, header=False)
        for index, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            _fill(cell, text, widths[index], right=index in numeric)
    return table


def plain_table(document, headers: list[str], rows: list[list[str]]):
    """A table in Word's own layout (no fixed widths): a bold header row, then the rows."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = docx_text(header)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = docx_text(value)
    return table
