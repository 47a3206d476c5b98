"""Verifying the audit chains: recompute every hash of each organisation's chain in order, then hold
the chain against its last signed anchor (``audit.anchors``).

The chain finds an edited row, a removed row (a gap in the positions) and a broken link; the anchor
finds what the chain alone cannot: the tail cut off, rows rewritten with every later hash recomputed,
a whole chain deleted. An anchor whose signature does not verify is reported as forged.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from itertools import groupby

from django.conf import settings
from django.utils import timezone

from audit.anchors import Anchor, AnchorStoreError, last_anchors
from audit.models import GENESIS_HASH, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    """One organisation's chain (``organization_id`` None: the platform chain of sign-ins)."""

    organization_id: int | None
    checked: int = 0
    head_seq: int = 0
    broken_at: int | None = None  # the id of the first event found wrong, when there is one
    reason: str = ""
    anchored_seq: int | None = None

    @property
    def ok(self) -> bool:
        return not self.reason


@dataclass(frozen=True)
class AuditReport:
    chains: tuple[ChainReport, ...]
    store_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.store_error and all(chain.ok for chain in self.chains)

    @property
    def checked(self) -> int:
        return sum(chain.checked for chain in self.chains)

    @property
    def failures(self) -> list[ChainReport]:
        return [chain for chain in self.chains if not chain.ok]

    @property
    def broken_at(self) -> int | None:
        return next((chain.broken_at for chain in self.failures if chain.broken_at is not None), None)

    @property
    def reason(self) -> str:
        if self.store_error:
            return self.store_error
        return self.failures[0].reason if self.failures else ""

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "broken_at": self.broken_at,
            "reason": self.reason,
            "chains": [asdict(chain) for chain in self.chains],
        }


@dataclass
class _Walk:
    checked: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    first_at: datetime.datetime | None = None
    broken_at: int | None = None
    reason: str = ""
    seen: dict[int, str] | None = None  # hash at the watched position


def _walk(events: Iterable[AuditEvent], *, seq: int = 0, prev: str = GENESIS_HASH, watch: int | None = None) -> _Walk:
    """Follow one chain from position ``seq`` (hash ``prev``) to its head; stop at the first break."""
    walk = _Walk(head_seq=seq, head_hash=prev, seen={})
    for event in events:
        if walk.first_at is None:
            walk.first_at = event.created_at
        if event.seq != walk.head_seq + 1:
            walk.broken_at = event.pk
            if event.seq > walk.head_seq + 1:
                walk.reason = (
                    f"events {walk.head_seq + 1} to {event.seq - 1} of the chain are missing (the positions have a gap)"
                )
            else:
                walk.reason = f"position {event.seq} occurs twice"
            return walk
        if event.prev_hash != walk.head_hash:
            walk.broken_at, walk.reason = event.pk, "its previous-hash does not match the event before it"
            return walk
        if event.compute_hash() != event.hash:
            walk.broken_at = event.pk
            walk.reason = "its content does not match its hash (the row was altered)"
            return walk
        if event.seq == watch:
            walk.seen[event.seq] = event.hash
        walk.checked += 1
        walk.head_seq, walk.head_hash = event.seq, event.hash
    return walk


def _against_anchor(organization_id: int | None, walk: _Walk, anchor: Anchor | None) -> ChainReport:
    report = {"organization_id": organization_id, "checked": walk.checked, "head_seq": walk.head_seq}
    if walk.reason:
        return ChainReport(**report, broken_at=walk.broken_at, reason=walk.reason)
    if anchor is None:
        if settings.AUDIT_ANCHOR_REQUIRED and walk.first_at is not None:
            grace = datetime.timedelta(minutes=2 * settings.AUDIT_ANCHOR_INTERVAL_MINUTES)
            if walk.first_at < timezone.now() - grace:
                return ChainReport(**report, reason="the chain has never been anchored (anchor store lost?)")
        return ChainReport(**report)
    report["anchored_seq"] = anchor.seq
    if not anchor.signature_is_valid():
        return ChainReport(**report, reason="its last anchor's signature is not valid (a forged or altered anchor)")
    if walk.head_seq < anchor.seq:
        if walk.head_seq == 0:
            reason = f"the chain is gone: it was anchored at position {anchor.seq} and has no events now"
        else:
            reason = (
                f"the chain ends at position {walk.head_seq}, but was anchored at {anchor.seq}: "
                "its tail was cut off"
            )
        return ChainReport(**report, reason=reason)
    if walk.seen.get(anchor.seq) != anchor.hash:
        return ChainReport(
            **report,
            reason=f"the event at the anchored position {anchor.seq} no longer has the anchored hash "
            "(the chain was rewritten and its hashes recomputed)",
        )
    return ChainReport(**report)


def _by_chain(chunk_size: int) -> Iterator[tuple[int | None, Iterator[AuditEvent]]]:
    events = AuditEvent.objects.for_chain_verification().order_by("organization_id", "seq")
    return groupby(events.iterator(chunk_size=chunk_size), key=lambda event: event.organization_id)


def verify_chain(chunk_size: int = 2000, anchors: dict[int | None, Anchor] | None = None) -> AuditReport:
    """Every chain, each against its last anchor (read from ``AUDIT_ANCHOR_DIR`` unless given)."""
    if anchors is None:
        try:
            anchors = last_anchors()
        except AnchorStoreError as exc:
            return AuditReport(chains=(), store_error=str(exc))
    reports: dict[int | None, ChainReport] = {}
    for organization_id, events in _by_chain(chunk_size):
        anchor = anchors.get(organization_id)
        walk = _walk(events, watch=anchor.seq if anchor else None)
        reports[organization_id] = _against_anchor(organization_id, walk, anchor)
    for organization_id, anchor in anchors.items():
        if organization_id not in reports:
            reports[organization_id] = _against_anchor(organization_id, _Walk(seen={}), anchor)
    ordered = sorted(reports.values(), key=lambda r: (r.organization_id is not None, r.organization_id or 0))
    return AuditReport(chains=tuple(ordered))


def verify_from(organization_id: int | None, anchor: Anchor | None, chunk_size: int = 2000) -> ChainReport:
    """One chain from its last anchor to its head (the whole chain when it has none): what the anchoring
    task checks before it signs a new head."""
    events = AuditEvent.objects.chain_of(organization_id)
    if anchor is None:
        walk = _walk(events.iterator(chunk_size=chunk_size))
        return _against_anchor(organization_id, walk, None)
    if not anchor.signature_is_valid():
        return _against_anchor(organization_id, _Walk(seen={}), anchor)
    anchored = events.filter(seq=anchor.seq).values_list("hash", flat=True).first()
    if anchored != anchor.hash:
        head = events.order_by("-seq").values_list("seq", flat=True).first() or 0
        return _against_anchor(organization_id, _Walk(head_seq=head, seen={}), anchor)
    walk = _walk(events.filter(seq__gt=anchor.seq).iterator(chunk_size=chunk_size), seq=anchor.seq, prev=anchor.hash)
    walk.seen = {anchor.seq: anchor.hash}
    return _against_anchor(organization_id, walk, anchor)
