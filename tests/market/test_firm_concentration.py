"""A firm's own concentration page, on its live register: only its data, constant queries."""

import pytest
from django.urls import reverse

from market import rules
from tests.factories.vendors import make_dependency, make_provider, make_service, make_vendor

URL = "market:my_concentration"


def test_a_firm_user_sees_its_own_providers_and_never_another_firms(world, as_user):
    own = make_provider("own-cdn", legal_name="Own CDN Ltd", brand="OwnCDN")
    other = make_provider("b-secret-cloud", legal_name="B-SECRET Cloud", brand="B-SECRET Cloud")
    make_dependency(world.firm_a, vendor=make_vendor(world.firm_a, catalog=own),
                    service=make_service(world.firm_a, reference="A-WEB"))
    make_dependency(world.firm_b, vendor=make_vendor(world.firm_b, catalog=other, name="B-SECRET vendor"),
                    service=make_service(world.firm_b, reference="B-SECRET-SVC", name="B-SECRET service"))
    response = as_user(world.a_viewer).get(reverse(URL))
    body = response.content.decode()
    assert response.status_code == 200
    assert "OwnCDN" in body and "<svg" in body and 'data-testid="hhi"' in body
    assert "B-SECRET" not in body


def test_supervisors_and_strangers_do_not_get_a_firm_page(world, as_user):
    assert as_user(world.supervisor).get(reverse(URL)).status_code == 404
    assert as_user(world.lead).get(reverse(URL)).status_code == 404
    assert as_user(world.stranger).get(reverse(URL)).status_code in (302, 404)


def test_the_firm_simulation_page_links_to_it(world, as_user):
    body = as_user(world.a_officer).get(reverse("market:my_simulate")).content.decode()
    assert reverse(URL) in body


def _deps(org, n, start=0):
    providers = [make_provider(f"p-{i}", category="cloud" if i % 2 else "saas") for i in range(5)]
    for i in range(start, start + n):
        make_dependency(org, vendor=make_vendor(org, catalog=providers[i % 5]),
                        service=make_service(org, importance="critical" if i % 3 else "important"))


def test_query_count_is_the_same_for_1_and_30_dependencies(world, as_user, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(world.a_admin)
    _deps(world.firm_a, 1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse(URL)).status_code == 200
    _deps(world.firm_a, 29, start=1)
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = client.get(reverse(URL)).content.decode()
    assert body.count("<tr><td>P-") >= 5


def test_firm_concentration_counts_services_dependencies_hhi_and_nth_parties():
    rows = [
        {"service_reference": "S1", "importance": "critical", "tier": "T1", "provider_id": 1, "provider_parent": "G",
         "provider_category": "cdn", "tested_redundancy": True, "subcontractor_ids": [9]},
        {"service_reference": "S1", "importance": "critical", "tier": "T1", "provider_id": 1, "provider_parent": "G",
         "provider_category": "cdn", "tested_redundancy": False, "subcontractor_ids": [9]},
        {"service_reference": "S2", "importance": "important", "tier": "T2", "provider_id": 2, "provider_parent": "",
         "provider_category": "cdn", "tested_redundancy": False, "subcontractor_ids": [9]},
        {"service_reference": "S3", "importance": "critical", "tier": "T1", "provider_id": 2, "provider_parent": "",
         "provider_category": "cdn", "tested_redundancy": False, "subcontractor_ids": []},
    ]
    found = rules.firm_concentration(rows, {2: "Two Inc."})
    p1 = next(p for p in found["providers"] if p["key"] == 1)
    assert (p1["critical_services"], p1["dependencies"], p1["tested_share"]) == (1, 2, 50)
    assert {p["key"] for p in found["parents"]} == {"G", "Two Inc."}
    # Critical dependencies in cdn: 2 on provider 1, 1 on provider 2 -> (2/3)^2 + (1/3)^2 = 5,555.6.
    assert found["categories"][0]["hhi"] == pytest.approx(5555.6)
    assert found["nth"] == [{"provider_id": 9, "vendors": 2, "dependencies": 3}]
