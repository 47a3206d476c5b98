"""The audit-trail sheet tells an examiner everything that happened to the assessment, in words:
answers, evidence uploads, the submission, supervisor comments and decisions, with field and choice
labels in the workbook's language and every time in one stated zone."""

import io
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import translation
from openpyxl import load_workbook

from audit.models import AuditEvent
from reports.workbooks.audit import build_audit_workbook
from review import services
from tests.review.conftest import attach_evidence


def _trail(world, assessment, language):
    out = io.BytesIO()
    with translation.override(language):
        build_audit_workbook(world.firm_a, assessment.pk, out)
    wb = load_workbook(out)
    rows = [[c.value for c in r] for r in wb.worksheets[-1].iter_rows()]
    return rows[0], rows[1:]


@pytest.fixture
def reviewed(world, ready_assessment):
    answer = ready_assessment.answers.get(requirement__ref="R-A1")
    attach_evidence(answer, world.a_officer, name="board-minutes.pdf")
    submission = services.submit(assessment=ready_assessment, actor=world.a_officer, role="officer")
    services.claim(submission=submission, actor=world.supervisor, role="supervisor")
    services.comment(submission=submission, actor=world.supervisor, role="supervisor", requirement_ref="R-A1",
                     body="Which board meeting?")
    services.decide(submission=submission, actor=world.supervisor, role="supervisor", decision="request_changes",
                    reason="Name the meeting")
    ready_assessment.refresh_from_db()
    return ready_assessment


def test_every_audited_event_of_the_assessment_is_in_the_trail(world, reviewed):
    _header, rows = _trail(world, reviewed, "en")
    kinds = {r[3] for r in rows}
    assert {"Assessment", "Answer", "Evidence", "Submission", "Review comment"} <= {k.capitalize() for k in kinds}
    text = "\n".join(str(r[5] or "") for r in rows)
    assert "board-minutes.pdf" in text
    assert "Which board meeting?" in text
    assert "Name the meeting" in text
    assert any(r[1] == world.supervisor.email for r in rows)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_changes_are_written_in_words_not_json(world, reviewed, language):
    _header, rows = _trail(world, reviewed, language)
    changes = [str(r[5]) for r in rows if r[5]]
    assert changes
    assert not any(c.lstrip().startswith("{") or '"after"' in c or "_id" in c for c in changes)
    with translation.override(language):
        from compliance.choices import Response

        compliant, response = str(Response.COMPLIANT.label), str(reviewed.answers.model._meta.get_field(
            "response").verbose_name)
    assert any(f"{response}: " in c and compliant in c for c in changes), changes[:5]
    # The answering officer is named, not numbered.
    assert any(world.a_officer.email in c for c in changes)


def test_times_are_in_the_zone_the_header_states(world, reviewed):
    header, rows = _trail(world, reviewed, "ko")
    assert header[0].endswith("(KST, UTC+9)")
    last = AuditEvent.objects.for_org(world.firm_a).filter(object_type="compliance.Assessment").order_by("id").last()
    local = last.created_at.astimezone(ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None, microsecond=0)
    assert local in [r[0] for r in rows]
