"""The whole loop through the web pages: submit → claim → comment → request changes → fix → resubmit
→ diff → accept; and what each side may see."""

from compliance import services as compliance_services
from compliance.models import Answer
from review.models import Notification, ReviewComment, Submission


def _submit(client, assessment):
    return client.post(f"/review/assessments/{assessment.pk}/submit/")


def test_the_full_review_loop(world, ready_assessment, as_user, mailoutbox, django_capture_on_commit_callbacks):
    officer, supervisor = as_user(world.a_officer), as_user(world.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        assert _submit(officer, ready_assessment).status_code == 302
    first = Submission.objects.for_org(world.firm_a).get()
    assert any(m.to == ["supervisor@reg.test"] for m in mailoutbox)

    queue = supervisor.get("/review/queue/").content.decode()
    assert world.firm_a.name_ko in queue or world.firm_a.name in queue

    assert supervisor.post(f"/review/submissions/{first.pk}/claim/").status_code == 302
    supervisor.post(
        f"/review/submissions/{first.pk}/comment/", {"requirement_ref": "R-A2", "body": "Attach the minutes."}
    )
    with django_capture_on_commit_callbacks(execute=True):
        supervisor.post(
            f"/review/submissions/{first.pk}/decide/", {"decision": "request_changes", "reason": "Minutes missing"}
        )
    ready_assessment.refresh_from_db()
    assert ready_assessment.status == "changes_requested"

    page = officer.get(f"/review/assessments/{ready_assessment.pk}/").content.decode()
    assert "Attach the minutes." in page
    assert Notification.objects.for_org(world.firm_a).filter(recipient=world.a_officer, kind="request_changes").exists()

    answer = Answer.objects.for_org(world.firm_a).get(assessment=ready_assessment, requirement__ref="R-A2")
    compliance_services.save_answer(
        assessment=ready_assessment,
        requirement=answer.requirement,
        response="partial",
        comment="minutes attached",
        expected_version=answer.version,
        user=world.a_officer,
    )
    assert _submit(officer, ready_assessment).status_code == 302
    second = Submission.objects.for_org(world.firm_a).get(number=2)
    assert second.previous == first

    review = supervisor.get(f"/review/submissions/{second.pk}/").content.decode()
    assert 'data-testid="diff"' in review and "R-A2" in review and "partial" in review
    supervisor.post(f"/review/submissions/{second.pk}/claim/")
    supervisor.post(f"/review/submissions/{second.pk}/decide/", {"decision": "accept", "reason": "Fine"})
    ready_assessment.refresh_from_db()
    assert ready_assessment.status == "accepted"
    assert first.snapshot_sha256 == Submission.objects.for_org(world.firm_a).get(number=1).snapshot_sha256


def test_requesting_changes_needs_a_reason_and_a_comment(world, ready_assessment, as_user):
    _submit(as_user(world.a_officer), ready_assessment)
    sub = Submission.objects.for_org(world.firm_a).get()
    supervisor = as_user(world.supervisor)
    supervisor.post(f"/review/submissions/{sub.pk}/claim/")
    supervisor.post(f"/review/submissions/{sub.pk}/decide/", {"decision": "request_changes", "reason": ""})
    ready_assessment.refresh_from_db()
    assert ready_assessment.status == "in_review"


def test_only_the_assignee_or_a_lead_decides(world, ready_assessment, as_user):
    from accounts.roles import Role
    from tests.factories.accounts import make_member

    other = make_member(world.regulator, Role.SUPERVISOR, "other@reg.test")
    _submit(as_user(world.a_officer), ready_assessment)
    sub = Submission.objects.for_org(world.firm_a).get()
    as_user(world.supervisor).post(f"/review/submissions/{sub.pk}/claim/")
    as_user(other).post(f"/review/submissions/{sub.pk}/decide/", {"decision": "accept", "reason": "x"})
    ready_assessment.refresh_from_db()
    assert ready_assessment.status == "in_review"
    as_user(world.lead).post(f"/review/submissions/{sub.pk}/decide/", {"decision": "accept", "reason": "lead"})
    ready_assessment.refresh_from_db()
    assert ready_assessment.status == "accepted"


def test_a_lead_assigns_a_review(world, ready_assessment, as_user):
    _submit(as_user(world.a_officer), ready_assessment)
    sub = Submission.objects.for_org(world.firm_a).get()
    as_user(world.supervisor).post(f"/review/submissions/{sub.pk}/assign/", {"assignee": world.supervisor.pk})
    assert Submission.objects.for_org(world.firm_a).get().assignee is None  # a supervisor cannot assign
    as_user(world.lead).post(f"/review/submissions/{sub.pk}/assign/", {"assignee": world.supervisor.pk})
    assert Submission.objects.for_org(world.firm_a).get().assignee == world.supervisor


def test_firm_b_cannot_see_firm_as_review_comments(world, ready_assessment, as_user, api_for):
    _submit(as_user(world.a_officer), ready_assessment)
    sub = Submission.objects.for_org(world.firm_a).get()
    as_user(world.supervisor).post(f"/review/submissions/{sub.pk}/claim/")
    as_user(world.supervisor).post(
        f"/review/submissions/{sub.pk}/comment/", {"requirement_ref": "R-A1", "body": "A-ONLY"}
    )
    assert ReviewComment.objects.for_org(world.firm_a).count() == 1
    assert as_user(world.b_officer).get(f"/review/assessments/{ready_assessment.pk}/").status_code == 404
    assert api_for(world.b_officer).get(f"/api/v1/submissions/{sub.pk}/").status_code == 404
    assert "A-ONLY" not in api_for(world.b_officer).get("/api/v1/submissions/").content.decode()
    assert "A-ONLY" in api_for(world.a_viewer).get(f"/api/v1/submissions/{sub.pk}/").content.decode()


def test_a_supervisor_cannot_open_a_draft_by_any_route(world, as_user, api_for):
    from tests.factories.compliance import make_assessment

    draft = make_assessment(world.firm_a)
    for url in (
        f"/review/assessments/{draft.pk}/",
        f"/compliance/assessments/{draft.pk}/",
        f"/api/v1/assessments/{draft.pk}/",
    ):
        assert as_user(world.supervisor).get(url).status_code == 404, url
    assert api_for(world.supervisor).get("/api/v1/review/queue/").json()["count"] == 0


def test_the_supervisor_downloads_evidence_only_if_its_hash_still_matches(world, ready_assessment, as_user):
    _submit(as_user(world.a_officer), ready_assessment)
    sub = Submission.objects.for_org(world.firm_a).get()
    sha = sub.snapshot_json.split('"sha256":"')[1][:64]
    response = as_user(world.supervisor).get(f"/review/submissions/{sub.pk}/evidence/?sha256={sha}")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 evidence"
