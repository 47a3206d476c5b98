"""The market simulation's listed services, classified in SQL (simulation_sql.dependency_impacts) and
grouped by market.simulation_detail, equal what the rules give on the same rows (issue 16).

``_by_rules`` is the simulation as it was before: the reached rows fetched as dicts (those of
``selectors.simulation_rows``, here in the register's order: the database gave them in whatever order
its plan did), classified by ``rules.classify_outage``, and sent through ``ServiceImpact.as_dict``
and the JSON round trip. Every figure of the answer is compared, the services' order and their
reasons' order included.
"""

import datetime
import random

import pytest
from django.db import transaction
from django.db.models import F, Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import OrganizationKind
from market import rules, selectors, services, simulation_sql
from tests.factories.accounts import make_org
from tests.factories.vendors import make_provider
from tests.market.helpers import dep, submit_register
from vendors.selectors import regulator_catalog


def _reached_rows(user, failed: list[int], knocked: list[int], pairs) -> list[dict]:
    sub_hit = selectors._contains_any("subcontractor_ids", failed)
    qs = selectors.latest_dependencies(user).filter(Q(provider_id__in=[*failed, *knocked]) | sub_hit)
    if pairs is not None:
        qs = qs.filter(simulation_sql.only_pairs(pairs))
    rows = list(qs.values(*selectors.ROW_FIELDS, firm_name=F("organization__name"),
                          as_of=F("submission__submitted_at")).order_by("id"))
    assert len(rows) == len(selectors.simulation_rows(user, failed, knocked, pairs=pairs))
    return rows


def _by_rules(user, failed: list[int], duration: int, detail_limit: int | None, traffic_share_pct: int = 100) -> dict:
    knocked = selectors.knocked_out_by(failed, within=regulator_catalog())
    classified = simulation_sql.classified(selectors.latest_dependencies(user), failed, knocked, duration,
                                           selectors._contains_any)
    summary, pairs = simulation_sql.summary_and_first(classified, selectors.services_per_kind(user), detail_limit)
    rows = _reached_rows(user, failed, knocked, pairs) if pairs != [] else []
    impacts = rules.classify_outage(rows, failed, duration, knocked, traffic_share_pct)
    if pairs is not None:
        position = {pair: i for i, pair in enumerate(pairs)}
        impacts.sort(key=lambda s: position[(s.organization_id, s.service_reference)])
    firms = selectors.latest_firms(user, summary["lost"])
    lost_lists = {f["organization_id"]: f["services"] for f in rules.firms_breaching_rto(impacts)}
    breaching = sorted((
        {"organization_id": org, "firm_name": f["firm_name"], "firm_kind": f["firm_kind"], "as_of": f["as_of"],
         **summary["lost"][org], "services": lost_lists.get(org, []) if detail_limit is None else []}
        for org, f in firms.items()), key=lambda f: (-f["lost_services"], f["firm_name"]))
    return services._plain({
        "breaching": breaching, "services": [s.as_dict() for s in impacts if s.outcome != rules.NOT_AFFECTED]})


def _same_as_rules(user, failed, duration, detail_limit, traffic_share_pct=100) -> dict:
    got = services.simulate_market(user=user, failed=failed, duration_minutes=duration, detail_limit=detail_limit,
                                   traffic_share_pct=traffic_share_pct)
    want = _by_rules(user, failed, duration, detail_limit, traffic_share_pct)
    assert got["services"] == want["services"]
    assert got["breaching"] == want["breaching"]
    return got


