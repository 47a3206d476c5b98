"""Scoped reads and the firm dashboard panels."""

import datetime

import pytest
from django.utils import timezone

from tests.factories.vendors import (
    make_chain,
    make_dependency,
    make_measure,
    make_provider,
    make_service,
    make_vendor,
)
from vendors import selectors
from vendors.dashboard import vendor_panels
from vendors.services import recompute_tiers

pytestmark = pytest.mark.django_db


class FakeRequest:
    def __init__(self, organization, is_supervisor=False):
        self.organization = organization
        self.is_supervisor = is_supervisor


def test_spofs_load_in_a_constant_number_of_queries(world, django_assert_max_num_queries):
    make_chain(world.firm_a, result="fail")
    with django_assert_max_num_queries(10) as one:
        assert len(selectors.single_points_of_failure(world.firm_a)) == 1
    for _ in range(20):
        make_chain(world.firm_a, result="fail")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(selectors.single_points_of_failure(world.firm_a)) == 21


def test_spofs_never_include_another_firms_dependencies(world):
    make_chain(world.firm_b, strategy=None)
    assert selectors.single_points_of_failure(world.firm_a) == []
    assert selectors.single_points_of_failure(None) == []


def test_an_alternate_running_on_the_primary_is_found_through_the_catalog(world):
    dep = make_chain(world.firm_a)
    alternate = dep.measures.get().alternate_provider
    alternate.upstreams.add(dep.vendor.catalog)
    assert [c for f in selectors.single_points_of_failure(world.firm_a) for c in f.codes] == ["shared_upstream"]


def test_contracts_ending_within_ninety_days(world):
    today = timezone.localdate()
    soon = make_vendor(world.firm_a, contract_end=today + datetime.timedelta(days=30))
    make_vendor(world.firm_a, contract_end=today + datetime.timedelta(days=200))
    make_vendor(world.firm_a, contract_end=today - datetime.timedelta(days=1))
    make_vendor(world.firm_b, contract_end=today + datetime.timedelta(days=30))
    assert list(selectors.contracts_ending_within(world.firm_a)) == [soon]


def test_failover_tests_overdue_for_t1_dependencies(world):
    stale = make_chain(world.firm_a, tested_days_ago=400)
    make_chain(world.firm_a, tested_days_ago=30)
    untested = make_chain(world.firm_a, result=None)
    recompute_tiers(world.firm_a)
    overdue = dict(selectors.failover_tests_overdue(world.firm_a))
    assert set(d.pk for d in overdue) == {stale.pk, untested.pk}


def test_critical_vendors_without_an_exit_plan(world):
    missing = make_dependency(world.firm_a).vendor
    make_dependency(world.firm_a, vendor=make_vendor(world.firm_a, exit_plan_exists=True))
    make_dependency(
        world.firm_a,
        service=make_service(world.firm_a, importance="other", customers_affected=0, customer_facing=False),
    )
    recompute_tiers(world.firm_a)
    assert missing in selectors.critical_vendors_without_exit_plan(world.firm_a)
    assert all(v.exit_plan_exists is False for v in selectors.critical_vendors_without_exit_plan(world.firm_a))


def test_the_dashboard_shows_four_register_panels_to_firms_only(world):
    make_chain(world.firm_a, strategy=None)
    recompute_tiers(world.firm_a)
    panels = {p["key"]: p for p in vendor_panels(FakeRequest(world.firm_a))}
    assert set(panels) == {"spof", "contracts_ending", "failover_overdue", "exit_plans"}
    assert panels["spof"]["count"] == 1
    assert panels["spof"]["tone"] == "bad"
    assert panels["contracts_ending"]["tone"] == "ok"
    assert {"label", "url", "detail"} <= set(panels["spof"]["rows"][0])
    assert vendor_panels(FakeRequest(world.regulator, is_supervisor=True)) == []
    assert vendor_panels(FakeRequest(None)) == []


def test_the_dashboard_page_lists_the_spof(world, as_user):
    dep = make_chain(world.firm_a, strategy=None)
    response = as_user(world.a_viewer).get("/")
    assert response.status_code == 200
    assert dep.service.name in response.content.decode()


