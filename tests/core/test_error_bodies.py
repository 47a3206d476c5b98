"""A failure on an API path answers the API's JSON error body, never Django's HTML page."""

import pytest
from django.test import Client, override_settings

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.boom_urls")]


@override_settings(DEBUG=False, DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_a_server_error_on_an_api_path_is_the_json_error_body():
    response = Client(raise_request_exception=False).get("/api/v1/boom/")
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "server_error"


@override_settings(DEBUG=False)
def test_an_unknown_api_path_is_the_json_error_body():
    response = Client().get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


@override_settings(DEBUG=False, DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_pages_keep_the_html_error_page():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500 and response["Content-Type"].startswith("text/html")
