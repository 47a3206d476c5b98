"""Market-wide resilience rules: outage classification and concentration indices. Pure: no ORM.

A *row* is one dependency as a plain dict, with the keys of ``review.snapshot.register_rows`` plus
``organization_id``, ``firm_name``, ``firm_kind`` and ``as_of`` (when the firm's data is from).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from vendors import reporting
from vendors.rules import CRITICAL_TIER, IMPORTANT_TIER

NOT_AFFECTED = "not_affected"
COVERED = "covered"
DEGRADED = "degraded_within_rto"
LOST = "lost_beyond_rto"
# Worst last: a service's impact is the worst of its dependencies'.
OUTCOMES = (NOT_AFFECTED, COVERED, DEGRADED, LOST)


@dataclass(frozen=True)
class DependencyImpact:
    vendor_name: str
    provider_id: int
    role: str
    hit_via: str  # "direct", "subcontractor" (nth party of the failed provider) or "upstream"
    strategy: str
    reason: str  # no_redundancy, untested, test_failed, hidden_spof, slower_than_rto, tested
    outcome: str
    downtime_minutes: int
    last_test_on: Any = None
    last_test_result: str = ""
    best_recovery_minutes: int | None = None


@dataclass(frozen=True)
class ServiceImpact:
    organization_id: int
    firm_name: str
    firm_kind: str
    as_of: Any
    service_reference: str
    service_name: str
    importance: str
    rto_minutes: int
    outcome: str
    downtime_minutes: int
    reasons: tuple[DependencyImpact, ...] = field(default_factory=tuple)
    # Minutes the service is interrupted, counting a covered dependency's switch-over time too.
    interruption_minutes: int = 0
    # EFSR Art. 73 (vendors.reporting), were the outage to happen; due hours counted from detection.
    reportable: bool = False
    report_reason: str = ""
    report_due_hours: int | None = None
    # The share of the failed provider's traffic hit (partial outages); 0 when the service is not reached.
    exposure_pct: int = 0

    def as_dict(self) -> dict:
        # Shallow copies: dataclasses.asdict deep-copies every value, which dominates large simulations.
        return {**vars(self), "reasons": [dict(vars(r)) for r in self.reasons]}


def _ids(values: Iterable[Any] | None) -> set[int]:
    return {int(v) for v in values or ()}


def _hit_via(row: Mapping, failed: set[int], knocked: set[int]) -> str | None:
    if row.get("provider_id") in failed:
        return "direct"
    if failed & _ids(row.get("subcontractor_ids")):
        return "subcontractor"
    if row.get("provider_id") in knocked:
        return "upstream"
    return None


def _alternate_compromised(row: Mapping, failed: set[int], knocked: set[int]) -> bool:
    """The alternate goes down with the primary: it is a failed provider, relies on one, or shares it."""
    alternate = row.get("alternate_provider_id")
    if alternate is not None and (alternate in failed or alternate in knocked):
        return True
    return bool(failed & (_ids(row.get("alternate_upstream_ids")) | _ids(row.get("shared_upstream_ids"))))


def _down(rto: int, minutes: int) -> str:
    return LOST if minutes > rto else DEGRADED


def classify_dependency(
    row: Mapping, failed: set[int], duration_minutes: int, knocked: set[int] | None = None
) -> DependencyImpact | None:
    """The impact of the outage on one dependency, or None when the outage does not reach it."""
    knocked = knocked or set()
    via = _hit_via(row, failed, knocked)
    if via is None:
        return None
    rto = int(row["rto_minutes"])
    strategy = row.get("strategy") or "none"
    best = row.get("best_recovery_minutes")
    passed = bool(row.get("tested_redundancy")) or (best is not None and row.get("last_pass_on") is not None)
    if strategy == "none":
        reason, outcome, down = "no_redundancy", _down(rto, duration_minutes), duration_minutes
    elif not passed:
        reason = "test_failed" if row.get("last_test_result") == "fail" else "untested"
        outcome, down = _down(rto, duration_minutes), duration_minutes
    elif _alternate_compromised(row, failed, knocked):
        # The failover target fails too, so the service is down for the whole outage: classified by
        # duration exactly like a missing measure (lost only once the outage outlasts the RTO).
        reason, outcome, down = "hidden_spof", _down(rto, duration_minutes), duration_minutes
    else:
        recovery = int(best or 0)
        down = min(duration_minutes, recovery)
        if recovery <= rto:
            reason, outcome = "tested", COVERED
        else:
            reason, outcome = "slower_than_rto", _down(rto, down)
    return DependencyImpact(
        vendor_name=row.get("vendor_name", ""), provider_id=row.get("provider_id"), role=row.get("role", ""),
        hit_via=via, strategy=strategy, reason=reason, outcome=outcome, downtime_minutes=down,
        last_test_on=row.get("last_test_on"), last_test_result=row.get("last_test_result", ""),
        best_recovery_minutes=best,
    )


def check_traffic_share(traffic_share_pct: int) -> int:
    if not 1 <= traffic_share_pct <= 100:
        raise ValueError("The share of traffic affected is a percentage from 1 to 100.")
    return traffic_share_pct


def report_fields(users: int | None, interruption: int, hit: bool) -> dict:
    """ServiceImpact's reportable, report_reason and report_due_hours (EFSR Art. 73), were the outage to happen."""
    if not hit:
        return {}
    found = reporting.reportability(service_users=users, started_at=None, detected_at=None,
                                    duration_minutes=interruption)
    due = int(reporting.INITIAL_REPORT_WITHIN.total_seconds() // 3600) if found.reportable else None
    return {"reportable": found.reportable, "report_reason": found.reason, "report_due_hours": due}


def classify_outage(
    rows: Iterable[Mapping],
    failed_provider_ids: Iterable[int],
    duration_minutes: int,
    failed_upstream_ids: Iterable[int] = (),
    traffic_share_pct: int = 100,
) -> list[ServiceImpact]:
    """Every (firm, service) in ``rows`` with its impact, worst first.

    ``failed_upstream_ids`` are providers knocked out because they themselves rely on a failed one
    (the catalog's known upstreams); their customers are hit too.

    ``traffic_share_pct`` below 100 is a partial outage. A provider's customers are then hit whole or
    not at all (on 5 Dec 2025 about 28 % of Cloudflare's traffic failed: the customers on one proxy and
    rule set, entirely), and the register cannot tell which firms were in that share. So each service
    keeps its impact *if hit*, marked with its exposure, and ``expected_counts`` scales the totals.
    """
    check_traffic_share(traffic_share_pct)
    failed, knocked = _ids(failed_provider_ids), _ids(failed_upstream_ids) - _ids(failed_provider_ids)
    services: dict[tuple, dict] = {}
    for row in rows:
        key = (row["organization_id"], row["service_reference"])
        entry = services.setdefault(key, {"row": row, "hits": []})
        impact = classify_dependency(row, failed, duration_minutes, knocked)
        if impact is not None:
            entry["hits"].append(impact)
    result = []
    for (org_id, ref), entry in services.items():
        row, hits = entry["row"], entry["hits"]
        interruption = max((h.downtime_minutes for h in hits), default=0)
        outcome = max((h.outcome for h in hits), key=OUTCOMES.index, default=NOT_AFFECTED)
        worst = [h for h in hits if h.outcome == outcome] + [h for h in hits if h.outcome != outcome]
        result.append(ServiceImpact(
            organization_id=org_id, firm_name=row.get("firm_name", ""), firm_kind=row.get("firm_kind", ""),
            as_of=row.get("as_of"), service_reference=ref, service_name=row.get("service_name", ""),
            importance=row.get("importance", ""), rto_minutes=int(row["rto_minutes"]), outcome=outcome,
            downtime_minutes=max((h.downtime_minutes for h in hits if h.outcome != COVERED), default=0),
            reasons=tuple(worst), interruption_minutes=interruption, exposure_pct=traffic_share_pct if hits else 0,
            **report_fields(row.get("customers_affected"), interruption, bool(hits)),
        ))
    result.sort(key=lambda s: (-OUTCOMES.index(s.outcome), s.firm_name, s.service_reference))
    return result


def expected_counts(counts: Mapping[str, int], traffic_share_pct: int) -> dict[str, float]:
    """Services per outcome expected when only ``traffic_share_pct`` % of the provider's customers are hit.

    Each affected service is in the hit share with that probability; the rest stay unaffected.
    """
    share = check_traffic_share(traffic_share_pct) / 100
    out = {k: round(counts.get(k, 0) * share, 1) for k in OUTCOMES if k != NOT_AFFECTED}
    total = sum(counts.get(k, 0) for k in OUTCOMES)
    return {NOT_AFFECTED: round(total - sum(out.values()), 1), **out}


def totals_by_kind(impacts: Iterable[ServiceImpact], services_per_kind: Mapping[str, int] | None = None) -> dict:
    """{firm kind: {outcome: services}}. ``services_per_kind`` fills "not affected" for services not listed."""
    totals: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(OUTCOMES, 0))
    for s in impacts:
        totals[s.firm_kind][s.outcome] += 1
    for kind, count in (services_per_kind or {}).items():
        listed = sum(totals[kind].values())
        totals[kind][NOT_AFFECTED] += max(0, count - listed)
    return {k: dict(v) for k, v in sorted(totals.items())}


