"""Verifying the audit chain: recompute every hash in order and find the first break."""

from __future__ import annotations

from dataclasses import dataclass

from audit.models import GENESIS_HASH, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(chunk_size: int = 2000) -> ChainReport:
    expected_prev = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.for_chain_verification().iterator(chunk_size=chunk_size):
        if event.prev_hash != expected_prev:
            return ChainReport(checked, event.pk, "its previous-hash does not match the event before it")
        if event.compute_hash() != event.hash:
            return ChainReport(checked, event.pk, "its content does not match its hash (the row was altered)")
        expected_prev = event.hash
        checked += 1
    return ChainReport(checked)
