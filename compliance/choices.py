"""Value lists of checklists, assessments and findings (Korean labels come from the catalogue)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    FIRM = "firm", _("Firm-wide")
    VENDOR = "vendor", _("One vendor")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    ACCEPTED = "accepted", _("Accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The one definition of when a firm may change its answers, read by the answer services, the pages and the
# review workflow: before submission, when the supervisor asked for changes, and after the firm withdrew it.
EDITABLE_STATUSES = frozenset({AssessmentStatus.DRAFT, AssessmentStatus.CHANGES_REQUESTED, AssessmentStatus.WITHDRAWN})


class Response(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    PARTIAL = "partial", _("Partially compliant")
    NON_COMPLIANT = "non_compliant", _("Non-compliant")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class Rating(models.TextChoices):
    A = "A", _("A")
    B = "B", _("B")
    C = "C", _("C")
    D = "D", _("D")


class FindingSource(models.TextChoices):
    ANSWER = "answer", _("Checklist answer")
    SPOF = "spof", _("Single point of failure")
    MANUAL = "manual", _("Entered by hand")


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    RISK_ACCEPTED = "risk_accepted", _("Risk accepted")


CLOSED_FINDING_STATUSES = frozenset({FindingStatus.RESOLVED, FindingStatus.RISK_ACCEPTED})
FIRM_KINDS = ("bank", "securities", "insurance", "card", "fintech", "vasp")
TIERS = ("T1", "T2", "T3", "T4")
