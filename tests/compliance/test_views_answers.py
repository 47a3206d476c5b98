"""Answering on the assessment page: htmx saves, field errors, concurrent saves, read-only roles."""

import re

import pytest
from django.urls import reverse

from compliance.models import Answer, Assessment
from tests.compliance.webtools import (
    HTMX,
    answer_data,
    answer_url,
    assessment_with,
    english_client,
    requirement,
    state_not_applicable_condition,
)


@pytest.fixture
def as_user():
    """Logged-in clients that read the pages in English."""
    return english_client


def answers(assessment):
    return Answer.objects.for_org(assessment.organization).filter(assessment=assessment)


def test_officer_sees_each_requirement_with_its_own_htmx_form(world, as_user):
    assessment = assessment_with(world.firm_a, 3, critical=("W-C3",))
    client = as_user(world.a_officer)
    detail = reverse("compliance:assessment_detail", args=[assessment.pk])
    body = client.get(detail).content.decode()
    # Sections A, B, C of one requirement each: the first to answer renders with the page, B and C when revealed.
    assert body.count('hx-post="/compliance/assessments/') == 1
    assert 'hx-swap="outerHTML"' in body and 'name="r' in body
    assert "<details>" in body and "applies: no applicability conditions" in body
    assert 'id="score-box"' in body and 'id="unanswered"' in body and f'href="{detail}?req=' in body
    sections = {s.code: s.pk for s in assessment.framework.sections.all()}
    lazy = "".join(client.get(reverse("compliance:assessment_section", args=[assessment.pk, sections[code]]),
                              **HTMX).content.decode() for code in "BC")
    assert lazy.count('hx-post="/compliance/assessments/') == 2
    assert "W-C3" in lazy and "KO" in lazy


def test_viewer_sees_the_page_read_only_and_cannot_post(world, as_user):
    assessment = assessment_with(world.firm_a, 2)
    client = as_user(world.a_viewer)
    body = client.get(reverse("compliance:assessment_detail", args=[assessment.pk])).content.decode()
    assert "W-A1" in body and "hx-post" not in body and "<form method=\"post\" class=\"answer-form\"" not in body
    response = client.post(answer_url(assessment, "W-A1"), answer_data(assessment, "W-A1", "compliant"), **HTMX)
    assert response.status_code == 403
    assert not answers(assessment).exists()


def test_supervisor_gets_404_on_the_answering_page(world, as_user):
    assessment = assessment_with(world.firm_a, 2)
    url = reverse("compliance:assessment_detail", args=[assessment.pk])
    assert as_user(world.supervisor).get(url).status_code == 404


def test_another_firms_officer_gets_404_when_saving_an_answer(world, as_user):
    assessment = assessment_with(world.firm_a, 2)
    response = as_user(world.b_officer).post(
        answer_url(assessment, "W-A1"), answer_data(assessment, "W-A1", "compliant"), **HTMX
    )
    assert response.status_code == 404
    assert not answers(assessment).exists()


def test_a_requirement_that_does_not_apply_is_404(world, as_user):
    from tests.factories.compliance import make_assessment

    assessment = make_assessment(world.firm_a)  # a bank: T-L1 is for VASPs only
    req = requirement(assessment, "T-L1")
    url = reverse("compliance:answer_save", args=[assessment.pk, req.pk])
    assert as_user(world.a_officer).post(url, {}, **HTMX).status_code == 404


