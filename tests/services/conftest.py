"""Real services: PostgreSQL (via DATABASE_URL), Redis (REDIS_URL) and a Celery worker process
started here against the test database and stopped at the end of the session."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def _require_services() -> None:
    if not os.environ.get("BACKSTOP_SERVICES"):
        pytest.skip("services suite: run by `make test-services` / .ci/run with PostgreSQL, Redis and a worker")
    assert connection.vendor == "postgresql", "the services suite must run on PostgreSQL (set DATABASE_URL)"
    assert settings.REDIS_URL, "the services suite needs REDIS_URL"


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    _require_services()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        # The worker's own (empty) anchor store: never a developer's anchors of another database.
        "AUDIT_ANCHOR_DIR": str(tmp_path_factory.mktemp("worker-audit-anchors")),
    }
    celery_app.control.purge()
    log = open(ROOT / "var" / "celery-worker-test.log", "w")
    cmd = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "--without-gossip",
        "--without-mingle",
        "-l",
        "info",
        "-n",
        f"test-{os.getpid()}@%h",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the Celery worker exited with {proc.returncode}; see var/celery-worker-test.log")
        if celery_app.control.ping(timeout=1.0):
            break
    else:
        proc.kill()
        raise RuntimeError("the Celery worker did not answer a ping within 60 s")
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
    with django_db_blocker.unblock():
        wait_for_other_sessions_to_close()


def wait_for_other_sessions_to_close(timeout: float = 15.0) -> None:
    """PostgreSQL ends a dead client's backend asynchronously; dropping the test database while one
    lingers fails. Wait until this connection is the only one left (worker processes have exited)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.2)


@pytest.fixture
def real_worker(celery_worker_process, transactional_db, settings, tmp_path):
    """A test that talks to the real worker: tasks go through Redis, data is committed."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield celery_worker_process
    celery_app.conf.task_always_eager = previous
