"""Per-statement settings for the market analytics on PostgreSQL.

The analytics are few, large GROUP BY statements. PostgreSQL's JIT compiles them when the
planner's (pessimistic) estimate of unnested JSON lists crosses ``jit_above_cost``: compiling
cost ~0.8 s for a query that runs in 0.15 s. A larger ``work_mem`` keeps the hash aggregates in
memory instead of spilling sorts to disk. ``SET LOCAL`` lasts until the end of the transaction,
so nothing leaks to other requests; other databases need no tuning.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import connection, transaction

WORK_MEM = "64MB"


def analytic(func: Callable) -> Callable:
    """Runs ``func`` in a transaction with the analytics settings (PostgreSQL only)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
                    cursor.execute("SET LOCAL jit = off")
            return func(*args, **kwargs)

    return wrapper
