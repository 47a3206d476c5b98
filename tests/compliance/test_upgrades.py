"""Starting an assessment again on a newer checklist version: what is carried over, what is not, refusals, audit."""

import datetime

import pytest

from audit.models import AuditEvent
from compliance import evidence as evidence_service
from compliance import services, upgrades
from compliance.models import Answer, Assessment, Evidence, Requirement
from core.errors import DomainConflict
from tests.compliance.webtools import state_not_applicable_condition, two_versions
from tests.factories.compliance import make_assessment, make_evidence, make_framework


def answer(assessment, ref, response, user, **extra):
    requirement = Requirement.objects.get(framework=assessment.framework, ref=ref)
    return services.save_answer(assessment=assessment, requirement=requirement, response=response,
                                expected_version=None, user=user, **extra)


def answers_of(assessment):
    return {a.requirement.ref: (a.response, a.comment, a.na_reason)
            for a in Answer.objects.for_org(assessment.organization).filter(assessment=assessment)
            .select_related("requirement")}


@pytest.fixture
def answered(world):
    """Firm A's 2025.1 assessment with every requirement answered, evidence on U-A1 and U-A2."""
    old_version, new_version = two_versions()
    assessment = make_assessment(world.firm_a, old_version, title="2025 self-assessment (UPG 2025.1)")
    a1 = answer(assessment, "U-A1", "compliant", world.a_officer, comment="Policy approved 2025-03")
    a2 = answer(assessment, "U-A2", "partial", world.a_officer, comment="Drafted")
    answer(assessment, "U-B1", "non_compliant", world.a_officer, comment="No fallback")
    answer(assessment, "U-B2", "not_applicable", world.a_officer, na_reason="No such service")
    answer(assessment, "U-C1", "compliant", world.a_officer)
    make_evidence(world.firm_a, a1, content=b"board minutes\n", original_name="minutes.txt")
    make_evidence(world.firm_a, a2, content=b"draft\n", original_name="draft.txt")
    assessment.refresh_from_db()
    return assessment, new_version


def test_answers_and_evidence_of_unchanged_requirements_are_carried_over(world, answered):
    old, version_2 = answered
    new = upgrades.upgrade_assessment(assessment=old, to_framework=version_2, by=world.a_officer)
    assert (new.organization, new.framework, new.scope, new.vendor, new.status) == (
        world.firm_a, version_2, "firm", None, "draft")
    assert new.title == "2025 self-assessment (UPG 2025.2)" and new.upgraded_from == old
    assert answers_of(new) == {
        "U-A1": ("compliant", "Policy approved 2025-03", ""),
        "U-B1": ("non_compliant", "No fallback", ""),
    }
    [copy] = Evidence.objects.for_org(world.firm_a).filter(answer__assessment=new)
    [original] = Evidence.objects.for_org(world.firm_a).filter(answer__assessment=old, answer__requirement__ref="U-A1")
    assert copy.organization == world.firm_a and copy.original_name == "minutes.txt"
    assert copy.file.name != original.file.name and copy.file.name.startswith(f"evidence/{world.firm_a.pk}/")
    assert copy.file.open("rb").read() == b"board minutes\n" and copy.sha256 == original.sha256
    new.refresh_from_db()
    assert new.rating == "D" and new.score_details["unanswered"] == ["U-A2", "U-B2", "U-C2"]


def test_the_old_assessment_is_left_as_it_was(world, answered):
    old, version_2 = answered
    before = (answers_of(old), old.score, old.rating, old.version, old.status)
    files = [e.file.name for e in Evidence.objects.for_org(world.firm_a).filter(answer__assessment=old)]
    upgrades.upgrade_assessment(assessment=old, to_framework=version_2, by=world.a_officer)
    old.refresh_from_db()
    assert (answers_of(old), old.score, old.rating, old.version, old.status) == before
    assert [e.file.name for e in Evidence.objects.for_org(world.firm_a).filter(answer__assessment=old)] == files


def test_a_copied_file_survives_deleting_the_evidence_it_was_copied_from(world, answered,
                                                                        django_capture_on_commit_callbacks):
    old, version_2 = answered
    new = upgrades.upgrade_assessment(assessment=old, to_framework=version_2, by=world.a_officer)
    original = Evidence.objects.for_org(world.firm_a).get(answer__assessment=old, answer__requirement__ref="U-A1")
    with django_capture_on_commit_callbacks(execute=True):
        evidence_service.delete_evidence(evidence=original)
    copy = Evidence.objects.for_org(world.firm_a).get(answer__assessment=new)
    assert copy.file.open("rb").read() == b"board minutes\n"


