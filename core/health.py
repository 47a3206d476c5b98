"""/healthz: is the database, the cache and the broker reachable?"""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_cache() -> str:
    cache.set("healthz", "1", 5)
    return "ok" if cache.get("healthz") == "1" else "cache did not return the value it was given"


def _check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager (tasks run in-process; no broker configured)"
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


@never_cache
def healthz(request):
    results, healthy = {}, True
    for name, check in (("database", _check_database), ("cache", _check_cache), ("broker", _check_broker)):
        try:
            results[name] = check()
        except Exception as exc:  # a health check reports failures, it does not raise them
            results[name] = f"error: {exc.__class__.__name__}: {exc}"
            healthy = False
    return JsonResponse({"status": "ok" if healthy else "error", **results}, status=200 if healthy else 503)
