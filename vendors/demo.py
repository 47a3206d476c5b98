"""Demo registers for every demo firm (data in vendors.demo_data). Idempotent: rows match by reference."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from audit.context import acting_as
from vendors.catalog import load_catalog
from vendors.demo_data import FIRMS, INCIDENTS
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

UTC = datetime.UTC
# (start, core traffic restored, fully normal, share of the provider's traffic hit). 18 Nov from Cloudflare's
# postmortem: impact from about 11:20 UTC, core traffic largely back about 14:30, all normal at 17:06 (the
# status page showed 11:48-14:42). 5 Dec: 08:47-09:12 UTC, about 28 % of its HTTP traffic.
NOV_18 = (datetime.datetime(2025, 11, 18, 11, 20, tzinfo=UTC), datetime.datetime(2025, 11, 18, 14, 30, tzinfo=UTC),
          datetime.datetime(2025, 11, 18, 17, 6, tzinfo=UTC), 100)
DEC_5 = (datetime.datetime(2025, 12, 5, 8, 47, tzinfo=UTC), None, datetime.datetime(2025, 12, 5, 9, 12, tzinfo=UTC), 28)
# Hyperscalers run Seoul regions: data stays in Korea even though the parent is foreign.
SEOUL_REGIONS = {
    "aws": "ap-northeast-2 (Seoul)",
    "microsoft": "Korea Central",
    "google-cloud": "asia-northeast3 (Seoul)",
    "oracle-cloud": "ap-seoul-1",
}


def _events(providers: dict[str, ProviderCatalog]) -> dict[str, OutageEvent]:
    specs = {
        "nov": (
            "Cloudflare global outage, 18 Nov 2025",
            "클라우드플레어 전 세계 장애 (2025년 11월 18일)",
            NOV_18,
            "A configuration file of Cloudflare's bot management grew beyond its limit and crashed the proxy "
            "worldwide; sites behind Cloudflare, and some outage trackers, returned errors. Modelled as full "
            "impact 11:20-14:30 UTC (190 minutes, what a replay simulates as downtime), then a tail of residual "
            "errors until all systems were normal at 17:06 UTC (Cloudflare's postmortem); the status page "
            "showed 11:48-14:42 UTC.",
        ),
        "dec": (
            "Cloudflare outage, 5 Dec 2025",
            "클라우드플레어 장애 (2025년 12월 5일)",
            DEC_5,
            "A change to Cloudflare's request-body parsing took part of its network down for 25 minutes "
            "(08:47-09:12 UTC): about 28 % of its HTTP traffic, the customers on one proxy and rule set. "
            "A replay simulates 25 minutes with a 28 % share of traffic affected.",
        ),
    }
    events = {}
    for key, (name, name_ko, (start, core, end, share), description) in specs.items():
        events[key], _ = OutageEvent.objects.get_or_create(
            name=name,
            defaults={
                "name_ko": name_ko,
                "provider": providers["cloudflare"],
                "started_at": start,
                "core_restored_at": core,
                "ended_at": end,
                "traffic_share_pct": share,
                "description": description,
            },
        )
    return events


def _vendor(org, providers, today, row) -> Vendor:
    ref, key, name, data, days_left, exit_plan, priority = row
    catalog = providers[key]
    foreign = catalog.country != "KR"
    end = today + datetime.timedelta(days=days_left)
    defaults = {
        "catalog": catalog,
        "name": name,
        "category": catalog.category,
        "jurisdiction": catalog.country,
        "data_location": "kr_only" if not foreign or key in SEOUL_REGIONS else "offshore",
        "data_region": SEOUL_REGIONS.get(key, ""),
        "shares_unique_id": "u" in data,
        "shares_personal_credit": "c" in data,
        "shares_transaction_data": "t" in data,
        "shares_crypto_keys": "k" in data,
        "contract_reference": f"CT-{ref}-2023",
        "contract_start": end - datetime.timedelta(days=3 * 365),
        "contract_end": end,
        "notice_period_days": 90,
        "audit_rights": True,
        "supervisory_access": not foreign or priority,
        "exit_clause": exit_plan or priority,
        "priority_contract": priority,
        "exit_plan_exists": exit_plan,
        "exit_plan_reviewed_on": today - datetime.timedelta(days=120) if exit_plan else None,
        "exit_plan_duration_days": 90 if exit_plan else None,
    }
    vendor, created = Vendor.objects.for_org(org).get_or_create(organization=org, reference=ref, defaults=defaults)
    if created:
        vendor.full_clean()
        vendor.subcontractors.set(catalog.upstreams.all())
    return vendor


def _service(org, row) -> BusinessService:
    ref, name, importance, core, facing, trading, rto, mtd, customers = row
    service, _ = BusinessService.objects.for_org(org).get_or_create(
        organization=org,
        reference=ref,
        defaults={
            "name": name,
            "importance": importance,
            "is_core_business": core,
            "customer_facing": facing,
            "trading_path": trading,
            "rto_minutes": rto,
            "rpo_minutes": min(rto, 15),
            "max_tolerable_downtime_minutes": mtd,
            "customers_affected": customers,
        },
    )
    return service


def _measure(org, dep, providers, today, spec) -> None:
    strategy, alternate, switch, tests, shared = spec
    runbook = f"RB-{dep.service.reference}-{dep.vendor.reference}-{dep.role}"
    measure, created = RedundancyMeasure.objects.for_org(org).get_or_create(
        organization=org,
        dependency=dep,
        runbook_reference=runbook,
        defaults={
            "strategy": strategy,
            "alternate_provider": providers.get(alternate) if alternate not in (None, "in_house") else None,
            "alternate_in_house": alternate == "in_house",
            "expected_switch_minutes": switch,
        },
    )
    if created:
        measure.full_clean()
        measure.shared_upstreams.set([providers[k] for k in shared])
    for n, (days_ago, result, minutes) in enumerate(tests, start=1):
        FailoverTest.objects.for_org(org).get_or_create(
            organization=org,
            measure=measure,
            scenario=f"Drill {n}: {dep.vendor.name} unavailable",
            defaults={
                "tested_on": today - datetime.timedelta(days=days_ago),
                "result": result,
                "achieved_recovery_minutes": minutes,
                "notes": "" if result == "pass" else "Switch-over did not complete; follow-up opened.",
            },
        )


def _incidents(world, providers, vendors_by_firm, services_by_firm, events) -> None:
    for slug, ref, event_key, minutes, users, service_refs, impact in INCIDENTS:
        if slug not in world.orgs:
            continue
        org, event = world.orgs[slug], events[event_key]
        with acting_as(world.users.get(f"{slug}:officer"), org):
            incident, created = Incident.objects.for_org(org).get_or_create(
                organization=org,
                reference=ref,
                defaults={
                    "provider": providers["cloudflare"],
                    "vendor": vendors_by_firm[slug]["CF"],
                    "outage_event": event,
                    "started_at": event.started_at,
                    "ended_at": event.started_at + datetime.timedelta(minutes=minutes),
                    "users_affected": users,
                    "customer_impact": impact,
                    "reported_to_supervisor_at": event.started_at + datetime.timedelta(minutes=max(minutes, 30) + 20),
                    "root_cause": event.description,
                    "actions": "Multi-CDN failover review; status page moved off the primary CDN.",
                },
            )
            if created:
                incident.affected_services.set([services_by_firm[slug][r] for r in service_refs])


@transaction.atomic
def seed(world) -> None:
    load_catalog()
    providers = {p.key: p for p in ProviderCatalog.objects.prefetch_related("upstreams")}
    events = _events(providers)
    today = timezone.localdate()
    vendors_by_firm, services_by_firm = {}, {}
    for slug, (service_rows, vendor_rows, dep_rows) in FIRMS.items():
        org = world.orgs.get(slug)
        if org is None:
            continue
        with acting_as(world.users.get(f"{slug}:officer"), org):
            vendors = {row[0]: _vendor(org, providers, today, row) for row in vendor_rows}
            services = {row[0]: _service(org, row) for row in service_rows}
            for service_ref, vendor_ref, role, switch_time, measure, *flags in dep_rows:
                work = flags[0] if flags else ""
                dep, _ = Dependency.objects.for_org(org).get_or_create(
                    organization=org,
                    service=services[service_ref],
                    vendor=vendors[vendor_ref],
                    role=role,
                    defaults={
                        "substitutability": switch_time,
                        "failure_stops_service": "d" not in work,
                        "processes_shared_data": "x" not in work,
                    },
                )
                if measure is not None:
                    _measure(org, dep, providers, today, measure)
            recompute_tiers(org)
        vendors_by_firm[slug], services_by_firm[slug] = vendors, services
    _incidents(world, providers, vendors_by_firm, services_by_firm, events)
