"""The one safe-cell helper: nothing written from user text can become a formula or a live link."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from reports.workbooks.cells import FORMULA_PREFIXES, needs_quoting, safe_cell, safe_row, safe_value, set_text

PAYLOADS = [
    '=HYPERLINK("http://evil.test","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "\n+cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_every_formula_prefix_is_written_as_quote_prefixed_text_left_unchanged(prefix):
    value = prefix + "cmd|' /C calc'!A0"
    assert needs_quoting(value)
    assert safe_value(value) == value
    cell = safe_cell(Workbook(write_only=True).create_sheet("S"), value)
    assert cell.value == value and cell.data_type == "s" and cell.quotePrefix


def test_the_prefixes_are_exactly_the_dangerous_ones():
    assert set(FORMULA_PREFIXES) == {"=", "+", "-", "@", "\t", "\r"}


@pytest.mark.parametrize("text", ["Cloudflare", "클라우드플레어", "a=b", "1-2", "", "'quoted"])
def test_ordinary_text_is_left_alone(text):
    assert safe_value(text) == text
    assert not needs_quoting(text)


@pytest.mark.parametrize("value", [None, 0, -5, 3.5, -0.25, True, False])
def test_numbers_and_booleans_are_data_not_text(value):
    assert safe_value(value) is value


def test_dates_and_lazy_strings_pass_through_sensibly():
    import datetime

    from django.utils.translation import gettext_lazy

    day = datetime.date(2025, 11, 18)
    assert safe_value(day) is day
    assert safe_value(gettext_lazy("-lazy")) == "-lazy"


def test_characters_xml_cannot_hold_are_dropped_instead_of_crashing_the_export():
    assert safe_value("a\x00b\x1fc") == "abc"


@pytest.mark.parametrize("write_only", [True, False])
def test_no_payload_is_a_formula_once_written_and_read_back(write_only):
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("S") if write_only else wb.active
    if write_only:
        ws.append(safe_row(ws, PAYLOADS))
    else:
        for col, payload in enumerate(PAYLOADS, start=1):
            set_text(ws.cell(row=1, column=col), payload)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    for read_only in (True, False):
        back = load_workbook(buffer, read_only=read_only)
        sheet = back.worksheets[0]
        cells = next(sheet.iter_rows(min_row=1, max_row=1))
        assert [c.data_type for c in cells] == ["s"] * len(PAYLOADS)
        # XML reads a carriage return back as a line feed; otherwise the text is exactly what was written.
        assert [c.value for c in cells] == [p.replace("\r", "\n") for p in PAYLOADS]
        if not read_only:
            assert all(c.quotePrefix for c in cells)
        back.close()
        buffer.seek(0)
    with __import__("zipfile").ZipFile(buffer) as archive:
        sheet_xml = next(archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml


def test_safe_cell_forces_text_and_applies_style():
    from openpyxl.styles import Font

    ws = Workbook(write_only=True).create_sheet("S")
    cell = safe_cell(ws, "=1+1", font=Font(bold=True))
    assert cell.data_type == "s" and cell.value == "=1+1" and cell.quotePrefix and cell.font.bold
    assert safe_cell(ws, 42).data_type == "n"
