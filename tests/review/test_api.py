"""The review API gives the same refusals as the pages, in the standard error body."""

from compliance.models import Requirement
from review.models import Submission
from tests.factories.compliance import make_assessment, make_framework
from tests.review.conftest import REQUIREMENTS


def test_submitting_an_incomplete_assessment_lists_the_problems(world, api_for):
    assessment = make_assessment(world.firm_a, make_framework(requirements=REQUIREMENTS))
    response = api_for(world.a_officer).post("/api/v1/submissions/", {"assessment": assessment.pk})
    assert response.status_code == 400
    problems = response.json()["error"]["fields"]["non_field_errors"]
    assert problems == ["R-A1 is not answered.", "R-A2 is not answered.", "R-G1 is not answered."]
    assert not Submission.objects.for_org(world.firm_a).exists()
    assert Requirement.objects.filter(framework=assessment.framework).count() == 3


def test_the_api_loop_submit_claim_comment_decide(world, ready_assessment, api_for):
    officer, supervisor = api_for(world.a_officer), api_for(world.supervisor)
    created = officer.post("/api/v1/submissions/", {"assessment": ready_assessment.pk})
    assert created.status_code == 201
    pk = created.json()["id"]

    assert supervisor.post(f"/api/v1/review/queue/{pk}/claim/").json()["status"] == "in_review"
    again = supervisor.post(f"/api/v1/review/queue/{pk}/claim/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "transition_refused"

    no_comment = supervisor.post(f"/api/v1/review/queue/{pk}/decision/", {"decision": "request_changes", "reason": "x"})
    assert no_comment.status_code == 400 and "decision" in no_comment.json()["error"]["fields"]

    bad_ref = supervisor.post(f"/api/v1/review/queue/{pk}/comments/", {"requirement_ref": "NOPE", "body": "x"})
    assert bad_ref.status_code == 400 and "requirement_ref" in bad_ref.json()["error"]["fields"]
    assert (
        supervisor.post(f"/api/v1/review/queue/{pk}/comments/", {"requirement_ref": "R-A1", "body": "Fix"}).status_code
        == 201
    )
    done = supervisor.post(f"/api/v1/review/queue/{pk}/decision/", {"decision": "request_changes", "reason": "See"})
    assert done.json()["status"] == "changes_requested"


def test_a_viewer_is_refused_submission_and_assign_needs_a_supervisor(world, ready_assessment, api_for):
    refused = api_for(world.a_viewer).post("/api/v1/submissions/", {"assessment": ready_assessment.pk})
    assert refused.status_code == 403
    pk = api_for(world.a_officer).post("/api/v1/submissions/", {"assessment": ready_assessment.pk}).json()["id"]
    wrong = api_for(world.lead).post(f"/api/v1/review/queue/{pk}/assign/", {"assignee": world.a_officer.pk})
    assert wrong.status_code == 400 and "assignee" in wrong.json()["error"]["fields"]
    by_supervisor = api_for(world.supervisor).post(f"/api/v1/review/queue/{pk}/assign/", {"assignee": world.lead.pk})
    assert by_supervisor.status_code == 403
