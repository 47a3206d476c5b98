"""The live impact board's numbers against the simulation's own pure rules (market.rules, vendors.reporting)."""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from market import rules as market_rules
from outages import rules
from vendors import reporting

CDN, CLOUD, ALT = 1, 2, 3
START = datetime.datetime(2025, 11, 18, 11, 20, tzinfo=datetime.UTC)
DETECTED = START + datetime.timedelta(minutes=28)


def row(org=10, ref="S1", *, provider=CDN, rto=60, tier="T1", strategy="none", best=None, users=0, **extra):
    return {"organization_id": org, "firm_name": f"Firm {org}", "firm_kind": "bank", "service_reference": ref,
            "service_name": f"Service {ref}", "rto_minutes": rto, "tier": tier, "provider_id": provider,
            "vendor_name": "v", "strategy": strategy, "best_recovery_minutes": best, "customers_affected": users,
            "tested_redundancy": best is not None, "last_pass_on": datetime.date(2025, 9, 1) if best else None,
            "last_test_result": "pass" if best is not None else "", **extra}


def at(minutes):
    return START + datetime.timedelta(minutes=minutes)


def test_clocks_of_a_service_without_redundancy():
    [e] = rules.board([row(rto=60)], failed=[CDN], started_at=START, detected_at=DETECTED, now=at(40))
    assert (e.elapsed_minutes, e.rto_left_minutes, e.threshold_minutes, e.threshold_left_minutes) == (40, 20, 30, -10)
    assert e.reportable_now and e.report_deadline == DETECTED + reporting.INITIAL_REPORT_WITHIN
    assert e.outcome == market_rules.DEGRADED and not e.breached_rto


def test_a_large_service_reaches_the_reporting_threshold_at_ten_minutes():
    [e] = rules.board([row(users=50_000)], failed=[CDN], started_at=START, detected_at=DETECTED, now=at(4))
    assert e.threshold_minutes == reporting.LARGE_SERVICE_MINUTES and e.threshold_left_minutes == 6
    assert not e.reportable_now


def test_a_tested_failover_within_the_rto_is_not_counted_down():
    [e] = rules.board([row(strategy="active_passive", best=5)], failed=[CDN], started_at=START,
                      detected_at=DETECTED, now=at(90))
    assert e.outcome == market_rules.COVERED and e.rto_left_minutes is None and e.threshold_left_minutes is None
    assert e.interruption_minutes == 5 and not e.reportable_now


def test_a_hidden_single_point_of_failure_behind_the_failed_provider_is_on_the_board():
    shared = row(provider=CLOUD, strategy="active_passive", best=10, alternate_provider_id=ALT,
                 shared_upstream_ids=[CDN])
    [e] = rules.board([], shared_rows=[shared], failed=[CDN], started_at=START, detected_at=DETECTED, now=at(70))
    assert e.outcome == market_rules.LOST and e.breached_rto and e.rto_overrun_minutes == 10


def test_a_firm_that_failed_over_stops_its_clock():
    answers = {10: {"state": "failed_over", "failed_over_at": at(15)}}
    [e] = rules.board([row()], failed=[CDN], started_at=START, detected_at=DETECTED, now=at(90), responses=answers)
    assert e.response_state == "failed_over" and e.interruption_minutes == 15
    assert e.rto_left_minutes is None and not e.reportable_now


def test_only_critical_and_important_services_and_what_breaches_first_on_top():
    rows = [row(10, "SLOW", rto=240), row(11, "FAST", rto=20), row(12, "MINOR", tier="T3"),
            row(13, "LARGE", rto=240, users=20_000)]
    entries = rules.board(rows, failed=[CDN], started_at=START, detected_at=DETECTED, now=at(5))
    assert [e.service_reference for e in entries] == ["LARGE", "FAST", "SLOW"]


# Generation is cheap; a loaded machine (the suite shares its cores) must not fail the health check.
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 4), st.sampled_from(["S1", "S2"]), st.integers(1, 300),
                       st.sampled_from(["none", "active_passive"]), st.one_of(st.none(), st.integers(0, 200)),
                       st.sampled_from([CDN, CLOUD])), max_size=8),
    st.integers(0, 400),
)
def test_the_board_classifies_every_service_as_the_simulation_does(specs, elapsed):
    rtos = {}
    # One RTO per service, as a register has it.
    rows = [row(org, ref, rto=rtos.setdefault((org, ref), rto), strategy=s, best=b, provider=p)
            for org, ref, rto, s, b, p in specs]
    entries = rules.board(rows, failed=[CDN], started_at=START, detected_at=DETECTED, now=at(elapsed))
    simulated = {(s.organization_id, s.service_reference): s
                 for s in market_rules.classify_outage(rows, [CDN], elapsed) if s.outcome != market_rules.NOT_AFFECTED}
    assert {(e.organization_id, e.service_reference): e.outcome for e in entries} == {
        k: s.outcome for k, s in simulated.items()}
    for e in entries:
        s = simulated[(e.organization_id, e.service_reference)]
        assert e.interruption_minutes == s.interruption_minutes
        found = reporting.reportability(service_users=0, started_at=START, detected_at=DETECTED,
                                        duration_minutes=s.interruption_minutes)
        assert e.reportable_now == found.reportable == s.reportable
        assert e.breached_rto == (s.outcome == market_rules.LOST and e.rto_left_minutes is not None)


def test_the_threshold_is_where_reportability_begins():
    for users in (0, 9_999, 10_000, 1_000_000):
        t = rules.report_threshold_minutes(users)
        args = {"service_users": users, "started_at": START, "detected_at": None}
        assert reporting.reportability(duration_minutes=t, **args).reportable
        assert not reporting.reportability(duration_minutes=t - 1, **args).reportable


def test_declared_versus_actual_flags_a_tested_failover_that_did_not_happen_or_was_slow():
    rows = [row(10, "NOFO", strategy="active_passive", best=5), row(11, "SLOW", strategy="active_passive", best=5,
                                                                    rto=30),
            row(12, "OK", strategy="active_passive", best=5), row(13, "NONE")]
    answers = {11: {"state": "failed_over", "failed_over_at": at(45)}, 12: {"state": "failed_over",
                                                                            "failed_over_at": at(6)}}
    entries = rules.board(rows, failed=[CDN], started_at=START, detected_at=DETECTED, now=at(190), responses=answers)
    report = {r.service_reference: r for r in rules.declared_vs_actual(entries, started_at=START, ended_at=at(190))}
    assert report["NOFO"].finding == "no_failover" and report["NOFO"].actual_failover_minutes is None
    assert report["SLOW"].finding == "failover_over_rto" and report["SLOW"].actual_failover_minutes == 45
    assert report["OK"].finding == "" and report["OK"].actual_failover_minutes == 6
    assert report["NONE"].finding == "" and report["NONE"].outage_minutes == 190
