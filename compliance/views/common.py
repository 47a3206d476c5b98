"""What the compliance pages share: who may answer, and building one requirement's row for the page.

Rows are built from data the page already loaded (sections, requirements, answers with their
evidence), so the answering page and the answer-save response cost a constant number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404, HttpRequest

from compliance import applicability, services
from compliance.choices import EDITABLE_STATUSES, Response
from compliance.forms import AnswerForm, EvidenceForm
from compliance.models import Answer, Assessment, Evidence, Requirement


def load_assessment(request: HttpRequest, pk: int) -> Assessment:
    """The firm's assessment or 404 (get_for_org_or_404 with the relations every page shows)."""
    try:
        return (
            Assessment.objects.for_org(request.organization)
            .select_related("framework", "vendor", "owner")
            .get(pk=pk)
        )
    except (Assessment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def can_answer(request: HttpRequest, assessment: Assessment) -> bool:
    """Officers and firm admins, while the firm still holds the assessment (not submitted or accepted)."""
    return bool(request.can_edit) and assessment.status in EDITABLE_STATUSES


def answer_form(requirement: Requirement, answer: Answer | None, data: Any = None) -> AnswerForm:
    initial = {}
    if answer is not None:
        initial = {"response": answer.response, "comment": answer.comment, "na_reason": answer.na_reason,
                   "version": answer.version}
    return AnswerForm(data, prefix=f"r{requirement.pk}", initial=initial, requirement=requirement)


def evidence_labels(assessment: Assessment, codes: list[str], korean: bool) -> list[dict[str, str]]:
    known = assessment.framework.evidence_codes or {}
    return [{"code": c, "label": (known.get(c) or {}).get("ko" if korean else "en", "")} for c in codes]


@dataclass
class Row:
    """One applicable requirement as the answering page shows it."""

    requirement: Requirement
    answer: Answer | None
    reasons: list[str]
    evidence_codes: list[dict[str, str]]
    evidence: list[Evidence] = field(default_factory=list)
    form: AnswerForm | None = None
    evidence_form: EvidenceForm | None = None
    conflict: Answer | None = None
    saved: bool = False
    # Knock-outs: the checklist's condition for N/A ("" = it may not be N/A once it applies).
    na_condition: str = ""
    # A stored N/A the knock-out rule does not allow: it counts as non-compliant in the score.
    na_refused: bool = False


def build_row(
    request: HttpRequest,
    assessment: Assessment,
    requirement: Requirement,
    answer: Answer | None,
    evidence: list[Evidence],
    *,
    form: AnswerForm | None = None,
    evidence_form: EvidenceForm | None = None,
    conflict: Answer | None = None,
    saved: bool = False,
) -> Row:
    korean = (request.LANGUAGE_CODE or "ko").startswith("ko")
    decision = (assessment.applicability or {}).get(str(requirement.pk)) or {}
    editable = can_answer(request, assessment)
    if editable and form is None:
        form = answer_form(requirement, answer)
    if editable and answer is not None and evidence_form is None:
        evidence_form = EvidenceForm(prefix=f"e{answer.pk}")
    return Row(
        requirement=requirement,
        answer=answer,
        reasons=[applicability.describe(r) for r in decision.get("reasons", [])],
        evidence_codes=evidence_labels(assessment, list(requirement.evidence or []), korean),
        evidence=evidence,
        form=form if editable else None,
        evidence_form=evidence_form if editable else None,
        conflict=conflict,
        saved=saved,
        na_condition=services.not_applicable_condition(requirement) if requirement.critical else "",
        na_refused=bool(answer is not None and answer.response == Response.NOT_APPLICABLE
                        and not services.not_applicable_allowed(requirement, answer.na_reason)),
    )


def ref_anchors(assessment: Assessment) -> dict[str, int]:
    """Reference → requirement id, from the stored applicability (no query)."""
    return {v.get("ref", k): int(k) for k, v in (assessment.applicability or {}).items() if v.get("applies")}


def status_context(request: HttpRequest, assessment: Assessment) -> dict[str, Any]:
    """The score box, per-section progress and the unanswered list, from the cached score details."""
    from compliance import scoring

    details = assessment.score_details or {}
    anchors = ref_anchors(assessment)
    unanswered = [{"ref": ref, "pk": anchors.get(ref)} for ref in details.get("unanswered", [])]
    return {
        "assessment": assessment,
        "rating_label": scoring.rating_label(assessment.rating),
        "reasons": [scoring.describe(r) for r in assessment.rating_reasons or []],
        "answered": details.get("answered", 0),
        "total": details.get("total", 0),
        "section_progress": details.get("sections", {}),
        "unanswered": unanswered,
        "editable": can_answer(request, assessment),
    }
