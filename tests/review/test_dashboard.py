from review import services
from review.models import Submission


def test_the_supervisor_dashboard_shows_what_waits_to_be_claimed(world, ready_assessment, as_user):
    services.submit(assessment=ready_assessment, actor=world.a_officer, role="officer")
    body = as_user(world.supervisor).get("/").content.decode()
    sub = Submission.objects.for_org(world.firm_a).get()
    assert 'data-testid="panel-review-waiting"' in body and f"/review/submissions/{sub.pk}/" in body


def test_the_firm_dashboard_shows_its_submission_with_the_supervisor(world, ready_assessment, as_user):
    services.submit(assessment=ready_assessment, actor=world.a_officer, role="officer")
    body = as_user(world.a_viewer).get("/").content.decode()
    assert 'data-testid="panel-reviews"' in body and ready_assessment.title in body
    assert ready_assessment.title not in as_user(world.b_viewer).get("/").content.decode()
