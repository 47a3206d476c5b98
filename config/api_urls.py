"""The /api/v1/ router: each app registers its viewsets in its own api_routes()."""

from rest_framework.routers import DefaultRouter

from accounts.api import MemberViewSet
from accounts.api import register as register_account_routes
from audit.api import AuditEventViewSet

router = DefaultRouter(trailing_slash=True)
router.register("members", MemberViewSet, basename="member")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
register_account_routes(router)

_APPS = ("vendors", "compliance", "reports", "review", "market")
for module_name in (*(f"{app}.api" for app in _APPS), "reports.export_api"):
    module = __import__(module_name, fromlist=["register"])
    module.register(router)
