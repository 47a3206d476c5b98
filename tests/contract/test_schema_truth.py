"""/api/schema/ describes what the API answers: walks every operation of the generated schema."""

from __future__ import annotations

import collections

import pytest
from django.core.cache import cache

from core import api_docs

METHODS = ("get", "post", "put", "patch", "delete")
ERROR_STATUSES = ("400", "401", "403", "404", "409")


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _component(schema, ref: str) -> dict:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def test_every_operation_documents_the_error_body_for_each_error_status(schema):
    missing = [
        (method, path, status)
        for path, method, op in _operations(schema)
        for status in ERROR_STATUSES
        if op["responses"].get(status, {}).get("content", {}).get("application/json", {}).get("schema")
        != {"$ref": "#/components/schemas/Error"}
    ]
    assert missing == []
    detail = schema["components"]["schemas"]["ErrorDetail"]
    assert set(detail["required"]) == {"code", "message", "fields"}


def test_every_operation_has_its_own_summary_and_a_resource_tag(schema):
    summaries = collections.Counter(op.get("summary") for _p, _m, op in _operations(schema))
    assert None not in summaries and "" not in summaries
    assert [s for s, n in summaries.items() if n > 1] == []
    for path, _method, op in _operations(schema):
        assert op["tags"] != ["v1"] and op["tags"][0] in path
        # The organisation mixin's docstring is an internal note, not the operation's description.
        assert "session middleware" not in op.get("description", "")


def test_the_organization_header_is_declared_where_it_is_read(schema):
    for path, method, op in _operations(schema):
        names = {(p["in"], p["name"]) for p in op.get("parameters", [])}
        if path == "/api/v1/auth/token/":
            assert ("header", "X-Organization") not in names
        else:
            assert ("header", "X-Organization") in names, (method, path)


def test_request_bodies_do_not_ask_for_read_only_fields(schema):
    for path, method, op in _operations(schema):
        for media in op.get("requestBody", {}).get("content", {}).values():
            component = _component(schema, media["schema"]["$ref"])
            asked = set(component.get("properties", {})) | set(component.get("required", []))
            assert not asked & {"id", "created_at", "updated_at"}, (method, path)
            assert not [k for k, v in component.get("properties", {}).items() if v.get("readOnly")], (method, path)


def test_updates_of_versioned_records_require_the_version(schema):
    checked = 0
    for path, method, op in _operations(schema):
        if method not in {"put", "patch"}:
            continue
        for media in op.get("requestBody", {}).get("content", {}).values():
            component = _component(schema, media["schema"]["$ref"])
            if "version" in component.get("properties", {}):
                assert "version" in component.get("required", []), (method, path)
                checked += 1
    assert checked >= 20
    created = _component(schema, schema["paths"]["/api/v1/vendors/"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]["$ref"])
    assert "version" not in created.get("required", [])


def test_values_that_can_be_missing_are_nullable(schema):
    components = schema["components"]["schemas"]
    assert components["Incident"]["properties"]["duration_minutes"]["nullable"] is True
    assert components["Submission"]["properties"]["assignee"]["nullable"] is True


def _ok_schema(schema, path, method, status="200"):
    return schema["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]


def test_computed_documents_are_described_as_returned(schema):
    assert _ok_schema(schema, "/api/v1/single-points-of-failure/", "get") == {"$ref": "#/components/schemas/SpofList"}
    assert _ok_schema(schema, "/api/v1/review/queue/{id}/diff/", "get") == {
        "$ref": "#/components/schemas/SubmissionDiff"}
    simulate = schema["paths"]["/api/v1/market/simulate/"]["post"]["responses"]
    assert "201" not in simulate
    assert _ok_schema(schema, "/api/v1/market/simulate/", "post") == {
        "$ref": "#/components/schemas/SimulationResult"}


def test_the_schema_is_built_once_per_language(db, client, monkeypatch):
    from drf_spectacular.generators import SchemaGenerator

    monkeypatch.setattr(api_docs.CachedSchemaView, "_built", {})
    built = []
    original = SchemaGenerator.get_schema

    def counting(self, *args, **kwargs):
        built.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    cache.clear()
    first = client.get("/api/schema/?format=json&lang=ko")
    second = client.get("/api/schema/?format=json&lang=ko")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert len(built) == 1
    english = client.get("/api/schema/?format=json&lang=en")
    assert len(built) == 2 and english.content != first.content
    client.get("/api/schema/?format=json&lang=xx")
    client.get("/api/schema/?format=json&lang=xx")
    assert len(built) == 4 and set(api_docs.CachedSchemaView._built) == {"ko", "en"}


def test_components_carry_no_base_class_note(schema):
    for name, component in schema["components"]["schemas"].items():
        description = component.get("description", "")
        assert "create_fn" not in description and "bounded to what the database stores" not in description, name


def test_actions_that_take_no_body_say_so(schema):
    """schemathesis (ST201): the schema asked these for a body, and the API rightly took none."""
    paths = schema["paths"]
    for path in ("/api/v1/notifications/{id}/read/", "/api/v1/submissions/{id}/withdraw/"):
        assert "requestBody" not in paths[path]["post"], path
    curate = paths["/api/v1/providers/{id}/curate/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert curate["$ref"].endswith("/CurateRequest")


def test_a_supervisors_comment_is_documented_as_created(schema):
    """schemathesis (ST103): the comment action answers 201 Created, and the schema said 200."""
    responses = schema["paths"]["/api/v1/review/queue/{id}/comments/"]["post"]["responses"]
    assert "201" in responses and "200" not in responses
