"""Review API: firm submissions and notifications (scoped), and the supervisor queue (cross-firm)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Membership, User
from accounts.tenancy import get_for_org_or_404
from compliance.models import Assessment
from core import serializer_fields as core_fields
from core.api import ActiveOrganizationAPIMixin, ReadOnlyOrEditor, SupervisorsOnly, TenantReadOnlyViewSet
from review import selectors, services
from review.diff import diff_snapshots
from review.models import Notification, ReviewComment, Submission


class CommentSerializer(core_fields.ModelSerializer):
    author = serializers.EmailField(source="author.email", read_only=True)

    class Meta:
        model = ReviewComment
        fields = ["id", "requirement_ref", "body", "author", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class SubmissionSerializer(core_fields.ModelSerializer):
    firm = serializers.CharField(source="organization.name", read_only=True)
    status = serializers.CharField(source="assessment.status", read_only=True)
    assignee = serializers.EmailField(source="assignee.email", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Submission
        fields = [
            "id",
            "firm",
            "firm_kind",
            "assessment",
            "number",
            "framework_label",
            "score",
            "rating",
            "critical_gaps",
            "submitted_at",
            "review_deadline",
            "assignee",
            "status",
            "decision",
            "decision_reason",
            "snapshot_sha256",
        ]


class SubmissionDetailSerializer(SubmissionSerializer):
    snapshot = serializers.SerializerMethodField()
    comments = CommentSerializer(many=True, read_only=True)

    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "snapshot", "comments"]

    def get_snapshot(self, obj) -> dict:
        return services.submission_document(obj)


class SubmitSerializer(serializers.Serializer):
    assessment = core_fields.IdField()


class FirmSubmissionViewSet(mixins.CreateModelMixin, TenantReadOnlyViewSet):
    """The active firm's submissions. POST {assessment} submits; /withdraw/ withdraws."""

    queryset = Submission.objects.all()
    serializer_class = SubmissionDetailSerializer
    permission_classes = [permissions.IsAuthenticated, ReadOnlyOrEditor]
    filterset_fields = ["assessment", "decision"]

    def optimize_queryset(self, queryset):
        return queryset.select_related("organization", "assessment", "assignee").prefetch_related("comments__author")

    @extend_schema(request=SubmitSerializer, responses=SubmissionSerializer)
    def create(self, request, *args, **kwargs):
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assessment = get_for_org_or_404(Assessment, request.organization, pk=data.validated_data["assessment"])
        # Refusals (unanswered items, a step the state or role does not allow) become the standard
        # error body in core.drf.error_handler.
        submission = services.submit(assessment=assessment, actor=request.user, role=request.role)
        return Response(SubmissionSerializer(submission).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=SubmissionSerializer)  # no body: withdrawing needs nothing but the id
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw a submission before it is decided."""
        submission = self.get_object()
        services.withdraw(assessment=submission.assessment, actor=request.user, role=request.role)
        return Response(SubmissionSerializer(submission).data)


class RequirementChangeSerializer(serializers.Serializer):
    ref = serializers.CharField()
    before = serializers.CharField(allow_null=True, help_text="The answer before; null when the item is new.")
    after = serializers.CharField(allow_null=True, help_text="The answer now; null when the item was removed.")
    comment_changed = serializers.BooleanField()
    evidence_added = serializers.ListField(child=serializers.CharField())
    evidence_removed = serializers.ListField(child=serializers.CharField())


class SubmissionDiffSerializer(serializers.Serializer):
    """Between a submission and the firm's previous one; without a previous one, no changes and nulls."""

    changes = RequirementChangeSerializer(many=True)
    score_before = serializers.CharField(allow_null=True)
    score_after = serializers.CharField(allow_null=True)
    rating_before = serializers.CharField(allow_null=True)
    rating_after = serializers.CharField(allow_null=True)


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["accept", "request_changes"])
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AssignSerializer(serializers.Serializer):
    assignee = core_fields.IdField()


@extend_schema_view(
    list=extend_schema(summary="List the review queue"),
    retrieve=extend_schema(summary="Get one submission in the review queue"),
)
class ReviewQueueViewSet(ActiveOrganizationAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Supervisors: every firm's submitted assessments (never drafts), and the review steps."""

    audience = "supervisor"
    queryset = Submission.objects.all()
    permission_classes = [permissions.IsAuthenticated, SupervisorsOnly]
    filter_backends: list = []

    def get_queryset(self):
        return selectors.review_queue(self.request.user, self.request.query_params)

    def get_object(self):
        return selectors.supervisor_submission(self.request.user, self.kwargs["pk"])

    def get_serializer_class(self):
        return SubmissionDetailSerializer if self.action == "retrieve" else SubmissionSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if "pk" in self.kwargs:
            self.get_object()  # 404 before 405, as everywhere

    def _step(self, request, run):
        submission = self.get_object()
        run(submission)
        return Response(SubmissionSerializer(selectors.supervisor_submission(request.user, submission.pk)).data)

    @extend_schema(request=None, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        """Claim a submission for your own review."""
        return self._step(request, lambda s: services.claim(submission=s, actor=request.user, role=request.role))

    @extend_schema(request=AssignSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Assign a submission to a supervisor."""
        data = AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        staff = Membership.objects.regulator_staff().filter(user_id=data.validated_data["assignee"]).first()
        if staff is None:
            raise ValidationError({"assignee": _("Choose a supervisor.")})
        assignee: User = staff.user
        return self._step(
            request, lambda s: services.assign(submission=s, assignee=assignee, actor=request.user, role=request.role)
        )

    @extend_schema(request=CommentSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["post"])
    def comments(self, request, pk=None):
        """Comment on a submission, optionally on one requirement."""
        data = CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = services.comment(
            submission=self.get_object(),
            actor=request.user,
            role=request.role,
            body=data.validated_data["body"],
            requirement_ref=data.validated_data.get("requirement_ref", ""),
        )
        return Response(CommentSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def decision(self, request, pk=None):
        """Accept a submission or request changes."""
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._step(
            request,
            lambda s: services.decide(submission=s, actor=request.user, role=request.role, **data.validated_data),
        )

    @extend_schema(responses=SubmissionDiffSerializer)
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        """What changed since the firm's previous submission of the same assessment."""
        submission = self.get_object()
        if not submission.previous_id:
            body = {"changes": [], "score_before": None, "score_after": None, "rating_before": None,
                    "rating_after": None}
            return Response(SubmissionDiffSerializer(body).data)
        d = diff_snapshots(services.submission_document(submission.previous), services.submission_document(submission))
        return Response(SubmissionDiffSerializer(d).data)


class NotificationSerializer(core_fields.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "url", "read_at", "created_at"]


class NotificationViewSet(TenantReadOnlyViewSet):
    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer

    def get_queryset(self):
        return super().get_queryset().filter(recipient=self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)  # no body: the id in the path says it all
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark a notification read."""
        from django.utils import timezone

        note = self.get_object()
        note.read_at = note.read_at or timezone.now()
        note.save(update_fields=["read_at", "updated_at"])
        return Response(NotificationSerializer(note).data)


def register(router) -> None:
    router.register("submissions", FirmSubmissionViewSet, basename="submission")
    router.register("review/queue", ReviewQueueViewSet, basename="review-queue")
    router.register("notifications", NotificationViewSet, basename="notification")
