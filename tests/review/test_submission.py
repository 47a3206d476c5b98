import re

import pytest
from django.db import connection

from compliance import services as compliance_services
from compliance.models import Answer, Assessment, Requirement
from review import services
from review.models import SnapshotIsImmutable, Submission, SubmittedDependency
from review.workflow import TransitionRefused
from tests.factories.compliance import make_assessment, make_framework
from tests.review.conftest import REQUIREMENTS, answer_all


def test_submitting_freezes_a_hashed_snapshot_and_moves_the_state(world, ready_assessment):
    submission = services.submit(assessment=ready_assessment, actor=world.a_officer, role="officer")
    ready_assessment.refresh_from_db()
    assert ready_assessment.status == "submitted"
    assert submission.number == 1 and submission.hash_verifies()
    doc = services.submission_document(submission)
    assert [r["ref"] for r in doc["assessment"]["requirements"]] == ["R-A1", "R-A2", "R-G1"]
    assert doc["assessment"]["requirements"][2]["evidence"][0]["name"] == "policy.pdf"
    assert doc["firm"]["name"] == world.firm_a.name


def test_unanswered_requirements_block_submission_with_the_list(world):
    assessment = make_assessment(world.firm_a, make_framework(requirements=REQUIREMENTS))
    req = Requirement.objects.get(framework=assessment.framework, ref="R-A1")
    compliance_services.save_answer(
        assessment=assessment, requirement=req, response="compliant", expected_version=None, user=world.a_officer
    )
    with pytest.raises(services.SubmissionProblems) as exc:
        services.submit(assessment=assessment, actor=world.a_officer, role="officer")
    assert exc.value.messages == ["R-A2 is not answered.", "R-G1 is not answered."]
    assert not Submission.objects.for_org(world.firm_a).exists()
    assessment.refresh_from_db()
    assert assessment.status == "draft"


def test_a_critical_requirement_without_evidence_blocks_submission(world):
    assessment = make_assessment(world.firm_a, make_framework(requirements=REQUIREMENTS))
    answer_all(assessment, world.a_officer)
    with pytest.raises(services.SubmissionProblems) as exc:
        services.submit(assessment=assessment, actor=world.a_officer, role="officer")
    assert exc.value.messages == ["R-G1 is a critical requirement and has no evidence."]


def test_a_viewer_cannot_submit(world, ready_assessment):
    with pytest.raises(TransitionRefused):
        services.submit(assessment=ready_assessment, actor=world.a_viewer, role="viewer")


def test_edits_after_submission_never_change_the_snapshot(world, ready_assessment):
    submission = services.submit(assessment=ready_assessment, actor=world.a_officer, role="officer")
    before = (submission.snapshot_json, submission.snapshot_sha256)
    # The firm edits behind the workflow's back (e.g. a data fix): the snapshot stays as submitted.
    Answer.objects.for_org(world.firm_a).filter(assessment=ready_assessment).update(comment="changed later")
    submission.refresh_from_db()
    assert (submission.snapshot_json, submission.snapshot_sha256) == before
    assert "changed later" not in submission.snapshot_json


def test_the_snapshot_cannot_be_rewritten_through_the_model(world, ready_assessment):
    submission = services.submit(assessment=ready_assessment, actor=world.a_officer, role="officer")
    submission.snapshot_json = submission.snapshot_json.replace("R-A1 ok", "forged")
    with pytest.raises(SnapshotIsImmutable):
        submission.save()


def test_a_snapshot_altered_in_the_database_no_longer_verifies(world, ready_assessment):
    submission = services.submit(assessment=ready_assessment, actor=world.a_officer, role="officer")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE review_submission SET snapshot_json = REPLACE(snapshot_json, 'R-A1 ok', 'forged')")
    submission.refresh_from_db()
    assert not submission.hash_verifies()


def test_answers_cannot_change_while_submitted(world, ready_assessment):
    services.submit(assessment=ready_assessment, actor=world.a_officer, role="officer")
    ready_assessment.refresh_from_db()
    answer = Answer.objects.for_org(world.firm_a).filter(assessment=ready_assessment).first()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        compliance_services.save_answer(
            assessment=ready_assessment,
            requirement=answer.requirement,
            response="partial",
            expected_version=answer.version,
            user=world.a_officer,
        )


def test_the_register_is_stored_as_rows_for_market_analytics(world, ready_assessment):
    from tests.factories.vendors import FACTORIES as VENDOR_FACTORIES
    from vendors.models import Dependency

    VENDOR_FACTORIES[Dependency](world.firm_a)
    submission = services.submit(assessment=ready_assessment, actor=world.a_officer, role="officer")
    rows = SubmittedDependency.objects.for_org(world.firm_a).filter(submission=submission)
    assert rows.count() == 1
    assert rows.get().firm_kind == world.firm_a.kind


