from django.contrib import admin

from audit.models import AuditEvent
from core.admin_base import PlatformTenantAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(PlatformTenantAdmin):
    list_display = ["created_at", "actor_email", "organization", "action", "object_type", "object_repr"]
    list_filter = ["action"]
