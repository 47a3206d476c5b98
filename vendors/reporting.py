"""Incident reportability to the FSS under EFSR Art. 73 (전자금융감독규정 제73조). Pure: no ORM.

The figures are those of /work/shared/regulation.md §3 and §6, which grade them [B]/[S] "verify": the
2025 thresholds come from a blog quoting the amendment (S13) and the one-day initial report from a 2017
description of EFARS. ``VERIFIED`` stays False, and the pages say so, until a primary text confirms them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# A disruption (delay or interruption) of an e-finance service of at least 30 minutes is reportable;
# at least 10 minutes is enough when the service has at least 10,000 users.
ANY_SERVICE_MINUTES = 30
LARGE_SERVICE_MINUTES = 10
LARGE_SERVICE_USERS = 10_000
# Initial report "immediately, within 1 day of awareness": the outer bound is the deadline.
INITIAL_REPORT_WITHIN = datetime.timedelta(days=1)
VERIFIED = False

REASONS = {
    "30_minutes": _("disrupted for 30 minutes or more"),
    "10_minutes_10000_users": _("disrupted for 10 minutes or more, and the service has 10,000 users or more"),
    "below_threshold": _("below the reporting thresholds"),
    "unknown_duration": _("duration unknown"),
}


@dataclass(frozen=True)
class Reportability:
    reportable: bool
    deadline: datetime.datetime | None  # the initial report to the FSS is due by then
    reason: str  # a key of REASONS
    verified: bool = VERIFIED

    @property
    def reason_label(self) -> str:
        return str(REASONS[self.reason])


def reportability(
    *,
    service_users: int | None,
    started_at: datetime.datetime | None,
    detected_at: datetime.datetime | None,
    duration_minutes: int | None,
) -> Reportability:
    """Is the disruption reportable under Art. 73, by when is the initial report due, and why.

    ``service_users`` is the size of the disrupted service (its users, not only those who noticed);
    unknown counts as fewer than 10,000. The clock runs from detection (the firm's awareness), from
    the start when detection was not recorded. Without a start there is no deadline to give.
    """
    if duration_minutes is None:
        return Reportability(False, None, "unknown_duration")
    if duration_minutes >= ANY_SERVICE_MINUTES:
        reason = "30_minutes"
    elif duration_minutes >= LARGE_SERVICE_MINUTES and (service_users or 0) >= LARGE_SERVICE_USERS:
        reason = "10_minutes_10000_users"
    else:
        return Reportability(False, None, "below_threshold")
    clock = detected_at or started_at
    return Reportability(True, clock + INITIAL_REPORT_WITHIN if clock else None, reason)


def report_overdue(result: Reportability, reported_at: datetime.datetime | None, now: datetime.datetime) -> bool:
    """Reportable, not reported, and the deadline has passed."""
    return bool(result.reportable and reported_at is None and result.deadline and result.deadline < now)
