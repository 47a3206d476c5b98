"""Platform-operator admin. Checklists are read-only here (they come from the data files, immutable once
published); firm rows are read through the cross-firm door, and firms use the web pages."""

from django.contrib import admin

from compliance.models import Answer, Assessment, Evidence, Finding, Framework, Requirement, Section
from core.admin_base import PlatformTenantAdmin, ReadOnlyAdmin


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["code", "name_ko", "name_en", "order"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ["code", "version", "scope", "name_ko", "published_at", "checksum"]
    list_filter = ["code", "scope"]
    inlines = [SectionInline]


@admin.register(Requirement)
class RequirementAdmin(ReadOnlyAdmin):
    list_display = ["ref", "framework", "section", "weight", "critical", "vendor_scope"]
    list_filter = ["framework", "critical", "vendor_scope"]
    search_fields = ["ref", "text_ko", "text_en"]
    list_select_related = ["framework", "section"]


@admin.register(Assessment)
class AssessmentAdmin(PlatformTenantAdmin):
    list_display = ["title", "organization", "framework", "scope", "status", "score", "rating"]
    list_filter = ["status", "rating", "scope"]
    list_select_related = ["organization", "framework"]


@admin.register(Answer)
class AnswerAdmin(PlatformTenantAdmin):
    list_display = ["assessment", "requirement", "response", "answered_by", "answered_at"]
    list_select_related = ["assessment", "requirement", "answered_by"]


@admin.register(Evidence)
class EvidenceAdmin(PlatformTenantAdmin):
    list_display = ["original_name", "organization", "size", "content_type", "sha256", "created_at"]
    list_select_related = ["organization"]


@admin.register(Finding)
class FindingAdmin(PlatformTenantAdmin):
    list_display = ["title", "organization", "source", "severity", "status", "due_date"]
    list_filter = ["source", "severity", "status"]
    list_select_related = ["organization"]
