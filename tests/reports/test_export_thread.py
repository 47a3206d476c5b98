"""Embedded (no broker), an export runs beside the request that asked for it, so its page shows the
progress of a long export instead of the request hanging until the file is written."""

import time

import pytest

from reports.exports import jobs
from reports.models import ExportJob, ExportKind, ExportStatus
from tests.concurrency import THREAD_WRITES_NEED_A_SERVER_DATABASE
from tests.factories.vendors import make_chain

pytestmark = pytest.mark.django_db(transaction=True)


def _wait_until_finished(job, seconds=30):
    deadline = time.monotonic() + seconds
    seen = set()
    while time.monotonic() < deadline:
        current = ExportJob.objects.for_org(job.organization).get(pk=job.pk)
        seen.add((current.status, current.progress))
        if current.is_finished:
            return current, seen
        time.sleep(0.05)
    raise AssertionError(f"export {job.pk} did not finish: {seen}")


@THREAD_WRITES_NEED_A_SERVER_DATABASE
def test_a_long_export_returns_at_once_and_reports_progress_while_it_runs(world, settings):
    settings.EXPORT_IN_THREAD = True
    settings.EXPORT_ALLOW_THROTTLE = True
    for _ in range(4):
        make_chain(world.firm_a)
    started = time.monotonic()
    job = jobs.request_export(organization=world.firm_a, user=world.a_officer, kind=ExportKind.REGISTER_WORKBOOK,
                              parameters={"throttle_ms": 150}, language="en")
    assert time.monotonic() - started < 1.0  # the request did not build the file
    assert ExportJob.objects.for_org(world.firm_a).get(pk=job.pk).status in (ExportStatus.QUEUED,
                                                                             ExportStatus.RUNNING)
    done, seen = _wait_until_finished(job)
    assert done.status == ExportStatus.DONE and done.file_sha256
    assert any(status == ExportStatus.RUNNING for status, _ in seen)


def test_without_the_thread_the_export_is_built_in_the_request_as_before(world):
    make_chain(world.firm_a)
    job = jobs.request_export(organization=world.firm_a, user=world.a_officer, kind=ExportKind.REGISTER_WORKBOOK,
                              language="en")
    assert ExportJob.objects.for_org(world.firm_a).get(pk=job.pk).status == ExportStatus.DONE