def firms_breaching_rto(impacts: Iterable[ServiceImpact]) -> list[dict]:
    """Firms with at least one service lost beyond its RTO, most such services first."""
    firms: dict[int, dict] = {}
    for s in impacts:
        if s.outcome != LOST:
            continue
        firm = firms.setdefault(s.organization_id, {
            "organization_id": s.organization_id, "firm_name": s.firm_name, "firm_kind": s.firm_kind,
            "as_of": s.as_of, "services": [],
        })
        firm["services"].append({"reference": s.service_reference, "name": s.service_name,
                                 "rto_minutes": s.rto_minutes, "downtime_minutes": s.downtime_minutes})
    return sorted(firms.values(), key=lambda f: (-len(f["services"]), f["firm_name"]))


# --- concentration ------------------------------------------------------------------------------

def hhi(shares: Iterable[float]) -> float:
    """Herfindahl-Hirschman index on the 0-10,000 scale, from shares given as fractions of 1."""
    return round(sum((100.0 * s) ** 2 for s in shares), 1)


def hhi_from_counts(counts: Iterable[int]) -> float:
    counts = [c for c in counts if c > 0]
    total = sum(counts)
    return hhi(c / total for c in counts) if total else 0.0


# The 2023 US Merger Guidelines (DOJ/FTC, section 2.1): above 1,800 highly concentrated, 1,000 to 1,800
# moderately, below 1,000 unconcentrated. They replaced the 2010 guidelines' 1,500 / 2,500. No financial
# regulator publishes bands for provider concentration, so the current antitrust reading is borrowed,
# and the lower, current thresholds flag a concentrated category earlier (docs/architecture.md).
HHI_MODERATE = 1000
HHI_HIGH = 1800


