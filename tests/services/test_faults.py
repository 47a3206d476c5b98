"""Faults survived on real services (issue 13): Redis stopped and restarted while exports and notifications
are queued, the database connection dropped in the middle of a submission, a full disk when an export is
written. (A worker SIGKILLed mid-export: tests/services/test_export_worker.py.)

After each: no job lost or stuck, nothing half-written, and the audit chain verifies.
"""

from __future__ import annotations

import dataclasses
import datetime
import errno
import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import DatabaseError, connection
from django.utils import timezone

from audit.chain import verify_chain
from config.celery import app as celery_app
from reports.exports import jobs
from reports.models import ExportJob, ExportKind, ExportStatus
from review import notifications, services
from review.models import Notification, Submission, SubmittedDependency
from tests.factories.compliance import make_assessment, make_framework
from tests.factories.vendors import make_chain, make_vendor
from tests.review.conftest import REQUIREMENTS, answer_all, attach_evidence
from tests.services.conftest import _require_services
from tests.services.processes import RedisServer, WorkerProcess, celery_broker, wait

pytestmark = pytest.mark.services


def _job(job_id: int, org) -> ExportJob:
    return ExportJob.objects.for_org(org).get(pk=job_id)


def _export(world, **parameters) -> ExportJob:
    return jobs.request_export(organization=world.firm_a, user=world.a_officer, kind=ExportKind.REGISTER_WORKBOOK,
                               parameters=parameters, language="en")


def _assert_chain_verifies() -> None:
    report = verify_chain()
    assert report.ok, report


# --- Redis stopped and restarted ------------------------------------------------------------------

@pytest.fixture
def own_redis(transactional_db, settings):
    """A Redis of the test's own, this process's Celery pointed at it; stopped and removed at the end."""
    _require_services()
    server = RedisServer()
    server.start()
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    settings.EXPORT_QUEUE = ""
    try:
        with celery_broker(server.url):
            yield server
    finally:
        celery_app.conf.task_always_eager = previous
        server.remove()


def test_exports_and_notifications_queued_across_a_redis_restart_all_complete(own_redis, world):
    make_chain(world.firm_a)
    for _ in range(30):
        make_vendor(world.firm_a)
    worker = WorkerProcess("redis-restart", "solo", {"REDIS_URL": own_redis.url}, "celery-redis-restart.log",
                           ["celery"])
    try:
        running = _export(world, throttle_ms=100)  # under way when Redis stops
        wait(lambda: _job(running.pk, world.firm_a).progress >= 10, 60, "the first export to be under way")
        waiting = [_export(world) for _ in range(2)]  # in Redis behind it (the solo worker takes one at a time)
        notes = [notifications.notify(world.a_officer, organization=world.firm_a, kind="test", message=f"note {i}")
                 for i in range(2)]

        own_redis.stop()
        # Asked for while Redis is down: the job is kept with a message, the notification is saved;
        # neither request fails (before: both hung ~40 s in the result backend, then raised).
        during = _export(world)
        assert _job(during.pk, world.firm_a).message == str(jobs.BROKER_DOWN_MESSAGE)
        notes.append(notifications.notify(world.a_officer, organization=world.firm_a, kind="test", message="down"))

        own_redis.start()  # back, and empty: every message it held is gone
        # Beat, once its delays have passed, sends again what nobody finished.
        later = timezone.now() + datetime.timedelta(
            minutes=max(django_settings.EXPORT_STALE_MINUTES, django_settings.NOTIFICATION_EMAIL_RETRY_MINUTES) + 1)
        wait(lambda: _job(running.pk, world.firm_a).is_finished, 90, "the export under way to finish")
        assert jobs.redispatch_exports(now=later) >= 3
        assert notifications.resend_unsent_emails(now=later) >= 1

        everything = [running, *waiting, during]
        wait(lambda: all(_job(j.pk, world.firm_a).is_finished for j in everything), 90, "every export to finish")
        for job in everything:
            done = _job(job.pk, world.firm_a)
            assert done.status == ExportStatus.DONE, (done.pk, done.status, done.error)
            assert done.message == "" and (Path(django_settings.MEDIA_ROOT) / done.file.name).is_file()
        wait(lambda: not Notification.objects.for_org(world.firm_a).filter(
            pk__in=[n.pk for n in notes], emailed_at__isnull=True).exists(), 60, "every notification to be emailed")
    finally:
        worker.stop()
    _assert_chain_verifies()


# --- the database connection dropped during a submission ------------------------------------------

def _terminate(backend_pid: int) -> None:
    """End a backend from a second connection, as a failover, a restart or an idle-killer would."""
    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"], port=db["PORT"], dbname=db["NAME"], user=db["USER"],
                         autocommit=True) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [backend_pid]).fetchone()[0]


