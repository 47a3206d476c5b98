"""Export jobs: requested, run, failed, re-run idempotently, restarted when stale, kept when the
broker is down, expired."""

import datetime
import hashlib
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from kombu.exceptions import OperationalError
from openpyxl import load_workbook

from audit.models import AuditEvent
from reports.exports import jobs
from reports.models import ExportJob, ExportKind, ExportStatus
from reports.tasks import run_export
from tests.factories.compliance import make_assessment
from tests.factories.reports import make_done_job, make_export_job
from tests.factories.vendors import make_chain

pytestmark = pytest.mark.django_db


def _request(world, django_capture_on_commit_callbacks, **kw):
    params = {"organization": world.firm_a, "user": world.a_officer, "kind": ExportKind.REGISTER_WORKBOOK,
              "language": "en"}
    params.update(kw)
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.request_export(**params)
    job.refresh_from_db()
    return job


def _path(job) -> Path:
    return Path(settings.MEDIA_ROOT) / job.file.name


def test_a_requested_export_is_audited_run_and_done_with_its_hash(world, django_capture_on_commit_callbacks):
    make_chain(world.firm_a)
    job = _request(world, django_capture_on_commit_callbacks)

    assert job.status == ExportStatus.DONE and job.progress == 100 and job.attempts == 1
    # The name says what, whose, which job and when.
    assert job.file.name.startswith(f"exports/{world.firm_a.pk}/backstop-register-workbook-alpha-bank-job-{job.pk}-")
    assert hashlib.sha256(_path(job).read_bytes()).hexdigest() == job.file_sha256
    assert job.file_size == _path(job).stat().st_size and job.row_count > 0
    assert job.expires_at - job.finished_at == datetime.timedelta(hours=settings.EXPORT_RETENTION_HOURS)
    assert load_workbook(_path(job)).sheetnames[0] == "Vendors"
    event = AuditEvent.objects.for_org(world.firm_a).filter(action="export", object_id=str(job.pk)).get()
    assert event.actor == world.a_officer and event.changes["kind"] == "register_workbook"
    assert not list(_path(job).parent.glob(".*.part"))


def test_an_audit_workbook_job_needs_an_assessment_of_the_firm(world, django_capture_on_commit_callbacks):
    theirs = make_assessment(world.firm_b)
    for params in ({}, {"assessment": "x"}, {"assessment": theirs.pk}):
        with pytest.raises(ValidationError) as exc:
            jobs.request_export(organization=world.firm_a, user=world.a_officer, kind=ExportKind.AUDIT_WORKBOOK,
                                parameters=params)
        assert "assessment" in exc.value.message_dict
    mine = make_assessment(world.firm_a)
    job = _request(world, django_capture_on_commit_callbacks, kind=ExportKind.AUDIT_WORKBOOK,
                   parameters={"assessment": mine.pk})
    assert job.status == ExportStatus.DONE and job.parameters == {"assessment": mine.pk}


def test_unknown_kinds_and_regulator_organisations_are_refused(world):
    with pytest.raises(ValidationError) as exc:
        jobs.request_export(organization=world.firm_a, user=world.a_officer, kind="everything")
    assert "kind" in exc.value.message_dict
    with pytest.raises(ValidationError):
        jobs.request_export(organization=world.regulator, user=world.supervisor, kind=ExportKind.REGISTER_WORKBOOK)
    assert not ExportJob.objects.for_org(world.firm_a).exists()


def test_a_failing_build_marks_the_job_failed_with_the_error(world, django_capture_on_commit_callbacks):
    with mock.patch("reports.workbooks.register.build_register_workbook", side_effect=RuntimeError("disk full")):
        job = _request(world, django_capture_on_commit_callbacks)

    assert job.status == ExportStatus.FAILED
    assert job.error == "RuntimeError: disk full" and job.finished_at is not None and not job.file
    assert not list((Path(settings.MEDIA_ROOT) / "exports" / str(world.firm_a.pk)).glob("*"))


def test_running_a_done_job_again_does_not_rebuild_it(world, django_capture_on_commit_callbacks):
    job = _request(world, django_capture_on_commit_callbacks)
    with mock.patch("reports.workbooks.register.build_register_workbook") as build:
        assert run_export.delay(job.pk, world.firm_a.pk).get() == "done"
        assert jobs.run_export_job(job.pk, world.firm_a.pk) == "done"
    build.assert_not_called()
    again = ExportJob.objects.for_org(world.firm_a).get(pk=job.pk)
    assert (again.file.name, again.file_sha256, again.attempts) == (job.file.name, job.file_sha256, 1)


def test_a_job_of_another_firm_is_not_run_under_this_firms_id(world):
    job = make_export_job(world.firm_b)
    assert jobs.run_export_job(job.pk, world.firm_a.pk) == "missing"
    assert ExportJob.objects.for_org(world.firm_b).get(pk=job.pk).status == ExportStatus.QUEUED