def test_the_upgrade_is_audited_with_what_was_and_was_not_carried(world, answered):
    old, version_2 = answered
    new = upgrades.upgrade_assessment(assessment=old, to_framework=version_2, by=world.a_officer)
    event = AuditEvent.objects.for_org(world.firm_a).get(
        action=AuditEvent.Action.TRANSITION, object_type="compliance.Assessment", object_id=str(new.pk))
    assert event.actor == world.a_officer and event.changes["action"] == "upgrade"
    assert event.changes["before"] == {"assessment": old.pk, "framework": "UPG 2025.1"}
    assert event.changes["carried"] == ["U-A1", "U-B1"] and event.changes["evidence_copied"] == 1
    assert event.changes["not_carried"] == {"U-A2": "changed", "U-B2": "changed", "U-C1": "removed"}
    assert (event.changes["added"], event.changes["changed"]) == (["U-C2"], ["U-A2", "U-B2"])
    # Each carried answer and file is a row of its own in the log, as if entered by hand.
    created = AuditEvent.objects.for_org(world.firm_a).filter(action="create", object_type="compliance.Answer")
    assert created.filter(changes__after__assessment_id=new.pk).count() == 2


def test_there_must_be_a_newer_version_of_the_same_checklist(world, answered):
    old, version_2 = answered
    newest = upgrades.upgrade_assessment(assessment=old, to_framework=version_2, by=world.a_officer)
    count = Assessment.objects.for_org(world.firm_a).count()
    for target, source in [(version_2, newest), (old.framework, newest), (make_framework(version="2026.1"), old)]:
        with pytest.raises(DomainConflict):
            upgrades.upgrade_assessment(assessment=source, to_framework=target, by=world.a_officer)
    unpublished = make_framework("UPG", version="2025.3", requirements=[], published=False)
    with pytest.raises(DomainConflict):
        upgrades.upgrade_assessment(assessment=old, to_framework=unpublished, by=world.a_officer)
    assert Assessment.objects.for_org(world.firm_a).count() == count


def test_an_open_draft_on_the_new_version_is_not_started_twice(world, answered):
    old, version_2 = answered
    upgrades.upgrade_assessment(assessment=old, to_framework=version_2, by=world.a_officer)
    with pytest.raises(DomainConflict) as exc:
        upgrades.upgrade_assessment(assessment=old, to_framework=version_2, by=world.a_officer)
    assert "already exists" in str(exc.value)
    assert Assessment.objects.for_org(world.firm_a).filter(framework=version_2).count() == 1


def test_another_firms_draft_on_the_new_version_does_not_block_this_one(world, answered):
    old, version_2 = answered
    make_assessment(world.firm_b, version_2)
    new = upgrades.upgrade_assessment(assessment=old, to_framework=version_2, by=world.a_officer)
    assert new.organization == world.firm_a
    assert not Answer.objects.for_org(world.firm_b).filter(assessment__framework=version_2).exists()


def test_a_vendor_assessment_stays_about_the_same_vendor(world):
    from tests.factories.vendors import make_vendor

    old_version, version_2 = two_versions("UPV")
    vendor = make_vendor(world.firm_a)
    old = make_assessment(world.firm_a, old_version, scope="vendor", vendor=vendor)
    new = upgrades.upgrade_assessment(assessment=old, to_framework=version_2, by=world.a_officer)
    assert (new.scope, new.vendor) == ("vendor", vendor)


def test_a_not_applicable_knock_out_is_carried_only_where_the_new_version_allows_it(world):
    old_version, version_2 = two_versions("UPN")
    old = make_assessment(world.firm_a, old_version)
    state_not_applicable_condition(old, "U-B1", "No individual customers.")
    answer(old, "U-B1", "not_applicable", world.a_officer, na_reason="Corporate clients only")
    new = upgrades.upgrade_assessment(assessment=old, to_framework=version_2, by=world.a_officer)
    assert "U-B1" not in answers_of(new)  # version 2 states no condition: it must be answered again


def test_nothing_is_left_behind_when_a_file_cannot_be_copied(world, answered, settings):
    from pathlib import Path

    old, version_2 = answered
    a1 = Answer.objects.for_org(world.firm_a).get(assessment=old, requirement__ref="U-A1")
    broken = make_evidence(world.firm_a, a1, original_name="lost.txt")
    broken.file.storage.delete(broken.file.name)
    # Older than the readable file on the same answer, so that one is copied before the failure.
    Evidence.objects.for_org(world.firm_a).filter(pk=broken.pk).update(
        created_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    count = Assessment.objects.for_org(world.firm_a).count()
    with pytest.raises(FileNotFoundError):
        upgrades.upgrade_assessment(assessment=old, to_framework=version_2, by=world.a_officer)
    assert Assessment.objects.for_org(world.firm_a).count() == count
    stored = [p for p in (Path(settings.MEDIA_ROOT) / "evidence").rglob("*") if p.is_file()]
    assert len(stored) == 2  # the two readable originals; the copy made before the failure is gone
