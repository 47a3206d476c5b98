"""The compliance API: roles, tenant wall, conflicts, bulk upsert, evidence download, query counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from compliance.models import Answer, Requirement
from tests.factories.compliance import make_answer, make_assessment, make_evidence, make_finding, make_framework


def ref_id(assessment, ref):
    return Requirement.objects.get(framework=assessment.framework, ref=ref).pk


def test_frameworks_are_readable_with_sections_and_requirements(world, api_for):
    framework = make_framework()
    response = api_for(world.a_viewer).get(f"/api/v1/frameworks/{framework.pk}/")
    assert response.status_code == 200
    sections = response.json()["sections"]
    assert [s["code"] for s in sections] == ["A", "G", "L", "C"]
    assert sections[0]["requirements"][0]["ref"] == "T-A1"
    assert api_for(world.a_officer).post("/api/v1/frameworks/", {}).status_code == 405


def test_an_officer_creates_an_assessment_and_a_viewer_cannot(world, api_for):
    framework = make_framework()
    body = {"framework": framework.pk, "title": "2025 review", "period_start": "2025-01-01",
            "period_end": "2025-12-31"}
    assert api_for(world.a_viewer).post("/api/v1/assessments/", body).status_code == 403
    response = api_for(world.a_officer).post("/api/v1/assessments/", body)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["scope"] == "firm" and data["status"] == "draft" and data["score"] is None
    detail = api_for(world.a_viewer).get(f"/api/v1/assessments/{data['id']}/").json()
    l1 = next(a for a in detail["applicability"] if a["ref"] == "T-L1")
    assert l1["applies"] is False and l1["reasons"] == ["excluded: only for a VASP; firm is a bank"]


def test_bad_assessment_input_gets_field_errors(world, api_for):
    framework = make_framework(scope="vendor")
    response = api_for(world.a_officer).post("/api/v1/assessments/", {
        "framework": framework.pk, "title": "x", "period_start": "2025-06-01", "period_end": "2025-01-01",
    })
    assert response.status_code == 400
    assert {"vendor", "period_end"} <= set(response.json()["error"]["fields"])


def test_an_answer_update_with_a_stale_version_is_a_409(world, api_for):
    assessment = make_assessment(world.firm_a)
    client = api_for(world.a_officer)
    created = client.post("/api/v1/answers/", {
        "assessment": assessment.pk, "requirement": ref_id(assessment, "T-A1"), "response": "partial",
    })
    assert created.status_code == 201, created.json()
    url = f"/api/v1/answers/{created.json()['id']}/"
    assert client.patch(url, {"response": "compliant", "version": 1}).status_code == 200
    conflict = client.patch(url, {"response": "non_compliant", "version": 1})
    assert conflict.status_code == 409
    assert conflict.json()["error"]["current_version"] == 2
    assert client.patch(url, {"response": "compliant"}).status_code == 400  # version is required
    assessment.refresh_from_db()
    assert assessment.rating == "A"


def test_not_applicable_without_a_reason_is_a_field_error(world, api_for):
    assessment = make_assessment(world.firm_a)
    response = api_for(world.a_officer).post("/api/v1/answers/", {
        "assessment": assessment.pk, "requirement": ref_id(assessment, "T-A1"), "response": "not_applicable",
    })
    assert response.status_code == 400
    assert "na_reason" in response.json()["error"]["fields"]


def test_another_firms_assessment_cannot_be_answered(world, api_for):
    theirs = make_assessment(world.firm_b)
    response = api_for(world.a_officer).post("/api/v1/answers/", {
        "assessment": theirs.pk, "requirement": ref_id(theirs, "T-A1"), "response": "compliant",
    })
    assert response.status_code == 400 and "assessment" in response.json()["error"]["fields"]


def test_bulk_upsert_saves_every_row(world, api_for):
    assessment = make_assessment(world.firm_a)
    existing = make_answer(world.firm_a, assessment, requirement=Requirement.objects.get(
        framework=assessment.framework, ref="T-A1"), response="partial")
    response = api_for(world.a_officer).post(f"/api/v1/assessments/{assessment.pk}/answers/bulk/", {"answers": [
        {"ref": "T-A1", "response": "compliant", "version": existing.version},
        {"ref": "T-A2", "response": "not_applicable", "na_reason": "No such service"},
    ]})
    assert response.status_code == 200, response.json()
    assert len(response.json()) == 2
    assessment.refresh_from_db()
    assert float(assessment.score) == 100 and assessment.score_details["unanswered"] == []


def test_bulk_upsert_with_one_bad_row_writes_nothing_and_reports_every_row(world, api_for):
    assessment = make_assessment(world.firm_a)
    response = api_for(world.a_officer).post(f"/api/v1/assessments/{assessment.pk}/answers/bulk/", {"answers": [
        {"ref": "T-A1", "response": "compliant"},
        {"ref": "NOPE-1", "response": "compliant"},
        {"ref": "T-A2", "response": "maybe"},
        {"ref": "T-A2", "response": "not_applicable"},
    ]})
    assert response.status_code == 400
    rows = {r["row"]: r["errors"] for r in response.json()["error"]["rows"]}
    assert set(rows) == {1, 2, 3}
    assert "ref" in rows[1] and "response" in rows[2] and "na_reason" in rows[3]
    assert not Answer.objects.for_org(world.firm_a).exists()
    assessment.refresh_from_db()
    assert assessment.score is None


def test_bulk_upsert_is_for_editors_and_for_the_firms_own_assessment(world, api_for):
    mine, theirs = make_assessment(world.firm_a), make_assessment(world.firm_b)
    body = {"answers": [{"ref": "T-A1", "response": "compliant"}]}
    assert api_for(world.a_viewer).post(f"/api/v1/assessments/{mine.pk}/answers/bulk/", body).status_code == 403
    assert api_for(world.a_officer).post(f"/api/v1/assessments/{theirs.pk}/answers/bulk/", body).status_code == 404


def test_evidence_upload_and_download(world, api_for):
    answer = make_answer(world.firm_a)
    upload = api_for(world.a_officer).post(
        "/api/v1/evidence/", {"answer": answer.pk, "file": SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 test")},
        format="multipart",
    )
    assert upload.status_code == 201, upload.json()
    evidence_id = upload.json()["id"]
    download = api_for(world.a_viewer).get(f"/api/v1/evidence/{evidence_id}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert 'attachment; filename="minutes.pdf"' in download["Content-Disposition"]
    assert AuditEvent.objects.for_org(world.firm_a).filter(
        action=AuditEvent.Action.DOWNLOAD, object_id=str(evidence_id)
    ).exists()


def test_a_refused_upload_is_a_field_error(world, api_for):
    answer = make_answer(world.firm_a)
    response = api_for(world.a_officer).post(
        "/api/v1/evidence/", {"answer": answer.pk, "file": SimpleUploadedFile("x.exe", b"MZ\x90\x00")},
        format="multipart",
    )
    assert response.status_code == 400 and "file" in response.json()["error"]["fields"]


def test_a_viewer_cannot_upload(world, api_for):
    answer = make_answer(world.firm_a)
    response = api_for(world.a_viewer).post(
        "/api/v1/evidence/", {"answer": answer.pk, "file": SimpleUploadedFile("a.txt", b"hi")}, format="multipart",
    )
    assert response.status_code == 403


def test_another_firms_evidence_is_404_for_every_user_of_a(world, api_for):
    theirs = make_evidence(world.firm_b)
    for user in (world.a_admin, world.a_officer, world.a_viewer, world.supervisor):
        assert api_for(user).get(f"/api/v1/evidence/{theirs.pk}/download/").status_code == 404
        assert api_for(user).get(f"/api/v1/evidence/{theirs.pk}/").status_code == 404
    assert api_for(world.b_viewer).get(f"/api/v1/evidence/{theirs.pk}/download/").status_code == 200


def test_findings_filter_by_status_severity_and_source(world, api_for):
    make_finding(world.firm_a, severity="high", status="open")
    make_finding(world.firm_a, severity="low", status="in_progress")
    make_finding(world.firm_b, severity="high")
    client = api_for(world.a_viewer)
    assert client.get("/api/v1/findings/").json()["count"] == 2
    assert client.get("/api/v1/findings/?severity=high").json()["count"] == 1
    assert client.get("/api/v1/findings/?status=in_progress").json()["count"] == 1
    assert client.get("/api/v1/findings/?source=spof").json()["count"] == 0


def test_a_finding_is_created_by_hand_and_risk_acceptance_needs_approver_and_expiry(world, api_for):
    client = api_for(world.a_officer)
    created = client.post("/api/v1/findings/", {"title": "No exit plan", "severity": "medium"})
    assert created.status_code == 201, created.json()
    url = f"/api/v1/findings/{created.json()['id']}/"
    refused = client.patch(url, {"status": "risk_accepted", "version": 1})
    assert refused.status_code == 400
    assert {"risk_accepted_by", "risk_acceptance_expires_on"} <= set(refused.json()["error"]["fields"])
    accepted = client.patch(url, {"status": "risk_accepted", "version": 1, "risk_accepted_by": world.a_admin.pk,
                                  "risk_acceptance_expires_on": "2999-01-01"})
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["closed_at"] is not None


def test_automatic_findings_cannot_be_deleted(world, api_for):
    finding = make_finding(world.firm_a, source="spof", source_key="spof:1:no_measure")
    assert api_for(world.a_officer).delete(f"/api/v1/findings/{finding.pk}/").status_code == 400


@pytest.mark.parametrize(
    ("url", "build"),
    [
        ("/api/v1/assessments/", lambda org, fw, n: [make_assessment(org, fw) for _ in range(n)]),
        ("/api/v1/answers/", lambda org, fw, n: [
            make_evidence(org, make_answer(org, make_assessment(org, fw))) for _ in range(n)]),
        ("/api/v1/evidence/", lambda org, fw, n: [make_evidence(org) for _ in range(n)]),
        ("/api/v1/findings/", lambda org, fw, n: [make_finding(org) for _ in range(n)]),
        ("/api/v1/frameworks/", lambda org, fw, n: [make_framework() for _ in range(n)]),
    ],
)
def test_list_endpoints_take_constant_queries(world, api_for, django_assert_max_num_queries, url, build):
    framework = make_framework()
    client = api_for(world.a_viewer)
    build(world.firm_a, framework, 1)
    with django_assert_max_num_queries(12) as one:
        assert client.get(url).status_code == 200
    build(world.firm_a, framework, 49)
    with django_assert_max_num_queries(len(one)):
        response = client.get(url)
    assert response.status_code == 200 and response.json()["count"] >= 50


def test_a_knock_out_without_a_stated_condition_cannot_be_not_applicable_through_the_api(world, api_for):
    from tests.compliance.webtools import assessment_with

    assessment = assessment_with(world.firm_a, 3, critical=("W-C3",))
    client = api_for(world.a_officer)
    response = client.post("/api/v1/answers/", {
        "assessment": assessment.pk, "requirement": ref_id(assessment, "W-C3"), "response": "not_applicable",
        "na_reason": "We think it does not apply",
    })
    assert response.status_code == 400
    assert "W-C3 is a knock-out requirement" in response.json()["error"]["fields"]["response"][0]
    bulk = client.post(f"/api/v1/assessments/{assessment.pk}/answers/bulk/", {"answers": [
        {"ref": "W-A1", "response": "compliant"},
        {"ref": "W-C3", "response": "not_applicable", "na_reason": "We think it does not apply"},
    ]})
    assert bulk.status_code == 400
    [row] = bulk.json()["error"]["rows"]
    assert row["ref"] == "W-C3" and "response" in row["errors"]
    assert not Answer.objects.for_org(world.firm_a).filter(assessment=assessment).exists()


def test_requirements_in_the_api_carry_the_condition_for_not_applicable(world, api_for):
    from tests.compliance.webtools import assessment_with, state_not_applicable_condition

    assessment = assessment_with(world.firm_a, 3, critical=("W-C3",))
    state_not_applicable_condition(assessment, "W-C3", "The firm has no individual customers.")
    sections = api_for(world.a_viewer).get(f"/api/v1/frameworks/{assessment.framework_id}/").json()["sections"]
    c3 = next(r for s in sections for r in s["requirements"] if r["ref"] == "W-C3")
    assert c3["not_applicable_if_en"] == "The firm has no individual customers."