def test_a_running_job_whose_worker_died_is_restarted(world):
    long_ago = timezone.now() - datetime.timedelta(minutes=settings.EXPORT_STALE_MINUTES + 5)
    job = make_export_job(world.firm_a, status=ExportStatus.RUNNING, started_at=long_ago, attempts=1, progress=40)
    ExportJob.objects.for_org(world.firm_a).filter(pk=job.pk).update(updated_at=long_ago)

    assert jobs.run_export_job(job.pk, world.firm_a.pk) == "done"
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.attempts == 2 and _path(job).is_file()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="on PostgreSQL the run lock decides, not the clock")
def test_a_running_job_with_recent_progress_is_left_to_its_worker(world):
    job = make_export_job(world.firm_a, status=ExportStatus.RUNNING, started_at=timezone.now(), attempts=1)
    assert jobs.run_export_job(job.pk, world.firm_a.pk) == "busy"
    assert ExportJob.objects.for_org(world.firm_a).get(pk=job.pk).attempts == 1


def test_with_the_broker_down_the_job_stays_queued_with_a_clear_message(world, django_capture_on_commit_callbacks):
    with mock.patch.object(run_export, "apply_async", side_effect=OperationalError("Connection refused")):
        job = _request(world, django_capture_on_commit_callbacks)

    assert job.status == ExportStatus.QUEUED
    assert job.message == str(jobs.BROKER_DOWN_MESSAGE)
    assert "unavailable" in job.message and "kept" in job.message
    assert AuditEvent.objects.for_org(world.firm_a).filter(action="export", object_id=str(job.pk)).exists()

    # Too early for beat: nothing is sent again yet.
    assert jobs.redispatch_exports() == 0
    later = timezone.now() + datetime.timedelta(minutes=settings.EXPORT_REQUEUE_MINUTES + 1)
    assert jobs.redispatch_exports(now=later) == 1  # the broker is back: beat sends it, it runs
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.message == ""


def test_beat_redispatches_a_silent_running_job(world):
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    job = make_export_job(world.firm_a, status=ExportStatus.RUNNING, started_at=long_ago)
    ExportJob.objects.for_org(world.firm_a).filter(pk=job.pk).update(updated_at=long_ago)
    assert jobs.redispatch_exports() == 1
    assert ExportJob.objects.for_org(world.firm_a).get(pk=job.pk).status == ExportStatus.DONE


def test_expiry_deletes_old_files_and_keeps_the_job_as_the_record(world):
    old = make_done_job(world.firm_a, expires_at=timezone.now() - datetime.timedelta(minutes=1))
    fresh = make_done_job(world.firm_a)
    old_path, fresh_path = _path(old), _path(fresh)
    part = old_path.parent / ".left-by-a-killed-worker.xlsx.abc.part"
    part.write_bytes(b"half")
    ancient = (timezone.now() - datetime.timedelta(hours=settings.EXPORT_RETENTION_HOURS + 1)).timestamp()
    import os

    os.utime(part, (ancient, ancient))

    assert jobs.expire_exports() == 1

    old.refresh_from_db()
    assert old.status == ExportStatus.EXPIRED and not old.file and old.file_sha256
    assert not old_path.exists() and not part.exists()
    assert fresh_path.exists()
    assert ExportJob.objects.for_org(world.firm_a).get(pk=fresh.pk).status == ExportStatus.DONE


def test_a_file_older_than_the_retention_expires_even_if_its_deadline_was_later(world, settings):
    settings.EXPORT_RETENTION_HOURS = 1
    job = make_done_job(world.firm_a, finished_at=timezone.now() - datetime.timedelta(hours=2))
    assert jobs.expire_exports() == 1
    assert ExportJob.objects.for_org(world.firm_a).get(pk=job.pk).status == ExportStatus.EXPIRED


def test_throttle_is_ignored_unless_the_setting_allows_it(world, django_capture_on_commit_callbacks):
    make_chain(world.firm_a)
    with mock.patch("reports.workbooks.base.time.sleep") as sleep:
        _request(world, django_capture_on_commit_callbacks, parameters={"throttle_ms": 500})
    sleep.assert_not_called()


def test_a_full_disk_fails_the_job_with_a_sentence_and_leaves_no_partial_file(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    import dataclasses
    import errno
    import os

    from reports.exports.kinds import SPECS

    def full_disk(organization, parameters, path, progress, user):
        with open(path, "wb") as fh:
            fh.write(b"PK\x03\x04 the start of a workbook")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)

    monkeypatch.setitem(SPECS, ExportKind.REGISTER_WORKBOOK,
                        dataclasses.replace(SPECS[ExportKind.REGISTER_WORKBOOK], builder=lambda: full_disk))
    job = _request(world, django_capture_on_commit_callbacks)

    assert job.status == ExportStatus.FAILED and "No space left on device" in job.error
    assert job.message == str(jobs.DISK_FULL_MESSAGE)
    assert list(jobs.export_dir(world.firm_a.pk).iterdir()) == []

    monkeypatch.undo()
    again = _request(world, django_capture_on_commit_callbacks)
    assert again.status == ExportStatus.DONE and again.message == ""