def test_a_connection_dropped_mid_submission_leaves_nothing_half_written_and_a_retry_succeeds(
    transactional_db, world, monkeypatch
):
    _require_services()
    make_chain(world.firm_a)
    assessment = make_assessment(world.firm_a, make_framework(requirements=REQUIREMENTS),
                                 due_date=datetime.date(2026, 12, 31))
    attach_evidence(answer_all(assessment, world.a_officer)["R-G1"], world.a_officer)
    assessment.refresh_from_db()
    real_transition = services._transition

    def drop_the_connection_then_go_on(*args, **kwargs):
        # Inside submit()'s transaction: the submission and its snapshot rows are written, not committed.
        assert Submission.objects.for_org(world.firm_a).exists()
        assert SubmittedDependency.objects.for_org(world.firm_a).exists()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            _terminate(cursor.fetchone()[0])
        return real_transition(*args, **kwargs)

    monkeypatch.setattr(services, "_transition", drop_the_connection_then_go_on)
    with pytest.raises(DatabaseError):
        services.submit(assessment=assessment, actor=world.a_officer, role="officer")
    monkeypatch.undo()
    connection.close_if_unusable_or_obsolete()  # what Django does at the end of the failed request

    assert not Submission.objects.for_org(world.firm_a).exists()
    assert not SubmittedDependency.objects.for_org(world.firm_a).exists()
    assessment.refresh_from_db()
    assert assessment.status == "draft"
    _assert_chain_verifies()

    submission = services.submit(assessment=assessment, actor=world.a_officer, role="officer")
    assert submission.number == 1 and submission.hash_verifies()
    assert SubmittedDependency.objects.for_org(world.firm_a).filter(submission=submission).exists()
    _assert_chain_verifies()


# --- a full disk when an export is written --------------------------------------------------------

class _TinyDisk:
    """MEDIA_ROOT on a small tmpfs (as root); elsewhere a file write that fails as a full disk does."""

    def __init__(self, path: Path, monkeypatch):
        self.path, self.mounted, self.monkeypatch = path, False, monkeypatch
        path.mkdir(parents=True)
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(path)],
                                capture_output=True, check=False) if os.geteuid() == 0 else None
        self.mounted = bool(result and result.returncode == 0)

    def fill(self) -> None:
        if self.mounted:
            (self.path / "filler").write_bytes(b"\0" * (256 * 1024 - 8 * 1024))
            return
        from reports.exports.kinds import SPECS

        def full_disk_builder(organization, parameters, path, progress, user):
            with open(path, "wb") as fh:
                fh.write(b"PK\x03\x04 a part of a workbook")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)

        self.monkeypatch.setitem(SPECS, ExportKind.REGISTER_WORKBOOK, dataclasses.replace(
            SPECS[ExportKind.REGISTER_WORKBOOK], builder=lambda: full_disk_builder))

    def free(self) -> None:
        if self.mounted:
            (self.path / "filler").unlink()
        else:
            self.monkeypatch.undo()

    def remove(self) -> None:
        if self.mounted:
            # Lazy: a handle the failed write left for the garbage collector must not keep the mount.
            subprocess.run(["umount", "--lazy", str(self.path)], check=False)


@pytest.fixture
def tiny_disk(transactional_db, settings, tmp_path, monkeypatch):
    _require_services()
    disk = _TinyDisk(tmp_path / "tiny-media", monkeypatch)
    settings.MEDIA_ROOT = str(disk.path)
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True  # the job runs here, on the small disk
    yield disk
    celery_app.conf.task_always_eager = previous
    disk.remove()


def test_a_full_disk_fails_the_export_clearly_leaves_no_partial_file_and_a_retry_works(tiny_disk, world):
    make_chain(world.firm_a)
    for _ in range(40):
        make_vendor(world.firm_a)
    tiny_disk.fill()

    failed = _job(_export(world).pk, world.firm_a)

    assert failed.status == ExportStatus.FAILED
    assert "No space left on device" in failed.error
    assert failed.message == str(jobs.DISK_FULL_MESSAGE)
    folder = jobs.export_dir(world.firm_a.pk)
    assert list(folder.iterdir()) == []  # neither the temporary part nor a final file

    tiny_disk.free()
    done = _job(_export(world).pk, world.firm_a)
    assert done.status == ExportStatus.DONE, done.error
    assert done.message == "" and jobs.sha256_of(Path(django_settings.MEDIA_ROOT) / done.file.name) == done.file_sha256
    assert [p.name for p in folder.iterdir()] == [Path(done.file.name).name]
    _assert_chain_verifies()
