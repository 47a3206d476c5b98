"""Market API: concentration (GET), simulation (POST), incident analysis (GET), saved simulations."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.response import Response

from core import serializer_fields as core_fields
from core.api import ActiveOrganizationAPIMixin, SupervisorsOnly, TenantModelViewSet
from market import selectors, services
from market.forms import FIRM_KINDS
from market.models import SavedSimulation
from market.tuning import analytic
from vendors.models import OutageEvent


class ConcentrationViewSet(ActiveOrganizationAPIMixin, viewsets.ViewSet):
    """GET market/concentration/: per provider, parent, jurisdiction, data location; HHI per category;
    nth parties; and as of when each firm's data is."""

    audience = "supervisor"
    permission_classes = [permissions.IsAuthenticated, SupervisorsOnly]

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="Where the market's third-party risk concentrates")
    @method_decorator(analytic)
    def list(self, request):
        kind = request.query_params.get("kind", "")
        kind = kind if kind in dict(FIRM_KINDS) else ""
        user = request.user
        found = selectors.concentration_tables(user, kind, limit=None)
        return Response({
            "providers": found["providers"],
            "parents": found["parents"],
            "jurisdictions": found["countries"],
            "data_locations": found["locations"],
            "categories": selectors.category_hhi(user, kind),
            "nth_parties": [{k: v for k, v in n.items() if k != "provider"} for n in selectors.nth_party(user, kind)],
            "firms": selectors.as_of_per_firm(user, kind),
        })


class SimulationInput(serializers.Serializer):
    providers = serializers.ListField(child=core_fields.IdField(), required=False, default=list)
    category = serializers.CharField(required=False, allow_blank=True, default="")
    country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False, allow_blank=True, default="")
    duration_minutes = serializers.IntegerField(min_value=1, max_value=60 * 24 * 30)
    # A partial outage: the share of the provider's traffic affected (market.rules.classify_outage).
    traffic_share_pct = serializers.IntegerField(min_value=1, max_value=100, required=False, default=100)
    firm_kind = serializers.ChoiceField(choices=[k for k, _ in FIRM_KINDS], required=False, default="")


class FailedProviderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SimulationResultSerializer(serializers.Serializer):
    """What a simulation answers (market.services.simulate_market / simulate_firm)."""

    scope = serializers.ChoiceField(choices=["market", "firm"])
    failed = FailedProviderSerializer(many=True)
    duration_minutes = serializers.IntegerField()
    traffic_share_pct = serializers.IntegerField()
    expected = serializers.DictField(
        child=serializers.FloatField(), help_text="Services per outcome expected at this traffic share."
    )
    computed_at = serializers.DateTimeField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="Services per outcome.")
    totals = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()), help_text="Per firm kind, services per outcome."
    )
    breaching = serializers.ListField(child=serializers.DictField(), help_text="Firms with a service lost beyond RTO.")
    services = serializers.ListField(child=serializers.DictField(), help_text="Each affected service, with reasons.")
    services_total = serializers.IntegerField()


def _run(request, data: dict, full: bool = False) -> dict:
    failed = services.failed_providers(organization=getattr(request._request, "organization", None),
                                       provider_ids=data["providers"], category=data["category"],
                                       country=data["country"])
    if getattr(request._request, "is_supervisor", False):
        return services.simulate_market(user=request.user, failed=failed, duration_minutes=data["duration_minutes"],
                                        firm_kind=data["firm_kind"], traffic_share_pct=data["traffic_share_pct"],
                                        detail_limit=None if full else services.SHOWN)
    if request._request.organization is None:
        raise Http404
    return services.simulate_firm(organization=request._request.organization, failed=failed,
                                  duration_minutes=data["duration_minutes"],
                                  traffic_share_pct=data["traffic_share_pct"])


class SimulateViewSet(ActiveOrganizationAPIMixin, viewsets.ViewSet):
    """POST market/simulate/: supervisors over every firm's latest submission; a firm over its live register."""

    @extend_schema(request=SimulationInput, responses={200: SimulationResultSerializer},
                   summary="Simulate a provider outage")
    def create(self, request):
        data = SimulationInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(_run(request, data.validated_data))


