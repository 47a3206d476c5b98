"""The benchmark's floor: the app's urlconf plus one bare DRF ModelViewSet (bench only, never in config.urls).

Mounted by bench/settings.py (ROOT_URLCONF) in bench/load.py's gunicorn. The floor lists up to 50 vendors with
a plain ModelSerializer and PageNumberPagination. It omits on purpose what the real vendor API does: token or
session authentication, the second-factor check, the membership lookup and tenant scoping (it reads the plain
manager, filtered by the ?organization= it is given), throttling, filtering and ordering backends, the audit
trail and the foreign keys' fields. It still goes through the same middleware stack.
"""

from django.urls import include, path
from rest_framework import pagination, routers, serializers, viewsets

from config.urls import handler404, handler500  # noqa: F401
from config.urls import urlpatterns as app_urlpatterns
from vendors.models import Vendor


class FloorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Vendor
        # Every column but the foreign keys (a related field per row would make the floor slower, not barer).
        fields = [f.name for f in Vendor._meta.concrete_fields if not f.is_relation]


class FloorPagination(pagination.PageNumberPagination):
    page_size = 50


class FloorViewSet(viewsets.ReadOnlyModelViewSet):
    def get_queryset(self):
        # The plain manager, not the tenant-checked one: the same rows as the officer's list (?organization=),
        # without the scoping machinery the real API goes through.
        return Vendor._base_manager.filter(organization_id=self.request.GET["organization"]).order_by("id")

    serializer_class = FloorSerializer
    pagination_class = FloorPagination
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []
    filter_backends: list = []


router = routers.SimpleRouter()
router.register("floor", FloorViewSet, basename="bench-floor")

urlpatterns = [path("bench/", include(router.urls)), *app_urlpatterns]
