"""Beat-driven reminders. Each is sent once: a ReminderLog row per (kind, subject, period) is the
proof it went out, so running the beat task every hour repeats nothing."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, OrganizationKind
from audit.context import acting_as
from review import notifications
from review.models import ReminderLog, Submission
from vendors.selectors import contracts_ending_within, failover_tests_overdue

DUE_SOON_DAYS = 2


def _once(kind: str, subject: str, period: str) -> bool:
    """True the first time this reminder is claimed, False ever after."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(kind=kind, subject_key=subject, period_key=period)
    except IntegrityError:
        return False
    return True


def _review_deadlines(org: Organization, today: datetime.date) -> int:
    sent = 0
    open_reviews = (
        Submission.objects.for_org(org)
        .filter(assessment__status__in=["submitted", "in_review"], decision="pending")
        .select_related("assignee")
    )
    for sub in open_reviews:
        kind = (
            "review_overdue"
            if sub.review_deadline < today
            else ("review_due_soon" if sub.review_deadline <= today + datetime.timedelta(days=DUE_SOON_DAYS) else None)
        )
        if kind is None or not _once(kind, f"submission:{sub.pk}", sub.review_deadline.isoformat()):
            continue
        message = (
            _("Review overdue: %(s)s of %(firm)s was due %(d)s.")
            if kind == "review_overdue"
            else _("Review due soon: %(s)s of %(firm)s is due %(d)s.")
        ) % {"s": sub, "firm": org.display_name, "d": sub.review_deadline.isoformat()}
        url = f"/review/submissions/{sub.pk}/"
        if sub.assignee_id:
            notifications.notify(sub.assignee, organization=None, kind=kind, message=message, url=url)
        else:
            notifications.to_supervisors(kind=kind, message=message, url=url)
        sent += 1
    return sent


def _reassessment(org: Organization, today: datetime.date) -> int:
    from compliance.models import Assessment

    last = Assessment.objects.for_org(org).filter(status="accepted").order_by("-period_end").first()
    if last is None:
        return 0
    due = last.period_end + datetime.timedelta(days=settings.REASSESSMENT_INTERVAL_DAYS)
    if due > today + datetime.timedelta(days=30) or not _once("reassessment_due", f"org:{org.pk}", due.isoformat()):
        return 0
    notifications.to_firm(
        org,
        kind="reassessment_due",
        message=_("Your next assessment is due by %(d)s.") % {"d": due.isoformat()},
        url="/compliance/assessments/",
    )
    return 1


def _contracts(org: Organization) -> int:
    sent = 0
    for vendor in contracts_ending_within(org, 90):
        if _once("contract_ending", f"vendor:{vendor.pk}", vendor.contract_end.isoformat()):
            notifications.to_firm(
                org,
                kind="contract_ending",
                message=_("The contract with %(v)s ends on %(d)s.")
                % {"v": vendor.name, "d": vendor.contract_end.isoformat()},
                url=f"/vendors/vendors/{vendor.pk}/",
            )
            sent += 1
    return sent


def _failover_tests(org: Organization) -> int:
    sent = 0
    for dependency, last_pass in failover_tests_overdue(org):
        period = last_pass.isoformat() if last_pass else "never"
        if _once("failover_test_overdue", f"dependency:{dependency.pk}", period):
            notifications.to_firm(
                org,
                kind="failover_test_overdue",
                message=_("Failover test overdue: %(d)s (last passed: %(p)s).") % {"d": dependency, "p": period},
                url=f"/vendors/dependencies/{dependency.pk}/",
            )
            sent += 1
    return sent


def run_all(today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    counts = {"review": 0, "reassessment": 0, "contracts": 0, "failover_tests": 0}
    for org in Organization.objects.exclude(kind=OrganizationKind.REGULATOR):
        with acting_as(None, org):  # the beat task reads and writes one firm at a time
            counts["review"] += _review_deadlines(org, today)
            counts["reassessment"] += _reassessment(org, today)
            counts["contracts"] += _contracts(org)
            counts["failover_tests"] += _failover_tests(org)
    return counts
