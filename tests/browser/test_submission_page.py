"""The submission page lists what blocks submitting, each a link to its requirement, with Submit disabled,
and a breadcrumb back to the assessment."""

import pytest
from playwright.sync_api import expect

from accounts.models import OrganizationKind
from accounts.roles import Role
from compliance.models import Requirement
from tests.browser.login import log_in
from tests.factories.accounts import make_member, make_org
from tests.factories.compliance import make_assessment, make_framework

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_blockers_link_to_their_requirement_and_submit_waits_for_them(browser_page, live_server):
    firm = make_org("Blocker Bank", OrganizationKind.BANK)
    make_member(firm, Role.OFFICER, "officer@blocker.test")
    assessment = make_assessment(firm, make_framework(requirements=[("BL-1", "A", 2, False, {}, False),
                                                                    ("BL-2", "A", 2, True, {}, False)]),
                                 title="Blocked 2025")
    page, base = browser_page, live_server.url
    log_in(page, base, "officer@blocker.test")
    page.goto(f"{base}/review/assessments/{assessment.pk}/")
    expect(page.locator('[data-testid="blockers"] li')).to_have_count(2)
    expect(page.locator('[data-testid="submit"]')).to_be_disabled()

    pk = Requirement.objects.get(framework=assessment.framework, ref="BL-2").pk
    with page.expect_navigation():
        page.click('[data-testid="blocker-BL-2"]')
    assert page.url.endswith(f"/compliance/assessments/{assessment.pk}/?req={pk}#req-{pk}")
    expect(page.locator(f"#req-{pk}")).to_be_in_viewport()

    page.go_back()
    with page.expect_navigation():
        page.click('[data-testid="back-to-assessment"]')
    assert page.url.endswith(f"/compliance/assessments/{assessment.pk}/")
