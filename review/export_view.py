"""The audit workbook of a submitted assessment is written from its frozen snapshot, never from
live data: what the supervisor reviewed is what the workbook shows, with the snapshot's sha256."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language

from compliance.choices import AssessmentStatus, Response
from compliance.scoring import describe
from reports.workbooks import audit_trail
from reports.workbooks import register as register_sheets
from reports.workbooks.assessment_view import (
    FINDING_FIELDS,
    AssessmentView,
    SectionLine,
    SubmissionRef,
    finding_lines,
)
from reports.workbooks.labels import choice_labels, yes_no
from review.models import Submission
from review.services import submission_document
from vendors.selectors import visible_catalog

# Statuses in which the supervisor works on a frozen submission (changes_requested: the firm edits live).
SNAPSHOT_STATUSES = frozenset({"submitted", "in_review", "accepted"})


def _lang(pair: dict) -> str:
    """The active language's text of a {language: text} pair, else the default language's, else any."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    for code in (language, settings.LANGUAGE_CODE, "en"):
        if pair.get(code):
            return pair[code]
    return next((v for v in pair.values() if v), "")


def _dt(value):
    return parse_datetime(value) if isinstance(value, str) and value else None


def _d(value):
    return parse_date(value) if isinstance(value, str) and value else None


def last_submission(assessment) -> Submission | None:
    """The assessment's latest submission that was not withdrawn, whatever the assessment's state now."""
    return (
        Submission.objects.for_org(assessment.organization)
        .filter(assessment=assessment)
        .exclude(decision="withdrawn")
        .order_by("-number")
        .first()
    )


def latest_snapshot(assessment) -> Submission | None:
    """The submission the workbook is written from: only while the supervisor works on it."""
    if assessment.status not in SNAPSHOT_STATUSES:
        return None
    return last_submission(assessment)


def submission_ref(submission: Submission) -> SubmissionRef:
    return SubmissionRef(submission.number, submission.snapshot_sha256, submission.submitted_at)


def _thaw(rows: list[dict], fields: tuple[str, ...], *, dates: tuple[str, ...] = (),
          datetimes: tuple[str, ...] = (), localised: tuple[str, ...] = ()) -> Iterator[tuple]:
    """Frozen records back as tuples in ``fields`` order: dates parsed, localised texts in the active
    language; a field the document lacks (an older schema) is None, so its cell stays blank."""
    for row in rows:
        values = []
        for name in fields:
            value = row.get(name)
            if name in localised and isinstance(value, dict):
                value = _lang(value)
            elif name in dates:
                value = _d(value)
            elif name in datetimes:
                value = _dt(value)
            values.append(value)
        yield tuple(values)


def _legacy_workbook_part(register: dict, organization) -> dict:
    """Schema 1 froze only the analytics rows: show what they hold (provider names from the catalog), the rest blank."""
    dependencies, incidents = register["dependencies"], register["incidents"]
    ids = ({r["provider_id"] for r in dependencies} | {r["provider_id"] for r in incidents}
           | {r["alternate_provider_id"] for r in dependencies if r["alternate_provider_id"]})
    names = dict(visible_catalog(organization).filter(pk__in=ids).values_list("pk", "legal_name"))
    vendors = {}
    for r in dependencies:
        vendors.setdefault(r["vendor_name"], {
            "name": r["vendor_name"], "provider": names.get(r["provider_id"], ""),
            "category": r["provider_category"], "jurisdiction": r["provider_country"],
            "data_location": r["data_location"],
        })
    redundancy = [
        {"service": r["service_name"], "vendor": r["vendor_name"], "role": r["role"], "tier": r["tier"],
         "rto_minutes": r["rto_minutes"], "strategy": r["strategy"],
         "alternate": names.get(r["alternate_provider_id"], ""), "alternate_in_house": r["alternate_in_house"],
         "last_tested_on": r["last_test_on"], "last_result": r["last_test_result"],
         "achieved_minutes": r["best_recovery_minutes"], "is_spof": r["is_spof"], "spof_reasons": r["spof_reasons"]}
        for r in dependencies
    ]
    frozen_incidents = [
        {"reference": i["reference"], "provider": names.get(i["provider_id"], ""), "started_at": i["started_at"],
         "ended_at": i["ended_at"], "duration_minutes": i["duration_minutes"], "users_affected": i["users_affected"],
         "reported_to_supervisor_at": i["reported_to_supervisor_at"]}
        for i in incidents
    ]
    return {"vendors": list(vendors.values()), "redundancy": redundancy, "incidents": frozen_incidents}


