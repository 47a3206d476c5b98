"""Benchmark: import a 5,000-row vendor register into a fresh firm, then re-import it (a no-op).

    .venv/bin/python bench/import_register.py [--vendors 1500 --services 1000 --deps 1500 --measures 1000]
                                              [--tracemalloc]

Uses the configured database (DATABASE_URL, else the embedded SQLite; run `manage.py migrate` first).
Prints, for each phase (dry run, apply, re-import dry run, re-import apply): wall time, query count,
peak RSS of the process so far and, with --tracemalloc, the peak of Python allocations in the phase
(tracemalloc slows the run roughly 2x, so wall times are printed from runs without it by default).
A fresh organisation named "Bench import <time>" is created each run and left in place.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from accounts.models import Organization, OrganizationKind  # noqa: E402
from audit.context import acting_as  # noqa: E402
from reports.imports.register import apply_plan, parse_register  # noqa: E402
from reports.imports.sample import register_workbook  # noqa: E402
from vendors.choices import CatalogStatus, DependencyRole, Strategy  # noqa: E402
from vendors.models import ProviderCatalog  # noqa: E402

ROLES = [r for r in DependencyRole.values]
STRATEGIES = [Strategy.ACTIVE_ACTIVE, Strategy.WARM_STANDBY, Strategy.COLD_STANDBY, Strategy.ACTIVE_PASSIVE]


def catalog_keys(minimum: int = 12) -> list[str]:
    keys = list(ProviderCatalog.objects.filter(status=CatalogStatus.PUBLISHED).values_list("key", flat=True)[:50])
    for i in range(len(keys), minimum):  # an empty database: add a few bench providers
        key = f"bench-provider-{i}"
        ProviderCatalog.objects.get_or_create(
            key=key, defaults={"legal_name": f"Bench Provider {i}", "category": "cloud", "country": "US"}
        )
        keys.append(key)
    return keys


def build_rows(keys: list[str], n_vendors: int, n_services: int, n_deps: int, n_measures: int) -> dict:
    vendors = [
        {"reference": f"V-{i:05d}", "catalog": keys[i % len(keys)], "name": f"Vendor contract {i}",
         "category": "cloud", "jurisdiction": "KR" if i % 3 else "US", "data_location": "kr_only",
         "shares_personal_credit": "yes" if i % 7 == 0 else "no", "contract_start": "2024-01-01",
         "contract_end": "2027-12-31", "notice_period_days": 90, "audit_rights": "yes", "status": "active",
         "subcontractors": keys[(i + 1) % len(keys)]}
        for i in range(n_vendors)
    ]
    services = [
        {"reference": f"S-{i:05d}", "name": f"Business service {i}",
         "importance": ("critical", "important", "other")[i % 3],
         "is_core_business": "yes" if i % 2 else "no", "rto_minutes": 60, "max_tolerable_downtime_minutes": 240,
         "customers_affected": 1000 * i}
        for i in range(n_services)
    ]
    deps, seen = [], set()
    i = 0
    while len(deps) < n_deps:
        key = (i % n_services, (i * 7) % n_vendors, ROLES[i % len(ROLES)])
        i += 1
        if key in seen:
            continue
        seen.add(key)
        deps.append({"service_ref": f"S-{key[0]:05d}", "vendor_ref": f"V-{key[1]:05d}", "role": key[2],
                     "substitutability": "lt_1w"})
    measures = []
    for j, dep in enumerate(deps[:n_measures]):
        vendor_index = int(dep["vendor_ref"][2:])
        alternate = keys[(vendor_index + 3) % len(keys)]
        measures.append({**{k: dep[k] for k in ("service_ref", "vendor_ref", "role")},
                         "strategy": STRATEGIES[j % len(STRATEGIES)], "alternate_provider": alternate,
                         "expected_switch_minutes": 15, "runbook_reference": f"RB-{j}"})
    return {"Vendors": vendors, "Services": services, "Dependencies": deps, "Redundancy": measures}


def peak_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 / 1024 if sys.platform == "darwin" else rss / 1024


def phase(name: str, fn, use_tracemalloc: bool):
    if use_tracemalloc:
        tracemalloc.start()
    # Count with an execute wrapper: CaptureQueriesContext keeps at most 9,000 queries.
    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
    extra = ""
    if use_tracemalloc:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        extra = f"  tracemalloc peak {peak / 1024 / 1024:7.1f} MB"
    print(f"{name:<24} {elapsed:8.2f} s  {count[0]:7d} queries  peak RSS {peak_rss_mb():7.1f} MB{extra}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendors", type=int, default=1500)
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--deps", type=int, default=1500)
    parser.add_argument("--measures", type=int, default=1000)
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args()

    keys = catalog_keys()
    rows = build_rows(keys, args.vendors, args.services, args.deps, args.measures)
    total = sum(len(v) for v in rows.values())
    start = time.perf_counter()
    data = register_workbook(rows)
    print(f"workbook: {total} data rows, {len(data) / 1024:.0f} KB, written in {time.perf_counter() - start:.2f} s "
          f"({connection.vendor})")

    stamp = time.strftime("%Y%m%d-%H%M%S")
    brn = f"999-{int(time.time()) % 100:02d}-{os.getpid() % 100000:05d}"
    org = Organization.objects.create(name=f"Bench import {stamp}", name_ko=f"벤치 {stamp}",
                                      kind=OrganizationKind.BANK, business_registration_number=brn)
    t = args.tracemalloc
    with acting_as(None, org):
        plan = phase("dry run", lambda: parse_register(io.BytesIO(data), org), t)
        assert plan.is_valid, plan.errors[:5]
        applied = phase("apply", lambda: apply_plan(plan, org, None, filename="bench.xlsx"), t)
        print(f"  applied: {applied.totals()}")
        plan = applied = None  # let the first import's objects go before measuring the second
        again = phase("re-import dry run", lambda: parse_register(io.BytesIO(data), org), t)
        print(f"  re-import plan: {again.totals()}")
        noop = phase("re-import apply", lambda: apply_plan(again, org, None, filename="bench.xlsx"), t)
        assert noop.totals()["create"] == 0 and noop.totals()["update"] == 0, noop.totals()
    print(f"organisation: {org.pk} {org.name}")


if __name__ == "__main__":
    main()
