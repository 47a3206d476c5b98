"""The append-only audit log, chained by hash so that tampering is detectable.

One chain per organisation (events without a firm, sign-ins, form the platform chain): each event
carries its chain's sequence number and the hash of the event before it in the same chain. The
chain proves order and content within the database; the signed anchors of its head
(``audit.anchors``), kept outside the database, prove that the tail was not cut or rewritten.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import TenantManager, TenantQuerySet


class AuditLogIsAppendOnly(RuntimeError):
    pass


class AuditEventQuerySet(TenantQuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("Audit events cannot be changed.")

    def delete(self):
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")

    def for_chain_verification(self) -> AuditEventQuerySet:
        """Every chain, every firm (read-only): the verification, the anchoring, the recorder's last hash."""
        return self.order_by("id")._open_door("chain-verification", cross_firm=True)

    def chain_of(self, organization_id: int | None) -> AuditEventQuerySet:
        """One organisation's chain (``None``: the platform chain), in chain order."""
        return self.for_chain_verification().filter(organization_id=organization_id).order_by("seq")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logged out")
        ROLE_CHANGE = "role_change", _("Role changed")
        EXPORT = "export", _("Exported")
        DOWNLOAD = "download", _("Downloaded")
        TRANSITION = "transition", _("Workflow step")
        OTP_ENROLLED = "otp_enrolled", _("Second factor enrolled")
        OTP_FAILED = "otp_failed", _("Second-factor check failed")
        RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
        TOKEN_CREATED = "token_created", _("API token created")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")

    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_email = models.CharField(_("actor"), max_length=254, blank=True)
    organization = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # Position in the organisation's chain, from 1 with no gap: a missing or cut-off event shows.
    seq = models.PositiveBigIntegerField(_("sequence"))
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = TenantManager.from_queryset(AuditEventQuerySet)()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["organization", "object_type", "object_id"])]
        constraints = [
            # Two writers can never fork a chain: the second insert of a position fails.
            models.UniqueConstraint(
                fields=["organization", "seq"],
                condition=models.Q(organization__isnull=False),
                name="audit_event_one_per_firm_chain_position",
            ),
            models.UniqueConstraint(
                fields=["seq"],
                condition=models.Q(organization__isnull=True),
                name="audit_event_one_per_platform_position",
            ),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_email} {self.action} {self.object_repr}"

    def compute_hash(self) -> str:
        return chain_hash(self.prev_hash, self.hashed_content())

    def hashed_content(self) -> dict:
        return {
            "created_at": self.created_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_email": self.actor_email,
            "organization_id": self.organization_id,
            "seq": self.seq,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "changes": self.changes,
            "ip_address": self.ip_address,
        }

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsAppendOnly("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")


GENESIS_HASH = "0" * 64


def chain_hash(prev_hash: str, content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()
