"""Export jobs: request (and queue), run (idempotently), expire, re-dispatch.

The job row is the record of what left the system (design.md, reports/). A request never loses
a job: it is saved first, the task is dispatched after the commit, and a broker that is down
leaves the job queued with a message until the beat task dispatches it again. The runner is
idempotent: a finished job is not rebuilt, a job another worker is really running is left alone,
and a job whose worker died (SIGKILL, OOM) is restarted from scratch.
"""

from __future__ import annotations

import datetime
import errno
import hashlib
import logging
import os
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import OperationalError as DatabaseLocked
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError

from accounts import rls
from accounts.models import Organization
from audit.context import acting_as
from audit.models import AuditEvent
from audit.recorder import record
from core.filenames import export_filename
from reports.exports.kinds import SPECS, clean_parameters
from reports.models import ExportJob, ExportStatus
from reports.workbooks.base import Progress

logger = logging.getLogger(__name__)

BROKER_DOWN_MESSAGE = _(
    "The export queue is unavailable; your job is kept and will start when it is back."
)
DISK_FULL_MESSAGE = _(
    "The server ran out of disk space while writing the export; nothing was kept. Ask for it again later."
)
# Two-key advisory lock (class, job id): held by the worker building a job, released by
# PostgreSQL when that worker's connection dies, which is how a dead runner is recognised.
_RUN_LOCK_CLASS = 7_241_002
_BROKER_ERRORS = (OperationalError, ConnectionError, OSError)


def request_export(
    *, organization: Organization, user, kind: str, parameters: dict | None = None, language: str = "ko"
) -> ExportJob:
    """Create a queued job (audited as an export), then dispatch its task after the commit."""
    cleaned = clean_parameters(organization, kind, parameters, user)
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with transaction.atomic():
        job = ExportJob(organization=organization, requested_by=user, kind=kind, parameters=cleaned,
                        language=language)
        job.full_clean()
        job.save()
        record(AuditEvent.Action.EXPORT, obj=job, actor=user,
               changes={"kind": kind, "parameters": cleaned, "language": language})
    # Outside any surrounding transaction this runs at once; inside one, when it commits, so
    # the worker never looks for a row it cannot see yet.
    transaction.on_commit(lambda: dispatch(job))
    return job


def dispatch(job: ExportJob) -> bool:
    """Send the job to the queue. A broker that is down keeps the job queued with a message."""
    from reports.tasks import run_export

    now = timezone.now()
    scoped = ExportJob.objects.filter(organization_id=job.organization_id, pk=job.pk)
    if settings.EXPORT_IN_THREAD and run_export.app.conf.task_always_eager:
        scoped.update(last_dispatched_at=now)
        run_in_thread(job.pk, job.organization_id)
        return True
    try:
        # ignore_result: the job row is the result. Asking for one makes Celery subscribe to the
        # result backend first, which with Redis down blocks ~40 s and then disables the backend
        # for the rest of the process instead of failing fast with the broker error caught below.
        run_export.apply_async(args=[job.pk, job.organization_id], retry=False, ignore_result=True,
                               queue=settings.EXPORT_QUEUE or None)
    except _BROKER_ERRORS as exc:
        logger.warning("export job %s kept queued: broker unavailable (%s)", job.pk, exc)
        job.message = str(BROKER_DOWN_MESSAGE)
        scoped.filter(status=ExportStatus.QUEUED).update(message=job.message, last_dispatched_at=now)
        return False
    scoped.update(last_dispatched_at=now)
    if job.message == str(BROKER_DOWN_MESSAGE):
        job.message = ""
        scoped.filter(message=str(BROKER_DOWN_MESSAGE)).update(message="")
    return True


THREAD_LOCK_RETRIES = 5


def run_in_thread(job_id: int, organization_id: int) -> threading.Thread:
    """The embedded default has no worker, and an eager task would build the whole file before the request
    that asked for it returns, so nobody would see the progress: run it beside the request instead. The
    thread has its own database connection (closed when done). A server stopped mid-export leaves the job
    "running" (there is no beat to restart it embedded): ask for the export again."""

    def run() -> None:
        try:
            for attempt in range(1, THREAD_LOCK_RETRIES + 1):
                try:
                    run_export_job(job_id, organization_id)
                    return
                except DatabaseLocked:
                    # SQLite answers "locked" when a reader holds the table (at once with a shared cache, as
                    # in the tests; after its timeout on the file database). The claim rolled back, so running
                    # again is safe: a job already claimed answers "busy", a finished one its status.
                    if attempt == THREAD_LOCK_RETRIES:
                        raise
                    time.sleep(0.2 * attempt)
        except Exception:
            logger.exception("export job %s failed in its thread", job_id)
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=f"export-{job_id}", daemon=True)
    thread.start()
    return thread


