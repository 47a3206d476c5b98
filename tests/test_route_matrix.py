"""The tenant wall, proved over every route in the URLconf.

For every route with an object in its URL: every user of firm A, and regulator staff, get 404 on
firm B's object for every HTTP method, while firm B's own admin reaches it (so the 404 is not an
accident of a broken URL). For every route without an object: A's pages, downloads and exports never
show B's rows. Routes naming a shared catalog provider hide another firm's unpublished proposal. A write
naming another firm's object in a foreign-key field never links to it. The stranger (no membership) is an
outsider everywhere, and no one in the small world reaches a firm model's admin page.
Anonymous callers are sent to log in (web) or refused with 401 (API). New routes are covered
without editing this file; a route whose kwargs cannot be mapped to a model fails the test.
"""

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import GLOBAL_FACTORIES, TENANT_FACTORIES
from tests.routes import (
    PUBLIC_ROUTES,
    Route,
    body_text,
    cross_firm_references,
    is_tenant_model,
    iter_routes,
    tenant_foreign_keys,
)

METHODS = ("get", "post", "put", "patch", "delete")
ROUTES = [r for r in iter_routes() if r.name.split(":")[-1] not in PUBLIC_ROUTES]
OBJECT_ROUTES = [r for r in ROUTES if r.kwargs]
LIST_ROUTES = [r for r in ROUTES if not r.kwargs]


def _id(route: Route) -> str:
    return route.name or route.route


def _b_objects_for(route: Route, firm_b) -> dict:
    """URL kwargs naming firm B's objects (or, given firm A, firm A's); kwargs of shared models (catalog,
    checklist) name a shared object."""
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
    outsiders["stranger"] = world.stranger

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
    for role, user in {**world.users_of_a(), "b_admin": world.b_admin, "stranger": world.stranger}.items():
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
    """Factories mark firm data "B-SECRET" and submitted material "B-SUBMITTED": firm A's users (and the
    stranger) may see neither; supervisors may see what firm B submitted, never its working data. Downloads
    are read too: a workbook cell by cell."""
    for _model, factory in TENANT_FACTORIES.items():
        factory(world.firm_b)
    url = reverse(route.name)
    readers = {role: (user, ("B-SECRET", "B-SUBMITTED")) for role, user in world.users_of_a().items()}
    readers["stranger"] = (world.stranger, ("B-SECRET", "B-SUBMITTED"))
    if route.audience != "supervisor":
        readers.update({role: (user, ("B-SECRET",)) for role, user in world.regulator_users().items()})
    for role, (user, markers) in readers.items():
        response = client_for(user).get(url)
        if response.status_code == 200:
            body = body_text(response)
            for marker in markers:
                assert marker not in body, f"{role} GET {url} shows firm B's data ({marker})"


# --- shared objects: another firm's unpublished catalog proposal ------------------------------------------
PROPOSAL_ROUTES = [
    r
    for r in OBJECT_ROUTES
    if r.audience != "supervisor"
    and {r.model_for_kwarg(k)._meta.label for k in r.kwargs} == {"vendors.ProviderCatalog"}
]


def _proposal_of(firm):
    from vendors.choices import CatalogStatus
    from vendors.models import ProviderCatalog

    return ProviderCatalog.objects.create(
        key=f"b-proposal-{firm.pk}", legal_name="B-PROPOSED Cloud Ltd", brand="B-PROPOSED", country="KR",
        category="cdn_security", korean_entity=True, status=CatalogStatus.PROPOSED, proposed_by=firm,
    )


@pytest.mark.parametrize("route", PROPOSAL_ROUTES, ids=_id)
def test_another_firms_catalog_proposal_is_404_for_every_method(route, world):
    proposal = _proposal_of(world.firm_b)
    url = reverse(route.name, kwargs=dict.fromkeys(route.kwargs, proposal.pk))
    assert client_for(world.b_officer).get(url).status_code != 404, f"{url}: the proposing firm cannot see it"
    for role, user in {**world.users_of_a(), "stranger": world.stranger}.items():
        client = client_for(user)
        for method in METHODS:
            response = getattr(client, method)(url, content_type="application/json")
            assert response.status_code == 404, f"{role} {method.upper()} {url} → {response.status_code}"


