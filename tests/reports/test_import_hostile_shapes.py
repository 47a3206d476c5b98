"""Uploads are parsed in bounded memory whatever their shape, with XML parsed by a defused parser.

The files here pass every size, ratio and total check: it is their shape that is hostile."""

from __future__ import annotations

import io
import random
import re
import tracemalloc
import unicodedata
import zipfile

import pytest

from compliance.excel.importer import read_plan
from reports.imports import limits
from reports.imports.register import ImportRefused, parse_register
from tests.reports.conftest import valid_rows, xlsx

MB = 1024 * 1024


def _with_extra_row(data: bytes, sheet_member: str, cells: int) -> bytes:
    """The workbook with one more row of ``cells`` numeric cells at row 1,000 of ``sheet_member``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == sheet_member:
                # Varied numbers, so the part compresses like real data (within the ratio limit).
                numbers = random.Random(7).choices(range(10**9), k=cells)
                row = '<row r="1000">' + "".join(f'<c t="n"><v>{n}</v></c>' for n in numbers) + "</row>"
                body = body.replace(b"</sheetData>", row.encode() + b"</sheetData>")
                if b"</sheetData>" not in body:  # an empty sheet is written as <sheetData/>
                    body = body.replace(b"<sheetData/>", b"<sheetData>" + row.encode() + b"</sheetData>")
            target.writestr(item, body)
    return out.getvalue()


def _peak_mb(call) -> tuple[float, Exception | None]:
    tracemalloc.start()
    error = None
    try:
        call()
    except Exception as exc:  # the refusal is the expected outcome; measured either way
        error = exc
    peak = tracemalloc.get_traced_memory()[1] / MB
    tracemalloc.stop()
    return peak, error


def test_a_row_with_a_million_cells_is_refused_in_bounded_memory(world, catalog):
    data = _with_extra_row(xlsx().getvalue(), "xl/worksheets/sheet1.xml", cells=1_000_000)
    assert len(data) < limits.MAX_FILE_BYTES  # within the size limit: only the shape is hostile
    peak, error = _peak_mb(lambda: parse_register(io.BytesIO(data), world.firm_a))
    assert isinstance(error, ImportRefused) and error.code == "row_too_wide", error
    assert "1000" in error.message
    assert peak < 50, f"peak {peak:.0f} MB"


def test_the_checklist_import_refuses_the_same_shape_before_parsing_it(world, catalog):
    from tests.factories.compliance import make_assessment, make_framework

    assessment = make_assessment(world.firm_a, make_framework(requirements=[("R-1", "A", 3, False, {}, False)]))
    from compliance.excel.export import build_checklist

    data = _with_extra_row(build_checklist(assessment), "xl/worksheets/sheet1.xml", cells=1_000_000)
    peak, error = _peak_mb(lambda: read_plan(io.BytesIO(data), assessment))
    assert isinstance(error, ImportRefused) and error.code == "row_too_wide", error
    assert peak < 50, f"peak {peak:.0f} MB"


def test_xml_entities_are_refused_by_a_defused_parser(world, catalog):
    from openpyxl import xml

    assert xml.DEFUSEDXML, "openpyxl must parse with defusedxml"
    source = zipfile.ZipFile(xlsx())
    out = io.BytesIO()
    doctype = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                declaration, _, rest = body.partition(b"?>")
                body = declaration + b"?>" + doctype + rest if rest else doctype + body
            target.writestr(item, body)
    with pytest.raises(ImportRefused):
        parse_register(io.BytesIO(out.getvalue()), world.firm_a)


def test_headers_saved_in_decomposed_unicode_are_recognised(world, catalog):
    source = zipfile.ZipFile(xlsx())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename.endswith(".xml"):  # macOS saves Hangul decomposed (NFD)
                body = unicodedata.normalize("NFD", body.decode("utf-8")).encode("utf-8")
            target.writestr(item, body)
    plan = parse_register(io.BytesIO(out.getvalue()), world.firm_a)
    assert [e.message for e in plan.errors] == []


def test_a_country_code_that_iso_3166_does_not_assign_is_a_row_error(world, catalog):
    rows = valid_rows()
    rows["Vendors"][0]["jurisdiction"] = "ZZ"
    plan = parse_register(xlsx(rows), world.firm_a)
    assert [(e.column, bool(re.search("ZZ", e.message))) for e in plan.errors] == [
        (next(e.column for e in plan.errors), True)
    ]
