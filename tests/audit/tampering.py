"""Writing the audit table as an attacker with direct database access would.

The application role may not UPDATE or DELETE audit rows (audit.privileges); on PostgreSQL these tests
switch to a role that may (tests/conftest.py, TAMPER_ROLE) for the one statement. SQLite has no roles.
"""

from contextlib import contextmanager

from django.db import connection

from tests.conftest import TAMPER_ROLE


@contextmanager
def attacker_cursor():
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            yield cursor
            return
        cursor.execute(f"SET ROLE {TAMPER_ROLE}")
        try:
            yield cursor
        finally:
            cursor.execute("RESET ROLE")


def tamper(sql: str, params: list | None = None) -> None:
    with attacker_cursor() as cursor:
        cursor.execute(sql, params or [])


def rewrite_chain_from(organization_id, seq: int, **changes) -> None:
    """Change one event's fields, then recompute its hash and every later hash of its chain, so that
    the chain on its own verifies again: what only the anchor can catch."""
    from audit.models import AuditEvent

    events = list(AuditEvent.objects.chain_of(organization_id).filter(seq__gte=seq))
    prev = AuditEvent.objects.chain_of(organization_id).get(seq=seq - 1).hash if seq > 1 else None
    for event in events:
        if event.seq == seq:
            for field, value in changes.items():
                setattr(event, field, value)
        if prev is not None:
            event.prev_hash = prev
        event.hash = event.compute_hash()
        prev = event.hash
        tamper(
            "UPDATE audit_auditevent SET object_repr = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [event.object_repr, event.prev_hash, event.hash, event.pk],
        )
