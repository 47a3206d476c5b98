"""A firm cannot send back, unchanged, what the supervisor returned for changes: the rule (pure), the
service, the submission page and the API all refuse it with the same sentence."""

import json
import re

import pytest

from compliance import services as compliance_services
from compliance.models import Answer
from review import services, workflow
from review.models import Submission
from tests.compliance.webtools import english
from tests.review.conftest import attach_evidence

DOC = {
    "submission": {"number": 1, "submitted_at": "2026-01-01T00:00:00+00:00"},
    "assessment": {
        "score": "90.00",
        "requirements": [
            {"ref": "R-1", "response": "compliant", "comment": "ok", "na_reason": "", "answered_at": "2026-01-01",
             "evidence": [{"id": 1, "name": "a.pdf", "sha256": "aa"}]},
        ],
        "findings": [],
    },
    "register": {"dependencies": [{"vendor_name": "CDN", "tier": "T1"}], "incidents": []},
}


def _with(**changes) -> dict:
    doc = json.loads(json.dumps(DOC))
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        node = doc
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[leaf] = value
    return doc


def test_the_same_content_is_unchanged_whatever_the_number_date_or_answer_time():
    later = _with(submission__number=2, submission__submitted_at="2026-02-01", assessment__score="91.00",
                  assessment__requirements__0__answered_at="2026-01-20")
    assert workflow.resubmission_unchanged(DOC, later)


@pytest.mark.parametrize("change", [
    {"assessment__requirements__0__response": "partial"},
    {"assessment__requirements__0__comment": "now with the test report"},
    {"assessment__requirements__0__na_reason": "x"},
    {"assessment__requirements__0__evidence": [{"id": 2, "name": "a.pdf", "sha256": "bb"}]},
    {"assessment__findings": [{"title": "new finding"}]},
    {"register__dependencies": [{"vendor_name": "CDN", "tier": "T2"}]},
    {"register__incidents": [{"reference": "INC-1"}]},
], ids=["response", "comment", "na-reason", "evidence", "finding", "register", "incident"])
def test_any_change_to_answers_evidence_findings_or_register_counts(change):
    assert not workflow.resubmission_unchanged(DOC, _with(**change))


def _returned(world, assessment, client=None):
    """Submit, then the supervisor claims, comments and requests changes."""
    submission = services.submit(assessment=assessment, actor=world.a_officer, role="officer")
    services.claim(submission=submission, actor=world.supervisor, role="supervisor")
    services.comment(submission=submission, actor=world.supervisor, role="supervisor", body="Attach the minutes.",
                     requirement_ref="R-A2")
    services.decide(submission=submission, actor=world.supervisor, role="supervisor", decision="request_changes",
                    reason="Minutes missing")
    assessment.refresh_from_db()
    return submission


def test_resubmitting_with_no_change_is_refused_with_the_reason(world, ready_assessment):
    _returned(world, ready_assessment)
    with pytest.raises(services.SubmissionProblems) as exc:
        services.submit(assessment=ready_assessment, actor=world.a_officer, role="officer")
    assert exc.value.messages == [workflow.unchanged_message(1)]
    assert Submission.objects.for_org(world.firm_a).count() == 1


def test_resubmitting_after_a_change_goes_through(world, ready_assessment):
    _returned(world, ready_assessment)
    answer = Answer.objects.for_org(world.firm_a).get(assessment=ready_assessment, requirement__ref="R-A2")
    attach_evidence(answer, world.a_officer, name="minutes.pdf", data=b"%PDF-1.4 minutes")
    ready_assessment.refresh_from_db()
    assert services.submission_problems(ready_assessment) == []
    second = services.submit(assessment=ready_assessment, actor=world.a_officer, role="officer")
    assert second.number == 2


def test_resaving_the_same_answer_is_no_change(world, ready_assessment):
    _returned(world, ready_assessment)
    answer = Answer.objects.for_org(world.firm_a).get(assessment=ready_assessment, requirement__ref="R-A2")
    compliance_services.save_answer(assessment=ready_assessment, requirement=answer.requirement,
                                    response=answer.response, comment=answer.comment, na_reason=answer.na_reason,
                                    expected_version=answer.version, user=world.a_officer)
    ready_assessment.refresh_from_db()
    assert services.submission_problems(ready_assessment) == [workflow.unchanged_message(1)]


def test_the_submission_page_lists_the_reason_and_disables_submit(world, ready_assessment, as_user):
    _returned(world, ready_assessment)
    client = english(as_user(world.a_officer))
    page = client.get(f"/review/assessments/{ready_assessment.pk}/").content.decode()
    assert "Nothing has changed since submission #1" in page
    button = re.search(r'<button[^>]*data-testid="submit"[^>]*>', page).group(0)
    assert " disabled" in button
    refused = client.post(f"/review/assessments/{ready_assessment.pk}/submit/", follow=True)
    assert refused.content.decode().count("Nothing has changed since submission #1") == 1
    assert Submission.objects.for_org(world.firm_a).count() == 1


def test_the_api_refuses_an_unchanged_resubmission_with_the_same_sentence(world, ready_assessment, api_for):
    _returned(world, ready_assessment)
    response = api_for(world.a_officer).post("/api/v1/submissions/", {"assessment": ready_assessment.pk})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["non_field_errors"] == [workflow.unchanged_message(1)]