def hhi_band(index: float) -> str:
    """"low", "moderate" or "high", in the bands of the 2023 US Merger Guidelines."""
    if index > HHI_HIGH:
        return "high"
    return "moderate" if index >= HHI_MODERATE else "low"


def concentration_by(rows: Iterable[Mapping], key: str) -> list[tuple[Hashable, int, float]]:
    """(value, rows, share) per distinct ``row[key]``, largest first (the pure twin of the SQL views)."""
    counts: dict[Hashable, int] = defaultdict(int)
    for row in rows:
        counts[row[key]] += 1
    total = sum(counts.values())
    return sorted(((k, n, n / total) for k, n in counts.items()), key=lambda t: (-t[1], str(t[0])))


# --- incident analysis --------------------------------------------------------------------------

DOWNTIME_BUCKETS = ((0, 15), (15, 30), (30, 60), (60, 120), (120, 240), (240, None))
FAILOVER_LIMIT_MINUTES = 60


def bucket_label(low: int, high: int | None) -> str:
    return f"{low}+" if high is None else f"{low}-{high}"


def downtime_distribution(durations: Iterable[int | None]) -> list[dict]:
    """How many incidents fall in each downtime bucket (minutes); unknown durations counted apart."""
    counts = [0] * len(DOWNTIME_BUCKETS)
    unknown = 0
    for d in durations:
        if d is None:
            unknown += 1
            continue
        for i, (low, high) in enumerate(DOWNTIME_BUCKETS):
            if d >= low and (high is None or d < high):
                counts[i] += 1
                break
    out = [{"label": bucket_label(lo, hi), "count": n} for (lo, hi), n in zip(DOWNTIME_BUCKETS, counts, strict=True)]
    if unknown:
        out.append({"label": "?", "count": unknown})
    return out


