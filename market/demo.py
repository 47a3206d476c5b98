"""Demo: the two Cloudflare outages as ready-made, shared simulations of the regulator.

Same provider, two durations (190 minutes of full impact, and 25 minutes hitting about 28 % of its
traffic): firms whose RTO sits between them breach in the first and not in the second, which is why
duration matters. Idempotent.
"""

from __future__ import annotations

from market import services
from market.models import SavedSimulation
from vendors.models import OutageEvent

SCENARIOS = [
    ("18 Nov 2025 CDN outage", "2025-11-18"),
    ("5 Dec 2025 repeat", "2025-12-05"),
]


def seed(world) -> None:
    regulator = world.orgs.get("fss")
    supervisor = world.users.get("fss:supervisor")
    if regulator is None or supervisor is None:
        return
    events = OutageEvent.objects.filter(provider__key="cloudflare").order_by("started_at")
    for name, day in SCENARIOS:
        event = next((e for e in events if e.started_at.date().isoformat() == day), None)
        if event is None or SavedSimulation.objects.for_org(regulator).filter(name=name).exists():
            continue
        params = services.scenario(event)
        results = services.simulate_market(user=supervisor, failed=params["providers"],
                                           duration_minutes=params["duration_minutes"], detail_limit=None,
                                           traffic_share_pct=params["traffic_share_pct"])
        services.save_simulation(organization=regulator, user=supervisor, name=name, failed=params["providers"],
                                 duration_minutes=params["duration_minutes"], results=results, shared=True,
                                 traffic_share_pct=params["traffic_share_pct"])
