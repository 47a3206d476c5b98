"""Tasks really cross Redis to a worker process that reads the same PostgreSQL database."""

import pytest

from audit.models import AuditEvent
from audit.recorder import record
from audit.tasks import verify_audit_chain
from tests.audit.tampering import tamper

pytestmark = pytest.mark.services


def test_the_worker_verifies_the_audit_chain_written_by_this_process(real_worker, world):
    for i in range(5):
        record(AuditEvent.Action.EXPORT, organization=world.firm_a, object_type="test", object_id=str(i))
    expected = AuditEvent.objects.for_chain_verification().count()

    result = verify_audit_chain.delay().get(timeout=30)

    assert (result["ok"], result["checked"], result["broken_at"], result["reason"]) == (True, expected, None, "")
    firm_a = next(c for c in result["chains"] if c["organization_id"] == world.firm_a.pk)
    assert firm_a["reason"] == "" and firm_a["head_seq"] == firm_a["checked"]


def test_the_worker_finds_a_row_tampered_with_in_the_database(real_worker, world):
    event = record(AuditEvent.Action.EXPORT, organization=world.firm_a, object_type="test", object_id="x")
    record(AuditEvent.Action.EXPORT, organization=world.firm_a, object_type="test", object_id="y")
    tamper("UPDATE audit_auditevent SET object_repr = 'forged' WHERE id = %s", [event.pk])

    result = verify_audit_chain.delay().get(timeout=30)

    assert result["ok"] is False
    assert result["broken_at"] == event.pk


def test_health_reports_the_real_broker_and_cache(real_worker, client):
    body = client.get("/healthz").json()
    assert body == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}


def test_the_notification_email_task_runs_on_the_real_worker(real_worker, world):
    from review.models import Notification
    from review.tasks import send_notification_email

    note = Notification.objects.create(
        organization=world.firm_a, recipient=world.a_officer, kind="test", message="Your submission was accepted."
    )

    assert send_notification_email.delay(world.firm_a.pk, note.pk).get(timeout=30) is True
    note.refresh_from_db()
    assert note.emailed_at is not None
    # Redelivery is harmless: the second run finds it already emailed.
    assert send_notification_email.delay(world.firm_a.pk, note.pk).get(timeout=30) is False
