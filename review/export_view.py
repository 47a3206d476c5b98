"""The audit workbook of a submitted assessment is written from its frozen snapshot, never from
live data: what the supervisor reviewed is what the workbook shows, with the snapshot's sha256."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language

from compliance.choices import AssessmentStatus, FindingSource, FindingStatus, Response, Severity
from compliance.scoring import describe
from reports.workbooks.assessment_view import AssessmentView, SectionLine, _audit_rows
from reports.workbooks.labels import choice_labels, label, yes_no
from review.models import Submission
from review.services import submission_document
from vendors.choices import DataLocation, DependencyRole, ProviderCategory, Strategy, TestResult
from vendors.selectors import visible_catalog

# Statuses in which the supervisor works on a frozen submission (changes_requested: the firm edits live).
SNAPSHOT_STATUSES = frozenset({"submitted", "in_review", "accepted"})



def _lang(pair: dict) -> str:
    return pair.get("ko" if (get_language() or "ko").startswith("ko") else "en") or pair.get("en", "")


def _dt(value):
    return parse_datetime(value) if isinstance(value, str) and value else None


def _d(value):
    return parse_date(value) if isinstance(value, str) and value else None


def latest_snapshot(assessment) -> Submission | None:
    if assessment.status not in SNAPSHOT_STATUSES:
        return None
    return (
        Submission.objects.for_org(assessment.organization)
        .filter(assessment=assessment)
        .exclude(decision="withdrawn")
        .order_by("-number")
        .first()
    )


def snapshot_assessment_view(assessment, submission: Submission) -> AssessmentView:
    doc = submission_document(submission)
    part, register = doc["assessment"], doc["register"]
    org = submission.organization
    comments: dict[str, list[str]] = {}
    # Through the submission: a supervisor's export read it across firms, and its comments come with it.
    for c in submission.comments.order_by("id"):
        comments.setdefault(c.requirement_ref, []).append(c.body)
    providers = {
        p.pk: p
        for p in visible_catalog(org).filter(
            pk__in={r["provider_id"] for r in register["dependencies"]}
            | {r["alternate_provider_id"] for r in register["dependencies"] if r["alternate_provider_id"]}
            | {r["provider_id"] for r in register["incidents"]}
        )
    }
    responses, severity, source, status = (
        choice_labels(Response),
        choice_labels(Severity),
        choice_labels(FindingSource),
        choice_labels(FindingStatus),
    )
    category, location, role, strategy, result = (
        choice_labels(ProviderCategory),
        choice_labels(DataLocation),
        choice_labels(DependencyRole),
        choice_labels(Strategy),
        choice_labels(TestResult),
    )

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

    def findings() -> Iterator[tuple]:
        for f in part["findings"]:
            yield (
                f["title"],
                severity.get(f["severity"], f["severity"]),
                source.get(f["source"], f["source"]),
                f["requirement"],
                status.get(f["status"], f["status"]),
                "",
                _d(f["due_date"]),
                f["remediation_plan"],
                "",
            )

    def vendors() -> Iterator[tuple]:
        seen = set()
        for r in register["dependencies"]:
            if r["vendor_name"] in seen:
                continue
            seen.add(r["vendor_name"])
            provider = providers.get(r["provider_id"])
            yield (
                "",
                r["vendor_name"],
                provider.legal_name if provider else "",
                category.get(r["provider_category"], r["provider_category"]),
                r["provider_country"],
                location.get(r["data_location"], r["data_location"]),
                "",
                "",
                None,
                None,
                None,
                "",
                "",
                "",
                "",
            )

    def redundancy() -> Iterator[tuple]:
        for r in register["dependencies"]:
            alternate = providers.get(r["alternate_provider_id"])
            best = r["best_recovery_minutes"]
            yield (
                r["service_name"],
                r["vendor_name"],
                role.get(r["role"], r["role"]),
                r["tier"],
                r["rto_minutes"],
                strategy.get(r["strategy"], r["strategy"]),
                alternate.legal_name if alternate else (label("In-house") if r["alternate_in_house"] else ""),
                None,
                _d(r["last_test_on"]),
                result.get(r["last_test_result"], r["last_test_result"]),
                best,
                "" if best is None else yes_no(best <= r["rto_minutes"]),
                label("SPOF") if r["is_spof"] else "",
                ", ".join(r["spof_reasons"]),
            )

    def incidents() -> Iterator[tuple]:
        for i in register["incidents"]:
            provider = providers.get(i["provider_id"])
            yield (
                i["reference"],
                provider.legal_name if provider else "",
                "",
                _dt(i["started_at"]),
                _dt(i["ended_at"]),
                i["duration_minutes"],
                i["users_affected"],
                "",
                _dt(i["reported_to_supervisor_at"]),
                "",
                "",
                "",
            )

    sections = part.get("section_scores", {}).get("sections", {})
    names = {r["section"]: _lang(r["section_name"]) for r in part["requirements"]}
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
        sections=[
            SectionLine(code, names.get(code, code), s.get("score"), s.get("applicable", 0), s.get("answered", 0))
            for code, s in sorted(sections.items())
        ],
        checklist=checklist,
        findings=findings,
        vendors=vendors,
        redundancy=redundancy,
        incidents=incidents,
        audit_trail=lambda: _audit_rows(assessment),
        snapshot_sha256=submission.snapshot_sha256,
        row_estimate=len(part["requirements"]) + 2 * len(register["dependencies"]) + len(register["incidents"]),
        extra={
            "submission_number": submission.number,
            "submitted_at": datetime.datetime.fromisoformat(doc["submission"]["submitted_at"]),
        },
    )
