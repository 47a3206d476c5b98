"""Factories for export jobs. FACTORIES feeds the route matrix: a finished job with a real file,
so firm B's own admin can download it (and everyone else gets 404)."""

from __future__ import annotations

import datetime
import hashlib
import itertools
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from accounts.models import Organization
from reports.models import ExportJob, ExportKind, ExportStatus

_seq = itertools.count(1)


def make_export_job(org: Organization, **extra) -> ExportJob:
    fields = {"kind": ExportKind.REGISTER_WORKBOOK, "language": "en", "status": ExportStatus.QUEUED}
    fields.update(extra)
    return ExportJob.objects.create(organization=org, **fields)


def make_done_job(org: Organization, content: bytes = b"PK-not-really-a-workbook", **extra) -> ExportJob:
    name = f"exports/{org.pk}/register_workbook-B-SECRET-{next(_seq)}.xlsx"
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    now = timezone.now()
    fields = {
        "status": ExportStatus.DONE, "progress": 100, "file": name, "file_sha256": hashlib.sha256(content).hexdigest(),
        "file_size": len(content), "row_count": 1, "started_at": now, "finished_at": now,
        "expires_at": now + datetime.timedelta(hours=72), "message": "B-SECRET export",
    }
    fields.update(extra)
    return make_export_job(org, **fields)


FACTORIES = {ExportJob: make_done_job}
