"""The whole supervisory loop in a real browser: the officer submits; the supervisor claims, comments
and requests changes; the officer sees the comment beside the requirement, fixes the answer and
resubmits; the supervisor sees the diff and accepts."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import OrganizationKind
from accounts.roles import Role
from compliance import services as compliance_services
from compliance.models import Assessment, Requirement
from tests.browser.login import log_in
from tests.factories.accounts import make_authenticator, make_member, make_org
from tests.factories.compliance import make_assessment, make_framework

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REQUIREMENTS = [("RV-1", "A", 4, False, {}, False), ("RV-2", "A", 3, False, {}, False)]


def _post(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_submit_review_return_fix_resubmit_accept(browser_page, live_server):
    firm = make_org("Delta Exchange", OrganizationKind.VASP)
    regulator = make_org("Browser FSS", OrganizationKind.REGULATOR)
    officer = make_member(firm, Role.OFFICER, "officer@delta.test")
    make_authenticator(make_member(regulator, Role.SUPERVISOR, "supervisor@fss.test"))
    assessment = make_assessment(firm, make_framework(requirements=REQUIREMENTS), title="Delta 2025 review")
    for req in Requirement.objects.filter(framework=assessment.framework):
        compliance_services.save_answer(assessment=assessment, requirement=req, response="compliant",
                                        comment="in place", expected_version=None, user=officer)
    page, base = browser_page, live_server.url

    # The officer submits from the assessment page.
    log_in(page, base, "officer@delta.test")
    page.goto(f"{base}/compliance/assessments/{assessment.pk}/")
    _post(page, '[data-testid="submit"]')

    # The supervisor finds it in the queue, claims it, comments on RV-2 and requests changes.
    log_in(page, base, "supervisor@fss.test")
    page.goto(f"{base}/review/queue/")
    _post(page, f'[data-testid="queue"] a:has-text("{firm.name_ko}")')
    _post(page, 'form[action$="/claim/"] button')
    expect(page.locator('[data-testid="notice"]')).to_be_visible()  # said in the decision panel
    # One comment box, opened on demand; the comment is added in place (htmx), with its message there.
    page.evaluate("window.__sameDocument = true")
    item = page.locator('[data-testid="item-RV-2"]')
    expect(item.locator("textarea")).to_be_hidden()
    item.locator('[data-testid="open-comment-RV-2"]').click()
    item.locator("textarea").fill("Show the failover test report.")
    item.locator('[data-testid="send-comment-RV-2"]').click()
    expect(page.locator('[data-testid="notice-RV-2"]')).to_be_visible()
    expect(page.locator('[data-testid="comment-RV-2"]')).to_have_text(re.compile("Show the failover test report."))
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded after a comment"
    # The decision asks first and says what follows; declining leaves everything as it was.
    dialogs = []
    page.once("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.fill("#reason", "Evidence of testing is missing")
    page.click('button[value="request_changes"]')
    assert len(dialogs) == 1 and ("resubmit" in dialogs[0] or "다시 제출" in dialogs[0])
    assert Assessment.objects.for_org(firm).get(pk=assessment.pk).status == "in_review"
    page.once("dialog", lambda d: d.accept())
    _post(page, 'button[value="request_changes"]')
    assert "Show the failover test report." in page.inner_text('[data-testid="snapshot"]')

    # The officer sees the comment beside the requirement, fixes the answer without a reload, resubmits.
    log_in(page, base, "officer@delta.test")
    page.goto(f"{base}/compliance/assessments/{assessment.pk}/")
    card = page.locator('[data-testid="requirement-RV-2"]')
    assert "Show the failover test report." in card.inner_text()
    card.locator('input[value="partial"]').check()
    card.locator("textarea[name$='comment']").fill("test report attached, one scenario failed")
    card.locator('[data-testid="save-RV-2"]').click()
    page.locator('[data-testid="requirement-RV-2"] [data-testid="saved"]').wait_for()
    page.reload()
    _post(page, '[data-testid="submit"]')

    # The supervisor sees what changed and accepts.
    log_in(page, base, "supervisor@fss.test")
    page.goto(f"{base}/review/queue/")
    _post(page, f'[data-testid="queue"] a:has-text("{firm.name_ko}")')
    diff = page.inner_text('[data-testid="diff"]')
    assert "RV-2" in diff and "partial" not in diff  # the answer's label, not its code
    _post(page, 'form[action$="/claim/"] button')
    page.fill("#reason", "Adequate")
    page.once("dialog", lambda d: d.accept())
    _post(page, 'button[value="accept"]')
    assert page.inner_text('[data-testid="status"]') in ("Accepted", "승인")
