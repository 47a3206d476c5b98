"""The tenant wall, proved over every route in the URLconf.

For every route with an object in its URL: every user of firm A, and regulator staff, get 404 on
firm B's object for every HTTP method, while firm B's own admin reaches it (so the 404 is not an
accident of a broken URL). For every route without an object: A's pages never show B's rows.
Anonymous callers are sent to log in (web) or refused with 401 (API). New routes are covered
without editing this file; a route whose kwargs cannot be mapped to a model fails the test.
"""

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import GLOBAL_FACTORIES, TENANT_FACTORIES
from tests.routes import PUBLIC_ROUTES, Route, is_tenant_model, iter_routes

METHODS = ("get", "post", "put", "patch", "delete")
ROUTES = [r for r in iter_routes() if r.name.split(":")[-1] not in PUBLIC_ROUTES]
OBJECT_ROUTES = [r for r in ROUTES if r.kwargs]
LIST_ROUTES = [r for r in ROUTES if not r.kwargs]


def _id(route: Route) -> str:
    return route.name or route.route


def _b_objects_for(route: Route, firm_b) -> dict:
    """URL kwargs naming firm B's objects; kwargs of shared models (catalog, checklist) name a shared object."""
    kwargs, created = {}, {}
    models = [(kwarg, route.model_for_kwarg(kwarg)) for kwarg in route.kwargs]
    for kwarg, model in models:
        assert model is not None, (
            f"Route {route.route!r} ({route.name}): cannot tell which model {kwarg!r} names. "
            "Name parent kwargs <modelname>_pk and give the view a .model."
        )
    # Firm objects first, so that a shared object can be chosen to match them.
    for kwarg, model in sorted(models, key=lambda km: not is_tenant_model(km[1])):
        if model not in created:
            if is_tenant_model(model):
                assert model in TENANT_FACTORIES, f"No factory for {model.__name__} in tests/factories"
                created[model] = TENANT_FACTORIES[model](firm_b)
            else:
                assert model in GLOBAL_FACTORIES, f"No global factory for {model.__name__} in tests/factories"
                created[model] = GLOBAL_FACTORIES[model](created)
        kwargs[kwarg] = created[model].pk
    return kwargs


def _only_shared_objects(route: Route) -> bool:
    return all(not is_tenant_model(route.model_for_kwarg(k)) for k in route.kwargs)


def test_every_route_is_named_so_it_can_be_checked():
    unnamed = [r.route for r in ROUTES if not r.name]
    assert not unnamed, f"Unnamed routes cannot be reversed by the matrix: {unnamed}"


def test_every_firm_model_has_a_factory():
    from accounts.tenancy import tenant_models

    missing = [m.__name__ for m in tenant_models() if m not in TENANT_FACTORIES]
    assert not missing, f"Firm models without a factory in tests/factories: {missing}"


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=_id)
def test_other_firms_object_is_404_for_every_method(route, world):
    if route.audience != "supervisor" and _only_shared_objects(route):
        pytest.skip("shared data (catalog, checklist) that every firm may read; its writes are tested per app")
    url = reverse(route.name, kwargs=_b_objects_for(route, world.firm_b))

    if route.audience == "supervisor":
        # The regulator's pages: a supervisor reaches firm B's submitted object; no firm user does.
        insider = world.supervisor
        outsiders = {**world.users_of_a(), "b_admin": world.b_admin, "b_officer": world.b_officer}
    else:
        insider = world.b_admin
        outsiders = {**world.users_of_a(), **world.regulator_users()}

    # The insider reaches the object: the URL is real, so the outsiders' 404 below means something.
    own = client_for(insider).get(url)
    assert own.status_code != 404, f"{url}: {insider} gets 404 on an object they may see"

    for role, user in outsiders.items():
        client = client_for(user)
        for method in METHODS:
            if method == "get":
                response = client.get(url)
            else:
                response = getattr(client, method)(url, content_type="application/json")
            assert response.status_code == 404, f"{role} {method.upper()} {url} → {response.status_code}, expected 404"


@pytest.mark.parametrize("route", [r for r in LIST_ROUTES if r.audience == "supervisor"], ids=_id)
def test_supervisor_pages_do_not_exist_for_firm_users(route, world):
    url = reverse(route.name)
    for role, user in {**world.users_of_a(), "b_admin": world.b_admin}.items():
        assert client_for(user).get(url).status_code == 404, f"{role} GET {url}"


@pytest.mark.parametrize("route", ROUTES, ids=_id)
def test_anonymous_is_sent_to_login(route, world):
    kwargs = {}
    if route.kwargs:
        kwargs = _b_objects_for(route, world.firm_b)
    url = reverse(route.name, kwargs=kwargs)
    client = client_for(None)
    for method in METHODS:
        response = getattr(client, method)(url)
        if route.is_api:
            assert response.status_code == 401, f"anonymous {method.upper()} {url} → {response.status_code}"
        else:
            assert response.status_code in (302, 404, 405), f"anonymous {method.upper()} {url} → {response.status_code}"
            if response.status_code == 302:
                assert "/accounts/login/" in response["Location"], (
                    f"anonymous {url} redirected to {response['Location']}"
                )
            if method == "get":
                assert response.status_code == 302, f"anonymous GET {url} → {response.status_code}, expected login"


@pytest.mark.parametrize("route", LIST_ROUTES, ids=_id)
def test_pages_without_an_object_never_show_another_firms_rows(route, world):
    """Factories mark firm data "B-SECRET" and submitted material "B-SUBMITTED": firm A's users may see
    neither; supervisors may see what firm B submitted, never its working data."""
    for _model, factory in TENANT_FACTORIES.items():
        factory(world.firm_b)
    url = reverse(route.name)
    readers = {role: (user, ("B-SECRET", "B-SUBMITTED")) for role, user in world.users_of_a().items()}
    if route.audience != "supervisor":
        readers.update({role: (user, ("B-SECRET",)) for role, user in world.regulator_users().items()})
    for role, (user, markers) in readers.items():
        response = client_for(user).get(url)
        if response.status_code == 200 and not response.get("Content-Disposition"):
            body = response.content.decode("utf-8", errors="replace")
            for marker in markers:
                assert marker not in body, f"{role} GET {url} shows firm B's data ({marker})"
