"""Evidence on the answering page: upload with checks and sha256, download only for the firm, audited."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from compliance.models import Evidence
from tests.compliance.webtools import HTMX, answer_data, answer_url, assessment_with, english_client
from tests.factories.compliance import make_answer, make_evidence

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def as_user():
    return english_client


def answered(world, as_user):
    assessment = assessment_with(world.firm_a, 2)
    as_user(world.a_officer).post(answer_url(assessment, "W-A1"), answer_data(assessment, "W-A1", "compliant"), **HTMX)
    return assessment, assessment.answers.get()


def upload(client, answer, name, content, **extra):
    return client.post(reverse("compliance:evidence_upload", args=[answer.pk]),
                       {f"e{answer.pk}-file": SimpleUploadedFile(name, content)}, **extra)


def test_officer_uploads_evidence_and_sees_name_size_and_sha256(world, as_user):
    assessment, answer = answered(world, as_user)
    response = upload(as_user(world.a_officer), answer, "contract.pdf", PDF, **HTMX)
    assert response.status_code == 200
    evidence = Evidence.objects.for_org(world.firm_a).get()
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest() and evidence.answer == answer
    body = response.content.decode()
    assert "contract.pdf" in body and evidence.sha256 in body
    assert reverse("compliance:evidence_download", args=[evidence.pk]) in body
    page = as_user(world.a_viewer).get(reverse("compliance:assessment_detail", args=[assessment.pk])).content.decode()
    assert "contract.pdf" in page and "evidence-form" not in page


def test_a_file_whose_content_is_not_accepted_is_a_field_error_and_nothing_is_stored(world, as_user):
    _assessment, answer = answered(world, as_user)
    response = upload(as_user(world.a_officer), answer, "report.pdf", b"MZ\x90\x00\x03\x00binary", **HTMX)
    assert response.status_code == 422
    assert 'data-testid="evidence-error"' in response.content.decode()
    assert not Evidence.objects.for_org(world.firm_a).exists()


def test_viewer_cannot_upload(world, as_user):
    _assessment, answer = answered(world, as_user)
    assert upload(as_user(world.a_viewer), answer, "c.pdf", PDF, **HTMX).status_code == 403
    assert not Evidence.objects.for_org(world.firm_a).exists()


def test_another_firms_officer_cannot_upload_to_our_answer(world, as_user):
    _assessment, answer = answered(world, as_user)
    assert upload(as_user(world.b_officer), answer, "c.pdf", PDF).status_code == 404
    assert not Evidence.objects.for_org(world.firm_a).exists()


def test_viewer_downloads_evidence_and_the_download_is_audited(world, as_user):
    evidence = make_evidence(world.firm_a, content=b"minutes of the board\n", original_name="minutes.txt")
    response = as_user(world.a_viewer).get(reverse("compliance:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"minutes of the board\n"
    assert "attachment" in response["Content-Disposition"] and "minutes.txt" in response["Content-Disposition"]
    event = AuditEvent.objects.for_org(world.firm_a).filter(action="download").get()
    assert event.object_id == str(evidence.pk) and event.actor == world.a_viewer


@pytest.mark.parametrize("who", ["b_officer", "b_admin", "supervisor", "lead"])
def test_evidence_of_another_firm_is_404(who, world, as_user):
    evidence = make_evidence(world.firm_a, answer=make_answer(world.firm_a))
    response = as_user(getattr(world, who)).get(reverse("compliance:evidence_download", args=[evidence.pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.for_org(world.firm_a).filter(action="download").exists()


def test_anonymous_download_goes_to_login(world, as_user):
    evidence = make_evidence(world.firm_a)
    response = as_user(None).get(reverse("compliance:evidence_download", args=[evidence.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_refused_upload_without_htmx_shows_the_whole_page_with_the_error_at_its_requirement(world, as_user):
    _assessment, answer = answered(world, as_user)
    response = upload(as_user(world.a_officer), answer, "report.pdf", b"MZ\x90\x00\x03\x00binary")
    assert response.status_code == 422
    body = response.content.decode()
    assert "css/app.css" in body and 'data-testid="evidence-error"' in body
    assert not Evidence.objects.for_org(world.firm_a).exists()
