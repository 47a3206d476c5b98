"""Shared start of every benchmark: a throwaway database unless DATABASE_URL names one."""

import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def start(name: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ["BACKSTOP_VAR_DIR"] = tempfile.mkdtemp(prefix=f"backstop-bench-{name}-")
    os.environ.setdefault("AXES_ENABLED", "0")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"# {name} on {engine}")


@contextmanager
def measured(label: str):
    """Prints wall time and query count of the block."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        yield
        elapsed = time.perf_counter() - t0
    print(f"{label:<48} {elapsed * 1000:9.1f} ms  {len(ctx.captured_queries):5d} queries")
