"""A supervisor runs the 18 Nov 2025 scenario and sees the firms that would breach their RTO."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import OrganizationKind
from accounts.roles import Role
from tests.browser.login import log_in
from tests.factories.accounts import make_member, make_org
from tests.factories.vendors import make_provider
from tests.market.helpers import dep, submit_register
from vendors.models import OutageEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_runs_the_18_nov_scenario_and_sees_the_firms_breaching_their_rto(browser_page, live_server):
    regulator = make_org("Supervisor", OrganizationKind.REGULATOR)
    make_member(regulator, Role.SUPERVISOR, "supervisor@fss.test")
    cdn = make_provider("cloudflare", legal_name="Cloudflare, Inc.", brand="Cloudflare")
    tight = make_org("Tight RTO Exchange", OrganizationKind.VASP)
    loose = make_org("Loose RTO Bank", OrganizationKind.BANK)
    submit_register(tight, [dep(cdn, service="WEB", rto=60)])
    submit_register(loose, [dep(cdn, service="NET", rto=240)])
    start = timezone.make_aware(datetime.datetime(2025, 11, 18, 11, 48))
    event = OutageEvent.objects.create(name="Cloudflare global outage, 18 Nov 2025", name_ko="클라우드플레어 장애",
                                       provider=cdn, started_at=start, ended_at=start + datetime.timedelta(minutes=174))
    page, base = browser_page, live_server.url

    log_in(page, base, "supervisor@fss.test")  # first login: enrols an authenticator on the real page

    page.goto(f"{base}/market/simulate/")
    with page.expect_navigation():
        page.click(f'[data-testid="scenario-{event.pk}"]')
    breaching = page.inner_text('[data-testid="breaching"]')
    # The page is in Korean (the browser's default), so the firms go by their Korean names.
    assert tight.name_ko in breaching
    assert loose.name_ko not in breaching
    assert page.locator('[data-testid="results"] svg').count() == 1
