"""The register under /api/v1/: catalog, vendors, services, dependencies, redundancy, tests, incidents."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.text import slugify
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from audit.models import AuditEvent
from audit.recorder import record
from core.api import ActiveOrganizationAPIMixin, TenantModelViewSet
from vendors import filters, selectors, services
from vendors import serializers as s
from vendors.choices import CatalogStatus
from vendors.models import (
    BusinessService,
    Dependency,
    FailoverTest,
    Incident,
    OutageEvent,
    ProviderCatalog,
    RedundancyMeasure,
    Vendor,
)

CURATE_CHOICES = CatalogStatus.choices


class _VersionedDestroyMixin:
    def perform_destroy(self, instance):
        services.delete_object(obj=instance)


class VendorViewSet(_VersionedDestroyMixin, TenantModelViewSet):
    queryset = Vendor.objects.all()
    serializer_class = s.VendorSerializer
    filterset_class = filters.VendorFilter
    search_fields = ["name", "reference", "catalog__legal_name", "catalog__brand", "catalog__name_ko"]
    ordering_fields = ["name", "reference", "contract_end", "status", "category", "updated_at"]

    def optimize_queryset(self, queryset):
        queryset = queryset.select_related("catalog")
        if self.request.method in permissions.SAFE_METHODS:
            return selectors.with_subcontractor_ids(queryset)
        # A write answers with the subcontractors it saved, not the ones the row was read with.
        return queryset.prefetch_related("subcontractors")


class ServiceViewSet(_VersionedDestroyMixin, TenantModelViewSet):
    queryset = BusinessService.objects.all()
    serializer_class = s.ServiceSerializer
    filterset_class = filters.ServiceFilter
    search_fields = ["name", "reference", "description"]
    ordering_fields = ["name", "reference", "importance", "rto_minutes", "customers_affected"]


class DependencyViewSet(_VersionedDestroyMixin, TenantModelViewSet):
    queryset = Dependency.objects.all()
    serializer_class = s.DependencySerializer
    filterset_class = filters.DependencyFilter
    search_fields = ["service__name", "vendor__name", "notes"]
    ordering_fields = ["service__name", "vendor__name", "role", "computed_tier", "tier_score"]

    def optimize_queryset(self, queryset):
        return queryset.select_related("service", "vendor")


class MeasureViewSet(_VersionedDestroyMixin, TenantModelViewSet):
    queryset = RedundancyMeasure.objects.all()
    serializer_class = s.MeasureSerializer
    filterset_class = filters.MeasureFilter
    search_fields = ["runbook_reference", "notes"]
    ordering_fields = ["id", "strategy", "expected_switch_minutes"]

    def optimize_queryset(self, queryset):
        return queryset.prefetch_related("shared_upstreams")


class FailoverTestViewSet(_VersionedDestroyMixin, TenantModelViewSet):
    queryset = FailoverTest.objects.all()
    serializer_class = s.FailoverTestSerializer
    filterset_class = filters.FailoverTestFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    search_fields = ["scenario", "notes"]
    ordering_fields = ["tested_on", "result", "achieved_recovery_minutes"]

    @extend_schema(responses={(200, "*/*"): bytes})
    @action(detail=True, methods=["get"], url_path="evidence", url_name="evidence")
    def evidence(self, request, pk=None):
        """Download the evidence file (the firm's own users only; the download is audited)."""
        test = self.get_object()
        if not test.evidence:
            raise Http404
        name = test.evidence.name
        record(AuditEvent.Action.DOWNLOAD, obj=test, changes={"file": name, "sha256": test.evidence_sha256})
        return FileResponse(test.evidence.open("rb"), as_attachment=True, filename=name.rsplit("/", 1)[-1])


class IncidentViewSet(_VersionedDestroyMixin, TenantModelViewSet):
    queryset = Incident.objects.all()
    serializer_class = s.IncidentSerializer
    filterset_class = filters.IncidentFilter
    search_fields = ["reference", "customer_impact", "root_cause"]
    ordering_fields = ["started_at", "reference", "users_affected"]

    def optimize_queryset(self, queryset):
        return queryset.prefetch_related("affected_services")


# --- global data: the catalog and market-wide outages ----------------------------------------------

class LeadWritesOnly(permissions.BasePermission):
    message = "Only lead supervisors change this."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(getattr(request._request, "is_lead_supervisor", False))


class ProviderPermission(permissions.BasePermission):
    """Everyone reads; a firm officer may propose (POST); lead supervisors curate everything."""

    message = "Only lead supervisors curate the catalog; firm officers may propose a provider."

    def has_permission(self, request, view):
        raw = request._request
        if request.method in permissions.SAFE_METHODS or getattr(raw, "is_lead_supervisor", False):
            return True
        return view.action == "create" and bool(getattr(raw, "can_edit", False))


class ProviderViewSet(ActiveOrganizationAPIMixin, viewsets.ModelViewSet):
    queryset = ProviderCatalog.objects.all()  # the model, for the schema and the route matrix
    serializer_class = s.ProviderSerializer
    permission_classes = [permissions.IsAuthenticated, ProviderPermission]
    filterset_class = filters.ProviderFilter
    search_fields = ["key", "legal_name", "name_ko", "brand", "parent_group"]
    ordering_fields = ["legal_name", "brand", "key", "category", "country"]

    def get_queryset(self):
        raw = self.request._request
        # A firm sees the published catalog and its own proposals, never another firm's proposal.
        return (
            selectors.visible_catalog(getattr(raw, "organization", None))
            .prefetch_related("upstreams")
            .order_by("brand", "legal_name")
        )

    def check_permissions(self, request):
        if self.lookup_field in self.kwargs and request.user.is_authenticated:
            # Another firm's proposal is 404 for every method, never a 403 or 405 that confirms it exists.
            self.get_object()
        super().check_permissions(request)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        if not data.get("key"):
            data["key"] = slugify(data.get("brand") or data["legal_name"])[:60] or "provider"
        raw = self.request._request
        if raw.is_lead_supervisor:
            serializer.instance = services.publish_provider(data=data)
        else:
            serializer.instance = services.propose_provider(organization=raw.organization, data=data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.update_provider(provider=serializer.instance, data=data)

    # The body is only the new status, not a provider.
    @extend_schema(request=inline_serializer("Curate", {"status": serializers.ChoiceField(CURATE_CHOICES)}))
    @action(detail=True, methods=["post"])
    def curate(self, request, pk=None):
        """Publish or reject a firm's proposal: {"status": "published" | "rejected"}."""
        provider = services.curate_provider(provider=self.get_object(), status=str(request.data.get("status", "")))
        return Response(self.get_serializer(provider).data)


class OutageEventViewSet(ActiveOrganizationAPIMixin, viewsets.ModelViewSet):
    queryset = OutageEvent.objects.select_related("provider").all()
    serializer_class = s.OutageEventSerializer
    permission_classes = [permissions.IsAuthenticated, LeadWritesOnly]
    filterset_class = filters.OutageEventFilter
    ordering_fields = ["started_at", "name"]

    def perform_create(self, serializer):
        serializer.instance = services.create_outage_event(data=dict(serializer.validated_data))

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.update_outage_event(event=serializer.instance, data=data)


class SinglePointOfFailureViewSet(ActiveOrganizationAPIMixin, viewsets.ViewSet):
    """The active firm's single points of failure, with their reasons (regulation.md §5.3)."""

    permission_classes = [permissions.IsAuthenticated]
    schema_single_document = True  # core.openapi: the list answers {count, results}, not an array

    @extend_schema(responses=s.SpofListSerializer, summary="List the single points of failure")
    def list(self, request):
        findings = selectors.single_points_of_failure(request._request.organization)
        return Response({"count": len(findings), "results": s.SpofSerializer(findings, many=True).data},
                        status=status.HTTP_200_OK)


def register(router) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("providers", ProviderViewSet, basename="provider")
    router.register("vendors", VendorViewSet, basename="vendor")
    router.register("services", ServiceViewSet, basename="business-service")
    router.register("dependencies", DependencyViewSet, basename="dependency")
    router.register("redundancy-measures", MeasureViewSet, basename="redundancy-measure")
    router.register("failover-tests", FailoverTestViewSet, basename="failover-test")
    router.register("incidents", IncidentViewSet, basename="incident")
    router.register("outage-events", OutageEventViewSet, basename="outage-event")
    router.register("single-points-of-failure", SinglePointOfFailureViewSet, basename="single-point-of-failure")
