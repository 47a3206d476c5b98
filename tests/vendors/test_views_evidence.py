"""Failover test evidence: uploaded privately, downloaded only through the firm- and role-checked view."""

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from tests.factories.vendors import make_chain

CONTENT = b"switch-over log: 11:48 primary down, 11:52 secondary serving\n"


@pytest.fixture
def tested(world, as_user):
    """An officer of firm A records a failed failover test with an evidence file."""
    dep = make_chain(world.firm_a, result=None)
    measure = dep.measures.get()
    response = as_user(world.a_officer).post(reverse("vendors:failover_test_create", args=[measure.pk]), {
        "tested_on": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        "scenario": "Primary CDN unreachable", "result": "fail", "achieved_recovery_minutes": 95,
        "evidence": SimpleUploadedFile("switchover.txt", CONTENT, content_type="text/plain"),
    })
    assert response.status_code == 302, response.content
    return measure.tests.get()


def test_upload_records_the_file_and_its_hash(tested):
    assert tested.evidence.name.startswith(f"evidence/{tested.organization_id}/")
    assert tested.evidence_sha256 == hashlib.sha256(CONTENT).hexdigest()


def test_own_firm_viewer_downloads_the_evidence_and_it_is_audited(world, tested, as_user):
    response = as_user(world.a_viewer).get(reverse("vendors:failover_test_evidence", args=[tested.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CONTENT
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.for_org(world.firm_a).filter(action="download", object_id=str(tested.pk)).exists()


def test_other_firm_gets_404_on_the_evidence(world, tested, as_user):
    url = reverse("vendors:failover_test_evidence", args=[tested.pk])
    for user in (world.b_viewer, world.b_admin, world.supervisor):
        assert as_user(user).get(url).status_code == 404


def test_evidence_download_is_read_only(world, tested, as_user):
    url = reverse("vendors:failover_test_evidence", args=[tested.pk])
    assert as_user(world.a_officer).post(url).status_code == 405


def test_dependency_page_links_the_evidence_through_the_view(world, tested, as_user):
    dep = tested.measure.dependency
    body = as_user(world.a_viewer).get(reverse("vendors:dependency_detail", args=[dep.pk])).content.decode()
    assert reverse("vendors:failover_test_evidence", args=[tested.pk]) in body
    assert tested.evidence.name not in body


def test_a_disallowed_evidence_type_is_refused(world, as_user):
    dep = make_chain(world.firm_a, result=None)
    measure = dep.measures.get()
    response = as_user(world.a_officer).post(reverse("vendors:failover_test_create", args=[measure.pk]), {
        "tested_on": timezone.localdate().isoformat(), "scenario": "x", "result": "pass",
        "evidence": SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream"),
    })
    assert response.status_code == 400
    assert "evidence" in response.context["form"].errors
    assert not measure.tests.exists()