def declared_vs_observed(declared_tested: bool, downtime: int | None, rto: int | None) -> str:
    """"" when consistent; otherwise why the supervisor should ask: a declared failover that did not work."""
    if not declared_tested or downtime is None:
        return ""
    if downtime > FAILOVER_LIMIT_MINUTES:
        return "failover_over_60"
    if rto is not None and downtime > rto:
        return "failover_over_rto"
    return ""


# --- a firm's own register (small: aggregated in Python, the same figures as the market SQL) ----

def _group_counts(rows: list[Mapping], key) -> list[dict]:
    groups: dict[Hashable, dict] = {}
    for row in rows:
        g = groups.setdefault(key(row), {"crit": set(), "imp": set(), "dependencies": 0, "tested": 0})
        if row.get("tier") == CRITICAL_TIER:
            g["crit"].add(row["service_reference"])
        elif row.get("tier") == IMPORTANT_TIER:
            g["imp"].add(row["service_reference"])
        g["dependencies"] += 1
        g["tested"] += bool(row.get("tested_redundancy"))
    out = [{"key": k, "critical_services": len(g["crit"]), "important_services": len(g["imp"] - g["crit"]),
            "dependencies": g["dependencies"], "tested": g["tested"],
            "tested_share": round(100 * g["tested"] / g["dependencies"]) if g["dependencies"] else 0}
           for k, g in groups.items()]
    return sorted(out, key=lambda r: (-r["critical_services"], -r["dependencies"], str(r["key"])))


def firm_concentration(rows: Iterable[Mapping], legal_names: Mapping[int, str] | None = None) -> dict:
    """Per provider and per ultimate parent, HHI per category of critical dependencies, nth parties."""
    rows = list(rows)
    names = legal_names or {}
    by_cat: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        if row.get("tier") == CRITICAL_TIER:
            by_cat[row.get("provider_category", "")][row["provider_id"]] += 1
    categories = sorted(({"category": cat, "hhi": hhi_from_counts(c.values()),
                          "band": hhi_band(hhi_from_counts(c.values())), "providers": len(c),
                          "critical_dependencies": sum(c.values())} for cat, c in by_cat.items()),
                        key=lambda r: -r["hhi"])
    nth: dict[int, dict] = {}
    for row in rows:
        for sub in _ids(row.get("subcontractor_ids")):
            entry = nth.setdefault(sub, {"provider_id": sub, "vendors": set(), "dependencies": 0})
            entry["vendors"].add(row.get("provider_id"))
            entry["dependencies"] += 1
    nth_rows = sorted(({"provider_id": k, "vendors": len(v["vendors"]), "dependencies": v["dependencies"]}
                       for k, v in nth.items()), key=lambda r: (-r["vendors"], -r["dependencies"], r["provider_id"]))
    return {
        "providers": _group_counts(rows, lambda r: r["provider_id"]),
        "parents": _group_counts(rows, lambda r: r.get("provider_parent") or names.get(r["provider_id"], "")),
        "categories": categories,
        "nth": nth_rows,
    }
