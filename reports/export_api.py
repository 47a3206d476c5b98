"""Export jobs under /api/v1/exports/: create (202, queued), poll, download.

Any member of a firm may export (viewers included: design.md gives internal audit "read and export
everything"); a supervisor sees only the jobs they asked for themselves.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.tenancy import TenantViewSetMixin
from core import serializer_fields as core_fields
from core.api import ActiveOrganizationAPIMixin
from reports.export_views import download_response
from reports.exports import jobs
from reports.models import ExportJob, ExportKind


class ExportJobSerializer(core_fields.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    requested_by = serializers.SlugRelatedField(slug_field="email", read_only=True)

    class Meta:
        model = ExportJob
        fields = [
            "id", "kind", "parameters", "language", "status", "progress", "message", "error", "row_count",
            "file_sha256", "file_size", "attempts", "requested_by", "created_at", "started_at", "finished_at",
            "expires_at", "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, job: ExportJob) -> str | None:
        if not job.is_downloadable:
            return None
        return reverse("exportjob-download", kwargs={"pk": job.pk})


class ExportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ExportKind.choices)
    parameters = serializers.DictField(required=False, default=dict)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)


class ExportJobViewSet(ActiveOrganizationAPIMixin, TenantViewSetMixin, mixins.ListModelMixin,
                       mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    queryset = ExportJob.objects.all()
    serializer_class = ExportJobSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["status", "kind"]
    ordering_fields = ["created_at", "status"]

    def optimize_queryset(self, queryset):
        queryset = queryset.select_related("requested_by")
        if getattr(self.request._request, "is_supervisor", False):
            queryset = queryset.filter(requested_by=self.request.user)
        return queryset

    @extend_schema(request=ExportRequestSerializer, responses={202: ExportJobSerializer})
    def create(self, request, *args, **kwargs):
        data = ExportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = jobs.request_export(
            organization=request._request.organization, user=request.user, kind=data.validated_data["kind"],
            parameters=data.validated_data.get("parameters") or {},
            language=data.validated_data.get("language") or request.LANGUAGE_CODE,
        )
        job.refresh_from_db()
        return Response(ExportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """Download a finished export's workbook."""
        return download_response(request, self.get_object())


def register(router) -> None:
    router.register("exports", ExportJobViewSet, basename="exportjob")
