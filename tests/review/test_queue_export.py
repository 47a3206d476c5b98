import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from reports.exports.jobs import request_export
from reports.models import ExportJob
from review import services


def test_a_supervisor_exports_the_review_queue(world, ready_assessment, django_capture_on_commit_callbacks):
    submission = services.submit(assessment=ready_assessment, actor=world.a_officer, role="officer")
    with django_capture_on_commit_callbacks(execute=True):
        job = request_export(organization=world.regulator, user=world.supervisor, kind="review_queue", language="en")
    job = ExportJob.objects.for_org(world.regulator).get(pk=job.pk)
    assert job.status == "done", job.error
    with job.file.open("rb") as fh:
        wb = load_workbook(io.BytesIO(fh.read()))
    rows = list(wb["Review queue"].iter_rows(values_only=True))
    assert rows[0][0] == "Firm" and rows[1][-1] == submission.snapshot_sha256


def test_firm_users_cannot_ask_for_the_supervisor_export(world):
    with pytest.raises(ValidationError):
        request_export(organization=world.firm_a, user=world.a_officer, kind="review_queue")


def test_supervisors_cannot_export_a_firms_register(world):
    with pytest.raises(ValidationError):
        request_export(organization=world.regulator, user=world.supervisor, kind="register_workbook")
