from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from accounts.models import Membership, Organization, User
from core.api import BackstopAPIView, TenantReadOnlyViewSet
from core.throttling import AnonThrottle, ScopedThrottle


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "name_ko", "kind", "business_registration_number", "lei"]


class MembershipSerializer(serializers.ModelSerializer):
    organization = OrganizationSerializer(read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "organization", "email", "role"]


class MeSerializer(serializers.ModelSerializer):
    memberships = serializers.SerializerMethodField()
    active_organization = serializers.SerializerMethodField()
    active_role = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "memberships", "active_organization", "active_role"]

    def get_memberships(self, user) -> list[dict]:
        return MembershipSerializer(self.context["request"]._request.memberships, many=True).data

    def get_active_organization(self, user) -> dict | None:
        org = self.context["request"]._request.organization
        return OrganizationSerializer(org).data if org else None

    def get_active_role(self, user) -> str | None:
        return self.context["request"]._request.role


class MeView(BackstopAPIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user, context={"request": request}).data)


class MemberViewSet(TenantReadOnlyViewSet):
    """The members of the active organisation (roles are changed in the web pages)."""

    queryset = Membership.objects.all()
    serializer_class = MembershipSerializer
    filterset_fields = ["role"]

    def optimize_queryset(self, queryset):
        return queryset.select_related("organization", "user")


class TokenCreateView(ObtainAuthToken):
    """Email and password in, API token out: a password-guessing door, so it has its own strict rate."""

    throttle_classes = [AnonThrottle, ScopedThrottle]
    throttle_scope = "token"
