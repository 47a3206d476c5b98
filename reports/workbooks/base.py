"""The machinery every workbook builder shares: typed columns, a streaming sheet writer, progress.

Builders describe a sheet as a list of :class:`Column` and push rows of plain values; the writer
turns each value into a cell of the column's kind. Every text becomes a string cell as
``reports.workbooks.cells`` describes, so no builder can write a formula, nor alter a text.
Write-only mode keeps memory flat: a row is serialised as soon as it is appended.
"""

from __future__ import annotations

import datetime
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from reports.workbooks import stream, styles
from reports.workbooks.cells import safe_cell
from reports.workbooks.labels import label

# Conditional colours: ratings A..D and red flags (SPOF, failed test). Rules are attached to the
# column range when the sheet closes, so they cost nothing per row.
GOOD = PatternFill("solid", fgColor="C6EFCE")
FAIR = PatternFill("solid", fgColor="FFEB9C")
POOR = PatternFill("solid", fgColor="F8CBAD")
BAD = PatternFill("solid", fgColor="FFC7CE")
BAD_FONT = Font(color="9C0006", bold=True)
RATING_FILLS = {"A": GOOD, "B": GOOD, "C": FAIR, "D": BAD}

ProgressCallback = Callable[[int], None]


@dataclass(frozen=True)
class Column:
    """One column: its English header (translated when written), width and kind of value.

    ``highlight`` maps exact cell texts to fills (conditional formatting, e.g. {"SPOF": BAD}).
    Its keys are resolved through :func:`label` so they match the translated cell text.
    """

    header: str
    kind: str = "text"  # text, long, int, number, date, datetime, code
    width: int | str | None = None
    highlight: dict[str, PatternFill] = field(default_factory=dict)


_KIND_WIDTH = {"text": "short", "long": "long", "int": "number", "number": "number",
               "date": "date", "datetime": 17, "code": "code"}


def excel_datetime(value: datetime.datetime | None) -> datetime.datetime | None:
    """Excel has no time zones: write the wall time of settings.TIME_ZONE (Asia/Seoul), whoever asks.

    Every workbook uses that one zone, and every date-time header says which (:func:`time_zone_label`)."""
    if value is None:
        return None
    if timezone.is_aware(value):
        value = timezone.localtime(value, timezone.get_default_timezone())
    return value.replace(tzinfo=None, microsecond=0)


def time_zone_label(at: datetime.datetime | None = None) -> str:
    """The workbooks' zone as a reader needs it: its abbreviation and offset, e.g. "KST, UTC+9"."""
    moment = timezone.localtime(at or timezone.now(), timezone.get_default_timezone())
    minutes = int(moment.utcoffset().total_seconds() // 60)
    sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
    offset = f"{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")
    name = moment.tzname() or ""
    utc = f"UTC{sign}{offset}" if minutes else "UTC"
    return utc if name in ("", "UTC") or name.startswith(("+", "-")) else f"{name}, {utc}"


def timed_header(text: str) -> str:
    """A date-time column's header, stating the zone its times are in."""
    return f"{label(text)} ({time_zone_label()})"


