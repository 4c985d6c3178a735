"""A hostile .xlsx is refused by inspecting the archive, before openpyxl parses anything (issue 9)."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from convene.core import xlsx


def plain_workbook() -> bytes:
    book = Workbook()
    book.active.append(["E-mail", "Name"])
    book.active.append(["ama@example.org", "Ama"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rebuilt(data: bytes, change) -> bytes:
    """The workbook with ``change(name, content) -> content`` applied to each part (``None`` drops it),
    plus the parts ``change`` returns for the name ``"+"``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = change(info.filename, source.read(info.filename))
            if content is not None:
                archive.writestr(info.filename, content)
        for name, content in (change("+", b"") or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def in_sheet(prefix: bytes = b"", suffix: bytes = b"", *, data: bytes | None = None):
    def change(name, content):
        if name == "+":
            return {}
        if name == "xl/worksheets/sheet1.xml":
            return content.replace(b"<sheetData>", prefix + b"<sheetData>").replace(
                b"</sheetData>", suffix + b"</sheetData>"
            )
        return content

    return rebuilt(data or plain_workbook(), change)


def with_part(part: str, content: bytes) -> bytes:
    """The workbook with ``part`` added, or replaced by ``content``."""

    def change(name, old):
        if name == "+":
            return {part: content}
        return None if name == part else old

    return rebuilt(plain_workbook(), change)


@pytest.fixture
def no_parsing(monkeypatch):
    """openpyxl must not be reached: the refusal happens on the archive alone."""
    import openpyxl

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to parse a hostile workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    monkeypatch.setattr(openpyxl.reader.excel, "load_workbook", refuse)


TOO_BIG = "too big"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        # The reported file: a 6 KB upload whose sheet holds a 20 MB XML comment.
        (lambda: in_sheet(b"<!--" + b"x" * (20 * 1024 * 1024) + b"-->"), "parts an import never reads"),
        # A DOCTYPE with entities (billion laughs).
        (
            lambda: in_sheet(prefix=b'<!DOCTYPE x [<!ENTITY a "aaaa">]>'),
            "parts an import never reads",
        ),
        # One cell holding 2 MB of text: no honest cell is longer than 32,767 characters.
        (
            lambda: in_sheet(
                suffix=b'<row r="3"><c r="A3" t="inlineStr"><is><t>'
                + b"y" * (2 * 1024 * 1024)
                + b"</t></is></c></row>"
            ),
            TOO_BIG,
        ),
        # More shared strings than any import holds.
        (
            lambda: with_part(
                "xl/sharedStrings.xml",
                b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + b"<si><t>a</t></si>" * (xlsx.MAX_SHARED_STRINGS + 1)
                + b"</sst>",
            ),
            TOO_BIG,
        ),
        # More cells than any import holds, in one small row each.
        (
            lambda: in_sheet(suffix=b'<row><c t="b"><v>1</v></c></row>' * (xlsx.MAX_ROWS + 1)),
            "more than",
        ),
        # A second processing instruction.
        (lambda: in_sheet(b'<?evil x="1"?>'), "parts an import never reads"),
        # Macros and links to other workbooks.
        (lambda: with_part("xl/vbaProject.bin", b"\x00" * 100), "parts an import never reads"),
        (
            lambda: with_part("xl/externalLinks/externalLink1.xml", b"<externalLink/>"),
            "parts an import never reads",
        ),
        # Not a zip at all.
        (lambda: b"PK\x03\x04 not really a zip", "cannot be read"),
    ],
)
def test_a_hostile_workbook_is_refused_before_parsing(make, message, no_parsing):
    data = make()
    assert len(data) < 200 * 1024  # small on the wire
    with pytest.raises(xlsx.XlsxRefused) as refused, xlsx.open_workbook(data, too_big=TOO_BIG):
        pass
    assert message in refused.value.message


def test_too_many_parts_and_oversized_parts_are_refused_on_the_declared_sizes(monkeypatch, no_parsing):
    monkeypatch.setattr(xlsx, "MAX_OTHER_BYTES", 1000)
    styled = with_part("xl/comments1.xml", b"<comments>" + b"<c/>" * 400 + b"</comments>")
    with pytest.raises(xlsx.XlsxRefused, match=TOO_BIG):
        xlsx.inspect(styled, too_big=TOO_BIG)
    monkeypatch.setattr(xlsx, "MAX_ENTRIES", 5)
    with pytest.raises(xlsx.XlsxRefused, match=TOO_BIG):
        xlsx.inspect(plain_workbook(), too_big=TOO_BIG)


def test_a_part_whose_size_lies_is_refused(no_parsing):
    """zipfile stops at the declared size and checks the CRC: a part bigger than it says is unreadable."""
    data = plain_workbook()
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info, source.read(info.filename))
    lying = bytearray(buffer.getvalue())
    # Shrink the central directory's declared size of the sheet.
    archive = zipfile.ZipFile(io.BytesIO(bytes(lying)))
    sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    entry = bytes(lying).rfind(b"xl/worksheets/sheet1.xml") - 46
    assert lying[entry : entry + 4] == b"PK\x01\x02"
    lying[entry + 24 : entry + 28] = (sheet.file_size // 2).to_bytes(4, "little")
    with pytest.raises(xlsx.XlsxRefused, match="cannot be read"):
        xlsx.inspect(bytes(lying), too_big=TOO_BIG)


def test_an_honest_workbook_is_read_and_a_formula_without_its_value_says_so():
    # As LibreOffice writes booleans, once a tool (openpyxl) dropped the cached values.
    data = in_sheet(
        suffix=b'<row r="3"><c r="A3"><f>TRUE()</f></c><c r="B3" t="b"><f>FALSE()</f><v>0</v></c>'
        b'<c r="D3" t="b"><v>1</v></c></row>'
    )
    with xlsx.open_workbook(data) as book:
        rows = list(xlsx.iter_rows(book.worksheets[0], max_col=10))
    assert rows == [("E-mail", "Name"), ("ama@example.org", "Ama"), ("=TRUE()", False, None, True)]
    assert isinstance(rows[2][0], xlsx.Formula)
    assert not isinstance(rows[2][1], xlsx.Formula)
