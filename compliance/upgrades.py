"""Moving an assessment to a newer version of its checklist.

A published version never changes (a correction is a new version), so a firm that answered
KR-TPRM 2025.1 starts a *new* assessment on 2025.2; the old one stays exactly as it was answered and,
if submitted, as the supervisor saw it. What still holds is carried over:

* answers (response, comment, N/A reason, who answered and when) of the requirements that are
  unchanged between the versions (:mod:`compliance.versions`) and that apply to the new assessment;
* their evidence, as **copies** of the files: the storage of an evidence row is deleted with the row,
  so two rows must never share one file. Copies are stored under the same firm's folder.

Not carried: added requirements (never answered), changed ones (the old answer was to another
question), answers to requirements that no longer apply, and an N/A the new version no longer
allows on a knock-out. The new assessment records which one it was started from, and the event is
audited with what was and was not carried.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from audit.recorder import batched, record
from compliance import services, versions
from compliance.choices import Response
from compliance.findings import sync_answer_finding
from compliance.models import Answer, Assessment, Evidence, Framework, Requirement
from core.errors import DomainConflict


class UpgradeRefused(DomainConflict):
    """No newer version to move to, or the firm already has an open assessment on it (409)."""

    code = "upgrade_refused"


@dataclass(frozen=True)
class WhatIsNew:
    """An upgraded assessment against the version it was started from, for its page."""

    previous: Assessment
    added: list[Requirement]
    changed: list[Requirement]  # asked differently now: the earlier answer was not carried over
    removed: tuple[str, ...]


def open_assessment_on(assessment: Assessment, framework: Framework) -> Assessment | None:
    """The firm's assessment on ``framework`` for the same scope and vendor that it still holds."""
    return (
        Assessment.objects.for_org(assessment.organization)
        .filter(framework=framework, scope=assessment.scope, vendor_id=assessment.vendor_id,
                status__in=services.EDITABLE_STATUSES)
        .order_by("-created_at")
        .first()
    )


def no_newer_version(framework: Framework) -> UpgradeRefused:
    return UpgradeRefused(_("There is no newer published version of %(code)s than %(version)s.")
                          % {"code": framework.code, "version": framework.version})


def _check(assessment: Assessment, to_framework: Framework) -> None:
    current = assessment.framework
    if (
        to_framework.code != current.code
        or to_framework.published_at is None
        or not versions.is_newer(to_framework.version, current.version)
    ):
        raise no_newer_version(current)
    existing = open_assessment_on(assessment, to_framework)
    if existing is not None:
        raise UpgradeRefused(_("An open assessment on version %(version)s already exists: %(title)s.")
                             % {"version": to_framework.version, "title": existing.title})


def _title(assessment: Assessment, to_framework: Framework) -> str:
    old_name = f"{assessment.framework.code} {assessment.framework.version}"
    new_name = f"{to_framework.code} {to_framework.version}"
    if old_name in assessment.title:
        return assessment.title.replace(old_name, new_name)[:200]
    return f"{assessment.title} ({new_name})"[:200]


def upgrade_assessment(*, assessment: Assessment, to_framework: Framework, by: User | None) -> Assessment:
    """Start a draft on ``to_framework`` (a newer version of the same code) with what still holds.

    Raises :class:`UpgradeRefused` when ``to_framework`` is not a newer published version of the
    assessment's checklist, or when the firm already holds an open assessment on it for the same
    scope and vendor. The old assessment is not changed.
    """
    _check(assessment, to_framework)
    org = assessment.organization
    diff = versions.diff_frameworks(assessment.framework, to_framework)
    unchanged = set(diff.unchanged)
    written: list[tuple] = []  # (storage, name) of copied files, removed again if anything fails
    try:
        with transaction.atomic(), batched():
            new = services.create_assessment(
                organization=org, framework=to_framework, title=_title(assessment, to_framework),
                period_start=assessment.period_start, period_end=assessment.period_end, scope=assessment.scope,
                vendor=assessment.vendor, owner=assessment.owner, due_date=assessment.due_date,
            )
            Assessment.objects.for_org(org).filter(pk=new.pk).update(upgraded_from=assessment)
            new.upgraded_from = assessment
            carried, skipped, copied = _carry_answers(assessment, new, unchanged, written)
            services.rescore(new)
            record(
                AuditEvent.Action.TRANSITION, obj=new, actor=by,
                changes={
                    "action": "upgrade",
                    "before": {"assessment": assessment.pk, "framework": f"{assessment.framework.code} "
                                                                       f"{assessment.framework.version}"},
                    "after": {"assessment": new.pk, "framework": f"{to_framework.code} {to_framework.version}"},
                    "carried": carried, "not_carried": skipped, "evidence_copied": copied,
                    "added": list(diff.added), "changed": list(diff.changed), "removed": list(diff.removed),
                },
            )
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise
    return new


