"""What schemathesis found the API quietly accepting against its own schema: each now a 400 naming the input."""

from __future__ import annotations

import pytest

from tests.factories.vendors import make_incident, make_vendor


def _fields(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["error"]["fields"]


@pytest.mark.parametrize("value", ["abc", "0", "501", "", "true"])
def test_a_page_size_outside_1_to_500_is_refused_not_replaced(world, api_for, value):
    make_vendor(world.firm_a)
    assert "page_size" in _fields(api_for(world.a_officer).get(f"/api/v1/vendors/?page_size={value}"))


def test_a_page_size_given_twice_is_refused(world, api_for):
    assert "page_size" in _fields(api_for(world.a_officer).get("/api/v1/vendors/?page_size=5&page_size=6"))


def test_an_empty_page_is_refused_and_a_valid_page_size_still_pages(world, api_for):
    client = api_for(world.a_officer)
    assert "page" in _fields(client.get("/api/v1/vendors/?page="))
    make_vendor(world.firm_a)
    make_vendor(world.firm_a)
    body = client.get("/api/v1/vendors/?page_size=1&page=2").json()
    assert body["count"] == 2 and len(body["results"]) == 1


@pytest.mark.parametrize("query", ["catalog=", "exit_plan_exists=", "catalog=1&catalog=2"])
def test_a_filter_given_empty_or_twice_is_refused(world, api_for, query):
    name = query.split("=", 1)[0]
    assert name in _fields(api_for(world.a_officer).get(f"/api/v1/vendors/?{query}"))


def test_free_text_search_may_be_empty(world, api_for):
    assert api_for(world.a_officer).get("/api/v1/vendors/?search=").status_code == 200


@pytest.mark.parametrize("header", ["", " ", "abc", "true", "-1", "0", "99999999999999999999", "\u0661"])
def test_an_organization_header_naming_none_of_ones_firms_is_refused(world, api_for, header):
    # An empty header used to mean "my default firm": a script whose variable came out empty acted for it.
    response = api_for(world.a_officer).get("/api/v1/vendors/", HTTP_X_ORGANIZATION=header)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "organization_not_yours"


def test_the_organization_header_with_an_id_of_ones_own_firm_works(world, api_for):
    response = api_for(world.a_officer).get("/api/v1/vendors/", HTTP_X_ORGANIZATION=str(world.firm_a.pk))
    assert response.status_code == 200


def test_an_open_incident_has_a_null_duration(world, api_for):
    incident = make_incident(world.firm_a, ended_at=None)
    body = api_for(world.a_officer).get(f"/api/v1/incidents/{incident.pk}/").json()
    assert body["duration_minutes"] is None


def test_an_empty_second_factor_code_is_no_code(world, api_for):
    # The schema offers otp_code as optional text; "" is what a form sends for "none" and must not be a 400.
    response = api_for(world.a_officer).post("/api/v1/auth/tokens/", {"name": "ci", "otp_code": ""}, format="json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("version", ["abc", None, 0])
def test_sharing_a_simulation_needs_a_whole_version(world, api_for, version):
    from tests.factories.market import saved_simulation_for

    simulation = saved_simulation_for(world.firm_a)
    simulation.created_by = world.a_officer
    simulation.save()
    body = {"shared": True} if version is None else {"shared": True, "version": version}
    response = api_for(world.a_officer).patch(f"/api/v1/market/simulations/{simulation.pk}/", body, format="json")
    assert "version" in _fields(response)


@pytest.mark.parametrize("path", ["/api/v1/services/?customer_facing=-39", "/api/v1/services/?is_core_business=1",
                                  "/api/v1/vendors/?exit_plan_exists=yes", "/api/v1/findings/?open=2"])
def test_a_yes_no_filter_that_is_neither_true_nor_false_is_refused(world, api_for, path):
    """schemathesis (ST201): django-filter read ``-39`` as 'no filter' and listed every service."""
    name = path.split("?", 1)[1].split("=", 1)[0]
    assert name in _fields(api_for(world.a_officer).get(path))


def test_a_yes_no_filter_filters_on_true_and_false(world, api_for):
    from tests.factories.vendors import make_service

    facing = make_service(world.firm_a, customer_facing=True)
    internal = make_service(world.firm_a, customer_facing=False)
    client = api_for(world.a_officer)
    for value, expected in (("true", facing), ("false", internal), ("True", facing), ("FALSE", internal)):
        body = client.get(f"/api/v1/services/?customer_facing={value}").json()
        assert [row["id"] for row in body["results"]] == [expected.pk], value
