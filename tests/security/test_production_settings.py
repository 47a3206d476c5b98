"""Production must not start on the embedded defaults (SQLite, eager tasks, local-memory cache)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "BACKSTOP_PRODUCTION": "1",
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "backstop.example",
    "DATABASE_URL": "postgres://backstop@db.internal:5432/backstop",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "AUDIT_ANCHOR_KEY": "k" * 40,
}


def _import_settings(**overrides: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k != "DEBUG"}
    env.update(PRODUCTION_ENV)
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.DATABASES['default']['ENGINE'])"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )


def test_production_starts_with_a_database_and_redis():
    result = _import_settings()
    assert result.returncode == 0, result.stderr
    assert "postgresql" in result.stdout


@pytest.mark.parametrize("missing", ["DATABASE_URL", "REDIS_URL", "AUDIT_ANCHOR_KEY"])
def test_production_refuses_to_start_without(missing):
    result = _import_settings(**{missing: None})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{missing} must be set when BACKSTOP_PRODUCTION=1" in result.stderr


def test_an_empty_value_counts_as_missing():
    result = _import_settings(DATABASE_URL="")
    assert result.returncode != 0
    assert "DATABASE_URL must be set" in result.stderr


def test_without_production_the_embedded_defaults_still_run():
    result = _import_settings(
        BACKSTOP_PRODUCTION=None, DATABASE_URL=None, REDIS_URL=None, SECRET_KEY=None, AUDIT_ANCHOR_KEY=None
    )
    assert result.returncode == 0, result.stderr
    assert "sqlite3" in result.stdout


def test_production_refuses_a_short_audit_anchor_key():
    result = _import_settings(AUDIT_ANCHOR_KEY="short")
    assert result.returncode != 0
    assert "AUDIT_ANCHOR_KEY must be at least 32 characters" in result.stderr
