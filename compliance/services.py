"""Writes of assessments and answers: keyword-only, validated (full_clean), atomic, versioned.

* Creating an assessment decides which requirements apply (compliance.applicability) from the firm's
  kind, the vendor's category and the tiers of the dependencies involved, and stores the reasons.
* Saving an answer names the version the user started from; a stale version raises
  :class:`core.concurrency.ConcurrentEditError` carrying the other person's saved answer.
* A knock-out may be answered N/A only where its checklist states a condition for it
  (:func:`compliance.applicability.may_be_not_applicable`); :func:`not_applicable_refusal` says why not.
* Every answer change rescores the assessment (compliance.scoring) and updates its automatic finding,
  in a constant number of queries whatever the size of the checklist.

Evidence uploads live in :mod:`compliance.evidence`, findings in :mod:`compliance.findings`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from compliance import applicability, scoring
from compliance.choices import EDITABLE_STATUSES, Response, Scope
from compliance.models import Answer, Assessment, Framework, Requirement
from core.concurrency import ConcurrentEditError, save_versioned

# Answers may change only while the firm still holds the assessment.
ASSESSMENT_FIELDS = ("title", "period_start", "period_end", "owner", "due_date")


# --- applicability ---------------------------------------------------------------------------------

def applicability_context(*, organization: Organization, framework: Framework, scope: str, vendor=None
                          ) -> applicability.Context:
    """The facts applicability decides on, read from the register in two queries."""
    from vendors.models import Dependency, Vendor

    deps = Dependency.objects.for_org(organization)
    if vendor is not None:
        deps = deps.filter(vendor=vendor)
    tiers = {override or computed for computed, override in deps.values_list("computed_tier", "tier_override")}
    categories = frozenset()
    if vendor is None:
        categories = frozenset(Vendor.objects.for_org(organization).values_list("category", flat=True).distinct())
    return applicability.Context(
        assessment_scope=scope,
        firm_kind=organization.kind,
        framework_scope=framework.scope,
        vendor_category=vendor.category if vendor is not None else None,
        vendor_categories=categories,
        tiers=frozenset(t for t in tiers if t),
    )


def requirement_tags(requirement: Requirement) -> applicability.RequirementTags:
    return applicability.RequirementTags(
        ref=requirement.ref,
        vendor_scope=requirement.vendor_scope,
        tiers=tuple(requirement.applies_tiers or ()),
        firm_kinds=tuple(requirement.applies_firm_kinds or ()),
        vendor_categories=tuple(requirement.applies_vendor_categories or ()),
    )


def compute_applicability(assessment: Assessment) -> dict[str, dict]:
    ctx = applicability_context(
        organization=assessment.organization, framework=assessment.framework, scope=assessment.scope,
        vendor=assessment.vendor,
    )
    result = {}
    for req in assessment.framework.requirements.order_by("order"):
        decision = applicability.decide(requirement_tags(req), ctx)
        result[str(req.pk)] = {"ref": req.ref, "applies": decision.applies, "reasons": list(decision.reasons)}
    return result


# --- assessments -----------------------------------------------------------------------------------

def create_assessment(
    *,
    organization: Organization,
    framework: Framework,
    title: str,
    period_start: datetime.date,
    period_end: datetime.date,
    scope: str | None = None,
    vendor=None,
    owner: User | None = None,
    due_date: datetime.date | None = None,
) -> Assessment:
    scope = scope or (Scope.VENDOR if vendor is not None or framework.scope == Scope.VENDOR else Scope.FIRM)
    assessment = Assessment(
        organization=organization, framework=framework, scope=scope, vendor=vendor, title=title,
        period_start=period_start, period_end=period_end, owner=owner, due_date=due_date,
    )
    with transaction.atomic():
        assessment.full_clean()
        assessment.applicability = compute_applicability(assessment)
        assessment.save()
        rescore(assessment)
    return assessment


def update_assessment(*, assessment: Assessment, version: int, data: dict[str, Any]) -> Assessment:
    """Change the title, period, owner or due date (not the checklist, scope or vendor: create anew)."""
    unknown = set(data) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise ValidationError({k: _("This cannot be changed on an existing assessment.") for k in sorted(unknown)})
    for key, value in data.items():
        setattr(assessment, key, value)
    return save_versioned(assessment, version)


def refresh_applicability(*, assessment: Assessment) -> Assessment:
    """Re-decide applicability after the register changed (answers to excluded items are kept)."""
    with transaction.atomic():
        assessment.applicability = compute_applicability(assessment)
        Assessment.objects.for_org(assessment.organization).filter(pk=assessment.pk).update(
            applicability=assessment.applicability
        )
        rescore(assessment)
    return assessment


# --- answering "not applicable" -------------------------------------------------------------------

def not_applicable_condition(requirement: Requirement) -> str:
    """The checklist's condition for N/A in the reader's language ("" when it states none)."""
    return (requirement.not_applicable_if or requirement.not_applicable_if_ko or requirement.not_applicable_if_en
            ).strip()


def not_applicable_allowed(requirement: Requirement, na_reason: str) -> bool:
    return applicability.may_be_not_applicable(
        critical=requirement.critical,
        condition=requirement.not_applicable_if_ko + requirement.not_applicable_if_en,
        reason=na_reason or "",
    )


def not_applicable_refusal(requirement: Requirement, na_reason: str) -> dict[str, str]:
    """Why this requirement cannot be answered N/A with this reason, by field; empty when it can."""
    if not_applicable_allowed(requirement, na_reason):
        return {}
    condition = not_applicable_condition(requirement)
    if requirement.critical and not condition:
        return {"response": _(
            "%(ref)s is a knock-out requirement and its checklist states no condition under which it may be "
            "not applicable: once it applies, answer compliant, partial or non-compliant."
        ) % {"ref": requirement.ref}}
    if requirement.critical:
        return {"na_reason": _(
            "%(ref)s is a knock-out requirement: it may be not applicable only if: %(condition)s "
            "Say why this holds for your firm."
        ) % {"ref": requirement.ref, "condition": condition}}
    return {"na_reason": _("Say why this requirement does not apply.")}


# --- scoring ---------------------------------------------------------------------------------------

def scoring_items(assessment: Assessment) -> list[scoring.Item]:
    """The applicable requirements with their answers, in two queries."""
    ids = assessment.applicable_requirement_ids()
    reqs = Requirement.objects.filter(pk__in=ids).select_related("section").order_by("order")
    answers = {
        requirement_id: (response, na_reason)
        for requirement_id, response, na_reason in Answer.objects.for_org(assessment.organization)
        .filter(assessment=assessment)
        .values_list("requirement_id", "response", "na_reason")
    }
    items = []
    for r in reqs:
        response, na_reason = answers.get(r.pk, (None, ""))
        items.append(scoring.Item(
            ref=r.ref, section=r.section.code, weight=r.weight, critical=r.critical, response=response,
            not_applicable_allowed=response == Response.NOT_APPLICABLE and not_applicable_allowed(r, na_reason),
        ))
    return items


def rescore(assessment: Assessment) -> scoring.Result:
    """Recompute and cache the score on the assessment.

    Written with a queryset update: the cached score is derived data, so it neither bumps the
    assessment's edit version (an officer editing the title is not in conflict with one answering)
    nor fills the audit log with a second event per answer (the answer's own event is the record).
    """
    result = scoring.score(scoring_items(assessment))
    values = {
        "score": Decimal(str(result.score)) if result.score is not None else None,
        "rating": result.rating,
        "rating_reasons": [r.as_dict() for r in result.reasons],
        "score_details": {"sections": result.details, "unanswered": list(result.unanswered),
                          "answered": result.answered, "total": result.total},
    }
    Assessment.objects.for_org(assessment.organization).filter(pk=assessment.pk).update(**values)
    for key, value in values.items():
        setattr(assessment, key, value)
    return result


# --- answers ---------------------------------------------------------------------------------------

def save_answer(
    *,
    assessment: Assessment,
    requirement: Requirement,
    response: str,
    comment: str = "",
    na_reason: str = "",
    expected_version: int | None,
    user: User | None,
    sync_finding: bool = True,
) -> Answer:
    """Create or change one answer; ``expected_version`` is None only for a first answer.

    A stale version — or a first answer when someone else answered in the meantime — raises
    ConcurrentEditError with the saved answer, so the user sees the other person's value.
    """
    if assessment.status not in EDITABLE_STATUSES:
        raise ValidationError({"response": _("This assessment is %(status)s; its answers cannot be changed.")
                               % {"status": assessment.get_status_display()}})
    if response not in Response.values:
        raise ValidationError({"response": _("Choose compliant, partial, non-compliant or not applicable.")})
    if response == Response.NOT_APPLICABLE and (refusal := not_applicable_refusal(requirement, na_reason)):
        raise ValidationError(refusal)
    with transaction.atomic():
        existing = (
            Answer.objects.for_org(assessment.organization)
            .filter(assessment=assessment, requirement=requirement)
            .first()
        )
        if existing is not None and expected_version is None:
            raise ConcurrentEditError(existing)
        answer = existing or Answer(organization=assessment.organization, assessment=assessment,
                                    requirement=requirement)
        answer.assessment, answer.requirement = assessment, requirement  # reuse loaded objects in clean()
        answer.response = response
        answer.comment = comment or ""
        answer.na_reason = (na_reason or "") if response == Response.NOT_APPLICABLE else ""
        answer.answered_by = user
        answer.answered_at = timezone.now()
        if existing is None:
            answer.full_clean(validate_constraints=False)
            try:
                with transaction.atomic():
                    answer.save()
            except IntegrityError:
                # Someone answered the same requirement between our read and our insert.
                current = Answer.objects.for_org(assessment.organization).get(
                    assessment=assessment, requirement=requirement
                )
                raise ConcurrentEditError(current) from None
        else:
            save_versioned(answer, expected_version)
        rescore(assessment)
        if sync_finding:
            from compliance.findings import sync_answer_finding

            sync_answer_finding(answer=answer)
    return answer


def progress(assessment: Assessment) -> dict[str, Any]:
    """Per-section progress and what is still unanswered, from the cached score details."""
    details = assessment.score_details or {}
    return {
        "sections": details.get("sections", {}),
        "unanswered": details.get("unanswered", []),
        "answered": details.get("answered", 0),
        "total": details.get("total", 0),
    }
