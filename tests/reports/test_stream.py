"""Rows serialised as text by reports.workbooks.stream read back exactly as openpyxl's own cells would:
same values, types, number formats, quote prefixes and wrapping, and never a formula."""

import datetime
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from reports.workbooks import styles
from reports.workbooks.base import Column, SheetWriter, excel_datetime
from reports.workbooks.cells import FORMULA_PREFIXES, needs_quoting, safe_cell, safe_value

KINDS = ["text", "long", "int", "number", "date", "datetime"]
FORMATS = {"int": styles.INTEGER_FORMAT, "number": "0.0", "date": styles.DATE_FORMAT,
           "datetime": styles.DATETIME_FORMAT}

texts = st.one_of(
    st.text(max_size=40),
    st.builds(lambda p, t: p + t, st.sampled_from([*FORMULA_PREFIXES, " ", "\n", " \u3000"]), st.text(max_size=20)),
    st.sampled_from(["a & b <c> \"d\" 'e'", "  padded  ", "   ", "클라우드플레어 장애", "x\r\ny", "\x00\x1f"]),
)
naive = st.datetimes(min_value=datetime.datetime(1901, 1, 1), max_value=datetime.datetime(2199, 12, 31))
values = st.one_of(
    st.none(), texts, st.booleans(), st.integers(-10**15, 10**15),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-10**6, max_value=10**6),
    st.dates(min_value=datetime.date(1901, 1, 1), max_value=datetime.date(2199, 12, 31)),
    naive, naive.map(lambda d: d.replace(tzinfo=datetime.UTC)), st.times(),
)


def _openpyxl_cell(ws, kind: str, value):
    """What the builders wrote through openpyxl's own cells before rows were streamed as text."""
    if value is None or value == "":
        return None
    if kind == "datetime" and type(value) is datetime.datetime:
        value = excel_datetime(value)
    if isinstance(value, str) or kind in ("text", "long"):
        cleaned = safe_value(value)
        if kind == "long":
            return safe_cell(ws, cleaned, alignment=styles.WRAP)
        return safe_cell(ws, cleaned) if isinstance(cleaned, str) else cleaned
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = FORMATS[kind]
    return cell


def _read(data: bytes) -> list[tuple]:
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    return [(c.coordinate, c.value, c.data_type, c.number_format, bool(c.quotePrefix), bool(c.alignment.wrap_text),
             bool(c.font.bold)) for row in ws.iter_rows(min_row=2) for c in row if c.value is not None]


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# A number in a date column reads back as an error cell on both sides: openpyxl warns, the cells still agree.
@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(values, min_size=len(KINDS), max_size=len(KINDS)), min_size=1, max_size=6))
def test_streamed_rows_read_back_as_openpyxl_cells_would(rows):
    # Only date-time columns take aware date-times (Excel has no zones: openpyxl refuses them elsewhere).
    rows = [[v.replace(tzinfo=None) if kind != "datetime" and isinstance(v, datetime.datetime) else v
             for kind, v in zip(KINDS, row, strict=True)] for row in rows]
    columns = [Column(kind, kind) for kind in KINDS]
    ours = Workbook(write_only=True)
    sheet = SheetWriter(ours, "Data", columns)
    sheet.append_all(rows)
    sheet.close()

    theirs = Workbook(write_only=True)
    ws = theirs.create_sheet("Data")
    ws.append([safe_cell(ws, c.header, **styles.header_style()) for c in sheet.columns])
    for row in rows:
        ws.append([_openpyxl_cell(ws, kind, value) for kind, value in zip(KINDS, row, strict=True)])

    data = _save(ours)
    assert _read(data) == _read(_save(theirs))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"<f " not in xml


@settings(max_examples=100, deadline=None)
@given(texts)
def test_every_text_is_a_string_cell_unchanged_and_quote_prefixed_when_it_looks_like_a_formula(text):
    wb = Workbook(write_only=True)
    sheet = SheetWriter(wb, "Data", [Column("Text"), Column("Notes", "long")])
    sheet.append((text, text))
    sheet.close()
    cleaned = safe_value(text)
    cells = [c for c in load_workbook(io.BytesIO(_save(wb))).worksheets[0][2]]
    if not cleaned:
        assert [c.value for c in cells] == [None, None]
        return
    # XML reads a carriage return back as a line feed; the text is otherwise exactly the app's.
    assert [c.value for c in cells] == [cleaned.replace("\r\n", "\n").replace("\r", "\n")] * 2
    assert [c.data_type for c in cells] == ["s", "s"]
    assert [bool(c.quotePrefix) for c in cells] == [needs_quoting(cleaned)] * 2
    assert [bool(c.alignment.wrap_text) for c in cells] == [False, True]


def test_header_is_styled_frozen_and_filtered_and_dates_are_seoul_wall_time():
    wb = Workbook(write_only=True)
    sheet = SheetWriter(wb, "Data", [Column("When", "datetime"), Column("Count", "int")])
    moment = datetime.datetime(2025, 11, 18, 11, 20, 30, 123456, tzinfo=datetime.UTC)
    sheet.append((moment, 1234))
    sheet.close()
    ws = load_workbook(io.BytesIO(_save(wb))).worksheets[0]
    assert ws["A1"].font.bold and ws["A1"].fill.fgColor.rgb.endswith("1F4E79")
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:B2"
    local = moment.astimezone(ZoneInfo(timezone.get_default_timezone_name()))
    assert ws["A2"].value == local.replace(tzinfo=None, microsecond=0)
    assert ws["A2"].number_format == styles.DATETIME_FORMAT
    assert (ws["B2"].value, ws["B2"].number_format) == (1234, styles.INTEGER_FORMAT)


def test_a_sheet_without_rows_is_still_a_valid_sheet():
    wb = Workbook(write_only=True)
    sheet = SheetWriter(wb, "Empty", [Column("A")], header_row=False)
    sheet.close()
    assert list(load_workbook(io.BytesIO(_save(wb))).worksheets[0].iter_rows()) == []


def test_rows_appended_past_the_sheet_writer_are_refused_not_written_out_of_order():
    wb = Workbook(write_only=True)
    sheet = SheetWriter(wb, "Data", [Column("A")])
    with pytest.raises(TypeError):
        sheet.ws.append(["=1+1"])
