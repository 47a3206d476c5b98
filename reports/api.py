"""Reports API: the register import (POST /api/v1/register-import/, multipart ``file`` and ``dry_run``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api import ActiveOrganizationAPIMixin
from reports.imports.register import ImportInvalid, ImportRefused, apply_plan, parse_register


class CanEditFirm(permissions.BasePermission):
    message = "Only officers and firm admins can import the register."

    def has_permission(self, request, view):
        raw = request._request
        return bool(getattr(raw, "organization", None) is not None and getattr(raw, "can_edit", False))


class RegisterImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    dry_run = serializers.BooleanField(default=True)


def _error(code: str, message: str, *, errors=(), fields=None, plan=None, status_code=400) -> Response:
    body = {"code": code, "message": message, "fields": fields or {}, "errors": [e.as_dict() for e in errors]}
    if plan is not None:
        body["plan"] = plan.as_dict()
    return Response({"error": body}, status=status_code)


class RegisterImportViewSet(ActiveOrganizationAPIMixin, viewsets.ViewSet):
    """Dry-run (default) or apply an Excel register import; the same checks as the web page."""

    permission_classes = [permissions.IsAuthenticated, CanEditFirm]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": RegisterImportSerializer}, responses={200: OpenApiTypes.OBJECT},
                   summary="Import a register workbook (a dry run unless told otherwise)")
    def create(self, request):
        form = RegisterImportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload, dry_run = form.validated_data["file"], form.validated_data["dry_run"]
        organization = request._request.organization
        try:
            plan = parse_register(upload, organization)
        except ImportRefused as exc:
            return _error(exc.code, exc.message, fields={"file": [exc.message]})
        if not plan.is_valid:
            message = _("Nothing was imported: some rows are invalid.")
            return _error("invalid_rows", message, errors=plan.errors, plan=plan)
        if dry_run:
            return Response({"dry_run": True, "applied": False, **plan.as_dict()})
        try:
            # A concurrent edit raises ConcurrentEditError → 409 through core.drf.error_handler.
            applied = apply_plan(plan, organization, request.user, filename=upload.name)
        except ImportInvalid as exc:
            return _error("invalid_rows", exc.message, errors=exc.errors, plan=exc.plan, status_code=409)
        return Response({"dry_run": False, "applied": True, **applied.as_dict()}, status=status.HTTP_200_OK)


def register(router) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("register-import", RegisterImportViewSet, basename="register-import")
