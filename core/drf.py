"""DRF settings hooks (pagination, error body), kept apart from views to avoid import cycles."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from core.concurrency import ConcurrentEditError
from core.errors import DomainConflict


def single_query_value(request, name: str) -> str | None:
    """The one value of a query parameter, or None when absent. Given twice or given empty, it is an error
    (400 naming it): DRF and django-filter would otherwise quietly pick the last value or ignore it."""
    values = request.query_params.getlist(name)
    if not values:
        return None
    if len(values) > 1 or values[0] == "":
        raise exceptions.ValidationError({name: [gettext("Enter a valid value.")]})
    return values[0]


class StandardPagination(PageNumberPagination):
    """Pages of 50 by default. ``page`` and ``page_size`` outside their range are a 400 naming the parameter,
    not silently replaced by the default (a client asking for 1,000 rows must learn it got 500)."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = single_query_value(request, self.page_size_query_param)
        if raw is None:
            return self.page_size
        return self._whole(self.page_size_query_param, raw, self.max_page_size)

    def get_page_number(self, request, paginator):
        raw = single_query_value(request, self.page_query_param)
        if raw is None or raw in self.last_page_strings:
            return raw or 1
        return self._whole(self.page_query_param, raw, None)

    @staticmethod
    def _whole(name: str, raw: str, maximum: int | None) -> int:
        try:
            return forms.IntegerField(min_value=1, max_value=maximum).clean(raw)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError({name: exc.messages}) from exc

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters


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