def test_the_route_matrix_finds_the_catalog_routes():
    assert PROPOSAL_ROUTES, "no route names a catalog provider: the proposal test checks nothing"


@pytest.mark.parametrize("route", LIST_ROUTES, ids=_id)
def test_pages_never_name_another_firms_catalog_proposal(route, world):
    _proposal_of(world.firm_b)
    url = reverse(route.name)
    for role, user in {**world.users_of_a(), "stranger": world.stranger}.items():
        response = client_for(user).get(url)
        if response.status_code == 200:
            assert "B-PROPOSED" not in body_text(response), f"{role} GET {url} names firm B's proposal"


@pytest.mark.parametrize("scenario", [{"category": "cdn_security"}, {"providers": "proposal"}])
def test_a_market_simulation_never_names_another_firms_proposal(world, api_for, scenario):
    proposal = _proposal_of(world.firm_b)
    body = {"duration_minutes": 60, **scenario}
    if body.get("providers") == "proposal":
        body["providers"] = [proposal.pk]
    response = api_for(world.a_officer).post("/api/v1/market/simulate/", body, format="json")
    assert "B-PROPOSED" not in body_text(response)


# --- exports: what a firm (or a supervisor) downloads -----------------------------------------------------
def _export_as(api, capture, kind: str, parameters: dict | None = None) -> str:
    with capture(execute=True):
        created = api.post("/api/v1/exports/", {"kind": kind, "parameters": parameters or {}}, format="json")
    assert created.status_code == 202, created.content
    job = api.get(f"/api/v1/exports/{created.json()['id']}/").json()
    assert job["status"] == "done", job
    return body_text(api.get(f"/api/v1/exports/{job['id']}/download/"))


def test_exports_never_carry_another_firms_rows(world, api_for, django_capture_on_commit_callbacks):
    from market.models import SavedSimulation
    from reports.models import ExportKind
    from tests.factories.compliance import make_assessment

    for _model, factory in TENANT_FACTORIES.items():
        factory(world.firm_b)
    own_assessment = make_assessment(world.firm_a, title="A assessment")
    own_simulation = SavedSimulation.objects.create(
        organization=world.firm_a, created_by=world.a_officer, name="A simulation", scope="firm",
        duration_minutes=60, results={"failed": [], "duration_minutes": 60, "totals": {}, "breaching": [],
                                      "services": []},
    )
    firm_exports = {
        ExportKind.REGISTER_WORKBOOK: {},
        ExportKind.AUDIT_WORKBOOK: {"assessment": own_assessment.pk},
        ExportKind.MARKET_SIMULATION: {"simulation": own_simulation.pk},
    }
    supervisor_exports = {ExportKind.REVIEW_QUEUE: {}, ExportKind.MARKET_CONCENTRATION: {}}
    assert set(firm_exports) | set(supervisor_exports) == set(ExportKind.values), "a new export kind: add it here"
    capture = django_capture_on_commit_callbacks
    for kind, parameters in firm_exports.items():
        body = _export_as(api_for(world.a_officer), capture, kind, parameters)
        assert "A assessment" in body or kind != ExportKind.AUDIT_WORKBOOK, "the workbook was not read"
        assert "A simulation" in body or kind != ExportKind.MARKET_SIMULATION, "the simulation was not read"
        for marker in ("B-SECRET", "B-SUBMITTED"):
            assert marker not in body, f"firm A's {kind} export carries firm B's data ({marker})"
    b_simulation = SavedSimulation.objects.for_org(world.firm_b).get()
    with capture(execute=True):
        refused = api_for(world.a_officer).post("/api/v1/exports/", {
            "kind": ExportKind.MARKET_SIMULATION, "parameters": {"simulation": b_simulation.pk}}, format="json")
    assert refused.status_code in (400, 404) and "B-SECRET" not in body_text(refused)
    for kind, parameters in supervisor_exports.items():
        body = _export_as(api_for(world.supervisor), capture, kind, parameters)
        assert "B-SECRET" not in body, f"the supervisor's {kind} export carries firm B's working data"


# --- writes naming another firm's object in a foreign-key field --------------------------------------------
WRITE_ROUTES = [r for r in ROUTES if r.audience != "supervisor" and not _only_shared_objects(r)]


