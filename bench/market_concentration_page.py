"""The concentration page again, on the market bench/market_concentration.py left in the database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<the bench's db> python bench/market_concentration_page.py

Re-measures without rebuilding (the 1M build takes some 15 min here): BENCH_PAGE_RUNS times (default
10), wall time, this process's CPU time and the time in queries, then the best run's heaviest query
with EXPLAIN (ANALYZE, BUFFERS). Run ``VACUUM ANALYZE`` on the market tables first if the database's
autovacuum is off.
"""

import os
import time

from _setup import start

start("market_concentration_page")


from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from audit.context import acting_as  # noqa: E402
from review.models import SubmittedDependency  # noqa: E402

RUNS = int(os.environ.get("BENCH_PAGE_RUNS", "10"))

with acting_as(None):
    from tests.conftest import client_for

    supervisor = User.objects.get(email="bench-market@fss.test")
    client = client_for(supervisor)
    print(f"submitted dependencies in the table (every size, history included): "
          f"{SubmittedDependency._base_manager.count():,}")
    client.get("/market/concentration/")  # warm
    runs = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as ctx:
            t0, c0 = time.perf_counter(), time.process_time()
            assert client.get("/market/concentration/").status_code == 200
            ms, cpu = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
        in_queries = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
        runs.append((ms, cpu, in_queries, len(ctx.captured_queries), ctx))
        print(f"page: {ms:6.0f} ms wall, {cpu:4.0f} ms CPU here, {in_queries:4.0f} ms in {len(ctx.captured_queries)} "
              f"queries")
    walls = sorted(r[0] for r in runs)
    cpus = sorted(r[1] for r in runs)
    print(f"wall: best {walls[0]:.0f}, median {walls[len(walls) // 2]:.0f} ms; "
          f"CPU here: best {cpus[0]:.0f}, median {cpus[len(cpus) // 2]:.0f} ms; load {os.getloadavg()}")
    best = min(runs, key=lambda r: r[0])[4]
    reads = [q for q in best.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
    sql = max(reads, key=lambda q: float(q["time"]))["sql"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(r[0] for r in cursor.fetchall())
        print(f"heaviest page query:\n{sql}\n{plan}")
