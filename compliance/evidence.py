"""Evidence files: size limit, type decided by the bytes (not the name or the browser), sha256, private storage.

Files are stored under ``MEDIA_ROOT/evidence/<organisation id>/...`` with a random name; there is no
public URL for MEDIA_ROOT, so the only way out is the permission-checked download endpoint.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from compliance.models import Answer, Evidence

SNIFF_BYTES = 8192
# Detected kind → (content type, extensions the file name may carry).
KINDS = {
    "pdf": ("application/pdf", {".pdf"}),
    "png": ("image/png", {".png"}),
    "jpeg": ("image/jpeg", {".jpg", ".jpeg"}),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {".xlsx"}),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", {".docx"}),
    "csv": ("text/csv", {".csv"}),
    "txt": ("text/plain", {".txt", ".log", ".md"}),
}


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sniffed block is still text.
        return exc.start >= len(head) - 3
    return True


def detect_kind(head: bytes, name: str, opener=None) -> str | None:
    """The file's kind from its first bytes (and, for zip containers, the names inside)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        if opener is None:
            return None
        try:
            with zipfile.ZipFile(opener()) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
        return None  # a bare zip could carry anything
    if head and _is_text(head):
        return "csv" if PurePath(name).suffix.lower() == ".csv" else "txt"
    return None


def clean_name(name: str) -> str:
    """The user's file name without any path and without control characters (kept for display only)."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return base[:255] or "evidence"


def upload_evidence(*, answer: Answer, uploaded_file: UploadedFile, user: User | None) -> Evidence:
    """Check and store one file for an answer. Refusals are field errors on ``file``."""
    size = uploaded_file.size or 0
    limit = settings.EVIDENCE_MAX_BYTES
    if size <= 0:
        raise ValidationError({"file": _("The file is empty.")})
    if size > limit:
        raise ValidationError({"file": _("The file is larger than %(mb)s MB.") % {"mb": round(limit / 1048576, 1)}})
    name = clean_name(uploaded_file.name or "")
    uploaded_file.seek(0)
    head = uploaded_file.read(SNIFF_BYTES)

    def opener():
        uploaded_file.seek(0)
        return io.BytesIO(uploaded_file.read())

    kind = detect_kind(head, name, opener)
    if kind is None:
        raise ValidationError(
            {"file": _("This kind of file is not accepted: use PDF, PNG, JPEG, XLSX, DOCX, CSV or text.")}
        )
    content_type, extensions = KINDS[kind]
    if PurePath(name).suffix.lower() not in extensions:
        raise ValidationError({"file": _("The file's content is %(kind)s but its name ends in %(ext)s.")
                               % {"kind": kind.upper(), "ext": PurePath(name).suffix or "(nothing)"}})
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    evidence = Evidence(
        organization=answer.organization, answer=answer, original_name=name, size=size,
        content_type=content_type, sha256=digest.hexdigest(), uploaded_by=user,
    )
    with transaction.atomic():
        evidence.file.save(name, uploaded_file, save=False)
        try:
            evidence.full_clean()
            evidence.save()
        except Exception:
            # Nothing half-written: a file without its row would be an orphan no one can reach.
            evidence.file.delete(save=False)
            raise
    return evidence


def delete_evidence(*, evidence: Evidence) -> None:
    with transaction.atomic():
        name = evidence.file.name
        storage = evidence.file.storage
        evidence.delete()
        transaction.on_commit(lambda: storage.delete(name))
