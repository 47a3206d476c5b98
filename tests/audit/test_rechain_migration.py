"""Migration audit.0004 turns the one chain across firms into a chain per organisation, and refuses to
re-hash a chain that is already broken."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from audit.chain import verify_chain
from audit.models import GENESIS_HASH, AuditEvent
from tests.audit.tampering import attacker_cursor, tamper

migration = importlib.import_module("audit.migrations.0004_rechain_per_organisation_auditchain")
# On PostgreSQL the migration runs as the owner; here, as the role that may rewrite the table.
schema_editor = SimpleNamespace(connection=connection)


def as_before_the_migration() -> list[AuditEvent]:
    """The world's events as the previous release wrote them: one chain in id order, no position hashed."""
    events = list(AuditEvent.objects.for_chain_verification())
    prev = GENESIS_HASH
    for i, event in enumerate(events):
        event.prev_hash, event.hash = prev, migration._hash(prev, migration._content(event, False))
        tamper(
            "UPDATE audit_auditevent SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [1_000_000 + i, event.prev_hash, event.hash, event.pk],
        )
        prev = event.hash
    return events


def test_the_global_chain_becomes_one_verified_chain_per_organisation(world):
    before = as_before_the_migration()
    assert not verify_chain().ok
    with attacker_cursor():
        migration.rechain_per_organisation(apps, schema_editor)
    assert verify_chain().ok
    for org in (world.firm_a, world.firm_b, world.regulator):
        mine = [e.pk for e in before if e.organization_id == org.pk]
        chain = list(AuditEvent.objects.chain_of(org.pk).values_list("pk", "seq"))
        assert chain == [(pk, n) for n, pk in enumerate(mine, start=1)]


def test_it_goes_back_to_the_global_chain_and_forward_again(world):
    as_before_the_migration()
    with attacker_cursor():
        migration.rechain_per_organisation(apps, schema_editor)
        migration.rechain_globally(apps, schema_editor)
        migration.rechain_per_organisation(apps, schema_editor)  # verifies the old chain first
    assert verify_chain().ok


def test_a_broken_global_chain_is_not_rehashed(world):
    events = as_before_the_migration()
    victim = events[len(events) // 2]
    tamper("UPDATE audit_auditevent SET object_repr = 'forged' WHERE id = %s", [victim.pk])
    with pytest.raises(RuntimeError, match=f"broken at event {victim.pk}"), attacker_cursor():
        migration.rechain_per_organisation(apps, schema_editor)
    assert AuditEvent.objects.for_chain_verification().get(pk=victim.pk).seq >= 1_000_000
