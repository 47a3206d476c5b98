"""A submitted assessment's audit workbook shows the snapshot (and says so), not later live edits."""

import io

from openpyxl import load_workbook

from compliance.models import Answer
from reports.workbooks.audit import build_audit_workbook
from review import services


def _workbook(world, assessment):
    target = io.BytesIO()
    build_audit_workbook(world.firm_a, assessment.pk, target, generated_by=world.a_officer)
    target.seek(0)
    return load_workbook(target)


def _cover(wb) -> str:
    return " ".join(str(c.value) for row in wb["Cover"].iter_rows() for c in row if c.value is not None)


def _checklist(wb) -> dict[str, tuple]:
    ws = wb["Checklist"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    return {r[0]: dict(zip(header, r, strict=False)) for r in rows[1:] if r[0]}


def test_a_submitted_assessment_is_exported_from_its_snapshot(world, ready_assessment):
    submission = services.submit(assessment=ready_assessment, actor=world.a_officer, role="officer")
    services.claim(submission=submission, actor=world.supervisor, role="supervisor")
    services.comment(
        submission=submission, actor=world.supervisor, role="supervisor", requirement_ref="R-A1", body="Looks fine"
    )
    # A later edit behind the workflow's back must not reach the workbook of what was submitted.
    Answer.objects.for_org(world.firm_a).filter(assessment=ready_assessment).update(comment="edited later")

    wb = _workbook(world, ready_assessment)
    assert submission.snapshot_sha256 in _cover(wb)
    rows = _checklist(wb)
    assert rows["R-A1"]["Comment"] == "R-A1 ok"
    assert rows["R-A1"]["Supervisor comment"] == "Looks fine"
    assert rows["R-G1"]["Evidence"] == "policy.pdf"
    assert not any(c.data_type == "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def test_a_draft_is_exported_from_live_data(world, ready_assessment):
    Answer.objects.for_org(world.firm_a).filter(assessment=ready_assessment, requirement__ref="R-A1").update(
        comment="live edit"
    )
    wb = _workbook(world, ready_assessment)
    assert _checklist(wb)["R-A1"]["Comment"] == "live edit"
