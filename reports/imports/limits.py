"""What an uploaded workbook must satisfy before openpyxl is allowed to open it.

The checks run on the raw bytes and the zip directory only, so a hostile file (a zip bomb, a
renamed executable, a 1 GB upload) is refused before any XML is inflated into memory.
Limits are module constants so tests can lower them.
"""

from __future__ import annotations

import xml.sax
import zipfile
from typing import IO

from defusedxml import DefusedXmlException
from defusedxml.sax import make_parser
from django.utils.translation import gettext as _

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DATA_ROWS = 50_000
# A register at the row limit (bench/upload_memory.py: 50,000 data rows) inflates to 23 MB; the cap leaves room
# for longer texts and no more, since openpyxl keeps shared strings in memory.
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
# Cells a row may hold beyond the template's columns (notes a user added at the side) before it is refused.
COLUMN_MARGIN = 20
MAX_COMPRESSION_RATIO = 100
# Small members (styles, content types) may compress extremely well; the ratio matters when big.
RATIO_CHECKED_ABOVE_BYTES = 1024 * 1024
MAX_MEMBERS = 500
ZIP_MAGIC = b"PK\x03\x04"


class ImportRefused(Exception):
    """The file as a whole cannot be imported; the message says why, for the user."""

    def __init__(self, message: str, code: str = "invalid_file"):
        super().__init__(message)
        self.message = message
        self.code = code


def file_size(file: IO[bytes]) -> int:
    size = getattr(file, "size", None)
    if size is not None:
        return int(size)
    position = file.tell()
    file.seek(0, 2)
    size = file.tell()
    file.seek(position)
    return size


class _RowTooWide(Exception):
    def __init__(self, row: str, cells: int):
        self.row, self.cells = row, cells


class _CellCounter(xml.sax.ContentHandler):
    """Counts the cells of each worksheet row as the XML streams by; keeps nothing else."""

    def __init__(self, max_cells: int):
        super().__init__()
        self.max_cells, self.cells, self.rows, self.row = max_cells, 0, 0, ""

    def startElement(self, name, attrs):
        local = name.rpartition(":")[2]
        if local == "row":
            self.rows += 1
            self.cells, self.row = 0, attrs.get("r") or str(self.rows)
        elif local == "c":
            self.cells += 1
            if self.cells > self.max_cells:
                raise _RowTooWide(self.row, self.cells)


def _scan_parts(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], max_columns: int | None) -> None:
    """Stream every XML part through a defused SAX parser before openpyxl builds anything from it.

    SAX holds no tree, so a row of millions of cells costs the same memory as an empty one; the parser
    refuses document types and entities, so no part can expand or reach outside the file."""
    for member in members:
        if not member.filename.endswith((".xml", ".rels")):
            continue
        is_sheet = member.filename.startswith("xl/worksheets/")
        counter = _CellCounter(max_columns + COLUMN_MARGIN if is_sheet and max_columns else 10**12)
        parser = make_parser()
        parser.forbid_dtd = True
        parser.setContentHandler(counter)
        try:
            with archive.open(member) as stream:
                parser.parse(stream)
        except _RowTooWide as wide:
            raise ImportRefused(
                _("Row %(row)s of a sheet holds more than %(cells)s cells; the template has %(columns)s columns. "
                  "Delete what is beside the table and import again.")
                % {"row": wide.row, "cells": wide.cells - 1, "columns": max_columns},
                "row_too_wide",
            ) from None
        except (DefusedXmlException, xml.sax.SAXException, ValueError, OSError, zipfile.BadZipFile) as exc:
            raise ImportRefused(
                _("The part %(name)s of the file is not plain Excel XML; refused.") % {"name": member.filename},
                "not_xlsx",
            ) from exc


def check_upload(file: IO[bytes], max_columns: int | None = None) -> None:
    """Refuse anything that is too big, not an xlsx, a compression bomb, or shaped to exhaust memory
    (``max_columns``: the template's widest sheet). Leaves file at 0."""
    size = file_size(file)
    if size > MAX_FILE_BYTES:
        raise ImportRefused(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(size / 1024 / 1024, 1), "limit": MAX_FILE_BYTES // (1024 * 1024)},
            "too_large",
        )
    file.seek(0)
    magic = file.read(4)
    file.seek(0)
    if magic != ZIP_MAGIC:
        raise ImportRefused(_("This is not an Excel .xlsx file. Download the template and fill it in."), "not_xlsx")
    try:
        archive = zipfile.ZipFile(file)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        file.seek(0)
        raise ImportRefused(_("This is not an Excel .xlsx file: the archive cannot be read."), "not_xlsx") from exc
    try:
        _check_directory(members)
        _scan_parts(archive, members, max_columns)
    finally:
        archive.close()
        file.seek(0)


def _check_directory(members: list[zipfile.ZipInfo]) -> None:
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ImportRefused(_("This is not an Excel .xlsx file (no workbook inside the archive)."), "not_xlsx")
    if len(members) > MAX_MEMBERS:
        raise ImportRefused(_("The file has too many parts to be a register workbook."), "zip_bomb")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ImportRefused(
            _("The file would expand to %(size)s MB when opened; the limit is %(limit)s MB.")
            % {"size": total // (1024 * 1024), "limit": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)},
            "zip_bomb",
        )
    for member in members:
        if member.file_size > RATIO_CHECKED_ABOVE_BYTES:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > MAX_COMPRESSION_RATIO:
                raise ImportRefused(
                    _("The part %(name)s is compressed %(ratio)s:1, which looks like a zip bomb; refused.")
                    % {"name": member.filename, "ratio": int(ratio)},
                    "zip_bomb",
                )
