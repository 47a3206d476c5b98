"""DRF settings hooks (pagination, error body), kept apart from views to avoid import cycles."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from core.concurrency import ConcurrentEditError
from core.errors import DomainConflict


class StandardPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


def _field_messages(detail) -> dict:
    if isinstance(detail, dict):
        return {
            k: _field_messages(v) if isinstance(v, dict) else [str(m) for m in (v if isinstance(v, list) else [v])]
            for k, v in detail.items()
        }
    return {"non_field_errors": [str(m) for m in (detail if isinstance(detail, list) else [detail])]}


def error_handler(exc, context):
    """Every error has one shape: {"error": {"code", "message", "fields"}}."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DomainConflict):
        return Response({"error": {"code": exc.code, "message": str(exc), "fields": {}}}, status=exc.status_code)
    elif isinstance(exc, ConcurrentEditError):
        return Response(
            {
                "error": {
                    "code": "conflict",
                    "message": str(exc),
                    "fields": {},
                    "current_version": getattr(exc.current, "version", None),
                }
            },
            status=status.HTTP_409_CONFLICT,
        )
    from rest_framework.views import exception_handler

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        message = gettext("Some fields are not valid.")
        body = {"code": "invalid", "message": message, "fields": _field_messages(exc.detail)}
    else:
        detail = getattr(exc, "detail", "")
        body = {"code": getattr(detail, "code", "error") or "error", "message": str(detail), "fields": {}}
    response.data = {"error": body}
    return response
