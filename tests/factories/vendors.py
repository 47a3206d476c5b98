"""Factories for the register. Each make_* saves a valid row (through the ORM, not the services,
so tests can build states the services would refuse); FACTORIES feeds the route matrix.

Helpers other tests use:
* ``make_chain(org, ...)``: service → dependency → vendor → measure → test in one call.
* ``make_provider(key)``: a global catalog provider (created once per key).
"""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Organization
from vendors.models import (
    BusinessService,
    Dependency,
    FailoverTest,
    Incident,
    OutageEvent,
    ProviderCatalog,
    RedundancyMeasure,
    Vendor,
)
from vendors.tiering import recompute_tiers

_seq = itertools.count(1)


def make_provider(key: str | None = None, **extra: Any) -> ProviderCatalog:
    key = key or f"provider-{next(_seq)}"
    defaults = {
        "legal_name": f"{key.title()} Inc.",
        "brand": key.title(),
        "country": "US",
        "category": "cdn_security",
        "korean_entity": False,
    }
    defaults.update(extra)
    provider, _ = ProviderCatalog.objects.get_or_create(key=key, defaults=defaults)
    return provider


def make_vendor(org: Organization, **extra: Any) -> Vendor:
    n = next(_seq)
    fields = {
        "reference": f"V-{n}",
        "catalog": extra.pop("catalog", None) or make_provider(),
        "name": f"Vendor {n}",
        "category": "cdn_security",
        "jurisdiction": "US",
        "data_location": "offshore",
    }
    fields.update(extra)
    return Vendor.objects.create(organization=org, **fields)


def make_service(org: Organization, **extra: Any) -> BusinessService:
    n = next(_seq)
    fields = {
        "reference": f"S-{n}",
        "name": f"Service {n}",
        "importance": "critical",
        "rto_minutes": 60,
        "max_tolerable_downtime_minutes": 240,
        "customers_affected": 50_000,
    }
    fields.update(extra)
    return BusinessService.objects.create(organization=org, **fields)


def make_dependency(org: Organization, **extra: Any) -> Dependency:
    """A dependency with its tier computed, as the services would leave it (unless ``computed_tier`` is given)."""
    fields = {"role": "cdn", "substitutability": "1w_4w"}
    fields.update(extra)
    if "service" not in fields:
        fields["service"] = make_service(org)
    fields.setdefault("vendor", make_vendor(org))
    dep = Dependency.objects.create(organization=org, **fields)
    if "computed_tier" not in extra:
        recompute_tiers(org)
        dep.refresh_from_db(fields=["computed_tier", "tier_score", "tier_gates"])
    return dep


def make_measure(org: Organization, **extra: Any) -> RedundancyMeasure:
    fields = {"strategy": "active_active", "expected_switch_minutes": 15}
    fields.update(extra)
    if "dependency" not in fields:
        fields["dependency"] = make_dependency(org)
    if fields["strategy"] not in ("none", "in_house") and "alternate_provider" not in fields:
        fields["alternate_provider"] = make_provider()
    return RedundancyMeasure.objects.create(organization=org, **fields)


def make_failover_test(org: Organization, **extra: Any) -> FailoverTest:
    fields = {
        "tested_on": timezone.localdate() - datetime.timedelta(days=30),
        "scenario": "Switch CDN",
        "result": "pass",
        "achieved_recovery_minutes": 10,
    }
    fields.update(extra)
    if "measure" not in fields:
        fields["measure"] = make_measure(org)
    return FailoverTest.objects.create(organization=org, **fields)


def make_outage_event(**extra: Any) -> OutageEvent:
    fields = {
        "name": "CDN outage",
        "name_ko": "CDN 장애",
        "provider": make_provider("cloudflare-test"),
        "started_at": timezone.now() - datetime.timedelta(days=10, hours=3),
        "ended_at": timezone.now() - datetime.timedelta(days=10),
    }
    fields.update(extra)
    return OutageEvent.objects.create(**fields)


def make_incident(org: Organization, **extra: Any) -> Incident:
    n = next(_seq)
    fields = {
        "reference": f"INC-{n}",
        "started_at": timezone.now() - datetime.timedelta(days=5, hours=2),
        "ended_at": timezone.now() - datetime.timedelta(days=5),
    }
    fields.update(extra)
    fields.setdefault("provider", make_provider())
    return Incident.objects.create(organization=org, **fields)


def make_chain(
    org: Organization,
    *,
    strategy: str | None = "active_active",
    result: str | None = "pass",
    tested_days_ago: int = 30,
    achieved: int | None = 10,
    importance: str = "critical",
    rto: int = 60,
) -> Dependency:
    """A critical service on one vendor, optionally with a measure and one failover test."""
    service = make_service(org, importance=importance, rto_minutes=rto, max_tolerable_downtime_minutes=max(rto, 240))
    dep = make_dependency(org, service=service)
    if strategy is not None:
        measure = make_measure(org, dependency=dep, strategy=strategy)
        if result is not None:
            make_failover_test(
                org, measure=measure, result=result, achieved_recovery_minutes=achieved,
                tested_on=timezone.localdate() - datetime.timedelta(days=tested_days_ago),
            )
    return dep


# The route matrix builds another firm's rows with these: "B-SECRET" in a displayed text field.
FACTORIES = {
    Vendor: lambda org: make_vendor(org, name=f"B-SECRET vendor {next(_seq)}"),
    BusinessService: lambda org: make_service(org, name=f"B-SECRET service {next(_seq)}"),
    Dependency: lambda org: make_dependency(
        org, service=make_service(org, name=f"B-SECRET service {next(_seq)}"),
        vendor=make_vendor(org, name=f"B-SECRET vendor {next(_seq)}"), notes="B-SECRET",
    ),
    RedundancyMeasure: lambda org: make_measure(org, runbook_reference="B-SECRET runbook", notes="B-SECRET"),
    # With an evidence file, so the evidence download route has something to serve its own firm.
    FailoverTest: lambda org: make_failover_test(
        org, scenario="B-SECRET scenario", evidence=ContentFile(b"B-SECRET evidence", name="drill.txt")
    ),
    Incident: lambda org: make_incident(org, reference=f"B-SECRET-{next(_seq)}", customer_impact="B-SECRET"),
}


GLOBAL_FACTORIES = {
    ProviderCatalog: lambda created: make_provider(),
    OutageEvent: lambda created: make_outage_event(),
}
