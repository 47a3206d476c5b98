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
from audit.recorder import batched as audit_batched
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


# The rubric's inputs as flat columns: recompute_tiers reads these (values(), streamed) instead of a model
# instance per dependency with its service, vendor and catalogue, which grew an import's peak by ~100 MB.
_SERVICE_INPUTS = ("is_core_business", "customer_facing", "trading_path", "customers_affected",
                   "max_tolerable_downtime_minutes")
_VENDOR_INPUTS = ("shares_personal_credit", "shares_unique_id", "shares_transaction_data", "shares_crypto_keys",
                  "priority_contract", "jurisdiction", "data_location", "undisclosed_subcontractors")
_DEP_INPUTS = ("role", "processes_shared_data", "failure_stops_service", "substitutability")
_ROW_COLUMNS = ("pk", "service_id", "service__importance", "vendor__catalog_id", "vendor__catalog__parent_group",
                "vendor__catalog__korean_entity", *TIER_FIELDS, *_DEP_INPUTS,
                *(f"service__{f}" for f in _SERVICE_INPUTS), *(f"vendor__{f}" for f in _VENDOR_INPUTS))
# Rows changed per write batch (loaded, saved with their audit events, then dropped).
TIER_WRITE_BATCH = 500


def _row_group_key(row: dict) -> str:
    group = (row["vendor__catalog__parent_group"] or "").strip()
    return f"group:{group.lower()}" if group else f"id:{row['vendor__catalog_id']}"


def _row_inputs(row: dict, firm_kind: str, services_on_provider: int) -> rules.TierInputs:
    """tier_inputs() for a values() row: the same fields, read from columns."""
    return rules.TierInputs(
        firm_kind=firm_kind,
        **{f: row[f"service__{f}"] for f in _SERVICE_INPUTS if f != "customers_affected"},
        customers_affected=row["service__customers_affected"] or 0,
        **{f: row[f"vendor__{f}"] for f in _VENDOR_INPUTS},
        korean_entity=row["vendor__catalog__korean_entity"],
        subcontractor_count=row["sub_count"],
        **{f: row[f] for f in _DEP_INPUTS},
        services_on_same_provider=max(services_on_provider, 1),
    )


def _changed_tiers(organization: Organization) -> list[tuple[int, dict]]:
    """(pk, new tier fields) of each dependency whose stored tier differs from the computed one, in
    register order. Two streamed passes over flat rows: the concentration groups, then the tiers."""
    deps = Dependency.objects.for_org(organization)
    services_by_group: dict[str, set[int]] = defaultdict(set)
    concentrating = deps.filter(service__importance__in=_CONCENTRATED, failure_stops_service=True).values_list(
        "service_id", "vendor__catalog_id", "vendor__catalog__parent_group")
    for service_id, catalog_id, parent_group in concentrating.iterator(chunk_size=2_000):
        row = {"vendor__catalog_id": catalog_id, "vendor__catalog__parent_group": parent_group}
        services_by_group[_row_group_key(row)].add(service_id)
    rows = deps.annotate(sub_count=Count("vendor__subcontractors", distinct=True)).values(*_ROW_COLUMNS, "sub_count")
    changed = []
    for row in rows.iterator(chunk_size=2_000):
        n = len(services_by_group.get(_row_group_key(row), ()))
        result = rules.compute_tier(_row_inputs(row, organization.kind, n))
        new = {"computed_tier": result.tier, "tier_score": result.score, "tier_gates": result.gates}
        if any(row[k] != v for k, v in new.items()):
            changed.append((row["pk"], new))
    return changed


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
    changed = _changed_tiers(organization)
    for start in range(0, len(changed), TIER_WRITE_BATCH):
        batch = dict(changed[start:start + TIER_WRITE_BATCH])
        loaded = Dependency.objects.for_org(organization).select_related("service", "vendor").in_bulk(list(batch))
        # Each batch's audit events are chained before the next batch is loaded (inside this transaction).
        with audit_batched():
            for pk, new in batch.items():
                dep = loaded[pk]
                for k, v in new.items():
                    setattr(dep, k, v)
                # save() (not update()) so the audit log records the tier moving.
                dep.save(update_fields=[*TIER_FIELDS, "updated_at"])
    return len(changed)


def recompute_dependency_tier(dep: Dependency) -> Dependency:
    """After a change to one dependency, its vendor or its service: concentration may move others too."""
    recompute_tiers(dep.organization)
    dep.refresh_from_db(fields=TIER_FIELDS)
    return dep
