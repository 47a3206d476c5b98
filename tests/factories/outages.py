"""Factories for the live outage response. The firm's response is what it tells the supervisor: "B-SUBMITTED"."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.utils import timezone

from outages.models import LiveOutage, OutageResponse, StatusFeed
from tests.factories.vendors import make_provider

_seq = itertools.count(1)


def make_feed(provider=None, **extra: Any) -> StatusFeed:
    n = next(_seq)
    fields = {"provider": provider or make_provider(), "format": "statuspage",
              "url": f"http://127.0.0.1:9/feed-{n}/api/v2/summary.json"}
    fields.update(extra)
    return StatusFeed.objects.create(**fields)


def make_live_outage(provider=None, **extra: Any) -> LiveOutage:
    now = timezone.now()
    fields = {"provider": provider or make_provider("cloudflare-live"), "title": "Global network issues",
              "status": "confirmed", "started_at": now - datetime.timedelta(minutes=40),
              "detected_at": now - datetime.timedelta(minutes=35), "components": ["CDN/Cache"]}
    fields.update(extra)
    return LiveOutage.objects.create(**fields)


def make_response(org, outage: LiveOutage | None = None, **extra: Any) -> OutageResponse:
    fields = {"organization": org, "outage": outage or make_live_outage(),
              "services": [{"reference": "S1", "name": "B-SUBMITTED service"}], "notes": "B-SUBMITTED note"}
    fields.update(extra)
    return OutageResponse.objects.create(**fields)


FACTORIES = {OutageResponse: make_response}
GLOBAL_FACTORIES = {
    LiveOutage: lambda created: make_live_outage(),
    StatusFeed: lambda created: make_feed(),
}
