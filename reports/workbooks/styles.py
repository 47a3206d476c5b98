"""Shared look of every Backstop workbook: header style, number/date formats, column widths."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
INTEGER_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
SUBHEADER_FONT = Font(bold=True, color="1F4E79")
SUBHEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)
THIN_BORDER = Border(bottom=Side(style="thin", color="808080"))
TITLE_FONT = Font(bold=True, size=14)

# Column widths in Excel character units, by the kind of content the column holds.
WIDTHS = {"code": 14, "short": 18, "name": 32, "long": 48, "date": 12, "number": 12, "flag": 10}
DEFAULT_WIDTH = 18


def header_style() -> dict:
    """Keyword arguments for reports.workbooks.cells.safe_cell on a (first) header row."""
    return {"font": HEADER_FONT, "fill": HEADER_FILL, "alignment": HEADER_ALIGNMENT}


def subheader_style() -> dict:
    """A second header row (e.g. the English row under the Korean one)."""
    return {"font": SUBHEADER_FONT, "fill": SUBHEADER_FILL, "alignment": HEADER_ALIGNMENT}


def set_widths(ws, widths: list[int | str]) -> None:
    """Set column widths; entries are numbers or keys of WIDTHS. Works in write-only mode too."""
    for index, width in enumerate(widths, start=1):
        value = WIDTHS.get(width, DEFAULT_WIDTH) if isinstance(width, str) else width
        ws.column_dimensions[get_column_letter(index)].width = value
