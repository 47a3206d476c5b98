"""The SQL classification (market.simulation_sql) and the pure rules agree on the same varied data."""

import datetime
import random

import pytest

from accounts.models import OrganizationKind
from market import rules, selectors, services, simulation_sql
from tests.factories.accounts import make_org
from tests.factories.vendors import make_provider
from tests.market.helpers import dep, submit_register
from vendors.selectors import regulator_catalog


@pytest.fixture
def market(world):
    failed = make_provider("failed-cdn", category="cdn_security")
    knocked = make_provider("relies-on-cdn", category="saas")
    knocked.upstreams.add(failed)
    other = make_provider("other-cloud", category="cloud")
    spare = make_provider("spare-cdn", category="cdn_security")
    rng = random.Random(20251118)
    firms = [world.firm_a, world.firm_b] + [
        make_org(f"Varied {i}", [OrganizationKind.BANK, OrganizationKind.INSURANCE][i % 2]) for i in range(4)]
    expected_rows = []
    for org in firms:
        deps = []
        for n in range(30):
            provider = rng.choice([failed, failed, knocked, other])
            tested, best = rng.choice([(False, None), (True, None), (True, 0), (False, 45), (True, 20), (False, 200)])
            d = dep(provider, service=f"S{n // 3}", importance=rng.choice(["critical", "important", "other"]),
                    rto=rng.choice([30, 60, 120, 240]), strategy=rng.choice(["none", "", "active_passive",
                                                                             "cold_standby", "active_active"]),
                    tested=tested, best=best, alternate=rng.choice([None, spare, spare, failed, knocked]),
                    alternate_upstreams=rng.choice([(), (), (failed.pk,)]),
                    shared=rng.choice([(), (), (), (failed.pk,)]),
                    subcontractors=rng.choice([(), (), (failed.pk,), (other.pk, failed.pk)]),
                    last_test_result=rng.choice(["", "fail", "pass"]))
            if rng.random() < 0.2:  # a pass long ago, or none at all: "passed" needs both fields
                d["last_pass_on"] = None if rng.random() < 0.5 else datetime.date(2023, 1, 1)
            d["service_name"] = f"Service {n // 3}"
            deps.append(d)
        submit_register(org, deps)
        for d in deps:
            row = {k: v for k, v in d.items() if k not in ("provider", "alternate_provider")}
            row.update(organization_id=org.pk, firm_name=org.name, firm_kind=org.kind, provider_id=d["provider"].pk,
                       alternate_provider_id=d["alternate_provider"].pk if d["alternate_provider"] else None)
            expected_rows.append(row)
    return {"failed": failed, "knocked": knocked, "rows": expected_rows}


@pytest.mark.parametrize("duration", [25, 90, 174])
def test_every_service_gets_the_same_outcome_and_downtime_both_ways(world, market, duration):
    failed = [market["failed"].pk]
    knocked = selectors.knocked_out_by(failed, within=regulator_catalog())
    assert knocked == [market["knocked"].pk]
    by_rules = {(s.organization_id, s.service_reference): (rules.OUTCOMES.index(s.outcome), s.downtime_minutes)
                for s in rules.classify_outage(market["rows"], failed, duration, knocked)
                if s.outcome != rules.NOT_AFFECTED}
    sql = simulation_sql.classified(selectors.latest_dependencies(world.supervisor), failed, knocked, duration,
                                    selectors._contains_any)
    by_sql = {(r["organization_id"], r["service_reference"]): (r["rank"], r["down"] or 0) for r in sql}
    assert by_sql == by_rules
    # The data set really is varied: every outcome and every reason occurs.
    reasons = {h.reason for s in rules.classify_outage(market["rows"], failed, duration, knocked) for h in s.reasons}
    # Every RTO is at least 30 minutes, so the 25-minute outage loses nothing beyond an RTO.
    assert {rank for rank, _ in by_rules.values()} >= ({2, 3} if duration > 30 else {2})
    assert reasons >= {"no_redundancy", "untested", "test_failed", "hidden_spof", "tested"}


def test_the_market_summary_matches_the_rules_totals_and_breaching_firms(world, market):
    failed = [market["failed"].pk]
    knocked = selectors.knocked_out_by(failed, within=regulator_catalog())
    impacts = rules.classify_outage(market["rows"], failed, 174, knocked)
    result = services.simulate_market(user=world.supervisor, failed=failed, duration_minutes=174, detail_limit=5)
    assert result["totals"] == rules.totals_by_kind(impacts)
    expected = rules.firms_breaching_rto(impacts)
    assert [(f["firm_name"], f["lost_services"]) for f in result["breaching"]] == [
        (f["firm_name"], len(f["services"])) for f in expected]
    # The page shows the 5 worst services, classified with their reasons by the rules.
    assert len(result["services"]) == 5 and all(s["reasons"] for s in result["services"])
    assert result["services_total"] == sum(1 for s in impacts if s.outcome != rules.NOT_AFFECTED)
    full = services.simulate_market(user=world.supervisor, failed=failed, duration_minutes=174, detail_limit=None)
    assert len(full["services"]) == result["services_total"]
    assert {(s["organization_id"], s["service_reference"], s["outcome"]) for s in full["services"]} == {
        (s.organization_id, s.service_reference, s.outcome) for s in impacts if s.outcome != rules.NOT_AFFECTED}


@pytest.mark.parametrize("limit", [None, 1, 7, 1000])
@pytest.mark.parametrize("duration", [25, 174])
def test_the_one_statement_summary_equals_the_three_separate_queries(world, market, limit, duration):
    """summary_and_first classifies once (a materialised CTE); the answers are those of the three
    statements it replaced (summary's two and first_services), order of the shown services included."""
    failed = [market["failed"].pk]
    knocked = selectors.knocked_out_by(failed, within=regulator_catalog())
    sql = simulation_sql.classified(selectors.latest_dependencies(world.supervisor), failed, knocked, duration,
                                    selectors._contains_any)
    per_kind = selectors.services_per_kind(world.supervisor)
    combined, pairs = simulation_sql.summary_and_first(sql, per_kind, limit)
    assert combined == simulation_sql.summary(sql, per_kind)
    assert pairs == (None if limit is None else simulation_sql.first_services(sql, limit))


def test_the_summary_is_one_statement(world, market, django_assert_num_queries):
    failed = [market["failed"].pk]
    sql = simulation_sql.classified(selectors.latest_dependencies(world.supervisor), failed, [], 174,
                                    selectors._contains_any)
    with django_assert_num_queries(1):
        simulation_sql.summary_and_first(sql, {}, 300)
