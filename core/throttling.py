"""Request rate limits: every API endpoint, and the web forms that send mail or take files.

Rates come from ``settings.THROTTLE_RATES`` (read at each request, so tests and deployments can change them)
and counts live in the default cache: Redis in production, so every web process shares them. The client
address is the one ``audit.middleware.client_ip`` trusts (``TRUSTED_PROXY_COUNT``).

Scopes: ``anon`` and ``user`` for every API call; stricter ``token`` (creating API tokens), ``password_reset``
(each request sends an email) and ``upload`` (any multipart write, web or API: files are stored and parsed).
"""

from __future__ import annotations

import secrets
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework import throttling

from audit.middleware import client_ip

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


# DRF's sliding log (drop the requests older than the window, refuse at the limit, else add this one), kept in
# a Redis sorted set by one script: one round trip instead of a GET and a SET of the whole pickled history, and
# atomic, so concurrent requests can no longer read the same history and be counted as one.
_SLIDING_LOG = """
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]
if count >= limit then
  return {0, count, oldest}
end
redis.call('ZADD', key, now, ARGV[4])
redis.call('EXPIRE', key, math.ceil(window))
return {1, count + 1, oldest or ARGV[1]}
"""
_scripts: dict[int, object] = {}
# Apart from the key DRF's cache-based log used (a pickled list): a Redis key holds one type.
LOG_SUFFIX = ":log"


def _redis_client(key: str):
    """The Redis client of the default cache, or None when the cache is not Redis (tests, development)."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    return backend._cache.get_client(key, write=True)


def counted(key: str) -> int:
    """How many requests the log under ``key`` holds now (tests and operators)."""
    backend = caches["default"]
    full_key = backend.make_and_validate_key(key + LOG_SUFFIX)
    client = _redis_client(full_key)
    if client is None:
        return len(backend.get(key, []))
    return client.zcard(full_key)


class _SettingsRate:
    """Reads the rate of ``scope`` from settings when the throttle is made (once per request), and keeps the
    log in one Redis round trip when the cache is Redis (DRF's own GET and SET otherwise)."""

    scope: str

    def get_rate(self) -> str | None:
        return settings.THROTTLE_RATES.get(self.scope)

    def get_ident(self, request) -> str | None:
        return client_ip(request)

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        cache_key = self.get_cache_key(request, view)
        if cache_key is None:
            return True
        key = caches["default"].make_and_validate_key(cache_key + LOG_SUFFIX)
        client = _redis_client(key)
        if client is None:
            return super().allow_request(request, view)
        script = _scripts.get(id(client))
        if script is None:
            script = _scripts[id(client)] = client.register_script(_SLIDING_LOG)
        self.now = self.timer()
        answer = script(keys=[key], args=[repr(self.now), self.duration, self.num_requests,
                                          f"{self.now!r}-{secrets.token_hex(4)}"], client=client)
        allowed, count, oldest = int(answer[0]), int(answer[1]), answer[2] if len(answer) > 2 else None
        # What DRF's wait() reads: the requests in the window, the oldest last.
        self.history = [float(oldest)] * count if oldest is not None and not allowed else []
        return bool(allowed)


class AnonThrottle(_SettingsRate, throttling.AnonRateThrottle):
    scope = "anon"


class UserThrottle(_SettingsRate, throttling.UserRateThrottle):
    scope = "user"


class ScopedThrottle(_SettingsRate, throttling.ScopedRateThrottle):
    """A view's own stricter scope: ``throttle_scope = "token"`` on the view class."""

    def __init__(self):
        # The scope is the view's, known only in allow_request.
        pass

    def allow_request(self, request, view) -> bool:
        self.scope = getattr(view, "throttle_scope", None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return _SettingsRate.allow_request(self, request, view)


def _is_upload(request) -> bool:
    return request.method not in SAFE_METHODS and (request.content_type or "").startswith("multipart/")


class UploadThrottle(_SettingsRate, throttling.SimpleRateThrottle):
    """Every multipart write (evidence, failover-test files, register and checklist imports)."""

    scope = "upload"

    def get_cache_key(self, request, view) -> str | None:
        if not _is_upload(request):
            return None
        return _key(self.scope, request, self.get_ident(request))

    def allow_request(self, request, view) -> bool:
        return super().allow_request(request, view) if _is_upload(request) else True


def _key(scope: str, request, ident: str | None) -> str:
    user = getattr(request, "user", None)
    who = f"user-{user.pk}" if user is not None and user.is_authenticated else f"ip-{ident}"
    return f"throttle_{scope}_{who}"


class _WebThrottle(_SettingsRate, throttling.SimpleRateThrottle):
    def __init__(self, scope: str):
        self.scope = scope
        super().__init__()

    def get_cache_key(self, request, view) -> str:
        return _key(self.scope, request, self.get_ident(request))


def too_many_requests(request: HttpRequest, wait: float | None) -> HttpResponse:
    """429 for a web page or API path, in the shape each side answers errors."""
    message = _("Too many requests. Please wait a moment and try again.")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"error": {"code": "throttled", "message": message, "fields": {}}}, status=429
        )
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    if wait is not None:
        response["Retry-After"] = str(max(int(wait), 1))
    return response


def throttled(scope: str):
    """Limit the writes (POST) of a Django view to the rate of ``scope``."""

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if request.method not in SAFE_METHODS:
                throttle = _WebThrottle(scope)
                if not throttle.allow_request(request, None):
                    return too_many_requests(request, throttle.wait())
            return view(request, *args, **kwargs)

        return guarded

    return decorate


class WebUploadThrottleMiddleware:
    """Multipart writes of the web pages: the API's are counted by :class:`UploadThrottle`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _is_upload(request) and not request.path.startswith("/api/"):
            throttle = _WebThrottle("upload")
            if not throttle.allow_request(request, None):
                return too_many_requests(request, throttle.wait())
        return self.get_response(request)
