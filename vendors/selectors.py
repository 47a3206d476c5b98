"""Scoped reads of the register, each in a constant number of queries whatever the row count."""

from __future__ import annotations

import datetime

from django.db import connections
from django.db.models import Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Organization
from vendors import rules
from vendors.choices import CatalogStatus, Strategy, TestResult, Tier, VendorStatus
from vendors.models import (
    BusinessService,
    Dependency,
    FailoverTest,
    Incident,
    ProviderCatalog,
    RedundancyMeasure,
    Vendor,
)


def vendors_for(organization: Organization | None) -> QuerySet[Vendor]:
    return (
        Vendor.objects.for_org(organization)
        .select_related("catalog", "owner", "exit_plan_target")
        .prefetch_related("subcontractors")
    )


def with_subcontractor_ids(vendors: QuerySet[Vendor]) -> QuerySet[Vendor]:
    """The vendors with their subcontractors' ids, in the catalog's order, for a read-only representation.

    On PostgreSQL each row carries them as an array (``subcontractor_ids``) from the same query: no second query
    and no related manager per row. Elsewhere they are prefetched. The link rows are read for the vendors the
    queryset already narrowed to one firm (and the database's own policy on the link table still applies).
    Not for a write: the array is what the row held when it was read."""
    if connections[vendors.db].vendor != "postgresql":
        return vendors.prefetch_related("subcontractors")
    from django.contrib.postgres.expressions import ArraySubquery

    order = [f"-providercatalog__{f[1:]}" if f.startswith("-") else f"providercatalog__{f}"
             for f in ProviderCatalog._meta.ordering]
    links = (
        Vendor.subcontractors.through.objects.filter(vendor_id=OuterRef("pk"))
        .order_by(*order, "providercatalog_id")
        .values("providercatalog_id")
    )
    return vendors.annotate(subcontractor_ids=ArraySubquery(links))


def services_for(organization: Organization | None) -> QuerySet[BusinessService]:
    return BusinessService.objects.for_org(organization)


def dependencies_for(organization: Organization | None) -> QuerySet[Dependency]:
    return Dependency.objects.for_org(organization).select_related(
        "service", "vendor__catalog", "tier_override_approver"
    )


def measures_for(organization: Organization | None) -> QuerySet[RedundancyMeasure]:
    return (
        RedundancyMeasure.objects.for_org(organization)
        .select_related("dependency__service", "dependency__vendor", "alternate_provider")
        .prefetch_related("shared_upstreams")
    )


def failover_tests_for(organization: Organization | None) -> QuerySet[FailoverTest]:
    return FailoverTest.objects.for_org(organization).select_related(
        "measure__dependency__service", "measure__dependency__vendor"
    )


def incidents_for(organization: Organization | None) -> QuerySet[Incident]:
    return (
        Incident.objects.for_org(organization)
        .select_related("provider", "vendor", "outage_event")
        .prefetch_related("affected_services")
    )


# --- the provider catalog ------------------------------------------------------------------------
# The catalog is shared, but a proposal is its firm's until a lead supervisor publishes it: every
# catalog read on behalf of someone goes through visible_catalog (or the narrower choices below it).

def published_catalog() -> QuerySet[ProviderCatalog]:
    return ProviderCatalog.objects.filter(status=CatalogStatus.PUBLISHED)


def regulator_catalog() -> QuerySet[ProviderCatalog]:
    """Everything, proposals of every firm included: the regulator curates them and reads submissions naming them."""
    return ProviderCatalog.objects.all()


def visible_catalog(organization: Organization | None) -> QuerySet[ProviderCatalog]:
    """What a reader acting for ``organization`` may see: published providers and the firm's own
    proposals; the regulator, who curates proposals, the whole catalog; no organisation, the published."""
    if organization is not None and organization.is_regulator:
        return regulator_catalog()
    if organization is None:
        return published_catalog()
    return ProviderCatalog.objects.filter(Q(status=CatalogStatus.PUBLISHED) | Q(proposed_by=organization))


def linkable_catalog(organization: Organization | None) -> QuerySet[ProviderCatalog]:
    """Providers a register entry may point at: visible ones still in use (a rejected proposal is not)."""
    return visible_catalog(organization).filter(status__in=[CatalogStatus.PUBLISHED, CatalogStatus.PROPOSED])


# --- single points of failure --------------------------------------------------------------------

