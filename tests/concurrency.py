"""Markers for tests whose threads write to the database beside the test's own connection."""

import pytest
from django.conf import settings

# The SQLite test database lives in memory with a shared cache: there a reader locks a table against another
# thread's write at once ("database table is locked"; no busy timeout applies), which is not how the file
# database of `make run` (WAL, a 20 s timeout) behaves. Such tests run on PostgreSQL in the services suite.
THREAD_WRITES_NEED_A_SERVER_DATABASE = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="a writing thread beside the test: runs on PostgreSQL (services suite); the in-memory SQLite test "
           "database locks tables between threads at once",
)