def _sections(part: dict) -> list[SectionLine]:
    scores = (part.get("section_scores") or {}).get("sections", {})
    # Schema 1 has no section list: requirements come in section order, so their first mention gives it.
    listed = part.get("sections") or list(
        {r["section"]: {"code": r["section"], "name": r["section_name"]} for r in reversed(part["requirements"])}
        .values()
    )[::-1]
    order = [s["code"] for s in listed] + sorted(set(scores) - {s["code"] for s in listed})
    names = {s["code"]: _lang(s["name"]) for s in listed}
    return [
        SectionLine(code, names.get(code, code), scores[code].get("score"), scores[code].get("applicable", 0),
                    scores[code].get("answered", 0))
        for code in order
        if code in scores
    ]


def snapshot_assessment_view(assessment, submission: Submission) -> AssessmentView:
    doc = submission_document(submission)
    part = doc["assessment"]
    frozen = doc.get("workbook") or _legacy_workbook_part(doc["register"], assessment.organization)
    org = submission.organization
    comments: dict[str, list[str]] = {}
    # Through the submission: a supervisor's export read it across firms, and its comments come with it.
    for c in submission.comments.order_by("id"):
        comments.setdefault(c.requirement_ref, []).append(c.body)
    responses = choice_labels(Response)

    def checklist() -> Iterator[tuple]:
        for r in part["requirements"]:
            yield (
                r["ref"],
                f"{r['section']}. {_lang(r['section_name'])}",
                _lang(r["text"]),
                r["weight"],
                yes_no(r["critical"]),
                responses.get(r["response"], r["response"] or ""),
                r["comment"] or r["na_reason"],
                "\n".join(e["name"] for e in r["evidence"]),
                "\n".join(e["sha256"] for e in r["evidence"]),
                r["answered_by"],
                _dt(r["answered_at"]),
                "\n".join(comments.get(r["ref"], [])),
            )

    vendors = frozen.get("vendors", [])
    redundancy = frozen.get("redundancy", [])
    incidents = frozen.get("incidents", [])
    return AssessmentView(
        firm=org.display_name,
        title=part["title"],
        framework=_lang(part["framework"]["name"]),
        framework_version=part["framework"]["version"],
        period_start=_d(part["period"][0]),
        period_end=_d(part["period"][1]),
        status=choice_labels(AssessmentStatus).get(assessment.status, assessment.status),
        status_code=assessment.status,
        score=float(part["score"]) if part["score"] is not None else None,
        rating=part["rating"],
        rating_reasons=[describe(r) for r in part["rating_reasons"] or []],
        sections=_sections(part),
        checklist=checklist,
        findings=lambda: finding_lines(_thaw(part["findings"], FINDING_FIELDS, dates=("due_date",))),
        vendors=lambda: register_sheets.vendor_lines(_thaw(
            vendors, register_sheets.VENDOR_FIELDS, dates=("contract_start", "contract_end"))),
        redundancy=lambda: register_sheets.redundancy_lines(_thaw(
            redundancy, register_sheets.REDUNDANCY_FIELDS, dates=("last_tested_on",),
            localised=register_sheets.REDUNDANCY_LOCALISED)),
        incidents=lambda: _thaw(
            incidents, register_sheets.INCIDENT_FIELDS,
            datetimes=("started_at", "ended_at", "reported_to_supervisor_at"),
            localised=register_sheets.INCIDENT_LOCALISED),
        audit_trail=lambda: audit_trail.audit_rows(assessment),
        snapshot_sha256=submission.snapshot_sha256,
        row_estimate=len(part["requirements"]) + len(vendors) + len(redundancy) + len(incidents),
        submission=submission_ref(submission),
    )
