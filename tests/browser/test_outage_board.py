"""A CDN's status feed turns red: the lead confirms the draft, the board fills in, a firm's failover appears
without a reload."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import OrganizationKind
from accounts.roles import Role
from outages import services
from outages.fixture_server import FixtureServer
from outages.models import LiveOutage, OutageResponse
from tests.browser.login import log_in
from tests.factories.accounts import make_member, make_org
from tests.factories.outages import make_feed
from tests.factories.vendors import make_provider
from tests.market.helpers import dep, submit_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_board_fills_in_and_shows_a_failover_without_reload(browser_page, live_server, settings):
    settings.OUTAGE_BOARD_REFRESH_SECONDS = 1
    regulator = make_org("Supervisor", OrganizationKind.REGULATOR)
    lead = make_member(regulator, Role.LEAD_SUPERVISOR, "lead@fss.test")
    cdn = make_provider("cloudflare", legal_name="Cloudflare, Inc.", brand="Cloudflare")
    exchange = make_org("Tight RTO Exchange", OrganizationKind.VASP)
    officer = make_member(exchange, Role.OFFICER, "officer@exchange.test")
    submit_register(exchange, [dep(cdn, service="WEB", rto=30)])
    server = FixtureServer().start()
    try:
        feed = make_feed(cdn, url=server.serve_fixture("/api/v2/summary.json", "statuspage_major_outage.json"))
        services.poll_feed(feed)
    finally:
        server.stop()
    outage = LiveOutage.objects.get()
    # The recorded page is from 18 Nov 2025; the demo outage is live, 45 minutes in.
    LiveOutage.objects.filter(pk=outage.pk).update(started_at=timezone.now() - datetime.timedelta(minutes=45),
                                                   detected_at=timezone.now() - datetime.timedelta(minutes=40))
    page, base = browser_page, live_server.url

    log_in(page, base, lead.email)
    page.goto(f"{base}/outages/{outage.pk}/")
    expect(page.locator('[data-testid="outage-status"]')).to_contain_text("확인")
    with page.expect_navigation():
        page.click('[data-testid="confirm"]')
    row = page.locator('[data-testid="board-row"][data-service="WEB"]')
    expect(row).to_contain_text("Tight RTO Exchange")
    expect(row.locator('[data-testid="rto-left"]')).to_contain_text("15")

    response = OutageResponse.objects.across_firms(lead).get(outage=outage)
    services.mark(response=response, user=officer, state="failed_over",
                  at=timezone.now() - datetime.timedelta(minutes=5), expected_version=response.version)
    expect(row.locator('[data-testid="answer"]')).to_contain_text("장애 전환", timeout=10_000)
