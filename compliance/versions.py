"""Checklist versions: ordering them, and what changed from one version of a framework to the next.

A requirement keeps its reference code across versions (regulation.md §4: "a new version keeps the
code of an unchanged requirement"), so two versions are compared ref by ref. A requirement is
**unchanged** when its Korean and English text, its knock-out flag, its weight and its expected
evidence codes are all the same: only then does an answer given against the old wording still answer
the new one, and may it be carried over (:func:`compliance.upgrades.upgrade_assessment`). Guidance,
legal basis and applicability tags may change without changing what the firm is asked.

:func:`diff` is pure (plain data in, plain data out); :func:`diff_frameworks` reads two versions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from compliance.models import Framework


def version_key(version: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key of a version string, part by part as numbers: "2025.10" comes after "2025.9"."""
    parts = re.split(r"[.\-_]", version.strip())
    # A number sorts before a word at the same place, so mixed parts compare without a TypeError.
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def is_newer(version: str, than: str) -> bool:
    return version_key(version) > version_key(than)


@dataclass(frozen=True)
class RequirementFacts:
    """What the firm is asked by one requirement: the facts that decide whether an answer still holds."""

    ref: str
    text_ko: str
    text_en: str
    critical: bool
    weight: int
    evidence: tuple[str, ...] = ()

    def same_question(self, other: RequirementFacts) -> bool:
        return (
            (self.text_ko, self.text_en, self.critical, self.weight, sorted(set(self.evidence)))
            == (other.text_ko, other.text_en, other.critical, other.weight, sorted(set(other.evidence)))
        )


@dataclass(frozen=True)
class VersionDiff:
    """Refs of the new version (added, changed, unchanged) and of the old one no longer asked (removed),
    each in checklist order."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: tuple[str, ...]


def diff(old: Iterable[RequirementFacts], new: Iterable[RequirementFacts]) -> VersionDiff:
    """Compare two versions' requirements by ref (see the module docstring for "unchanged")."""
    before = {r.ref: r for r in old}
    after = {r.ref: r for r in new}
    added, changed, unchanged = [], [], []
    for ref, facts in after.items():
        if ref not in before:
            added.append(ref)
        elif facts.same_question(before[ref]):
            unchanged.append(ref)
        else:
            changed.append(ref)
    removed = [ref for ref in before if ref not in after]
    return VersionDiff(tuple(added), tuple(changed), tuple(removed), tuple(unchanged))


def facts_of(framework: Framework) -> list[RequirementFacts]:
    """One version's requirements, in checklist order (one query)."""
    rows = framework.requirements.order_by("order").values_list(
        "ref", "text_ko", "text_en", "critical", "weight", "evidence"
    )
    return [
        RequirementFacts(ref=ref, text_ko=ko, text_en=en, critical=critical, weight=weight,
                         evidence=tuple(evidence or ()))
        for ref, ko, en, critical, weight, evidence in rows
    ]


def diff_frameworks(old: Framework, new: Framework) -> VersionDiff:
    return diff(facts_of(old), facts_of(new))
