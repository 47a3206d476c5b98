"""django-filter filtersets for the register API.

Foreign keys to firm data are filtered by id (core.filters.IdFilter), never by a ModelChoiceFilter: its
default queryset would read every firm's rows (and the tenant wall refuses that).
"""

from __future__ import annotations

import django_filters as df
from django.db.models import Q

from core.filters import FilterSet, IdFilter
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


class ProviderFilter(FilterSet):
    class Meta:
        model = ProviderCatalog
        fields = ["category", "country", "status", "korean_entity", "key"]


class VendorFilter(FilterSet):
    catalog = IdFilter(field_name="catalog")
    contract_end_before = df.DateFilter(field_name="contract_end", lookup_expr="lte")
    contract_end_after = df.DateFilter(field_name="contract_end", lookup_expr="gte")

    class Meta:
        model = Vendor
        fields = [
            "category", "status", "jurisdiction", "data_location", "exit_plan_exists", "priority_contract", "reference",
        ]


class ServiceFilter(FilterSet):
    class Meta:
        model = BusinessService
        fields = ["importance", "is_core_business", "customer_facing", "trading_path", "reference"]


class DependencyFilter(FilterSet):
    service = IdFilter(field_name="service")
    vendor = IdFilter(field_name="vendor")
    provider = IdFilter(field_name="vendor__catalog")
    importance = df.CharFilter(field_name="service__importance")
    tier = df.ChoiceFilter(choices=Tier.choices, method="filter_tier", label="effective tier")

    class Meta:
        model = Dependency
        fields = ["role", "substitutability", "computed_tier", "tier_override"]

    def filter_tier(self, queryset, name, value):
        return queryset.filter(Q(tier_override=value) | Q(tier_override="", computed_tier=value))


class MeasureFilter(FilterSet):
    dependency = IdFilter(field_name="dependency")
    service = IdFilter(field_name="dependency__service")
    alternate_provider = IdFilter(field_name="alternate_provider")

    class Meta:
        model = RedundancyMeasure
        fields = ["strategy", "alternate_in_house"]


class FailoverTestFilter(FilterSet):
    measure = IdFilter(field_name="measure")
    dependency = IdFilter(field_name="measure__dependency")
    tested_after = df.DateFilter(field_name="tested_on", lookup_expr="gte")
    tested_before = df.DateFilter(field_name="tested_on", lookup_expr="lte")

    class Meta:
        model = FailoverTest
        fields = ["result"]


class IncidentFilter(FilterSet):
    provider = IdFilter(field_name="provider")
    vendor = IdFilter(field_name="vendor")
    outage_event = IdFilter(field_name="outage_event")
    service = IdFilter(field_name="affected_services")
    started_after = df.IsoDateTimeFilter(field_name="started_at", lookup_expr="gte")
    started_before = df.IsoDateTimeFilter(field_name="started_at", lookup_expr="lte")

    class Meta:
        model = Incident
        fields = ["reference"]


class OutageEventFilter(FilterSet):
    provider = IdFilter(field_name="provider")

    class Meta:
        model = OutageEvent
        fields = []
