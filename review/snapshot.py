"""Freezing what a firm submits: one canonical JSON document, and the register rows for analytics.

Canonical means: keys sorted, no insignificant whitespace, UTF-8, dates in ISO 8601, so that the
same content always gives the same bytes and therefore the same sha256.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from compliance.models import Answer, Assessment, Evidence, Requirement, Section
from reports.workbooks import register as register_sheets
from reports.workbooks.assessment_view import FINDING_FIELDS, finding_records
from vendors import rules
from vendors.models import Dependency, Incident
from vendors.selectors import dependency_facts

# 2: the snapshot also freezes every value the audit workbook shows ("workbook": vendors, redundancy matrix,
# incidents; findings' owner and notes; section order). Version 1 documents are still read (missing values blank).
SCHEMA_VERSION = 2
STRATEGY_STRENGTH = [
    "none",
    "manual_workaround",
    "cold_standby",
    "warm_standby",
    "in_house",
    "active_passive",
    "active_active",
]


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def canonical_json(document: dict) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def _assessment_part(assessment: Assessment) -> dict:
    org = assessment.organization
    applicable = set(assessment.applicable_requirement_ids())
    requirements = Requirement.objects.filter(pk__in=applicable).select_related("section").order_by("order")
    answers = {
        a.requirement_id: a
        for a in Answer.objects.for_org(org).filter(assessment=assessment).select_related("answered_by")
    }
    evidence: dict[int, list[dict]] = {}
    for e in Evidence.objects.for_org(org).filter(answer__assessment=assessment).order_by("created_at", "id"):
        evidence.setdefault(e.answer_id, []).append(
            {"id": e.pk, "name": e.original_name, "sha256": e.sha256, "size": e.size}
        )
    items = []
    for req in requirements:
        answer = answers.get(req.pk)
        items.append(
            {
                "ref": req.ref,
                "section": req.section.code,
                "section_name": {"ko": req.section.name_ko, "en": req.section.name_en},
                "text": {"ko": req.text_ko, "en": req.text_en},
                "weight": req.weight,
                "critical": req.critical,
                "response": answer.response if answer else None,
                "comment": answer.comment if answer else "",
                "na_reason": answer.na_reason if answer else "",
                "answered_by": answer.answered_by.email if answer and answer.answered_by else "",
                "answered_at": answer.answered_at if answer else None,
                "evidence": evidence.get(answer.pk, []) if answer else [],
            }
        )
    findings = [dict(zip(FINDING_FIELDS, record, strict=True)) for record in finding_records(assessment)]
    sections = [
        {"code": s.code, "name": {"ko": s.name_ko, "en": s.name_en}}
        for s in Section.objects.filter(framework=assessment.framework).order_by("order", "pk")
    ]
    fw = assessment.framework
    return {
        "id": assessment.pk,
        "title": assessment.title,
        "scope": assessment.scope,
        "vendor": assessment.vendor.name if assessment.vendor_id else None,
        "framework": {"code": fw.code, "version": fw.version, "name": {"ko": fw.name_ko, "en": fw.name_en}},
        "period": [assessment.period_start, assessment.period_end],
        "score": assessment.score,
        "rating": assessment.rating,
        "rating_reasons": assessment.rating_reasons,
        "section_scores": assessment.score_details,
        "sections": sections,
        "requirements": items,
        "findings": findings,
    }


def _strongest(measures: list) -> Any:
    real = [m for m in measures if m.strategy != "none"]
    return max(real, key=lambda m: STRATEGY_STRENGTH.index(m.strategy)) if real else None


def register_rows(organization, today: datetime.date) -> tuple[list[dict], list[dict]]:
    """The firm's register as plain rows: one per dependency, one per incident."""
    facts = {f.dependency_id: f for f in dependency_facts(organization)}
    deps = (
        Dependency.objects.for_org(organization)
        .select_related("service", "vendor__catalog")
        .prefetch_related(
            "vendor__subcontractors",
            "measures__tests",
            "measures__shared_upstreams",
            "measures__alternate_provider__upstreams",
        )
        .order_by("service__reference", "vendor__reference", "role")
    )
    rows = []
    for dep in deps:
        fact = facts[dep.pk]
        measures = list(dep.measures.all())
        best = _strongest(measures)
        tests = [t for m in measures if m.strategy != "none" for t in m.tests.all()]
        last = max(tests, key=lambda t: t.tested_on, default=None)
        passes = [t for t in tests if t.result == "pass"]
        # The same window and recovery time as the SPOF rule (vendors.rules), so the market sees what the firm saw.
        recent_passes = rules.recent_passes(fact, today)
        recovery = rules.tested_recovery_minutes(fact, today)
        reasons = rules.spof_reasons(fact, today)
        shared = sorted({u.pk for m in measures for u in m.shared_upstreams.all()})
        rows.append(
            {
                "service_reference": dep.service.reference,
                "service_name": dep.service.name,
                "importance": dep.service.importance,
                "is_core_business": dep.service.is_core_business,
                "rto_minutes": dep.service.rto_minutes,
                "customers_affected": dep.service.customers_affected,
                "vendor_name": dep.vendor.name,
                "provider_id": dep.vendor.catalog_id,
                "provider_parent": dep.vendor.catalog.parent_group,
                "provider_category": dep.vendor.catalog.category,
                "provider_country": dep.vendor.catalog.country,
                "data_location": dep.vendor.data_location,
                "role": dep.role,
                "tier": dep.tier,
                "strategy": best.strategy if best else "none",
                "alternate_provider_id": best.alternate_provider_id if best else None,
                "alternate_in_house": bool(best and best.alternate_in_house),
                "alternate_upstream_ids": sorted(u.pk for u in best.alternate_provider.upstreams.all())
                if best and best.alternate_provider_id
                else [],
                "shared_upstream_ids": shared,
                "has_shared_upstream": any(code == "shared_upstream" for code, _ in reasons),
                "last_test_on": last.tested_on if last else None,
                "last_test_result": last.result if last else "",
                "last_pass_on": max((t.tested_on for t in passes), default=None),
                # Only with a pass in the window: the simulation reads a recovery time as a working fallback.
                "best_recovery_minutes": recovery if recent_passes else None,
                "tested_redundancy": bool(recent_passes)
                and (recovery is None or recovery <= dep.service.rto_minutes),
                "is_spof": bool(reasons) and rules.spof_severity(dep.tier) is not None,
                "spof_reasons": [code for code, _ in reasons],
                "subcontractor_ids": sorted(s.pk for s in dep.vendor.subcontractors.all()),
            }
        )
    incidents = []
    for inc in Incident.objects.for_org(organization).select_related("provider").order_by("started_at", "id"):
        incidents.append(
            {
                "reference": inc.reference,
                "provider_id": inc.provider_id,
                "outage_event_id": inc.outage_event_id,
                "started_at": inc.started_at,
                "ended_at": inc.ended_at,
                "duration_minutes": inc.duration_minutes,
                "users_affected": inc.users_affected,
                "reported_to_supervisor_at": inc.reported_to_supervisor_at,
                "declared_tested_redundancy": any(
                    r["provider_id"] == inc.provider_id and r["tested_redundancy"] for r in rows
                ),
            }
        )
    return rows, incidents


