"""The answering page's lazy sections (issue 16): which sections render with the page, and the section view that
renders the others when their placeholder scrolls into view."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compliance.models import Requirement, Section
from tests.compliance.webtools import HTMX, answer_data, answer_url, assessment_with, english_client, requirement
from tests.factories.compliance import make_answer, make_assessment, make_framework


@pytest.fixture
def as_user():
    return english_client


def detail(assessment) -> str:
    return reverse("compliance:assessment_detail", args=[assessment.pk])


def section_of(assessment, code: str) -> Section:
    return Section.objects.get(framework=assessment.framework, code=code)


def section_url(assessment, code: str) -> str:
    return reverse("compliance:assessment_section", args=[assessment.pk, section_of(assessment, code).pk])


def answer_sections(assessment, *codes: str) -> None:
    for req in Requirement.objects.filter(framework=assessment.framework, section__code__in=codes):
        make_answer(assessment.organization, assessment, requirement=req)


def test_officer_gets_only_the_sections_still_to_answer_and_placeholders_for_the_rest(world, as_user):
    assessment = assessment_with(world.firm_a, 6)  # sections A, B, C of two requirements each
    answer_sections(assessment, "A", "B")
    body = as_user(world.a_officer).get(detail(assessment)).content.decode()
    assert 'data-testid="requirement-W-C3"' in body and 'data-testid="requirement-W-C6"' in body
    assert 'data-testid="requirement-W-A1"' not in body and 'data-testid="requirement-W-B2"' not in body
    for code in "AB":
        assert f'data-testid="lazy-section-{code}"' in body
        assert f'hx-get="{section_url(assessment, code)}" hx-trigger="revealed"' in body
        # Without script, a link renders the section with the page.
        assert f'href="{detail(assessment)}?section={section_of(assessment, code).pk}#section-{code}"' in body


def test_officer_gets_only_the_first_section_to_answer_and_the_unanswered_counts_of_the_others(world, as_user):
    # A fresh draft has something to answer everywhere: rendering every such section was the whole checklist.
    assessment = assessment_with(world.firm_a, 6)
    make_answer(world.firm_a, assessment, requirement=requirement(assessment, "W-C3"))
    body = as_user(world.a_officer).get(detail(assessment)).content.decode()
    assert 'data-testid="requirement-W-A1"' in body and 'data-testid="requirement-W-A4"' in body
    assert 'data-testid="requirement-W-B2"' not in body and 'data-testid="requirement-W-C6"' not in body
    assert 'data-testid="lazy-section-B"' in body and 'data-testid="lazy-section-C"' in body
    # Each placeholder says how much is left to answer in it.
    assert 'data-testid="unanswered-in-B">2 unanswered<' in body
    assert 'data-testid="unanswered-in-C">1 unanswered<' in body
    assert 'data-testid="unanswered-in-A"' not in body  # rendered: its cards say it
    # The unanswered list sends to each requirement's section, which the page then renders.
    for ref in ("W-A1", "W-B2", "W-C6"):
        pk = requirement(assessment, ref).pk
        assert f'href="{detail(assessment)}?req={pk}#req-{pk}"' in body


def test_officer_sent_to_a_requirement_gets_its_section_and_the_first_to_answer(world, as_user):
    assessment = assessment_with(world.firm_a, 6)
    pk = requirement(assessment, "W-C6").pk
    body = as_user(world.a_officer).get(f"{detail(assessment)}?req={pk}").content.decode()
    assert f'id="req-{pk}"' in body and 'data-testid="requirement-W-A1"' in body
    assert 'data-testid="lazy-section-B"' in body and 'data-testid="lazy-section-C"' not in body


def test_a_viewer_gets_the_first_section_and_placeholders_for_the_rest(world, as_user):
    assessment = assessment_with(world.firm_a, 6)
    body = as_user(world.a_viewer).get(detail(assessment)).content.decode()
    assert 'data-testid="requirement-W-A1"' in body and 'data-testid="requirement-W-A4"' in body
    assert 'data-testid="lazy-section-B"' in body and 'data-testid="lazy-section-C"' in body
    assert 'data-testid="requirement-W-B2"' not in body
    # Its unanswered list sends to the requirement's section, which the page then renders.
    pk = requirement(assessment, "W-C3").pk
    assert f'href="{detail(assessment)}?req={pk}#req-{pk}"' in body


def test_req_renders_the_target_section_at_once(world, as_user):
    assessment = assessment_with(world.firm_a, 6)
    answer_sections(assessment, "A", "B", "C")
    pk = requirement(assessment, "W-B5").pk
    body = as_user(world.a_officer).get(f"{detail(assessment)}?req={pk}").content.decode()
    assert f'id="req-{pk}"' in body and 'data-testid="requirement-W-B2"' in body
    assert 'data-testid="lazy-section-C"' in body and 'data-testid="lazy-section-B"' not in body
    # Nothing to act on and no target: the first section.
    body = as_user(world.a_officer).get(detail(assessment)).content.decode()
    assert 'data-testid="requirement-W-A1"' in body and 'data-testid="lazy-section-B"' in body


def test_section_renders_that_section_with_the_page(world, as_user):
    assessment = assessment_with(world.firm_a, 6)
    body = as_user(world.a_viewer).get(f"{detail(assessment)}?section={section_of(assessment, 'C').pk}").content
    assert b'data-testid="requirement-W-C6"' in body and b'data-testid="lazy-section-B"' in body


def test_a_refused_save_without_htmx_renders_its_section_with_the_error(world, as_user):
    assessment = assessment_with(world.firm_a, 6)
    answer_sections(assessment, "A", "B", "C")
    response = as_user(world.a_officer).post(
        answer_url(assessment, "W-C3"), answer_data(assessment, "W-C3", "not_applicable", comment="kept", version=1)
    )
    assert response.status_code == 422
    body = response.content.decode()
    card = body[body.index(f'id="req-{requirement(assessment, "W-C3").pk}"'):]
    assert 'data-testid="na-reason-error"' in card[:card.index("</article>")]
    assert 'data-testid="lazy-section-B"' in body


def test_a_save_without_htmx_comes_back_with_its_section_rendered(world, as_user):
    assessment = assessment_with(world.firm_a, 2)
    response = as_user(world.a_officer).post(answer_url(assessment, "W-A1"),
                                             answer_data(assessment, "W-A1", "compliant"))
    pk = requirement(assessment, "W-A1").pk
    assert response["Location"] == f"{detail(assessment)}?req={pk}#req-{pk}"


def test_the_section_view_returns_its_cards_with_answer_forms_for_an_officer(world, as_user):
    assessment = assessment_with(world.firm_a, 6)
    response = as_user(world.a_officer).get(section_url(assessment, "B"), **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="checklist-section" id="section-B"')
    assert 'data-testid="requirement-W-B2"' in body and 'data-testid="requirement-W-B5"' in body
    assert "W-A1" not in body and "<html" not in body
    assert body.count(f'hx-post="/compliance/assessments/{assessment.pk}/requirements/') == 2
    assert 'name="csrfmiddlewaretoken"' in body and 'data-testid="progress-B"' in body


def test_the_section_view_is_read_only_for_a_viewer(world, as_user):
    assessment = assessment_with(world.firm_a, 6)
    answer_sections(assessment, "B")
    body = as_user(world.a_viewer).get(section_url(assessment, "B"), **HTMX).content.decode()
    assert 'data-testid="requirement-W-B2"' in body
    assert "hx-post" not in body and 'class="answer-form"' not in body


def test_without_htmx_the_section_view_sends_to_the_page_with_that_section(world, as_user):
    assessment = assessment_with(world.firm_a, 6)
    response = as_user(world.a_officer).get(section_url(assessment, "C"))
    assert response.status_code == 302
    assert response["Location"] == f"{detail(assessment)}?section={section_of(assessment, 'C').pk}#section-C"


def test_another_firms_assessment_section_is_404(world, as_user):
    assessment = assessment_with(world.firm_b, 6)
    for user in (world.a_officer, world.a_viewer, world.supervisor):
        assert as_user(user).get(section_url(assessment, "A"), **HTMX).status_code == 404
    assert as_user(world.b_officer).get(section_url(assessment, "A"), **HTMX).status_code == 200


def test_a_section_of_another_checklist_or_without_applicable_requirements_is_404(world, as_user):
    assessment = assessment_with(world.firm_a, 6)
    other = assessment_with(world.firm_a, 6)
    client = as_user(world.a_officer)
    url = reverse("compliance:assessment_section", args=[assessment.pk, section_of(other, "A").pk])
    assert client.get(url, **HTMX).status_code == 404
    # A section of the checklist where nothing applies to a firm-wide assessment (T-C1 is for CDN vendors).
    framework = make_framework(requirements=[("S-A1", "A", 1, False, {}, False),
                                             ("S-C1", "C", 1, False, {"vendor_categories": ["cdn_security"]}, True)])
    firm_wide = make_assessment(world.firm_a, framework=framework)
    empty = Section.objects.get(framework=framework, code="C")
    url = reverse("compliance:assessment_section", args=[firm_wide.pk, empty.pk])
    assert client.get(url, **HTMX).status_code == 404


def test_the_section_view_is_read_only_by_method(world, as_user):
    assessment = assessment_with(world.firm_a, 6)
    assert as_user(world.a_officer).post(section_url(assessment, "A"), **HTMX).status_code == 405


def _section_queries(world, as_user, size: int) -> int:
    assessment = assessment_with(world.firm_a, size)
    answer_sections(assessment, "B")
    client = as_user(world.a_officer)
    url = section_url(assessment, "B")
    client.get(url, **HTMX)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **HTMX).status_code == 200
    return len(ctx.captured_queries)


def test_the_section_view_costs_the_same_queries_for_1_or_20_requirements_in_the_section(world, as_user):
    assert _section_queries(world, as_user, 3) == _section_queries(world, as_user, 60)


def test_the_unanswered_list_an_htmx_save_sends_back_links_each_to_its_section(world, as_user):
    # Its items are mostly in sections not on the page: each link must make the page render its section.
    assessment = assessment_with(world.firm_a, 6)
    response = as_user(world.a_officer).post(answer_url(assessment, "W-A1"),
                                             answer_data(assessment, "W-A1", "compliant"), **HTMX)
    body = response.content.decode()
    oob = body[body.index('id="unanswered"'):]
    pk = requirement(assessment, "W-C6").pk
    assert f'href="{detail(assessment)}?req={pk}#req-{pk}"' in oob
    assert f"req={requirement(assessment, 'W-A1').pk}#" not in oob
