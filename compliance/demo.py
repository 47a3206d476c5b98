"""Demo assessments: for every demo firm a firm-wide KR-TPRM assessment for 2025 with a realistic,
partly answered checklist, and for each exchange an edge-provider assessment of its CDN vendor.

New demo assessments use the newest published version of each checklist (versions compared as
numbers, :func:`compliance.selectors.latest_framework`). A demo database seeded before a newer version
was published keeps its assessment on the older one, which then offers "Start on version …".

Dalbit (no CDN redundancy during the 18 Nov outage) answers KR-G3 and the edge fallback items
non-compliant, so its rating is D with the knock-out reason; Pado (automatic switch to a second CDN)
mostly complies. Idempotent: assessments match by checklist code and title (of any version),
existing answers are left alone.
"""

from __future__ import annotations

import datetime
import hashlib

from audit.context import acting_as
from compliance import findings, selectors, services
from compliance.choices import Response
from compliance.loader import load_all
from compliance.models import Answer, Assessment, Framework, Requirement

PERIOD = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
DUE = datetime.date(2026, 3, 31)
FIRM_TITLE = "2025 제3자·클라우드 리스크 자체점검 ({code} {version})"
EDGE_TITLE = "2025 엣지 제공자 점검: {vendor}"

# Answers set by hand for the story; everything else follows a stable pseudo-random pattern.
OVERRIDES = {
    "dalbit": {
        "KR-G3": (Response.NON_COMPLIANT, "CDN 단일 구성, 11.18 장애 때 174분 중단 (single CDN; 174 min down)."),
        "KR-H2": (Response.NON_COMPLIANT, "대체 경로 없음 (no fallback path to compare)."),
        "KR-H3": (Response.PARTIAL, "TTL 300초, 보조 DNS 미구성 (TTL 300 s, no secondary DNS)."),
        "KR-H5": (Response.NON_COMPLIANT, "제공자 상태 페이지에만 의존 (relies on the provider's status page)."),
        "EC-B1": (Response.NON_COMPLIANT, "우회 경로 없음 (no bypass path)."),
        "EC-F1": (Response.NON_COMPLIANT, "전환 테스트 이력 없음 (never tested)."),
    },
    "pado": {
        "KR-G3": (Response.COMPLIANT, "Akamai 자동 전환, 11.18 장애 16분 (automatic switch, 16 min)."),
        "EC-F1": (Response.COMPLIANT, "2025.9 운영 전환 테스트 12분 (production switch test, 12 min)."),
    },
}
# Days an officer gives a new finding, by severity: the demo's findings are owned and dated like real ones.
DUE_DAYS = {"critical": 14, "high": 30, "medium": 60, "low": 90}
# Share of applicable items each firm has answered so far, out of 100.
ANSWERED_SHARE = {"dalbit": 80, "pado": 90, "hanbit": 70, "saebyeol": 60, "nuri": 50, "haneul": 65}


def _pattern(slug: str, ref: str) -> tuple[str, str] | None:
    """A stable response for a requirement nobody scripted: mostly compliant, some gaps, some unanswered."""
    roll = int(hashlib.sha256(f"{slug}:{ref}".encode()).hexdigest()[:4], 16) % 100
    if roll >= ANSWERED_SHARE.get(slug, 60):
        return None
    if roll < 8:
        return Response.NON_COMPLIANT, "개선 계획 수립 중 (remediation being planned)."
    if roll < 22:
        return Response.PARTIAL, "일부 문서화 (partly documented)."
    if roll < 25:
        return Response.NOT_APPLICABLE, "해당 업무 없음 (no such activity at this firm)."
    return Response.COMPLIANT, ""


