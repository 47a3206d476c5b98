"""Live outage rules: what a feed's state means, and the live impact board. Pure: no ORM.

The board classifies every reached service with the market simulation's own rules
(``market.rules.classify_outage``) at the minutes elapsed so far, and counts the EFSR Art. 73 clock
with ``vendors.reporting`` (the thresholds there are graded "verify"; nothing here adds to them).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from market import rules as market_rules
from outages.parsers import FeedState
from vendors import reporting
from vendors.rules import CRITICAL_TIER, IMPORTANT_TIER

OUTAGE = ("partial_outage", "major_outage")
SEVERITY_ORDER = ("partial_outage", "major_outage")
# Statuspage incident impact → severity (critical is the red "major outage"; major the orange "partial").
IMPACT_SEVERITY = {"critical": "major_outage", "major": "partial_outage"}
# Consecutive failed polls after which the feed itself counts as down.
UNREACHABLE_AFTER = 3


@dataclass(frozen=True)
class Detection:
    severity: str
    components: tuple[str, ...]
    started_at: datetime.datetime
    title: str
    external_id: str = ""


def worst(*severities: str) -> str:
    return max((s for s in severities if s), key=SEVERITY_ORDER.index, default="")


def detect(state: FeedState, now: datetime.datetime) -> Detection | None:
    """A major or partial outage on the feed, or None when everything named is up (or only degraded)."""
    down = [c for c in state.components if c.status in OUTAGE]
    open_incidents = [i for i in state.incidents if i.is_open and i.impact in IMPACT_SEVERITY]
    if not down and not open_incidents:
        return None
    severity = worst(*(c.status for c in down), *(IMPACT_SEVERITY[i.impact] for i in open_incidents))
    labels = [c.label for c in down] + [n for i in open_incidents for n in i.components]
    components = tuple(dict.fromkeys(labels))
    starts = [i.started_at for i in open_incidents if i.started_at] or [c.updated_at for c in down if c.updated_at]
    started_at = min([s for s in starts if s <= now], default=now)
    lead = sorted(open_incidents, key=lambda i: (-SEVERITY_ORDER.index(IMPACT_SEVERITY[i.impact]), i.title))
    if lead:
        title, external_id = lead[0].title, lead[0].external_id
    else:
        title, external_id = f"{len(down)} component(s) in outage", ""
    return Detection(severity=severity, components=components, started_at=started_at, title=title,
                     external_id=external_id)


def proposed_end(state: FeedState, external_id: str, now: datetime.datetime) -> datetime.datetime:
    """When the feed says the outage ended: its incident's resolution time, else the poll that saw it."""
    for incident in state.incidents:
        if external_id and incident.external_id == external_id and incident.resolved_at:
            return min(incident.resolved_at, now)
    return now


def backoff_seconds(interval: int, failures: int, cap: int) -> int:
    """The wait before the next poll: the interval, doubled per failure in a row, at most ``cap``."""
    return min(cap, interval * (2 ** min(failures, 10)))


# --- the live impact board ----------------------------------------------------------------------

@dataclass(frozen=True)
class BoardEntry:
    organization_id: int
    firm_name: str
    firm_kind: str
    service_reference: str
    service_name: str
    tier: str
    hit_via: str
    rto_minutes: int
    elapsed_minutes: int
    outcome: str  # market.rules outcomes, at the minutes elapsed
    interruption_minutes: int
    # None: not expected to breach (a tested failover within the RTO, or the firm has failed over).
    rto_left_minutes: int | None
    threshold_minutes: int
    threshold_left_minutes: int | None
    reportable_now: bool
    report_deadline: datetime.datetime | None
    strategy: str
    last_test_result: str
    best_recovery_minutes: int | None
    response_state: str = ""
    failed_over_at: datetime.datetime | None = None

    @property
    def breached_rto(self) -> bool:
        return self.rto_left_minutes is not None and self.rto_left_minutes < 0

    @property
    def rto_overrun_minutes(self) -> int:
        return -self.rto_left_minutes if self.breached_rto else 0


def report_threshold_minutes(service_users: int | None) -> int:
    """Minutes of disruption after which the service's outage becomes reportable (vendors.reporting)."""
    if (service_users or 0) >= reporting.LARGE_SERVICE_USERS:
        return reporting.LARGE_SERVICE_MINUTES
    return reporting.ANY_SERVICE_MINUTES


