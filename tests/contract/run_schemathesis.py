"""Schemathesis against a live Backstop: every operation of /api/schema/, as a firm's officer and as a supervisor.

A throwaway SQLite database gets the demo data (seed_demo), the app runs under gunicorn on a loopback port,
and schemathesis runs all its checks through all four phases (examples, coverage, fuzzing, stateful) with a
bounded number of examples per operation. Writes are allowed: the database is thrown away afterwards.

The run fails on any 5xx and on any response that disagrees with the schema. It prints, per role and in total,
the number of requests sent and of server errors seen (the figures docs/security.md quotes).

    .venv/bin/python tests/contract/run_schemathesis.py                 # as CI runs it
    .venv/bin/python tests/contract/run_schemathesis.py --max-examples 5 --keep /tmp/st   # quick, reusable DB
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
ST = str(Path(PY).with_name("st"))

# Who schemathesis acts as: a firm's compliance officer (writes the register) and a supervisor (reads the market).
ROLES = {"officer": "officer@hanbit.demo", "supervisor": "supervisor@fss.demo"}

_TOKENS = """
import json
import os
from accounts import api_tokens
from accounts.demo import demo_code_now
from accounts.models import User
out = {}
for role, email in json.loads(os.environ["BACKSTOP_ST_EMAILS"]).items():
    _token, raw = api_tokens.issue_token(user=User.objects.get(email=email), name="schemathesis",
                                         expires_in_days=1, otp_code=demo_code_now()[0])
    out[role] = raw
print(json.dumps(out))
"""


# Thousands of requests from one address in a few minutes: the rates would answer 429 to most of them, and
# django-axes would lock the account. Also used by bench/load.py.
UNTHROTTLED = {
    "THROTTLE_ANON_RATE": "100000/min",
    "THROTTLE_USER_RATE": "100000/min",
    "THROTTLE_TOKEN_RATE": "100000/min",
    "THROTTLE_UPLOAD_RATE": "100000/min",
    "AXES_ENABLED": "0",
}


def _env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        BACKSTOP_VAR_DIR=str(var_dir),
        # DEBUG off: server errors answer with the API's JSON error body, as in production.
        DEBUG="0",
        LOG_LEVEL="WARNING",
        **UNTHROTTLED,
    )
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return done.stdout


def _prepare(var_dir: Path, env: dict[str, str]) -> None:
    if (var_dir / "backstop.sqlite3").exists():
        return
    var_dir.mkdir(parents=True, exist_ok=True)
    for command in (("migrate", "--noinput"), ("load_provider_catalog",), ("load_frameworks",), ("seed_demo",)):
        _manage(env, *command)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server stopped before answering (exit {proc.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"no answer from {url} within {seconds}s")


def _figures(report: Path) -> tuple[int, int]:
    """(requests sent, responses with a 5xx status) from schemathesis' NDJSON event stream."""
    requests = server_errors = 0
    for line in report.read_text().splitlines():
        event = json.loads(line)
        finished = event.get("ScenarioFinished")
        if not finished:
            continue
        for case in (finished.get("recorder") or {}).get("interactions", {}).values():
            response = case.get("response")
            if response is None:
                continue
            requests += 1
            server_errors += response.get("status_code", 0) >= 500
    return requests, server_errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-examples", type=int, default=30, help="test cases per operation and phase")
    # One worker: hypothesis parses lambdas' source to describe strategies, and on CPython 3.11 two threads running
    # ast.parse at once can share the AST constructor's recursion counter and raise "AST constructor recursion
    # depth mismatch" (a Runtime Error that failed CI once; see python/cpython gh-106905).
    parser.add_argument("--workers", default="1")
    parser.add_argument("--max-time", type=int, default=80, help="seconds per role (0: no limit)")
    parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated: officer,supervisor")
    parser.add_argument("--phases", default="examples,coverage,fuzzing,stateful")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the database and reports in this folder")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("extra", nargs="*", help="passed to `st run` as they are (after --)")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="backstop-st-"))
    work.mkdir(parents=True, exist_ok=True)
    env = _env(work / "var")
    started = time.monotonic()
    _prepare(work / "var", env)
    tokens = json.loads(
        subprocess.run(
            [PY, "manage.py", "shell", "-c", _TOKENS],
            cwd=ROOT,
            env={**env, "BACKSTOP_ST_EMAILS": json.dumps({r: ROLES[r] for r in args.roles.split(",")})},
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip().splitlines()[-1]
    )
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server_log = (work / "server.log").open("w")
    server = subprocess.Popen(
        [str(Path(PY).with_name("gunicorn")), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "--threads", "4",
         "--timeout", "60"],
        cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT,
    )
    failed = False
    totals = [0, 0]
    try:
        _wait_for(f"{base}/api/schema/?format=json", server)
        print(f"== schemathesis: app ready after {time.monotonic() - started:.0f}s at {base}", flush=True)
        for role, token in tokens.items():
            report = work / f"{role}.ndjson"
            command = [
                ST, "--no-color", "--config-file", str(Path(__file__).with_name("schemathesis.toml")),
                "run", f"{base}/api/schema/?format=json",
                "--url", base,
                "--checks", "all",
                "--phases", args.phases,
                "--max-examples", str(args.max_examples),
                "--workers", str(args.workers),
                "--header", f"Authorization: Token {token}",
                "--request-timeout", "30",
                "--report", "ndjson", "--report-ndjson-path", str(report),
                "--generation-database", "none",
                "--suppress-health-check", "all",
                "--warnings", "off",
                # Revoking a token is tested in tests/accounts/test_api_tokens.py: here it would revoke the
                # very token the run uses, and every later request would be a 401.
                "--exclude-operation-id", "auth_tokens_destroy",
                *(["--max-time", str(args.max_time)] if args.max_time else []),
                *(["--seed", str(args.seed)] if args.seed is not None else []),
                *args.extra,
            ]
            print(f"== schemathesis as the {role} ({ROLES[role]})", flush=True)
            hooks = {"SCHEMATHESIS_HOOKS": "tests.contract.hooks",
                     "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))}
            code = subprocess.run(command, cwd=ROOT, env={**env, **hooks}).returncode
            requests, server_errors = _figures(report)
            totals[0] += requests
            totals[1] += server_errors
            print(f"== {role}: {requests} requests, {server_errors} server errors, exit {code}", flush=True)
            failed = failed or code != 0 or server_errors > 0
    finally:
        server.terminate()
        server.wait(timeout=30)
        server_log.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(
        f"== schemathesis total: {totals[0]} requests, {totals[1]} server errors, "
        f"{time.monotonic() - started:.0f}s, {'FAILED' if failed else 'passed'}",
        flush=True,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
