"""Set-based reads of the redundancy matrix: one chunk of dependencies in five ``values_list`` queries.

The matrix needs, per dependency, its measures with their latest failover test, and the SPOF verdict
of :mod:`vendors.rules`. ``vendors.selectors.dependency_facts`` builds the rule's facts from model
instances (every row through ``Model.from_db`` and the audit snapshot of its values), which was a fifth
of the audit export; here the same :class:`vendors.rules.DependencyFacts` are built from plain tuples,
and the measure rows the sheet shows come from the same queries.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import get_language

from accounts.models import Organization
from vendors import rules
from vendors.models import Dependency, FailoverTest, ProviderCatalog, RedundancyMeasure


@dataclass(frozen=True)
class DependencyLine:
    """What one matrix row shows of its dependency."""

    dependency_id: int
    service_name: str
    vendor_name: str
    role: str
    tier: str
    rto_minutes: int


@dataclass(frozen=True)
class MeasureLine:
    """What one matrix row shows of a measure, with its latest failover test (or None)."""

    strategy: str
    alternate_legal_name: str | None
    alternate_in_house: bool
    expected_switch_minutes: int | None
    last_tested_on: datetime.date | None
    last_result: str | None
    last_minutes: int | None


@dataclass
class MatrixChunk:
    dependencies: dict[int, DependencyLine]
    measures: dict[int, list[MeasureLine]]
    spof_reasons: dict[int, list[str]]


def _provider_name(name_ko: str, brand: str, legal_name: str, korean: bool) -> str:
    """``str(ProviderCatalog)`` from its columns."""
    if korean and name_ko:
        return name_ko
    return brand or legal_name


def redundancy_chunk(organization: Organization, dependency_ids: list[int], today: datetime.date) -> MatrixChunk:
    """Rows and SPOF reasons (as ``rules.find_single_points_of_failure`` reports them) of these dependencies."""
    korean = (get_language() or "ko").startswith("ko")
    deps = list(
        Dependency.objects.for_org(organization).filter(pk__in=dependency_ids).values_list(
            "pk", "service_id", "service__name", "service__rto_minutes", "vendor__name",
            "vendor__catalog_id", "role", "tier_override", "computed_tier",
        )
    )
    # Same order as the measures' default ordering (dependency, id), which the rule's messages follow.
    measures = list(
        RedundancyMeasure.objects.for_org(organization).filter(dependency_id__in=dependency_ids)
        .order_by("dependency", "id")
        .values_list("pk", "dependency_id", "strategy", "alternate_provider_id", "alternate_provider__legal_name",
                     "alternate_provider__brand", "alternate_provider__name_ko", "alternate_in_house",
                     "expected_switch_minutes")
    )
    measure_ids = [m[0] for m in measures]
    tests: dict[int, list[tuple]] = defaultdict(list)
    for measure_id, tested_on, result, minutes, test_id in (
        FailoverTest.objects.for_org(organization).filter(measure_id__in=measure_ids).order_by()
        .values_list("measure_id", "tested_on", "result", "achieved_recovery_minutes", "pk")
    ):
        tests[measure_id].append((tested_on, test_id, result, minutes))
    shared: dict[int, list[str]] = defaultdict(list)
    for measure_id, name_ko, brand, legal_name in (
        RedundancyMeasure.shared_upstreams.through.objects.filter(redundancymeasure_id__in=measure_ids)
        .order_by("providercatalog__brand", "providercatalog__legal_name")
        .values_list("redundancymeasure_id", "providercatalog__name_ko", "providercatalog__brand",
                     "providercatalog__legal_name")
    ):
        shared[measure_id].append(_provider_name(name_ko, brand, legal_name, korean))
    providers = {d[5] for d in deps} | {m[3] for m in measures if m[3] is not None}
    upstream_ids: dict[int, set[int]] = defaultdict(set)
    upstream_names: dict[int, str] = {}
    for from_id, to_id, name_ko, brand, legal_name in (
        ProviderCatalog.upstreams.through.objects.filter(from_providercatalog_id__in=providers).order_by()
        .values_list("from_providercatalog_id", "to_providercatalog_id", "to_providercatalog__name_ko",
                     "to_providercatalog__brand", "to_providercatalog__legal_name")
    ):
        upstream_ids[from_id].add(to_id)
        upstream_names[to_id] = _provider_name(name_ko, brand, legal_name, korean)

    measure_facts: dict[int, list[rules.MeasureFacts]] = defaultdict(list)
    lines: dict[int, list[MeasureLine]] = defaultdict(list)
    for pk, dep_id, strategy, alt_id, alt_legal, alt_brand, alt_ko, in_house, expected in measures:
        measure_tests = tests.get(pk, [])
        measure_facts[dep_id].append(rules.MeasureFacts(
            measure_id=pk, strategy=strategy, alternate_provider_id=alt_id,
            alternate_name=_provider_name(alt_ko, alt_brand, alt_legal, korean) if alt_id else "",
            alternate_upstream_ids=frozenset(upstream_ids.get(alt_id, ())) if alt_id else frozenset(),
            shared_upstream_names=tuple(shared.get(pk, ())),
            tests=tuple(rules.TestFacts(on, result, minutes) for on, _id, result, minutes in measure_tests),
        ))
        # Latest test: the newest date, then the highest id (FailoverTest's ordering).
        last = max(measure_tests, key=lambda t: (t[0], t[1]), default=None)
        lines[dep_id].append(MeasureLine(
            strategy, alt_legal, in_house, expected,
            last[0] if last else None, last[2] if last else None, last[3] if last else None,
        ))

    facts = []
    dependencies = {}
    for pk, service_id, service, rto, vendor, provider_id, role, override, computed in deps:
        tier = override or computed
        dependencies[pk] = DependencyLine(pk, service, vendor, role, tier, rto)
        primary = upstream_ids.get(provider_id, set())
        facts.append(rules.DependencyFacts(
            dependency_id=pk, service_id=service_id, service_name=service, service_rto_minutes=rto,
            vendor_name=vendor, provider_id=provider_id,
            provider_upstream_ids=frozenset(primary), upstream_names={u: upstream_names[u] for u in primary},
            tier=tier, measures=tuple(measure_facts.get(pk, ())),
        ))
    reasons: dict[int, list[str]] = {}
    for finding in rules.find_single_points_of_failure(facts, today):
        reasons[finding.dependency_id] = [r.message for r in finding.reasons]
    return MatrixChunk(dependencies, dict(lines), reasons)
