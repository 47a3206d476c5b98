"""The Exports pages: list, new export, progress partial, permission-checked and audited download."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError
from openpyxl import load_workbook

from audit.models import AuditEvent
from reports.models import ExportJob, ExportStatus
from reports.tasks import run_export
from tests.factories.compliance import make_assessment
from tests.factories.reports import make_done_job, make_export_job
from tests.factories.vendors import make_chain

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_firms_jobs_in_constant_queries(world, as_user, django_assert_max_num_queries):
    client = as_user(world.a_viewer)
    make_done_job(world.firm_a, requested_by=world.a_officer)
    client.get(reverse("exports:list"))  # warm the session
    with django_assert_max_num_queries(12) as one:
        response = client.get(reverse("exports:list"))
    assert response.status_code == 200 and "officer@a.test" in response.content.decode()
    for _ in range(49):
        make_done_job(world.firm_a, requested_by=world.a_officer)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(reverse("exports:list")).status_code == 200


def test_a_viewer_starts_an_export_and_follows_it_to_the_download(world, as_user, django_capture_on_commit_callbacks):
    make_chain(world.firm_a)
    assessment = make_assessment(world.firm_a)
    client = as_user(world.a_viewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:create"),
                               {"kind": "audit_workbook", "assessment": assessment.pk, "language": "en"})
    job = ExportJob.objects.for_org(world.firm_a).get()
    assert response.status_code == 302 and response["Location"] == reverse("exports:detail", args=[job.pk])

    page = client.get(reverse("exports:detail", args=[job.pk])).content.decode()
    assert reverse("exports:download", args=[job.pk]) in page and job.file_sha256 in page
    partial = client.get(reverse("exports:progress", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="done"' in partial and "hx-trigger" not in partial

    download = client.get(reverse("exports:download", args=[job.pk]))
    assert download.status_code == 200 and download["X-Content-SHA256"] == job.file_sha256
    assert "attachment" in download["Content-Disposition"]
    event = AuditEvent.objects.for_org(world.firm_a).filter(action="download", object_id=str(job.pk)).get()
    assert event.actor == world.a_viewer


def test_a_queued_job_page_polls_every_second(world, as_user):
    job = make_export_job(world.firm_a, status=ExportStatus.RUNNING, progress=42)
    body = as_user(world.a_officer).get(reverse("exports:progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in body and 'value="42"' in body


def test_an_audit_export_needs_an_assessment_of_the_firm(world, as_user):
    theirs = make_assessment(world.firm_b)
    response = as_user(world.a_officer).post(reverse("exports:create"),
                                             {"kind": "audit_workbook", "assessment": theirs.pk, "language": "en"})
    assert response.status_code == 400
    assert not ExportJob.objects.for_org(world.firm_a).exists()


def test_with_the_broker_down_the_page_says_the_job_is_kept(world, as_user, django_capture_on_commit_callbacks,
                                                            monkeypatch):
    monkeypatch.setattr(run_export, "apply_async", lambda *a, **k: (_ for _ in ()).throw(OperationalError("down")))
    client = as_user(world.a_officer)
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:create"), {"kind": "register_workbook", "language": "en"})
    job = ExportJob.objects.for_org(world.firm_a).get()
    assert response.status_code == 302 and job.status == ExportStatus.QUEUED
    body = client.get(response["Location"]).content.decode()
    assert "The export queue is unavailable; your job is kept and will start when it is back." in body


def test_downloads_are_for_the_firm_and_the_supervisor_who_asked(world, as_user):
    job = make_done_job(world.firm_a, requested_by=world.a_officer)
    url = reverse("exports:download", args=[job.pk])
    for user in (world.a_viewer, world.a_admin, world.a_officer):
        assert as_user(user).get(url).status_code == 200
    for user in (world.b_admin, world.b_viewer, world.supervisor, world.lead):
        assert as_user(user).get(url).status_code == 404

    supervisors_job = make_done_job(world.regulator, requested_by=world.supervisor)
    own = reverse("exports:download", args=[supervisors_job.pk])
    assert as_user(world.supervisor).get(own).status_code == 200
    assert as_user(world.lead).get(own).status_code == 404


def test_an_expired_or_unfinished_export_cannot_be_downloaded(world, as_user):
    expired = make_done_job(world.firm_a, status=ExportStatus.EXPIRED, file="")
    queued = make_export_job(world.firm_a)
    client = as_user(world.a_officer)
    assert client.get(reverse("exports:download", args=[expired.pk])).status_code == 410
    assert client.get(reverse("exports:download", args=[queued.pk])).status_code == 409
    assert not AuditEvent.objects.for_org(world.firm_a).filter(action="download").exists()


def test_a_small_register_downloads_at_once_and_is_recorded(world, as_user):
    import io

    make_chain(world.firm_a)
    client = as_user(world.a_viewer)
    assert reverse("exports:register_now") in client.get(reverse("exports:list")).content.decode()
    response = client.get(reverse("exports:register_now"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(wb.sheetnames) == 6
    job = ExportJob.objects.for_org(world.firm_a).get()
    assert job.status == ExportStatus.DONE and job.parameters == {"direct": True}
    assert job.file_sha256 == response["X-Content-SHA256"]
    actions = set(AuditEvent.objects.for_org(world.firm_a).filter(object_id=str(job.pk),
                                                                   object_type="reports.ExportJob")
                  .values_list("action", flat=True))
    assert {"export", "download"} <= actions


def test_a_large_register_is_not_offered_for_immediate_download(world, as_user, settings):
    settings.EXPORT_DIRECT_MAX_DEPENDENCIES = 1
    make_chain(world.firm_a)
    client = as_user(world.a_officer)
    assert reverse("exports:register_now") not in client.get(reverse("exports:list")).content.decode()
    assert client.get(reverse("exports:register_now")).status_code == 404


def test_the_job_keeps_its_expiry_date_on_the_page(world, as_user):
    job = make_done_job(world.firm_a, expires_at=timezone.now() + datetime.timedelta(hours=5))
    body = as_user(world.a_officer).get(reverse("exports:detail", args=[job.pk])).content.decode()
    assert timezone.localtime(job.expires_at).strftime("%Y-%m-%d") in body
