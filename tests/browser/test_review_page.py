"""On a long submission the decision form and the section navigation stay in view wherever the supervisor
has scrolled, and a refused decision is explained beside the form."""

import pytest
from playwright.sync_api import expect

from accounts.models import OrganizationKind
from accounts.roles import Role
from compliance import services as compliance_services
from compliance.models import Requirement
from review import services
from tests.browser.login import log_in
from tests.factories.accounts import make_authenticator, make_member, make_org
from tests.factories.compliance import make_assessment, make_framework

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REQUIREMENTS = [(f"L-{'ABCD'[i % 4]}{i + 1}", "ABCD"[i % 4], 2, False, {}, False) for i in range(40)]


def test_the_decision_stays_at_hand_on_a_long_submission(browser_page, live_server):
    firm = make_org("Long Bank", OrganizationKind.BANK)
    regulator = make_org("Long FSS", OrganizationKind.REGULATOR)
    officer = make_member(firm, Role.OFFICER, "officer@long.test")
    supervisor = make_member(regulator, Role.SUPERVISOR, "supervisor@long.test")
    make_authenticator(supervisor)
    assessment = make_assessment(firm, make_framework(requirements=REQUIREMENTS), title="Long 2025")
    for i, req in enumerate(Requirement.objects.filter(framework=assessment.framework).order_by("order")):
        compliance_services.save_answer(assessment=assessment, requirement=req,
                                        response="non_compliant" if i == 39 else "compliant", comment="",
                                        expected_version=None, user=officer)
    assessment.refresh_from_db()
    submission = services.submit(assessment=assessment, actor=officer, role="officer")
    services.claim(submission=submission, actor=supervisor, role="supervisor")
    page, base = browser_page, live_server.url
    log_in(page, base, "supervisor@long.test")
    page.goto(f"{base}/review/submissions/{submission.pk}/")

    # The one gap comes first; then scroll to the very last requirement: the form is still in view.
    attention = page.locator('[data-testid="attention"]')
    expect(attention.locator('[data-testid="item-L-D40"]')).to_be_visible()
    page.locator('[data-testid="item-L-D36"]').scroll_into_view_if_needed()
    expect(page.locator('[data-testid="item-L-D36"]')).to_be_in_viewport()
    expect(page.locator('[data-testid="decision-form"]')).to_be_in_viewport()
    expect(page.locator('[data-testid="section-nav"]')).to_be_visible()
    assert page.locator("textarea:visible").count() == 1  # only the reason: comment boxes open on demand

    # Requesting changes without a comment: refused, said in the panel, the reason kept.
    page.fill("#reason", "Testing evidence missing")
    page.once("dialog", lambda d: d.accept())
    with page.expect_navigation():
        page.click('[data-testid="request-changes"]')
    expect(page.locator('[data-testid="panel-errors"]')).to_be_visible()
    expect(page.locator("#reason")).to_have_value("Testing evidence missing")
    assert page.locator(".messages").count() == 0
