"""One chain per organisation, step 2 (data): re-chain the events already written.

Until now every firm's events formed one chain in id order. Each event now links to the previous
event *of its own organisation* and carries its position (``seq``) in that chain, which is hashed
too; so every existing event's ``prev_hash`` and ``hash`` are recomputed.

Recomputing hashes is exactly what an attacker would do to hide an edit, so the old chain is verified
first and the migration stops if it is broken: re-chaining must never launder tampering. A broken log
is a matter for an operator (find the event named in the error, and what happened to it) before the
migration runs; until then the application stays on the previous release.

The hash rules are copied here as they are on the day of this migration, so a later change of
``AuditEvent.hashed_content`` does not change what this migration did.
"""

import hashlib
import json

from django.db import migrations

GENESIS = "0" * 64
BATCH = 1000


def _content(event, with_seq: bool) -> dict:
    content = {
        "created_at": event.created_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_email": event.actor_email,
        "organization_id": event.organization_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "changes": event.changes,
        "ip_address": event.ip_address,
    }
    if with_seq:
        content["seq"] = event.seq
    return content


def _hash(prev_hash: str, content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def _in_id_order(model):
    last_id = 0
    while True:
        rows = list(model._base_manager.filter(id__gt=last_id).order_by("id")[:BATCH])
        if not rows:
            return
        yield rows
        last_id = rows[-1].id


def _maintenance(connection):
    # The owner is bound by FORCE ROW LEVEL SECURITY like everyone; maintenance reads every firm's rows.
    from accounts import rls

    return rls.scoped(rls.DbScope(maintenance=True), connection)


def rechain_per_organisation(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    with _maintenance(schema_editor.connection):
        previous = GENESIS
        for rows in _in_id_order(AuditEvent):
            for event in rows:
                if event.prev_hash != previous or _hash(previous, _content(event, False)) != event.hash:
                    raise RuntimeError(
                        f"The audit chain is broken at event {event.id}; it is not re-chained, so that the "
                        "break stays visible. Investigate it (manage.py verify_audit_chain on the previous "
                        "release) before migrating."
                    )
                previous = event.hash
        heads: dict = {}
        for rows in _in_id_order(AuditEvent):
            for event in rows:
                seq, prev = heads.get(event.organization_id, (0, GENESIS))
                event.seq = seq + 1
                event.prev_hash = prev
                event.hash = _hash(prev, _content(event, True))
                heads[event.organization_id] = (event.seq, event.hash)
            AuditEvent._base_manager.bulk_update(rows, ["seq", "prev_hash", "hash"])


def rechain_globally(apps, schema_editor):
    """Back to one chain across firms in id order, hashed without the position."""
    AuditEvent = apps.get_model("audit", "AuditEvent")
    with _maintenance(schema_editor.connection):
        previous = GENESIS
        for rows in _in_id_order(AuditEvent):
            for event in rows:
                event.prev_hash = previous
                event.hash = _hash(previous, _content(event, False))
                previous = event.hash
            AuditEvent._base_manager.bulk_update(rows, ["prev_hash", "hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_chain_seq_auditchain"),
        ("accounts", "0002_row_level_security"),
    ]

    operations = [migrations.RunPython(rechain_per_organisation, rechain_globally, elidable=False)]
