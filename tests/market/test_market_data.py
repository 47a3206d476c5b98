"""Market-wide reads: only the latest submitted registers count, aggregated in SQL."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganizationKind
from market import selectors, services
from review.models import Submission
from tests.factories.accounts import make_org
from tests.factories.vendors import make_dependency, make_provider
from tests.market.helpers import dep, submit_register


@pytest.fixture
def cdn(db):
    return make_provider("cloudflare", legal_name="Cloudflare, Inc.", brand="Cloudflare", category="cdn_security")


@pytest.fixture
def cloud(db):
    return make_provider("aws", legal_name="Amazon Web Services, Inc.", brand="AWS", category="cloud",
                         parent_group="Amazon.com, Inc.")


def by_provider(user):
    return {r["provider_id"]: r for r in selectors.per_provider(user, limit=None)}


def test_a_firm_with_only_a_draft_and_a_live_register_contributes_nothing(world, cdn):
    make_dependency(world.firm_a)  # a live register, never submitted
    assert selectors.per_provider(world.supervisor) == []
    assert selectors.as_of_per_firm(world.supervisor) == []


def test_a_firm_counts_with_its_submitted_rows_even_after_its_live_register_changes(world, cdn, cloud):
    submit_register(world.firm_a, [dep(cdn, service="S1")])
    make_dependency(world.firm_a)  # the register moves on after submission
    rows = selectors.per_provider(world.supervisor, limit=None)
    assert [(r["provider_id"], r["dependencies"]) for r in rows] == [(cdn.pk, 1)]


def test_only_the_latest_submission_counts_and_a_withdrawn_one_not_at_all(world, cdn, cloud):
    submit_register(world.firm_a, [dep(cdn)], submitted_at=timezone.now() - datetime.timedelta(days=40))
    submit_register(world.firm_a, [dep(cloud)])
    assert set(by_provider(world.supervisor)) == {cloud.pk}
    submit_register(world.firm_b, [dep(cdn)], decision="withdrawn")
    assert set(by_provider(world.supervisor)) == {cloud.pk}


def test_concentration_counts_firms_services_and_tested_share(world, cdn, cloud):
    submit_register(world.firm_a, [dep(cdn, service="S1"), dep(cdn, service="S2", importance="important",
                                   strategy="active_active", tested=True, best=0), dep(cloud, service="S1")])
    submit_register(world.firm_b, [dep(cdn, service="S1")])
    rows = by_provider(world.supervisor)
    assert rows[cdn.pk]["firms"] == 2
    assert rows[cdn.pk]["critical_services"] == 2  # A:S1 and B:S1 are different services
    assert rows[cdn.pk]["important_services"] == 1
    assert rows[cdn.pk]["dependencies"] == 3
    assert rows[cdn.pk]["tested_share"] == 33
    parents = {r["parent"]: r["firms"] for r in selectors.per_parent(world.supervisor)}
    assert parents == {"Cloudflare, Inc.": 2, "Amazon.com, Inc.": 1}
    assert {r["value"]: r["firms"] for r in selectors.per_field(world.supervisor, "provider_country")} == {"US": 2}
    assert [r["provider_id"] for r in selectors.per_provider(world.supervisor, "vasp")] == [cdn.pk]


def test_category_hhi_is_computed_from_sql_counts(world, cdn):
    other = make_provider("akamai", category="cdn_security")
    third = make_provider("fastly", category="cdn_security")
    # Critical dependencies in cdn_security: 5 cdn, 3 akamai, 2 fastly -> 3,800.
    submit_register(world.firm_a, [dep(cdn, service=f"S{i}") for i in range(5)]
                    + [dep(other, service=f"T{i}") for i in range(3)] + [dep(third, service="U1"),
                                                                         dep(third, service="U2")]
                    + [dep(cdn, service="X", importance="other")])
    [row] = selectors.category_hhi(world.supervisor)
    assert row["category"] == "cdn_security"
    assert row["hhi"] == 3800.0
    assert row["trend"] == [(timezone.now().strftime("%Y-%m"), 3800.0)]


def test_the_headline_hhi_equals_the_current_point_of_the_trend(world, cdn):
    akamai = make_provider("akamai", category="cdn_security")
    now = timezone.now()
    # Beta submitted two months ago and not since: it still counts today.
    submit_register(world.firm_b, [dep(akamai, service="B1")], submitted_at=now - datetime.timedelta(days=65))
    # Alpha resubmits within this month: only its latest submission counts, not both.
    submit_register(world.firm_a, [dep(cdn, service="A1"), dep(cdn, service="A2")],
                    submitted_at=now - datetime.timedelta(seconds=30))
    submit_register(world.firm_a, [dep(cdn, service="A1"), dep(akamai, service="A3")])
    gamma = make_org("Gamma Card", OrganizationKind.CARD)
    submit_register(gamma, [dep(cdn, service="G1")], decision="withdrawn")

    [row] = selectors.category_hhi(world.supervisor)
    # Today: cdn 1 (Alpha), akamai 2 (Alpha, Beta) -> shares 1/3 and 2/3.
    assert row["hhi"] == 5555.6 and row["providers"] == 2 and row["critical_dependencies"] == 3
    month, current = row["trend"][-1]
    assert month == now.strftime("%Y-%m")
    assert current == row["hhi"]
    # Two months ago only Beta had submitted: a monopoly of akamai.
    assert row["trend"][0] == ((now - datetime.timedelta(days=65)).strftime("%Y-%m"), 10000.0)


def test_the_concentration_page_shows_one_figure_per_category_and_month(world, as_user, cdn):
    akamai = make_provider("akamai", category="cdn_security")
    earlier = timezone.now() - datetime.timedelta(seconds=30)
    submit_register(world.firm_a, [dep(cdn, service="A1")], submitted_at=earlier)
    submit_register(world.firm_a, [dep(akamai, service="A1")])
    submit_register(world.firm_b, [dep(cdn, service="B1")])
    body = as_user(world.supervisor).get(reverse("market:concentration")).content.decode()
    table = body.split('data-testid="hhi"')[1].split("</table>")[0]
    # Alpha's superseded submission does not count: 1 cdn + 1 akamai -> 5,000 in the headline and the trend.
    assert "5000" in table and "6667" not in table and "5556" not in table
    # The bands are explained and sourced on the page.
    help_text = body.split('data-testid="hhi-help"')[1].split("</p>")[0]
    assert "2023" in help_text and "1,800" in help_text


def test_nth_party_concentration_unnests_subcontractor_lists_in_the_database(world, cdn, cloud):
    saas = make_provider("saas-one", category="saas")
    saas2 = make_provider("saas-two", category="saas")
    submit_register(world.firm_a, [dep(saas, subcontractors=[cdn.pk, cloud.pk]), dep(saas2, service="S2",
                                                                                      subcontractors=[cloud.pk])])
    submit_register(world.firm_b, [dep(saas, subcontractors=[cdn.pk, cloud.pk])])
    found = {n["provider_id"]: (n["vendors"], n["firms"]) for n in selectors.nth_party(world.supervisor)}
    assert found == {cloud.pk: (2, 2), cdn.pk: (1, 2)}


def test_drill_down_lists_direct_and_nth_party_dependants(world, cdn, cloud):
    submit_register(world.firm_a, [dep(cdn, service="S1")])
    submit_register(world.firm_b, [dep(cloud, service="S9", subcontractors=[cdn.pk])])
    rows = selectors.provider_firms(world.supervisor, cdn.pk)
    assert {(r["organization_id"], r["service_reference"]) for r in rows} == {(world.firm_a.pk, "S1"),
                                                                               (world.firm_b.pk, "S9")}


def test_market_simulation_of_the_cdn_outage(world, cdn, cloud):
    submit_register(world.firm_a, [dep(cdn, service="WEB", rto=30)])  # breaches at 174 min
    submit_register(world.firm_b, [dep(cdn, service="APP", rto=120), dep(cloud, service="DB")])
    long = services.simulate_market(user=world.supervisor, failed=[cdn.pk], duration_minutes=174)
    assert [f["firm_name"] for f in long["breaching"]] == ["Alpha Bank", "Beta Exchange"]
    assert long["totals"]["vasp"]["not_affected"] == 1
    short = services.simulate_market(user=world.supervisor, failed=[cdn.pk], duration_minutes=25)
    assert short["breaching"] == []
    assert short["counts"]["degraded_within_rto"] == 2


def test_the_firm_side_simulation_runs_on_the_live_register(world):
    d = make_dependency(world.firm_a)
    provider_id = d.vendor.catalog_id
    results = services.simulate_firm(organization=world.firm_a, failed=[provider_id], duration_minutes=600)
    assert results["scope"] == "firm"
    assert [s["outcome"] for s in results["services"]] == ["lost_beyond_rto"]


def _firms(n, cdn, cloud, start=0):
    for i in range(start, start + n):
        org = make_org(f"Firm {i}", OrganizationKind.BANK if i % 2 else OrganizationKind.VASP)
        submit_register(org, [dep(cdn, service="WEB", rto=30, subcontractors=[cloud.pk]),
                              dep(cloud, service="DB", strategy="active_passive", tested=True, best=5,
                                  alternate=cdn)])


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name,query", [("market:concentration", ""),
                                            ("market:simulate", "?providers={cdn}&duration_minutes=174")])
def test_query_counts_do_not_grow_with_the_number_of_firms(world, cdn, cloud, as_user, url_name, query,
                                                           django_assert_max_num_queries):
    client = as_user(world.supervisor)
    url = reverse(url_name) + query.format(cdn=cdn.pk)
    _firms(1, cdn, cloud)
    one = _count_queries(client, url)
    _firms(19, cdn, cloud, start=1)
    with django_assert_max_num_queries(one):
        response = client.get(url)
    assert response.status_code == 200
    assert Submission.objects.across_firms(world.supervisor).filter(is_latest=True).count() == 20
