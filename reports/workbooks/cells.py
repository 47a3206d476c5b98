"""The one helper for every cell written from user-supplied text.

A spreadsheet treats text that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and a
leading tab or carriage return is how CSV/DDE injection payloads hide that first character), so
a vendor called ``=HYPERLINK("http://evil", "click")`` could become a live link in the examiner's
Excel. Every such string is written as a **string cell** (data type "s": an inline string, never an
``<f>`` element, so nothing is ever evaluated) with the **quotePrefix** style, which is what Excel
itself stores when a person types a leading ``'``: the cell shows the text exactly and stays text
when someone edits it. The text itself is never changed: a comment "- 계약서 확인" or "+82 2 ..."
reads in Excel exactly as in the app (an earlier version prepended ``'``, which Excel showed).

Strings are also checked after leading spaces and line feeds, because spreadsheet apps may strip
those before deciding what the cell is. Characters that XML cannot carry (control characters) are
removed so an export never crashes on a pasted value.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
# Whitespace a spreadsheet may skip before looking at the first "real" character.
SKIPPED_LEADING = " \n\u00a0\u3000"
# Same set as openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE, minus tab/CR/LF which XML allows.
ILLEGAL_XML = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def needs_quoting(text: str) -> bool:
    """True when ``text`` could be read as a formula by a spreadsheet application."""
    if not text:
        return False
    if text.startswith(FORMULA_PREFIXES):
        return True
    stripped = text.lstrip(SKIPPED_LEADING)
    return stripped != text and stripped.startswith(FORMULA_PREFIXES)


def safe_value(value: Any) -> Any:
    """The value to put in a cell: text cleaned of what XML cannot hold, otherwise unchanged.

    Numbers, dates, booleans and ``None`` are returned as they are (a negative *number* is data,
    not a formula); anything else is turned into a string (lazy translations, enums). A string must
    then be written through :func:`safe_cell` or :func:`set_text` so that it is typed as text.
    """
    if value is None or isinstance(value, (bool, int, float, Decimal)):
        return value
    if hasattr(value, "isoformat") and not isinstance(value, str):  # date, datetime, time
        return value
    return ILLEGAL_XML.sub("", str(value))


def set_text(cell: Cell, value: Any) -> Cell:
    """Put ``safe_value(value)`` into an existing (normal-mode) cell, a string typed as text."""
    cleaned = safe_value(value)
    cell.value = cleaned
    if isinstance(cleaned, str):
        # Assigning "=..." made openpyxl type it a formula: it is text.
        cell.data_type = "s"
        if needs_quoting(cleaned):
            cell.quotePrefix = True
    return cell


def safe_cell(ws: WriteOnlyWorksheet, value: Any, **style: Any) -> WriteOnlyCell:
    """A write-only cell holding ``safe_value(value)``, its type forced to text for strings.

    ``style`` keywords (font, fill, alignment, number_format, border) are set on the cell.
    """
    cell = WriteOnlyCell(ws)
    set_text(cell, value)
    for name, attr in style.items():
        setattr(cell, name, attr)
    return cell


def safe_row(ws: WriteOnlyWorksheet, values: list[Any], **style: Any) -> list[WriteOnlyCell]:
    """A whole row of safe cells, all with the same style."""
    return [safe_cell(ws, v, **style) for v in values]
