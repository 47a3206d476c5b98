"""The signed anchors: what a chain alone cannot prove (tail cut, rows rewritten with fresh hashes, a
chain deleted), and anchors that were forged."""

import datetime
import json

import pytest
from django.core.management import CommandError, call_command

from audit import anchors
from audit.chain import verify_chain
from audit.models import AuditEvent
from audit.recorder import record
from tests.audit.tampering import rewrite_chain_from, tamper


@pytest.fixture
def anchored(world):
    """Firm A's chain has a few events of its own, and every chain is anchored."""
    for i in range(4):
        record(AuditEvent.Action.EXPORT, organization=world.firm_a, object_type="test", object_id=str(i))
    assert anchors.anchor_chains()["refused"] == {}
    return AuditEvent.objects.chain_of(world.firm_a.pk).last()


def chain_report(report, organization):
    return next(c for c in report.chains if c.organization_id == organization.pk)


def test_an_anchored_chain_that_grew_since_verifies(world, anchored):
    record(AuditEvent.Action.EXPORT, organization=world.firm_a, object_type="test", object_id="later")
    report = verify_chain()
    assert report.ok
    assert chain_report(report, world.firm_a).anchored_seq == anchored.seq
    assert chain_report(report, world.firm_a).head_seq == anchored.seq + 1


def test_anchoring_signs_each_head_into_a_day_file_and_the_latest_index(world, anchored, settings):
    directory = settings.AUDIT_ANCHOR_DIR
    [day_file] = directory.glob("anchors-*.jsonl")
    lines = [json.loads(line) for line in day_file.read_text().splitlines()]
    assert {line["organization"] for line in lines} >= {world.firm_a.pk, world.firm_b.pk, world.regulator.pk}
    latest = anchors.last_anchors()[world.firm_a.pk]
    assert (latest.seq, latest.hash) == (anchored.seq, anchored.hash)
    assert latest.signature_is_valid()
    # An unchanged head is not anchored again.
    assert anchors.anchor_chains()["anchored"] == 0


def test_the_last_anchor_is_found_in_the_day_files_without_the_index(world, anchored, settings):
    (settings.AUDIT_ANCHOR_DIR / anchors.LATEST).unlink()
    assert anchors.last_anchors()[world.firm_a.pk].seq == anchored.seq


def test_cutting_off_the_tail_is_caught_by_the_anchor(world, anchored):
    tail = AuditEvent.objects.chain_of(world.firm_a.pk).filter(seq__gt=anchored.seq - 2)
    for pk in tail.values_list("pk", flat=True):
        tamper("DELETE FROM audit_auditevent WHERE id = %s", [pk])
    # The chain on its own still verifies: positions 1..n-2, every link intact.
    assert verify_chain(anchors={}).ok
    report = verify_chain()
    assert not report.ok
    failed = chain_report(report, world.firm_a)
    assert failed.head_seq == anchored.seq - 2
    assert failed.reason == (
        f"the chain ends at position {anchored.seq - 2}, but was anchored at {anchored.seq}: its tail was cut off"
    )
    assert chain_report(report, world.firm_b).ok


def test_rewriting_a_row_and_recomputing_every_later_hash_is_caught_by_the_anchor(world, anchored):
    rewrite_chain_from(world.firm_a.pk, 2, object_repr="something else")
    assert verify_chain(anchors={}).ok
    report = verify_chain()
    assert "no longer has the anchored hash" in chain_report(report, world.firm_a).reason
    assert not report.ok


def test_deleting_a_whole_chain_is_caught_by_the_anchor(world, anchored):
    tamper("DELETE FROM audit_auditevent WHERE organization_id = %s", [world.firm_a.pk])
    assert verify_chain(anchors={}).ok
    failed = chain_report(verify_chain(), world.firm_a)
    assert failed.reason == f"the chain is gone: it was anchored at position {anchored.seq} and has no events now"


def _rewrite_latest(settings, organization, **changes):
    path = settings.AUDIT_ANCHOR_DIR / anchors.LATEST
    data = json.loads(path.read_text())
    data[str(organization.pk)].update(changes)
    path.write_text(json.dumps(data))


def test_a_forged_anchor_is_reported(world, anchored, settings):
    # Someone moves firm A's anchor back to hide a cut tail, but cannot sign it.
    earlier = AuditEvent.objects.chain_of(world.firm_a.pk).get(seq=anchored.seq - 1)
    _rewrite_latest(settings, world.firm_a, seq=earlier.seq, hash=earlier.hash)
    failed = chain_report(verify_chain(), world.firm_a)
    assert failed.reason == "its last anchor's signature is not valid (a forged or altered anchor)"


