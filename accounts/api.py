from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, views, viewsets
from rest_framework.response import Response

from accounts import api_tokens
from accounts.models import ApiToken, Membership, Organization, User
from core import serializer_fields as core_fields
from core.api import ActiveOrganizationAPIMixin, BackstopAPIView, TenantReadOnlyViewSet
from core.throttling import AnonThrottle, ScopedThrottle


class OrganizationSerializer(core_fields.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "name_ko", "kind", "business_registration_number", "lei"]


class MembershipSerializer(core_fields.ModelSerializer):
    organization = OrganizationSerializer(read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "organization", "email", "role"]


class MeSerializer(core_fields.ModelSerializer):
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
    @extend_schema(responses=MeSerializer, summary="Who you are: your memberships and the active organisation")
    def get(self, request):
        return Response(MeSerializer(request.user, context={"request": request}).data)


class MemberViewSet(TenantReadOnlyViewSet):
    """The members of the active organisation (roles are changed in the web pages)."""

    queryset = Membership.objects.all()
    serializer_class = MembershipSerializer
    filterset_fields = ["role"]

    def optimize_queryset(self, queryset):
        return queryset.select_related("organization", "user")


class ApiTokenSerializer(core_fields.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
        read_only_fields = fields


class ApiTokenRequestSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    expires_in_days = serializers.IntegerField(
        min_value=1, max_value=api_tokens.MAX_LIFETIME_DAYS, default=api_tokens.DEFAULT_LIFETIME_DAYS
    )
    otp_code = serializers.CharField(
        max_length=16, required=False, default="", allow_blank=True,
        help_text="Needed for supervisors, lead supervisors, firm admins.",
    )


class PasswordTokenRequestSerializer(ApiTokenRequestSerializer):
    username = serializers.CharField(help_text="The email address you log in with.")
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    name = serializers.CharField(max_length=100, default="API")


class IssuedTokenSerializer(ApiTokenSerializer):
    token = serializers.CharField(help_text="Shown this once: only a digest is kept.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


def _issued(user: User, data: dict) -> Response:
    try:
        token, raw = api_tokens.issue_token(
            user=user, name=data["name"], expires_in_days=data["expires_in_days"], otp_code=data["otp_code"]
        )
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.message_dict) from exc
    token.token = raw
    return Response(IssuedTokenSerializer(token).data, status=status.HTTP_201_CREATED)


class PasswordTokenView(views.APIView):
    """Exchange an email, a password (and for required roles a second-factor code) for a new API token."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    # A password-guessing door: its own strict rate besides the login lockout.
    throttle_classes = [AnonThrottle, ScopedThrottle]
    throttle_scope = "token"

    @extend_schema(request=PasswordTokenRequestSerializer, responses={201: IssuedTokenSerializer})
    def post(self, request):
        serializer = PasswordTokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # Through authenticate() with the request, so django-axes counts and locks failures as at the login.
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            raise serializers.ValidationError({"password": [_("This email address and password do not match.")]})
        return _issued(user, data)


class ApiTokenViewSet(
    ActiveOrganizationAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's own API tokens: list, make (POST, token shown once), revoke (DELETE). Another person's
    token is 404."""

    queryset = ApiToken.objects.all()
    serializer_class = ApiTokenSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None

    def get_queryset(self):
        return ApiToken.objects.of_user(self.request.user)

    @extend_schema(request=ApiTokenRequestSerializer, responses={201: IssuedTokenSerializer})
    def create(self, request):
        serializer = ApiTokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _issued(request.user, serializer.validated_data)

    def perform_destroy(self, instance):
        api_tokens.revoke_token(token=instance, revoked_by=self.request.user)


def register(router) -> None:
    router.register("auth/tokens", ApiTokenViewSet, basename="api-token-owned")
