"""Files the importer refuses as a whole, with a clear message, before anything is written."""

import io
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from reports.imports import limits
from reports.imports.register import ImportRefused, parse_register
from reports.imports.sample import register_workbook
from tests.reports.conftest import valid_rows, xlsx


def _refused(data, org) -> ImportRefused:
    with pytest.raises(ImportRefused) as info:
        parse_register(io.BytesIO(data) if isinstance(data, bytes) else data, org)
    return info.value


def test_a_file_that_is_not_a_zip_is_not_an_xlsx(world, catalog):
    exc = _refused(b"name,reference\nCloudflare,V-1\n", world.firm_a)
    assert exc.code == "not_xlsx" and ".xlsx" in exc.message


def test_a_zip_without_a_workbook_is_not_an_xlsx(world, catalog):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert _refused(buffer.getvalue(), world.firm_a).code == "not_xlsx"


def test_a_corrupt_workbook_is_refused_not_crashed_on(world, catalog):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "not xml")
        archive.writestr("xl/workbook.xml", "<broken")
    assert _refused(buffer.getvalue(), world.firm_a).code == "not_xlsx"


def test_a_missing_header_is_named(world, catalog):
    keys = ["reference", "catalog", "category", "jurisdiction", "data_location"]  # no "name"
    plan = parse_register(xlsx(columns={"Vendors": keys}), world.firm_a)
    assert not plan.is_valid
    assert [(e.sheet, e.column) for e in plan.errors] == [("Vendors", "명칭 / Name")]
    assert "명칭 / Name" in plan.errors[0].message


def test_an_unknown_header_is_named_with_its_column(world, catalog):
    wb = Workbook()
    ws = wb.active
    ws.title = "Vendors"
    ws.append(["공급자 참조", "Mystery"])
    ws.append(["Vendor reference", "Mystery"])
    for name in ("Services", "Dependencies", "Redundancy"):
        wb.create_sheet(name)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    plan = parse_register(buffer, world.firm_a)
    messages = [(e.sheet, e.column, e.message) for e in plan.errors]
    assert ("Vendors", "B", "Unknown column 'Mystery'.") in [(s, c, m) for s, c, m in messages] or any(
        s == "Vendors" and c == "B" and "Mystery" in m for s, c, m in messages
    )
    # Every required header of every empty sheet is reported too.
    assert any(s == "Services" and "Service reference" in c for s, c, _m in messages)


def test_a_missing_sheet_is_named(world, catalog):
    wb = Workbook()
    wb.active.title = "Vendors"
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    plan = parse_register(buffer, world.firm_a)
    assert {e.sheet for e in plan.errors if e.row is None} == {"Services", "Dependencies", "Redundancy"}


def test_a_formula_where_a_value_is_expected_is_refused_naming_the_cell(world, catalog):
    rows = valid_rows()
    rows["Services"][0]["rto_minutes"] = "=30*2"
    plan = parse_register(xlsx(rows), world.firm_a)
    assert [(e.sheet, e.row, e.column) for e in plan.errors] == [("Services", 3, "목표 복구 시간(분) / RTO (minutes)")]
    assert "H3" in plan.errors[0].message


def test_messages_follow_the_active_language(world, catalog):
    rows = valid_rows()
    rows["Services"][0]["rto_minutes"] = "=30*2"
    with translation.override("en"):
        english = parse_register(xlsx(rows), world.firm_a).errors[0].message
    with translation.override("ko"):
        korean = parse_register(xlsx(rows), world.firm_a).errors[0].message
    assert "H3" in english and "formula" in english
    assert "H3" in korean and english != korean


def test_a_formula_in_a_text_cell_is_refused_too(world, catalog):
    rows = valid_rows()
    rows["Vendors"][0]["name"] = '=HYPERLINK("http://evil.test","CDN")'
    plan = parse_register(xlsx(rows), world.firm_a)
    assert [(e.sheet, e.row) for e in plan.errors] == [("Vendors", 3)]


def test_more_rows_than_the_limit_are_refused(world, catalog, monkeypatch):
    monkeypatch.setattr(limits, "MAX_DATA_ROWS", 5)
    rows = valid_rows()  # 10 data rows in all
    exc = _refused(xlsx(rows), world.firm_a)
    assert exc.code == "too_many_rows" and "5" in exc.message


def test_the_real_limit_is_fifty_thousand_rows(world, catalog):
    assert limits.MAX_DATA_ROWS == 50_000
    # The smallest sheet that passes the header checks, so the 50,001 rows are cheap to write.
    keys = ["service_ref", "vendor_ref", "role"]
    many = [{"service_ref": i, "vendor_ref": 1, "role": "cdn"} for i in range(50_001)]
    data = register_workbook({"Dependencies": many}, columns={"Dependencies": keys})
    exc = _refused(data, world.firm_a)
    assert exc.code == "too_many_rows" and "50,000" in exc.message


def test_a_file_over_the_size_limit_is_refused(world, catalog, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1024)
    exc = _refused(xlsx(), world.firm_a)
    assert exc.code == "too_large"
    assert limits.MAX_FILE_BYTES == 1024 and "MB" in exc.message


def _bomb(size: int) -> bytes:
    source = xlsx().getvalue()
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as original, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in original.infolist():
            bomb.writestr(item, original.read(item.filename))
        # One highly compressible member: megabytes of zeros in a few kilobytes.
        bomb.writestr("xl/media/padding.bin", b"\0" * size)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_opened(world, catalog, monkeypatch):
    data = _bomb(50 * 1024 * 1024)
    assert len(data) < 200 * 1024  # tiny on disk
    exc = _refused(data, world.firm_a)
    assert exc.code == "zip_bomb" and "padding.bin" in exc.message


def test_a_file_that_would_expand_beyond_the_total_limit_is_refused(world, catalog, monkeypatch):
    monkeypatch.setattr(limits, "MAX_COMPRESSION_RATIO", 10_000)
    monkeypatch.setattr(limits, "MAX_UNCOMPRESSED_BYTES", 10 * 1024 * 1024)
    exc = _refused(_bomb(20 * 1024 * 1024), world.firm_a)
    assert exc.code == "zip_bomb" and "MB" in exc.message


def test_a_normal_workbook_passes_the_zip_checks(world, catalog):
    limits.check_upload(xlsx())