def test_htmx_save_returns_the_requirement_and_updates_score_and_rating_out_of_band(world, as_user):
    assessment = assessment_with(world.firm_a, 3)
    client = as_user(world.a_officer)
    response = client.post(answer_url(assessment, "W-A1"), answer_data(assessment, "W-A1", "compliant"), **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="req-' in body and 'data-testid="saved"' in body
    assert 'id="score-box" class="card score-box" hx-swap-oob="true"' in body
    assert 'id="progress-A" hx-swap-oob="true"' in body or 'id="progress-A" hx-swap-oob' in body
    assert 'data-testid="rating">A<' in body and "100.00" in body
    assessment.refresh_from_db()
    assert assessment.rating == "A"

    response = client.post(answer_url(assessment, "W-B2"), answer_data(assessment, "W-B2", "non_compliant"), **HTMX)
    body = response.content.decode()
    assessment.refresh_from_db()
    assert assessment.rating == "D"
    assert 'data-testid="rating">D<' in body and f"{assessment.score:.2f}" in body


def test_the_rating_box_gives_the_knock_out_reason(world, as_user):
    assessment = assessment_with(world.firm_a, 3, critical=("W-C3",))
    client = as_user(world.a_officer)
    client.post(answer_url(assessment, "W-A1"), answer_data(assessment, "W-A1", "compliant"), **HTMX)
    body = client.post(
        answer_url(assessment, "W-C3"), answer_data(assessment, "W-C3", "non_compliant"), **HTMX
    ).content.decode()
    assert "capped at D: critical requirement W-C3 non-compliant" in body
    assert 'data-testid="rating">D<' in body


def test_section_progress_and_unanswered_list_follow_the_saves(world, as_user):
    assessment = assessment_with(world.firm_a, 4)  # A: W-A1, W-A4; B: W-B2; C: W-C3
    client = as_user(world.a_officer)
    response = client.post(answer_url(assessment, "W-A1"), answer_data(assessment, "W-A1", "partial"), **HTMX)
    body = response.content.decode()
    assert "1 / 2 answered" in body
    unanswered = body[body.index('id="unanswered"'):]
    assert "W-A4" in unanswered and "W-B2" in unanswered and "W-A1" not in unanswered


def test_not_applicable_without_a_reason_is_a_field_error_and_nothing_is_saved(world, as_user):
    assessment = assessment_with(world.firm_a, 2)
    response = as_user(world.a_officer).post(
        answer_url(assessment, "W-A1"), answer_data(assessment, "W-A1", "not_applicable", comment="kept"), **HTMX
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'data-testid="na-reason-error"' in body and "Say why this requirement does not apply." in body
    assert "kept" in body  # the user's input stays in the form
    assert not answers(assessment).exists()


def test_not_applicable_with_a_reason_is_saved(world, as_user):
    assessment = assessment_with(world.firm_a, 2)
    response = as_user(world.a_officer).post(
        answer_url(assessment, "W-A1"),
        answer_data(assessment, "W-A1", "not_applicable", na_reason="No such service"), **HTMX,
    )
    assert response.status_code == 200
    assert answers(assessment).get().na_reason == "No such service"


def test_an_invalid_response_is_a_field_error(world, as_user):
    assessment = assessment_with(world.firm_a, 2)
    response = as_user(world.a_officer).post(
        answer_url(assessment, "W-A1"), answer_data(assessment, "W-A1", "maybe"), **HTMX
    )
    assert response.status_code == 422
    assert not answers(assessment).exists()


def test_the_later_of_two_saves_is_refused_with_the_other_persons_answer_shown(world, as_user):
    assessment = assessment_with(world.firm_a, 2)
    officer, admin = as_user(world.a_officer), as_user(world.a_admin)
    first = officer.post(answer_url(assessment, "W-A1"), answer_data(assessment, "W-A1", "partial"), **HTMX)
    assert first.status_code == 200
    version = answers(assessment).get().version

    # Both start from the same version; the admin saves first.
    ok = admin.post(answer_url(assessment, "W-A1"),
                    answer_data(assessment, "W-A1", "compliant", comment="admin checked the contract",
                                version=version), **HTMX)
    assert ok.status_code == 200
    late = officer.post(answer_url(assessment, "W-A1"),
                        answer_data(assessment, "W-A1", "non_compliant", comment="officer's own note",
                                    version=version), **HTMX)

    assert late.status_code == 409
    body = late.content.decode()
    assert 'data-testid="conflict"' in body
    assert "admin checked the contract" in body and "admin@a.test" in body
    assert 'data-testid="conflict-response">Compliant<' in body
    assert "officer&#x27;s own note" in body or "officer's own note" in body  # own input kept in the form
    assert re.search(r'value="non_compliant"[^>]*checked', body)
    saved = answers(assessment).get()
    assert (saved.response, saved.comment, saved.answered_by) == ("compliant", "admin checked the contract",
                                                                   world.a_admin)

    # Saving again from the re-rendered form is a deliberate overwrite, and it works.
    again = officer.post(answer_url(assessment, "W-A1"),
                         answer_data(assessment, "W-A1", "non_compliant", comment="officer's own note",
                                     version=saved.version), **HTMX)
    assert again.status_code == 200
    assert answers(assessment).get().response == "non_compliant"


def test_two_first_answers_to_the_same_requirement_do_not_overwrite_each_other(world, as_user):
    assessment = assessment_with(world.firm_a, 2)
    as_user(world.a_admin).post(answer_url(assessment, "W-A1"),
                                answer_data(assessment, "W-A1", "compliant", comment="first"), **HTMX)
    late = as_user(world.a_officer).post(answer_url(assessment, "W-A1"),
                                         answer_data(assessment, "W-A1", "partial", comment="second"), **HTMX)
    assert late.status_code == 409
    assert answers(assessment).get().comment == "first"


def test_a_submitted_assessment_cannot_be_answered(world, as_user):
    assessment = assessment_with(world.firm_a, 2)
    Assessment.objects.for_org(world.firm_a).filter(pk=assessment.pk).update(status="submitted")
    client = as_user(world.a_officer)
    body = client.get(reverse("compliance:assessment_detail", args=[assessment.pk])).content.decode()
    assert "hx-post" not in body and 'data-testid="read-only"' in body
    response = client.post(answer_url(assessment, "W-A1"), answer_data(assessment, "W-A1", "compliant"), **HTMX)
    assert response.status_code == 403
    assert not answers(assessment).exists()


def test_without_htmx_a_save_redirects_back_to_the_requirement(world, as_user):
    assessment = assessment_with(world.firm_a, 2)
    response = as_user(world.a_officer).post(answer_url(assessment, "W-A1"),
                                             answer_data(assessment, "W-A1", "compliant"))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#req-{requirement(assessment, 'W-A1').pk}")


def _queries_per_save(world, as_user, size: int) -> tuple[int, int]:
    """Queries of a first answer and of a changed answer, on an assessment of ``size`` requirements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assessment = assessment_with(world.firm_a, size)
    client = as_user(world.a_officer)
    client.post(answer_url(assessment, "W-A1"), answer_data(assessment, "W-A1", "partial"), **HTMX)
    version = answers(assessment).get().version
    with CaptureQueriesContext(connection) as first:
        response = client.post(answer_url(assessment, "W-B2"), answer_data(assessment, "W-B2", "non_compliant"),
                               **HTMX)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as change:
        response = client.post(answer_url(assessment, "W-A1"),
                               answer_data(assessment, "W-A1", "compliant", version=version), **HTMX)
        assert response.status_code == 200
    return len(first.captured_queries), len(change.captured_queries)


def test_saving_an_answer_costs_the_same_queries_for_5_or_80_requirements(world, as_user):
    small, large = _queries_per_save(world, as_user, 5), _queries_per_save(world, as_user, 80)
    assert small == large
    # The absolute figure differs by backend (PostgreSQL adds the audit chain's advisory lock).
    assert max(small) <= 50


def test_a_knock_out_without_a_stated_condition_answered_not_applicable_is_a_field_error(world, as_user):
    assessment = assessment_with(world.firm_a, 3, critical=("W-C3",))
    response = as_user(world.a_officer).post(
        answer_url(assessment, "W-C3"),
        answer_data(assessment, "W-C3", "not_applicable", na_reason="We think it does not apply"), **HTMX,
    )
    assert response.status_code == 422
    body = response.content.decode()
    errors = body[body.index('class="responses'):body.index("</fieldset>")]
    assert "W-C3 is a knock-out requirement" in errors and "states no condition" in errors
    assert not answers(assessment).exists()


def test_the_page_shows_next_to_not_applicable_when_a_knock_out_may_be_not_applicable(world, as_user):
    assessment = assessment_with(world.firm_a, 3, critical=("W-B2", "W-C3"))
    state_not_applicable_condition(assessment, "W-C3", "The firm has no individual customers.")
    targets = "&".join(f"req={requirement(assessment, ref).pk}" for ref in ("W-B2", "W-C3"))  # their sections too
    url = reverse("compliance:assessment_detail", args=[assessment.pk]) + f"?{targets}"
    body = as_user(world.a_officer).get(url).content.decode()
    with_condition = body[body.index('data-testid="requirement-W-C3"'):]
    without = body[body.index('data-testid="requirement-W-B2"'):body.index('data-testid="requirement-W-C3"')]
    assert 'data-testid="na-condition"' in with_condition
    assert "Only if: The firm has no individual customers." in with_condition
    assert 'data-testid="na-refused"' in without and "cannot be answered not applicable" in without
    ordinary = body[body.index('data-testid="requirement-W-A1"'):body.index('data-testid="requirement-W-B2"')]
    assert "na-condition" not in ordinary and "na-refused" not in ordinary


# DEBUG on: django-htmx's debug script replaces the whole document with any 400/403/404/500 htmx answer.
DEBUG_TAKES_OVER = {400, 403, 404, 500}


@pytest.mark.parametrize("debug", [True, False], ids=["debug-on", "debug-off"])
def test_a_refused_htmx_save_answers_with_a_status_htmx_swaps_in_place_whatever_debug_is(world, as_user, settings,
                                                                                          debug):
    settings.DEBUG = debug
    assessment = assessment_with(world.firm_a, 2)
    response = as_user(world.a_officer).post(
        answer_url(assessment, "W-A1"), answer_data(assessment, "W-A1", "not_applicable"), **HTMX
    )
    assert response.status_code == 422 and response.status_code not in DEBUG_TAKES_OVER
    body = response.content.decode()
    assert body.lstrip().startswith("<article") and 'data-testid="na-reason-error"' in body


def test_a_refused_save_without_htmx_shows_the_whole_page_with_the_error_at_its_requirement(world, as_user):
    assessment = assessment_with(world.firm_a, 2)
    response = as_user(world.a_officer).post(
        answer_url(assessment, "W-A1"), answer_data(assessment, "W-A1", "not_applicable", comment="kept")
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "css/app.css" in body and 'id="score-box"' in body  # the styled page, not a bare fragment
    card = body[body.index(f'id="req-{requirement(assessment, "W-A1").pk}"'):]
    card = card[:card.index("</article>")]
    assert 'data-testid="na-reason-error"' in card and "kept" in card
    assert 'id="section-B"' in body  # the rest of the page still there (section B loads when revealed)
    assert not answers(assessment).exists()


def test_an_officer_edits_answers_on_the_page_after_withdrawing_a_submission(world, as_user):
    from review import services as review_services

    assessment = assessment_with(world.firm_a, 2)
    client = as_user(world.a_officer)
    for ref in ("W-A1", "W-B2"):
        assert client.post(answer_url(assessment, ref), answer_data(assessment, ref, "compliant"), **HTMX
                           ).status_code == 200
    assessment.refresh_from_db()
    review_services.submit(assessment=assessment, actor=world.a_officer, role="officer")
    refused = client.post(answer_url(assessment, "W-A1"), answer_data(assessment, "W-A1", "partial", version=1),
                          **HTMX)
    assert refused.status_code == 403  # submitted: the firm no longer holds it
    review_services.withdraw(assessment=assessment, actor=world.a_officer, role="officer")
    current = answers(assessment).get(requirement__ref="W-A1")
    response = client.post(
        answer_url(assessment, "W-A1"),
        answer_data(assessment, "W-A1", "partial", comment="fixed after withdrawing", version=current.version), **HTMX,
    )
    assert response.status_code == 200 and 'data-testid="saved"' in response.content.decode()
    saved = answers(assessment).get(requirement__ref="W-A1")
    assert (saved.response, saved.comment) == ("partial", "fixed after withdrawing")