def minutes_between(start: datetime.datetime, end: datetime.datetime) -> int:
    return max(0, int((end - start).total_seconds() // 60))


def board(
    rows: Iterable[Mapping],
    *,
    failed: Iterable[int],
    knocked: Iterable[int] = (),
    shared_rows: Iterable[Mapping] = (),
    started_at: datetime.datetime,
    detected_at: datetime.datetime,
    now: datetime.datetime,
    responses: Mapping[int, Mapping] | None = None,
) -> list[BoardEntry]:
    """Every critical or important service the outage reaches, what breaches first at the top.

    ``rows`` are submitted dependencies the outage reaches directly, through a knocked-out upstream or
    as an nth party; ``shared_rows`` those whose primary and alternate share the failed provider (a
    hidden single point of failure): for them the primary is counted as knocked out too.
    ``responses`` maps a firm to its answer (state, failed_over_at): a firm that failed over stops its
    clock there.
    """
    failed, knocked = list(failed), list(knocked)
    rows, shared_rows = [r for r in rows if _counts(r)], [r for r in shared_rows if _counts(r)]
    elapsed = minutes_between(started_at, now)
    impacts = {(s.organization_id, s.service_reference): s
               for s in market_rules.classify_outage(rows, failed, elapsed, knocked)}
    if shared_rows:
        extra = {int(r["provider_id"]) for r in shared_rows}
        for s in market_rules.classify_outage(shared_rows, failed, elapsed, [*knocked, *extra]):
            key = (s.organization_id, s.service_reference)
            if key not in impacts or _worse(s, impacts[key]):
                impacts[key] = s
    by_service = {(r["organization_id"], r["service_reference"]): r for r in [*shared_rows, *rows]}
    responses = responses or {}
    entries = []
    for key, impact in impacts.items():
        if impact.outcome == market_rules.NOT_AFFECTED:
            continue
        row, reason = by_service[key], impact.reasons[0]
        answer = responses.get(impact.organization_id, {})
        failed_over_at = answer.get("failed_over_at")
        threshold = report_threshold_minutes(row.get("customers_affected"))
        if failed_over_at:
            interruption = minutes_between(started_at, failed_over_at)
            rto_left = threshold_left = None
        elif impact.outcome == market_rules.COVERED:
            interruption = impact.interruption_minutes
            rto_left = None
            recovery = reason.best_recovery_minutes or 0
            threshold_left = None if recovery < threshold else threshold - interruption
        else:
            # Down since the start, or (a tested failover slower than the RTO) until its switch-over.
            interruption = impact.interruption_minutes
            rto_left, threshold_left = impact.rto_minutes - interruption, threshold - interruption
        found = reporting.reportability(service_users=row.get("customers_affected"), started_at=started_at,
                                        detected_at=detected_at, duration_minutes=interruption)
        entries.append(BoardEntry(
            organization_id=impact.organization_id, firm_name=impact.firm_name, firm_kind=impact.firm_kind,
            service_reference=impact.service_reference, service_name=impact.service_name,
            tier=row.get("tier", ""), hit_via=reason.hit_via, rto_minutes=impact.rto_minutes,
            elapsed_minutes=elapsed, outcome=impact.outcome, interruption_minutes=interruption,
            rto_left_minutes=rto_left, threshold_minutes=threshold, threshold_left_minutes=threshold_left,
            reportable_now=found.reportable,
            report_deadline=detected_at + reporting.INITIAL_REPORT_WITHIN,
            strategy=reason.strategy, last_test_result=reason.last_test_result,
            best_recovery_minutes=reason.best_recovery_minutes,
            response_state=answer.get("state", ""), failed_over_at=failed_over_at,
        ))
    entries.sort(key=_breaches_first)
    return entries


def _counts(row: Mapping) -> bool:
    return row.get("tier") in (CRITICAL_TIER, IMPORTANT_TIER)


def _worse(a: market_rules.ServiceImpact, b: market_rules.ServiceImpact) -> bool:
    return market_rules.OUTCOMES.index(a.outcome) > market_rules.OUTCOMES.index(b.outcome)


_LATE = 10**9


def _breaches_first(e: BoardEntry) -> tuple:
    rto = _LATE if e.rto_left_minutes is None else e.rto_left_minutes
    threshold = _LATE if e.threshold_left_minutes is None else e.threshold_left_minutes
    return (min(rto, threshold), rto, e.firm_name, e.service_reference)


# --- after the event: declared versus actual ------------------------------------------------------

@dataclass(frozen=True)
class DeclaredVsActual:
    organization_id: int
    firm_name: str
    service_reference: str
    service_name: str
    rto_minutes: int
    strategy: str
    last_test_result: str
    tested_switch_minutes: int | None
    response_state: str
    actual_failover_minutes: int | None  # None: the firm never reported a failover
    outage_minutes: int
    finding: str  # "" when consistent; else market.rules.declared_vs_observed's code, or "no_failover"


def declared_vs_actual(entries: Iterable[BoardEntry], *, started_at: datetime.datetime,
                       ended_at: datetime.datetime) -> list[DeclaredVsActual]:
    """Per firm and service: the declared strategy and tested switch-over time against the failover achieved.

    A declared, tested redundancy that did not fail over during an outage longer than its tested time
    is what a supervisor asks about; so is a failover slower than the RTO (``declared_vs_observed``).
    """
    outage = minutes_between(started_at, ended_at)
    out = []
    for e in entries:
        actual = minutes_between(started_at, e.failed_over_at) if e.failed_over_at else None
        declared = e.strategy not in ("", "none") and e.last_test_result == "pass"
        if actual is None:
            finding = "no_failover" if declared and outage > (e.best_recovery_minutes or 0) else ""
        else:
            finding = market_rules.declared_vs_observed(declared, actual, e.rto_minutes)
        out.append(DeclaredVsActual(
            organization_id=e.organization_id, firm_name=e.firm_name, service_reference=e.service_reference,
            service_name=e.service_name, rto_minutes=e.rto_minutes, strategy=e.strategy,
            last_test_result=e.last_test_result, tested_switch_minutes=e.best_recovery_minutes,
            response_state=e.response_state, actual_failover_minutes=actual, outage_minutes=outage,
            finding=finding,
        ))
    return sorted(out, key=lambda r: (r.finding == "", r.firm_name, r.service_reference))
