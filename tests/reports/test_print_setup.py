"""Every sheet a person may print comes out landscape, one page wide, its header repeated on each page;
the cover prints the rating's reasons whole; the simulation workbook reads like the others."""

import datetime
import io

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from market.export import simulation_workbook
from market.models import SavedSimulation
from reports.imports.template import build_template
from reports.workbooks.audit import build_audit_workbook
from reports.workbooks.base import wrapped_height
from reports.workbooks.register import build_register_workbook
from tests.reports.export_world import build_firm

pytestmark = pytest.mark.django_db


def _printable(ws, title_rows: str | None = "1:1") -> None:
    assert ws.page_setup.orientation == "landscape", ws.title
    assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
    assert ((ws.print_title_rows or "").replace("$", "") or None) == title_rows, ws.title


def _load(build) -> object:
    out = io.BytesIO()
    with translation.override("ko"):
        build(out)
    return load_workbook(io.BytesIO(out.getvalue()))


def test_register_and_audit_sheets_print_landscape_one_page_wide_with_repeated_headers(world):
    assessment = build_firm(world.firm_a, world.a_officer)
    for wb in (_load(lambda out: build_register_workbook(world.firm_a, out)),
               _load(lambda out: build_audit_workbook(world.firm_a, assessment.pk, out))):
        for ws in wb:
            _printable(ws, None if ws.title == wb.sheetnames[0] and ws.max_column == 2 else "1:1")


def test_the_cover_shows_every_line_of_the_rating_reasons(world):
    assessment = build_firm(world.firm_a, world.a_officer)
    wb = _load(lambda out: build_audit_workbook(world.firm_a, assessment.pk, out))
    cover = wb.worksheets[0]
    reasons_row = next(r for r in cover.iter_rows() if r[0].value == "등급 사유")
    cell = reasons_row[1]
    assert cell.value and cell.alignment.wrap_text
    height = cover.row_dimensions[cell.row].height
    assert height and height >= wrapped_height(cell.value, cover.column_dimensions["B"].width)
    assert height >= 15 * (cell.value.count("\n") + 1)


def test_the_import_template_prints_too():
    wb = load_workbook(io.BytesIO(build_template("ko", [("aws", "AWS")])))
    for ws in wb.worksheets[1:5]:
        _printable(ws, "1:2")


def _simulation() -> SavedSimulation:
    return SavedSimulation(name="CDN day", results={
        "failed": [{"id": 1, "name": "Cloudflare"}], "duration_minutes": 174,
        "computed_at": timezone.now().isoformat(),
        "totals": {"bank": {"lost_beyond_rto": 1, "degraded_within_rto": 0, "covered": 2, "not_affected": 3}},
        "breaching": [{"firm_name": "Alpha Bank", "firm_kind": "bank", "as_of": "2025-11-01T09:00:00+00:00",
                       "services": [{"reference": "S-1", "name": "Mobile login", "rto_minutes": 60,
                                     "downtime_minutes": 174}]}],
        "services": [{"firm_name": "Alpha Bank", "firm_kind": "bank", "as_of": "2025-11-01T09:00:00+00:00",
                      "service_reference": "S-1", "service_name": "Mobile login", "importance": "critical",
                      "rto_minutes": 60, "outcome": "lost_beyond_rto", "downtime_minutes": 174,
                      "reasons": [{"vendor_name": "CDN", "hit_via": "direct", "reason": "untested",
                                   "strategy": "cold_standby", "last_test_on": "2024-01-02",
                                   "last_test_result": "fail"}]}],
    })


def test_the_simulation_workbook_has_widths_frozen_headers_filters_and_labels(world):
    with translation.override("ko"):
        wb = load_workbook(io.BytesIO(simulation_workbook(_simulation())))
    summary, *tables = wb.worksheets
    _printable(summary, None)
    assert summary["B1"].value == "CDN day"
    computed = next(r for r in summary.iter_rows() if r[0].value.endswith("(KST, UTC+9)"))
    assert isinstance(computed[1].value, datetime.datetime)
    text = [c.value for ws in tables for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    for code in ("bank", "critical", "cold_standby", "untested", "direct", "lost_beyond_rto"):
        assert not any(code in t for t in text), code
    assert "은행" in text
    for ws in tables:
        _printable(ws)
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        assert ws.column_dimensions["A"].width >= 18
