"""Reading an uploaded .xlsx without letting it take the server down (issue 9, "A small XLSX stalls").

An .xlsx is a zip of XML parts. openpyxl trusts them: a 6 KB upload whose sheet holds one 20 MB XML
comment took 53 s of CPU (the parser's cost grows with the square of one token's length), and a
191 KB file that unpacks to 190 MB ran for over 20 minutes. So every import (the member list, the
work plan) opens a workbook only through ``open_workbook``, which first inspects the archive with
``inspect`` and refuses, in well under a second, anything outside these bounds:

- the archive: at most ``MAX_ENTRIES`` parts, ``MAX_TOTAL_BYTES`` unpacked in all (and at most
  ``MAX_INFLATION`` times the upload limit ``CONVENE_IMPORT_MAX_BYTES``), as the zip's
  headers declare them (zipfile never inflates a part beyond its declared size, and openpyxl reads
  through zipfile, so the declared sizes are the real bound; a lie about them is a CRC error);
- each part: a worksheet or the shared strings at most ``MAX_SHEET_BYTES``, any other XML part (styles,
  comments, drawings, the workbook) at most ``MAX_OTHER_BYTES``;
- no part an import never needs and that openpyxl would follow or that hides work: macros
  (``vbaProject.bin``), links to other workbooks, ActiveX, embedded objects;
- inside every XML part, streamed in chunks before any XML parser sees it: no ``<!`` at all (no
  DOCTYPE, ENTITY, comment or CDATA: Excel and LibreOffice write none), no processing instruction but
  the XML declaration at the start, no
  run of more than ``MAX_TOKEN_BYTES`` without a ``<`` (the longest honest one is a cell of 32,767
  characters, escaped); at most ``MAX_CELLS`` cells and ``MAX_ROWS`` rows over all sheets and at most
  ``MAX_SHARED_STRINGS`` shared strings.

The caps follow from what the imports accept: 50,000 rows (``CONVENE_IMPORT_MAX_ROWS``) of a member
list of nine columns is 450,000 cells and 27 MB of sheet XML as openpyxl writes it; openpyxl's
read-only mode streams about 60,000 cells a second, so the largest accepted file is parsed in about
15 s, in a background task (``people.tasks``, ``plans.tasks``), never in a web request.

Then ``iter_rows`` streams a sheet's values (openpyxl's read-only mode, cached values), except that a
formula cell whose file holds no computed value (LibreOffice's ``<f>TRUE()</f>`` after a tool such as
openpyxl dropped the cached ``<v>``) comes as a ``Formula`` — never as a blank that a reader would take
for "nothing typed".
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils.translation import gettext as _

MAX_ENTRIES = 1_000
MAX_TOTAL_BYTES = 96 * 1024 * 1024
# An honest workbook inflates by ten or so: more than this many times the upload limit is a zip bomb.
MAX_INFLATION = 20
MAX_SHEET_BYTES = 64 * 1024 * 1024
MAX_OTHER_BYTES = 4 * 1024 * 1024
MAX_TOKEN_BYTES = 512 * 1024
MAX_CELLS = 1_000_000
MAX_ROWS = 250_000
MAX_SHARED_STRINGS = 1_000_000
CHUNK_BYTES = 1024 * 1024
# Excel's own limit for one cell: longer text cannot have come from a spreadsheet program.
EXCEL_MAX_CELL_CHARS = 32_767

FORBIDDEN_PARTS = re.compile(
    r"(vbaProject|vbaData)\.bin$|/externalLinks?/|/activeX/|/embeddings/|\.\.|^/", re.IGNORECASE
)
_SHEET_PART = re.compile(r"^xl/(worksheets|chartsheets|dialogsheets|macrosheets)/[^/]+\.xml$", re.IGNORECASE)
_SHARED_STRINGS_PART = re.compile(r"^xl/sharedStrings\.xml$", re.IGNORECASE)
_XML_PART = re.compile(r"\.(xml|rels|vml)$", re.IGNORECASE)
_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
_ROW = re.compile(rb"<(?:\w+:)?row[\s/>]")
_SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s/>]")
_DECLARATION = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<\?xml[^<>]*\?>")
_LONG_RUN = re.compile(rb"[^<]{%d}" % (MAX_TOKEN_BYTES + 1))


class XlsxRefused(Exception):
    """The workbook is refused before any parsing; ``message`` says why, in the person's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Formula(str):
    """A formula cell the file holds no computed value for, as ``=FORMULA()`` text."""


def unreadable_message() -> str:
    return _("The file cannot be read as an Excel workbook (.xlsx).")


def too_large_message(limit: int | None = None) -> str:
    """An upload over ``limit`` bytes (the import limit ``CONVENE_IMPORT_MAX_BYTES`` by default)."""
    limit = settings.CONVENE_IMPORT_MAX_BYTES if limit is None else limit
    return _("The file is too large: at most %(size)s MB.") % {"size": f"{limit / 1024 / 1024:.0f}"}


def inspect(data: bytes, *, too_big: str | None = None) -> None:
    """Raise ``XlsxRefused`` unless the archive is within every bound above; parse nothing.

    ``too_big`` is the message for a workbook that unpacks to far more than an import holds."""
    archive, infos, too_big, suspicious = _inspect_archive(data, too_big=too_big)
    # Small parts first: a hostile comment or DOCTYPE is found before the sheets are unpacked.
    counts = {"cells": 0, "rows": 0, "strings": 0}
    for info in sorted(infos, key=lambda i: i.file_size):
        if info.is_dir() or not _XML_PART.search(info.filename):
            continue
        _scan_part(archive, info, counts, too_big=too_big, suspicious=suspicious)


