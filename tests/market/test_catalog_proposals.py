"""A firm's unpublished provider proposal stays that firm's: no simulation path names it to another firm."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from market import selectors as market_selectors
from market import services
from market.models import SavedSimulation
from tests.factories.vendors import make_dependency, make_provider
from vendors import selectors
from vendors.choices import CatalogStatus

SECRET = "B-SECRET Edge Networks"


@pytest.fixture
def proposal(world):
    return make_provider("b-secret-edge", legal_name=SECRET, brand=SECRET, category="hosting",
                         status=CatalogStatus.PROPOSED, proposed_by=world.firm_b)


@pytest.fixture
def published(world):
    return make_provider("public-cdn", legal_name="Public CDN", brand="Public CDN", category="hosting")


def test_the_catalog_a_firm_reads_is_the_published_one_plus_its_own_proposals(world, proposal, published):
    assert set(selectors.visible_catalog(world.firm_a)) == {published}
    assert set(selectors.visible_catalog(world.firm_b)) == {published, proposal}
    assert set(selectors.visible_catalog(None)) == {published}
    assert set(selectors.visible_catalog(world.regulator)) == {published, proposal}


def test_failed_providers_refuses_another_firms_proposal(world, proposal, published):
    with pytest.raises(ValidationError) as raised:
        services.failed_providers(organization=world.firm_a, provider_ids=[proposal.pk])
    assert "providers" in raised.value.message_dict
    assert services.failed_providers(organization=world.firm_b, provider_ids=[proposal.pk]) == [proposal.pk]


def test_a_category_outage_leaves_out_another_firms_proposal(world, proposal, published):
    assert services.failed_providers(organization=world.firm_a, category="hosting") == [published.pk]
    assert services.failed_providers(organization=world.firm_b, category="hosting") == sorted(
        [published.pk, proposal.pk])


def test_the_simulation_api_does_not_name_another_firms_proposal(world, api_for, proposal):
    response = api_for(world.a_admin).post(
        "/api/v1/market/simulate/", {"providers": [proposal.pk], "duration_minutes": 60}, format="json")
    assert response.status_code == 400
    assert SECRET not in response.content.decode()
    assert "providers" in response.json()["error"]["fields"]


def test_an_unknown_provider_id_gets_the_same_answer_as_a_hidden_one(world, api_for, proposal):
    hidden = api_for(world.a_admin).post(
        "/api/v1/market/simulate/", {"providers": [proposal.pk], "duration_minutes": 60}, format="json")
    unknown = api_for(world.a_admin).post(
        "/api/v1/market/simulate/", {"providers": [proposal.pk + 1000], "duration_minutes": 60}, format="json")
    assert hidden.status_code == unknown.status_code == 400
    assert hidden.json()["error"]["fields"].keys() == unknown.json()["error"]["fields"].keys()


def test_the_simulation_api_category_filter_leaves_out_another_firms_proposal(world, api_for, proposal, published):
    body = api_for(world.a_admin).post(
        "/api/v1/market/simulate/", {"category": "hosting", "duration_minutes": 60}, format="json").json()
    assert [f["id"] for f in body["failed"]] == [published.pk]
    assert SECRET not in str(body)


def test_the_proposing_firm_may_simulate_its_own_proposal(world, api_for, proposal):
    body = api_for(world.b_admin).post(
        "/api/v1/market/simulate/", {"providers": [proposal.pk], "duration_minutes": 60}, format="json").json()
    assert body["failed"] == [{"id": proposal.pk, "name": SECRET}]


def test_a_saved_simulation_does_not_store_another_firms_proposal(world, api_for, proposal, published):
    client = api_for(world.a_officer)
    refused = client.post("/api/v1/market/simulations/", {"name": "x", "providers": [proposal.pk],
                                                          "duration_minutes": 60}, format="json")
    assert refused.status_code == 400 and SECRET not in refused.content.decode()
    by_category = client.post("/api/v1/market/simulations/", {"name": "y", "category": "hosting",
                                                               "duration_minutes": 60}, format="json")
    assert by_category.status_code == 201, by_category.content
    saved = SavedSimulation.objects.for_org(world.firm_a).get(pk=by_category.json()["id"])
    assert saved.provider_ids == [published.pk]
    assert SECRET not in str(saved.results)


def test_the_firm_simulation_page_does_not_name_another_firms_proposal(world, as_user, proposal, published):
    make_dependency(world.firm_a)
    client = as_user(world.a_officer)
    by_category = client.get(reverse("market:my_simulate") + "?category=hosting&duration_minutes=60")
    assert by_category.status_code == 200
    assert SECRET not in by_category.content.decode()
    by_id = client.get(reverse("market:my_simulate") + f"?providers={proposal.pk}&duration_minutes=60")
    assert SECRET not in by_id.content.decode()


def test_the_firm_simulation_page_offers_the_firms_own_proposal(world, as_user, proposal):
    body = as_user(world.b_officer).get(reverse("market:my_simulate")).content.decode()
    assert SECRET in body
    assert SECRET not in as_user(world.a_officer).get(reverse("market:my_simulate")).content.decode()


def test_the_upstream_knock_on_ignores_another_firms_proposal(world, proposal, published):
    proposal.upstreams.add(published)
    knocked = market_selectors.knocked_out_by
    assert knocked([published.pk], within=selectors.visible_catalog(world.firm_a)) == []
    assert knocked([published.pk], within=selectors.visible_catalog(world.firm_b)) == [proposal.pk]
