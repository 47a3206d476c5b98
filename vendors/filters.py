"""django-filter filtersets for the register API.

Foreign keys to firm data are filtered by id (NumberFilter), never by a ModelChoiceFilter: its
default queryset would read every firm's rows (and the tenant wall refuses that).
"""

from __future__ import annotations

import django_filters as df
from django.db.models import Q

from vendors.choices import Tier
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


class ProviderFilter(df.FilterSet):
    class Meta:
        model = ProviderCatalog
        fields = ["category", "country", "status", "korean_entity", "key"]


class VendorFilter(df.FilterSet):
    catalog = df.NumberFilter(field_name="catalog")
    contract_end_before = df.DateFilter(field_name="contract_end", lookup_expr="lte")
    contract_end_after = df.DateFilter(field_name="contract_end", lookup_expr="gte")

    class Meta:
        model = Vendor
        fields = [
            "category", "status", "jurisdiction", "data_location", "exit_plan_exists", "priority_contract", "reference",
        ]


class ServiceFilter(df.FilterSet):
    class Meta:
        model = BusinessService
        fields = ["importance", "is_core_business", "customer_facing", "trading_path", "reference"]


class DependencyFilter(df.FilterSet):
    service = df.NumberFilter(field_name="service")
    vendor = df.NumberFilter(field_name="vendor")
    provider = df.NumberFilter(field_name="vendor__catalog")
    importance = df.CharFilter(field_name="service__importance")
    tier = df.ChoiceFilter(choices=Tier.choices, method="filter_tier", label="effective tier")

    class Meta:
        model = Dependency
        fields = ["role", "substitutability", "computed_tier", "tier_override"]

    def filter_tier(self, queryset, name, value):
        return queryset.filter(Q(tier_override=value) | Q(tier_override="", computed_tier=value))


class MeasureFilter(df.FilterSet):
    dependency = df.NumberFilter(field_name="dependency")
    service = df.NumberFilter(field_name="dependency__service")
    alternate_provider = df.NumberFilter(field_name="alternate_provider")

    class Meta:
        model = RedundancyMeasure
        fields = ["strategy", "alternate_in_house"]


class FailoverTestFilter(df.FilterSet):
    measure = df.NumberFilter(field_name="measure")
    dependency = df.NumberFilter(field_name="measure__dependency")
    tested_after = df.DateFilter(field_name="tested_on", lookup_expr="gte")
    tested_before = df.DateFilter(field_name="tested_on", lookup_expr="lte")

    class Meta:
        model = FailoverTest
        fields = ["result"]


class IncidentFilter(df.FilterSet):
    provider = df.NumberFilter(field_name="provider")
    vendor = df.NumberFilter(field_name="vendor")
    outage_event = df.NumberFilter(field_name="outage_event")
    service = df.NumberFilter(field_name="affected_services")
    started_after = df.IsoDateTimeFilter(field_name="started_at", lookup_expr="gte")
    started_before = df.IsoDateTimeFilter(field_name="started_at", lookup_expr="lte")

    class Meta:
        model = Incident
        fields = ["reference"]


class OutageEventFilter(df.FilterSet):
    provider = df.NumberFilter(field_name="provider")

    class Meta:
        model = OutageEvent
        fields = []
