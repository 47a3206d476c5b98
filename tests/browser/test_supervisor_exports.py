"""A supervisor exports the review queue from its page on the embedded default (the job runs in a thread):
the progress appears beside the button, then the download, without leaving the page."""

import pytest
from playwright.sync_api import expect

from accounts.models import OrganizationKind
from accounts.roles import Role
from compliance import services as compliance_services
from compliance.models import Requirement
from review import services
from tests.browser.login import log_in
from tests.concurrency import THREAD_WRITES_NEED_A_SERVER_DATABASE
from tests.factories.accounts import make_authenticator, make_member, make_org
from tests.factories.compliance import make_assessment, make_framework

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@THREAD_WRITES_NEED_A_SERVER_DATABASE
def test_the_queue_export_shows_its_progress_then_the_download(browser_page, live_server, settings):
    settings.EXPORT_IN_THREAD = True
    settings.EXPORT_ALLOW_THROTTLE = True  # slows each row so the progress is seen
    regulator = make_org("Export FSS", OrganizationKind.REGULATOR)
    make_authenticator(make_member(regulator, Role.SUPERVISOR, "supervisor@export.test"))
    for i in range(3):
        firm = make_org(f"Export Bank {i}", OrganizationKind.BANK)
        officer = make_member(firm, Role.OFFICER, f"officer{i}@export.test")
        assessment = make_assessment(firm, make_framework(requirements=[(f"X{i}-1", "A", 1, False, {}, False)]))
        for req in Requirement.objects.filter(framework=assessment.framework):
            compliance_services.save_answer(assessment=assessment, requirement=req, response="compliant",
                                            comment="", expected_version=None, user=officer)
        assessment.refresh_from_db()
        services.submit(assessment=assessment, actor=officer, role="officer")
    page, base = browser_page, live_server.url
    log_in(page, base, "supervisor@export.test")
    page.goto(f"{base}/review/queue/?throttle_ms=700")
    page.evaluate("window.__sameDocument = true")
    page.click('[data-testid="export-review_queue"]')
    progress = page.locator('[data-testid="export-progress"]')
    expect(progress.locator("progress")).to_be_visible()
    expect(progress.locator('[data-testid="export-download"]')).to_be_visible(timeout=30_000)
    assert page.evaluate("window.__sameDocument === true")
