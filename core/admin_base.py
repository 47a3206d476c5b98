"""The Django admin's door to firm data: platform superusers read it; nobody writes it there.

Firms change their data in the web pages, where the domain rules, the version checks and the audit context
apply; the admin is for platform operators looking into a problem. So every firm model's admin:

* answers only superusers (a staff account with admin permissions, regulator staff included, gets 403:
  the admin shows drafts, which supervisors may never read);
* reads through the named cross-firm door (``across_firms``), never an unscoped query;
* is view-only: no add, change or delete, so no form widget ever runs a query over another model's rows.
  Foreign keys are shown as text (the related row of the object itself, so the object's own firm).
"""

from contextlib import nullcontext

from django.contrib import admin

from accounts import rls


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never written: no add, change or delete from the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PlatformTenantAdmin(ReadOnlyAdmin):
    def get_queryset(self, request):
        if not self._is_platform_superuser(request):
            return self.model._default_manager.get_queryset().for_org(None)
        qs = self.model._default_manager.get_queryset().across_firms(request.user)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    @staticmethod
    def _is_platform_superuser(request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and user.is_superuser)

    def has_module_permission(self, request):
        return self._is_platform_superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._is_platform_superuser(request)

    def _read_scope(self, request):
        # The page also follows the object's foreign keys (Django's base manager), which the database wall
        # would show as missing: a platform superuser's page reads across firms, read-only by the policies.
        return rls.widened(cross_firm=True) if self._is_platform_superuser(request) else nullcontext()

    def changelist_view(self, request, extra_context=None):
        with self._read_scope(request):
            response = super().changelist_view(request, extra_context)
            return response.render() if hasattr(response, "render") else response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with self._read_scope(request):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            return response.render() if hasattr(response, "render") else response

    def get_actions(self, request):
        # "Delete selected" would bypass has_delete_permission's per-object view.
        return {}
