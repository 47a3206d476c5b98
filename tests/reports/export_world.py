"""A small but complete firm for the export tests: register, an answered assessment, findings."""

from __future__ import annotations

import datetime

from django.utils import timezone

from audit.context import acting_as
from compliance import services as compliance_services
from compliance.models import Requirement
from tests.factories.compliance import make_assessment, make_evidence, make_finding, make_framework
from tests.factories.vendors import (
    make_chain,
    make_dependency,
    make_incident,
    make_service,
    make_vendor,
)


def build_firm(org, user, *, text: str | None = None):
    """Vendors, services, dependencies (one SPOF), a test, an incident and a draft assessment with
    answers, evidence and a finding. ``text`` (e.g. a formula payload) goes into every free-text field."""
    def t(default: str) -> str:
        return text if text is not None else default

    make_chain(org)  # tested, redundant
    spof_service = make_service(org, name=t("Mobile login"), description=t("login"))
    vendor = make_vendor(
        org, name=t("CDN and WAF"), contract_reference=t("C-1"),
        contract_start=datetime.date(2024, 1, 1), contract_end=datetime.date(2026, 12, 31), notice_period_days=90,
    )
    make_dependency(org, service=spof_service, vendor=vendor, notes=t("single CDN"))
    make_chain(org, strategy="warm_standby", result="fail", achieved=300)
    make_incident(org, vendor=None, customer_impact=t("customers could not log in"), root_cause=t("CDN"),
                  actions=t("switched"), users_affected=12_000,
                  reported_to_supervisor_at=timezone.now() - datetime.timedelta(days=4))
    assessment = make_assessment(org, make_framework(), title=t("Annual TPRM 2025"))
    for i, req_id in enumerate(assessment.applicable_requirement_ids()):
        requirement = Requirement.objects.get(pk=req_id)
        response = ["compliant", "partial", "non_compliant"][i % 3]
        with acting_as(user, org):
            answer = compliance_services.save_answer(
                assessment=assessment, requirement=requirement, response=response, comment=t(f"comment {i}"),
                expected_version=None, user=user, sync_finding=False,
            )
        if i == 0:
            make_evidence(org, answer=answer, original_name=t("contract.pdf"))
    make_finding(org, assessment=assessment, title=t("No exit plan"), remediation_plan=t("write one"),
                 description=t("none"))
    assessment.refresh_from_db()
    return assessment
