"""Scoring an assessment: one pure function over plain data (no ORM, no models), property-tested.

The rules (regulation.md §4, design.md "Scoring"):

* **Values.** compliant = 1, partial = 0.5, non-compliant = 0. *Not applicable* is left out entirely
  (neither numerator nor denominator), so adding an N/A requirement never moves the score.
  Unanswered applicable requirements are also left out of the arithmetic but are listed in
  ``unanswered``: they block submission, they do not silently count as zero.
* **Section score** = Σ weight·value / Σ weight over the section's answered, applicable items (0-100).
* **Overall score** = the mean of the section scores weighted by each section's Σ weight of answered
  applicable items, scaled 0-100 and rounded to two decimals. (Algebraically that is Σ w·v / Σ w over
  every answered item, which is why improving one answer can never lower it.) No answered item → no score.
* **Rating** from the rounded score: A ≥ 90, B ≥ 75, C ≥ 60, D below.
* **Knock-out rules** on critical (KO) requirements, applied after the score:
  a critical requirement answered non-compliant → D, "부적정 / inadequate", whatever the score;
  a critical requirement answered partial → the rating is at most C, "보완 필요 / needs remediation";
  a critical requirement answered *not applicable* where that is not allowed (its checklist states no
  condition under which it may be N/A, or no reason was given — e.g. an answer stored before the rule
  or brought in some other way) counts as **failed**: scored 0 like non-compliant and capped at D, so a
  knock-out can never be escaped by calling it not applicable.
* **Label**: A and B are "적정 / adequate", C "보완 필요 / needs remediation", D "부적정 / inadequate".
* **Reasons** explain the rating: the band the score fell in, and every cap with the requirement behind it
  (e.g. ``capped at D: critical requirement KR-G3 non-compliant``). Reasons are stored as plain
  ``{"code", "ref", "score"}`` dicts (:meth:`Reason.as_dict`) and rendered in the reader's language by
  :func:`describe`.

Exact arithmetic (``fractions.Fraction``) is used so that ties at a band edge (exactly 90.00) are not
decided by floating-point noise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from django.utils.translation import gettext

COMPLIANT, PARTIAL, NON_COMPLIANT, NOT_APPLICABLE = "compliant", "partial", "non_compliant", "not_applicable"
RESPONSE_VALUES: Mapping[str, Fraction] = {COMPLIANT: Fraction(1), PARTIAL: Fraction(1, 2), NON_COMPLIANT: Fraction(0)}
RESPONSES = (COMPLIANT, PARTIAL, NON_COMPLIANT, NOT_APPLICABLE)
BANDS = (("A", 90), ("B", 75), ("C", 60))
RATING_ORDER = "ABCD"
KNOCK_OUT_CODES = frozenset({"capped_d_critical_non_compliant", "capped_d_critical_not_applicable"})


@dataclass(frozen=True)
class Item:
    """One applicable requirement of the assessment and its answer (None = not answered yet)."""

    ref: str
    section: str
    weight: int
    critical: bool = False
    response: str | None = None
    # Only for a knock-out answered N/A: its checklist states when it may be N/A and the answer says why.
    not_applicable_allowed: bool = False

    @property
    def refused_not_applicable(self) -> bool:
        return self.critical and self.response == NOT_APPLICABLE and not self.not_applicable_allowed

    @property
    def counted_response(self) -> str | None:
        """The response the arithmetic uses: a refused N/A on a knock-out counts as non-compliant."""
        return NON_COMPLIANT if self.refused_not_applicable else self.response


@dataclass(frozen=True)
class SectionScore:
    section: str
    score: float | None  # 0-100, None when nothing in the section is answered (or all N/A)
    weight: int  # Σ weights of answered applicable items: the section's weight in the overall mean
    answered: int
    applicable: int  # items in the section, N/A included
    not_applicable: int

    def as_dict(self) -> dict:
        return {
            "score": self.score, "weight": self.weight, "answered": self.answered,
            "applicable": self.applicable, "not_applicable": self.not_applicable,
        }


@dataclass(frozen=True)
class Reason:
    # band | capped_d_critical_non_compliant | capped_d_critical_not_applicable | capped_c_critical_partial | no_score
    code: str
    ref: str = ""
    score: float | None = None

    def as_dict(self) -> dict:
        return {"code": self.code, "ref": self.ref, "score": self.score}

    @property
    def text(self) -> str:
        return describe(self.as_dict())


@dataclass(frozen=True)
class Result:
    score: float | None
    rating: str  # "" when there is no score and no knock-out
    reasons: tuple[Reason, ...]
    sections: tuple[SectionScore, ...]
    unanswered: tuple[str, ...]
    answered: int = 0
    total: int = 0
    details: dict = field(default_factory=dict, compare=False)

    @property
    def label(self) -> str:
        return rating_label(self.rating)

    @property
    def complete(self) -> bool:
        return not self.unanswered


def rating_label(rating: str) -> str:
    if rating in ("A", "B"):
        return gettext("adequate")
    if rating == "C":
        return gettext("needs remediation")
    if rating == "D":
        return gettext("inadequate")
    return ""


def describe(reason: Mapping) -> str:
    """A stored reason in the reader's language."""
    code, ref, score = reason.get("code"), reason.get("ref", ""), reason.get("score")
    if code == "capped_d_critical_non_compliant":
        return gettext("capped at D: critical requirement %(ref)s non-compliant") % {"ref": ref}
    if code == "capped_d_critical_not_applicable":
        return gettext(
            "capped at D: critical requirement %(ref)s answered not applicable, which its checklist does not allow"
        ) % {"ref": ref}
    if code == "capped_c_critical_partial":
        return gettext("capped at C: critical requirement %(ref)s only partially compliant") % {"ref": ref}
    if code == "no_score":
        return gettext("no score yet: no applicable requirement has been answered")
    if code == "band":
        return gettext("score %(score)s: rating %(rating)s by score band (A ≥ 90, B ≥ 75, C ≥ 60)") % {
            "score": f"{score:.2f}" if score is not None else "-", "rating": ref,
        }
    return str(code)