@pytest.fixture
def market(world):
    failed = make_provider("failed-cdn", category="cdn_security")
    knocked = make_provider("relies-on-cdn", category="saas")
    knocked.upstreams.add(failed)
    other = make_provider("other-cloud", category="cloud")
    spare = make_provider("spare-cdn", category="cdn_security")
    rng = random.Random(20251204)
    firms = [world.firm_a, world.firm_b] + [
        make_org(f"Varied {i}", [OrganizationKind.BANK, OrganizationKind.INSURANCE][i % 2]) for i in range(4)]
    for org in firms:
        deps = []
        for n in range(24):
            provider = rng.choice([failed, failed, knocked, other])
            tested, best = rng.choice([(False, None), (True, None), (True, 0), (False, 45), (True, 20), (False, 200)])
            d = dep(provider, service=f"S{n // 3}", importance=rng.choice(["critical", "important", "other"]),
                    rto=rng.choice([30, 60, 120, 240]), strategy=rng.choice(["none", "", "active_passive",
                                                                             "cold_standby"]),
                    tested=tested, best=best, alternate=rng.choice([None, spare, failed, knocked]),
                    alternate_upstreams=rng.choice([(), (), (failed.pk,)]), shared=rng.choice([(), (), (failed.pk,)]),
                    subcontractors=rng.choice([(), (), (failed.pk,), (other.pk, failed.pk)]),
                    last_test_result=rng.choice(["", "fail", "pass"]), vendor_name=f"Vendor {n}")
            if rng.random() < 0.2:  # a pass long ago, or none at all: "passed" needs both fields
                d["last_pass_on"] = None if rng.random() < 0.5 else datetime.date(2023, 1, 1)
            d["customers_affected"] = rng.choice([0, 500, 20_000])
            deps.append(d)
        submit_register(org, deps)
    return {"failed": failed, "knocked": knocked, "other": other}


@pytest.mark.parametrize("duration", [25, 90, 174])
def test_each_reached_dependency_gets_the_rules_reason_outcome_and_downtime(world, market, duration):
    failed = [market["failed"].pk]
    knocked = selectors.knocked_out_by(failed, within=regulator_catalog())
    want = {}
    for r in selectors.simulation_rows(world.supervisor, failed, knocked):
        hit = rules.classify_dependency(r, set(failed), duration, set(knocked))
        want[(r["organization_id"], r["vendor_name"])] = (
            hit.hit_via, hit.reason, hit.outcome, hit.downtime_minutes, hit.strategy,
            r["last_test_on"].isoformat() if r["last_test_on"] else None)
    got = {(g[1], g[8]): (simulation_sql.VIAS[g[-4]], simulation_sql.REASONS[g[-3]], rules.OUTCOMES[g[-2]], g[-1],
                          g[11] or "none", g[12])
           for g in selectors.simulation_impacts(world.supervisor, failed, knocked, duration)}
    assert got == want
    want = list(want.values())
    # The data set really is varied: every way in, every reason and every outcome but "not affected" occur.
    assert {w[0] for w in want} == set(simulation_sql.VIAS)
    assert {w[1] for w in want} == set(simulation_sql.REASONS)
    assert {w[2] for w in want} == set(rules.OUTCOMES[1:]) - ({rules.LOST} if duration < 30 else set())


@pytest.mark.parametrize("detail_limit", [None, 1, 7, 1000])
@pytest.mark.parametrize("duration", [25, 174])
def test_the_listed_services_and_breaching_firms_equal_the_rules(world, market, detail_limit, duration):
    got = _same_as_rules(world.supervisor, [market["failed"].pk], duration, detail_limit)
    assert len(got["services"]) == (got["services_total"] if detail_limit is None
                                    else min(detail_limit, got["services_total"]))
    assert any(len(s["reasons"]) > 1 for s in got["services"]) or detail_limit == 1


def test_a_partial_outage_and_a_provider_with_no_customers_equal_the_rules(world, market):
    _same_as_rules(world.supervisor, [market["failed"].pk], 174, None, traffic_share_pct=28)
    nobody = make_provider("unused-dns", category="dns")
    assert _same_as_rules(world.supervisor, [nobody.pk], 174, 300)["services"] == []
    assert _same_as_rules(world.supervisor, [nobody.pk], 174, None)["services"] == []


def test_the_shown_services_rows_are_exactly_theirs_when_firms_and_references_cross(world):
    cdn = make_provider("cross-cdn", category="cdn_security")
    for org in (world.firm_a, world.firm_b):
        submit_register(org, [dep(cdn, service=s, vendor_name=f"{org.pk}-{s}") for s in ("S1", "S2", "S2", "S3")])
    pairs = [(world.firm_a.pk, "S1"), (world.firm_b.pk, "S2")]
    # Firm A also has an S2 and firm B an S1: two IN lists would have brought both.
    got = selectors.simulation_impacts(world.supervisor, [cdn.pk], [], 174, pairs=pairs)
    assert sorted((g[1], g[2], g[8]) for g in got) == [
        (world.firm_a.pk, "S1", f"{world.firm_a.pk}-S1"), (world.firm_b.pk, "S2", f"{world.firm_b.pk}-S2"),
        (world.firm_b.pk, "S2", f"{world.firm_b.pk}-S2")]
    rows = selectors.simulation_rows(world.supervisor, [cdn.pk], [], pairs=pairs)
    assert sorted((r["organization_id"], r["service_reference"]) for r in rows) == sorted(
        [pairs[0], pairs[1], pairs[1]])


