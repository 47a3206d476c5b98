import subprocess
import sys
from pathlib import Path

from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


def _login(client, password):
    return client.post("/accounts/login/", {"username": "officer@a.test", "password": password})


def test_the_login_works_with_an_email_address(world, client):
    assert _login(client, "test-password-123").status_code == 302


def test_repeated_failed_logins_lock_the_account_even_with_the_right_password(world, client):
    statuses = [_login(client, "wrong-password").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    response = _login(client, "test-password-123")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(AXES_FAILURE_LIMIT=3)
def test_other_people_are_not_locked_out_by_one_persons_failures(world, client):
    for _ in range(3):
        _login(client, "wrong-password")
    response = client.post("/accounts/login/", {"username": "viewer@a.test", "password": "test-password-123"})
    assert response.status_code == 302


def test_pages_need_a_login(db, client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_production_mode_passes_the_deploy_check():
    env = {
        "PATH": "/usr/bin:/bin",
        "BACKSTOP_PRODUCTION": "1",
        "SECRET_KEY": "x7#kq9!vB2@pL5$wZ8^mN3&rT6*yH1(uJ4)eC0_sD9+gF2=aQ7",
        "ALLOWED_HOSTS": "backstop.example.kr",
        "BACKSTOP_VAR_DIR": str(ROOT / "var"),
        # Production refuses to start without them; `check` connects to neither.
        "DATABASE_URL": "postgres://backstop@db.invalid:5432/backstop",
        "REDIS_URL": "redis://cache.invalid:6379/0",
        "AUDIT_ANCHOR_KEY": "a-test-only-audit-anchor-key-of-forty-chars",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    env = {"PATH": "/usr/bin:/bin", "BACKSTOP_PRODUCTION": "1", "ALLOWED_HOSTS": "x"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_a_bad_boolean_in_the_environment_fails_loudly():
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "maybe"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "DEBUG must be a boolean" in result.stderr