def _in_every_language(produce) -> dict[str, list[tuple]]:
    records = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            records[code] = list(produce())
    return records


def _frozen(fields: tuple[str, ...], records: list[tuple], localised: dict[str, list[tuple]] | None = None,
            localised_fields: tuple[str, ...] = ()) -> list[dict]:
    """Records as dicts by field name; each localised field as {language: value} (same rows in every language)."""
    rows = [dict(zip(fields, record, strict=True)) for record in records]
    for name in localised_fields:
        index = fields.index(name)
        for position, row in enumerate(rows):
            row[name] = {code: recs[position][index] for code, recs in (localised or {}).items()}
    return rows


def workbook_part(organization, today: datetime.date) -> dict:
    """The register sheets of the audit workbook, as records: what the supervisor's workbook will show."""
    redundancy = _in_every_language(lambda: register_sheets.redundancy_records(organization, today))
    incidents = _in_every_language(lambda: register_sheets.incident_records(organization))
    default = settings.LANGUAGE_CODE
    return {
        "vendors": _frozen(register_sheets.VENDOR_FIELDS, list(register_sheets.vendor_records(organization))),
        "redundancy": _frozen(register_sheets.REDUNDANCY_FIELDS, redundancy[default], redundancy,
                              register_sheets.REDUNDANCY_LOCALISED),
        "incidents": _frozen(register_sheets.INCIDENT_FIELDS, incidents[default], incidents,
                             register_sheets.INCIDENT_LOCALISED),
    }


def current_content(assessment: Assessment, today: datetime.date) -> dict:
    """The answers and the register as a snapshot taken now would freeze them (JSON-decoded like a stored
    document), for comparing with an earlier submission without writing one."""
    dependencies, incidents = register_rows(assessment.organization, today)
    document = {"assessment": _assessment_part(assessment),
                "register": {"dependencies": dependencies, "incidents": incidents}}
    return json.loads(canonical_json(document))


def build_snapshot(assessment: Assessment, *, submitted_by, submitted_at: datetime.datetime, number: int) -> dict:
    org = assessment.organization
    today = timezone.localdate(submitted_at)
    dependencies, incidents = register_rows(org, today)
    return {
        "schema": SCHEMA_VERSION,
        "submission": {"number": number, "submitted_at": submitted_at, "submitted_by": submitted_by.email},
        "firm": {
            "id": org.pk,
            "name": org.name,
            "name_ko": org.name_ko,
            "kind": org.kind,
            "business_registration_number": org.business_registration_number,
        },
        "assessment": _assessment_part(assessment),
        "register": {"dependencies": dependencies, "incidents": incidents},
        "workbook": workbook_part(org, today),
    }
