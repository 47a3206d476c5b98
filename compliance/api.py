"""Checklists, assessments, answers, evidence and findings under /api/v1/.

* ``frameworks/``: published checklists (global, read-only); the detail carries sections and requirements.
* ``assessments/``: officers create and edit, viewers read; ``assessments/{id}/answers/bulk/`` upserts many
  answers atomically (one bad row and nothing is written; every row's errors are returned);
  ``assessments/{id}/upgrade/`` starts a draft on a newer checklist version with what still holds (409 if none).
* ``answers/``: list, retrieve, create, update with ``version`` (a stale version answers 409).
* ``evidence/``: multipart upload; ``evidence/{id}/download/`` streams the file to the firm's own users.
* ``findings/``: CRUD with filters ``status``, ``severity``, ``source``, ``assessment``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from audit.models import AuditEvent
from audit.recorder import record
from compliance import evidence as evidence_service
from compliance import findings, selectors, services, upgrades
from compliance import serializers as s
from compliance.choices import FindingSource
from compliance.models import Answer, Assessment, Evidence, Finding, Framework, Requirement
from core.api import ActiveOrganizationAPIMixin, TenantModelViewSet
from core.concurrency import ConcurrentEditError
from core.filters import FilterSet, IdFilter, YesNoFilter
from core.serializer_fields import IdField


class FrameworkViewSet(ActiveOrganizationAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Framework.objects.all()  # the model, for the schema and the route matrix
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["code", "scope", "version"]

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.frameworks_with_requirements()
        return selectors.published_frameworks()

    def get_serializer_class(self):
        return s.FrameworkDetailSerializer if self.action == "retrieve" else s.FrameworkSerializer


class AssessmentFilter(FilterSet):
    vendor = IdFilter(field_name="vendor")
    framework = IdFilter(field_name="framework")

    class Meta:
        model = Assessment
        fields = ["status", "scope", "rating"]


def _row_errors(exc: Exception) -> dict:
    if isinstance(exc, ConcurrentEditError):
        return {"version": [str(exc)], "current_version": exc.current.version}
    if isinstance(exc, ValidationError):
        return exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    if isinstance(exc, serializers.ValidationError):
        return {k: [str(m) for m in v] for k, v in exc.detail.items()}
    raise exc


class AssessmentViewSet(TenantModelViewSet):
    queryset = Assessment.objects.all()
    filterset_class = AssessmentFilter
    search_fields = ["title"]
    ordering_fields = ["period_end", "title", "score", "due_date", "status"]

    def get_serializer_class(self):
        return s.AssessmentDetailSerializer if self.action == "retrieve" else s.AssessmentSerializer

    def optimize_queryset(self, queryset):
        return queryset.select_related("framework", "vendor", "owner")

    def perform_destroy(self, instance):
        if instance.status != "draft":
            raise serializers.ValidationError({"status": ["Only a draft assessment can be deleted."]})
        files = [e.file for e in Evidence.objects.for_org(instance.organization).filter(answer__assessment=instance)]
        with transaction.atomic():
            Finding.objects.for_org(instance.organization).filter(
                assessment=instance, source=FindingSource.ANSWER
            ).delete()
            instance.delete()
            transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])

    @extend_schema(request=s.BulkAnswersSerializer, responses=s.AnswerSerializer(many=True))
    @action(detail=True, methods=["post"], url_path="answers/bulk", url_name="answers-bulk")
    def bulk_answers(self, request, pk=None):
        """Upsert many answers at once: ``{"answers": [{"ref", "response", "comment", "na_reason", "version"}]}``.

        Atomic: if any row is invalid (unknown ref, invalid response, N/A without a reason, stale version)
        nothing is written and the answer lists the errors per row.
        """
        assessment = self.get_object()
        body = s.BulkAnswersSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        requirements = Requirement.objects.filter(framework=assessment.framework)
        by_ref = {r.ref: r for r in requirements}
        by_id = {r.pk: r for r in by_ref.values()}
        errors, saved = [], []
        with transaction.atomic():
            for index, raw in enumerate(body.validated_data["answers"]):
                row = s.BulkAnswerRowSerializer(data=raw)
                try:
                    row.is_valid(raise_exception=True)
                    data = row.validated_data
                    requirement = by_id.get(data.get("requirement")) or by_ref.get(data.get("ref", ""))
                    if requirement is None:
                        raise ValidationError({"ref": ["Unknown requirement for this checklist."]})
                    saved.append(services.save_answer(
                        assessment=assessment, requirement=requirement, response=data["response"],
                        comment=data["comment"], na_reason=data["na_reason"], expected_version=data.get("version"),
                        user=request.user,
                    ))
                except (ValidationError, serializers.ValidationError, ConcurrentEditError) as exc:
                    errors.append({"row": index, "ref": str(raw.get("ref", raw.get("requirement", ""))),
                                   "errors": _row_errors(exc)})
            if errors:
                transaction.set_rollback(True)
        if errors:
            return Response(
                {"error": {"code": "invalid", "message": "Some rows are not valid; nothing was saved.",
                           "fields": {}, "rows": errors}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(s.AnswerSerializer(saved, many=True, context=self.get_serializer_context()).data)


    @extend_schema(request=s.UpgradeSerializer, responses={201: s.AssessmentDetailSerializer})
    @action(detail=True, methods=["post"], url_path="upgrade", url_name="upgrade")
    def upgrade(self, request, pk=None):
        """Start a draft on a newer version of this checklist: ``{"framework": id}``, or the newest when omitted.

        Answers and evidence of unchanged requirements are carried over; the old assessment is not changed.
        409 when there is no newer version or an open assessment on it already exists.
        """
        assessment = self.get_object()
        body = s.UpgradeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        target = body.validated_data.get("framework") or selectors.newer_framework(assessment.framework)
        if target is None:
            raise upgrades.no_newer_version(assessment.framework)
        new = upgrades.upgrade_assessment(assessment=assessment, to_framework=target, by=request.user)
        data = s.AssessmentDetailSerializer(new, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


class AnswerFilter(FilterSet):
    assessment = IdFilter(field_name="assessment")

    class Meta:
        model = Answer
        fields = ["response"]


class AnswerViewSet(TenantModelViewSet):
    queryset = Answer.objects.all()
    serializer_class = s.AnswerSerializer
    filterset_class = AnswerFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    ordering_fields = ["requirement__order", "answered_at"]

    def optimize_queryset(self, queryset):
        return queryset.select_related("requirement").prefetch_related("evidence")


class EvidenceFilter(FilterSet):
    answer = IdFilter(field_name="answer")
    assessment = IdFilter(field_name="answer__assessment")

    class Meta:
        model = Evidence
        fields = ["content_type"]


class EvidenceViewSet(TenantModelViewSet):
    queryset = Evidence.objects.all()
    serializer_class = s.EvidenceSerializer
    filterset_class = EvidenceFilter
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def perform_create(self, serializer):
        serializer.save()

    def perform_destroy(self, instance):
        evidence_service.delete_evidence(evidence=instance)

    @extend_schema(responses={(200, "*/*"): bytes})
    @action(detail=True, methods=["get"], url_path="download", url_name="download")
    def download(self, request, pk=None):
        """Stream the file as an attachment (the firm's own users, any role); the download is audited."""
        evidence = self.get_object()
        record(AuditEvent.Action.DOWNLOAD, obj=evidence, changes={"file": evidence.original_name,
                                                                  "sha256": evidence.sha256})
        response = FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name,
                                content_type=evidence.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        return response


class FindingFilter(FilterSet):
    assessment = IdFilter(field_name="assessment")
    dependency = IdFilter(field_name="dependency")
    open = YesNoFilter(method="filter_open")

    class Meta:
        model = Finding
        fields = ["status", "severity", "source"]

    def filter_open(self, queryset, name, value):
        closed = ["resolved", "risk_accepted"]
        return queryset.exclude(status__in=closed) if value else queryset.filter(status__in=closed)


class FindingViewSet(TenantModelViewSet):
    queryset = Finding.objects.all()
    serializer_class = s.FindingSerializer
    filterset_class = FindingFilter
    search_fields = ["title", "description", "remediation_plan"]
    ordering_fields = ["severity", "due_date", "status", "created_at"]

    def optimize_queryset(self, queryset):
        return queryset.select_related("owner", "risk_accepted_by")

    def perform_destroy(self, instance):
        if instance.source != FindingSource.MANUAL:
            raise serializers.ValidationError(
                {"source": ["Automatic findings are resolved by fixing their cause, not deleted."]}
            )
        instance.delete()

    @extend_schema(
        request=inline_serializer("FindingSyncRequest", {"assessment": IdField()}),
        responses=OpenApiResponse(
            OpenApiTypes.OBJECT, description="How many automatic findings were created, updated and resolved."
        ),
    )
    @action(detail=False, methods=["post"], url_path="sync", url_name="sync")
    def sync(self, request):
        """Bring automatic findings up to date: ``{"assessment": id}`` (SPOFs too for a firm-wide one)."""
        try:
            assessment = Assessment.objects.for_org(request._request.organization).get(
                pk=int(request.data.get("assessment"))
            )
        except (Assessment.DoesNotExist, TypeError, ValueError):
            raise serializers.ValidationError({"assessment": ["Choose one of your assessments."]}) from None
        return Response(findings.sync_findings(assessment=assessment))


def register(router) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("frameworks", FrameworkViewSet, basename="framework")
    router.register("assessments", AssessmentViewSet, basename="assessment")
    router.register("answers", AnswerViewSet, basename="answer")
    router.register("evidence", EvidenceViewSet, basename="evidence")
    router.register("findings", FindingViewSet, basename="finding")
