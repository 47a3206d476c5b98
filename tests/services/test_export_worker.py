"""Export jobs on the real worker through Redis: a full run, and a worker killed (SIGKILL) in the
middle of an export after which the job is finished, not left "running".

Two ways a worker dies, two tests:
* the prefork pool's child is killed: the parent sees the loss and, with acks_late and
  reject_on_worker_lost, puts the message back at once; a new child restarts the job;
* the whole worker is killed: nobody rejects the message, and Redis would hand it out again only
  after its visibility timeout (an hour); the beat task ``reports.redispatch_exports`` sends the
  silent job again and the second worker, started after the kill, finishes it.
In both cases the restarted run gets the job's PostgreSQL run lock (the dead runner's connection
is gone), so reports.exports.jobs restarts it instead of calling it busy.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import signal
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone, translation
from openpyxl import load_workbook

from config.celery import app as celery_app
from reports.exports import jobs
from reports.models import ExportJob, ExportKind, ExportStatus
from reports.workbooks.labels import label
from tests.factories.vendors import make_chain, make_vendor
from tests.services.conftest import _require_services
from tests.services.processes import WorkerProcess
from tests.services.processes import wait as _wait

pytestmark = pytest.mark.services

KILL_QUEUE = f"export-kill-test-{os.getpid()}"


def _job(job_id: int, org) -> ExportJob:
    return ExportJob.objects.for_org(org).get(pk=job_id)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.fixture
def worker_factory(transactional_db, settings):
    """start(name, pool, env) -> WorkerProcess; every worker started is stopped at the end."""
    _require_services()
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    settings.EXPORT_QUEUE = KILL_QUEUE
    started: list[WorkerProcess] = []

    def start(name: str, pool: str = "solo", env: dict | None = None) -> WorkerProcess:
        worker = WorkerProcess(name, pool, env or {}, f"celery-export-{name}.log", [KILL_QUEUE])
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    celery_app.conf.task_always_eager = previous


def _firm_with_register(world, vendors: int):
    make_chain(world.firm_a)
    for _ in range(vendors):
        make_vendor(world.firm_a)


def _request_slow_job(world, throttle_ms: int) -> ExportJob:
    return jobs.request_export(organization=world.firm_a, user=world.a_officer, kind=ExportKind.REGISTER_WORKBOOK,
                               parameters={"throttle_ms": throttle_ms}, language="en")


def _assert_finished_workbook(job: ExportJob, first_sheet: str = "Vendors") -> None:
    assert job.status == ExportStatus.DONE, (job.status, job.error)
    data = (Path(django_settings.MEDIA_ROOT) / job.file.name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == job.file_sha256
    assert load_workbook(io.BytesIO(data)).sheetnames[0] == first_sheet
    assert not list((Path(django_settings.MEDIA_ROOT) / job.file.name).parent.glob(".*.part"))


def _media_root_of(proc: subprocess.Popen) -> str:
    # The session worker was started with the MEDIA_ROOT of the first services test.
    environ = Path(f"/proc/{proc.pid}/environ").read_bytes().split(b"\0")
    return next(e.split(b"=", 1)[1].decode() for e in environ if e.startswith(b"MEDIA_ROOT="))


def test_an_export_runs_end_to_end_through_redis_and_the_real_worker(real_worker, world, settings):
    settings.MEDIA_ROOT = _media_root_of(real_worker)
    _firm_with_register(world, 5)
    job = jobs.request_export(organization=world.firm_a, user=world.a_viewer, kind=ExportKind.REGISTER_WORKBOOK,
                              language="ko")

    done = _wait(lambda: _job(job.pk, world.firm_a) if _job(job.pk, world.firm_a).is_finished else None, 60,
                 "the export to finish")
    with translation.override("ko"):
        _assert_finished_workbook(done, label("Vendors"))
    assert done.attempts == 1 and done.row_count >= 6


def test_a_pool_child_killed_mid_export_is_restarted_and_the_job_completes(worker_factory, world):
    _firm_with_register(world, 40)
    worker = worker_factory("prefork", pool="prefork")
    job = _request_slow_job(world, throttle_ms=150)

    _wait(lambda: _job(job.pk, world.firm_a).progress >= 10, 60, "the export to be under way")
    children = _children(worker.proc.pid)
    assert len(children) == 1, children
    os.kill(children[0], signal.SIGKILL)

    done = _wait(lambda: _job(job.pk, world.firm_a) if _job(job.pk, world.firm_a).is_finished else None, 120,
                 "the export to finish after the kill")
    _assert_finished_workbook(done)
    assert done.attempts == 2  # the first run died, the second one finished it


def test_a_worker_killed_mid_export_leaves_the_job_to_the_next_worker(worker_factory, world):
    _firm_with_register(world, 40)
    first = worker_factory("first")
    job = _request_slow_job(world, throttle_ms=150)

    _wait(lambda: _job(job.pk, world.firm_a).progress >= 10, 60, "the export to be under way")
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait(timeout=10)
    assert _job(job.pk, world.firm_a).status == ExportStatus.RUNNING  # what a dead worker leaves behind

    worker_factory("second")
    # Nobody rejected the message: Redis would hand it out again only after the visibility timeout
    # (an hour). The beat task finds the silent job first and sends it again.
    later = timezone.now() + datetime.timedelta(minutes=django_settings.EXPORT_STALE_MINUTES + 1)
    assert jobs.redispatch_exports(now=later) == 1
    done = _wait(lambda: _job(job.pk, world.firm_a) if _job(job.pk, world.firm_a).is_finished else None, 120,
                 "the second worker to finish the export")
    _assert_finished_workbook(done)
    assert done.attempts == 2
