"""Demo: status feeds for the catalog's real providers that publish Atlassian Statuspage JSON.

Offline by design: each feed points at a copy of the provider's summary served by the app itself
(``outages/static/outages/demo-feeds/<key>/api/v2/summary.json``, served under DEBUG by WhiteNoise's
finders, with ETags), so ``make run`` polls something real-shaped without the internet. The providers'
own addresses are in docs/deploy.md; a lead supervisor points the feeds there in a real deployment.
``manage.py demo_cdn_outage`` then plays a CDN outage against them. Idempotent.
"""

from __future__ import annotations

from django.conf import settings

from outages.models import FeedFormat, StatusFeed
from vendors.models import ProviderCatalog

STATUSPAGE_PROVIDERS = ("cloudflare", "akamai", "datadog", "atlassian")


def demo_feed_url(key: str) -> str:
    return f"{settings.OUTAGE_DEMO_FEED_BASE_URL}{settings.STATIC_URL}outages/demo-feeds/{key}/api/v2/summary.json"


def seed(world) -> None:
    for provider in ProviderCatalog.objects.filter(key__in=STATUSPAGE_PROVIDERS):
        if not StatusFeed.objects.filter(provider=provider).exists():
            StatusFeed.objects.create(provider=provider, format=FeedFormat.STATUSPAGE, url=demo_feed_url(provider.key))