def inspect_archive(data: bytes, *, too_big: str | None = None) -> None:
    """The checks of ``inspect`` that read only the zip's directory (milliseconds whatever the file):
    what a web request may do to refuse a file at once; the rest waits for the background task."""
    _inspect_archive(data, too_big=too_big)


def _inspect_archive(data: bytes, *, too_big: str | None):
    too_big = too_big or _("The workbook unpacks to far more data than an import holds; it is refused.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise XlsxRefused(unreadable_message()) from None
    if len(infos) > MAX_ENTRIES:
        raise XlsxRefused(too_big)
    total_limit = min(MAX_TOTAL_BYTES, settings.CONVENE_IMPORT_MAX_BYTES * MAX_INFLATION)
    if sum(info.file_size for info in infos) > total_limit:
        raise XlsxRefused(too_big)
    suspicious = _(
        "The workbook holds parts an import never reads (macros, links to other files, embedded "
        "objects or XML declarations); save it again as a plain .xlsx workbook and upload that."
    )
    for info in infos:
        name = info.filename
        if FORBIDDEN_PARTS.search(name):
            raise XlsxRefused(suspicious)
        limit = (
            MAX_SHEET_BYTES
            if _SHEET_PART.match(name) or _SHARED_STRINGS_PART.match(name)
            else MAX_OTHER_BYTES
        )
        if info.file_size > limit:
            raise XlsxRefused(too_big)
    return archive, infos, too_big, suspicious


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, counts: dict, *, too_big, suspicious) -> None:
    """Stream one XML part in chunks; each chunk is cut just before its last ``<`` so that every tag
    start is whole in one piece and every run without ``<`` is whole in one piece."""
    sheet = bool(_SHEET_PART.match(info.filename))
    strings = bool(_SHARED_STRINGS_PART.match(info.filename))
    first = True
    carry = b""
    try:
        with archive.open(info) as source:
            while True:
                chunk = source.read(CHUNK_BYTES)
                buffer = carry + chunk
                if chunk:
                    cut = buffer.rfind(b"<")
                    if cut <= 0:  # no tag start since the last cut
                        if b"<!" in buffer[:2] or b"<?" in buffer[:2] and not first:
                            raise XlsxRefused(suspicious)
                        if len(buffer) > MAX_TOKEN_BYTES:
                            raise XlsxRefused(too_big)
                        carry = buffer
                        continue
                    piece, carry = buffer[:cut], buffer[cut:]
                else:
                    piece, carry = buffer, b""
                if first:
                    # The XML declaration, once, at the very start, is the only processing instruction.
                    piece = _DECLARATION.sub(b"", piece, count=1)
                    first = False
                if b"<!" in piece or b"<?" in piece:
                    raise XlsxRefused(suspicious)
                if _LONG_RUN.search(piece):
                    raise XlsxRefused(too_big)
                if sheet:
                    counts["cells"] += len(_CELL.findall(piece))
                    counts["rows"] += len(_ROW.findall(piece))
                    if counts["cells"] > MAX_CELLS or counts["rows"] > MAX_ROWS:
                        raise XlsxRefused(
                            _(
                                "The workbook holds more than %(cells)s cells or %(rows)s rows: more "
                                "than an import holds; it is refused."
                            )
                            % {"cells": f"{MAX_CELLS:,}", "rows": f"{MAX_ROWS:,}"}
                        )
                elif strings:
                    counts["strings"] += len(_SHARED_STRING.findall(piece))
                    if counts["strings"] > MAX_SHARED_STRINGS:
                        raise XlsxRefused(too_big)
                if not chunk:
                    break
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError):
        # A CRC mismatch (sizes that lie), an unknown compression, an encrypted part.
        raise XlsxRefused(unreadable_message()) from None


@contextmanager
def open_workbook(data: bytes, *, too_big: str | None = None):
    """The workbook in openpyxl's read-only (streaming) mode, once ``inspect`` accepted it."""
    inspect(data, too_big=too_big)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception:  # noqa: BLE001 - openpyxl raises anything at all on a damaged file
        raise XlsxRefused(unreadable_message()) from None
    try:
        yield workbook
    finally:
        workbook.close()


def iter_rows(worksheet, *, max_col: int) -> Iterator[tuple]:
    """Every row of a read-only worksheet from row 1, as a tuple of at most ``max_col`` values (a row
    missing from the file comes as ``()``); a formula without a stored value comes as ``Formula``."""
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if cell["value"] is None:
                formula = element.find(FORMULA_TAG)
                if formula is not None:
                    cell["value"] = Formula("=" + (formula.text or "").strip())
            return cell

    workbook = worksheet.parent
    counter = 1
    with workbook._archive.open(worksheet._worksheet_path) as source:
        parser = Parser(
            source,
            worksheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            if number < counter:  # a row repeated or out of order: openpyxl skips it too
                continue
            while counter < number:
                counter += 1
                yield ()
            values = [None] * min(max_col, max((c["column"] for c in cells), default=0))
            for cell in cells:
                if cell["column"] <= max_col:
                    values[cell["column"] - 1] = cell["value"]
            counter += 1
            yield tuple(values)
