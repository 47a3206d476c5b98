from tests.factories.accounts import make_api_token


def test_me_returns_the_user_memberships_and_active_organisation(world, api_for):
    body = api_for(world.a_officer).get("/api/v1/me").json()
    assert body["email"] == "officer@a.test"
    assert body["active_role"] == "officer"
    assert body["active_organization"]["id"] == world.firm_a.pk


def test_token_authentication_works_and_picks_the_organisation_from_the_header(world, client):
    _token, raw = make_api_token(world.a_officer)
    response = client.get(
        "/api/v1/me", HTTP_AUTHORIZATION=f"Token {raw}", HTTP_X_ORGANIZATION=str(world.firm_a.pk)
    )
    assert response.status_code == 200 and response.json()["active_organization"]["id"] == world.firm_a.pk


def test_a_header_naming_a_foreign_firm_is_refused_not_replaced(world, client):
    _token, raw = make_api_token(world.a_officer)
    response = client.get(
        "/api/v1/me", HTTP_AUTHORIZATION=f"Token {raw}", HTTP_X_ORGANIZATION=str(world.firm_b.pk)
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "organization_not_yours"


def test_anonymous_api_calls_get_401_in_the_standard_error_shape(db, client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_the_members_endpoint_lists_only_the_active_firm_paginated(world, api_for):
    body = api_for(world.a_viewer).get("/api/v1/members/").json()
    assert body["count"] == 3
    assert {row["email"] for row in body["results"]} == {"admin@a.test", "officer@a.test", "viewer@a.test"}


def test_the_openapi_schema_and_offline_docs_are_served(db, client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/me" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn." not in docs and "unpkg" not in docs


def test_health_reports_each_component(db, client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["cache"] == "ok"
    assert body["broker"].startswith("eager") or body["broker"] == "ok"


def test_an_api_token_is_issued_for_valid_credentials_only(world, client):
    bad = client.post("/api/v1/auth/token/", {"username": "officer@a.test", "password": "nope"})
    assert bad.status_code == 400
    good = client.post("/api/v1/auth/token/", {"username": "officer@a.test", "password": "test-password-123"})
    token = good.json()["token"]
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.json()["email"] == "officer@a.test"
