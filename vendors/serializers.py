"""API serializers of the register. Writes go through vendors.services (full_clean, atomic, versioned).

Foreign keys to firm data resolve only inside the caller's firm: another firm's id is a field error
("does not exist"), exactly like an id that does not exist at all.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.relations import PKOnlyObject

from accounts.models import Membership, User
from core import serializer_fields as core_fields
from vendors import rules, services
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
from vendors.selectors import linkable_catalog, visible_catalog


def _organization(serializer: serializers.Field):
    request = serializer.context.get("request")
    return getattr(getattr(request, "_request", request), "organization", None)


class FirmPrimaryKeyField(core_fields.PrimaryKeyRelatedField):
    """A foreign key to firm data, looked up only among the active firm's rows."""

    def __init__(self, model=None, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.model.objects.for_org(_organization(self))


class MemberField(core_fields.PrimaryKeyRelatedField):
    """A user of the active firm (owners, approvers)."""

    def get_queryset(self):
        org = _organization(self)
        return User.objects.filter(pk__in=Membership.objects.for_org(org).values("user"))


class CatalogField(core_fields.PrimaryKeyRelatedField):
    """A published provider, or one the active firm proposed itself."""

    def get_queryset(self):
        return linkable_catalog(_organization(self))


class CatalogIdsField(serializers.ManyRelatedField):
    """Several ``CatalogField``s; read from the ids a queryset annotated (``ids_attr``) when it did, rather than
    through a related manager per row (vendors.selectors.with_subcontractor_ids)."""

    def __init__(self, ids_attr: str, **kwargs):
        self.ids_attr = ids_attr
        super().__init__(child_relation=CatalogField(required=kwargs.get("required", True)), **kwargs)

    def get_attribute(self, instance):
        ids = getattr(instance, self.ids_attr, None)
        if ids is None:
            return super().get_attribute(instance)
        return [PKOnlyObject(pk=pk) for pk in ids]


class VisibleCatalogField(core_fields.PrimaryKeyRelatedField):
    """A provider the reader may see: another firm's proposal is as unknown as a missing id."""

    def get_queryset(self):
        return visible_catalog(_organization(self))


class VersionedSerializer(core_fields.ModelSerializer):
    """Creates through ``create_fn`` and updates through ``update_fn`` with the version the client edited."""

    version = core_fields.BoundedIntegerField(required=False, min_value=1, help_text=_("Required on update."))
    create_fn = None
    update_fn = None
    instance_kwarg = ""

    def validate(self, attrs):
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError({"version": [_("Send the version you edited.")]})
        return attrs

    def create(self, validated_data):
        validated_data.pop("version", None)
        # TenantViewSetMixin.perform_create passes the request's organisation in: it is the only one allowed.
        organization = validated_data.pop("organization", None) or _organization(self)
        return type(self).create_fn(organization=organization, data=validated_data)

    def update(self, instance, validated_data):
        version = validated_data.pop("version")
        return type(self).update_fn(**{self.instance_kwarg: instance, "version": version, "data": validated_data})





class VendorSerializer(VersionedSerializer):
    catalog = CatalogField()
    subcontractors = CatalogIdsField("subcontractor_ids", required=False)
    exit_plan_target = CatalogField(required=False, allow_null=True)
    owner = MemberField(required=False, allow_null=True)
    # str() of the provider (its Korean or brand name): DRF would inspect the signature of a "__str__" source
    # on every row before calling it.
    catalog_name = serializers.CharField(source="catalog", read_only=True)
    create_fn = staticmethod(services.create_vendor)
    update_fn = staticmethod(services.update_vendor)
    instance_kwarg = "vendor"

    class Meta:
        model = Vendor
        exclude = ["organization"]
        read_only_fields = ["created_at", "updated_at"]


class ServiceSerializer(VersionedSerializer):
    create_fn = staticmethod(services.create_service)
    update_fn = staticmethod(services.update_service)
    instance_kwarg = "service"

    class Meta:
        model = BusinessService
        exclude = ["organization"]
        read_only_fields = ["created_at", "updated_at"]


class DependencySerializer(VersionedSerializer):
    service = FirmPrimaryKeyField(BusinessService)
    vendor = FirmPrimaryKeyField(Vendor)
    tier_override_approver = MemberField(required=False, allow_null=True)
    tier = serializers.CharField(read_only=True)
    service_name = serializers.CharField(source="service.name", read_only=True)
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    create_fn = staticmethod(services.create_dependency)
    update_fn = staticmethod(services.update_dependency)
    instance_kwarg = "dependency"

    class Meta:
        model = Dependency
        exclude = ["organization"]
        read_only_fields = ["created_at", "updated_at", "computed_tier", "tier_score", "tier_gates"]


class MeasureSerializer(VersionedSerializer):
    dependency = FirmPrimaryKeyField(Dependency)
    alternate_provider = CatalogField(required=False, allow_null=True)
    shared_upstreams = CatalogField(many=True, required=False)
    create_fn = staticmethod(services.create_measure)
    update_fn = staticmethod(services.update_measure)
    instance_kwarg = "measure"

    class Meta:
        model = RedundancyMeasure
        exclude = ["organization"]
        read_only_fields = ["created_at", "updated_at"]


class FailoverTestSerializer(VersionedSerializer):
    measure = FirmPrimaryKeyField(RedundancyMeasure)
    evidence = serializers.FileField(write_only=True, required=False, allow_null=True)
    has_evidence = serializers.SerializerMethodField()
    evidence_url = serializers.SerializerMethodField()
    create_fn = staticmethod(services.create_failover_test)
    update_fn = staticmethod(services.update_failover_test)
    instance_kwarg = "test"

    class Meta:
        model = FailoverTest
        exclude = ["organization"]
        read_only_fields = ["created_at", "updated_at", "evidence_sha256"]

    def get_has_evidence(self, obj) -> bool:
        return bool(obj.evidence)

    def get_evidence_url(self, obj) -> str | None:
        # Evidence is private: the only way to it is the permission-checked download action.
        return reverse("failover-test-evidence", kwargs={"pk": obj.pk}) if obj.evidence else None

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("evidence") is None:
            attrs.pop("evidence", None)
        return attrs


class IncidentSerializer(VersionedSerializer):
    provider = CatalogField()
    vendor = FirmPrimaryKeyField(Vendor, required=False, allow_null=True)
    affected_services = FirmPrimaryKeyField(BusinessService, many=True, required=False)
    duration_minutes = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Null while the incident is open."
    )
    create_fn = staticmethod(services.create_incident)
    update_fn = staticmethod(services.update_incident)
    instance_kwarg = "incident"

    class Meta:
        model = Incident
        exclude = ["organization"]
        read_only_fields = ["created_at", "updated_at"]


