"""Starting on a newer checklist version from the assessment page and the API; the "what is new" panel."""

import pytest
from django.urls import reverse

from compliance import services
from compliance.models import Assessment, Requirement
from tests.compliance.webtools import english_client, two_versions
from tests.factories.compliance import make_assessment


@pytest.fixture
def old(world):
    version_1, _version_2 = two_versions()
    assessment = make_assessment(world.firm_a, version_1, title="Self-assessment 2025.1")
    for ref, response in (("U-A1", "compliant"), ("U-A2", "partial")):
        services.save_answer(assessment=assessment, requirement=Requirement.objects.get(framework=version_1, ref=ref),
                             response=response, expected_version=None, user=world.a_officer)
    return assessment


def detail(assessment):
    return reverse("compliance:assessment_detail", args=[assessment.pk])


def upgrade_url(assessment):
    return reverse("compliance:assessment_upgrade", args=[assessment.pk])


def on_version_2(org):
    return Assessment.objects.for_org(org).filter(framework__version="2025.2")


def test_an_officer_starts_on_the_newer_version_and_sees_what_is_new(world, old):
    client = english_client(world.a_officer)
    page = client.get(detail(old)).content.decode()
    assert 'data-testid="start-on-newer"' in page and "Start on version 2025.2" in page
    response = client.post(upgrade_url(old))
    new = on_version_2(world.firm_a).get()
    assert response.status_code == 302 and response["Location"] == detail(new)
    body = client.get(detail(new)).content.decode()
    start = body.index('data-testid="what-is-new"')
    panel = body[start:body.index("</section>", start)]
    assert "What is new in this version" in panel and "Compared with version 2025.1" in panel
    assert panel.count('data-testid="new-requirement"') == 1 and "U-C2" in panel
    assert panel.count('data-testid="changed-requirement"') == 2 and "U-A2" in panel and "U-B2" in panel
    assert "the previous answer was not carried over" in panel and "U-C1" in panel  # dropped, named once
    assert 'data-testid="start-on-newer"' not in body  # already on the newest version


def test_the_old_page_then_links_to_the_open_assessment_instead_of_starting_another(world, old):
    client = english_client(world.a_officer)
    client.post(upgrade_url(old))
    page = client.get(detail(old)).content.decode()
    assert 'data-testid="start-on-newer"' not in page and 'data-testid="open-on-newer"' in page
    again = client.post(upgrade_url(old), follow=True)
    assert "already exists" in again.content.decode()
    assert on_version_2(world.firm_a).count() == 1


def test_viewers_see_no_button_and_are_refused(world, old):
    client = english_client(world.a_viewer)
    assert 'data-testid="start-on-newer"' not in client.get(detail(old)).content.decode()
    assert client.post(upgrade_url(old)).status_code == 403
    assert not on_version_2(world.firm_a).exists()


def test_another_firm_gets_404(world, old):
    for user in (world.b_officer, world.b_admin, world.supervisor):
        assert english_client(user).post(upgrade_url(old)).status_code == 404
    assert not on_version_2(world.firm_a).exists()


def test_without_a_newer_version_there_is_no_button_and_nothing_is_started(world):
    from tests.factories.compliance import make_framework

    assessment = make_assessment(world.firm_a, make_framework("ONLY-ONE"))
    client = english_client(world.a_officer)
    assert 'data-testid="start-on-newer"' not in client.get(detail(assessment)).content.decode()
    response = client.post(upgrade_url(assessment), follow=True)
    assert "There is no newer published version of ONLY-ONE than 2025.1." in response.content.decode()
    assert Assessment.objects.for_org(world.firm_a).count() == 1


def test_get_on_the_upgrade_address_only_shows_the_assessment(world, old):
    response = english_client(world.a_officer).get(upgrade_url(old))
    assert response.status_code == 302 and response["Location"] == detail(old)
    assert not on_version_2(world.firm_a).exists()


def test_the_api_starts_on_the_newest_version_for_officers_only(world, old, api_for):
    url = f"/api/v1/assessments/{old.pk}/upgrade/"
    assert api_for(world.a_viewer).post(url, {}).status_code == 403
    assert api_for(world.b_officer).post(url, {}).status_code == 404
    response = api_for(world.a_officer).post(url, {})
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["upgraded_from"] == old.pk and data["status"] == "draft"
    assert data["score_details"]["answered"] == 1  # U-A1 carried; U-A2 was reweighted
    conflict = api_for(world.a_officer).post(url, {})
    assert conflict.status_code == 409 and "already exists" in conflict.json()["error"]["message"]


def test_the_button_and_the_panel_read_in_korean(world, old):
    from django.conf import settings as conf

    from tests.conftest import client_for

    client = client_for(world.a_officer)
    client.cookies[conf.LANGUAGE_COOKIE_NAME] = "ko"
    assert "2025.2 버전으로 시작" in client.get(detail(old)).content.decode()
    client.post(upgrade_url(old))
    body = client.get(detail(on_version_2(world.firm_a).get())).content.decode()
    assert "이 버전에서 바뀐 점" in body and "요구 내용이 바뀌어 이전 답변을 옮겨 오지 않았습니다." in body


def test_the_api_refuses_a_named_version_that_is_not_newer(world, old, api_for):
    url = f"/api/v1/assessments/{old.pk}/upgrade/"
    response = api_for(world.a_officer).post(url, {"framework": old.framework_id})
    assert response.status_code == 409 and "no newer published version" in response.json()["error"]["message"]
    assert not on_version_2(world.firm_a).exists()
