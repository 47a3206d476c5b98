"""Data rows serialised straight to a sheet's XML: no cell object, no XML element per cell.

openpyxl's write-only mode builds a cell object for every value and an XML element tree for every cell
(about three quarters of an export's time went there). A :class:`~reports.workbooks.base.SheetWriter`
column knows its kind, its style and its letter before the first row, so each value becomes one
formatted string: ``<c r="B7" s="3" t="inlineStr"><is><t>…</t></is></c>``. openpyxl still writes
everything else of the sheet (properties, widths, frozen panes, filter, conditional formats, charts,
print setup: :class:`StreamedSheetWriter` hands those to openpyxl's own writer methods) and the whole
package (styles, shared parts, zip).

Text stays exactly the text (``reports.workbooks.cells``): it is always an inline *string* cell, never
an ``<f>`` element, and quote-prefixed when a spreadsheet could read it as a formula. Values the fast
paths do not know (times, durations, a number in a text column...) go through openpyxl's own cell
writer, so nothing is written differently from openpyxl, only faster.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell._writer import etree_write_cell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import tostring

from reports.workbooks.cells import FORMULA_PREFIXES, ILLEGAL_XML, SKIPPED_LEADING, needs_quoting, safe_value

# A cell maker turns one value and its row number (as text) into the cell's XML ("" for no cell).
CellMaker = Callable[[Any, str], str]

_HEAD = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         f'<worksheet xmlns="{SHEET_MAIN_NS}">').encode()
_FLUSH_ROWS = 500
_RISKY_FIRST = frozenset(FORMULA_PREFIXES) | frozenset(SKIPPED_LEADING)


class StreamedSheetWriter(WorksheetWriter):
    """openpyxl's worksheet writer with the rows written as text by :meth:`write_row_xml`.

    Everything before and after ``<sheetData>`` is openpyxl's, element by element, in the same order.
    Installed as the write-only sheet's writer, so ``Workbook.save`` closes and packages it as usual.
    """

    def __init__(self, ws):
        self._fh = None
        self._buffer: list[str] = []
        self._rows_open = False
        super().__init__(ws)
        ws._writer = self
        self.write_top()

    def get_stream(self):
        with open(self.out, "wb") as fh:
            self._fh = fh
            fh.write(_HEAD)
            try:
                while True:
                    element = yield
                    if element is True:  # WriteOnlyWorksheet.append asking for the stream
                        raise TypeError("a SheetWriter sheet takes its rows through SheetWriter.append")
                    if element is not None:
                        fh.write(tostring(element))
            except GeneratorExit:
                if not fh.closed:  # closed first when an abandoned sheet is garbage-collected
                    fh.write(b"</worksheet>")

    def write_row_xml(self, row: str) -> None:
        if not self._rows_open:
            self._fh.write(b"<sheetData>")
            self._rows_open = True
        self._buffer.append(row)
        if len(self._buffer) >= _FLUSH_ROWS:
            self._flush()

    def _flush(self) -> None:
        self._fh.write("".join(self._buffer).encode())
        self._buffer.clear()

    def write_rows(self) -> None:
        """Called once by the sheet's ``close()``: end the rows (or write an empty ``<sheetData/>``)."""
        if self._rows_open:
            self._flush()
            self._fh.write(b"</sheetData>")
        else:
            self._fh.write(b"<sheetData/>")


def style_of(ws, **style: Any) -> StyleArray:
    """The style array a cell gets when ``style`` (font, alignment, number_format...) is set on it."""
    template = WriteOnlyCell(ws)
    for name, attr in style.items():
        setattr(template, name, attr)
    return template._style


def _style_attr(ws, style: StyleArray | None) -> str:
    # The workbook's one table of cell formats: every cell of a column shares one entry.
    if style is None or not any(style):
        return ""
    return f' s="{ws.parent._cell_styles.add(style)}"'


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _number(value: Any) -> str:
    # openpyxl's own formatting of a number (compat.strings.safe_string).
    return f"{float(value):.16g}"


