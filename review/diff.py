"""What changed between two submissions of the same assessment (pure: two snapshot dicts in)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RequirementChange:
    ref: str
    before: str | None
    after: str | None
    comment_changed: bool
    evidence_added: list[str] = field(default_factory=list)
    evidence_removed: list[str] = field(default_factory=list)


@dataclass
class SubmissionDiff:
    changes: list[RequirementChange]
    score_before: str | None
    score_after: str | None
    rating_before: str
    rating_after: str

    @property
    def changed_refs(self) -> set[str]:
        return {c.ref for c in self.changes}


def diff_snapshots(before: dict, after: dict) -> SubmissionDiff:
    old = {r["ref"]: r for r in before["assessment"]["requirements"]}
    changes = []
    for item in after["assessment"]["requirements"]:
        prev = old.get(item["ref"], {})
        old_ev = {e["sha256"]: e["name"] for e in prev.get("evidence", [])}
        new_ev = {e["sha256"]: e["name"] for e in item.get("evidence", [])}
        change = RequirementChange(
            ref=item["ref"],
            before=prev.get("response"),
            after=item.get("response"),
            comment_changed=prev.get("comment", "") != item.get("comment", ""),
            evidence_added=[new_ev[h] for h in new_ev.keys() - old_ev.keys()],
            evidence_removed=[old_ev[h] for h in old_ev.keys() - new_ev.keys()],
        )
        if change.before != change.after or change.comment_changed or change.evidence_added or change.evidence_removed:
            changes.append(change)
    return SubmissionDiff(
        changes=changes,
        score_before=before["assessment"].get("score"),
        score_after=after["assessment"].get("score"),
        rating_before=before["assessment"].get("rating", ""),
        rating_after=after["assessment"].get("rating", ""),
    )
