"""The audit log as a workbook: the rows the page's filters select, in words, streamed to a file.

Same columns and describer as the audit-trail sheet of the examiner's workbook; every text cell goes
through the safe-cell helper (a changed name like "=HYPERLINK(...)" stays text).
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Organization
from audit.models import AuditEvent

# A synchronous download: past this many rows the page asks for a narrower filter.
MAX_ROWS = 50_000


def write_audit_log(events: QuerySet[AuditEvent], organization: Organization | None, target) -> int:
    """Write the events (newest first, as on the page) to ``target``; returns the data rows written."""
    from reports.workbooks.audit import AUDIT_COLUMNS
    from reports.workbooks.audit_trail import rows_in_words
    from reports.workbooks.base import SheetWriter, new_workbook

    wb = new_workbook()
    sheet = SheetWriter(wb, "Audit log", AUDIT_COLUMNS)
    sheet.append_all(rows_in_words(events, organization, limit=MAX_ROWS))
    sheet.close()
    wb.save(target)
    return sheet.rows - 1
