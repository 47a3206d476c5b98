from audit.models import AuditEvent
from core import serializer_fields as core_fields
from core.api import TenantReadOnlyViewSet


class AuditEventSerializer(core_fields.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "actor_email",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
            "ip_address",
            "seq",
            "prev_hash",
            "hash",
        ]


class AuditEventViewSet(TenantReadOnlyViewSet):
    """The active firm's audit trail, newest first."""

    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    filterset_fields = ["action", "object_type", "object_id"]
