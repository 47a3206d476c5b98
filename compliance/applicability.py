"""Which requirements apply to an assessment, and why: pure functions over plain data (no ORM).

A requirement's applicability tags come from its data file (``applies_to``) and ``vendor_scope``:

* **Assessment scope.** A vendor assessment on a firm-wide checklist takes only the items marked
  ``vendor_scope`` (regulation.md §4: sections B, C, D, F, G, H, J, K and the matching M items); a
  firm-wide assessment takes every item. A vendor-scoped checklist is always answered for one vendor.
* **Firm kinds** (``[VASP]``, ``[EFSR]``): the item applies only when the firm's kind is listed.
* **Vendor categories**: for a vendor assessment, the vendor's category must be listed; firm-wide,
  the firm must use at least one vendor of a listed category.
* **Tiers** (``[T1]``): the item applies when a dependency involved has a listed tier. Firm-wide, the
  dependencies involved are all of the firm's; for a vendor, that vendor's. The reason names the
  highest tier that matched (T1 before T2). With no tiered dependency at all, a tiered item is excluded.

All tags must hold for an item to apply (they narrow, they never widen). Every decision carries its
reasons as ``{"code", "params"}`` dicts, stored on the assessment and rendered by :func:`describe`.

**Answering N/A** (:func:`may_be_not_applicable`): an item that applies may still be answered *not
applicable* with a reason, except a knock-out: it carries the rating cap (regulation.md §4), so calling
it N/A would escape the cap. A knock-out may be N/A only where its data file states the condition
under which it may be (``not_applicable_if``); with none stated, once it applies it must be answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext

from core.labels import choice_label

TIER_ORDER = ("T1", "T2", "T3", "T4")
KIND_LABELS = {
    "bank": "a bank", "securities": "a securities firm", "insurance": "an insurer", "card": "a card company",
    "fintech": "a fintech", "vasp": "a VASP",
}


@dataclass(frozen=True)
class RequirementTags:
    ref: str
    vendor_scope: bool = False
    tiers: tuple[str, ...] = ()
    firm_kinds: tuple[str, ...] = ()
    vendor_categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Context:
    assessment_scope: str  # "firm" | "vendor"
    firm_kind: str
    framework_scope: str = "firm"
    vendor_category: str | None = None  # the assessed vendor's category (vendor assessments)
    vendor_categories: frozenset[str] = frozenset()  # categories of the firm's vendors (firm-wide)
    tiers: frozenset[str] = frozenset()  # tiers of the dependencies involved


@dataclass(frozen=True)
class Decision:
    ref: str
    applies: bool
    reasons: tuple[dict, ...]

    @property
    def texts(self) -> list[str]:
        return [describe(r) for r in self.reasons]


def highest_tier(tiers: Iterable[str]) -> str | None:
    present = [t for t in TIER_ORDER if t in set(tiers)]
    return present[0] if present else None


def _reason(code: str, **params) -> dict:
    return {"code": code, "params": params}


def decide(tags: RequirementTags, ctx: Context) -> Decision:
    applies, reasons = True, []
    vendor = ctx.assessment_scope == "vendor"

    if vendor and ctx.framework_scope == "firm" and not tags.vendor_scope:
        applies = False
        reasons.append(_reason("firm_level_only"))
    elif vendor and tags.vendor_scope:
        reasons.append(_reason("vendor_scope"))

    if tags.firm_kinds:
        if ctx.firm_kind in tags.firm_kinds:
            reasons.append(_reason("firm_kind", kind=ctx.firm_kind))
        else:
            applies = False
            reasons.append(_reason("firm_kind_excluded", kind=ctx.firm_kind, kinds=list(tags.firm_kinds)))

    if tags.vendor_categories:
        if vendor:
            hit = ctx.vendor_category in tags.vendor_categories
            category = ctx.vendor_category or ""
        else:
            matched = sorted(ctx.vendor_categories & set(tags.vendor_categories))
            hit, category = bool(matched), ", ".join(matched)
        if hit:
            reasons.append(_reason("vendor_category" if vendor else "firm_uses_category", category=category))
        else:
            applies = False
            reasons.append(_reason(
                "vendor_category_excluded" if vendor else "firm_lacks_category",
                category=ctx.vendor_category or "", categories=list(tags.vendor_categories),
            ))

    if tags.tiers:
        matched = highest_tier(ctx.tiers & set(tags.tiers))
        if matched:
            reasons.append(_reason("tier", tier=matched, vendor=vendor))
        else:
            applies = False
            reasons.append(_reason("tier_excluded", tiers=list(tags.tiers), vendor=vendor))

    if applies and not reasons:
        reasons.append(_reason("always"))
    return Decision(ref=tags.ref, applies=applies, reasons=tuple(reasons))


def may_be_not_applicable(*, critical: bool, condition: str, reason: str) -> bool:
    """Whether an applicable requirement may be answered N/A: always with a reason, and a knock-out
    only when its checklist states a condition for it."""
    if not reason.strip():
        return False
    return not critical or bool(condition.strip())


def decide_all(all_tags: Iterable[RequirementTags], ctx: Context) -> list[Decision]:
    return [decide(t, ctx) for t in all_tags]


def describe(reason: Mapping) -> str:
    """One stored reason in the reader's language ("applies: firm is a VASP")."""
    code, p = reason.get("code"), reason.get("params") or {}
    who = gettext("vendor") if p.get("vendor") else gettext("firm")
    messages = {
        "always": lambda: gettext("applies: no applicability conditions"),
        "vendor_scope": lambda: gettext("applies: assessed per vendor"),
        "firm_level_only": lambda: gettext("excluded: a firm-level requirement, not assessed per vendor"),
        "firm_kind": lambda: gettext("applies: firm is %(kind)s") % {"kind": _kind(p.get("kind", ""))},
        "firm_kind_excluded": lambda: gettext("excluded: only for %(kinds)s; firm is %(kind)s")
        % {"kinds": ", ".join(_kind(k) for k in p.get("kinds", [])), "kind": _kind(p.get("kind", ""))},
        "vendor_category": lambda: gettext("applies: vendor category is %(category)s")
        % {"category": _categories(p.get("category", ""))},
        "vendor_category_excluded": lambda: gettext("excluded: only for vendor categories %(categories)s")
        % {"categories": _categories(p.get("categories", []))},
        "firm_uses_category": lambda: gettext("applies: firm uses a %(category)s vendor")
        % {"category": _categories(p.get("category", ""))},
        "firm_lacks_category": lambda: gettext("excluded: firm has no vendor of category %(categories)s")
        % {"categories": _categories(p.get("categories", []))},
        "tier": lambda: gettext("applies: %(who)s has a %(tier)s dependency") % {"who": who, "tier": p.get("tier")},
        "tier_excluded": lambda: gettext("excluded: %(who)s has no %(tiers)s dependency")
        % {"who": who, "tiers": "/".join(p.get("tiers", []))},
    }
    render = messages.get(code)
    return render() if render else str(code)


def _kind(kind: str) -> str:
    return gettext(KIND_LABELS.get(kind, kind))


def _categories(codes: str | list[str]) -> str:
    """Stored category codes ("cdn_security, cloud" or a list) as the reader's labels."""
    codes = [c.strip() for c in codes.split(",")] if isinstance(codes, str) else list(codes)
    return ", ".join(choice_label("category", code) for code in codes if code)
