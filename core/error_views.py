"""Django's last-resort error pages, in the API's error body on API paths.

A client of /api/ parses JSON; an HTML page from Django's default handler is an error it cannot read."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message, "fields": {}}}


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(_body("server_error", _("The server could not complete the request. It has been logged.")),
                            status=500)
    return defaults.server_error(request)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(_body("not_found", _("Not found.")), status=404)
    return defaults.page_not_found(request, exception)
