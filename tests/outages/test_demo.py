"""The demo's feeds and the scripted CDN outage."""

import io

import pytest
from django.core.management import call_command

from outages import demo
from outages.models import LiveOutage, OutageResponse, OutageStatus, StatusFeed
from tests.factories.outages import make_feed
from tests.factories.vendors import make_provider
from tests.market.helpers import dep, submit_register


def test_the_demo_gives_each_statuspage_provider_one_feed_served_by_the_app(world):
    for key in ("cloudflare", "akamai", "nhn-cloud"):
        make_provider(key)
    demo.seed(None)
    demo.seed(None)
    feeds = {f.provider.key: f.url for f in StatusFeed.objects.select_related("provider")}
    assert set(feeds) == {"cloudflare", "akamai"}
    assert feeds["cloudflare"].endswith("/static/outages/demo-feeds/cloudflare/api/v2/summary.json")


def test_every_demo_feed_file_is_a_statuspage_summary_with_no_outage():
    from pathlib import Path

    from django.utils import timezone

    from outages import parsers, rules

    root = Path(demo.__file__).parent / "static" / "outages" / "demo-feeds"
    for key in demo.STATUSPAGE_PROVIDERS:
        state = parsers.parse_statuspage((root / key / "api" / "v2" / "summary.json").read_bytes())
        assert state.components and rules.detect(state, timezone.now()) is None


# Committed for real, as the command runs: confirming notifies the firms when the transaction commits.
@pytest.mark.django_db(transaction=True)
def test_the_scripted_cdn_outage_fills_the_board_and_puts_the_feed_back(world):
    cdn = make_provider("cloudflare")
    submit_register(world.firm_a, [dep(cdn, service="WEB", rto=30, strategy="active_passive", best=40)])
    submit_register(world.firm_b, [dep(cdn, service="APP", rto=60)])
    feed = make_feed(cdn, url="http://127.0.0.1:8000/static/outages/demo-feeds/cloudflare/api/v2/summary.json")
    out = io.StringIO()
    call_command("demo_cdn_outage", "--resolve", stdout=out)
    outage = LiveOutage.objects.get()
    assert outage.status == OutageStatus.RESOLVED
    states = {r.organization: r.state for r in OutageResponse.objects.across_firms(world.supervisor)}
    assert states == {world.firm_a: "failed_over", world.firm_b: "degraded"}
    text = out.getvalue()
    assert "Board after the firms answered: 2 firms, 2 services" in text and "Alpha Bank" in text
    feed.refresh_from_db()
    assert feed.url.startswith("http://127.0.0.1:8000/static/")