def test_an_anchor_signed_with_another_key_is_reported(world, anchored, settings):
    forged = anchors.sign(world.firm_a.pk, anchored.seq, anchored.hash)
    settings.AUDIT_ANCHOR_KEY = "an entirely different key, not the deployment's one"
    report = verify_chain(anchors={world.firm_a.pk: forged})
    assert "signature is not valid" in chain_report(report, world.firm_a).reason


def test_after_a_key_rotation_the_previous_key_still_verifies_old_anchors(world, anchored, settings):
    old = settings.AUDIT_ANCHOR_KEY
    settings.AUDIT_ANCHOR_KEY = "the new anchor key of this deployment, rotated today"
    assert not verify_chain().ok
    settings.AUDIT_ANCHOR_PREVIOUS_KEYS = [old]
    assert verify_chain().ok
    # The next anchoring re-signs every chain with the new key, moved or not; then the old one can go.
    anchors.anchor_chains()
    assert {a.key_id for a in anchors.last_anchors().values()} == {anchors.key_id(settings.AUDIT_ANCHOR_KEY)}
    settings.AUDIT_ANCHOR_PREVIOUS_KEYS = []
    assert verify_chain().ok


def test_anchoring_refuses_a_chain_that_lost_its_anchored_tail(world, anchored):
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [anchored.pk])
    record(AuditEvent.Action.EXPORT, organization=world.firm_a, object_type="test", object_id="after the cut")
    result = anchors.anchor_chains()
    assert "no longer has the anchored hash" in result["refused"][str(world.firm_a.pk)]
    # The anchor stays where it was, so verification keeps failing.
    assert anchors.last_anchors()[world.firm_a.pk].seq == anchored.seq
    assert not verify_chain().ok


def test_the_first_anchoring_verifies_the_whole_chain(world):
    victim = AuditEvent.objects.chain_of(world.firm_b.pk).first()
    tamper("UPDATE audit_auditevent SET object_repr = 'x' WHERE id = %s", [victim.pk])
    result = anchors.anchor_chains()
    assert "altered" in result["refused"][str(world.firm_b.pk)]
    assert world.firm_b.pk not in anchors.last_anchors()


def test_a_chain_never_anchored_fails_once_anchors_are_required(world, settings, monkeypatch):
    from django.utils import timezone

    assert verify_chain().ok
    settings.AUDIT_ANCHOR_REQUIRED = True
    assert verify_chain().ok  # younger than two anchoring intervals
    later = timezone.now() + datetime.timedelta(minutes=2 * settings.AUDIT_ANCHOR_INTERVAL_MINUTES + 1)
    monkeypatch.setattr("audit.chain.timezone.now", lambda: later)
    report = verify_chain()
    assert "never been anchored" in chain_report(report, world.firm_a).reason


def test_an_unreadable_anchor_store_fails_verification(world, anchored, settings):
    (settings.AUDIT_ANCHOR_DIR / anchors.LATEST).write_text("{not json")
    report = verify_chain()
    assert not report.ok and "cannot be read" in report.reason
    with pytest.raises(CommandError, match="Audit anchors unreadable"):
        call_command("verify_audit_chain")


def test_the_command_reports_each_organisation_and_fails_on_any(world, anchored, capsys):
    call_command("verify_audit_chain")
    out = capsys.readouterr().out
    assert f"organisation {world.firm_a.pk}: {anchored.seq} events, head {anchored.seq}, anchored at" in out
    assert f"organisation {world.firm_b.pk}:" in out
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [anchored.pk])
    with pytest.raises(CommandError, match=rf"tail was cut off \(organisation {world.firm_a.pk}\)"):
        call_command("verify_audit_chain")
    assert f"organisation {world.firm_a.pk}: " in capsys.readouterr().out


def test_the_anchor_command_and_the_tasks(world):
    from audit.tasks import anchor_chains, verify_audit_chain

    call_command("anchor_audit_chains")
    assert anchor_chains.delay().get() == {"anchored": 0, "refused": {}}
    result = verify_audit_chain.delay().get()
    assert result["ok"] is True
    assert {c["organization_id"] for c in result["chains"]} >= {world.firm_a.pk, world.firm_b.pk}