def _answer_all(assessment: Assessment, slug: str, user) -> None:
    answered = set(
        Answer.objects.for_org(assessment.organization).filter(assessment=assessment).values_list(
            "requirement_id", flat=True
        )
    )
    requirements = Requirement.objects.filter(pk__in=assessment.applicable_requirement_ids()).order_by("order")
    for req in requirements:
        if req.pk in answered:
            continue
        scripted = OVERRIDES.get(slug, {}).get(req.ref)
        choice = scripted or _pattern(slug, req.ref)
        if choice is None:
            continue
        response, comment = choice
        # A knock-out item is never left to chance: only the scripted story fails one, and it is N/A
        # only where its checklist allows that.
        unlucky = response in (Response.NON_COMPLIANT, Response.PARTIAL) or (
            response == Response.NOT_APPLICABLE and not services.not_applicable_allowed(req, comment))
        if req.critical and not scripted and unlucky:
            response, comment = Response.COMPLIANT, ""
        services.save_answer(
            assessment=assessment, requirement=req, response=response,
            comment="" if response == Response.NOT_APPLICABLE else comment,
            na_reason=comment if response == Response.NOT_APPLICABLE else "",
            expected_version=None, user=user, sync_finding=False,
        )


def _assessment(org, framework: Framework, title: str, owner, vendor=None) -> Assessment:
    """``title`` is a template ({code}, {version}, {vendor}); the demo's assessment of this checklist is
    found on whichever version it was first seeded with."""
    def titled(version: str) -> str:
        return title.format(code=framework.code, version=version, vendor=vendor.name if vendor else "")

    titles = {titled(v) for v in Framework.objects.filter(code=framework.code).values_list("version", flat=True)}
    existing = Assessment.objects.for_org(org).filter(framework__code=framework.code, title__in=titles,
                                                      vendor=vendor).first()
    if existing is not None:
        return existing
    return services.create_assessment(
        organization=org, framework=framework, title=titled(framework.version),
        period_start=PERIOD[0], period_end=PERIOD[1], owner=owner, due_date=DUE, vendor=vendor,
    )


def _cdn_vendor(org):
    from vendors.models import Vendor

    cdn = Vendor.objects.for_org(org).filter(category="cdn_security", dependencies__role="cdn").distinct()
    return cdn.filter(catalog__key="cloudflare").order_by("reference").first() or cdn.order_by("reference").first()


def seed(world) -> None:
    load_all()
    kr = selectors.latest_framework("KR-TPRM")
    edge = selectors.latest_framework("EC-PROVIDER")
    if kr is None:
        return
    for slug, org in world.orgs.items():
        if org.is_regulator:
            continue
        officer = world.users.get(f"{slug}:officer")
        with acting_as(officer, org):
            firm_wide = _assessment(org, kr, FIRM_TITLE, officer)
            _answer_all(firm_wide, slug, officer)
            findings.sync_findings(assessment=firm_wide)
            vendor = _cdn_vendor(org) if org.kind == "vasp" and edge is not None else None
            if vendor is not None:
                vendor_assessment = _assessment(org, edge, EDGE_TITLE, officer, vendor)
                _answer_all(vendor_assessment, slug, officer)
                findings.sync_findings(assessment=vendor_assessment)
            _own_findings(org, officer)


def _own_findings(org, officer) -> None:
    """Give every open finding without an owner the firm's officer and a due date by severity.

    Dates count from the finding's creation, so re-seeding later leaves them alone (idempotent), and the
    Dalbit story keeps its critical KR-G3 finding in progress with a plan.
    """
    from compliance.models import Finding

    if officer is None:
        return
    for finding in Finding.objects.for_org(org).filter(owner__isnull=True).exclude(
            status__in=["resolved", "risk_accepted"]):
        data = {"owner": officer, "due_date": finding.created_at.date() + datetime.timedelta(
            days=DUE_DAYS.get(finding.severity, 60))}
        if finding.severity == "critical" and not finding.remediation_plan:
            data["status"] = "in_progress"
            data["remediation_plan"] = "보조 경로 구성 및 전환 테스트 (set up a second path and test the switch)."
        findings.update_finding(finding=finding, version=finding.version, data=data)