def test_measure_strategy_none_is_reported(world):
    dep = make_dependency(world.firm_a, vendor=make_vendor(world.firm_a, catalog=make_provider()))
    make_measure(world.firm_a, dependency=dep, strategy="none")
    assert [c for f in selectors.single_points_of_failure(world.firm_a) for c in f.codes] == ["strategy_none"]


# One criticality notion: the dependency's computed tier (service importance is only an input to it).

def test_an_other_service_with_a_t1_dependency_and_no_redundancy_is_a_spof(world):
    chatbot = make_service(world.firm_a, name="AI chatbot", importance="other", customers_affected=200_000)
    dep = make_dependency(world.firm_a, service=chatbot, role="cdn")
    recompute_tiers(world.firm_a)
    dep.refresh_from_db()
    assert dep.tier == "T1"
    spofs = selectors.single_points_of_failure(world.firm_a)
    assert [(f.dependency_id, f.severity) for f in spofs] == [(dep.pk, "critical")]


def test_a_t3_dependency_of_a_critical_service_is_not_a_spof(world):
    web = make_service(world.firm_a, name="Exchange web", importance="critical")
    dep = make_dependency(world.firm_a, service=web, role="monitoring", failure_stops_service=False,
                          vendor=make_vendor(world.firm_a, jurisdiction="KR", data_location="kr_only",
                                             catalog=make_provider(korean_entity=True, country="KR")))
    recompute_tiers(world.firm_a)
    dep.refresh_from_db()
    assert dep.tier in ("T3", "T4")
    assert selectors.single_points_of_failure(world.firm_a) == []


def test_the_snapshot_marks_the_same_dependency_as_a_spof(world):
    from review.snapshot import register_rows

    chatbot = make_service(world.firm_a, reference="CHAT", importance="other", customers_affected=200_000)
    make_dependency(world.firm_a, service=chatbot, role="cdn")
    recompute_tiers(world.firm_a)
    rows, _ = register_rows(world.firm_a, timezone.localdate())
    assert [(r["service_reference"], r["tier"], r["is_spof"]) for r in rows] == [("CHAT", "T1", True)]


def test_vendors_without_an_exit_plan_are_those_with_a_t1_dependency(world):
    web = make_service(world.firm_a, importance="critical")
    t3 = make_dependency(world.firm_a, service=web, role="monitoring", failure_stops_service=False,
                         vendor=make_vendor(world.firm_a, jurisdiction="KR", data_location="kr_only",
                                            catalog=make_provider(korean_entity=True, country="KR")))
    t1 = make_dependency(world.firm_a, service=make_service(world.firm_a, importance="other",
                                                            customers_affected=200_000))
    recompute_tiers(world.firm_a)
    t3.refresh_from_db()
    assert t3.tier != "T1"
    assert list(selectors.critical_vendors_without_exit_plan(world.firm_a)) == [t1.vendor]


def test_the_snapshot_and_the_spof_rule_use_the_same_test_window(world):
    from review.snapshot import register_rows
    from vendors.models import Dependency

    # A T2 dependency whose last pass is 18 months old: within the T2 interval of 24 months.
    dep = make_chain(world.firm_a, tested_days_ago=540, achieved=10)
    Dependency.objects.for_org(world.firm_a).filter(pk=dep.pk).update(computed_tier="T2")
    assert selectors.single_points_of_failure(world.firm_a) == []
    (row,), _ = register_rows(world.firm_a, timezone.localdate())
    assert row["tested_redundancy"] is True
    assert row["best_recovery_minutes"] == 10


def test_the_snapshot_records_the_recovery_time_the_spof_rule_judged(world):
    from review.snapshot import register_rows
    from tests.factories.vendors import make_failover_test

    dep = make_chain(world.firm_a, tested_days_ago=200, achieved=35, rto=60)
    make_failover_test(world.firm_a, measure=dep.measures.get(), achieved_recovery_minutes=90,
                       tested_on=timezone.localdate() - datetime.timedelta(days=10))
    assert [c for f in selectors.single_points_of_failure(world.firm_a) for c in f.codes] == ["slower_than_rto"]
    (row,), _ = register_rows(world.firm_a, timezone.localdate())
    assert (row["best_recovery_minutes"], row["tested_redundancy"], row["is_spof"]) == (90, False, True)
