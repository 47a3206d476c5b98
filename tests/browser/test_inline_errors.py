"""A refused inline save or upload shows its field message inside the requirement and leaves the page as it
was, with DEBUG on (django-htmx's debug script then takes over the page on a 400) and off."""

import pytest
from playwright.sync_api import expect

from accounts.models import OrganizationKind
from accounts.roles import Role
from compliance.models import Answer, Evidence
from tests.browser.login import log_in
from tests.compliance.webtools import assessment_with, requirement
from tests.factories.accounts import make_member, make_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("debug", [True, False], ids=["debug-on", "debug-off"])
def test_refused_saves_and_uploads_show_their_message_in_place(browser_page, live_server, settings, debug):
    settings.DEBUG = debug
    firm = make_org("Inline Bank", OrganizationKind.BANK)
    make_member(firm, Role.OFFICER, "officer@inline.test")
    assessment = assessment_with(firm, 2)  # W-A1, W-B2
    page, base = browser_page, live_server.url
    log_in(page, base, "officer@inline.test")
    page.goto(f"{base}/compliance/assessments/{assessment.pk}/")
    page.evaluate("window.__sameDocument = true")  # gone if anything replaces the document

    # N/A without a reason: the message under the field, nothing saved, the page still styled and whole.
    card = page.locator('[data-testid="requirement-W-A1"]')
    card.locator('input[value="not_applicable"]').check()
    card.locator('[data-testid="save-W-A1"]').click()
    expect(card.locator('[data-testid="na-reason-error"]')).to_be_visible()
    expect(page.locator('[data-testid="score-box"]')).to_be_visible()
    expect(page.locator("#section-B")).to_be_visible()  # the next section (a placeholder until scrolled to)
    assert not Answer.objects.for_org(firm).exists()

    # Then a valid save, and a refused upload (an executable named .pdf): its message in place too.
    card.locator('input[value="compliant"]').check()
    card.locator('[data-testid="save-W-A1"]').click()
    expect(card.locator('[data-testid="saved"]')).to_be_visible()
    answer = Answer.objects.for_org(firm).get(requirement=requirement(assessment, "W-A1"))
    page.set_input_files(f"#id_e{answer.pk}-file", files=[{
        "name": "report.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00\x03\x00binary",
    }])
    card.locator('[data-testid="upload-W-A1"]').click()
    expect(card.locator('[data-testid="evidence-error"]')).to_be_visible()
    expect(page.locator('[data-testid="score-box"]')).to_be_visible()
    assert not Evidence.objects.for_org(firm).exists()
    assert page.evaluate("window.__sameDocument === true"), "the document was replaced"
