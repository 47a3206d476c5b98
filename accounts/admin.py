from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import Invitation, Membership, Organization, User
from core.admin_base import PlatformTenantAdmin


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "name_ko", "kind", "business_registration_number"]
    list_filter = ["kind"]
    search_fields = ["name", "name_ko"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password", "full_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Membership)
class MembershipAdmin(PlatformTenantAdmin):
    list_display = ["user", "organization", "role"]
    list_filter = ["role"]


@admin.register(Invitation)
class InvitationAdmin(PlatformTenantAdmin):
    list_display = ["email", "organization", "role", "state", "expires_at", "invited_by"]
    list_filter = ["state", "role"]
    exclude = ["token_hash"]