# --- running ------------------------------------------------------------------------------------

def _try_run_lock(job_id: int) -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_RUN_LOCK_CLASS, job_id % 2**31])
        return bool(cursor.fetchone()[0])


def _release_run_lock(job_id: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_RUN_LOCK_CLASS, job_id % 2**31])


def _stale(job: ExportJob, now: datetime.datetime) -> bool:
    last_sign_of_life = max(filter(None, [job.started_at, job.updated_at]), default=now)
    return now - last_sign_of_life > datetime.timedelta(minutes=settings.EXPORT_STALE_MINUTES)


def _claim(job_id: int, organization_id: int, have_lock: bool) -> tuple[ExportJob | None, str]:
    with transaction.atomic():
        job = (ExportJob.objects.select_for_update(of=("self",)).select_related("organization", "requested_by")
               .filter(organization_id=organization_id, pk=job_id).first())
        if job is None:
            return None, "missing"
        if job.status in (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED):
            return None, job.status  # idempotent: a redelivered message does not rebuild
        now = timezone.now()
        if job.status == ExportStatus.RUNNING:
            # On PostgreSQL holding the lock proves the previous runner is gone (its connection
            # died with it); elsewhere only a long silence does.
            runner_gone = have_lock if connection.vendor == "postgresql" else _stale(job, now)
            if not runner_gone:
                return None, "busy"
            logger.warning("export job %s: previous run (attempt %s) died; restarting", job.pk, job.attempts)
        job.status, job.started_at, job.progress = ExportStatus.RUNNING, now, 0
        job.attempts += 1
        job.error = job.message = ""
        job.save(update_fields=["status", "started_at", "progress", "attempts", "error", "message", "updated_at"])
        return job, "claimed"