def _body_naming(b_objects: dict) -> dict:
    body = {}
    for name, model in tenant_foreign_keys().items():
        if model in b_objects:
            body[name] = b_objects[model].pk
            body[f"{name}_id"] = b_objects[model].pk
    return body


def _writable_tenant_fields(route: Route) -> set[str]:
    """The API serializer's writable relations to firm rows (a wrong firm's id must be a field error)."""
    from django.core.exceptions import FieldDoesNotExist
    from rest_framework import relations

    view = getattr(route.callback, "cls", None)
    serializer_class = getattr(view, "serializer_class", None)
    model = getattr(getattr(serializer_class, "Meta", None), "model", None)
    if model is None:
        return set()
    fields = set()
    for name, field in serializer_class().fields.items():
        child = getattr(field, "child_relation", field)
        if field.read_only or not isinstance(child, relations.RelatedField):
            continue
        try:
            target = model._meta.get_field(field.source).related_model
        except FieldDoesNotExist:
            continue
        if is_tenant_model(target):
            fields.add(name)
    return fields


def test_the_cross_firm_check_sees_a_link(world):
    from tests.factories.vendors import make_dependency, make_service, make_vendor

    make_dependency(world.firm_a, service=make_service(world.firm_a), vendor=make_vendor(world.firm_b))
    assert any(ref.startswith("Dependency#") and ref.endswith(".vendor") for ref in cross_firm_references())


def test_api_writes_with_firm_fields_are_checked_for_field_errors():
    checked = [r.name for r in WRITE_ROUTES if r.is_api and _writable_tenant_fields(r)]
    assert len(checked) >= 5, f"only {checked} have writable firm foreign keys: is _writable_tenant_fields broken?"


@pytest.mark.parametrize("route", WRITE_ROUTES, ids=_id)
def test_a_write_naming_another_firms_object_never_links_to_it(route, world):
    b_objects = {model: factory(world.firm_b) for model, factory in TENANT_FACTORIES.items()}
    body = _body_naming(b_objects)
    url = reverse(route.name, kwargs=_b_objects_for(route, world.firm_a) if route.kwargs else {})
    assert not cross_firm_references(), "the factories themselves link firms"
    expected_errors = _writable_tenant_fields(route) & set(body)
    for role, user in {"firm_admin": world.a_admin, "officer": world.a_officer}.items():
        client = client_for(user)
        methods = ("post", "put", "patch") if route.is_api else ("post",)
        for method in methods:
            if route.is_api:
                response = getattr(client, method)(url, body, content_type="application/json")
            else:
                response = client.post(url, body)
            assert response.status_code < 500, f"{role} {method.upper()} {url} → {response.status_code}"
            if route.is_api and response.status_code == 400 and expected_errors:
                fields = set(response.json()["error"]["fields"])
                missing = expected_errors - fields
                assert not missing, f"{role} {method.upper()} {url}: no field error for firm B's {missing}"
            assert not cross_firm_references(), f"{role} {method.upper()} {url} linked firm A's row to firm B's"


# --- the Django admin -----------------------------------------------------------------------------------
def _admin_urls_of_firm_models(row_of) -> list[str]:
    from django.contrib import admin

    urls = []
    for model in admin.site._registry:
        if not is_tenant_model(model):
            continue
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        row = row_of(model)
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        urls += [reverse(f"{prefix}_{view}", args=[row.pk]) for view in ("change", "delete", "history")]
    return urls


def test_no_one_in_the_small_world_reaches_a_firm_models_admin(world):
    rows = {}

    def row_of(model):
        if model not in rows:
            rows[model] = TENANT_FACTORIES[model](world.firm_b)
        return rows[model]

    urls = _admin_urls_of_firm_models(row_of)
    assert urls
    people = {**world.users_of_a(), **world.regulator_users(), "b_admin": world.b_admin, "stranger": world.stranger}
    for role, user in people.items():
        client = client_for(user)
        for url in urls:
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code == 302 and "/admin/login/" in response["Location"], (
                    f"{role} {method.upper()} {url} → {response.status_code}"
                )
                assert b"B-SECRET" not in response.content
