"""Fill each dependency's stored tier from rules.compute_tier (re-exported by vendors.services).

The tier of one dependency depends on its service, its vendor and on the firm's other
dependencies (F5 concentration), so recomputation always covers the whole firm: a constant
number of reads, and one write per dependency whose tier actually moved.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections import defaultdict
from collections.abc import Iterator

from django.db import transaction
from django.db.models import Count

from accounts.models import Organization
from vendors import rules
from vendors.models import Dependency

_CONCENTRATED = ("critical", "important")
# Organisations whose recomputation is postponed to the end of a bulk write (see deferred_recompute).
_deferred: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar("deferred_tier_recompute", default=None)
TIER_FIELDS = ["computed_tier", "tier_score", "tier_gates"]


def _group_key(catalog) -> str:
    # Same parent group counts as the same provider for concentration (F5).
    return f"group:{catalog.parent_group.strip().lower()}" if catalog.parent_group.strip() else f"id:{catalog.pk}"


def tier_inputs(
    dep: Dependency, firm_kind: str, services_on_provider: int, subcontractor_count: int
) -> rules.TierInputs:
    service, vendor = dep.service, dep.vendor
    return rules.TierInputs(
        firm_kind=firm_kind,
        is_core_business=service.is_core_business,
        customer_facing=service.customer_facing,
        trading_path=service.trading_path,
        customers_affected=service.customers_affected or 0,
        max_tolerable_downtime_minutes=service.max_tolerable_downtime_minutes,
        shares_personal_credit=vendor.shares_personal_credit,
        shares_unique_id=vendor.shares_unique_id,
        shares_transaction_data=vendor.shares_transaction_data,
        shares_crypto_keys=vendor.shares_crypto_keys,
        priority_contract=vendor.priority_contract,
        jurisdiction=vendor.jurisdiction,
        data_location=vendor.data_location,
        korean_entity=vendor.catalog.korean_entity,
        subcontractor_count=subcontractor_count,
        undisclosed_subcontractors=vendor.undisclosed_subcontractors,
        role=dep.role,
        processes_shared_data=dep.processes_shared_data,
        failure_stops_service=dep.failure_stops_service,
        substitutability=dep.substitutability,
        services_on_same_provider=max(services_on_provider, 1),
    )


def compute_for_org(organization: Organization) -> list[tuple[Dependency, rules.TierResult]]:
    """Every dependency of the firm with its freshly computed tier (reads only; 1 query)."""
    deps = list(
        Dependency.objects.for_org(organization)
        .select_related("service", "vendor__catalog")
        .annotate(sub_count=Count("vendor__subcontractors", distinct=True))
    )
    services_by_group: dict[str, set[int]] = defaultdict(set)
    for dep in deps:
        # A provider concentrates risk where the firm's critical and important services stop with it.
        if dep.service.importance in _CONCENTRATED and dep.failure_stops_service:
            services_by_group[_group_key(dep.vendor.catalog)].add(dep.service_id)
    out = []
    for dep in deps:
        n = len(services_by_group.get(_group_key(dep.vendor.catalog), ()))
        out.append((dep, rules.compute_tier(tier_inputs(dep, organization.kind, n, dep.sub_count))))
    return out


def apply_result(dep: Dependency, result: rules.TierResult) -> bool:
    """Copy a result onto the row; True when something changed."""
    new = {"computed_tier": result.tier, "tier_score": result.score, "tier_gates": result.gates}
    changed = any(getattr(dep, k) != v for k, v in new.items())
    for k, v in new.items():
        setattr(dep, k, v)
    return changed


@contextlib.contextmanager
def deferred_recompute(organization: Organization) -> Iterator[None]:
    """Bulk writes (the Excel import, demo data): recompute the firm's tiers once at the end, not per row."""
    outer = _deferred.get()
    token = _deferred.set({*(outer or ()), organization.pk})
    try:
        yield
    finally:
        _deferred.reset(token)
    if outer is None or organization.pk not in outer:
        recompute_tiers(organization)


@transaction.atomic
def recompute_tiers(organization: Organization) -> int:
    """Recompute every dependency tier of the firm; returns how many rows changed (0 while deferred)."""
    if organization.pk in (_deferred.get() or ()):
        return 0
    changed = 0
    for dep, result in compute_for_org(organization):
        if apply_result(dep, result):
            # save() (not update()) so the audit log records the tier moving.
            dep.save(update_fields=[*TIER_FIELDS, "updated_at"])
            changed += 1
    return changed


def recompute_dependency_tier(dep: Dependency) -> Dependency:
    """After a change to one dependency, its vendor or its service: concentration may move others too."""
    recompute_tiers(dep.organization)
    dep.refresh_from_db(fields=TIER_FIELDS)
    return dep
