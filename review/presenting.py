"""How the supervisor's review page arranges a frozen submission: knock-outs and gaps first, then each
section with the rest, every answer and rating reason in words rather than codes (pure: dicts in)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from compliance.choices import Response
from compliance.scoring import describe

GAP_RESPONSES = frozenset({Response.NON_COMPLIANT, Response.PARTIAL, None})
# The rating reasons that name a knock-out the firm failed (compliance.scoring).
KNOCK_OUT_REASONS = frozenset({"capped_d_critical_non_compliant", "capped_d_critical_not_applicable",
                               "capped_c_critical_partial"})


def response_label(code: str | None) -> str:
    labels = dict(Response.choices)
    return str(labels.get(code, code)) if code else ""


@dataclass
class Item:
    ref: str
    section: str
    text: str
    weight: int
    critical: bool
    response: str | None
    response_label: str
    comment: str
    na_reason: str
    evidence: list[dict]
    changed: bool = False
    knocked_out: bool = False
    comments: list[Any] = field(default_factory=list)

    @property
    def gap(self) -> bool:
        return self.response in GAP_RESPONSES or self.knocked_out


@dataclass
class SectionGroup:
    code: str
    name: str
    items: list[Item]
    gaps: int  # of this section's requirements, shown in the attention group


def _lang(pair: Mapping | str, lang: str) -> str:
    if isinstance(pair, Mapping):
        return pair.get(lang) or pair.get("ko") or pair.get("en") or ""
    return pair or ""


def arrange(document: dict, *, lang: str, comments: Mapping[str, list], changed: Iterable[str] = ()) -> dict:
    """{"attention": [Item], "sections": [SectionGroup], "reasons": [str]} for the review page."""
    part = document["assessment"]
    changed = set(changed)
    failed = {r.get("ref") for r in part.get("rating_reasons") or [] if r.get("code") in KNOCK_OUT_REASONS}
    items = [
        Item(ref=r["ref"], section=r["section"], text=_lang(r["text"], lang), weight=r["weight"],
             critical=r["critical"], response=r["response"], response_label=response_label(r["response"]),
             comment=r.get("comment") or "", na_reason=r.get("na_reason") or "", evidence=r.get("evidence", []),
             changed=r["ref"] in changed, knocked_out=r["critical"] and (r["ref"] in failed or r["response"] in
                                                                          GAP_RESPONSES),
             comments=list(comments.get(r["ref"], [])))
        for r in part["requirements"]
    ]
    # Knock-outs the firm failed first, then the other gaps, each group in checklist order.
    attention = [i for i in items if i.knocked_out] + [i for i in items if i.gap and not i.knocked_out]
    names = {s["code"]: _lang(s["name"], lang) for s in part.get("sections") or []}
    order: list[str] = []
    for i in items:
        if i.section not in order:
            order.append(i.section)
    for r in part["requirements"]:
        names.setdefault(r["section"], _lang(r.get("section_name", ""), lang))
    sections = [
        SectionGroup(code, names.get(code, code), [i for i in items if i.section == code and not i.gap],
                     sum(1 for i in items if i.section == code and i.gap))
        for code in order
    ]
    return {"attention": attention, "sections": sections,
            "reasons": [describe(r) if isinstance(r, Mapping) else str(r) for r in part.get("rating_reasons") or []]}


def labelled_changes(changes: list) -> list:
    """The diff's responses as labels (the diff keeps codes)."""
    for change in changes:
        change.before_label = response_label(change.before)
        change.after_label = response_label(change.after)
    return changes
