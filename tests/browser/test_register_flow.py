"""An officer registers a vendor, a critical service, a dependency and a redundancy measure whose failover
test failed, then finds the single point of failure on the dashboard — all through the real pages."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import OrganizationKind
from accounts.roles import Role
from tests.factories.accounts import PASSWORD, make_member, make_org
from tests.factories.vendors import make_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _save(page) -> None:
    with page.expect_navigation():
        page.click('[data-testid="save"]')
    assert page.locator(".field-error").count() == 0, page.locator(".field-error").all_inner_texts()


def test_officer_registers_a_chain_and_sees_the_spof_on_the_dashboard(browser_page, live_server, transactional_db):
    firm = make_org("Gamma Exchange", OrganizationKind.VASP)
    make_member(firm, Role.OFFICER, "officer@gamma.test")
    primary = make_provider("browser-cdn", legal_name="Browser CDN Inc.", brand="Browser CDN")
    alternate = make_provider("browser-alt", legal_name="Alternate Edge Inc.", brand="Alternate Edge")
    page = browser_page
    base = live_server.url

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "officer@gamma.test")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")

    # A vendor.
    page.goto(f"{base}/vendors/new/")
    page.fill("#id_reference", "V-CDN")
    page.select_option("#id_catalog", str(primary.pk))
    page.fill("#id_name", "Web front CDN")
    page.select_option("#id_category", "cdn_security")
    page.fill("#id_jurisdiction", "US")
    page.select_option("#id_data_location", "offshore")
    _save(page)
    assert "Web front CDN" in page.inner_text("h1")

    # A critical service.
    page.goto(f"{base}/vendors/services/new/")
    page.fill("#id_reference", "S-WEB")
    page.fill("#id_name", "Exchange web front")
    page.select_option("#id_importance", "critical")
    page.fill("#id_rto_minutes", "30")
    page.fill("#id_max_tolerable_downtime_minutes", "60")
    page.fill("#id_customers_affected", "250000")
    _save(page)

    # Its dependency on the vendor, from the service page (the service is preselected).
    with page.expect_navigation():
        page.click('[data-testid="add-dependency"]')
    page.select_option("#id_vendor", label="Web front CDN")
    page.select_option("#id_role", "cdn")
    _save(page)
    assert page.locator('[data-testid="tier"]').is_visible()

    # A redundancy measure, then a failed failover test.
    with page.expect_navigation():
        page.click('[data-testid="add-measure"]')
    page.select_option("#id_strategy", "active_passive")
    page.select_option("#id_alternate_provider", str(alternate.pk))
    page.fill("#id_expected_switch_minutes", "15")
    _save(page)
    with page.expect_navigation():
        page.click('[data-testid="add-test"]')
    page.fill("#id_tested_on", (timezone.localdate() - datetime.timedelta(days=7)).isoformat())
    page.fill("#id_scenario", "Primary CDN unreachable")
    page.select_option("#id_result", "fail")
    page.fill("#id_achieved_recovery_minutes", "120")
    _save(page)
    assert page.locator('[data-testid="spof-reason"]').count() >= 1

    # The dashboard names the single point of failure and links to the dependency.
    page.goto(f"{base}/")
    panel = page.locator('[data-testid="panel-spof"]')
    assert panel.is_visible()
    assert "Exchange web front" in panel.inner_text()
    with page.expect_navigation():
        panel.locator("a", has_text="Exchange web front").first.click()
    assert "/vendors/dependencies/" in page.url
