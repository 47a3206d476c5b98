"""The one helper for every cell written from user-supplied text.

A spreadsheet treats text that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and a
leading tab or carriage return is how CSV/DDE injection payloads hide that first character), so
a vendor called ``=HYPERLINK("http://evil", "click")`` would become a live link in the examiner's
Excel. Every such string is written as text: prefixed with a single quote ``'`` (the convention
Excel, LibreOffice and OWASP use to mean "this is text") **and**, when a cell object is built,
with its data type forced to string so openpyxl never emits a ``<f>`` element for it.

Strings are also checked after leading spaces and line feeds, because spreadsheet apps may strip
those before deciding what the cell is. Characters that XML cannot carry (control characters) are
removed so an export never crashes on a pasted value.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
# Whitespace a spreadsheet may skip before looking at the first "real" character.
_SKIPPED_LEADING = " \n\u00a0\u3000"
# Same set as openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE, minus tab/CR/LF which XML allows.
_ILLEGAL_XML = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def needs_quoting(text: str) -> bool:
    """True when ``text`` could be read as a formula by a spreadsheet application."""
    if not text:
        return False
    if text.startswith(FORMULA_PREFIXES):
        return True
    stripped = text.lstrip(_SKIPPED_LEADING)
    return stripped != text and stripped.startswith(FORMULA_PREFIXES)


def safe_value(value: Any) -> Any:
    """The value to put in a cell: formula-looking strings become quoted text.

    Numbers, dates, booleans and ``None`` are returned unchanged (a negative *number* is data,
    not a formula); anything else is turned into a string first (lazy translations, enums).
    """
    if value is None or isinstance(value, (bool, int, float, Decimal)):
        return value
    if hasattr(value, "isoformat") and not isinstance(value, str):  # date, datetime, time
        return value
    text = _ILLEGAL_XML.sub("", str(value))
    if needs_quoting(text):
        return "'" + text
    return text


def safe_cell(ws: WriteOnlyWorksheet, value: Any, **style: Any) -> WriteOnlyCell:
    """A write-only cell holding ``safe_value(value)``, its type forced to text for strings.

    ``style`` keywords (font, fill, alignment, number_format, border) are set on the cell.
    """
    cleaned = safe_value(value)
    cell = WriteOnlyCell(ws, value=cleaned)
    if isinstance(cleaned, str):
        # Belt and braces: openpyxl decides "formula" from a leading "=", which the quote
        # already prevents; forcing the type keeps it text even if that rule ever changes.
        cell.data_type = "s"
    for name, attr in style.items():
        setattr(cell, name, attr)
    return cell


def safe_row(ws: WriteOnlyWorksheet, values: list[Any], **style: Any) -> list[WriteOnlyCell]:
    """A whole row of safe cells, all with the same style."""
    return [safe_cell(ws, v, **style) for v in values]
