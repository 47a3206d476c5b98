import pytest
from django.core.management import CommandError, call_command

from accounts.models import Membership, Organization
from accounts.roles import Role
from audit.chain import verify_chain
from audit.models import AuditEvent, AuditLogIsAppendOnly
from tests.audit.tampering import tamper


def events_for(obj):
    return list(AuditEvent.objects.for_chain_verification().filter(object_type=obj._meta.label, object_id=str(obj.pk)))


def test_create_update_and_delete_are_recorded_with_before_and_after(world):
    membership = Membership.objects.create(organization=world.firm_a, user=world.stranger, role=Role.VIEWER)
    membership.role = Role.OFFICER
    membership.save()
    pk = membership.pk
    membership.delete()
    membership.pk = pk

    actions = [
        (e.action, e.changes.get("before", {}).get("role"), e.changes.get("after", {}).get("role"))
        for e in events_for(membership)
    ]
    assert actions == [("create", None, "viewer"), ("role_change", "viewer", "officer"), ("delete", "officer", None)]
    assert all(e.organization_id == world.firm_a.pk for e in events_for(membership))


def test_a_save_that_changes_nothing_records_nothing(world):
    org = Organization.objects.get(pk=world.firm_a.pk)
    before = len(events_for(org))
    org.save()
    assert len(events_for(org)) == before


def test_passwords_never_reach_the_log(world):
    world.stranger.set_password("another-secret-123")
    world.stranger.save()
    for event in events_for(world.stranger):
        assert "password" not in str(event.changes)


def test_login_and_failed_login_are_recorded(world, client):
    assert client.post("/accounts/login/", {"username": "viewer@a.test", "password": "wrong"}).status_code == 200
    assert (
        client.post("/accounts/login/", {"username": "viewer@a.test", "password": "test-password-123"}).status_code
        == 302
    )
    actions = list(
        AuditEvent.objects.for_chain_verification()
        .filter(object_type="accounts.User")
        .values_list("action", "object_repr")
    )
    assert ("login_failed", "viewer@a.test") in actions
    assert ("login", "viewer@a.test") in actions


