"""Writing a filled-in register workbook from plain rows (tests, the benchmark, round-trip exports).

Streams in openpyxl write-only mode, so a 50,000-row file is cheap to make. Headers go through the
safe-cell helper; data values are written as given, so a test can plant a real formula ("=1+1")
and prove the importer refuses it.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from reports.imports.columns import SHEETS
from reports.workbooks.cells import safe_cell


def register_workbook(
    rows: dict[str, list[dict[str, Any]]], *, columns: dict[str, list[str]] | None = None, language: str = "en"
) -> bytes:
    """An xlsx with the four register sheets; ``rows`` maps sheet name -> list of {column key: value}.

    ``columns`` optionally limits (and orders) the columns of a sheet, by key; ``language`` names the sheets
    as that language's template does (the keys of ``rows`` and ``columns`` stay the English names).
    """
    wb = Workbook(write_only=True)
    for spec in SHEETS:
        ws = wb.create_sheet(spec.title(language))
        keys = (columns or {}).get(spec.name) or [c.key for c in spec.columns]
        specs = [spec.column(k) for k in keys]
        ws.append([safe_cell(ws, c.ko) for c in specs])
        ws.append([safe_cell(ws, c.en) for c in specs])
        for row in rows.get(spec.name, []):
            ws.append([row.get(k) for k in keys])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