def export_dir(organization_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "exports" / str(organization_id)


def sha256_of(path: Path) -> str:
    with open(path, "rb") as fh:
        return sha256_of_file(fh)


def sha256_of_file(fh) -> str:
    """Hash an open binary file from its current position to the end (left at the end)."""
    digest = hashlib.sha256()
    for block in iter(lambda: fh.read(1024 * 1024), b""):
        digest.update(block)
    return digest.hexdigest()


def run_export_job(job_id: int, organization_id: int) -> str:
    """Build one job's file. Returns what happened: done, failed, busy, missing, or the final status."""
    with rls.firm(organization_id):
        return _run_export_job(job_id, organization_id)


def _run_export_job(job_id: int, organization_id: int) -> str:
    have_lock = _try_run_lock(job_id)
    try:
        if connection.vendor == "postgresql" and not have_lock:
            return "busy"
        job, outcome = _claim(job_id, organization_id, have_lock)
        if job is None:
            return outcome
        return _build(job)
    finally:
        if have_lock:
            _release_run_lock(job_id)


def _build(job: ExportJob) -> str:
    scoped = ExportJob.objects.filter(organization_id=job.organization_id, pk=job.pk)

    def report(percent: int) -> None:
        # A plain UPDATE (no audit event per percent); updated_at is the runner's heartbeat.
        scoped.update(progress=percent, updated_at=timezone.now())

    throttle = job.parameters.get("throttle_ms", 0) if settings.EXPORT_ALLOW_THROTTLE else 0
    folder = export_dir(job.organization_id)
    folder.mkdir(parents=True, exist_ok=True)
    assessment = job.parameters.get("assessment")
    # What, whose, which and when (core.filenames); the job number keeps two exports of a day apart.
    final_name = export_filename(job.kind.replace("_", "-"), job.organization,
                                 f"assessment-{assessment}" if assessment else "", f"job-{job.pk}")
    temp = folder / f".{final_name}.{uuid.uuid4().hex}.part"
    try:
        builder = SPECS[job.kind].builder()
        with translation.override(job.language), acting_as(job.requested_by, job.organization):
            rows = builder(job.organization, job.parameters, str(temp), Progress(report, 0, throttle),
                           job.requested_by)
        digest, size = sha256_of(temp), temp.stat().st_size
        # Readers never see a half-written file: the final name appears only when it is complete.
        os.replace(temp, folder / final_name)
    except Exception as exc:
        logger.exception("export job %s failed", job.pk)
        temp.unlink(missing_ok=True)
        job.status, job.finished_at = ExportStatus.FAILED, timezone.now()
        job.error = f"{type(exc).__name__}: {exc}"[:2000]
        # The technical error is for the operator; a full disk also gets a sentence the requester can act on.
        disk_full = isinstance(exc, OSError) and exc.errno == errno.ENOSPC
        with translation.override(job.language):
            job.message = str(DISK_FULL_MESSAGE) if disk_full else ""
        with acting_as(job.requested_by, job.organization):
            job.save(update_fields=["status", "finished_at", "error", "message", "updated_at"])
        return "failed"
    now = timezone.now()
    job.status, job.progress, job.finished_at = ExportStatus.DONE, 100, now
    job.file.name = f"exports/{job.organization_id}/{final_name}"
    job.file_sha256, job.file_size, job.row_count = digest, size, rows
    job.expires_at = now + datetime.timedelta(hours=settings.EXPORT_RETENTION_HOURS)
    with acting_as(job.requested_by, job.organization):
        job.save(update_fields=["status", "progress", "finished_at", "file", "file_sha256", "file_size",
                                "row_count", "expires_at", "updated_at"])
    return "done"


# --- beat ---------------------------------------------------------------------------------------

def _organization_ids() -> list[int]:
    # Jobs are read firm by firm through the tenant wall; a beat task has no single firm.
    return list(Organization.objects.values_list("pk", flat=True))


def expire_exports(now: datetime.datetime | None = None) -> int:
    """Delete files past their retention and mark their jobs expired (the rows stay as the record)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.EXPORT_RETENTION_HOURS)
    expired = 0
    for org_id in _organization_ids():
        with rls.firm(org_id):
            expired += _expire_firm_exports(org_id, now, cutoff)
    return expired


def _expire_firm_exports(org_id: int, now: datetime.datetime, cutoff: datetime.datetime) -> int:
    expired = 0
    due = ExportJob.objects.filter(organization_id=org_id, status=ExportStatus.DONE).filter(
        Q(expires_at__lte=now) | Q(finished_at__lte=cutoff)
    )
    for job in due.select_related("organization"):
        if job.file:
            (Path(settings.MEDIA_ROOT) / job.file.name).unlink(missing_ok=True)
        job.status, job.file = ExportStatus.EXPIRED, ""
        with acting_as(None, job.organization):
            job.save(update_fields=["status", "file", "updated_at"])
        expired += 1
    _sweep_partial_files(org_id, cutoff)
    return expired


def _sweep_partial_files(org_id: int, cutoff: datetime.datetime) -> None:
    """Temp files left by a worker killed mid-write."""
    folder = export_dir(org_id)
    if not folder.is_dir():
        return
    for part in folder.glob(".*.part"):
        if datetime.datetime.fromtimestamp(part.stat().st_mtime, tz=datetime.UTC) < cutoff:
            part.unlink(missing_ok=True)


def redispatch_exports(now: datetime.datetime | None = None) -> int:
    """Queued jobs the broker never took (it was down), and running jobs gone silent: send again."""
    now = now or timezone.now()
    queued_before = now - datetime.timedelta(minutes=settings.EXPORT_REQUEUE_MINUTES)
    silent_before = now - datetime.timedelta(minutes=settings.EXPORT_STALE_MINUTES)
    sent = 0
    for org_id in _organization_ids():
        with rls.firm(org_id):
            sent += _redispatch_firm_exports(org_id, queued_before, silent_before)
    return sent


def _redispatch_firm_exports(org_id: int, queued_before: datetime.datetime, silent_before: datetime.datetime) -> int:
    sent = 0
    jobs = ExportJob.objects.filter(organization_id=org_id).filter(
        Q(status=ExportStatus.QUEUED, created_at__lte=queued_before)
        & (Q(last_dispatched_at__isnull=True) | Q(last_dispatched_at__lte=queued_before))
        | Q(status=ExportStatus.RUNNING, updated_at__lte=silent_before)
    )
    for job in jobs:
        sent += dispatch(job)
    return sent