def band(score: float) -> str:
    for rating, floor in BANDS:
        if score >= floor:
            return rating
    return "D"


def _worse(a: str, b: str) -> str:
    return max(a, b, key=RATING_ORDER.index)


def score(items: Iterable[Item]) -> Result:
    """Score one assessment's applicable requirements (see the module docstring for the rules)."""
    items = list(items)
    for item in items:
        if item.response is not None and item.response not in RESPONSES:
            raise ValueError(f"Unknown response {item.response!r} for {item.ref}")
        if not 1 <= item.weight <= 5:
            raise ValueError(f"Weight of {item.ref} must be 1-5, not {item.weight}")

    by_section: dict[str, list[Item]] = {}
    for item in items:
        by_section.setdefault(item.section, []).append(item)

    sections: list[SectionScore] = []
    total_weight = 0
    weighted_sum = Fraction(0)  # Σ_sections W_s · S_s, with S_s a fraction of 1
    for code, members in by_section.items():
        scored = [i for i in members if i.counted_response in RESPONSE_VALUES]
        w = sum(i.weight for i in scored)
        section_value = (
            sum((i.weight * RESPONSE_VALUES[i.counted_response] for i in scored), Fraction(0)) / w if w else None
        )
        sections.append(SectionScore(
            section=code,
            score=float(round(section_value * 100, 2)) if section_value is not None else None,
            weight=w,
            answered=sum(1 for i in members if i.response is not None),
            applicable=len(members),
            not_applicable=sum(1 for i in members if i.counted_response == NOT_APPLICABLE),
        ))
        if w:
            total_weight += w
            weighted_sum += w * section_value

    overall = float(round(weighted_sum / total_weight * 100, 2)) if total_weight else None

    reasons: list[Reason] = []
    rating = ""
    if overall is not None:
        rating = band(overall)
        reasons.append(Reason("band", ref=rating, score=overall))
    else:
        reasons.append(Reason("no_score"))
    for item in items:
        if item.critical and item.response == NON_COMPLIANT:
            rating = "D"
            reasons.append(Reason("capped_d_critical_non_compliant", ref=item.ref))
        elif item.refused_not_applicable:
            rating = "D"
            reasons.append(Reason("capped_d_critical_not_applicable", ref=item.ref))
    knocked_out = rating == "D" and any(r.code in KNOCK_OUT_CODES for r in reasons)
    for item in items:
        if item.critical and item.response == PARTIAL:
            rating = _worse(rating or "C", "C")
            if not knocked_out:  # under a knock-out D the C cap explains nothing
                reasons.append(Reason("capped_c_critical_partial", ref=item.ref))

    unanswered = tuple(i.ref for i in items if i.response is None)
    return Result(
        score=overall,
        rating=rating,
        reasons=tuple(reasons),
        sections=tuple(sections),
        unanswered=unanswered,
        answered=len(items) - len(unanswered),
        total=len(items),
        details={s.section: s.as_dict() for s in sections},
    )
