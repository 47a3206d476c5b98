"""Writes: validation with field errors, nothing half-written, versioned updates, tiers kept current, audit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from core.concurrency import ConcurrentEditError
from tests.factories.vendors import make_dependency, make_measure, make_provider, make_service, make_vendor
from vendors import services
from vendors.models import BusinessService, Dependency, ProviderCatalog, RedundancyMeasure

pytestmark = pytest.mark.django_db


def service_data(**extra):
    data = {
        "reference": "WEB",
        "name": "Exchange web",
        "importance": "critical",
        "rto_minutes": 60,
        "max_tolerable_downtime_minutes": 120,
        "customers_affected": 100,
    }
    data.update(extra)
    return data


def test_a_service_whose_rto_exceeds_the_maximum_downtime_is_refused_on_the_field(world):
    with pytest.raises(ValidationError) as exc:
        services.create_service(organization=world.firm_a, data=service_data(rto_minutes=500))
    assert "rto_minutes" in exc.value.message_dict
    assert not BusinessService.objects.for_org(world.firm_a).exists()


def test_a_stale_version_raises_a_conflict_and_keeps_the_other_edit(world):
    service = services.create_service(organization=world.firm_a, data=service_data())
    services.update_service(
        service=BusinessService.objects.for_org(world.firm_a).get(), version=1, data={"name": "First"}
    )
    with pytest.raises(ConcurrentEditError):
        services.update_service(service=service, version=1, data={"name": "Second"})
    assert BusinessService.objects.for_org(world.firm_a).get().name == "First"


def test_an_invalid_update_leaves_the_version_unchanged(world):
    service = services.create_service(organization=world.firm_a, data=service_data())
    with pytest.raises(ValidationError):
        services.update_service(service=service, version=1, data={"rto_minutes": 9999})
    assert BusinessService.objects.for_org(world.firm_a).get().version == 1


def test_a_dependency_on_another_firms_vendor_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.create_dependency(
            organization=world.firm_a,
            data={"service": make_service(world.firm_a), "vendor": make_vendor(world.firm_b), "role": "cdn"},
        )
    assert "vendor" in exc.value.message_dict


def test_creating_a_dependency_computes_its_tier(world):
    dep = services.create_dependency(
        organization=world.firm_a,
        data={
            "service": make_service(world.firm_a, is_core_business=True),
            "vendor": make_vendor(world.firm_a),
            "role": "hosting",
        },
    )
    assert dep.computed_tier == "T1"
    assert "G2" in dep.tier_gates


def test_changing_a_vendor_recomputes_its_dependencies(world):
    service = make_service(
        world.firm_a,
        importance="other",
        customer_facing=False,
        customers_affected=0,
        max_tolerable_downtime_minutes=20000,
        rto_minutes=60,
    )
    vendor = make_vendor(world.firm_a, jurisdiction="KR", data_location="kr_only")
    dep = services.create_dependency(
        organization=world.firm_a,
        data={"service": service, "vendor": vendor, "role": "other", "substitutability": "lt_1d"},
    )
    assert dep.computed_tier != "T1"
    services.update_vendor(vendor=vendor, version=vendor.version, data={"priority_contract": True})
    dep.refresh_from_db()
    assert dep.computed_tier == "T1"
    assert dep.tier_gates == ["G5"]


def test_recomputing_unchanged_tiers_writes_nothing(world):
    make_dependency(world.firm_a)
    services.recompute_tiers(world.firm_a)
    assert services.recompute_tiers(world.firm_a) == 0


def test_a_tier_override_downwards_from_t1_needs_minutes(world):
    dep = services.create_dependency(
        organization=world.firm_a,
        data={
            "service": make_service(world.firm_a, is_core_business=True),
            "vendor": make_vendor(world.firm_a),
            "role": "cdn",
        },
    )
    with pytest.raises(ValidationError) as exc:
        services.update_dependency(
            dependency=dep,
            version=dep.version,
            data={
                "tier_override": "T3",
                "tier_override_reason": "static content only",
                "tier_override_approver": world.a_admin,
            },
        )
    assert "tier_override_minutes_ref" in exc.value.message_dict
    assert Dependency.objects.for_org(world.firm_a).get().tier == "T1"


def test_strategy_none_cannot_name_an_alternate(world):
    with pytest.raises(ValidationError) as exc:
        services.create_measure(
            organization=world.firm_a,
            data={
                "dependency": make_dependency(world.firm_a),
                "strategy": "none",
                "alternate_provider": make_provider(),
            },
        )
    assert "strategy" in exc.value.message_dict
    assert not RedundancyMeasure.objects.for_org(world.firm_a).exists()


def test_a_failover_test_in_the_future_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.create_failover_test(
            organization=world.firm_a,
            data={
                "measure": make_measure(world.firm_a),
                "scenario": "x",
                "result": "pass",
                "tested_on": timezone.localdate() + datetime.timedelta(days=1),
            },
        )
    assert "tested_on" in exc.value.message_dict


def test_every_write_is_audited(world):
    service = services.create_service(organization=world.firm_a, data=service_data())
    services.update_service(service=service, version=1, data={"name": "Renamed"})
    actions = list(
        AuditEvent.objects.for_org(world.firm_a)
        .filter(object_type="vendors.BusinessService")
        .values_list("action", flat=True)
    )
    assert sorted(actions) == ["create", "update"]


def test_a_firm_proposal_stays_proposed_until_curated(world):
    provider = services.propose_provider(
        organization=world.firm_a,
        data={
            "key": "tiny-cdn",
            "legal_name": "Tiny CDN",
            "country": "KR",
            "category": "cdn_security",
            "status": "published",
        },
    )
    assert provider.status == "proposed"
    assert provider.proposed_by == world.firm_a
    services.curate_provider(provider=provider, status="published")
    assert ProviderCatalog.objects.get(key="tiny-cdn").status == "published"
    with pytest.raises(ValidationError):
        services.curate_provider(provider=provider, status="bogus")


def test_bulk_writes_can_defer_the_tier_recomputation_to_the_end(world):
    service = make_service(world.firm_a, is_core_business=True)
    with services.deferred_recompute(world.firm_a):
        dep = services.create_dependency(
            organization=world.firm_a, data={"service": service, "vendor": make_vendor(world.firm_a), "role": "cdn"}
        )
        assert dep.computed_tier == ""
    dep.refresh_from_db()
    assert dep.computed_tier == "T1"
