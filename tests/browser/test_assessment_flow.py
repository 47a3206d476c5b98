"""An officer answers a section of an assessment, uploads evidence and sees the score and rating change —
all on one page, without a reload (htmx)."""

import pytest

from accounts.models import OrganizationKind
from accounts.roles import Role
from compliance.models import Answer, Evidence
from tests.compliance.webtools import assessment_with, requirement
from tests.factories.accounts import PASSWORD, make_member, make_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _answer(page, assessment, ref: str, index: int, comment: str = "") -> None:
    pk = requirement(assessment, ref).pk
    page.check(f"#id_r{pk}-response_{index}")
    if comment:
        page.fill(f"#id_r{pk}-comment", comment)
    page.click(f'[data-testid="save-{ref}"]')


def test_officer_answers_a_section_uploads_evidence_and_sees_the_rating_change(
    browser_page, live_server, transactional_db
):
    firm = make_org("Delta Bank", OrganizationKind.BANK)
    make_member(firm, Role.OFFICER, "officer@delta.test")
    assessment = assessment_with(firm, 4, critical=("W-B2",), title="Cloud outsourcing 2025")  # A: W-A1, W-A4
    page = browser_page
    base = live_server.url

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "officer@delta.test")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")

    page.goto(f"{base}/compliance/assessments/{assessment.pk}/")
    assert page.inner_text('[data-testid="rating"]').strip() == "—"
    page.evaluate("window.__sameDocument = true")  # gone if anything reloads the page

    # Section A: both requirements, each saved on its own.
    _answer(page, assessment, "W-A1", 0, comment="Board minutes of 2025-03-12")
    page.wait_for_selector('[data-testid="requirement-W-A1"] [data-testid="saved"]')
    assert page.inner_text('[data-testid="rating"]').strip() == "A"
    assert page.inner_text('[data-testid="score"]').strip() == "100.00"
    _answer(page, assessment, "W-A4", 1)
    page.wait_for_selector('[data-testid="requirement-W-A4"] [data-testid="saved"]')
    page.wait_for_function("() => document.querySelector('[data-testid=score]').innerText.trim() !== '100.00'")
    assert page.inner_text('[data-testid="progress-A"]').startswith("2 / 2")
    assert "W-A1" not in page.inner_text('[data-testid="unanswered"]')

    # Evidence for W-A1.
    answer = Answer.objects.for_org(firm).get(requirement__ref="W-A1")
    page.set_input_files(f"#id_e{answer.pk}-file", files=[{
        "name": "board-minutes.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n",
    }])
    page.click('[data-testid="upload-W-A1"]')
    page.wait_for_selector('[data-testid="requirement-W-A1"] [data-testid="evidence"]')
    assert "board-minutes.pdf" in page.inner_text('[data-testid="requirement-W-A1"] .evidence-list')
    assert Evidence.objects.for_org(firm).get().original_name == "board-minutes.pdf"

    # A knock-out: the critical requirement non-compliant caps the rating at D, with the reason shown.
    _answer(page, assessment, "W-B2", 2)
    page.wait_for_function("() => document.querySelector('[data-testid=rating]').innerText.trim() === 'D'")
    assert "W-B2" in page.inner_text('[data-testid="rating-reasons"]')

    # N/A without a reason: a field error in place, nothing saved.
    _answer(page, assessment, "W-C3", 3)
    page.wait_for_selector('[data-testid="requirement-W-C3"] [data-testid="na-reason-error"]')
    assert not Answer.objects.for_org(firm).filter(requirement__ref="W-C3").exists()

    assert page.evaluate("window.__sameDocument === true"), "the page reloaded"
