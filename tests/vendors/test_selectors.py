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
    assert [f.reason for f in selectors.single_points_of_failure(world.firm_a)] == ["shared_upstream"]


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
    assert [f.reason for f in selectors.single_points_of_failure(world.firm_a)] == ["strategy_none"]