def dependency_facts(organization: Organization | None, *, dependency_ids: list[int] | None = None) -> list[
    rules.DependencyFacts
]:
    """The plain facts the SPOF rule needs, for all of the firm's dependencies, in 6 queries."""
    qs = (
        Dependency.objects.for_org(organization)
        .select_related("service", "vendor__catalog")
        .prefetch_related(
            "vendor__catalog__upstreams",
            Prefetch(
                "measures",
                queryset=RedundancyMeasure.objects.for_org(organization).select_related("alternate_provider"),
            ),
            "measures__alternate_provider__upstreams",
            "measures__shared_upstreams",
            "measures__tests",
        )
    )
    if dependency_ids is not None:
        qs = qs.filter(pk__in=dependency_ids)
    facts = []
    for dep in qs:
        catalog = dep.vendor.catalog
        primary_upstreams = list(catalog.upstreams.all())
        measures = []
        for m in dep.measures.all():
            alt = m.alternate_provider
            measures.append(rules.MeasureFacts(
                measure_id=m.pk,
                strategy=m.strategy,
                alternate_provider_id=m.alternate_provider_id,
                alternate_name=str(alt) if alt else "",
                alternate_upstream_ids=frozenset(u.pk for u in alt.upstreams.all()) if alt else frozenset(),
                shared_upstream_names=tuple(str(u) for u in m.shared_upstreams.all()),
                tests=tuple(
                    rules.TestFacts(t.tested_on, t.result, t.achieved_recovery_minutes) for t in m.tests.all()
                ),
            ))
        facts.append(rules.DependencyFacts(
            dependency_id=dep.pk,
            service_id=dep.service_id,
            service_name=dep.service.name,
            service_rto_minutes=dep.service.rto_minutes,
            vendor_name=dep.vendor.name,
            provider_id=catalog.pk,
            provider_upstream_ids=frozenset(u.pk for u in primary_upstreams),
            upstream_names={u.pk: str(u) for u in primary_upstreams},
            tier=dep.tier,
            measures=tuple(measures),
        ))
    return facts


def single_points_of_failure(
    organization: Organization | None, *, today: datetime.date | None = None
) -> list[rules.SpofFinding]:
    today = today or timezone.localdate()
    findings = rules.find_single_points_of_failure(dependency_facts(organization), today)
    severity_rank = {severity: n for n, severity in enumerate(rules.SPOF_SEVERITY.values())}
    return sorted(findings, key=lambda f: (severity_rank.get(f.severity, 9), f.service_name, f.vendor_name))


# --- dashboard lists ------------------------------------------------------------------------------

def contracts_ending_within(organization: Organization | None, days: int = 90) -> QuerySet[Vendor]:
    today = timezone.localdate()
    return (
        Vendor.objects.for_org(organization)
        .select_related("catalog")
        .filter(contract_end__gte=today, contract_end__lte=today + datetime.timedelta(days=days))
        .exclude(status=VendorStatus.TERMINATED)
        .order_by("contract_end", "name")
    )


def failover_tests_overdue(organization: Organization | None) -> list[tuple[Dependency, datetime.date | None]]:
    """T1/T2 dependencies whose last passed failover test is older than the tier's interval (or missing)."""
    today = timezone.localdate()
    passed = Q(measures__tests__result=TestResult.PASS) & ~Q(measures__strategy=Strategy.NONE)
    deps = (
        Dependency.objects.for_org(organization)
        .filter(Q(tier_override__in=[Tier.T1, Tier.T2]) | Q(tier_override="", computed_tier__in=[Tier.T1, Tier.T2]))
        .select_related("service", "vendor")
        .annotate(last_pass=Max("measures__tests__tested_on", filter=passed))
        .order_by("service__name", "vendor__name")
    )
    return [(d, d.last_pass) for d in deps if rules.failover_test_overdue(d.tier, d.last_pass, today)]


def critical_vendors_without_exit_plan(organization: Organization | None) -> QuerySet[Vendor]:
    """Vendors with a T1 dependency that have no exit plan (T1: exit plan mandatory, regulation.md §5.1)."""
    critical = Q(dependencies__tier_override=Tier.T1) | Q(
        dependencies__tier_override="", dependencies__computed_tier=Tier.T1
    )
    ids = Vendor.objects.for_org(organization).filter(critical, exit_plan_exists=False).values("pk")
    return (
        Vendor.objects.for_org(organization)
        .filter(pk__in=ids)
        .exclude(status=VendorStatus.TERMINATED)
        .select_related("catalog")
        .order_by("name")
    )
