"""A status-feed server on loopback, serving recorded fixtures: for the tests, the demo and ``make run``.

Answers with an ETag and honours If-None-Match (304), like Statuspage does, so the poller's
conditional requests are exercised. The served documents can be swapped while it runs
(``serve(path, body)``), which is how a test or the demo turns an operational page into an outage.
"""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "feeds"


class _Handler(BaseHTTPRequestHandler):
    server: FixtureServer

    def do_GET(self):
        found = self.server.documents.get(self.path.split("?", 1)[0])
        if found is None:
            self.send_error(404)
            return
        status, body, content_type = found
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if status == 200 and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if status == 200:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        # Quiet: tests and the demo print their own story.
        return


class FixtureServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        super().__init__((host, port), _Handler)
        self.documents: dict[str, tuple[int, bytes, str]] = {}
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def serve(self, path: str, body: bytes | str, content_type: str = "application/json", status: int = 200) -> str:
        """Serve ``body`` at ``path`` from now on; returns its URL."""
        self.documents[path] = (status, body.encode() if isinstance(body, str) else body, content_type)
        return self.base_url + path

    def serve_fixture(self, path: str, name: str, content_type: str = "application/json") -> str:
        return self.serve(path, (FIXTURES / name).read_bytes(), content_type)

    def start(self) -> FixtureServer:
        self._thread = threading.Thread(target=self.serve_forever, name="status-fixtures", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
