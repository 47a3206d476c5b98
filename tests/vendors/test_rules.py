"""The tier rubric (regulation.md §5.1) and the single-point-of-failure rule (§5.3), as pure functions."""

import datetime
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from vendors.rules import (
    DependencyFacts,
    MeasureFacts,
    TestFacts,
    TierInputs,
    compute_tier,
    failover_test_interval_months,
    failover_test_overdue,
    failover_test_window_months,
    failover_test_window_start,
    find_single_points_of_failure,
    months_before,
    tier_for_score,
)

TODAY = datetime.date(2026, 1, 15)
LOW = TierInputs(
    firm_kind="other",
    customer_facing=False,
    max_tolerable_downtime_minutes=20_000,
    substitutability="lt_1d",
    jurisdiction="KR",
    data_location="kr_only",
    korean_entity=True,
    role="other",
    services_on_same_provider=1,
)


def test_the_lowest_inputs_score_12_and_are_t4():
    result = compute_tier(LOW)
    assert result.score == 12
    assert result.tier == "T4"
    assert result.gates == []
    assert set(result.factors.values()) == {1}


def test_the_highest_inputs_score_60():
    high = TierInputs(
        firm_kind="vasp",
        is_core_business=True,
        customer_facing=True,
        customers_affected=1_000_000,
        max_tolerable_downtime_minutes=10,
        shares_crypto_keys=True,
        substitutability="gt_3m",
        role="cdn",
        jurisdiction="US",
        data_location="offshore",
        korean_entity=False,
        undisclosed_subcontractors=True,
    )
    assert compute_tier(high).score == 60


def test_each_gate_forces_t1_with_its_code():
    cases = {
        "G1": replace(LOW, shares_unique_id=True),
        "G2": replace(LOW, is_core_business=True),
        "G4": replace(LOW, firm_kind="vasp", trading_path=True),
        "G5": replace(LOW, priority_contract=True),
    }
    for code, inputs in cases.items():
        result = compute_tier(inputs)
        assert result.tier == "T1", code
        assert result.gates == [code]
        assert result.reasons


def test_ten_thousand_users_is_a_reporting_threshold_not_a_gate():
    # EFSR Art. 73 uses 10,000 users to decide whether an outage is reported; it scores F1, it is no gate.
    result = compute_tier(replace(LOW, customer_facing=True, customers_affected=200_000))
    assert result.gates == []
    assert result.factors["F1"] == 5
    assert result.tier != "T1"


# The gates judge the work the dependency outsources, not its vendor or its service (regulation.md §5.1).
EXCHANGE_WEB = replace(
    LOW, firm_kind="vasp", is_core_business=True, customer_facing=True, trading_path=True,
    customers_affected=800_000, max_tolerable_downtime_minutes=120,
)


def test_a_monitoring_tool_on_an_exchange_web_front_is_not_gated():
    monitoring = replace(EXCHANGE_WEB, role="monitoring", failure_stops_service=False)
    result = compute_tier(monitoring)
    assert result.gates == []
    assert result.tier in ("T3", "T4")
    # No customer is cut off and no recovery-time target is at stake when it fails.
    assert result.factors["F1"] == 1 and result.factors["F2"] == 1


def test_the_hosting_that_stops_the_exchange_web_front_is_g2_and_g4():
    assert compute_tier(replace(EXCHANGE_WEB, role="hosting")).gates == ["G2", "G4"]


def test_g1_needs_the_work_to_process_the_sensitive_data_shared_with_the_vendor():
    vendor_holds_ids = replace(LOW, shares_unique_id=True, shares_personal_credit=True)
    assert compute_tier(vendor_holds_ids).gates == ["G1"]
    other_work = compute_tier(replace(vendor_holds_ids, processes_shared_data=False))
    assert other_work.gates == []
    assert other_work.factors["F3"] == 1


def test_a_failure_that_only_degrades_a_core_business_is_not_g2():
    assert compute_tier(replace(LOW, is_core_business=True, failure_stops_service=False)).gates == []


def test_g4_applies_only_to_vasps():
    assert compute_tier(replace(LOW, firm_kind="bank", trading_path=True)).gates == []


