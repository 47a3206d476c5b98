"""API plumbing shared by every app: the error body, pagination, the request context."""

from __future__ import annotations

from django.http import Http404
from rest_framework import permissions, views, viewsets

from accounts import active, rls
from accounts.tenancy import TenantViewSetMixin
from audit.context import AuditContext, _current
from audit.middleware import client_ip


class ActiveOrganizationAPIMixin:
    """Token-authenticated calls are not seen by the session middleware: resolve here.

    The X-Organization header picks the active organisation among the caller's own.
    """

    def dispatch(self, request, *args, **kwargs):
        # Whatever firm authentication picks below is this view's only: restored when it returns,
        # with or without the session middleware around it.
        with rls.scoped(rls.current()):
            return super().dispatch(request, *args, **kwargs)

    def perform_authentication(self, request):
        super().perform_authentication(request)
        raw = request._request
        requested = raw.META.get(active.HEADER) or (
            raw.session.get(active.SESSION_KEY) if hasattr(raw, "session") else None
        )
        active.attach(raw, active.resolve(request.user, requested))
        rls.enter(rls.for_firm(raw.organization, request.user))
        if request.user.is_authenticated:
            _current.set(AuditContext(actor=request.user, organization=raw.organization, ip_address=client_ip(raw)))


class ReadOnlyOrEditor(permissions.BasePermission):
    """Anyone in the firm reads; only officers and firm admins write."""

    message = "Your role can read but not change this."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(getattr(request._request, "can_edit", False))


class BackstopAPIView(ActiveOrganizationAPIMixin, views.APIView):
    pass


class TenantReadOnlyViewSet(ActiveOrganizationAPIMixin, TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class TenantModelViewSet(ActiveOrganizationAPIMixin, TenantViewSetMixin, viewsets.ModelViewSet):
    permission_classes = [permissions.IsAuthenticated, ReadOnlyOrEditor]


class SupervisorsOnly(permissions.BasePermission):
    """The API twin of accounts.tenancy.supervisor_view: regulator staff only, everyone else 404."""

    def has_permission(self, request, view):
        if not getattr(request._request, "is_supervisor", False):
            raise Http404
        return True
