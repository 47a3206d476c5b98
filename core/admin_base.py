from django.contrib import admin


class PlatformTenantAdmin(admin.ModelAdmin):
    """Django admin is for platform operators; it reads firm data through the named cross-firm door."""

    def get_queryset(self, request):
        qs = self.model._default_manager.get_queryset().across_firms(request.user)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs
