"""Real processes for the services tests: a Celery worker of a test's own, a Redis server of its own."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager

from django.conf import settings as django_settings
from django.db import connection
from kombu import pools

from config.celery import app as celery_app
from tests.services.conftest import ROOT


def wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class WorkerProcess:
    """A Celery worker of the test's own, on its own queues (the session worker never sees its messages)."""

    def __init__(self, name: str, pool: str, extra_env: dict, log_name: str, queues: list[str]):
        db = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "EXPORT_ALLOW_THROTTLE": "1",
            **extra_env,
        }
        self.name = f"{name}-{os.getpid()}@%h"
        (ROOT / "var").mkdir(exist_ok=True)
        self.log = open(ROOT / "var" / log_name, "w")
        cmd = [sys.executable, "-m", "celery", "-A", "config", "worker", f"--pool={pool}", "--concurrency=1",
               "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", ",".join(queues), "-l", "info",
               "-n", self.name]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        hostname = self.name.replace("%h", os.uname().nodename)
        wait(lambda: self.proc.poll() is not None or celery_app.control.ping(destination=[hostname], timeout=1.0),
             60, f"worker {hostname} to answer a ping")
        assert self.proc.poll() is None, f"worker exited with {self.proc.returncode}; see var/{log_name}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own on a free port, with no persistence: stopped, it comes back empty
    (the worst case of a restart: every message it held is gone)."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tempfile.mkdtemp(prefix="backstop-redis-")
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "the services suite needs redis-server on PATH"
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait(lambda: self._answers(), 10, f"redis-server on port {self.port}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def celery_broker(url: str):
    """Point this process's Celery app (broker and result backend) at ``url``, then back."""
    conf = celery_app.conf
    previous = conf.broker_url, conf.result_backend

    def switch(broker: str, backend: str) -> None:
        # Celery caches the connection pools and the result backend; drop them so the next call
        # builds new ones from the changed configuration.
        # kombu keeps its producer pools in a process-wide registry keyed by connection: empty it
        # (it closes what it held), or a later send would find a closed pool for the old URL.
        pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        celery_app._backend_cache = None
        celery_app._local.__dict__.pop("backend", None)
        conf.broker_url, conf.result_backend = broker, backend

    switch(url, url)
    try:
        yield
    finally:
        switch(*previous)
