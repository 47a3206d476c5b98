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


def _go_to_section(page, code: str) -> None:
    """As the officer does: the section list's link scrolls to the section, which loads if it was a placeholder."""
    page.click(f'.section-nav a[href="#section-{code}"]')
    page.wait_for_selector(f'[data-testid="section-{code}"]')


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

    # A knock-out: the critical requirement non-compliant caps the rating at D, with the reason shown. Only the
    # first section to answer came with the page; the next loads when the officer goes to it.
    _go_to_section(page, "B")
    _answer(page, assessment, "W-B2", 2)
    page.wait_for_function("() => document.querySelector('[data-testid=rating]').innerText.trim() === 'D'")
    assert "W-B2" in page.inner_text('[data-testid="rating-reasons"]')

    # N/A without a reason: a field error in place, nothing saved.
    _go_to_section(page, "C")
    _answer(page, assessment, "W-C3", 3)
    page.wait_for_selector('[data-testid="requirement-W-C3"] [data-testid="na-reason-error"]')
    assert not Answer.objects.for_org(firm).filter(requirement__ref="W-C3").exists()

    assert page.evaluate("window.__sameDocument === true"), "the page reloaded"


def test_a_section_loads_when_scrolled_to_and_its_answers_save_in_place(browser_page, live_server, transactional_db):
    """Sections with nothing left to answer are placeholders until they scroll into view (issue 16)."""
    from tests.factories.compliance import make_answer

    firm = make_org("Echo Bank", OrganizationKind.BANK)
    make_member(firm, Role.OFFICER, "officer@echo.test")
    assessment = assessment_with(firm, 12, title="Lazy sections 2025")  # A, B, C: four requirements each
    for ref in ("W-B2", "W-B5", "W-B8", "W-B11", "W-C3", "W-C6", "W-C9", "W-C12"):
        make_answer(firm, assessment, requirement=requirement(assessment, ref), response="compliant")
    page = browser_page
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "officer@echo.test")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")

    page.goto(f"{base}/compliance/assessments/{assessment.pk}/")
    page.evaluate("window.__sameDocument = true")
    # Section A (still to answer) is on the page; C, below it, is a placeholder until the officer scrolls there.
    assert page.locator('[data-testid="requirement-W-A1"]').count() == 1
    assert page.locator('[data-testid="requirement-W-C12"]').count() == 0
    page.locator('[data-testid="lazy-section-C"]').scroll_into_view_if_needed()
    page.wait_for_selector('[data-testid="requirement-W-C12"]')
    assert page.locator('[data-testid="lazy-section-C"]').count() == 0

    _answer(page, assessment, "W-C12", 1, comment="Only the primary site is tested")
    page.wait_for_selector('[data-testid="requirement-W-C12"] [data-testid="saved"]')
    saved = Answer.objects.for_org(firm).get(assessment=assessment, requirement__ref="W-C12")
    assert (saved.response, saved.comment) == ("partial", "Only the primary site is tested")
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded"


def test_the_unanswered_list_takes_the_officer_to_a_requirement_in_a_later_section(
    browser_page, live_server, transactional_db
):
    """A fresh draft renders only its first section; the others say how much is left, and the unanswered list
    opens the page at the requirement with its section rendered (issue 16)."""
    from playwright.sync_api import expect

    firm = make_org("Foxtrot Bank", OrganizationKind.BANK)
    make_member(firm, Role.OFFICER, "officer@foxtrot.test")
    assessment = assessment_with(firm, 12, title="Fresh draft 2025")  # A, B, C: four requirements each
    page = browser_page
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "officer@foxtrot.test")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")

    page.goto(f"{base}/compliance/assessments/{assessment.pk}/")
    assert page.locator('[data-testid="requirement-W-A1"]').count() == 1
    assert page.locator('[data-testid="requirement-W-C9"]').count() == 0
    assert "4" in page.inner_text('[data-testid="unanswered-in-C"]')  # the page is in Korean: 미응답 4건

    pk = requirement(assessment, "W-C9").pk
    with page.expect_navigation():
        page.click(f'[data-testid="unanswered"] a[href$="#req-{pk}"]')
    assert page.url.endswith(f"/compliance/assessments/{assessment.pk}/?req={pk}#req-{pk}")
    expect(page.locator(f"#req-{pk}")).to_be_in_viewport()
    _answer(page, assessment, "W-C9", 0)
    page.wait_for_selector('[data-testid="requirement-W-C9"] [data-testid="saved"]')
    assert Answer.objects.for_org(firm).get(assessment=assessment, requirement__ref="W-C9").response == "compliant"
