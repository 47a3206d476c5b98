"""Submissions and their review: what a firm sent, frozen, and what the supervisor said about it.

A submission's snapshot is a canonical JSON text with its sha256, stored as text (not JSON) so the
bytes the hash covers are the bytes kept. The register part is also written to rows
(``SubmittedDependency``, ``SubmittedIncident``) so market-wide analytics can aggregate it in SQL.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import OrganizationKind
from accounts.tenancy import TenantModel


class SnapshotIsImmutable(RuntimeError):
    pass


class Decision(models.TextChoices):
    PENDING = "pending", _("Pending")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    ACCEPTED = "accepted", _("Accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Submission(TenantModel):
    assessment = models.ForeignKey(
        "compliance.Assessment", on_delete=models.PROTECT, related_name="submissions", verbose_name=_("assessment")
    )
    number = models.PositiveIntegerField(_("submission number"))
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))
    snapshot_json = models.TextField(_("snapshot"), editable=False)
    snapshot_sha256 = models.CharField(_("snapshot SHA-256"), max_length=64, editable=False)
    # Denormalised from the snapshot for the queue: sorting and filtering without parsing JSON.
    firm_kind = models.CharField(_("firm kind"), max_length=20, choices=OrganizationKind.choices)
    framework_label = models.CharField(_("checklist"), max_length=250)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    rating = models.CharField(_("rating"), max_length=1, blank=True)
    critical_gaps = models.PositiveIntegerField(_("critical gaps"), default=0)
    review_deadline = models.DateField(_("review deadline"))
    is_latest = models.BooleanField(_("latest of the firm"), default=True, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assignee"),
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decision_reason = models.TextField(_("decision reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "assessment", "number"], name="submission_number"),
        ]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self) -> str:
        return f"{self.framework_label} #{self.number}"

    @staticmethod
    def hash_of(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @staticmethod
    def hash_of_bytes(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    def hash_verifies(self) -> bool:
        return self.hash_of(self.snapshot_json) == self.snapshot_sha256

    def save(self, *args, **kwargs):
        if not self._state.adding:
            stored = Submission._base_manager.filter(pk=self.pk).values_list("snapshot_json", "snapshot_sha256").first()
            if stored and stored != (self.snapshot_json, self.snapshot_sha256):
                raise SnapshotIsImmutable("A submitted snapshot never changes.")
        super().save(*args, **kwargs)


class ReviewComment(TenantModel):
    """A supervisor's comment on one requirement (or the whole submission) — belongs to the firm's submission."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="comments")
    requirement_ref = models.CharField(_("requirement"), max_length=30, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")

    def __str__(self) -> str:
        return f"{self.requirement_ref or '—'}: {self.body[:60]}"


class Notification(TenantModel):
    """An in-app message to one person, in the organisation the person acts for when reading it."""

    audited = False  # the transition that caused it is audited; the message itself is a courtesy

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=40)
    message = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.message[:80]


class ReminderLog(models.Model):
    """One row per reminder sent: the unique key is what makes the beat task idempotent."""

    kind = models.CharField(max_length=40)
    subject_key = models.CharField(max_length=80)
    period_key = models.CharField(max_length=40)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject_key", "period_key"], name="reminder_once_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_key} {self.period_key}"


class SubmittedDependency(TenantModel):
    """One dependency of a firm's register as submitted: the unit of market-wide analytics."""

    audited = False  # derived from the snapshot, whose submission is audited; never edited

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="dependencies")
    firm_kind = models.CharField(max_length=20)
    service_reference = models.CharField(max_length=50)
    service_name = models.CharField(max_length=200)
    importance = models.CharField(max_length=20)
    is_core_business = models.BooleanField(default=False)
    rto_minutes = models.PositiveIntegerField()
    customers_affected = models.PositiveIntegerField(default=0)
    vendor_name = models.CharField(max_length=200)
    provider = models.ForeignKey("vendors.ProviderCatalog", on_delete=models.PROTECT, related_name="+")
    provider_parent = models.CharField(max_length=200, blank=True)
    provider_category = models.CharField(max_length=30)
    provider_country = models.CharField(max_length=2)
    data_location = models.CharField(max_length=30)
    role = models.CharField(max_length=20)
    tier = models.CharField(max_length=2, blank=True)
    strategy = models.CharField(max_length=20, help_text="the strongest measure's strategy, or 'none'")
    alternate_provider = models.ForeignKey(
        "vendors.ProviderCatalog", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    alternate_in_house = models.BooleanField(default=False)
    alternate_upstream_ids = models.JSONField(default=list, blank=True)
    shared_upstream_ids = models.JSONField(default=list, blank=True)
    has_shared_upstream = models.BooleanField(default=False)
    last_test_on = models.DateField(null=True, blank=True)
    last_test_result = models.CharField(max_length=10, blank=True)
    last_pass_on = models.DateField(null=True, blank=True)
    best_recovery_minutes = models.PositiveIntegerField(null=True, blank=True)
    tested_redundancy = models.BooleanField(
        default=False, help_text="a real measure passed a test within 12 months, recovering within the RTO"
    )
    is_spof = models.BooleanField(default=False)
    spof_reasons = models.JSONField(default=list, blank=True)
    subcontractor_ids = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [models.Index(fields=["provider", "importance"]), models.Index(fields=["submission"])]


class SubmittedIncident(TenantModel):
    audited = False  # derived from the snapshot

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="incidents")
    reference = models.CharField(max_length=50)
    provider = models.ForeignKey("vendors.ProviderCatalog", on_delete=models.PROTECT, related_name="+")
    outage_event = models.ForeignKey(
        "vendors.OutageEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    users_affected = models.PositiveIntegerField(null=True, blank=True)
    reported_to_supervisor_at = models.DateTimeField(null=True, blank=True)
    declared_tested_redundancy = models.BooleanField(default=False)
