"""The outage classification and the concentration index, as pure functions."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from market import rules

CF, ALT, AWS, SUB = 1, 2, 3, 4


def row(**kw) -> dict:
    base = {
        "organization_id": 10, "firm_name": "Alpha", "firm_kind": "bank", "as_of": None,
        "service_reference": "S1", "service_name": "Web", "importance": "critical", "rto_minutes": 60,
        "vendor_name": "CDN", "provider_id": CF, "role": "cdn", "strategy": "none", "alternate_provider_id": None,
        "alternate_upstream_ids": [], "shared_upstream_ids": [], "tested_redundancy": False,
        "best_recovery_minutes": None, "last_test_on": None, "last_test_result": "", "last_pass_on": None,
        "subcontractor_ids": [],
    }
    base.update(kw)
    return base


def failover_row(**kw) -> dict:
    return row(strategy="active_passive", alternate_provider_id=ALT, tested_redundancy=True,
               best_recovery_minutes=10, last_test_on="2025-09-01", last_test_result="pass",
               last_pass_on="2025-09-01", **kw)


def one(r: dict, duration: int, failed=(CF,), knocked=()) -> rules.ServiceImpact:
    [impact] = rules.classify_outage([r], failed, duration, knocked)
    return impact


def test_no_redundancy_is_lost_when_the_outage_outlasts_the_rto():
    impact = one(row(), 174)
    assert impact.outcome == rules.LOST
    assert impact.downtime_minutes == 174
    assert impact.reasons[0].reason == "no_redundancy"


def test_no_redundancy_is_degraded_when_the_outage_is_shorter_than_the_rto():
    assert one(row(), 25).outcome == rules.DEGRADED


def test_a_firm_whose_rto_sits_between_the_two_outages_breaches_only_the_long_one():
    r = row(rto_minutes=120)
    assert one(r, 174).outcome == rules.LOST
    assert one(r, 25).outcome == rules.DEGRADED


def test_untested_redundancy_does_not_cover():
    impact = one(row(strategy="active_passive", alternate_provider_id=ALT), 174)
    assert impact.outcome == rules.LOST
    assert impact.reasons[0].reason == "untested"


def test_a_failed_test_does_not_cover_and_says_so():
    impact = one(row(strategy="warm_standby", alternate_provider_id=ALT, last_test_result="fail",
                     last_test_on="2025-09-01"), 174)
    assert impact.outcome == rules.LOST
    assert impact.reasons[0].reason == "test_failed"


def test_tested_but_slower_than_the_rto_is_down_for_its_recovery_time():
    r = row(strategy="cold_standby", alternate_provider_id=ALT, tested_redundancy=False, best_recovery_minutes=90,
            last_test_on="2025-09-01", last_test_result="pass", last_pass_on="2025-09-01")
    long_outage = one(r, 174)
    assert long_outage.outcome == rules.LOST
    assert long_outage.downtime_minutes == 90
    assert long_outage.reasons[0].reason == "slower_than_rto"
    # The outage ends before the failover would have completed: down 25 minutes, within the RTO.
    assert one(r, 25).outcome == rules.DEGRADED


def test_tested_active_active_is_covered():
    impact = one(row(strategy="active_active", alternate_provider_id=ALT, tested_redundancy=True,
                     best_recovery_minutes=0, last_test_result="pass", last_pass_on="2025-09-01"), 174)
    assert impact.outcome == rules.COVERED
    assert impact.downtime_minutes == 0
    assert impact.reasons[0].reason == "tested"


def test_a_vendor_whose_subcontractor_fails_is_hit():
    impact = one(row(provider_id=AWS, subcontractor_ids=[CF]), 174)
    assert impact.outcome == rules.LOST
    assert impact.reasons[0].hit_via == "subcontractor"


def test_a_provider_relying_on_the_failed_one_takes_its_customers_down():
    impact = one(row(provider_id=AWS), 174, knocked=(AWS,))
    assert impact.outcome == rules.LOST
    assert impact.reasons[0].hit_via == "upstream"


def test_an_alternate_sharing_the_failed_upstream_is_a_hidden_spof_and_counts_as_lost():
    impact = one(failover_row(shared_upstream_ids=[CF], provider_id=AWS, subcontractor_ids=[CF]), 174)
    assert impact.outcome == rules.LOST
    assert impact.downtime_minutes == 174
    assert impact.reasons[0].reason == "hidden_spof"


def test_a_hidden_spof_in_an_outage_shorter_than_the_rto_is_degraded_like_a_missing_measure():
    # The failover goes down with the primary, so the service is down for the whole outage; a
    # 25-minute outage against a 60-minute RTO is then within the RTO, as with no measure at all.
    hidden = failover_row(shared_upstream_ids=[CF], provider_id=AWS, subcontractor_ids=[CF])
    impact = one(hidden, 25)
    assert impact.reasons[0].reason == "hidden_spof"
    assert impact.outcome == one(row(), 25).outcome == rules.DEGRADED
    assert impact.downtime_minutes == 25


def test_an_alternate_that_itself_relies_on_the_failed_provider_is_a_hidden_spof():
    assert one(failover_row(alternate_upstream_ids=[CF]), 174).outcome == rules.LOST
    # The same alternate is fine when something else fails.
    assert one(failover_row(alternate_upstream_ids=[CF], provider_id=AWS), 174, failed=(AWS,)).outcome == rules.COVERED


def test_an_alternate_that_is_itself_failed_does_not_cover():
    assert one(failover_row(), 174, failed=(CF, ALT)).reasons[0].reason == "hidden_spof"


def test_a_service_not_depending_on_the_failed_provider_is_not_affected():
    impact = one(row(provider_id=AWS), 174)
    assert impact.outcome == rules.NOT_AFFECTED
    assert impact.reasons == ()


def test_a_service_takes_the_worst_of_its_dependencies():
    rows = [failover_row(), row(provider_id=AWS, subcontractor_ids=[CF], vendor_name="Cloud")]
    [impact] = rules.classify_outage(rows, [CF], 174)
    assert impact.outcome == rules.LOST
    assert [r.outcome for r in impact.reasons] == [rules.LOST, rules.COVERED]


def test_totals_by_kind_and_the_firms_breaching_their_rto():
    rows = [row(), row(organization_id=11, firm_name="Beta", firm_kind="vasp", provider_id=AWS),
            row(organization_id=12, firm_name="Gamma", firm_kind="vasp", rto_minutes=240)]
    impacts = rules.classify_outage(rows, [CF], 174)
    totals = rules.totals_by_kind(impacts, {"bank": 3, "vasp": 2})
    assert totals["bank"] == {"not_affected": 2, "covered": 0, "degraded_within_rto": 0, "lost_beyond_rto": 1}
    assert totals["vasp"] == {"not_affected": 1, "covered": 0, "degraded_within_rto": 1, "lost_beyond_rto": 0}
    assert [f["firm_name"] for f in rules.firms_breaching_rto(impacts)] == ["Alpha"]


def test_hhi_of_a_hand_computed_example():
    # Shares 50 %, 30 %, 20 %: 2,500 + 900 + 400 = 3,800.
    assert rules.hhi([0.5, 0.3, 0.2]) == 3800.0
    assert rules.hhi_from_counts([5, 3, 2]) == 3800.0
    assert rules.hhi_from_counts([7]) == 10000.0
    assert rules.hhi_from_counts([]) == 0.0
    assert rules.hhi_band(3800) == "high"


def test_hhi_bands_are_those_of_the_2023_us_merger_guidelines():
    # Above 1,800 highly concentrated; 1,000 to 1,800 moderately; below 1,000 unconcentrated.
    assert [rules.hhi_band(i) for i in (999.9, 1000, 1800, 1800.1, 2000)] == [
        "low", "moderate", "moderate", "high", "high"]


def test_concentration_by_counts_and_shares():
    rows = [{"p": "cf"}, {"p": "cf"}, {"p": "aws"}, {"p": "cf"}]
    assert rules.concentration_by(rows, "p") == [("cf", 3, 0.75), ("aws", 1, 0.25)]


def test_downtime_distribution_and_the_declared_failover_flag():
    dist = {b["label"]: b["count"] for b in rules.downtime_distribution([5, 20, 200, 300, None])}
    assert dist["0-15"] == 1 and dist["15-30"] == 1 and dist["120-240"] == 1 and dist["240+"] == 1 and dist["?"] == 1
    assert rules.declared_vs_observed(True, 174, 240) == "failover_over_60"
    assert rules.declared_vs_observed(True, 45, 30) == "failover_over_rto"
    assert rules.declared_vs_observed(True, 20, 30) == ""
    assert rules.declared_vs_observed(False, 174, 30) == ""


counts = st.lists(st.integers(min_value=1, max_value=1000), min_size=1, max_size=30)


@given(counts)
def test_hhi_lies_between_the_equal_split_and_a_monopoly(ns):
    index = rules.hhi_from_counts(ns)
    assert 10000 / len(ns) - 0.1 <= index <= 10000.0 + 1e-6


dep_rows = st.builds(
    lambda provider, subs, strategy, tested, best, rto, alt, shared: row(
        provider_id=provider, subcontractor_ids=subs, strategy=strategy, tested_redundancy=tested,
        best_recovery_minutes=best, last_pass_on="2025-09-01" if best is not None else None, rto_minutes=rto,
        alternate_provider_id=alt, shared_upstream_ids=shared),
    st.integers(1, 6), st.lists(st.integers(1, 6), max_size=3),
    st.sampled_from(["none", "active_active", "active_passive", "cold_standby"]), st.booleans(),
    st.one_of(st.none(), st.integers(0, 300)), st.integers(1, 480), st.one_of(st.none(), st.integers(1, 6)),
    st.lists(st.integers(1, 6), max_size=2),
)


@given(dep_rows, st.integers(1, 6), st.integers(1, 600), st.integers(1, 600))
def test_a_longer_outage_is_never_better(r, failed, short, extra):
    a, b = one(r, short, failed=(failed,)), one(r, short + extra, failed=(failed,))
    assert rules.OUTCOMES.index(b.outcome) >= rules.OUTCOMES.index(a.outcome)


@given(dep_rows, st.integers(1, 6), st.integers(1, 600))
def test_covered_needs_tested_redundancy_and_an_unhit_alternate(r, failed, duration):
    impact = one(r, duration, failed=(failed,))
    if impact.outcome == rules.COVERED:
        assert r["strategy"] != "none"
        assert r["alternate_provider_id"] != failed and failed not in r["shared_upstream_ids"]
    if failed != r["provider_id"] and failed not in r["subcontractor_ids"]:
        assert impact.outcome == rules.NOT_AFFECTED


def test_each_affected_service_says_whether_the_outage_would_be_reportable_and_by_when():
    large = one(row(customers_affected=50_000), 25)
    assert large.reportable and large.report_reason == "10_minutes_10000_users"
    assert large.report_due_hours == 24  # the initial report: within one day of detection
    small = one(row(customers_affected=100), 25)
    assert not small.reportable and small.report_reason == "below_threshold" and small.report_due_hours is None
    assert one(row(customers_affected=100), 30).report_reason == "30_minutes"


def test_a_covered_service_is_still_reportable_when_its_failover_takes_ten_minutes_for_many_users():
    slow_switch = one(failover_row(customers_affected=20_000, rto_minutes=60) | {"best_recovery_minutes": 15}, 174)
    assert slow_switch.outcome == rules.COVERED
    assert slow_switch.interruption_minutes == 15 and slow_switch.reportable
    instant = one(failover_row(customers_affected=20_000) | {"best_recovery_minutes": 0}, 174)
    assert not instant.reportable


def test_an_unaffected_service_is_not_reportable():
    impact = one(row(provider_id=AWS, customers_affected=10**6), 174)
    assert not impact.reportable and impact.report_reason == ""


def test_a_partial_outage_keeps_each_services_impact_if_hit_and_marks_its_exposure():
    full, partial = one(row(), 25), rules.classify_outage([row()], [CF], 25, traffic_share_pct=28)[0]
    assert partial.outcome == full.outcome and partial.downtime_minutes == full.downtime_minutes
    assert full.exposure_pct == 100 and partial.exposure_pct == 28
    assert one(row(provider_id=AWS), 25).exposure_pct == 0


def test_expected_counts_scale_the_affected_services_by_the_share_of_traffic_hit():
    counts = {rules.NOT_AFFECTED: 50, rules.COVERED: 10, rules.DEGRADED: 25, rules.LOST: 15}
    expected = rules.expected_counts(counts, 28)
    assert expected == {rules.NOT_AFFECTED: 86.0, rules.COVERED: 2.8, rules.DEGRADED: 7.0, rules.LOST: 4.2}
    assert rules.expected_counts(counts, 100) == {k: float(v) for k, v in counts.items()}


@pytest.mark.parametrize("share", [0, 101, -5])
def test_a_share_of_traffic_outside_1_to_100_is_refused(share):
    with pytest.raises(ValueError):
        rules.classify_outage([row()], [CF], 25, traffic_share_pct=share)
