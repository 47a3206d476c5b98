"""The market aggregates equal today's full scan, over random submission histories (issue 16).

Each example plays a history — firms submitting registers, resubmitting (which replaces their earlier
set), withdrawing — through the same path as ``review.services`` (a new latest submission, then
``refresh_market_aggregates_for``), and compares every figure the concentration page, its API and the
simulation read from the aggregates with the full scan kept as the reference (``*_by_scan``).
"""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
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
    st.tuples(st.just("submit"), st.integers(0, 2), st.lists(dependency, max_size=6),
              st.sampled_from([0, 0, 35, 70, 400])),  # days ago: the trend's months, in any order
    st.tuples(st.just("withdraw"), st.integers(0, 2), st.just([]), st.just(0)),
)


def _key(row: dict) -> str:
    return repr(sorted((k, str(v)) for k, v in row.items()))


def _same_tables(got: dict, want: dict) -> None:
    assert set(got) == set(want)
    for name in want:
        assert sorted(map(_key, got[name])) == sorted(map(_key, want[name])), name


def _play(world, providers, firms, history) -> None:
    now = timezone.now()
    for action, f, deps, days_ago in history:
        org = firms[f]
        if action == "submit":
            submit_register(org, [dep(providers[d["p"]], service=d["service"], importance=d["importance"],
                                      tier=d["tier"], tested=d["tested"], data_location=d["location"],
                                      subcontractors=[providers[s].pk for s in d["subs"]], parent=d["parent"])
                                  for d in deps], submitted_at=now - datetime.timedelta(days=days_ago))
        else:
            Submission.objects.for_org(org).filter(is_latest=True).update(decision="withdrawn")
            aggregates.refresh_market_aggregates_for(org)


def _check(user) -> None:
    for kind in ("", OrganizationKind.INSURANCE):
        _same_tables(selectors.concentration_tables(user, kind, limit=None),
                     selectors.concentration_tables_by_scan(user, kind, limit=None))
        assert selectors.nth_party(user, kind, limit=1000) == selectors.nth_party_by_scan(user, kind, limit=1000)
        assert selectors.services_per_kind(user, kind) == selectors.services_per_kind_by_scan(user, kind)
        # The monthly trend from the maintained totals equals the walk over every submission, fed by the
        # counts written with each submission and by a scan of the submitted rows.
        assert selectors.category_hhi_by_month(user, kind) == selectors._category_hhi_by_month(user, kind)
        assert selectors.category_hhi_by_month(user, kind) == selectors._category_hhi_by_month(
            user, kind, counted=selectors._critical_counts_by_scan)
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


def test_the_rebuild_command_fills_the_trend_of_an_existing_deployment(market):
    world, providers, firms = market
    now = timezone.now()
    submit_register(firms[0], [dep(providers[0]), dep(providers[3])], submitted_at=now - datetime.timedelta(days=70))
    submit_register(firms[1], [dep(providers[0])], submitted_at=now - datetime.timedelta(days=35))
    submit_register(firms[0], [dep(providers[3])])
    want = selectors.category_hhi(world.supervisor, counted=selectors._critical_counts_by_scan)
    assert len(want[0]["trend"]) == 3
    # A deployment from before the trend was kept: no trend rows yet (the migration adds none).
    MarketTotal.objects.filter(table__in=("hhi", "hhi_months")).delete()
    for org in firms:
        MarketContribution.objects.for_org(org).filter(table__in=("hhi", "hhi_months")).delete()
    assert selectors.category_hhi(world.supervisor) == []
    call_command("rebuild_market_aggregates", stdout=open("/dev/null", "w"))
    assert selectors.category_hhi(world.supervisor) == want


def test_a_withdrawal_takes_the_firm_out_of_every_month_its_submission_counted_in(market):
    world, providers, firms = market
    now = timezone.now()
    submit_register(firms[0], [dep(providers[0])], submitted_at=now - datetime.timedelta(days=70))
    submit_register(firms[1], [dep(providers[3])], submitted_at=now - datetime.timedelta(days=35))
    Submission.objects.for_org(firms[1]).filter(is_latest=True).update(decision="withdrawn")
    aggregates.refresh_market_aggregates_for(firms[1])
    [row] = [r for r in selectors.category_hhi(world.supervisor) if r["category"] == providers[0].category]
    assert row["trend"] == selectors.category_hhi(world.supervisor, counted=selectors._critical_counts_by_scan)[0][
        "trend"]
    assert [hhi for _, hhi in row["trend"]] == [10000.0, 10000.0, 10000.0]


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
