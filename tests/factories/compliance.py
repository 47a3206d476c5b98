"""Factories for checklists, assessments, answers, evidence and findings.

* ``make_framework(...)``: a small published checklist (global), built through the ORM.
* ``make_assessment(org, ...)``: through the service, so applicability and the cached score are real.
* FACTORIES feeds the route matrix ("B-SECRET" in a displayed text field).
"""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Organization
from compliance import services
from compliance.models import Answer, Assessment, Evidence, Finding, Framework, Requirement, Section

_seq = itertools.count(1)

# (ref, section, weight, critical, applies_to, vendor_scope)
DEFAULT_REQUIREMENTS = [
    ("T-A1", "A", 4, False, {}, False),
    ("T-A2", "A", 2, False, {}, True),
    ("T-G3", "G", 5, True, {"tiers": ["T1"]}, True),
    ("T-L1", "L", 3, False, {"firm_kinds": ["vasp"]}, False),
    ("T-C1", "C", 3, False, {"vendor_categories": ["cdn_security"]}, True),
]


def make_framework(
    code: str | None = None, *, version: str = "2025.1", scope: str = "firm", requirements: list | None = None,
    published: bool = True,
) -> Framework:
    code = code or f"TEST-{next(_seq)}"
    framework = Framework.objects.create(
        code=code, version=version, scope=scope, name_ko=f"점검표 {code}", name_en=f"Checklist {code}",
        checksum="0" * 64,
    )
    sections: dict[str, Section] = {}
    for order, (ref, section_code, weight, critical, applies, vendor_scope) in enumerate(
        requirements if requirements is not None else DEFAULT_REQUIREMENTS
    ):
        if section_code not in sections:
            sections[section_code] = Section.objects.create(
                framework=framework, code=section_code, name_ko=f"섹션 {section_code}",
                name_en=f"Section {section_code}", order=len(sections),
            )
        Requirement.objects.create(
            framework=framework, section=sections[section_code], ref=ref, order=order,
            text_ko=f"{ref} 요건", text_en=f"{ref} requirement", weight=weight, critical=critical,
            applies_tiers=applies.get("tiers", []), applies_firm_kinds=applies.get("firm_kinds", []),
            applies_vendor_categories=applies.get("vendor_categories", []), vendor_scope=vendor_scope,
        )
    if published:
        framework.published_at = timezone.now()
        framework.save()
    return framework


def make_assessment(org: Organization, framework: Framework | None = None, **extra: Any) -> Assessment:
    fields: dict[str, Any] = {
        "title": f"Assessment {next(_seq)}",
        "period_start": datetime.date(2025, 1, 1),
        "period_end": datetime.date(2025, 12, 31),
    }
    fields.update(extra)
    return services.create_assessment(organization=org, framework=framework or make_framework(), **fields)


def make_answer(org: Organization, assessment: Assessment | None = None, **extra: Any) -> Answer:
    assessment = assessment or make_assessment(org)
    requirement = extra.pop("requirement", None)
    if requirement is None:
        requirement = Requirement.objects.get(pk=assessment.applicable_requirement_ids()[0])
    fields = {"response": "compliant", "comment": "", "na_reason": ""}
    fields.update(extra)
    return Answer.objects.create(organization=org, assessment=assessment, requirement=requirement, **fields)


def make_evidence(org: Organization, answer: Answer | None = None, **extra: Any) -> Evidence:
    answer = answer or make_answer(org)
    content = extra.pop("content", b"evidence text\n")
    evidence = Evidence(
        organization=org, answer=answer, original_name=extra.pop("original_name", "evidence.txt"),
        size=len(content), content_type="text/plain", sha256="0" * 64, **extra,
    )
    evidence.file.save("evidence.txt", ContentFile(content), save=False)
    evidence.save()
    return evidence


def make_finding(org: Organization, **extra: Any) -> Finding:
    fields = {"title": f"Finding {next(_seq)}", "severity": "high", "source": "manual"}
    fields.update(extra)
    return Finding.objects.create(organization=org, **fields)


FACTORIES = {
    Assessment: lambda org: make_assessment(org, title=f"B-SECRET assessment {next(_seq)}"),
    Answer: lambda org: make_answer(org, comment="B-SECRET comment"),
    Evidence: lambda org: make_evidence(org, original_name=f"B-SECRET-{next(_seq)}.txt"),
    Finding: lambda org: make_finding(org, title=f"B-SECRET finding {next(_seq)}"),
}


def _requirement_for(created: dict) -> Requirement:
    assessment = created.get(Assessment)
    if assessment is not None:
        return Requirement.objects.get(pk=assessment.applicable_requirement_ids()[0])
    return Requirement.objects.filter(framework=make_framework()).first()


def _section_for(created: dict) -> Section:
    """The section of a requirement that applies to the assessment (the page shows no other)."""
    return _requirement_for(created).section


GLOBAL_FACTORIES = {
    Framework: lambda created: make_framework(),
    Requirement: _requirement_for,
    Section: _section_for,
}
