"""Demo submissions: most firms have sent their firm-wide assessment, in different review states,
so the supervisor's queue and the market-wide analytics have something real to show."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile

from accounts.roles import Role
from compliance import services as compliance_services
from compliance.models import Answer, Assessment, Evidence, Requirement
from review import services
from review.models import Submission

# firm slug -> where its firm-wide assessment ends up
PLAN = {
    "hanbit": "accepted",
    "saebyeol": "in_review",
    "dalbit": "changes_requested",
    "pado": "submitted",
    "nuri": "submitted",
    "haneul": "draft",
}


def _complete(assessment: Assessment, officer) -> None:
    """Answer what the compliance demo left open and attach evidence to critical items."""
    org = assessment.organization
    answers = {a.requirement_id: a for a in Answer.objects.for_org(org).filter(assessment=assessment)}
    requirements = Requirement.objects.filter(pk__in=assessment.applicable_requirement_ids())
    for req in requirements:
        answer = answers.get(req.pk)
        if answer is None:
            answer = compliance_services.save_answer(
                assessment=assessment,
                requirement=req,
                response="compliant",
                comment="",
                expected_version=None,
                user=officer,
                sync_finding=False,
            )
        if req.critical and answer.response != "not_applicable" and not answer.evidence.exists():
            data = f"Demo evidence for {req.ref} of {org.name}".encode()
            ev = Evidence(
                organization=org,
                answer=answer,
                original_name=f"{req.ref}-evidence.pdf",
                size=len(data),
                content_type="application/pdf",
                sha256=hashlib.sha256(data).hexdigest(),
                uploaded_by=officer,
            )
            ev.file.save(f"{req.ref}.pdf", ContentFile(data), save=False)
            ev.save()


def seed(world) -> None:
    supervisor = world.users["fss:supervisor"]
    for slug, target in PLAN.items():
        org = world.orgs[slug]
        officer = world.users[f"{slug}:officer"]
        assessment = Assessment.objects.for_org(org).filter(scope="firm").order_by("id").first()
        if (
            assessment is None
            or target == "draft"
            or Submission.objects.for_org(org).filter(assessment=assessment).exists()
        ):
            continue
        _complete(assessment, officer)
        submission = services.submit(assessment=assessment, actor=officer, role=Role.OFFICER)
        if target == "submitted":
            continue
        services.claim(submission=submission, actor=supervisor, role=Role.SUPERVISOR)
        if target == "accepted":
            services.decide(
                submission=submission,
                actor=supervisor,
                role=Role.SUPERVISOR,
                decision="accept",
                reason="충분한 근거가 제출됨 / Evidence sufficient.",
            )
        elif target == "changes_requested":
            ref = next(
                (
                    r["ref"]
                    for r in services.submission_document(submission)["assessment"]["requirements"]
                    if r["response"] in ("non_compliant", "partial")
                ),
                "",
            )
            services.comment(
                submission=submission,
                actor=supervisor,
                role=Role.SUPERVISOR,
                requirement_ref=ref,
                body="CDN 장애 시 우회 경로와 최근 전환 시험 결과를 제출하십시오. "
                "/ Provide the CDN bypass path and a recent failover test result.",
            )
            services.decide(
                submission=submission,
                actor=supervisor,
                role=Role.SUPERVISOR,
                decision="request_changes",
                reason="단일 장애점 해소 계획 필요 / SPOF remediation plan needed.",
            )
