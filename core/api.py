"""API plumbing shared by every app: the error body, pagination, the request context."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions, views, viewsets

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
        # The caller's own memberships are read next, behind their door (Membership.objects.of_user). Entering
        # that scope here, until the firm is known, shows nothing the door would not; the door then has
        # nothing to widen, which saves its two round trips (set and restore) on every API request.
        rls.enter(rls.for_firm(None, request.user))
        header = raw.META.get(active.HEADER)
        requested = header or (raw.session.get(active.SESSION_KEY) if hasattr(raw, "session") else None)
        resolved = active.resolve(request.user, requested)
        # A header that names no firm of the caller's, empty included, is refused: it never means "my default".
        named_none = header is not None and not header.strip()
        if named_none or (resolved.refused is not None and (header or request.method not in permissions.SAFE_METHODS)):
            # Never act for another firm than the one the caller named (a multi-firm auditor's script).
            raise exceptions.PermissionDenied(
                _("You are not a member of the organisation named in X-Organization (or chosen in this session)."),
                code="organization_not_yours",
            )
        if resolved.refused is not None:
            raw.session.pop(active.SESSION_KEY, None)
            resolved = active.resolve(request.user, None)
        active.attach(raw, resolved)
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