def test_a_full_simulation_costs_the_same_queries_for_few_and_many_firms(world, market, django_assert_num_queries):
    failed = [market["failed"].pk]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        services.simulate_market(user=world.supervisor, failed=failed, duration_minutes=174, detail_limit=None)
    for i in range(6):
        submit_register(make_org(f"More {i}", OrganizationKind.BANK),
                        [dep(market["failed"], service=f"S{n}", subcontractors=[market["other"].pk]) for n in range(9)])
    for limit in (None, 300):
        with django_assert_num_queries(len(few.captured_queries)):
            services.simulate_market(user=world.supervisor, failed=failed, duration_minutes=174, detail_limit=limit)


provider_index = st.integers(0, 3)
dependency = st.fixed_dictionaries({
    "p": provider_index, "service": st.sampled_from(["S1", "S2", "S3"]), "rto": st.sampled_from([30, 60, 240]),
    "strategy": st.sampled_from(["none", "", "active_passive", "cold_standby"]),
    "tested": st.booleans(), "best": st.one_of(st.none(), st.sampled_from([0, 20, 45, 200])),
    "pass_on": st.sampled_from(["same", "none"]), "alternate": st.one_of(st.none(), provider_index),
    "alternate_upstreams": st.lists(provider_index, max_size=2), "shared": st.lists(provider_index, max_size=2),
    "subs": st.lists(provider_index, max_size=3), "result": st.sampled_from(["", "fail", "pass"]),
    "users": st.sampled_from([0, 20_000]),
})


@pytest.fixture
def providers(world):
    found = [make_provider(f"hyp-{i}", category="cloud") for i in range(4)]
    found[1].upstreams.add(found[0])  # provider 1 is knocked out when provider 0 fails
    return world, found, [world.firm_a, world.firm_b, make_org("Hyp third", OrganizationKind.INSURANCE)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(registers=st.lists(st.lists(dependency, max_size=6), min_size=1, max_size=3),
       failed=st.lists(provider_index, min_size=1, max_size=2, unique=True), duration=st.sampled_from([20, 50, 300]),
       limit=st.sampled_from([None, 2]))
def test_random_registers_are_listed_as_the_rules_list_them(providers, registers, failed, duration, limit):
    world, found, firms = providers
    with transaction.atomic():
        for org, deps in zip(firms, registers, strict=False):
            rows = []
            for d in deps:
                row = dep(found[d["p"]], service=d["service"], rto=d["rto"], strategy=d["strategy"],
                          tested=d["tested"], best=d["best"],
                          alternate=None if d["alternate"] is None else found[d["alternate"]],
                          alternate_upstreams=[found[i].pk for i in d["alternate_upstreams"]],
                          shared=[found[i].pk for i in d["shared"]], subcontractors=[found[i].pk for i in d["subs"]],
                          last_test_result=d["result"])
                if d["pass_on"] == "none":
                    row["last_pass_on"] = None
                row["customers_affected"] = d["users"]
                rows.append(row)
            submit_register(org, rows)
        _same_as_rules(world.supervisor, [found[i].pk for i in failed], duration, limit)
        transaction.set_rollback(True)


def test_the_garbage_collector_is_back_after_the_services_are_built_even_when_the_rows_fail():
    import gc

    from market import simulation_detail

    def failing_rows():
        assert not gc.isenabled()  # off while the services are built
        yield from ()
        raise RuntimeError("the connection dropped")

    assert gc.isenabled()
    assert simulation_detail.services([], {}) == []
    with pytest.raises(RuntimeError):
        simulation_detail.services(failing_rows(), {})
    assert gc.isenabled()