def test_withdrawing_before_review_lets_the_firm_edit_again(world, ready_assessment):
    services.submit(assessment=ready_assessment, actor=world.a_officer, role="officer")
    services.withdraw(assessment=ready_assessment, actor=world.a_officer, role="officer")
    assert Assessment.objects.for_org(world.firm_a).get(pk=ready_assessment.pk).status == "withdrawn"
    assert Submission.objects.for_org(world.firm_a).get().decision == "withdrawn"
    assessment = Assessment.objects.for_org(world.firm_a).get(pk=ready_assessment.pk)
    requirement = Requirement.objects.get(framework=assessment.framework, ref="R-A2")
    current = Answer.objects.for_org(world.firm_a).get(assessment=assessment, requirement=requirement)
    saved = compliance_services.save_answer(
        assessment=assessment, requirement=requirement, response="partial", comment="fixed after withdrawing",
        expected_version=current.version, user=world.a_officer,
    )
    assert (saved.response, saved.comment) == ("partial", "fixed after withdrawing")


def test_the_assessment_page_offers_editing_after_withdrawing(world, ready_assessment, as_user):
    services.submit(assessment=ready_assessment, actor=world.a_officer, role="officer")
    services.withdraw(assessment=ready_assessment, actor=world.a_officer, role="officer")
    from compliance.choices import EDITABLE_STATUSES
    from review import workflow

    assert "withdrawn" in EDITABLE_STATUSES and workflow.EDITABLE_STATES is EDITABLE_STATUSES
    page = as_user(world.a_officer).get(f"/compliance/assessments/{ready_assessment.pk}/")
    assert page.status_code == 200 and b'data-testid="read-only"' not in page.content


def test_the_submission_page_lists_each_blocker_once_as_a_link_to_its_requirement(world, as_user):
    from tests.compliance.webtools import english

    assessment = make_assessment(world.firm_a, make_framework(requirements=REQUIREMENTS))
    client = english(as_user(world.a_officer))
    page = client.get(f"/review/assessments/{assessment.pk}/").content.decode()
    detail = f"/compliance/assessments/{assessment.pk}/"
    for ref in ("R-A1", "R-A2", "R-G1"):
        pk = Requirement.objects.get(framework=assessment.framework, ref=ref).pk
        assert page.count(f'href="{detail}?req={pk}#req-{pk}" data-testid="blocker-{ref}"') == 1
    assert re.search(r'<button[^>]*data-testid="submit"[^>]* disabled', page)
    assert f'href="{detail}" data-testid="back-to-assessment"' in page  # the breadcrumb back

    refused = client.post(f"/review/assessments/{assessment.pk}/submit/", follow=True).content.decode()
    assert refused.count("R-A1 is not answered.") == 1  # listed once, not flashed again


def test_with_nothing_blocking_the_submit_button_is_enabled(world, ready_assessment, as_user):
    page = as_user(world.a_officer).get(f"/review/assessments/{ready_assessment.pk}/").content.decode()
    assert 'data-testid="blockers"' not in page
    assert " disabled" not in re.search(r'<button[^>]*data-testid="submit"[^>]*>', page).group(0)


def test_the_submission_notice_names_the_firm_in_the_language_it_is_written_in(world, ready_assessment):
    from django.utils import translation

    from review.models import Notification

    with translation.override("en"):
        services.submit(assessment=ready_assessment, actor=world.a_officer, role="officer")
    notes = Notification.objects.for_org(world.regulator).filter(recipient=world.supervisor, kind="submitted")
    message = notes.get().message
    assert world.firm_a.name in message and world.firm_a.name_ko not in message


def test_submitting_and_withdrawing_move_the_market_totals_in_the_same_transaction(world, ready_assessment):
    from market import selectors
    from tests.factories.vendors import FACTORIES as VENDOR_FACTORIES
    from vendors.models import Dependency

    VENDOR_FACTORIES[Dependency](world.firm_a)
    services.submit(assessment=ready_assessment, actor=world.a_officer, role="officer")
    found = selectors.concentration_tables(world.supervisor, limit=None)
    assert found == selectors.concentration_tables_by_scan(world.supervisor, limit=None)
    assert [r["firms"] for r in found["providers"]] == [1]
    services.withdraw(assessment=ready_assessment, actor=world.a_officer, role="officer")
    assert selectors.concentration_tables(world.supervisor, limit=None)["providers"] == []
