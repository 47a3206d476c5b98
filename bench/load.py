"""Web throughput (issue 16): requests/s, p50 and p95 of the main pages under gunicorn, beside a bare floor.

Loopback only. Needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL, optional: without it the cache is local
memory per worker); on SQLite it prints why it skips. The database gets the demo data (migrate,
load_provider_catalog, load_frameworks, seed_demo) if it has none yet, then gunicorn serves the app with
2 workers and `ROOT_URLCONF=bench.floor_urls`, which adds the floor (a bare DRF ModelViewSet, see that module
for what it omits). Each target gets a warm-up, then a fixed duration at a fixed concurrency of keep-alive
connections (threads + http.client).

    DATABASE_URL=postgres://... REDIS_URL=redis://.../13 python bench/load.py [--duration 10] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
sys.path.insert(0, str(ROOT))
from tests.contract.run_schemathesis import UNTHROTTLED  # noqa: E402  the same lifted rates as the API fuzzing

# Who each page is fetched as, and the tokens/sessions: printed as JSON by a manage.py shell.
_SETUP = """
import json
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from django.db.models import Count
from accounts import api_tokens
from accounts.demo import demo_code_now
from accounts.models import User
from compliance.models import Assessment

def session(email):
    user = User.objects.get(email=email)
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        s = client.session
        s[DEVICE_ID_SESSION_KEY] = device.persistent_id
        s.save()
        client.cookies[settings.SESSION_COOKIE_NAME] = s.session_key
    return client.cookies[settings.SESSION_COOKIE_NAME].value

officer = User.objects.get(email="officer@hanbit.demo")
_t, token = api_tokens.issue_token(user=officer, name="bench-load", expires_in_days=1, otp_code=demo_code_now()[0])
org = officer.memberships_list()[0].organization
assessment = (Assessment.objects.for_org(org)
              .annotate(n=Count("framework__requirements")).order_by("-n", "id").first())
print(json.dumps({"token": token, "officer": session("officer@hanbit.demo"),
                  "supervisor": session("supervisor@fss.demo"),
                  "assessment": assessment.pk, "requirements": assessment.n, "org": org.pk}))
"""

_QUERIES = """
import json, os
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.conf import settings
out = {}
for name, spec in json.loads(os.environ["BENCH_TARGETS"]).items():
    client = Client(HTTP_HOST="127.0.0.1")
    headers = {}
    if spec.get("token"):
        headers["HTTP_AUTHORIZATION"] = "Token " + spec["token"]
    if spec.get("session"):
        client.cookies[settings.SESSION_COOKIE_NAME] = spec["session"]
    client.get(spec["path"], **headers)
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(spec["path"], **headers)
    out[name] = len(ctx.captured_queries)
print(json.dumps(out))
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="0",
        LOG_LEVEL="WARNING",
        **UNTHROTTLED,
        PYTHONPATH=str(ROOT),
    )
    return env


def _manage(env, *args, extra_env=None) -> str:
    done = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env={**env, **(extra_env or {})},
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(conn: http.client.HTTPConnection, path: str, headers: dict) -> tuple[int, int]:
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    return response.status, len(body)


def _run(port: int, path: str, headers: dict, seconds: float, concurrency: int) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    sizes: list[int] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, codes, mysizes = [], {}, []
        while time.monotonic() < stop_at:
            t0 = time.perf_counter()
            try:
                status, size = _get(conn, path, headers)
            except (http.client.HTTPException, OSError):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status, size = 0, 0
            mine.append(time.perf_counter() - t0)
            codes[status] = codes.get(status, 0) + 1
            mysizes.append(size)
        conn.close()
        with lock:
            latencies.extend(mine)
            sizes.extend(mysizes)
            for k, v in codes.items():
                statuses[k] = statuses.get(k, 0) + v

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    q = statistics.quantiles(latencies, n=20) if len(latencies) > 1 else latencies * 19
    return {"rps": len(latencies) / elapsed, "p50": statistics.median(latencies) * 1000, "p95": q[18] * 1000,
            "n": len(latencies), "statuses": statuses, "size": max(sizes) if sizes else 0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per target")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per target")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", default="2")
    parser.add_argument("--only", help="comma-separated target names")
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("# load.py skipped: it needs PostgreSQL in DATABASE_URL (gunicorn workers on one SQLite file "
              "would measure its locking, not the app)")
        return 0
    env = _env()
    _manage(env, "migrate", "--noinput")
    has_demo = _manage(env, "shell", "-c", "from accounts.models import User; "
                       "print(User.objects.filter(email='officer@hanbit.demo').exists())")
    if "True" not in has_demo:
        for command in (("load_provider_catalog",), ("load_frameworks",), ("seed_demo",)):
            _manage(env, *command)
    setup = json.loads(_manage(env, "shell", "-c", _SETUP).strip().splitlines()[-1])

    targets = {
        "floor (bare ModelViewSet)": {"path": f"/bench/floor/?organization={setup['org']}"},
        "vendor list API": {"path": "/api/v1/vendors/", "token": setup["token"]},
        "dashboard": {"path": "/", "session": setup["officer"]},
        f"assessment ({setup['requirements']} req.)": {"path": f"/compliance/assessments/{setup['assessment']}/",
                                                       "session": setup["officer"]},
        "review queue (supervisor)": {"path": "/review/queue/", "session": setup["supervisor"]},
        "concentration (supervisor)": {"path": "/market/concentration/", "session": setup["supervisor"]},
    }
    if args.only:
        wanted = args.only.split(",")
        targets = {k: v for k, v in targets.items() if any(w in k for w in wanted) or k.startswith("floor")}
    queries = json.loads(_manage(env, "shell", "-c", _QUERIES,
                                 extra_env={"BENCH_TARGETS": json.dumps(targets)}).strip().splitlines()[-1])

    port = _free_port()
    log = open(os.environ.get("BENCH_SERVER_LOG", os.devnull), "w")
    server = subprocess.Popen(
        [str(Path(PY).with_name("gunicorn")), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", args.workers,
         "--timeout", "60", "--keep-alive", "30"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                _get(conn, "/healthz", {})
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.3)
        print(f"# load on {os.uname().nodename}: gunicorn -w {args.workers} (sync), concurrency "
              f"{args.concurrency}, {args.duration:g} s per target after {args.warmup:g} s warm-up")
        print(f"# uptime before: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
        results = {}
        for name, spec in targets.items():
            headers = {"Host": "127.0.0.1"}
            if spec.get("token"):
                headers["Authorization"] = "Token " + spec["token"]
            if spec.get("session"):
                headers["Cookie"] = f"sessionid={spec['session']}"
            _run(port, spec["path"], headers, args.warmup, args.concurrency)
            results[name] = _run(port, spec["path"], headers, args.duration, args.concurrency)
        floor = results["floor (bare ModelViewSet)"]["rps"]
        print("\n| target | req/s | p50 ms | p95 ms | KB | queries/req | vs floor | statuses |")
        print("|---|---:|---:|---:|---:|---:|---:|---|")
        for name, r in results.items():
            print(f"| {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['size'] / 1024:.0f} | "
                  f"{queries.get(name, '?')} | {r['rps'] / floor:.0%} | {r['statuses']} |")
        print(f"\n# uptime after: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
        bad = [n for n, r in results.items() if set(r["statuses"]) != {200}]
        if bad:
            print(f"# non-200 answers: {', '.join(bad)}")
            return 1
        return 0
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
