"""Findings: automatic ones kept in step with answers and the register's single points of failure,
and the hand-made ones officers record.

Automatic findings carry a stable ``source_key`` (``answer:<assessment>:<requirement>``,
``spof:<dependency>``, one per dependency with all its reasons): each sync updates the same row instead
of adding another. When the cause goes away (the answer becomes compliant or N/A, the SPOF is fixed)
the finding is resolved; if it comes back, it is reopened. A risk-accepted finding keeps its acceptance
until it expires.

Severity of an answer finding (:func:`answer_severity`):

=================  ==============  ==================
answer             critical (KO)   weight 4-5 / 2-3 / 1
=================  ==============  ==================
non-compliant      critical        high / medium / low
partial            high            medium / low / low
=================  ==============  ==================
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organization, User
from accounts.roles import EDITOR_ROLES
from compliance.choices import CLOSED_FINDING_STATUSES, FindingSource, FindingStatus, Response, Scope, Severity
from compliance.models import Answer, Assessment, Finding
from core.concurrency import save_versioned

FINDING_RESPONSES = frozenset({Response.NON_COMPLIANT, Response.PARTIAL})
EDITABLE_FIELDS = ("title", "description", "severity", "owner", "due_date", "remediation_plan", "status")


def answer_severity(response: str, weight: int, critical: bool) -> str | None:
    """Pure: the severity of the finding an answer raises, or None when it raises none."""
    if response == Response.NON_COMPLIANT:
        if critical:
            return Severity.CRITICAL
        return Severity.HIGH if weight >= 4 else Severity.MEDIUM if weight >= 2 else Severity.LOW
    if response == Response.PARTIAL:
        if critical:
            return Severity.HIGH
        return Severity.MEDIUM if weight >= 4 else Severity.LOW
    return None


def answer_key(assessment_id: int, requirement_id: int) -> str:
    return f"answer:{assessment_id}:{requirement_id}"


def _apply(finding: Finding, wanted: dict[str, Any] | None) -> bool:
    """Bring an automatic finding to what its source says now; True when something changed.

    ``wanted`` None means the cause is gone: an open finding is resolved. Otherwise the finding's
    title and severity follow the source, and a finding resolved earlier is reopened.
    """
    changed = False
    if wanted is None:
        if finding.status in (FindingStatus.OPEN, FindingStatus.IN_PROGRESS):
            finding.status = FindingStatus.RESOLVED
            changed = True
        return changed
    for key, value in wanted.items():
        if getattr(finding, key) != value:
            setattr(finding, key, value)
            changed = True
    expired = (
        finding.status == FindingStatus.RISK_ACCEPTED
        and finding.risk_acceptance_expires_on is not None
        and finding.risk_acceptance_expires_on <= timezone.localdate()
    )
    if finding.status == FindingStatus.RESOLVED or expired:
        finding.status = FindingStatus.OPEN
        changed = True
    return changed


def _save_auto(finding: Finding) -> None:
    if finding.pk:
        finding.version += 1  # someone editing the finding meanwhile must see that it moved on
    if finding.status != FindingStatus.RISK_ACCEPTED:
        finding.full_clean()
    finding.save()


def _answer_wanted(answer: Answer) -> dict[str, Any] | None:
    req = answer.requirement
    severity = answer_severity(answer.response, req.weight, req.critical)
    if severity is None:
        return None
    status = _("non-compliant") if answer.response == Response.NON_COMPLIANT else _("partially compliant")
    suffix = f" ({status})"
    # Long requirement texts are cut so that the status always fits the title field.
    room = Finding._meta.get_field("title").max_length - len(suffix)
    return {
        "title": f"{req.ref}: {req.text}"[:room] + suffix,
        "severity": severity,
        "requirement": req,
        "assessment": answer.assessment,
    }


def sync_answer_finding(*, answer: Answer) -> Finding | None:
    """Create, update or resolve the finding of one answer (two queries when nothing changes)."""
    key = answer_key(answer.assessment_id, answer.requirement_id)
    finding = Finding.objects.for_org(answer.organization).filter(source_key=key).first()
    wanted = _answer_wanted(answer)
    if finding is None:
        if wanted is None:
            return None
        finding = Finding(organization=answer.organization, source=FindingSource.ANSWER, source_key=key, **wanted)
        _save_auto(finding)
        return finding
    if _apply(finding, wanted):
        _save_auto(finding)
    return finding


def sync_findings(*, assessment: Assessment, today: datetime.date | None = None) -> dict[str, int]:
    """Bring every automatic finding of the assessment up to date (and the firm's SPOFs, firm-wide)."""
    counts = {"created": 0, "updated": 0, "resolved": 0}
    org = assessment.organization
    with transaction.atomic():
        existing = {
            f.source_key: f
            for f in Finding.objects.for_org(org).filter(source=FindingSource.ANSWER, assessment=assessment)
        }
        answers = (
            Answer.objects.for_org(org).filter(assessment=assessment).select_related("requirement", "assessment")
        )
        wanted_by_key = {answer_key(a.assessment_id, a.requirement_id): _answer_wanted(a) for a in answers}
        _merge(org, FindingSource.ANSWER, existing, wanted_by_key, counts)
        if assessment.scope == Scope.FIRM:
            sync_spof_findings(organization=org, assessment=assessment, today=today, counts=counts)
    return counts


def _merge(org: Organization, source: str, existing: dict[str, Finding], wanted_by_key: dict, counts: dict) -> None:
    for key, wanted in wanted_by_key.items():
        finding = existing.get(key)
        if finding is None:
            if wanted is not None:
                _save_auto(Finding(organization=org, source=source, source_key=key, **wanted))
                counts["created"] += 1
        elif _apply(finding, wanted):
            _save_auto(finding)
            counts["resolved" if wanted is None else "updated"] += 1
    for key, finding in existing.items():
        if key not in wanted_by_key and _apply(finding, None):
            _save_auto(finding)
            counts["resolved"] += 1


def sync_spof_findings(
    *, organization: Organization, assessment: Assessment | None = None, today: datetime.date | None = None,
    counts: dict | None = None,
) -> dict[str, int]:
    """One finding per single point of failure of the register (vendors.selectors)."""
    from vendors.models import Dependency
    from vendors.selectors import single_points_of_failure

    counts = counts if counts is not None else {"created": 0, "updated": 0, "resolved": 0}
    spofs = single_points_of_failure(organization, today=today)
    deps = Dependency.objects.for_org(organization).in_bulk([s.dependency_id for s in spofs])
    wanted_by_key = {}
    for spof in spofs:
        wanted = {
            "title": f"{spof.service_name} → {spof.vendor_name}: {spof.message}"[:300],
            "severity": spof.severity if spof.severity in Severity.values else Severity.HIGH,
            "dependency": deps.get(spof.dependency_id),
        }
        if assessment is not None:
            wanted["assessment"] = assessment
        wanted_by_key[spof_key(spof.dependency_id)] = wanted
    with transaction.atomic():
        _rekey_per_reason_findings(organization, counts)
        existing = {f.source_key: f for f in Finding.objects.for_org(organization).filter(source=FindingSource.SPOF)}
        _merge(organization, FindingSource.SPOF, existing, wanted_by_key, counts)
    return counts


def spof_key(dependency_id: int) -> str:
    return f"spof:{dependency_id}"


def _rekey_per_reason_findings(organization: Organization, counts: dict) -> None:
    """Findings used to be raised once per reason (``spof:<dependency>:<reason>``): one per dependency now.

    One of a dependency's old findings (an open one first, then the oldest) takes the dependency's key,
    keeping its owner, plan and history; the others keep their old keys, which no SPOF wants any more,
    so the merge resolves them.
    """
    rows = list(Finding.objects.for_org(organization).filter(source=FindingSource.SPOF).order_by("id"))
    current = {f.source_key for f in rows}
    legacy: dict[str, list[Finding]] = defaultdict(list)
    for finding in rows:
        if finding.source_key.count(":") == 2:
            legacy[finding.source_key.split(":")[1]].append(finding)
    for dependency_id, olds in legacy.items():
        if spof_key(dependency_id) in current:
            continue
        keeper = min(olds, key=lambda f: (f.status in CLOSED_FINDING_STATUSES, f.pk))
        keeper.source_key = spof_key(dependency_id)
        _save_auto(keeper)
        counts["updated"] += 1


# --- findings by hand, and their lifecycle ---------------------------------------------------------

def risk_acceptance_errors(status: str, approver: Any, expires_on: Any) -> dict[str, str]:
    """What a move to "risk accepted" lacks, per field: the edit form and the status form ask the same."""
    if status != FindingStatus.RISK_ACCEPTED:
        return {}
    errors = {}
    if not approver:
        errors["risk_accepted_by"] = _("Accepting a risk needs the approver.")
    if not expires_on:
        errors["risk_acceptance_expires_on"] = _("Accepting a risk needs an expiry date.")
    return errors


def _check_people(finding: Finding) -> None:
    errors = {}
    members = Membership.objects.for_org(finding.organization)
    if finding.owner_id and not members.filter(user_id=finding.owner_id).exists():
        errors["owner"] = _("The owner must be a member of the firm.")
    if finding.risk_accepted_by_id and not members.filter(
        user_id=finding.risk_accepted_by_id, role__in=EDITOR_ROLES
    ).exists():
        errors["risk_accepted_by"] = _("The approver must be an officer or administrator of the firm.")
    if errors:
        raise ValidationError(errors)


def create_finding(*, organization: Organization, data: dict[str, Any]) -> Finding:
    data = {k: v for k, v in data.items() if k not in ("source", "source_key", "organization", "version")}
    finding = Finding(organization=organization, source=FindingSource.MANUAL, **data)
    with transaction.atomic():
        _check_people(finding)
        finding.full_clean()
        finding.save()
    return finding


def update_finding(*, finding: Finding, version: int, data: dict[str, Any]) -> Finding:
    allowed = set(EDITABLE_FIELDS) | {"risk_accepted_by", "risk_acceptance_expires_on", "assessment",
                                      "requirement", "dependency"}
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({k: _("This field cannot be changed.") for k in sorted(unknown)})
    # The edit form and the API follow the same lifecycle as the detail page's status change. The stored
    # status is read back: a bound ModelForm has already copied the new one onto the instance.
    stored = Finding._base_manager.filter(pk=finding.pk).values_list("status", flat=True).first() or finding.status
    moving_to = data.get("status", stored)
    if moving_to != stored and moving_to not in allowed_transitions(stored):
        raise ValidationError({"status": _("A finding that is “%(current)s” cannot become “%(target)s”.") % {
            "current": _status_label(stored), "target": _status_label(moving_to)}})
    for key, value in data.items():
        setattr(finding, key, value)
    if finding.status != FindingStatus.RISK_ACCEPTED:
        finding.risk_accepted_by = None
        finding.risk_acceptance_expires_on = None
    with transaction.atomic():
        _check_people(finding)
        return save_versioned(finding, version)


def accept_risk(
    *, finding: Finding, version: int, approver: User | None, expires_on: datetime.date | None, note: str = ""
) -> Finding:
    """Risk acceptance needs an approver (officer or admin of the firm) and an expiry date in the future."""
    data: dict[str, Any] = {
        "status": FindingStatus.RISK_ACCEPTED, "risk_accepted_by": approver, "risk_acceptance_expires_on": expires_on,
    }
    if note:
        data["remediation_plan"] = (finding.remediation_plan + "\n" + note).strip()
    return update_finding(finding=finding, version=version, data=data)


def is_open(finding: Finding) -> bool:
    return finding.status not in CLOSED_FINDING_STATUSES


# Which status a finding may move to from the detail page. A resolved or accepted finding is reopened
# before it is worked on again, so "in progress" is never reached straight from a closed status.
TRANSITIONS: dict[str, frozenset[str]] = {
    FindingStatus.OPEN: frozenset({FindingStatus.IN_PROGRESS, FindingStatus.RESOLVED, FindingStatus.RISK_ACCEPTED}),
    FindingStatus.IN_PROGRESS: frozenset({FindingStatus.OPEN, FindingStatus.RESOLVED, FindingStatus.RISK_ACCEPTED}),
    FindingStatus.RESOLVED: frozenset({FindingStatus.OPEN}),
    FindingStatus.RISK_ACCEPTED: frozenset({FindingStatus.OPEN, FindingStatus.RESOLVED}),
}


def _status_label(status: str) -> str:
    return str(FindingStatus(status).label) if status in FindingStatus.values else status


def allowed_transitions(status: str) -> list[str]:
    """Pure: the statuses a finding in ``status`` may move to, in the order of FindingStatus."""
    targets = TRANSITIONS.get(status, frozenset())
    return [value for value in FindingStatus.values if value in targets]


def change_status(
    *, finding: Finding, version: int, status: str, approver: User | None = None,
    expires_on: datetime.date | None = None, note: str = "",
) -> Finding:
    """Move a finding along its lifecycle (TRANSITIONS); the change is audited by the save signal.

    Accepting the risk needs an approver and a future expiry (Finding.clean, _check_people); any other
    status clears the acceptance. A note is added to the remediation plan, dated, so the reason for a
    resolution or a reopening stays with the finding.
    """
    if status not in allowed_transitions(finding.status):
        raise ValidationError({"status": _("A finding that is “%(current)s” cannot become “%(target)s”.") % {
            "current": finding.get_status_display(), "target": _status_label(status)}})
    data: dict[str, Any] = {"status": status}
    if status == FindingStatus.RISK_ACCEPTED:
        data |= {"risk_accepted_by": approver, "risk_acceptance_expires_on": expires_on}
    note = (note or "").strip()
    if note:
        line = f"[{timezone.localdate().isoformat()} {FindingStatus(status).label}] {note}"
        data["remediation_plan"] = (finding.remediation_plan + "\n" + line).strip()
    return update_finding(finding=finding, version=version, data=data)
