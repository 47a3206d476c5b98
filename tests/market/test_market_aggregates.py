"""The market aggregates equal today's full scan, over random submission histories (issue 16).

Each example plays a history — firms submitting registers, resubmitting (which replaces their earlier
set), withdrawing — through the same path as ``review.services`` (a new latest submission, then
``refresh_market_aggregates_for``), and compares every figure the concentration page, its API and the
simulation read from the aggregates with the full scan kept as the reference (``*_by_scan``).
"""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import OrganizationKind
from market import aggregates, selectors
from market.models import MarketContribution, MarketTotal
from review.models import Submission
from tests.factories.accounts import make_org
from tests.factories.vendors import make_provider
from tests.market.helpers import dep, submit_register

CATEGORIES = ["cloud", "cdn_security", "saas"]


@pytest.fixture
def market(world):
    providers = [make_provider(f"agg-{i}", legal_name=f"Agg Provider {i}", brand=f"AP{i}",
                               category=CATEGORIES[i % 3], country=["US", "KR", "IE"][i % 3],
                               parent_group="" if i % 2 else f"Group {i // 3}") for i in range(5)]
    third = make_org("Agg third", kind=OrganizationKind.INSURANCE)
    return world, providers, [world.firm_a, world.firm_b, third]


dependency = st.fixed_dictionaries({
    "p": st.integers(0, 4), "service": st.sampled_from(["S1", "S2", "S3"]),
    "importance": st.sampled_from(["critical", "important", "other"]), "tier": st.sampled_from(["T1", "T2", "T3"]),
    "tested": st.booleans(), "location": st.sampled_from(["kr_only", "offshore"]),
    "subs": st.lists(st.integers(0, 4), max_size=3), "parent": st.sampled_from(["", "Override Group"]),
})
event = st.one_of(
    st.tuples(st.just("submit"), st.integers(0, 2), st.lists(dependency, max_size=6)),
    st.tuples(st.just("withdraw"), st.integers(0, 2), st.just([])),
)


def _key(row: dict) -> str:
    return repr(sorted((k, str(v)) for k, v in row.items()))


def _same_tables(got: dict, want: dict) -> None:
    assert set(got) == set(want)
    for name in want:
        assert sorted(map(_key, got[name])) == sorted(map(_key, want[name])), name


def _play(world, providers, firms, history) -> None:
    for action, f, deps in history:
        org = firms[f]
        if action == "submit":
            submit_register(org, [dep(providers[d["p"]], service=d["service"], importance=d["importance"],
                                      tier=d["tier"], tested=d["tested"], data_location=d["location"],
                                      subcontractors=[providers[s].pk for s in d["subs"]], parent=d["parent"])
                                  for d in deps])
        else:
            Submission.objects.for_org(org).filter(is_latest=True).update(decision="withdrawn")
            aggregates.refresh_market_aggregates_for(org)


def _check(user) -> None:
    for kind in ("", OrganizationKind.INSURANCE):
        _same_tables(selectors.concentration_tables(user, kind, limit=None),
                     selectors.concentration_tables_by_scan(user, kind, limit=None))
        assert selectors.nth_party(user, kind, limit=1000) == selectors.nth_party_by_scan(user, kind, limit=1000)
        assert selectors.services_per_kind(user, kind) == selectors.services_per_kind_by_scan(user, kind)
        assert selectors.category_hhi(user, kind) == selectors.category_hhi(
            user, kind, counted=selectors._critical_counts_by_scan)


def _state():
    totals = sorted(MarketTotal.objects.values_list("firm_kind", "table", "k1", "k2", "k3", "firms",
                                                    "critical_services", "important_services", "dependencies",
                                                    "tested", "services"))
    return totals


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=st.lists(event, min_size=1, max_size=7))
def test_aggregates_equal_the_full_scan_over_random_histories(market, history):
    world, providers, firms = market
    with transaction.atomic():
        _play(world, providers, firms, history)
        _check(world.supervisor)
        maintained = _state()
        aggregates.rebuild_all()  # the operator's command recomputes the same totals from scratch
        assert _state() == maintained
        _check(world.supervisor)
        transaction.set_rollback(True)


def test_a_resubmission_replaces_the_firms_contribution(market):
    world, providers, firms = market
    submit_register(firms[0], [dep(providers[0]), dep(providers[1], service="S2")])
    submit_register(firms[0], [dep(providers[2])])
    rows = selectors.concentration_tables(world.supervisor, limit=None)["providers"]
    assert [(r["provider_id"], r["firms"], r["dependencies"]) for r in rows] == [(providers[2].pk, 1, 1)]
    assert set(MarketContribution.objects.for_org(firms[0]).values_list("submission_id", flat=True)) == {
        Submission.objects.for_org(firms[0]).get(is_latest=True).pk}


def test_the_page_reads_a_constant_number_of_queries(market, as_user, django_assert_max_num_queries):
    world, providers, firms = market
    client = as_user(world.supervisor)
    submit_register(firms[0], [dep(providers[0], subcontractors=[providers[4].pk])])
    client.get("/market/concentration/")
    with django_assert_max_num_queries(30) as small:
        assert client.get("/market/concentration/").status_code == 200
    for i, org in enumerate(firms):
        submit_register(org, [dep(providers[p], service=f"S{i}{p}", subcontractors=[providers[4].pk])
                              for p in range(5)])
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/market/concentration/").status_code == 200
