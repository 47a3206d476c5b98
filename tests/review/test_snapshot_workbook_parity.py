"""The audit workbook of a submission shows exactly what the live export of the same, unchanged data shows:
the snapshot freezes every value the workbook prints, and nothing is lost on the way through JSON."""

import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from compliance.models import Answer, Evidence, Requirement
from reports.workbooks.assessment_view import live_assessment_view
from reports.workbooks.audit import build_audit_workbook, write_audit_workbook
from reports.workbooks.labels import label
from review import services
from tests.factories.compliance import make_evidence
from tests.factories.vendors import make_vendor
from tests.reports.export_world import build_firm

# Cover lines that say where the data comes from: the only ones allowed to differ.
PROVENANCE = ("Data source", "Submission", "Submitted at", "Snapshot SHA-256", "Generated at")


def _submitted(world):
    assessment = build_firm(world.firm_a, world.a_officer)
    make_vendor(world.firm_a, name="Vendor without dependencies", exit_clause=True, supervisory_access=True)
    critical = Requirement.objects.filter(pk__in=assessment.applicable_requirement_ids(), critical=True)
    for answer in Answer.objects.for_org(world.firm_a).filter(assessment=assessment, requirement__in=critical):
        if not Evidence.objects.for_org(world.firm_a).filter(answer=answer).exists():
            make_evidence(world.firm_a, answer=answer, original_name=f"{answer.requirement.ref}.pdf")
    assessment.refresh_from_db()
    submission = services.submit(assessment=assessment, actor=world.a_officer, role="officer")
    assessment.refresh_from_db()
    return assessment, submission


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    wb = load_workbook(io.BytesIO(data))
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in wb}


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_snapshot_export_equals_the_live_export_of_the_same_data(world, language):
    assessment, submission = _submitted(world)
    frozen, live = io.BytesIO(), io.BytesIO()
    with translation.override(language):
        build_audit_workbook(world.firm_a, assessment.pk, frozen, generated_by=world.a_officer)
        write_audit_workbook(live_assessment_view(assessment), live, generated_by=world.a_officer)
        provenance = tuple(label(key) for key in PROVENANCE)
    frozen_sheets, live_sheets = _sheets(frozen.getvalue()), _sheets(live.getvalue())

    assert list(frozen_sheets) == list(live_sheets)
    cover, *others = list(live_sheets)
    assert submission.snapshot_sha256 in [v for _k, v in frozen_sheets[cover]]
    assert [r for r in frozen_sheets[cover] if not r[0].startswith(provenance)] == [
        r for r in live_sheets[cover] if not r[0].startswith(provenance)
    ]
    for title in others:
        frozen_rows, live_rows = frozen_sheets[title], live_sheets[title]
        assert len(frozen_rows) == len(live_rows), title
        for number, (f, v) in enumerate(zip(frozen_rows, live_rows, strict=True), start=1):
            for column, (fc, lc) in enumerate(zip(f, v, strict=True)):
                assert fc == lc, f"{title} row {number} column {live_rows[0][column]}: {fc!r} != {lc!r}"


def test_the_vendor_register_of_a_submission_has_every_contract_term(world):
    assessment, _submission = _submitted(world)
    out = io.BytesIO()
    with translation.override("en"):
        build_audit_workbook(world.firm_a, assessment.pk, out)
    rows = _sheets(out.getvalue())["Vendor register"]
    header, cdn = rows[0], dict(zip(rows[0], next(r for r in rows if r[1] == "CDN and WAF"), strict=True))
    assert header[0] == "Reference"
    assert cdn["Reference"] and cdn["Status"]
    assert cdn["Contract start"].year == 2024 and cdn["Contract end"].year == 2026
    assert cdn["Notice period (days)"] == 90
    assert {cdn[k] for k in ("Audit rights", "Supervisory access", "Exit clause", "Exit plan")} <= {"Yes", "No"}
    assert any(r[1] == "Vendor without dependencies" for r in rows)


def test_a_schema_1_snapshot_is_still_exported_with_what_it_holds(world):
    """Submissions frozen before the workbook part existed: the workbook opens, shows what was frozen, and
    leaves blank what was not (never a live value in its place)."""
    import json

    from review.models import Submission

    assessment, submission = _submitted(world)
    current = io.BytesIO()
    with translation.override("en"):
        build_audit_workbook(world.firm_a, assessment.pk, current)
    document = json.loads(submission.snapshot_json)
    document["schema"] = 1
    del document["workbook"]
    del document["assessment"]["sections"]
    for finding in document["assessment"]["findings"]:
        del finding["owner"], finding["description"]
    Submission.objects.for_org(world.firm_a).filter(pk=submission.pk).update(snapshot_json=json.dumps(document))

    out = io.BytesIO()
    with translation.override("en"):
        build_audit_workbook(world.firm_a, assessment.pk, out)
    sheets = _sheets(out.getvalue())
    vendors = {r[1]: r for r in sheets["Vendor register"][1:]}
    assert vendors["CDN and WAF"][0] is None and vendors["CDN and WAF"][8] is None  # not frozen: blank
    assert "Vendor without dependencies" not in vendors
    assert sheets["Summary"] == _sheets(current.getvalue())["Summary"]
    assert sheets["Findings"][1][0] == "No exit plan" and sheets["Findings"][1][5] is None
    assert len(sheets["Redundancy matrix"]) > 1 and len(sheets["Incidents"]) == 2
