"""Request rates: every API call, and stricter limits where a request costs more than a page view."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from core.throttling import counted
from tests.factories.accounts import PASSWORD


@pytest.fixture
def rates(settings):
    """Real (small) rates instead of the test suite's unlimited ones; counts start from zero."""
    cache.clear()

    def set_rates(**scopes: str):
        settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, **scopes}

    yield set_rates
    cache.clear()


def test_an_api_user_over_the_rate_gets_429_in_the_error_shape(world, api_for, rates):
    rates(user="2/min")
    api = api_for(world.a_officer)
    assert [api.get("/api/v1/me").status_code for _ in range(2)] == [200, 200]
    response = api.get("/api/v1/me")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_the_count_is_kept_in_the_shared_cache(world, api_for, rates):
    rates(user="5/min")
    api_for(world.a_officer).get("/api/v1/me")
    assert counted(f"throttle_user_{world.a_officer.pk}") == 1


def test_users_are_counted_apart(world, api_for, rates):
    rates(user="1/min")
    assert api_for(world.a_officer).get("/api/v1/me").status_code == 200
    assert api_for(world.b_officer).get("/api/v1/me").status_code == 200
    assert api_for(world.a_officer).get("/api/v1/me").status_code == 429


def test_token_creation_has_its_own_strict_rate(world, client, rates):
    rates(token="2/hour")
    answers = [
        client.post("/api/v1/auth/token/", {"username": "officer@a.test", "password": "wrong"}).status_code
        for _ in range(3)
    ]
    assert answers[:2] == [400, 400] and answers[2] == 429
    # Not even the right password gets through until the window has passed.
    response = client.post("/api/v1/auth/token/", {"username": "officer@a.test", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"


def test_password_reset_requests_are_limited(world, client, rates, mailoutbox):
    rates(password_reset="2/hour")
    answers = [client.post("/accounts/password/reset/", {"email": "officer@a.test"}).status_code for _ in range(3)]
    assert answers == [302, 302, 429]
    assert len(mailoutbox) == 2


def test_api_uploads_are_limited(world, api_for, rates):
    rates(upload="1/hour")
    api = api_for(world.a_officer)
    payload = {"name": "Upload vendor", "file": SimpleUploadedFile("x.txt", b"x")}
    assert api.post("/api/v1/vendors/", payload, format="multipart").status_code != 429
    response = api.post("/api/v1/vendors/", payload, format="multipart")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    # A JSON write is not an upload.
    assert api.post("/api/v1/vendors/", {"name": "x"}, format="json").status_code != 429


def test_web_uploads_are_limited(world, as_user, rates):
    rates(upload="1/hour")
    client = as_user(world.a_officer)
    upload = {"file": SimpleUploadedFile("register.xlsx", b"not a workbook")}
    assert client.post("/reports/register/import/", upload).status_code != 429
    response = client.post("/reports/register/import/", {"file": SimpleUploadedFile("register.xlsx", b"again")})
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()


def test_a_bad_rate_in_the_environment_fails_loudly():
    import subprocess
    import sys
    from pathlib import Path

    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=Path(__file__).resolve().parents[2],
        env={"PATH": "/usr/bin:/bin", "THROTTLE_USER_RATE": "lots"},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0 and "THROTTLE_USER_RATE must look like" in result.stderr


def test_concurrent_requests_are_each_counted(world, rates):
    """DRF's log is a GET then a SET: two requests at once read the same history and count as one. On Redis
    the log is one atomic script; elsewhere (one process, local memory) there is no concurrency to lose."""
    from concurrent.futures import ThreadPoolExecutor

    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache
    from rest_framework.test import APIRequestFactory

    from core.throttling import UserThrottle

    if not isinstance(caches["default"], RedisCache):
        pytest.skip("the shared cache is Redis only when REDIS_URL is set")
    rates(user="1000/min")
    request = APIRequestFactory().get("/api/v1/me")
    request.user = world.a_officer

    def one(_):
        return UserThrottle().allow_request(request, None)

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(one, range(80)))
    assert counted(f"throttle_user_{world.a_officer.pk}") == 80


def test_the_wait_counts_from_the_oldest_request_in_the_window(world, rates, monkeypatch):
    from rest_framework.test import APIRequestFactory

    from core.throttling import UserThrottle

    rates(user="2/min")
    request = APIRequestFactory().get("/api/v1/me")
    request.user = world.a_officer
    clock = iter([1000.0, 1010.0, 1020.0, 1070.0])
    monkeypatch.setattr(UserThrottle, "timer", lambda self: next(clock))
    assert UserThrottle().allow_request(request, None) and UserThrottle().allow_request(request, None)
    refused = UserThrottle()
    assert not refused.allow_request(request, None)
    assert refused.wait() == pytest.approx(40.0)  # the first request leaves the window at 1060
    assert UserThrottle().allow_request(request, None)  # at 1070 only the second is left
