"""Materiality tiers and single points of failure: pure functions over plain data (no ORM).

Everything here is checkable against regulation.md §5.1 (the tier rubric) and §5.3 (validation
rules 1 and 3: the single point of failure and the hidden one). Selectors load the facts; these
functions only decide.

How each factor is derived from register fields (1 = low … 5 = high):

======  =====================================================  ===============================================
Factor  Register fields                                        Mapping
======  =====================================================  ===============================================
F1      service.customer_facing, service.customers_affected,   internal only 1; facing with < 1,000 users 2;
        dependency.failure_stops_service                       < 10,000 users 3; >= 10,000 users 5; 1 when
                                                               its failure does not stop the service
F2      service.max_tolerable_downtime_minutes,                <= 30 min 5; <= 4 h 4; <= 24 h 3; <= 1 week 2;
        dependency.failure_stops_service                       longer 1; 1 when its failure does not stop
                                                               the service
F3      vendor.shares_* (data shared with the provider),       keys, unique id or personal credit 5;
        dependency.processes_shared_data                       transaction data 3; nothing 1; 1 when this
                                                               work does not process the shared data
F4      dependency.substitutability                            < 1 day 1; 1-7 days 2; 1-4 weeks 3;
                                                               1-3 months 4; > 3 months or none 5
F5      firm's critical/important services on the same         edge role (CDN, DDoS/bot, DNS, WAF) 5; >= 4
        provider or parent group; dependency.role              services 5; 2-3 services 3; otherwise 1
F6      vendor.data_location, vendor.jurisdiction,             offshore, no Korean entity 5; offshore with a
        catalog.korean_entity                                  Korean entity 4; data in Korea, foreign
                                                               jurisdiction 3; Korean primary with offshore
                                                               backup 2; domestic 1
F7      organisation kind, service.is_core_business,           core business at a regulated firm or a VASP's
        service.trading_path (both only when the dependency's  trading path 5; core business elsewhere 4;
        failure stops the service)
                                                               regulated outsourcing 3 (banks, securities,
                                                               insurers, card, e-finance, VASPs); other 1
F8      vendor.subcontractors, vendor.undisclosed_subcontr.    undisclosed critical subcontractors 5; known
                                                               subcontractors 3; none 1
======  =====================================================  ===============================================

Gates (any one makes the dependency T1) judge the work the dependency outsources, not its vendor or its
service: a monitoring tool on an exchange's web front is not critical because the web front is.
G1 this work processes the unique identifiers or personal credit information shared with the vendor;
G2 its failure stops a core business (핵심업무, EFSR Art. 23 RTO); G4 its failure stops a VASP's trading,
deposit/withdrawal, wallet or login path; G5 the contract is designated for priority management
(중점관리), which is a property of the contract and so of every dependency under it.
There is no G3: 10,000 users is the EFSR Art. 73 incident-reporting threshold, not a materiality
criterion; users only score F1.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext

from vendors.choices import EDGE_ROLES

SCORE_WEIGHTS = {"F1": 2, "F2": 2, "F3": 1, "F4": 2, "F5": 2, "F6": 1, "F7": 1, "F8": 1}
T1_SCORE, T2_SCORE, T3_SCORE = 42, 30, 20
# F1's top band: the EFSR Art. 73 reporting threshold (an outage affecting this many users is reportable).
MANY_USERS = 10_000
# Firms under the EFSR or the VAUPA: e-finance operators (전자금융업자, kind "fintech") are EFSR firms too.
REGULATED_KINDS = frozenset({"bank", "securities", "insurance", "card", "fintech", "vasp"})
SWITCH_TIME_FACTOR = {"lt_1d": 1, "lt_1w": 2, "1w_4w": 3, "1m_3m": 4, "gt_3m": 5}
# How far back a failover test counts as evidence when the tier sets no interval (T3, T4, not yet computed).
DEFAULT_TEST_WINDOW_MONTHS = 12
# Drills that ran the switch-over to the end, so their recovery time says how fast the fallback is.
COMPLETED_RESULTS = frozenset({"pass", "partial"})


@dataclass(frozen=True)
class TierInputs:
    """The register fields the rubric needs, flattened (service x vendor x role)."""

    firm_kind: str = "bank"
    # service
    is_core_business: bool = False
    customer_facing: bool = False
    trading_path: bool = False
    customers_affected: int = 0
    max_tolerable_downtime_minutes: int = 10_080
    # vendor
    shares_personal_credit: bool = False
    shares_unique_id: bool = False
    shares_transaction_data: bool = False
    shares_crypto_keys: bool = False
    priority_contract: bool = False
    jurisdiction: str = "KR"
    data_location: str = "kr_only"
    korean_entity: bool = True
    subcontractor_count: int = 0
    undisclosed_subcontractors: bool = False
    # dependency: what the work does, whether it touches the shared data, whether its failure stops the service
    role: str = "other"
    processes_shared_data: bool = True
    failure_stops_service: bool = True
    substitutability: str = "1w_4w"
    # concentration: the firm's critical/important services on this provider or its parent group
    services_on_same_provider: int = 1


@dataclass(frozen=True)
class TierResult:
    tier: str
    score: int
    gates: list[str]
    factors: dict[str, int]
    reasons: list[str] = field(default_factory=list)


def _stops_core_business(i: TierInputs) -> bool:
    return i.is_core_business and i.failure_stops_service


def _stops_trading_path(i: TierInputs) -> bool:
    return i.firm_kind == "vasp" and i.trading_path and i.failure_stops_service


def _sensitive_data(i: TierInputs) -> bool:
    return i.processes_shared_data and (i.shares_unique_id or i.shares_personal_credit)


def _f1(i: TierInputs) -> int:
    # A dependency whose failure leaves the service running cuts no customer off, however many there are.
    if not i.customer_facing or not i.failure_stops_service:
        return 1
    if i.customers_affected >= MANY_USERS:
        return 5
    if i.customers_affected >= 1_000:
        return 3
    return 2


def _f2(i: TierInputs) -> int:
    if not i.failure_stops_service:
        return 1
    minutes = i.max_tolerable_downtime_minutes
    if minutes <= 30:
        return 5
    if minutes <= 4 * 60:
        return 4
    if minutes <= 24 * 60:
        return 3
    if minutes <= 7 * 24 * 60:
        return 2
    return 1


def _f3(i: TierInputs) -> int:
    if not i.processes_shared_data:
        return 1
    if i.shares_crypto_keys or i.shares_unique_id or i.shares_personal_credit:
        return 5
    if i.shares_transaction_data:
        return 3
    return 1


def _f5(i: TierInputs) -> int:
    # A shared edge sits in front of every channel: concentration by design.
    if i.role in EDGE_ROLES or i.services_on_same_provider >= 4:
        return 5
    if i.services_on_same_provider >= 2:
        return 3
    return 1


def _f6(i: TierInputs) -> int:
    domestic = i.jurisdiction == "KR"
    if i.data_location == "offshore":
        return 4 if i.korean_entity or domestic else 5
    if not domestic:
        return 3
    if i.data_location == "kr_primary_offshore_backup":
        return 2
    return 1


def _f7(i: TierInputs) -> int:
    regulated = i.firm_kind in REGULATED_KINDS
    if (_stops_core_business(i) and regulated) or _stops_trading_path(i):
        return 5
    if _stops_core_business(i):
        return 4
    if regulated:
        return 3
    return 1


def _f8(i: TierInputs) -> int:
    if i.undisclosed_subcontractors:
        return 5
    return 3 if i.subcontractor_count > 0 else 1


def factor_scores(i: TierInputs) -> dict[str, int]:
    return {
        "F1": _f1(i),
        "F2": _f2(i),
        "F3": _f3(i),
        "F4": SWITCH_TIME_FACTOR.get(i.substitutability, 3),
        "F5": _f5(i),
        "F6": _f6(i),
        "F7": _f7(i),
        "F8": _f8(i),
    }


def gates_hit(i: TierInputs) -> list[tuple[str, str]]:
    """The gates (code, reason) this dependency hits, in code order."""
    gates = []
    if _sensitive_data(i):
        gates.append(("G1", gettext(
            "This work processes unique identifiers or personal credit information shared with the provider.")))
    if _stops_core_business(i):
        gates.append(("G2", gettext(
            "Its failure stops a core business subject to a recovery-time target.")))
    if _stops_trading_path(i):
        gates.append(("G4", gettext(
            "Its failure stops the trading, deposit/withdrawal, wallet or login path.")))
    if i.priority_contract:
        gates.append(("G5", gettext("The contract is designated for priority management (중점관리).")))
    return gates


def tier_for_score(score: int) -> str:
    if score >= T1_SCORE:
        return "T1"
    if score >= T2_SCORE:
        return "T2"
    if score >= T3_SCORE:
        return "T3"
    return "T4"


def compute_tier(inputs: TierInputs) -> TierResult:
    """Gates first (any ⇒ T1), then the weighted score S (12-60) for everything else and for ranking."""
    factors = factor_scores(inputs)
    score = sum(SCORE_WEIGHTS[k] * v for k, v in factors.items())
    gates = gates_hit(inputs)
    reasons = [reason for _, reason in gates]
    reasons.append(gettext("Materiality score %(score)s of 60.") % {"score": score})
    tier = "T1" if gates else tier_for_score(score)
    return TierResult(tier=tier, score=score, gates=[code for code, _ in gates], factors=factors, reasons=reasons)


def failover_test_interval_months(tier: str | None) -> int | None:
    """How often a failover test is due (§5.1 consequences): T1 yearly, T2 every 24 months."""
    return {"T1": 12, "T2": 24}.get(tier or "")


def failover_test_window_months(tier: str | None) -> int:
    """How old a failover test may be and still count, for this tier: its test interval, else 12 months.

    The one window of the product: the SPOF rule, the submitted snapshot (``tested_redundancy``) and,
    through the snapshot, the market simulation all use it.
    """
    return failover_test_interval_months(tier) or DEFAULT_TEST_WINDOW_MONTHS


def failover_test_window_start(tier: str | None, today: datetime.date) -> datetime.date:
    """The oldest test date that still counts on ``today``."""
    return months_before(today, failover_test_window_months(tier))



def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same calendar day ``months`` earlier (clamped to the month's last day)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 28 always exists


# --- single points of failure -------------------------------------------------------------------

@dataclass(frozen=True)
class TestFacts:
    __test__ = False  # not a pytest class, despite the name

    tested_on: datetime.date
    result: str
    achieved_recovery_minutes: int | None = None


@dataclass(frozen=True)
class MeasureFacts:
    measure_id: int
    strategy: str
    alternate_provider_id: int | None = None
    alternate_name: str = ""
    alternate_upstream_ids: frozenset[int] = frozenset()
    shared_upstream_names: tuple[str, ...] = ()
    tests: tuple[TestFacts, ...] = ()


@dataclass(frozen=True)
class DependencyFacts:
    dependency_id: int
    service_id: int
    service_name: str
    service_rto_minutes: int
    vendor_name: str
    provider_id: int | None = None
    provider_upstream_ids: frozenset[int] = frozenset()
    upstream_names: dict[int, str] = field(default_factory=dict)
    tier: str = ""
    measures: tuple[MeasureFacts, ...] = ()


@dataclass(frozen=True)
class SpofReason:
    code: str
    message: str


@dataclass(frozen=True)
class SpofFinding:
    """One single point of failure: a dependency, with every reason it would take its service down."""

    dependency_id: int
    service_id: int
    service_name: str
    vendor_name: str
    severity: str
    reasons: tuple[SpofReason, ...]

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]

    @property
    def message(self) -> str:
        return " ".join(r.message for r in self.reasons)


SPOF_REASONS = ("no_measure", "strategy_none", "no_recent_pass", "slower_than_rto", "shared_upstream")
# The one criticality notion of Backstop: the dependency's tier (override, else computed). The service's
# hand-entered importance is an input to the tier (F5), never a second opinion. T1 is "critical" and T2
# "important" wherever the product counts critical services or dependencies (SPOFs, concentration, exit plans).
CRITICAL_TIER, IMPORTANT_TIER = "T1", "T2"
SPOF_SEVERITY = {CRITICAL_TIER: "critical", IMPORTANT_TIER: "high"}


def spof_severity(tier: str | None) -> str | None:
    """How bad a single point of failure of a dependency of this tier is; None when the tier is not checked."""
    return SPOF_SEVERITY.get(tier or "")


def _shared_upstreams(dep: DependencyFacts, m: MeasureFacts) -> list[str]:
    """Names of what the primary and this alternate both hang on (the 18 Nov case)."""
    names = list(m.shared_upstream_names)
    if m.alternate_provider_id is None:
        return names
    if dep.provider_id is not None and dep.provider_id in m.alternate_upstream_ids:
        names.append(dep.vendor_name)
    for uid in sorted(m.alternate_upstream_ids & dep.provider_upstream_ids):
        names.append(dep.upstream_names.get(uid, str(uid)))
    return list(dict.fromkeys(names))


def recent_passes(dep: DependencyFacts, today: datetime.date) -> list[TestFacts]:
    """Passed tests of real measures within the dependency's test window."""
    since = failover_test_window_start(dep.tier, today)
    return [t for m in dep.measures if m.strategy != "none" for t in m.tests
            if t.result == "pass" and since <= t.tested_on <= today]


