"""Automatic findings follow answers and the register's SPOFs; evidence is checked by its content."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from compliance import findings, services
from compliance.evidence import upload_evidence
from compliance.models import Evidence, Finding, Requirement
from tests.factories.compliance import make_answer, make_assessment, make_finding
from tests.factories.vendors import make_chain


def save(assessment, ref, response, user, version=None):
    return services.save_answer(
        assessment=assessment, requirement=Requirement.objects.get(framework=assessment.framework, ref=ref),
        response=response, expected_version=version, user=user,
    )


def auto_findings(org):
    return list(Finding.objects.for_org(org).exclude(source="manual").order_by("source_key"))


# --- findings ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("response", "weight", "critical", "severity"),
    [
        ("non_compliant", 1, True, "critical"), ("non_compliant", 5, False, "high"),
        ("non_compliant", 3, False, "medium"), ("non_compliant", 1, False, "low"),
        ("partial", 2, True, "high"), ("partial", 4, False, "medium"), ("partial", 3, False, "low"),
        ("compliant", 5, True, None), ("not_applicable", 5, True, None),
    ],
)
def test_severity_follows_weight_and_criticality(response, weight, critical, severity):
    assert findings.answer_severity(response, weight, critical) == severity


def test_a_non_compliant_answer_opens_one_finding_that_follows_the_answer(world):
    assessment = make_assessment(world.firm_a)
    first = save(assessment, "T-A1", "non_compliant", world.a_officer)
    [finding] = auto_findings(world.firm_a)
    assert (finding.source, finding.severity, finding.status) == ("answer", "high", "open")
    assert finding.requirement.ref == "T-A1" and finding.assessment == assessment

    save(assessment, "T-A1", "partial", world.a_officer, version=first.version)
    [finding] = auto_findings(world.firm_a)
    assert finding.severity == "medium" and finding.status == "open"

    save(assessment, "T-A1", "compliant", world.a_officer, version=first.version + 1)
    [finding] = auto_findings(world.firm_a)
    assert finding.status == "resolved" and finding.closed_at is not None

    save(assessment, "T-A1", "non_compliant", world.a_officer, version=first.version + 2)
    [finding] = auto_findings(world.firm_a)
    assert finding.status == "open" and finding.closed_at is None


def test_sync_is_idempotent_and_adds_single_points_of_failure_firm_wide(world):
    make_chain(world.firm_a, strategy=None)  # a critical service with no redundancy at all
    assessment = make_assessment(world.firm_a)
    make_answer(world.firm_a, assessment, requirement=Requirement.objects.get(
        framework=assessment.framework, ref="T-A2"), response="partial")
    counts = findings.sync_findings(assessment=assessment)
    assert counts["created"] == 2
    keys = [f.source_key for f in auto_findings(world.firm_a)]
    assert any(k.startswith("answer:") for k in keys) and any(k.startswith("spof:") for k in keys)
    spof = next(f for f in auto_findings(world.firm_a) if f.source == "spof")
    assert spof.severity == "critical" and spof.dependency is not None

    assert findings.sync_findings(assessment=assessment) == {"created": 0, "updated": 0, "resolved": 0}
    assert len(auto_findings(world.firm_a)) == 2


def test_a_fixed_single_point_of_failure_resolves_its_finding(world):
    dep = make_chain(world.firm_a, strategy=None)
    assessment = make_assessment(world.firm_a)
    findings.sync_findings(assessment=assessment)
    from tests.factories.vendors import make_failover_test, make_measure

    make_failover_test(world.firm_a, measure=make_measure(world.firm_a, dependency=dep))
    counts = findings.sync_findings(assessment=assessment)
    assert counts["resolved"] == 1
    assert auto_findings(world.firm_a)[0].status == "resolved"


def test_risk_acceptance_needs_an_approver_and_a_future_expiry(world):
    finding = make_finding(world.firm_a)
    with pytest.raises(ValidationError) as exc:
        findings.accept_risk(finding=finding, version=1, approver=None, expires_on=None)
    assert {"risk_accepted_by", "risk_acceptance_expires_on"} <= set(exc.value.message_dict)
    finding = Finding.objects.for_org(world.firm_a).get()
    with pytest.raises(ValidationError) as exc:
        findings.accept_risk(finding=finding, version=1, approver=world.a_viewer,
                             expires_on=timezone.localdate() + datetime.timedelta(days=90))
    assert "risk_accepted_by" in exc.value.message_dict
    finding = Finding.objects.for_org(world.firm_a).get()
    with pytest.raises(ValidationError):
        findings.accept_risk(finding=finding, version=1, approver=world.a_admin, expires_on=timezone.localdate())
    finding = Finding.objects.for_org(world.firm_a).get()
    accepted = findings.accept_risk(finding=finding, version=1, approver=world.a_admin,
                                    expires_on=timezone.localdate() + datetime.timedelta(days=90))
    assert accepted.status == "risk_accepted" and accepted.closed_at is not None


def test_a_risk_accepted_answer_finding_stays_accepted_on_sync(world):
    assessment = make_assessment(world.firm_a)
    save(assessment, "T-A1", "non_compliant", world.a_officer)
    [finding] = auto_findings(world.firm_a)
    findings.accept_risk(finding=finding, version=finding.version, approver=world.a_admin,
                         expires_on=timezone.localdate() + datetime.timedelta(days=30))
    findings.sync_findings(assessment=assessment)
    assert auto_findings(world.firm_a)[0].status == "risk_accepted"


# --- evidence ---------------------------------------------------------------------------------------

def office_file(inner: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(inner, "<xml/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("policy.pdf", b"%PDF-1.7\n...", "application/pdf"),
        ("screen.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        ("register.xlsx", office_file("xl/workbook.xml"),
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("minutes.docx", office_file("word/document.xml"),
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("tests.csv", "일자,결과\n2025-03-01,pass\n".encode(), "text/csv"),
        ("log.txt", b"switched at 10:02\n", "text/plain"),
    ],
)
def test_accepted_files_are_stored_privately_with_their_hash(world, settings, name, content, content_type):
    import hashlib

    answer = make_answer(world.firm_a)
    evidence = upload_evidence(answer=answer, uploaded_file=SimpleUploadedFile(name, content), user=world.a_officer)
    assert evidence.content_type == content_type
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.size == len(content) and evidence.original_name == name
    assert evidence.file.name.startswith(f"evidence/{world.firm_a.pk}/")
    assert evidence.file.path.startswith(str(settings.MEDIA_ROOT))


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("virus.exe", b"MZ\x90\x00\x03" + b"\x00" * 40, "not accepted"),
        ("archive.zip", office_file("payload.bin"), "not accepted"),
        ("fake.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "its name ends in .pdf"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_files_are_refused_by_their_content(world, name, content, problem):
    answer = make_answer(world.firm_a)
    with pytest.raises(ValidationError) as exc:
        upload_evidence(answer=answer, uploaded_file=SimpleUploadedFile(name, content), user=world.a_officer)
    assert problem in " ".join(exc.value.message_dict["file"])
    assert not Evidence.objects.for_org(world.firm_a).exists()


def test_files_over_the_size_limit_are_refused(world, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    answer = make_answer(world.firm_a)
    with pytest.raises(ValidationError) as exc:
        upload_evidence(answer=answer, uploaded_file=SimpleUploadedFile("big.txt", b"a" * 101), user=None)
    assert "larger than" in exc.value.message_dict["file"][0]


def test_a_path_in_the_file_name_is_dropped(world):
    answer = make_answer(world.firm_a)
    evidence = upload_evidence(answer=answer, uploaded_file=SimpleUploadedFile("../../etc/x.txt", b"hi"), user=None)
    assert evidence.original_name == "x.txt"



def test_a_finding_title_fits_its_field_however_long_the_requirement_text():
    from compliance.models import Answer, Assessment

    req = Requirement(ref="KR-X9", text_ko="가" * 400, text_en="x" * 400, weight=3, critical=False)
    for response in ("partial", "non_compliant"):
        wanted = findings._answer_wanted(Answer(requirement=req, response=response, assessment=Assessment()))
        assert len(wanted["title"]) <= Finding._meta.get_field("title").max_length
        assert wanted["title"].startswith("KR-X9: ") and wanted["title"].endswith(")")
