"""Platform-operator admin. Firm rows are read through the cross-firm door; firms use the web pages."""

from django.contrib import admin

from core.admin_base import PlatformTenantAdmin
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


@admin.register(ProviderCatalog)
class ProviderCatalogAdmin(admin.ModelAdmin):
    list_display = ["key", "legal_name", "name_ko", "category", "country", "status"]
    list_filter = ["status", "category", "country"]
    search_fields = ["key", "legal_name", "name_ko", "brand"]
    filter_horizontal = ["upstreams"]


@admin.register(OutageEvent)
class OutageEventAdmin(admin.ModelAdmin):
    list_display = ["name", "provider", "started_at", "ended_at"]
    autocomplete_fields = ["provider"]


class _FirmAdmin(PlatformTenantAdmin):
    list_select_related = True
    readonly_fields = ["organization", "version"]


@admin.register(Vendor)
class VendorAdmin(_FirmAdmin):
    list_display = ["name", "reference", "organization", "catalog", "status", "contract_end"]
    list_filter = ["status", "category"]
    search_fields = ["name", "reference"]
    raw_id_fields = ["catalog", "owner", "exit_plan_target"]


@admin.register(BusinessService)
class BusinessServiceAdmin(_FirmAdmin):
    list_display = ["name", "reference", "organization", "importance", "rto_minutes"]
    list_filter = ["importance"]


@admin.register(Dependency)
class DependencyAdmin(_FirmAdmin):
    list_display = ["service", "vendor", "role", "computed_tier", "tier_override", "organization"]
    list_filter = ["computed_tier", "role"]
    raw_id_fields = ["service", "vendor", "tier_override_approver"]


@admin.register(RedundancyMeasure)
class RedundancyMeasureAdmin(_FirmAdmin):
    list_display = ["dependency", "strategy", "alternate_provider", "organization"]
    raw_id_fields = ["dependency", "alternate_provider"]


@admin.register(FailoverTest)
class FailoverTestAdmin(_FirmAdmin):
    list_display = ["measure", "tested_on", "result", "achieved_recovery_minutes", "organization"]
    raw_id_fields = ["measure"]


@admin.register(Incident)
class IncidentAdmin(_FirmAdmin):
    list_display = ["reference", "provider", "started_at", "ended_at", "organization"]
    raw_id_fields = ["provider", "vendor", "outage_event", "affected_services"]
