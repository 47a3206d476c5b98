"""Exports never alter a text, and still never write a formula; imports read back exactly what was written."""

import io
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from reports.imports.register import apply_plan, parse_register
from reports.workbooks.audit import build_audit_workbook
from reports.workbooks.cells import set_text
from reports.workbooks.register import build_register_workbook
from tests.reports.conftest import valid_rows, xlsx
from tests.reports.export_world import build_firm
from vendors.models import Dependency

pytestmark = pytest.mark.django_db

TEXTS = ["- 계약서 사본 확인", "+82 2 1234 5678", "=1+1", "@SUM(A1:A2)", "-", "'직접 입력한 따옴표"]


def _sheet_xml(data: bytes) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")]


def _cells_with(data: bytes, text: str) -> list:
    wb = load_workbook(io.BytesIO(data))
    return [c for ws in wb for row in ws.iter_rows() for c in row if c.value == text]


@pytest.mark.parametrize("text", TEXTS)
def test_every_text_reads_in_excel_exactly_as_in_the_app(world, text):
    assessment = build_firm(world.firm_a, world.a_officer, text=text)
    register, audit = io.BytesIO(), io.BytesIO()
    with translation.override("ko"):
        build_register_workbook(world.firm_a, register)
        build_audit_workbook(world.firm_a, assessment.pk, audit)
    for data in (register.getvalue(), audit.getvalue()):
        cells = _cells_with(data, text)
        # Vendor, service, notes, incident texts, checklist comments, findings...: all carried unchanged.
        assert len({c.parent.title for c in cells}) >= 3
        assert all(c.data_type == "s" for c in cells)
        looks_like_formula = text[0] in "=+-@"
        assert all(bool(c.quotePrefix) == looks_like_formula for c in cells)
        assert not any(b"<f>" in xml or b"<f " in xml for xml in _sheet_xml(data))
        assert _cells_with(data, "'" + text) == []


def test_a_text_cell_in_a_normal_workbook_is_never_a_formula():
    wb = Workbook()
    cell = set_text(wb.active["A1"], "=HYPERLINK(\"http://evil.test\",\"x\")")
    assert cell.data_type == "s" and cell.quotePrefix
    out = io.BytesIO()
    wb.save(out)
    back = load_workbook(io.BytesIO(out.getvalue())).active["A1"]
    assert back.value == "=HYPERLINK(\"http://evil.test\",\"x\")" and back.data_type == "s"
    assert not any(b"<f>" in xml for xml in _sheet_xml(out.getvalue()))


def test_texts_written_as_our_exports_write_them_import_unchanged(world, catalog):
    rows = valid_rows()
    notes = ["- front door", "+82 2 1234 5678", "'a quote the user typed"]
    for dependency in rows["Dependencies"]:
        dependency["notes"] = "placeholder"
    wb = load_workbook(xlsx(rows))
    ws = wb["Dependencies"]
    column = next(c.column for c in ws[2] if c.value == "notes" or "Notes" in str(c.value))
    for row, note in zip(range(3, 6), notes, strict=True):
        set_text(ws.cell(row=row, column=column), note)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)

    plan = parse_register(out, world.firm_a)
    assert plan.is_valid, plan.errors
    apply_plan(plan, world.firm_a, world.a_officer)
    stored = set(Dependency.objects.for_org(world.firm_a).values_list("notes", flat=True))
    assert stored == set(notes)
