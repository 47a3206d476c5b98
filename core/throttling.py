"""Request rate limits: every API endpoint, and the web forms that send mail or take files.

Rates come from ``settings.THROTTLE_RATES`` (read at each request, so tests and deployments can change them)
and counts live in the default cache: Redis in production, so every web process shares them. The client
address is the one ``audit.middleware.client_ip`` trusts (``TRUSTED_PROXY_COUNT``).

Scopes: ``anon`` and ``user`` for every API call; stricter ``token`` (creating API tokens), ``password_reset``
(each request sends an email) and ``upload`` (any multipart write, web or API: files are stored and parsed).
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework import throttling

from audit.middleware import client_ip

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class _SettingsRate:
    """Reads the rate of ``scope`` from settings when the throttle is made (once per request)."""

    scope: str

    def get_rate(self) -> str | None:
        return settings.THROTTLE_RATES.get(self.scope)

    def get_ident(self, request) -> str | None:
        return client_ip(request)


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
        return throttling.SimpleRateThrottle.allow_request(self, request, view)


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