def test_personal_credit_is_g1_but_transaction_data_is_not():
    assert compute_tier(replace(LOW, shares_personal_credit=True)).gates == ["G1"]
    result = compute_tier(replace(LOW, shares_transaction_data=True))
    assert result.gates == []
    assert result.factors["F3"] == 3


def test_score_thresholds_match_the_rubric():
    assert [tier_for_score(s) for s in (41, 42, 30, 29, 20, 19)] == ["T2", "T1", "T2", "T3", "T3", "T4"]


def test_edge_roles_are_concentrated_by_design():
    assert compute_tier(replace(LOW, role="dns")).factors["F5"] == 5
    assert compute_tier(replace(LOW, services_on_same_provider=3)).factors["F5"] == 3
    assert compute_tier(replace(LOW, services_on_same_provider=4)).factors["F5"] == 5


def test_f2_follows_the_maximum_tolerable_downtime():
    f2 = [
        compute_tier(replace(LOW, max_tolerable_downtime_minutes=m)).factors["F2"]
        for m in (30, 240, 1440, 10080, 20000)
    ]
    assert f2 == [5, 4, 3, 2, 1]


def test_offshore_without_a_korean_entity_is_f6_five():
    assert (
        compute_tier(replace(LOW, data_location="offshore", jurisdiction="US", korean_entity=False)).factors["F6"] == 5
    )
    assert compute_tier(replace(LOW, jurisdiction="US")).factors["F6"] == 3


def test_failover_test_intervals_by_tier():
    assert [failover_test_interval_months(t) for t in ("T1", "T2", "T3", "T4", "")] == [12, 24, None, None, None]


def test_months_before_clamps_to_the_end_of_the_month():
    assert months_before(datetime.date(2026, 3, 31), 1) == datetime.date(2026, 2, 28)
    assert months_before(datetime.date(2026, 1, 15), 12) == datetime.date(2025, 1, 15)


def test_overdue_when_the_last_pass_is_older_than_the_interval():
    assert failover_test_overdue("T1", None, TODAY)
    assert failover_test_overdue("T1", datetime.date(2025, 1, 1), TODAY)
    assert not failover_test_overdue("T2", datetime.date(2025, 1, 1), TODAY)
    assert not failover_test_overdue("T3", None, TODAY)


inputs_strategy = st.builds(
    TierInputs,
    firm_kind=st.sampled_from(["bank", "securities", "insurance", "card", "fintech", "vasp", "other"]),
    is_core_business=st.booleans(),
    customer_facing=st.booleans(),
    trading_path=st.booleans(),
    customers_affected=st.integers(0, 10_000_000),
    max_tolerable_downtime_minutes=st.integers(1, 100_000),
    shares_personal_credit=st.booleans(),
    shares_unique_id=st.booleans(),
    shares_transaction_data=st.booleans(),
    shares_crypto_keys=st.booleans(),
    priority_contract=st.booleans(),
    jurisdiction=st.sampled_from(["KR", "US", "IE"]),
    data_location=st.sampled_from(["kr_only", "kr_primary_offshore_backup", "offshore"]),
    korean_entity=st.booleans(),
    subcontractor_count=st.integers(0, 5),
    undisclosed_subcontractors=st.booleans(),
    role=st.sampled_from(["hosting", "cdn", "dns", "waf", "ddos_bot", "kyc", "monitoring", "other"]),
    failure_stops_service=st.booleans(),
    processes_shared_data=st.booleans(),
    substitutability=st.sampled_from(["lt_1d", "lt_1w", "1w_4w", "1m_3m", "gt_3m"]),
    services_on_same_provider=st.integers(1, 12),
)


@given(inputs_strategy)
def test_any_gate_forces_t1_and_the_score_stays_within_12_and_60(inputs):
    result = compute_tier(inputs)
    assert 12 <= result.score <= 60
    assert all(1 <= v <= 5 for v in result.factors.values())
    if result.gates:
        assert result.tier == "T1"
    else:
        assert result.tier == tier_for_score(result.score)


