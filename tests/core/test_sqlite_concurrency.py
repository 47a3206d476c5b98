"""The embedded default survives concurrent writers: IMMEDIATE transactions wait for the lock instead of
failing with "database is locked" when two read-then-write transactions meet, and WAL lets readers read."""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper

if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    pytest.skip("the embedded default's settings only", allow_module_level=True)


@pytest.fixture
def unblocked(django_db_blocker):
    # These connections are the test's own files, not the test database.
    with django_db_blocker.unblock():
        yield


def _connection(path) -> DatabaseWrapper:
    config = {**settings.DATABASES["default"], "NAME": str(path)}
    config.setdefault("OPTIONS", {})
    for key, value in (("ATOMIC_REQUESTS", False), ("AUTOCOMMIT", True), ("CONN_MAX_AGE", 0),
                       ("CONN_HEALTH_CHECKS", False), ("TIME_ZONE", None), ("TEST", {})):
        config.setdefault(key, value)
    return DatabaseWrapper(config, alias=f"concurrency-{threading.get_ident()}")


def test_the_embedded_database_runs_in_wal_mode(tmp_path, unblocked):
    conn = _connection(tmp_path / "db.sqlite3")
    with conn.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    conn.close()


def test_two_read_then_write_transactions_both_commit(tmp_path, unblocked):
    path = tmp_path / "db.sqlite3"
    setup = _connection(path)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (n integer)")
        cursor.execute("INSERT INTO counter VALUES (0)")
    setup.close()
    errors, start = [], threading.Barrier(2)

    def increment():
        conn = _connection(path)
        try:
            start.wait()
            with conn.cursor() as cursor:
                conn._start_transaction_under_autocommit()  # what transaction.atomic() issues on SQLite
                cursor.execute("SELECT n FROM counter")
                (n,) = cursor.fetchone()
                time.sleep(0.2)  # both hold a read before either writes: the classic deadlock under DEFERRED
                cursor.execute("UPDATE counter SET n = %s", [n + 1])
                conn.commit()
        except Exception as exc:
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=increment) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check = _connection(path)
    with check.cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        assert (errors, cursor.fetchone()[0]) == ([], 2)
    check.close()
