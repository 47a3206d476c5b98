"""Ids in request bodies beyond what the database stores are a 400 naming the field, never a 500."""

from __future__ import annotations

import pytest
from django.test import override_settings

from tests.factories.compliance import make_assessment, make_framework
from tests.review.conftest import REQUIREMENTS

TOO_BIG = 18446744073709551616


@pytest.fixture
def quiet(api_for):
    def make(user):
        client = api_for(user)
        client.raise_request_exception = False
        return client

    return make


@override_settings(DEBUG_PROPAGATE_EXCEPTIONS=False)
@pytest.mark.parametrize(
    ("who", "path", "body", "field"),
    [
        ("a_officer", "/api/v1/submissions/", {"assessment": TOO_BIG}, "assessment"),
        ("a_officer", "/api/v1/market/simulate/", {"providers": [TOO_BIG], "duration_minutes": 60}, "providers"),
        ("supervisor", "/api/v1/market/simulate/", {"providers": [TOO_BIG], "duration_minutes": 60}, "providers"),
        ("a_officer", "/api/v1/assessments/", {"framework": TOO_BIG, "scope": "firm"}, "framework"),
        ("a_officer", "/api/v1/vendors/", {"name": "X", "catalog": TOO_BIG}, "catalog"),
        ("a_officer", "/api/v1/dependencies/", {"service": TOO_BIG, "vendor": TOO_BIG}, "service"),
    ],
)
def test_a_body_id_beyond_bigint_is_a_field_error(world, quiet, who, path, body, field):
    response = quiet(getattr(world, who)).post(path, body, format="json")
    assert response.status_code == 400, response.content[:300]
    assert field in response.json()["error"]["fields"]


@override_settings(DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_assigning_a_reviewer_beyond_bigint_is_a_field_error(world, quiet, ready_assessment):
    created = quiet(world.a_officer).post("/api/v1/submissions/", {"assessment": ready_assessment.pk})
    pk = created.json()["id"]
    response = quiet(world.lead).post(f"/api/v1/review/queue/{pk}/assign/", {"assignee": TOO_BIG}, format="json")
    assert response.status_code == 400 and "assignee" in response.json()["error"]["fields"]


@override_settings(DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_an_answer_naming_a_requirement_beyond_bigint_is_a_field_error(world, quiet):
    assessment = make_assessment(world.firm_a, make_framework(requirements=REQUIREMENTS))
    response = quiet(world.a_officer).post(
        "/api/v1/answers/", {"assessment": assessment.pk, "requirement": TOO_BIG, "response": "compliant"},
        format="json",
    )
    assert response.status_code == 400 and "requirement" in response.json()["error"]["fields"]