@given(inputs_strategy)
def test_removing_a_gate_never_raises_the_tier(inputs):
    order = ["T1", "T2", "T3", "T4"]
    calmer = replace(inputs, priority_contract=False)
    assert order.index(compute_tier(calmer).tier) >= order.index(compute_tier(inputs).tier)


# --- single points of failure -------------------------------------------------------------------


def dep(measures=(), rto=60, tier="T1", **extra) -> DependencyFacts:
    return DependencyFacts(
        dependency_id=1,
        service_id=2,
        service_name="Exchange web",
        service_rto_minutes=rto,
        vendor_name="Cloudflare",
        provider_id=10,
        tier=tier,
        measures=tuple(measures),
        **extra,
    )


def measure(strategy="active_active", tests=(), **extra) -> MeasureFacts:
    extra.setdefault("alternate_provider_id", 20)
    return MeasureFacts(measure_id=5, strategy=strategy, alternate_name="Akamai", tests=tuple(tests), **extra)


def passed(days_ago=30, minutes=15, result="pass") -> TestFacts:
    return TestFacts(TODAY - datetime.timedelta(days=days_ago), result, minutes)


def reasons(d: DependencyFacts) -> list[str]:
    return [c for f in find_single_points_of_failure([d], TODAY) for c in f.codes]


def test_a_tested_fast_failover_is_not_a_spof():
    assert reasons(dep([measure(tests=[passed()])])) == []


def test_no_measure_is_a_spof():
    findings = find_single_points_of_failure([dep()], TODAY)
    assert [c for f in findings for c in f.codes] == ["no_measure"]
    assert findings[0].severity == "critical"
    assert findings[0].vendor_name == "Cloudflare"


def test_only_strategy_none_is_a_spof():
    assert reasons(dep([measure(strategy="none", alternate_provider_id=None)])) == ["strategy_none"]


def test_an_untested_measure_is_a_spof():
    assert reasons(dep([measure()])) == ["no_recent_pass"]


def test_a_failed_test_is_not_a_pass():
    assert reasons(dep([measure(tests=[passed(result="fail")])])) == ["no_recent_pass"]


def test_a_pass_older_than_twelve_months_is_stale_for_t1_but_not_for_t2():
    old = measure(tests=[passed(days_ago=400)])
    assert reasons(dep([old], tier="T1")) == ["no_recent_pass"]
    assert reasons(dep([old], tier="T2")) == []


def test_a_recovery_slower_than_the_rto_is_a_spof():
    findings = find_single_points_of_failure([dep([measure(tests=[passed(minutes=90)])], rto=60)], TODAY)
    assert [c for f in findings for c in f.codes] == ["slower_than_rto"]
    assert "90" in findings[0].message and "60" in findings[0].message


def test_a_faster_latest_drill_clears_an_older_slow_one():
    assert reasons(dep([measure(tests=[passed(minutes=90), passed(days_ago=10, minutes=20)])])) == []


def test_a_degraded_latest_drill_shows_even_after_a_fast_one():
    drills = [passed(days_ago=200, minutes=35), passed(days_ago=10, minutes=90)]
    findings = find_single_points_of_failure([dep([measure(tests=drills)], rto=60)], TODAY)
    assert [c for f in findings for c in f.codes] == ["slower_than_rto"]
    assert "90" in findings[0].message


def test_a_partial_latest_drill_is_judged_on_its_recovery_time_too():
    drills = [passed(days_ago=200, minutes=35), passed(days_ago=10, minutes=150, result="partial")]
    assert reasons(dep([measure(tests=drills)], rto=60)) == ["slower_than_rto"]


def test_each_measure_is_judged_on_its_latest_drill_and_the_fastest_counts():
    slow = measure(tests=[passed(days_ago=5, minutes=90)])
    fast = replace(measure(tests=[passed(days_ago=300, minutes=90), passed(days_ago=40, minutes=20)]), measure_id=6)
    assert reasons(dep([slow, fast], rto=60)) == []


def test_the_test_window_is_the_tier_interval_and_twelve_months_otherwise():
    assert [failover_test_window_months(t) for t in ("T1", "T2", "T3", "T4", "")] == [12, 24, 12, 12, 12]
    assert failover_test_window_start("T2", TODAY) == datetime.date(2024, 1, 15)