def _carry_answers(old: Assessment, new: Assessment, unchanged: set[str], written: list[tuple]
                   ) -> tuple[list[str], dict[str, str], int]:
    """Copy the answers and evidence that still hold; returns (carried refs, {ref: why not}, files copied)."""
    org = old.organization
    applicable = set(new.applicable_requirement_ids())
    targets = {r.ref: r for r in Requirement.objects.filter(framework=new.framework)}
    answers = (
        Answer.objects.for_org(org).filter(assessment=old).select_related("requirement")
        .prefetch_related("evidence").order_by("requirement__order")
    )
    carried, skipped, copied = [], {}, 0
    for answer in answers:
        ref = answer.requirement.ref
        target = targets.get(ref)
        if ref not in unchanged:
            skipped[ref] = "removed" if target is None else "changed"
            continue
        if target.pk not in applicable:
            skipped[ref] = "does_not_apply"
            continue
        if answer.response == Response.NOT_APPLICABLE and not services.not_applicable_allowed(target, answer.na_reason):
            skipped[ref] = "not_applicable_refused"
            continue
        copy = Answer(
            organization=org, assessment=new, requirement=target, response=answer.response,
            comment=answer.comment, na_reason=answer.na_reason, answered_by=answer.answered_by,
            answered_at=answer.answered_at,
        )
        copy.full_clean(validate_constraints=False)
        copy.save()
        for evidence in answer.evidence.all():
            _copy_evidence(evidence, copy, written)
            copied += 1
        sync_answer_finding(answer=copy)
        carried.append(ref)
    return carried, skipped, copied


def _copy_evidence(evidence: Evidence, answer: Answer, written: list[tuple]) -> Evidence:
    # The copy belongs to the answer's firm, which is the evidence's firm: answers are read for_org.
    duplicate = Evidence(
        organization=answer.organization, answer=answer, original_name=evidence.original_name, size=evidence.size,
        content_type=evidence.content_type, sha256=evidence.sha256, uploaded_by=evidence.uploaded_by,
    )
    with evidence.file.open("rb") as handle:
        duplicate.file.save(evidence.original_name, handle, save=False)
    written.append((duplicate.file.storage, duplicate.file.name))
    duplicate.full_clean()
    duplicate.save()
    return duplicate


def what_is_new(assessment: Assessment) -> WhatIsNew | None:
    """For an assessment started from an earlier version: added, changed and removed requirements."""
    if assessment.upgraded_from_id is None:
        return None
    previous = (
        Assessment.objects.for_org(assessment.organization).select_related("framework")
        .filter(pk=assessment.upgraded_from_id).first()
    )
    if previous is None:
        return None
    diff = versions.diff_frameworks(previous.framework, assessment.framework)
    by_ref = {
        r.ref: r for r in Requirement.objects.filter(framework=assessment.framework, ref__in=diff.added + diff.changed)
    }
    return WhatIsNew(
        previous=previous,
        added=[by_ref[ref] for ref in diff.added],
        changed=[by_ref[ref] for ref in diff.changed],
        removed=diff.removed,
    )