class IncidentAnalysisViewSet(ActiveOrganizationAPIMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """market/incidents/{event id}/: the firms that reported the event, downtime, declared vs observed."""

    audience = "supervisor"
    queryset = OutageEvent.objects.select_related("provider")
    permission_classes = [permissions.IsAuthenticated, SupervisorsOnly]
    filter_backends: list = []
    serializer_class = serializers.Serializer  # the answer is a computed document, described below

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="One market-wide outage across the firms it hit")
    def retrieve(self, request, *args, **kwargs):
        from market.views import incident_analysis

        event = self.get_object()
        analysis = incident_analysis(request.user, event)
        return Response({"event": {"id": event.pk, "name": event.name, "name_ko": event.name_ko,
                                   "provider": event.provider_id, "duration_minutes": event.duration_minutes},
                         **{k: v for k, v in analysis.items() if k != "flagged"},
                         "flagged": len(analysis["flagged"])})


class SavedSimulationSerializer(core_fields.ModelSerializer):
    created_by = serializers.EmailField(source="created_by.email", read_only=True, default=None)
    providers = serializers.ListField(child=core_fields.IdField(), write_only=True, required=False,
                                      default=list)
    firm_kind = serializers.CharField(write_only=True, required=False, default="")

    class Meta:
        model = SavedSimulation
        fields = ["id", "name", "provider_ids", "category", "country", "duration_minutes", "traffic_share_pct",
                  "scope", "created_by",
                  "shared", "results", "version", "created_at", "providers", "firm_kind"]
        read_only_fields = ["id", "provider_ids", "scope", "created_by", "results", "created_at"]


class SimulationShareSerializer(serializers.Serializer):
    """Only sharing changes on a saved simulation, from the version you read (a stale one answers 409)."""

    shared = serializers.BooleanField()
    version = core_fields.BoundedIntegerField(min_value=1)


class SavedSimulationViewSet(TenantModelViewSet):
    """Saved simulations of the active organisation: one's own, and colleagues' shared ones."""

    queryset = SavedSimulation.objects.all()
    serializer_class = SavedSimulationSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends: list = []

    def get_permissions(self):
        # Supervisors run market-wide simulations without being firm editors.
        if getattr(self.request, "is_supervisor", False):
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def get_queryset(self):
        return services.visible_simulations(self.request.organization, self.request.user).select_related(
            "created_by")

    def create(self, request, *args, **kwargs):
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        params = {"providers": d.get("providers", []), "category": d.get("category", ""),
                  "country": d.get("country", ""), "duration_minutes": d["duration_minutes"],
                  "traffic_share_pct": d.get("traffic_share_pct", 100), "firm_kind": d.get("firm_kind", "")}
        results = _run(request, params, full=True)
        sim = services.save_simulation(
            organization=request.organization, user=request.user, name=d["name"],
            failed=[f["id"] for f in results["failed"]], duration_minutes=d["duration_minutes"], results=results,
            category=params["category"], country=params["country"].upper(), shared=d.get("shared", False),
            traffic_share_pct=params["traffic_share_pct"],
        )
        return Response(self.get_serializer(sim).data, status=201)

    @extend_schema(request=SimulationShareSerializer)
    def partial_update(self, request, *args, **kwargs):
        sim = self.get_object()
        shared = request.data.get("shared")
        if not isinstance(shared, bool):
            raise ValidationError({"shared": "Send shared: true or false (only sharing can be changed)."})
        body = SimulationShareSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.set_shared(simulation=sim, user=request.user, shared=shared,
                            expected_version=body.validated_data["version"])
        return Response(self.get_serializer(sim).data)


def register(router) -> None:
    router.register("market/concentration", ConcentrationViewSet, basename="market-concentration")
    router.register("market/simulate", SimulateViewSet, basename="market-simulate")
    router.register("market/incidents", IncidentAnalysisViewSet, basename="market-incidents")
    router.register("market/simulations", SavedSimulationViewSet, basename="market-simulation")

