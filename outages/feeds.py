"""Fetching a status feed over HTTP: conditional, bounded in time and size. No ORM."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

from outages.parsers import MAX_BYTES

USER_AGENT = "Backstop-status-poller/1 (+supervisory outage monitoring)"


class FetchError(OSError):
    """The feed could not be fetched (network, HTTP error status, too large)."""


@dataclass(frozen=True)
class Fetched:
    not_modified: bool
    body: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""


class _NoRedirectToOtherSchemes(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not newurl.lower().startswith(("http://", "https://")):
            raise FetchError(f"redirect to {newurl[:80]!r} refused")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_NoRedirectToOtherSchemes)


def fetch(url: str, *, etag: str = "", last_modified: str = "", timeout: float = 10) -> Fetched:
    """GET the feed, sending back the validators of the last answer (304 means nothing changed)."""
    if not url.lower().startswith(("http://", "https://")):
        raise FetchError("only http and https feeds are polled")
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json, application/rss+xml, application/atom+xml"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 — the scheme is checked above
    try:
        with _opener.open(request, timeout=timeout) as response:
            body = response.read(MAX_BYTES + 1)
            return Fetched(False, body, response.headers.get("Content-Type", ""),
                           response.headers.get("ETag", ""), response.headers.get("Last-Modified", ""))
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(True, etag=etag, last_modified=last_modified)
        raise FetchError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        raise FetchError(str(getattr(exc, "reason", exc))[:200]) from exc
