"""Assessment list, create and edit pages: roles, scoped choices, constant query counts."""

import datetime

import pytest
from django.urls import reverse

from compliance.models import Assessment
from tests.compliance.webtools import assessment_with, english_client
from tests.factories.compliance import make_assessment, make_framework
from tests.factories.vendors import make_vendor


@pytest.fixture
def as_user():
    return english_client


def test_officer_and_viewer_see_the_list_with_status_score_and_rating(world, as_user):
    assessment = assessment_with(world.firm_a, 2, title="Cloud review 2025", due_date=datetime.date(2025, 12, 1))
    for user in (world.a_officer, world.a_viewer):
        response = as_user(user).get(reverse("compliance:assessment_list"))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Cloud review 2025" in body and "Draft" in body and "Dec. 1, 2025" in body
    assert "data-testid=\"assessment-create\"" not in as_user(world.a_viewer).get(
        reverse("compliance:assessment_list")).content.decode()
    assert Assessment.objects.for_org(world.firm_a).get() == assessment


def test_the_list_filters_by_status(world, as_user):
    assessment_with(world.firm_a, 2, title="Still a draft")
    submitted = assessment_with(world.firm_a, 2, title="Handed in")
    Assessment.objects.for_org(world.firm_a).filter(pk=submitted.pk).update(status="submitted")
    body = as_user(world.a_officer).get(reverse("compliance:assessment_list") + "?status=submitted").content.decode()
    assert "Handed in" in body and "Still a draft" not in body


def test_supervisors_have_no_firm_assessment_list(world, as_user):
    assert as_user(world.supervisor).get(reverse("compliance:assessment_list")).status_code == 404


@pytest.mark.parametrize("rows", [1, 50])
def test_the_list_costs_the_same_queries_for_1_or_50_assessments(rows, world, as_user, django_assert_max_num_queries):
    framework = make_framework(requirements=[("Q-A1", "A", 3, False, {}, False)])
    vendor = make_vendor(world.firm_a)
    for i in range(rows):
        make_assessment(world.firm_a, framework=framework, owner=world.a_officer,
                        **({"vendor": vendor, "scope": "vendor"} if i % 2 else {}))
    client = as_user(world.a_officer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("compliance:assessment_list")).status_code == 200


def test_officer_creates_a_firm_wide_assessment(world, as_user):
    framework = make_framework()
    response = as_user(world.a_officer).post(reverse("compliance:assessment_create"), {
        "framework": framework.pk, "scope": "firm", "title": "Firm-wide 2025", "period_start": "2025-01-01",
        "period_end": "2025-12-31", "owner": world.a_officer.pk, "due_date": "2026-01-31",
    })
    assessment = Assessment.objects.for_org(world.firm_a).get()
    assert response.status_code == 302 and response["Location"].endswith(f"/assessments/{assessment.pk}/")
    assert assessment.owner == world.a_officer and assessment.applicable_requirement_ids()


def test_a_vendor_assessment_can_only_name_the_firms_own_vendor(world, as_user):
    framework = make_framework()
    theirs, ours = make_vendor(world.firm_b, name="B-SECRET vendor"), make_vendor(world.firm_a, name="Our CDN")
    client = as_user(world.a_officer)
    page = client.get(reverse("compliance:assessment_create")).content.decode()
    assert "Our CDN" in page and "B-SECRET" not in page
    data = {"framework": framework.pk, "scope": "vendor", "title": "CDN", "period_start": "2025-01-01",
            "period_end": "2025-12-31"}
    response = client.post(reverse("compliance:assessment_create"), {**data, "vendor": theirs.pk})
    assert response.status_code == 400 and not Assessment.objects.for_org(world.firm_a).exists()
    response = client.post(reverse("compliance:assessment_create"), {**data, "vendor": ours.pk})
    assert response.status_code == 302
    assert Assessment.objects.for_org(world.firm_a).get().vendor == ours


def test_the_owner_must_be_a_member_of_the_firm(world, as_user):
    framework = make_framework()
    response = as_user(world.a_officer).post(reverse("compliance:assessment_create"), {
        "framework": framework.pk, "scope": "firm", "title": "x", "period_start": "2025-01-01",
        "period_end": "2025-12-31", "owner": world.b_officer.pk,
    })
    assert response.status_code == 400 and not Assessment.objects.for_org(world.firm_a).exists()


def test_a_period_ending_before_it_starts_is_a_field_error(world, as_user):
    framework = make_framework()
    response = as_user(world.a_officer).post(reverse("compliance:assessment_create"), {
        "framework": framework.pk, "scope": "firm", "title": "x", "period_start": "2025-12-31",
        "period_end": "2025-01-01",
    })
    assert response.status_code == 400
    assert "The period cannot end before it starts." in response.content.decode()


def test_viewer_cannot_create_or_edit(world, as_user):
    assessment = assessment_with(world.firm_a, 2)
    client = as_user(world.a_viewer)
    assert client.get(reverse("compliance:assessment_create")).status_code == 403
    assert client.post(reverse("compliance:assessment_edit", args=[assessment.pk]), {"title": "x"}).status_code == 403


def test_editing_details_with_a_stale_version_is_refused(world, as_user):
    assessment = assessment_with(world.firm_a, 2, title="Original")
    url = reverse("compliance:assessment_edit", args=[assessment.pk])
    data = {"title": "Mine", "period_start": "2025-01-01", "period_end": "2025-12-31", "version": assessment.version}
    assert as_user(world.a_admin).post(url, {**data, "title": "Theirs"}).status_code == 302
    response = as_user(world.a_officer).post(url, data)
    assert response.status_code == 409
    assert "Theirs" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.title == "Theirs"


def test_a_submitted_assessment_cannot_be_edited(world, as_user):
    assessment = assessment_with(world.firm_a, 2, title="Handed in")
    Assessment.objects.for_org(world.firm_a).filter(pk=assessment.pk).update(status="submitted")
    client = as_user(world.a_officer)
    assert client.get(reverse("compliance:assessment_edit", args=[assessment.pk])).status_code == 403
    body = client.get(reverse("compliance:assessment_detail", args=[assessment.pk])).content.decode()
    assert reverse("compliance:assessment_edit", args=[assessment.pk]) not in body


def test_the_answering_page_costs_the_same_queries_for_2_or_30_requirements(world, as_user):
    """The supervisor-comments lookup ran once per requirement (its cache lived in a per-template context)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(world.a_officer)
    counts = []
    for requirements in (2, 30):
        assessment = assessment_with(world.firm_a, requirements, title=f"{requirements} requirements")
        url = reverse("compliance:assessment_detail", args=[assessment.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
