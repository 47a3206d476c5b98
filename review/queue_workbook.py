"""The supervisor's review queue as a workbook (an ExportJob kind, asked for by regulator staff)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone

from accounts.models import OrganizationKind
from compliance.choices import AssessmentStatus
from reports.workbooks.base import BAD, Column, Progress, SheetWriter, new_workbook
from reports.workbooks.labels import choice_labels, label
from review import selectors

COLUMNS = [
    Column("Firm", width="name"),
    Column("Kind"),
    Column("Checklist", width="name"),
    Column("Submission", "int", width="flag"),
    Column("Score", "number"),
    Column("Rating", width="flag"),
    Column("Critical gaps", "int"),
    Column("Submitted at", "datetime"),
    Column("Review deadline", "date"),
    Column("Overdue", width="flag", highlight={"Yes": BAD}),
    Column("Assignee", width="name"),
    Column("Status", width="code"),
    Column("Snapshot SHA-256", width=66),
]


def queue_rows(user, params: dict) -> Iterator[tuple]:
    kinds, statuses = choice_labels(OrganizationKind), choice_labels(AssessmentStatus)
    today = timezone.localdate()
    for s in selectors.review_queue(user, params).iterator(chunk_size=500):
        overdue = s.review_deadline < today and s.assessment.status in ("submitted", "in_review")
        yield (
            s.organization.display_name,
            kinds.get(s.firm_kind, s.firm_kind),
            s.framework_label,
            s.number,
            float(s.score) if s.score is not None else None,
            s.rating,
            s.critical_gaps,
            s.submitted_at,
            s.review_deadline,
            label("Yes") if overdue else label("No"),
            s.assignee.email if s.assignee_id else "",
            statuses.get(s.assessment.status, s.assessment.status),
            s.snapshot_sha256,
        )


def build_queue_workbook(user, params: dict, target, progress: Progress | None = None) -> int:
    progress = progress or Progress()
    wb = new_workbook()
    sheet = SheetWriter(wb, "Review queue", COLUMNS, progress)
    sheet.append_all(queue_rows(user, params))
    sheet.close()
    wb.save(target)
    return sheet.rows - 1
