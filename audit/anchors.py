"""Signed anchors of the audit chains' heads, kept outside the database.

A hash chain alone proves nothing against someone who can write the table: they cut off the tail,
or rewrite a row and recompute every later hash, and the chain verifies again. So every interval
(beat, ``AUDIT_ANCHOR_INTERVAL_MINUTES``) the head of each organisation's chain — its position
and hash — is signed with ``AUDIT_ANCHOR_KEY`` (HMAC-SHA256; the key is in the settings, never in
the database) and written to ``AUDIT_ANCHOR_DIR``:

* ``anchors-YYYY-MM-DD.jsonl`` (UTC day): every anchor written that day, one JSON object a line;
  the archive, to be shipped to storage the database's operators cannot rewrite;
* ``latest.json``: the last anchor of each chain, which verification checks.

An anchor says "chain X had reached position N with hash H at time T". Verification
(``audit.chain.verify_chain``) then requires the event at position N to exist with hash H.
"""

from __future__ import annotations

import datetime
import fcntl
import hashlib
import hmac
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from audit.models import AuditEvent

LATEST = "latest.json"
PLATFORM = "platform"  # the key of the platform chain (events without a firm) in latest.json


class AnchorStoreError(RuntimeError):
    """The anchor store cannot be read (a malformed file): verification cannot vouch for any chain."""


@dataclass(frozen=True)
class Anchor:
    organization: int | None
    seq: int
    hash: str
    anchored_at: str
    key_id: str
    signature: str = ""

    def signed_content(self) -> bytes:
        content = {k: v for k, v in asdict(self).items() if k != "signature"}
        return json.dumps(content, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def signature_is_valid(self) -> bool:
        key = _keys().get(self.key_id)
        if key is None:
            return False
        return hmac.compare_digest(_sign(key, self.signed_content()), self.signature)

    @classmethod
    def from_dict(cls, data: dict) -> Anchor:
        try:
            return cls(
                organization=None if data["organization"] is None else int(data["organization"]),
                seq=int(data["seq"]),
                hash=str(data["hash"]),
                anchored_at=str(data["anchored_at"]),
                key_id=str(data["key_id"]),
                signature=str(data["signature"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise AnchorStoreError(f"an anchor is malformed: {data!r}") from exc


def _sign(key: str, content: bytes) -> str:
    return hmac.new(key.encode("utf-8"), content, hashlib.sha256).hexdigest()


def key_id(key: str) -> str:
    """Names a key without revealing it, so that verification picks the key an anchor was signed with."""
    return _sign(key, b"backstop-audit-anchor-key-id")[:16]


def _keys() -> dict[str, str]:
    keys = [settings.AUDIT_ANCHOR_KEY, *settings.AUDIT_ANCHOR_PREVIOUS_KEYS]
    return {key_id(key): key for key in keys if key}


def sign(organization: int | None, seq: int, head_hash: str, at: datetime.datetime | None = None) -> Anchor:
    key = settings.AUDIT_ANCHOR_KEY
    at = at or timezone.now()
    unsigned = Anchor(organization, seq, head_hash, at.astimezone(datetime.UTC).isoformat(), key_id(key))
    return replace(unsigned, signature=_sign(key, unsigned.signed_content()))


# --- the store ------------------------------------------------------------------------------------

def _directory() -> Path:
    return Path(settings.AUDIT_ANCHOR_DIR)


def _chain_key(organization: int | None) -> str:
    return PLATFORM if organization is None else str(organization)


def write(anchors: Iterable[Anchor]) -> None:
    """Append to the day's file (flushed to disk first), then replace ``latest.json`` in one rename."""
    anchors = list(anchors)
    if not anchors:
        return
    directory = _directory()
    directory.mkdir(parents=True, exist_ok=True)
    # One writer at a time (beat and a manual run): latest.json is read, merged and replaced.
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _write_locked(directory, anchors)


def _write_locked(directory: Path, anchors: list[Anchor]) -> None:
    day = datetime.datetime.now(datetime.UTC).date().isoformat()
    with open(directory / f"anchors-{day}.jsonl", "a", encoding="utf-8") as archive:
        for anchor in anchors:
            archive.write(json.dumps(asdict(anchor), sort_keys=True) + "\n")
        archive.flush()
        os.fsync(archive.fileno())
    latest = {_chain_key(a.organization): asdict(a) for a in last_anchors().values()}
    latest.update({_chain_key(a.organization): asdict(a) for a in anchors})
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".latest-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(latest, out, sort_keys=True, indent=1)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, directory / LATEST)


def last_anchors() -> dict[int | None, Anchor]:
    """The last anchor of each chain: from ``latest.json``, or rebuilt from the day files without it."""
    directory = _directory()
    latest = directory / LATEST
    try:
        if latest.exists():
            data = json.loads(latest.read_text(encoding="utf-8"))
            anchors = [Anchor.from_dict(item) for item in data.values()]
            return {a.organization: a for a in anchors}
        found: dict[int | None, Anchor] = {}
        for path in sorted(directory.glob("anchors-*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    anchor = Anchor.from_dict(json.loads(line))
                    found[anchor.organization] = anchor
        return found
    except (OSError, ValueError, AttributeError) as exc:
        raise AnchorStoreError(f"the anchor store {directory} cannot be read: {exc}") from exc


# --- anchoring ------------------------------------------------------------------------------------

def chain_heads() -> dict[int | None, tuple[int, str]]:
    """(position, hash) of the last event of every chain."""
    events = AuditEvent.objects.for_chain_verification()
    last = dict(events.order_by().values("organization_id").annotate(head=Max("seq")).values_list(
        "organization_id", "head"))
    if not last:
        return {}
    wanted = Q()
    for organization_id, seq in last.items():
        wanted |= Q(organization_id=organization_id, seq=seq)
    return {org: (seq, h) for org, seq, h in events.filter(wanted).values_list("organization_id", "seq", "hash")}


def anchor_chains() -> dict:
    """Sign and store the head of every chain that moved since its last anchor, or whose last anchor
    was signed with an earlier key.

    A chain is anchored only if it still holds its previous anchor and verifies from there to the
    head: an anchor must never vouch for a chain that was already cut or rewritten.
    """
    from audit.chain import verify_from

    previous = last_anchors()
    current_key = key_id(settings.AUDIT_ANCHOR_KEY)
    fresh: list[Anchor] = []
    refused: dict[str, str] = {}
    for organization_id, (seq, head_hash) in sorted(
        chain_heads().items(), key=lambda item: (item[0] is not None, item[0] or 0)
    ):
        before = previous.get(organization_id)
        if before is not None and (before.seq, before.hash, before.key_id) == (seq, head_hash, current_key):
            continue  # unchanged since its anchor (a rotated key re-signs even an unchanged head)
        report = verify_from(organization_id, before)
        if not report.ok:
            refused[_chain_key(organization_id)] = report.reason
            continue
        fresh.append(sign(organization_id, seq, head_hash))
    write(fresh)
    return {"anchored": len(fresh), "refused": refused}
