"""/api/v1/exports/: create, poll, download, with the tenant wall."""

import pytest
from kombu.exceptions import OperationalError

from audit.models import AuditEvent
from reports.models import ExportJob
from reports.tasks import run_export
from tests.factories.compliance import make_assessment
from tests.factories.reports import make_done_job

pytestmark = pytest.mark.django_db


def test_create_poll_and_download(world, api_for, django_capture_on_commit_callbacks):
    api = api_for(world.a_viewer)
    assessment = make_assessment(world.firm_a)
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/v1/exports/", {"kind": "audit_workbook", "parameters": {"assessment": assessment.pk},
                                                "language": "ko"}, format="json")
    assert created.status_code == 202, created.content
    job_id = created.json()["id"]

    polled = api.get(f"/api/v1/exports/{job_id}/").json()
    assert polled["status"] == "done" and polled["progress"] == 100 and polled["language"] == "ko"
    assert polled["download_url"] == f"/api/v1/exports/{job_id}/download/"
    download = api.get(polled["download_url"])
    assert download.status_code == 200 and download["X-Content-SHA256"] == polled["file_sha256"]
    assert AuditEvent.objects.for_org(world.firm_a).filter(action="download", object_id=str(job_id)).exists()


def test_bad_input_gets_field_errors(world, api_for):
    api = api_for(world.a_officer)
    body = api.post("/api/v1/exports/", {"kind": "audit_workbook", "parameters": {}}, format="json")
    assert body.status_code == 400 and "assessment" in body.json()["error"]["fields"]
    body = api.post("/api/v1/exports/", {"kind": "nope"}, format="json")
    assert body.status_code == 400 and "kind" in body.json()["error"]["fields"]
    assert not ExportJob.objects.for_org(world.firm_a).exists()


def test_broker_down_answers_202_with_the_message(world, api_for, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(run_export, "apply_async", lambda *a, **k: (_ for _ in ()).throw(OperationalError("down")))
    api = api_for(world.a_officer)
    api.credentials(HTTP_ACCEPT_LANGUAGE="en")
    with django_capture_on_commit_callbacks(execute=True):
        body = api.post("/api/v1/exports/", {"kind": "register_workbook", "language": "en"}, format="json")
    assert body.status_code == 202
    # (In a test the commit, hence the dispatch, comes after the response; polling shows it.)
    polled = api.get(f"/api/v1/exports/{body.json()['id']}/").json()
    assert polled["status"] == "queued" and "unavailable" in polled["message"] and "kept" in polled["message"]


def test_another_firms_job_is_404(world, api_for):
    job = make_done_job(world.firm_b)
    api = api_for(world.a_admin)
    for url in (f"/api/v1/exports/{job.pk}/", f"/api/v1/exports/{job.pk}/download/"):
        assert api.get(url).status_code == 404
    assert api.get("/api/v1/exports/").json()["count"] == 0


def test_the_list_is_constant_in_queries(world, api_for, django_assert_max_num_queries):
    api = api_for(world.a_officer)
    make_done_job(world.firm_a, requested_by=world.a_officer)
    with django_assert_max_num_queries(10) as one:
        assert api.get("/api/v1/exports/").json()["count"] == 1
    for _ in range(49):
        make_done_job(world.firm_a, requested_by=world.a_officer)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert api.get("/api/v1/exports/").json()["count"] == 50