def fallback_cell(ws, column: int, **style: Any) -> CellMaker:
    """What openpyxl itself writes for ``value`` with ``style``: the path for values no fast path knows."""

    def make(value: Any, row: str) -> str:
        cell = WriteOnlyCell(ws, value=value)
        for name, attr in style.items():
            setattr(cell, name, attr)
        cell.row, cell.column = int(row), column
        out: list[bytes] = []
        etree_write_cell(_Collect(out), ws, cell, cell.has_style)
        return b"".join(out).decode()

    return make


class _Collect:
    def __init__(self, out: list[bytes]):
        self.out = out

    def write(self, element) -> None:
        self.out.append(tostring(element))


def text_maker(ws, column: int, **style: Any) -> CellMaker:
    """Text as an inline string cell: unchanged, typed text so it is never a formula, and quote-prefixed
    when it looks like one so it stays text when someone edits it in Excel."""
    letter = get_column_letter(column)
    plain = _style_attr(ws, style_of(ws, **style))
    quoted = _style_attr(ws, style_of(ws, quotePrefix=True, **style))
    middles = {
        (False, False): f'"{plain} t="inlineStr"><is><t>',
        (False, True): f'"{plain} t="inlineStr"><is><t xml:space="preserve">',
        (True, False): f'"{quoted} t="inlineStr"><is><t>',
        (True, True): f'"{quoted} t="inlineStr"><is><t xml:space="preserve">',
    }
    start = f'<c r="{letter}'
    illegal_sub = ILLEGAL_XML.sub
    other = fallback_cell(ws, column, **style)

    def make(value: Any, row: str) -> str:
        if value is None or value == "":
            return ""
        cleaned = illegal_sub("", value) if type(value) is str else safe_value(value)
        if not isinstance(cleaned, str):
            return other(cleaned, row)
        if not cleaned:
            return ""
        first = cleaned[0]
        # needs_quoting() only when the first character could start (or hide) a formula.
        quoted = first in _RISKY_FIRST and needs_quoting(cleaned)
        middle = middles[quoted, first.isspace() or cleaned[-1].isspace()]
        return f"{start}{row}{middle}{_escape(cleaned)}</t></is></c>"

    return make


# The value types a number or date column writes itself; anything else goes through openpyxl.
_NUMBERS = (int, float, Decimal)
_INFINITE = (float("inf"), float("-inf"))


def formatted_maker(ws, column: int, number_format: str) -> CellMaker:
    """Numbers and dates with ``number_format``; a text in such a column is written as safe text."""
    letter = get_column_letter(column)
    style = _style_attr(ws, style_of(ws, number_format=number_format))
    head = f'<c r="{letter}'
    number_mid, bool_mid = f'"{style} t="n"><v>', f'"{style} t="b"><v>'
    text = text_maker(ws, column)
    other = fallback_cell(ws, column, number_format=number_format)
    epoch = ws.parent.epoch

    def make(value: Any, row: str) -> str:
        if value is None or value == "":
            return ""
        kind = type(value)
        if kind is bool:
            return f"{head}{row}{bool_mid}{int(value)}</v></c>"
        if kind in _NUMBERS:
            if value != value or value in _INFINITE:
                return other(value, row)
            return f"{head}{row}{number_mid}{_number(value)}</v></c>"
        if kind is datetime.date or (kind is datetime.datetime and value.tzinfo is None):
            return f"{head}{row}{number_mid}{_number(to_excel(value, epoch))}</v></c>"
        if isinstance(value, str):
            return text(value, row)
        return other(value, row)

    return make


def datetime_maker(ws, column: int, number_format: str) -> CellMaker:
    """Date-times in the workbooks' zone (settings.TIME_ZONE) as wall time, whole seconds."""
    zone = timezone.get_default_timezone()
    formatted = formatted_maker(ws, column, number_format)
    datetime_type = datetime.datetime

    def make(value: Any, row: str) -> str:
        if type(value) is datetime_type:
            if value.tzinfo is not None:
                value = value.astimezone(zone)
            value = value.replace(tzinfo=None, microsecond=0)
        return formatted(value, row)

    return make
