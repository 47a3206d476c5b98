"""The services a market simulation lists, with their reasons, built from the SQL classification.

``simulation_sql.dependency_impacts`` classifies every reached dependency in the database (the
mirror of ``rules.classify_dependency``); this groups those rows into services exactly as
``rules.classify_outage`` does and writes each one as the plain dict a simulation stores and shows
(``ServiceImpact.as_dict`` after the JSON round trip): same keys, same order, dates as ISO text.
Building the plain values directly, once per row, is what lets a full simulation list a few hundred
thousand services; ``tests/market/test_sql_agrees_with_rules.py`` compares it with the rules path.
Pure: no ORM.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from market import rules
from market.simulation_sql import IMPACT_FIELDS, REASONS, VIAS

(_ID, _ORG, _REF, _KIND, _NAME, _IMPORTANCE, _RTO, _USERS, _VENDOR, _PROVIDER, _ROLE, _STRATEGY, _TEST_ON,
 _TEST_RESULT, _BEST, _VIA, _REASON, _RANK, _DOWN) = range(len(IMPACT_FIELDS))
_COVERED = rules.OUTCOMES.index(rules.COVERED)


def _reason(r: tuple) -> dict[str, Any]:
    # The keys of rules.DependencyImpact, in its order.
    return {"vendor_name": r[_VENDOR], "provider_id": r[_PROVIDER], "role": r[_ROLE], "hit_via": VIAS[r[_VIA]],
            "strategy": r[_STRATEGY] or "none", "reason": REASONS[r[_REASON]], "outcome": rules.OUTCOMES[r[_RANK]],
            "downtime_minutes": r[_DOWN], "last_test_on": r[_TEST_ON], "last_test_result": r[_TEST_RESULT],
            "best_recovery_minutes": r[_BEST]}


@contextmanager
def _no_cyclic_collection() -> Iterator[None]:
    """Without the cyclic garbage collector for the block: it would rescan the growing heap of new dicts
    every few hundred allocations (half the time of building 70,000 services), and nothing built
    here forms a cycle. Reference counting still frees everything; the collector is back afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def services(rows: Iterable[tuple], firms: Mapping[int, tuple[str, str]], traffic_share_pct: int = 100,
             order: list[tuple[int, str]] | None = None) -> list[dict[str, Any]]:
    """Every (firm, service) of ``rows`` (``IMPACT_FIELDS`` tuples) as a plain ServiceImpact dict.

    ``firms``: organisation id -> (name, as-of as ISO text). Worst first, then by firm name and service,
    as rules.classify_outage sorts; or in the order of ``order`` (the page's pairs, sorted in SQL).
    """
    with _no_cyclic_collection():
        out = _services(rows, firms, traffic_share_pct)
        if order is None:
            out.sort(key=lambda s: (-rules.OUTCOMES.index(s["outcome"]), s["firm_name"], s["service_reference"],
                                    s["organization_id"]))
        else:
            position = {pair: i for i, pair in enumerate(order)}
            out.sort(key=lambda s: position[(s["organization_id"], s["service_reference"])])
    return out


def _services(rows: Iterable[tuple], firms: Mapping[int, tuple[str, str]], traffic_share_pct: int) -> list[dict]:
    grouped: dict[tuple[int, str], list[tuple]] = {}
    for r in rows:
        key = (r[_ORG], r[_REF])
        found = grouped.get(key)
        if found is None:
            grouped[key] = [r]
        else:
            found.append(r)
    reports: dict[tuple[int, int], dict] = {}  # few distinct (users, minutes): one rules call each
    out = []
    for (org, ref), deps in grouped.items():
        if len(deps) == 1:
            first = deps[0]
            rank, interruption = first[_RANK], first[_DOWN]
            downtime = 0 if rank == _COVERED else interruption
            reasons = [_reason(first)]
        else:
            deps.sort()  # by id: the register's order, as the rules read the rows
            first = deps[0]
            rank = max(d[_RANK] for d in deps)
            interruption = max(d[_DOWN] for d in deps)
            downtime = max((d[_DOWN] for d in deps if d[_RANK] != _COVERED), default=0)
            # The worst hits first, then the others, each in the register's order (rules.classify_outage).
            reasons = [_reason(d) for d in deps if d[_RANK] == rank] + [_reason(d) for d in deps if d[_RANK] != rank]
        report = reports.get((first[_USERS], interruption))
        if report is None:
            report = reports[(first[_USERS], interruption)] = rules.report_fields(first[_USERS], interruption, True)
        name, as_of = firms[org]
        out.append({
            "organization_id": org, "firm_name": name, "firm_kind": first[_KIND], "as_of": as_of,
            "service_reference": ref, "service_name": first[_NAME], "importance": first[_IMPORTANCE],
            "rto_minutes": first[_RTO], "outcome": rules.OUTCOMES[rank], "downtime_minutes": downtime,
            "reasons": reasons, "interruption_minutes": interruption, **report, "exposure_pct": traffic_share_pct,
        })
    return out


def breaching_services(listed: Iterable[Mapping]) -> dict[int, list[dict]]:
    """Per firm, its services lost beyond their RTO, in the listed order (rules.firms_breaching_rto's entries)."""
    lost: dict[int, list[dict]] = {}
    for s in listed:
        if s["outcome"] == rules.LOST:
            lost.setdefault(s["organization_id"], []).append({
                "reference": s["service_reference"], "name": s["service_name"], "rto_minutes": s["rto_minutes"],
                "downtime_minutes": s["downtime_minutes"]})
    return lost