def test_drills_older_than_the_window_do_not_time_the_recovery():
    old_slow = measure(tests=[passed(days_ago=400, minutes=300), passed(days_ago=30, minutes=None)])
    assert reasons(dep([old_slow], rto=60)) == []


def test_recorded_shared_upstreams_are_a_hidden_spof():
    findings = find_single_points_of_failure([dep([measure(tests=[passed()], shared_upstream_names=("NS1",))])], TODAY)
    assert [c for f in findings for c in f.codes] == ["shared_upstream"]
    assert "NS1" in findings[0].message


def test_an_alternate_that_itself_runs_on_the_primary_is_a_hidden_spof():
    m = measure(tests=[passed()], alternate_upstream_ids=frozenset({10}))
    assert reasons(dep([m])) == ["shared_upstream"]


def test_an_alternate_sharing_an_upstream_with_the_primary_is_a_hidden_spof():
    m = measure(tests=[passed()], alternate_upstream_ids=frozenset({99}))
    d = dep([m], provider_upstream_ids=frozenset({99}), upstream_names={99: "AWS"})
    findings = find_single_points_of_failure([d], TODAY)
    assert [c for f in findings for c in f.codes] == ["shared_upstream"]
    assert "AWS" in findings[0].message


def test_t3_and_t4_dependencies_are_not_checked():
    assert reasons(dep(tier="T3")) == []
    assert reasons(dep(tier="T4")) == []


def test_t2_dependencies_are_high_severity():
    assert find_single_points_of_failure([dep(tier="T2")], TODAY)[0].severity == "high"


measure_strategy = st.builds(
    MeasureFacts,
    measure_id=st.integers(1, 100),
    strategy=st.sampled_from(["none", "manual_workaround", "warm_standby", "active_active", "in_house"]),
    alternate_provider_id=st.one_of(st.none(), st.integers(11, 15)),
    alternate_upstream_ids=st.frozensets(st.integers(8, 12), max_size=2),
    shared_upstream_names=st.lists(st.sampled_from(["NS1", "DigiCert"]), max_size=1).map(tuple),
    tests=st.lists(
        st.builds(
            TestFacts,
            tested_on=st.dates(datetime.date(2023, 1, 1), TODAY),
            result=st.sampled_from(["pass", "partial", "fail"]),
            achieved_recovery_minutes=st.one_of(st.none(), st.integers(1, 600)),
        ),
        max_size=3,
    ).map(tuple),
)


@given(
    st.lists(measure_strategy, max_size=3),
    st.integers(1, 300),
    st.sampled_from(["T1", "T2", "T3", ""]),
    st.frozensets(st.integers(8, 12), max_size=2),
)
def test_adding_a_recent_fast_passed_test_never_adds_a_reason(measures, rto, tier, upstreams):
    before_dep = dep(measures, rto=rto, tier=tier, provider_upstream_ids=upstreams)
    before = set(reasons(before_dep))
    real = [i for i, m in enumerate(measures) if m.strategy != "none"]
    if not real:
        return
    i = real[0]
    fast = TestFacts(TODAY, "pass", rto)
    improved = list(measures)
    improved[i] = replace(measures[i], tests=(*measures[i].tests, fast))
    after = set(reasons(dep(improved, rto=rto, tier=tier, provider_upstream_ids=upstreams)))
    assert after - before <= {"shared_upstream"}
    assert "no_recent_pass" not in after
    # Two drills on one day read cautiously (the slower counts): only a drill on a later day must clear it.
    if not any(t.tested_on == TODAY for t in measures[i].tests):
        assert "slower_than_rto" not in after


def test_e_finance_operators_are_regulated_for_f7_like_banks():
    # 전자금융업자 fall under the EFSR (Art. 14-2 cloud procedure, Art. 23 RTO), so their outsourcing is reportable.
    for kind in ("fintech", "bank"):
        assert compute_tier(replace(LOW, firm_kind=kind)).factors["F7"] == 3, kind
        assert compute_tier(replace(LOW, firm_kind=kind, is_core_business=True)).factors["F7"] == 5, kind
    assert compute_tier(replace(LOW, firm_kind="other")).factors["F7"] == 1
