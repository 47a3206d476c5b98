"""The /api/v1/ router: each app registers its viewsets in its own api_routes()."""

from rest_framework.routers import DefaultRouter

from accounts.api import MemberViewSet
from audit.api import AuditEventViewSet

router = DefaultRouter(trailing_slash=True)
router.register("members", MemberViewSet, basename="member")
router.register("audit-events", AuditEventViewSet, basename="audit-event")

for module_name in (*(f"{app}.api" for app in ("vendors", "compliance", "reports", "review", "market")), "reports.export_api"):
    module = __import__(module_name, fromlist=["register"])
    module.register(router)
