"""Scoped reads of checklists, assessments, answers, evidence and findings (constant query counts)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.models import Organization
from compliance.models import Answer, Assessment, Evidence, Finding, Framework, Requirement, Section
from compliance.versions import is_newer, version_key


def published_frameworks() -> QuerySet[Framework]:
    return Framework.objects.filter(published_at__isnull=False).order_by("code", "-version")


def latest_framework(code: str) -> Framework | None:
    """The newest published version of a framework code, versions compared as numbers ("2025.10" > "2025.9")."""
    versions = list(published_frameworks().filter(code=code))
    return max(versions, key=lambda f: version_key(f.version), default=None)


def newer_framework(framework: Framework) -> Framework | None:
    """The newest published version of the same code if it is newer than ``framework``, else None."""
    latest = latest_framework(framework.code)
    return latest if latest is not None and is_newer(latest.version, framework.version) else None


def frameworks_with_requirements() -> QuerySet[Framework]:
    return published_frameworks().prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("order")),
        Prefetch("sections__requirements", queryset=Requirement.objects.order_by("order")),
    )


def assessments_for(organization: Organization | None) -> QuerySet[Assessment]:
    return Assessment.objects.for_org(organization).select_related("framework", "vendor", "owner")


def answers_for(organization: Organization | None) -> QuerySet[Answer]:
    return (
        Answer.objects.for_org(organization)
        .select_related("requirement__section", "answered_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.for_org(organization)))
    )


def evidence_for(organization: Organization | None) -> QuerySet[Evidence]:
    return Evidence.objects.for_org(organization).select_related("answer__requirement", "uploaded_by")


def findings_for(organization: Organization | None) -> QuerySet[Finding]:
    return Finding.objects.for_org(organization).select_related(
        "assessment", "requirement", "dependency__service", "dependency__vendor", "owner", "risk_accepted_by"
    )


def open_findings(organization: Organization | None) -> QuerySet[Finding]:
    return findings_for(organization).exclude(status__in=["resolved", "risk_accepted"])
