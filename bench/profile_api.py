"""Where the CPU of one vendor-list API request goes, beside one request of the bench floor (issue 16).

In-process (Django's test client, no gunicorn), with bench/load.py's settings (``bench.settings``, ``DEBUG=0``,
the throttles' rates lifted but the throttles still running) and an API token issued the same way, against the
database in DATABASE_URL (PostgreSQL: it must already hold the demo data, e.g. after one bench/load.py run).

Prints, per request: CPU time (``process_time``, profiler off), database round trips (every statement the
driver sends, the row-level-security ``set_config`` plumbing included, which Django's query count leaves out)
and Redis commands; then the CPU time of each stage (inclusive), measured by wrapping the few functions that
make up a request (a profiler's per-call hook would inflate the serializer, which makes thousands of small calls,
about 5x).
``--top N`` adds cProfile's top functions by own time for the vendor list.

    DATABASE_URL=postgres://... REDIS_URL=redis://.../12 python bench/profile_api.py [--iterations 300]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.contract.run_schemathesis import UNTHROTTLED  # noqa: E402

# (label, "module:Class.method" or "module:function"): inclusive time of each, per request, measured by
# wrapping it (a handful of calls per request, so the timers cost little, unlike a profiler's per-call hook).
STAGES = [
    ("whole request (handler)", "django.core.handlers.base:BaseHandler.get_response"),
    ("  DRF view dispatch", "rest_framework.views:APIView.dispatch"),
    ("    initial(): auth, permissions, throttles", "rest_framework.views:APIView.initial"),
    ("      authentication + active firm", "core.api:ActiveOrganizationAPIMixin.perform_authentication"),
    ("        token lookup (user_for_token)", "accounts.api_tokens:user_for_token"),
    ("        membership (active.resolve)", "accounts.active:resolve"),
    ("        rls set_config (_apply)", "accounts.rls:_apply"),
    ("      check_permissions", "rest_framework.views:APIView.check_permissions"),
    ("      check_throttles", "rest_framework.views:APIView.check_throttles"),
    ("    list()", "rest_framework.mixins:ListModelMixin.list"),
    ("      get_queryset", "rest_framework.generics:GenericAPIView.get_queryset"),
    ("      filter_queryset", "rest_framework.generics:GenericAPIView.filter_queryset"),
    ("        django-filter", "core.filters:FilterBackend.filter_queryset"),
    ("        OrderingFilter", "rest_framework.filters:OrderingFilter.filter_queryset"),
    ("        SearchFilter", "rest_framework.filters:SearchFilter.filter_queryset"),
    ("      paginate_queryset (count + rows)", "rest_framework.pagination:PageNumberPagination.paginate_queryset"),
    ("        count()", "django.db.models.query:QuerySet.count"),
    ("        prefetch_related_objects", "django.db.models.query:prefetch_related_objects"),
    ("      serializer (ListSerializer)", "rest_framework.serializers:ListSerializer.to_representation"),
    ("        fields built (get_fields)", "rest_framework.serializers:ModelSerializer.get_fields"),
    ("        related fields (PrimaryKey)", "rest_framework.relations:PrimaryKeyRelatedField.to_representation"),
    ("        many related (ManyRelatedField)", "rest_framework.relations:ManyRelatedField.to_representation"),
    ("      get_paginated_response", "rest_framework.pagination:PageNumberPagination.get_paginated_response"),
    ("    finalize_response", "rest_framework.views:APIView.finalize_response"),
    ("  render (JSONRenderer)", "rest_framework.renderers:JSONRenderer.render"),
    ("  SQL statements (driver execute)", "psycopg:Cursor.execute"),
    ("  Redis commands", "redis.client:Redis.execute_command"),
]


class _Timers:
    """Wraps each stage's function; adds up its wall and CPU time (outermost call only, if it recurses)."""

    def __init__(self):
        import importlib

        self.wall = dict.fromkeys((label for label, _ in STAGES), 0.0)
        self.cpu = dict(self.wall)
        self.calls = dict.fromkeys(self.wall, 0)
        for label, where in STAGES:
            module_name, _, attr = where.partition(":")
            owner = importlib.import_module(module_name)
            *path, name = attr.split(".")
            for part in path:
                owner = getattr(owner, part)
            setattr(owner, name, self._wrap(label, owner.__dict__[name] if path else getattr(owner, name)))

    def _wrap(self, label, function):
        timers, depth = self, [0]

        def timed(*args, **kwargs):
            if depth[0]:
                return function(*args, **kwargs)
            depth[0] += 1
            w0, c0 = time.perf_counter(), time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                timers.wall[label] += time.perf_counter() - w0
                timers.cpu[label] += time.process_time() - c0
                timers.calls[label] += 1
                depth[0] -= 1

        return timed

    def snapshot(self):
        return dict(self.wall), dict(self.cpu), dict(self.calls)


