"""The poller on the real worker, against a status page served on loopback: a component goes from
operational to major_outage and back; the outage is opened, confirmed, firms are told, it is resolved."""

import time

import pytest

from outages.fixture_server import FixtureServer
from outages.models import LiveOutage, OutageResponse, OutageStatus
from outages.tasks import poll_feed, poll_feeds
from review.models import Notification
from tests.factories.outages import make_feed
from tests.factories.vendors import make_provider
from tests.market.helpers import dep, submit_register

pytestmark = pytest.mark.services
PATH = "/api/v2/summary.json"


@pytest.fixture
def status_page():
    server = FixtureServer().start()
    yield server
    server.stop()


def _eventually(check, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("not within the time allowed")


def test_a_component_goes_down_and_back_on_the_real_worker(real_worker, world, status_page):
    from outages import services

    cdn = make_provider("cloudflare-services")
    submit_register(world.firm_a, [dep(cdn, service="WEB", rto=30)])
    feed = make_feed(cdn, url=status_page.serve_fixture(PATH, "statuspage_operational.json"))

    assert poll_feeds.delay().get(timeout=30) == 1
    _eventually(lambda: feed.components.exists())
    assert poll_feed.delay(feed.pk).get(timeout=30) == "not_modified"
    assert not LiveOutage.objects.exists()

    status_page.serve_fixture(PATH, "statuspage_major_outage.json")
    assert poll_feed.delay(feed.pk).get(timeout=30) == "ok"
    outage = LiveOutage.objects.get()
    assert outage.status == OutageStatus.DRAFT and outage.severity == "major_outage"
    _eventually(lambda: Notification.objects.across_firms(world.supervisor).filter(kind="outage_detected").exists())

    services.confirm(outage=outage, user=world.lead)
    response = _eventually(lambda: OutageResponse.objects.across_firms(world.supervisor).filter(outage=outage).first())
    assert response.organization == world.firm_a and response.services[0]["reference"] == "WEB"
    told = _eventually(lambda: list(Notification.objects.across_firms(world.supervisor).filter(
        kind="outage_affects_you", emailed_at__isnull=False)))
    assert {n.organization for n in told} == {world.firm_a}

    status_page.serve_fixture(PATH, "statuspage_resolved.json")
    assert poll_feed.delay(feed.pk).get(timeout=30) == "ok"
    outage.refresh_from_db()
    assert outage.proposed_end_at is not None
    services.resolve(outage=outage, user=world.lead)
    outage.refresh_from_db()
    assert outage.status == OutageStatus.RESOLVED
