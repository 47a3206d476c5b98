"""A workbook of an assessment that went back to the firm cites the submission it answers, never "live data"."""

import io

from django.utils import translation
from openpyxl import load_workbook

from compliance.models import Answer
from reports.workbooks.audit import build_audit_workbook
from review import services


def _cover(world, assessment) -> dict:
    out = io.BytesIO()
    with translation.override("en"):
        build_audit_workbook(world.firm_a, assessment.pk, out)
    return {r[0].value: r[1].value for r in load_workbook(out)["Cover"].iter_rows()}


def _changes_requested(world, assessment):
    submission = services.submit(assessment=assessment, actor=world.a_officer, role="officer")
    services.claim(submission=submission, actor=world.supervisor, role="supervisor")
    services.comment(submission=submission, actor=world.supervisor, role="supervisor", requirement_ref="R-A1",
                     body="Say which policy")
    services.decide(submission=submission, actor=world.supervisor, role="supervisor", decision="request_changes",
                    reason="R-A1 is vague")
    assessment.refresh_from_db()
    return submission


def test_while_changes_are_requested_the_cover_cites_the_last_submission(world, ready_assessment):
    first = _changes_requested(world, ready_assessment)
    cover = _cover(world, ready_assessment)
    assert cover["Snapshot SHA-256"] == first.snapshot_sha256
    assert cover["Submission"] == 1
    assert "live data (draft)" not in cover.values()


def test_a_resubmission_is_exported_from_its_own_snapshot(world, ready_assessment):
    first = _changes_requested(world, ready_assessment)
    Answer.objects.for_org(world.firm_a).filter(assessment=ready_assessment, requirement__ref="R-A1").update(
        comment="Policy P-7 approved 2025-03")
    second = services.submit(assessment=ready_assessment, actor=world.a_officer, role="officer")
    ready_assessment.refresh_from_db()
    cover = _cover(world, ready_assessment)
    assert second.snapshot_sha256 != first.snapshot_sha256
    assert cover["Snapshot SHA-256"] == second.snapshot_sha256
    assert cover["Submission"] == 2
    assert cover["Data source"] == "submitted snapshot"