class Progress:
    """Counts rows against an estimate and reports whole percents, at most every half second.

    ``throttle_ms`` sleeps after each row: only the services tests set it, to make a build slow
    enough to kill a worker in the middle of it.
    """

    def __init__(self, callback: ProgressCallback | None = None, total: int = 0, throttle_ms: int = 0):
        self.callback = callback
        self.total = max(total, 1)
        self.done = 0
        self.throttle = throttle_ms / 1000
        self._last_percent = -1
        self._last_report = 0.0

    def add_total(self, rows: int) -> None:
        self.total += rows

    def tick(self, rows: int = 1) -> None:
        self.done += rows
        if self.throttle:
            time.sleep(self.throttle)
        if self.callback is None:
            return
        # Never report 100 before the file is complete: the job sets 100 when it is "done".
        percent = min(99, self.done * 100 // self.total)
        now = time.monotonic()
        if percent != self._last_percent and (now - self._last_report >= 0.5 or self.throttle):
            self._last_percent, self._last_report = percent, now
            self.callback(percent)


def print_setup(ws, *, title_rows: int = 1) -> None:
    """How every sheet a person may print comes out of the printer: A4 landscape, all columns on the
    page width (as many pages down as needed), the header row(s) repeated on every page.

    Call it before the first row of a write-only sheet: the fit-to-page flag is written with the
    sheet's properties, ahead of the rows.
    """
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = f"1:{title_rows}"


# Points per line of 11-point text, and how many characters of a column's width a line holds.
_LINE_HEIGHT = 15


def _display_width(text: str) -> int:
    # Hangul and other East Asian wide characters take two columns of an Excel width unit.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrapped_height(text: str, width: float) -> float:
    """The row height (points) at which ``text`` wrapped in a column of ``width`` shows every line."""
    per_line = max(int(width) - 1, 1)
    lines = sum(max(1, -(-_display_width(line) // per_line)) for line in str(text).split("\n"))
    return float(_LINE_HEIGHT * max(lines, 1))


class SheetWriter:
    """Streams one sheet: header row (frozen, filtered, styled), then typed rows.

    Rows are serialised by ``reports.workbooks.stream`` as they come (one string per cell, one style per
    column), openpyxl writes the rest of the sheet and the package.
    """

    def __init__(self, wb: Workbook, title: str, columns: list[Column], progress: Progress | None = None,
                 header_row: bool = True):
        self.ws = wb.create_sheet(title=label(title)[:31])
        self.columns = columns
        self.progress = progress
        self.rows = 0
        self._header_row = header_row
        styles.set_widths(self.ws, [c.width or _KIND_WIDTH.get(c.kind, "short") for c in columns])
        print_setup(self.ws, title_rows=1 if header_row else 0)
        if header_row:
            # Must be set before the sheet's writer starts: it writes the views ahead of the rows.
            self.ws.freeze_panes = "A2"
        self._writer = stream.StreamedSheetWriter(self.ws)
        if header_row:
            header = [stream.text_maker(self.ws, index, **styles.header_style())
                      for index in range(1, len(columns) + 1)]
            self._write((timed_header(c.header) if c.kind == "datetime" else label(c.header) for c in columns),
                        header)
        self._makers = [self._maker(c, index) for index, c in enumerate(columns, start=1)]

    def _maker(self, column: Column, index: int) -> stream.CellMaker:
        """The converter of one column, built once: its letter, style and kind are known before the first row."""
        ws = self.ws
        if column.kind == "long":
            return stream.text_maker(ws, index, alignment=styles.WRAP)
        if column.kind == "date":
            return stream.formatted_maker(ws, index, styles.DATE_FORMAT)
        if column.kind == "datetime":
            return stream.datetime_maker(ws, index, styles.DATETIME_FORMAT)
        if column.kind == "int":
            return stream.formatted_maker(ws, index, styles.INTEGER_FORMAT)
        if column.kind == "number":
            return stream.formatted_maker(ws, index, "0.0")
        return stream.text_maker(ws, index)

    def _write(self, values: Iterable[Any], makers: list[stream.CellMaker]) -> None:
        self.rows += 1
        row = str(self.rows)
        cells = "".join([make(v, row) for make, v in zip(makers, values, strict=True)])
        self._writer.write_row_xml(f'<row r="{row}">{cells}</row>')

    def append(self, values: Iterable[Any]) -> None:
        self._write(values, self._makers)
        if self.progress is not None:
            self.progress.tick()

    def append_all(self, rows: Iterable[Iterable[Any]]) -> None:
        # append() inlined, with the lookups hoisted out of the loop: this runs once per data row.
        makers, write = self._makers, self._writer.write_row_xml
        tick = self.progress.tick if self.progress else None
        number = self.rows
        try:
            for values in rows:
                number += 1
                row = str(number)
                cells = "".join([make(v, row) for make, v in zip(makers, values, strict=True)])
                write(f'<row r="{row}">{cells}</row>')
                if tick is not None:
                    tick()
        finally:
            self.rows = number

    def close(self) -> None:
        """Filter and conditional colours over the written range (written at the end of the sheet)."""
        last_col = get_column_letter(len(self.columns))
        last_row = max(self.rows, 2)
        if self._header_row:
            self.ws.auto_filter.ref = f"A1:{last_col}{last_row}"
        first = 2 if self._header_row else 1
        for index, column in enumerate(self.columns, start=1):
            letter = get_column_letter(index)
            for text, fill in column.highlight.items():
                shown = label(text) if text not in RATING_FILLS else text
                # A conditional-format rule holds an Excel expression, not a cell: the quoted
                # literal is our own fixed text, never user input.
                self.ws.conditional_formatting.add(
                    f"{letter}{first}:{letter}{last_row}",
                    CellIsRule(operator="equal", formula=[_excel_string(shown)], fill=fill,
                               font=BAD_FONT if fill is BAD else None),
                )


def _excel_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def key_value_sheet(wb: Workbook, title: str, pairs: list[tuple[str, Any]], timed: Iterable[str] = ()) -> Any:
    """A two-column sheet (cover): translated labels on the left, values on the right; returns the sheet.

    Keys in ``timed`` (and any key holding a date-time) say the zone, even when the value is blank.
    A long value (the rating's reasons) wraps and its row is made tall enough to show and print whole.
    """
    timed = set(timed)
    ws = wb.create_sheet(title=label(title)[:31])
    key_width, value_width = 28, 70
    styles.set_widths(ws, [key_width, value_width])
    print_setup(ws, title_rows=0)
    bold = Font(bold=True)
    for row, (key, value) in enumerate(pairs, start=1):
        if isinstance(value, datetime.datetime):
            cell = WriteOnlyCell(ws, value=excel_datetime(value))
            cell.number_format = styles.DATETIME_FORMAT
        elif isinstance(value, datetime.date):
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = styles.DATE_FORMAT
        else:
            cell = safe_cell(ws, value, alignment=styles.WRAP)
            if isinstance(value, str) and value:
                ws.row_dimensions[row].height = wrapped_height(value, value_width)
        name = timed_header(key) if key in timed or isinstance(value, datetime.datetime) else label(key)
        ws.append([safe_cell(ws, name, font=bold, alignment=styles.WRAP), cell])
    return ws