def tested_recovery_minutes(dep: DependencyFacts, today: datetime.date) -> int | None:
    """How fast the fallback recovers, as the latest evidence says; None when no drill in the window timed it.

    Each real measure is judged on its latest completed, timed drill in the window, so a degraded
    latest drill is not hidden by a better older one; the fastest measure is the dependency's recovery.
    """
    since = failover_test_window_start(dep.tier, today)
    latest = []
    for m in dep.measures:
        if m.strategy == "none":
            continue
        timed = [t for t in m.tests if t.result in COMPLETED_RESULTS and t.achieved_recovery_minutes is not None
                 and since <= t.tested_on <= today]
        if timed:
            # Two drills on one day: the slower one, the cautious reading.
            latest.append(max(timed, key=lambda t: (t.tested_on, t.achieved_recovery_minutes)))
    return min((t.achieved_recovery_minutes for t in latest), default=None)


def spof_reasons(dep: DependencyFacts, today: datetime.date) -> list[tuple[str, str]]:
    """(reason code, message) for one dependency, whatever its tier."""
    real = [m for m in dep.measures if m.strategy != "none"]
    if not dep.measures:
        return [("no_measure", gettext("No redundancy measure is recorded."))]
    if not real:
        return [("strategy_none", gettext("The only redundancy measure is 'none'."))]
    reasons: list[tuple[str, str]] = []
    months = failover_test_window_months(dep.tier)
    passed = [t for m in real for t in m.tests if t.result == "pass"]
    recent = recent_passes(dep, today)
    if not recent:
        if not any(m.tests for m in real):
            msg = gettext("The failover has never been tested.")
        elif passed:
            last = max(t.tested_on for t in passed)
            msg = gettext("The last passed failover test (%(date)s) is older than %(months)s months.") % {
                "date": last.isoformat(), "months": months}
        else:
            msg = gettext("No failover test has passed.")
        reasons.append(("no_recent_pass", msg))
    recovery = tested_recovery_minutes(dep, today)
    if recovery is not None and recovery > dep.service_rto_minutes:
        reasons.append(("slower_than_rto", gettext(
            "The latest tested recovery time (%(achieved)s min) exceeds the service's RTO (%(rto)s min)."
        ) % {"achieved": recovery, "rto": dep.service_rto_minutes}))
    for m in real:
        shared = _shared_upstreams(dep, m)
        if shared:
            reasons.append(("shared_upstream", gettext(
                "Hidden single point of failure: the alternate %(alternate)s and the primary share %(shared)s."
            ) % {"alternate": m.alternate_name or gettext("in-house"), "shared": ", ".join(shared)}))
    return reasons


def find_single_points_of_failure(deps: list[DependencyFacts], today: datetime.date) -> list[SpofFinding]:
    """T1 and T2 dependencies that would take their service down (§5.3 rules 1 and 3), one item each."""
    findings = []
    for dep in deps:
        severity = spof_severity(dep.tier)
        if severity is None:
            continue
        reasons = spof_reasons(dep, today)
        if reasons:
            findings.append(SpofFinding(
                dependency_id=dep.dependency_id, service_id=dep.service_id, service_name=dep.service_name,
                vendor_name=dep.vendor_name, severity=severity,
                reasons=tuple(SpofReason(code, message) for code, message in reasons),
            ))
    return findings


def failover_test_overdue(tier: str, last_pass: datetime.date | None, today: datetime.date) -> bool:
    """A T1/T2 dependency whose last passed test is older than its tier's interval (or missing)."""
    months = failover_test_interval_months(tier)
    if months is None:
        return False
    return last_pass is None or last_pass < months_before(today, months)
