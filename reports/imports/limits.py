"""What an uploaded workbook must satisfy before openpyxl is allowed to open it.

The checks run on the raw bytes and the zip directory only, so a hostile file (a zip bomb, a
renamed executable, a 1 GB upload) is refused before any XML is inflated into memory.
Limits are module constants so tests can lower them.
"""

from __future__ import annotations

import zipfile
from typing import IO

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DATA_ROWS = 50_000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
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


def check_upload(file: IO[bytes]) -> None:
    """Refuse anything that is too big, not an xlsx, or a compression bomb. Leaves file at 0."""
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
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportRefused(_("This is not an Excel .xlsx file: the archive cannot be read."), "not_xlsx") from exc
    finally:
        file.seek(0)
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