class ProviderSerializer(core_fields.ModelSerializer):
    key = serializers.SlugField(max_length=60, required=False)
    upstreams = VisibleCatalogField(many=True, required=False)

    class Meta:
        model = ProviderCatalog
        fields = [
            "id", "key", "legal_name", "name_ko", "brand", "parent_group", "country", "korean_entity", "category",
            "website", "lei", "description_ko", "description_en", "status", "proposed_by", "upstreams",
        ]
        read_only_fields = ["proposed_by"]


class OutageEventSerializer(core_fields.ModelSerializer):
    duration_minutes = serializers.IntegerField(read_only=True)

    class Meta:
        model = OutageEvent
        fields = ["id", "name", "name_ko", "provider", "started_at", "core_restored_at", "ended_at",
                  "traffic_share_pct", "description", "duration_minutes"]


class SpofReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=rules.SPOF_REASONS)
    message = serializers.CharField()


class SpofSerializer(serializers.Serializer):
    """One single point of failure per dependency, with all its reasons."""

    dependency_id = core_fields.IdField()
    service_id = core_fields.IdField()
    service_name = serializers.CharField()
    vendor_name = serializers.CharField()
    severity = serializers.CharField()
    reasons = SpofReasonSerializer(many=True)


class SpofListSerializer(serializers.Serializer):
    """The whole list at once (it is never long enough to page): how many, and each."""

    count = serializers.IntegerField()
    results = SpofSerializer(many=True)