def test_the_request_actor_and_ip_are_recorded(world, as_user):
    target = Membership.objects.for_org(world.firm_a).get(user=world.a_viewer)
    as_user(world.a_admin).post(f"/accounts/members/{target.pk}/", {"role": "officer"}, REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.for_org(world.firm_a).get(action="role_change")
    assert (event.actor_email, event.ip_address) == ("admin@a.test", "10.1.2.3")


def test_audit_rows_cannot_be_changed_or_deleted_by_the_app(world):
    event = AuditEvent.objects.for_chain_verification().last()
    event.object_repr = "changed"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.for_chain_verification().update(object_repr="x")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.for_org(world.firm_a).delete()


def test_an_intact_chain_verifies(world):
    report = verify_chain()
    assert report.ok and report.checked == AuditEvent.objects.for_chain_verification().count() > 10
    call_command("verify_audit_chain")


def test_tampering_with_one_row_is_reported_at_that_row(world):
    events = list(AuditEvent.objects.for_chain_verification())
    victim = events[len(events) // 2]
    tamper("UPDATE audit_auditevent SET changes = %s WHERE id = %s", ['{"after": {"role": "firm_admin"}}', victim.pk])
    report = verify_chain()
    assert report.broken_at == victim.pk and "altered" in report.reason
    with pytest.raises(CommandError, match=f"broken at event {victim.pk}"):
        call_command("verify_audit_chain")


def test_deleting_a_row_leaves_a_gap_reported_at_the_next_one(world):
    chain = list(AuditEvent.objects.chain_of(world.firm_a.pk))
    victim, successor = chain[2], chain[3]
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
    report = verify_chain()
    assert report.broken_at == successor.pk
    assert report.reason == f"events {victim.seq} to {victim.seq} of the chain are missing (the positions have a gap)"
    [failed] = report.failures
    assert failed.organization_id == world.firm_a.pk


def test_the_firm_audit_log_page_shows_only_own_events(world, as_user):
    body = as_user(world.a_viewer).get("/audit/").content.decode()
    assert "admin@a.test" in body or "viewer@a.test" in body
    assert "admin@b.test" not in body


def test_a_batched_write_chains_its_events_at_the_end_and_verifies(world):
    from django.db import transaction

    from audit.recorder import batched, record

    before = AuditEvent.objects.for_chain_verification().count()
    with transaction.atomic(), batched():
        for i in range(25):
            record(AuditEvent.Action.EXPORT, organization=world.firm_a, object_type="test", object_id=str(i))
        assert AuditEvent.objects.for_chain_verification().count() == before  # not yet written
    assert AuditEvent.objects.for_chain_verification().count() == before + 25
    assert verify_chain().ok


def test_a_batched_write_that_fails_appends_nothing(world):
    from django.db import transaction

    from audit.recorder import batched, record

    before = AuditEvent.objects.for_chain_verification().count()
    with pytest.raises(RuntimeError), transaction.atomic(), batched():
        record(AuditEvent.Action.EXPORT, organization=world.firm_a, object_type="test", object_id="x")
        raise RuntimeError("the import failed")
    assert AuditEvent.objects.for_chain_verification().count() == before
    assert verify_chain().ok


# --- one chain per organisation -------------------------------------------------------------------

def test_each_organisation_has_its_own_chain_numbered_from_one(world):
    from audit.models import GENESIS_HASH

    chains = {}
    for event in AuditEvent.objects.for_chain_verification():
        chains.setdefault(event.organization_id, []).append(event)
    assert {world.firm_a.pk, world.firm_b.pk, world.regulator.pk} <= set(chains)
    for events in chains.values():
        events.sort(key=lambda e: e.seq)
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert events[0].prev_hash == GENESIS_HASH
        assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]


def test_interleaved_writes_of_two_firms_extend_only_their_own_chains(world):
    from audit.recorder import record

    heads = {org.pk: AuditEvent.objects.chain_of(org.pk).last() for org in (world.firm_a, world.firm_b)}
    written = []
    for i in range(3):
        for org in (world.firm_a, world.firm_b):
            written.append(record(AuditEvent.Action.EXPORT, organization=org, object_type="test", object_id=str(i)))
    for org in (world.firm_a, world.firm_b):
        mine = [e for e in written if e.organization_id == org.pk]
        assert [e.seq for e in mine] == [heads[org.pk].seq + n for n in (1, 2, 3)]
        assert [e.prev_hash for e in mine] == [heads[org.pk].hash, mine[0].hash, mine[1].hash]
    assert verify_chain().ok


def test_sign_ins_go_to_the_platform_chain(world, client):
    client.post("/accounts/login/", {"username": "viewer@a.test", "password": "test-password-123"})
    login = AuditEvent.objects.for_chain_verification().get(action="login")
    assert login.organization_id is None
    assert login.seq == AuditEvent.objects.chain_of(None).count()
    report = verify_chain()
    assert report.ok and None in {chain.organization_id for chain in report.chains}


def test_a_batch_of_two_firms_extends_each_firms_chain(world):
    from django.db import transaction

    from audit.recorder import batched, record

    before = {org.pk: AuditEvent.objects.chain_of(org.pk).count() for org in (world.firm_a, world.firm_b)}
    with transaction.atomic(), batched():
        for org in (world.firm_a, world.firm_b, world.firm_a):
            record(AuditEvent.Action.EXPORT, organization=org, object_type="test", object_id="batch")
    assert AuditEvent.objects.chain_of(world.firm_a.pk).count() == before[world.firm_a.pk] + 2
    assert AuditEvent.objects.chain_of(world.firm_b.pk).count() == before[world.firm_b.pk] + 1
    assert verify_chain().ok


def test_the_database_refuses_a_second_event_at_one_position(world):
    from django.db import IntegrityError, transaction

    head = AuditEvent.objects.chain_of(world.firm_a.pk).last()
    twin = AuditEvent(
        created_at=head.created_at, organization_id=head.organization_id, action="export", seq=head.seq,
        prev_hash=head.prev_hash, hash="f" * 64,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
