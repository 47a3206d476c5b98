"""What the audit workbook shows of one assessment, as plain data: :class:`AssessmentView`.

The builder (reports.workbooks.audit) only reads an AssessmentView, never models, so the same
workbook can be written from live data (a draft, built here by :func:`live_assessment_view`) or
from a submission's frozen snapshot (an adapter the review app adds, filling ``snapshot_sha256``).
Row sources are callables returning iterators, so live data is streamed from the database in
chunks while the workbook is written.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Prefetch

from accounts.models import Organization
from reports.workbooks import audit_trail, register
from reports.workbooks.labels import choice_labels, label, yes_no

CHUNK = 500
RowSource = Callable[[], Iterable[tuple]]


@dataclass(frozen=True)
class SectionLine:
    code: str
    name: str
    score: float | None
    applicable: int
    answered: int


@dataclass(frozen=True)
class SubmissionRef:
    """The submission a workbook cites: the one it was written from, or the one the firm is answering."""

    number: int
    sha256: str
    submitted_at: datetime.datetime


@dataclass
class AssessmentView:
    firm: str
    title: str
    framework: str
    framework_version: str
    period_start: datetime.date | None
    period_end: datetime.date | None
    status: str
    status_code: str
    score: float | None
    rating: str
    rating_reasons: list[str]
    sections: list[SectionLine]
    checklist: RowSource
    findings: RowSource
    vendors: RowSource
    redundancy: RowSource
    incidents: RowSource
    audit_trail: RowSource
    snapshot_sha256: str = ""  # empty: live data
    row_estimate: int = 0
    # Live data of an assessment sent back for changes still answers its last submission.
    submission: SubmissionRef | None = None

    @property
    def is_snapshot(self) -> bool:
        return bool(self.snapshot_sha256)


def assessment_for_export(organization: Organization | None, assessment_id: int):
    """The firm's assessment, or None (never another firm's)."""
    from compliance.models import Assessment

    return (Assessment.objects.for_org(organization).select_related("framework", "organization")
            .filter(pk=assessment_id).first())



def _checklist_rows(assessment) -> Iterator[tuple]:
    from compliance.choices import Response
    from compliance.models import Answer, Evidence, Requirement

    org = assessment.organization
    responses = choice_labels(Response)
    ids = assessment.applicable_requirement_ids()
    reqs = (Requirement.objects.filter(pk__in=ids).select_related("section").order_by("order", "pk")
            .only("ref", "text_ko", "text_en", "weight", "critical", "order", "section__code", "section__name_ko",
                  "section__name_en"))
    chunk: list = []
    for req in reqs.iterator(chunk_size=CHUNK):
        chunk.append(req)
        if len(chunk) == CHUNK:
            yield from _checklist_chunk(org, assessment, chunk, responses, Answer, Evidence)
            chunk = []
    if chunk:
        yield from _checklist_chunk(org, assessment, chunk, responses, Answer, Evidence)


def _checklist_chunk(org, assessment, reqs, responses, Answer, Evidence) -> Iterator[tuple]:
    answers = {
        a.requirement_id: a
        for a in Answer.objects.for_org(org).filter(assessment=assessment, requirement__in=[r.pk for r in reqs])
        .select_related("answered_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.for_org(org).order_by("created_at", "id")))
    }
    for req in reqs:
        a = answers.get(req.pk)
        evidence = list(a.evidence.all()) if a else []
        yield (
            req.ref, f"{req.section.code}. {req.section.name}", req.text, req.weight, yes_no(req.critical),
            responses.get(a.response, a.response) if a else "",
            (a.comment or a.na_reason) if a else "",
            "\n".join(e.original_name for e in evidence), "\n".join(e.sha256 for e in evidence),
            (a.answered_by.email if a and a.answered_by else ""), a.answered_at if a else None,
            "",  # supervisor comment: filled from the review once submissions exist
        )


FINDING_FIELDS = ("title", "severity", "source", "requirement", "status", "owner", "due_date", "remediation_plan",
                  "description")


def finding_records(assessment) -> Iterator[tuple]:
    """The assessment's findings as raw values in ``FINDING_FIELDS`` order (codes, not labels)."""
    from compliance.models import Finding

    qs = (Finding.objects.for_org(assessment.organization).filter(assessment=assessment)
          .order_by("severity", "due_date", "pk")
          .values_list("title", "severity", "source", "requirement__ref", "status", "owner__email", "due_date",
                       "remediation_plan", "description"))
    for title, sev, src, ref, st, owner, due, plan, description in qs.iterator(chunk_size=CHUNK):
        yield title, sev, src, ref or "", st, owner or "", due, plan, description


def finding_lines(records: Iterable[tuple]) -> Iterator[tuple]:
    """Findings sheet rows of finding records, labelled in the active language."""
    from compliance.choices import FindingSource, FindingStatus, Severity

    severity, source, status = choice_labels(Severity), choice_labels(FindingSource), choice_labels(FindingStatus)
    for title, sev, src, ref, st, owner, due, plan, description in records:
        yield (title, severity.get(sev, sev), source.get(src, src), ref, status.get(st, st), owner, due, plan,
               description)


def _finding_rows(assessment) -> Iterator[tuple]:
    return finding_lines(finding_records(assessment))


def live_assessment_view(assessment, submission: SubmissionRef | None = None) -> AssessmentView:
    """An AssessmentView of a draft (or any assessment without a snapshot), from live data.

    ``submission`` is the last submission the live data follows (changes requested, withdrawn)."""
    from compliance.choices import AssessmentStatus
    from compliance.models import Finding, Section
    from compliance.scoring import describe

    org = assessment.organization
    details = (assessment.score_details or {}).get("sections", {})
    sections = [
        SectionLine(s.code, s.name, details.get(s.code, {}).get("score"), details.get(s.code, {}).get("applicable", 0),
                    details.get(s.code, {}).get("answered", 0))
        for s in Section.objects.filter(framework=assessment.framework).order_by("order", "pk")
        if s.code in details
    ]
    estimate = (len(assessment.applicable_requirement_ids())
                + Finding.objects.for_org(org).filter(assessment=assessment).count()
                + register.register_row_estimate(org) + audit_trail.event_count(assessment))
    return AssessmentView(
        firm=org.display_name,
        title=assessment.title,
        framework=assessment.framework.name,
        framework_version=assessment.framework.version,
        period_start=assessment.period_start,
        period_end=assessment.period_end,
        status=choice_labels(AssessmentStatus).get(assessment.status, assessment.status),
        status_code=assessment.status,
        score=float(assessment.score) if assessment.score is not None else None,
        rating=assessment.rating,
        rating_reasons=[describe(r) for r in assessment.rating_reasons or []],
        sections=sections,
        checklist=lambda: _checklist_rows(assessment),
        findings=lambda: _finding_rows(assessment),
        vendors=lambda: register.vendor_rows(org),
        redundancy=lambda: register.redundancy_rows(org),
        incidents=lambda: register.incident_rows(org),
        audit_trail=lambda: audit_trail.audit_rows(assessment),
        row_estimate=estimate,
        submission=submission,
    )


def source_text(view: AssessmentView) -> str:
    if view.is_snapshot:
        return label("submitted snapshot")
    return label("live data (draft)") if view.status_code == "draft" else f"{label('live data')} ({view.status})"