def _setup():
    os.environ.update(DJANGO_SETTINGS_MODULE="bench.settings", DEBUG="0", LOG_LEVEL="WARNING", **UNTHROTTLED)
    import django

    django.setup()
    from accounts import api_tokens
    from accounts.demo import demo_code_now
    from accounts.models import User

    officer = User.objects.get(email="officer@hanbit.demo")
    _t, token = api_tokens.issue_token(user=officer, name="bench-profile", expires_in_days=1,
                                       otp_code=demo_code_now()[0])
    org = officer.memberships_list()[0].organization
    return token, org.pk


class _Counters:
    """Counts driver statements and Redis commands (monkeypatched: the bench only)."""

    def __init__(self):
        import psycopg
        import redis.client

        self.sql = 0
        self.redis = 0
        counters = self
        original_execute = psycopg.Cursor.execute
        original_command = redis.client.Redis.execute_command
        original_pipeline = redis.client.Pipeline.execute

        def execute(self, *args, **kwargs):
            counters.sql += 1
            return original_execute(self, *args, **kwargs)

        def command(self, *args, **kwargs):
            counters.redis += 1
            return original_command(self, *args, **kwargs)

        def pipeline(self, *args, **kwargs):
            counters.redis += 1  # one round trip for the whole pipeline
            return original_pipeline(self, *args, **kwargs)

        psycopg.Cursor.execute = execute
        redis.client.Redis.execute_command = command
        redis.client.Pipeline.execute = pipeline


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--top", type=int, default=0, help="also print the top N functions by own time")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("# profile_api.py skipped: it needs PostgreSQL in DATABASE_URL (with the demo data)")
        return 0
    token, org = _setup()
    counters = _Counters()
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    targets = {
        "floor": (f"/bench/floor/?organization={org}", {}),
        "vendor list API": ("/api/v1/vendors/", {"HTTP_AUTHORIZATION": f"Token {token}"}),
    }

    def hit(name):
        path, headers = targets[name]
        response = client.get(path, **headers)
        assert response.status_code == 200, (name, response.status_code, response.content[:300])

    for name in targets:
        for _ in range(30):
            hit(name)
    n = args.iterations
    print(f"# profile_api: {n} requests per target, in-process; {os.popen('uptime').read().strip()}")
    print("\n| target | CPU ms/req (profiler off) | DB round trips/req | Redis commands/req |")
    print("|---|---:|---:|---:|")
    cpu = {}
    for name in targets:
        sql0, redis0 = counters.sql, counters.redis
        t0 = time.process_time()
        for _ in range(n):
            hit(name)
        cpu[name] = (time.process_time() - t0) / n * 1000
        print(f"| {name} | {cpu[name]:.2f} | {(counters.sql - sql0) / n:.1f} | {(counters.redis - redis0) / n:.1f} |")
    print(f"\nvendor list / floor CPU: {cpu['vendor list API'] / cpu['floor']:.2f}x "
          f"(floor = {cpu['floor'] / cpu['vendor list API']:.0%} of the vendor list's CPU)")

    timers = _Timers()
    print("\n| stage (inclusive, timers on) | floor CPU ms/req | vendor CPU ms/req | vendor wall ms/req | calls/req |")
    print("|---|---:|---:|---:|---:|")
    results = {}
    for name in targets:
        before = timers.snapshot()
        for _ in range(n):
            hit(name)
        after = timers.snapshot()
        results[name] = [{k: (after[i][k] - before[i][k]) / n for k in after[i]} for i in range(3)]
    floor, vendor = results["floor"], results["vendor list API"]
    for label, _where in STAGES:
        print(f"| {label} | {floor[1][label] * 1000:.2f} | {vendor[1][label] * 1000:.2f} | "
              f"{vendor[0][label] * 1000:.2f} | {vendor[2][label]:.1f} |")
    if args.top:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(n):
            hit("vendor list API")
        profiler.disable()
        print(f"\n# vendor list API: top {args.top} by own time (cProfile)")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
