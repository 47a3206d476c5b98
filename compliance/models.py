"""Checklists (global, versioned, immutable once published) and each firm's assessments, answers,
evidence and findings.

A framework version is data loaded from ``compliance/frameworks/<code>/<version>.yaml`` by
:mod:`compliance.loader`. Once published its rows never change: a correction is a new version, so an
assessment always shows the exact wording it was answered against.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import SharedManager, TenantModel
from audit.values import AuditedModelMixin
from compliance.choices import (
    CLOSED_FINDING_STATUSES,
    AssessmentStatus,
    FindingSource,
    FindingStatus,
    Rating,
    Response,
    Scope,
    Severity,
)


def _korean() -> bool:
    return (get_language() or "ko").startswith("ko")


class PublishedFrameworkError(ValidationError):
    """A published checklist version is immutable: publish a new version instead."""


class Framework(AuditedModelMixin, models.Model):
    audited = True

    objects = SharedManager()

    code = models.CharField(_("code"), max_length=50)
    version = models.CharField(_("version"), max_length=20)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    name_ko = models.CharField(_("Korean name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    evidence_codes = models.JSONField(_("evidence codes"), default=dict, blank=True)
    source_path = models.CharField(_("source file"), max_length=300, blank=True)
    checksum = models.CharField(_("SHA-256 of the source file"), max_length=64)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["code", "version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="framework_code_version")]
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")

    def __str__(self) -> str:
        return f"{self.name} {self.version}"

    @property
    def name(self) -> str:
        return self.name_ko if _korean() else self.name_en

    def _stored_is_published(self) -> bool:
        return bool(self.pk) and Framework.objects.filter(pk=self.pk, published_at__isnull=False).exists()

    def save(self, *args, **kwargs) -> None:
        if self._stored_is_published():
            raise PublishedFrameworkError(_("A published checklist version cannot be changed; publish a new version."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_is_published():
            raise PublishedFrameworkError(_("A published checklist version cannot be deleted."))
        return super().delete(*args, **kwargs)


class _FrameworkPart(models.Model):
    """Sections and requirements: written only while their framework is not yet published."""

    class Meta:
        abstract = True

    def _framework_id(self) -> int | None:
        raise NotImplementedError

    def save(self, *args, **kwargs) -> None:
        if Framework.objects.filter(pk=self._framework_id(), published_at__isnull=False).exists():
            raise PublishedFrameworkError(_("A published checklist version cannot be changed; publish a new version."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Framework.objects.filter(pk=self._framework_id(), published_at__isnull=False).exists():
            raise PublishedFrameworkError(_("A published checklist version cannot be deleted."))
        return super().delete(*args, **kwargs)


class Section(_FrameworkPart):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(_("code"), max_length=20)
    name_ko = models.CharField(_("Korean name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["framework", "order"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="section_code_per_framework")]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    @property
    def name(self) -> str:
        return self.name_ko if _korean() else self.name_en

    def _framework_id(self) -> int | None:
        return self.framework_id


class Requirement(_FrameworkPart):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="requirements")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="requirements")
    ref = models.CharField(_("reference"), max_length=30)
    text_ko = models.TextField(_("requirement (Korean)"))
    text_en = models.TextField(_("requirement (English)"))
    guidance_ko = models.TextField(_("guidance (Korean)"), blank=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    critical = models.BooleanField(_("knock-out (critical)"), default=False)
    evidence = models.JSONField(_("expected evidence codes"), default=list, blank=True)
    legal_basis_ko = models.TextField(_("legal basis (Korean)"), blank=True)
    legal_basis_en = models.TextField(_("legal basis (English)"), blank=True)
    applies_tiers = models.JSONField(_("applies to tiers"), default=list, blank=True)
    applies_firm_kinds = models.JSONField(_("applies to firm kinds"), default=list, blank=True)
    applies_vendor_categories = models.JSONField(_("applies to vendor categories"), default=list, blank=True)
    vendor_scope = models.BooleanField(_("assessed per vendor"), default=False)
    # A knock-out may be answered "not applicable" only under the condition its data file states here;
    # blank on a knock-out means it cannot be N/A once it applies.
    not_applicable_if_ko = models.TextField(_("may be N/A only if (Korean)"), blank=True)
    not_applicable_if_en = models.TextField(_("may be N/A only if (English)"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = SharedManager()

    class Meta:
        ordering = ["framework", "order"]
        constraints = [models.UniqueConstraint(fields=["framework", "ref"], name="requirement_ref_per_framework")]
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")

    def __str__(self) -> str:
        return self.ref

    @property
    def text(self) -> str:
        return self.text_ko if _korean() else self.text_en

    @property
    def guidance(self) -> str:
        return self.guidance_ko if _korean() else self.guidance_en

    @property
    def legal_basis(self) -> str:
        return self.legal_basis_ko if _korean() else self.legal_basis_en

    @property
    def not_applicable_if(self) -> str:
        return self.not_applicable_if_ko if _korean() else self.not_applicable_if_en

    def _framework_id(self) -> int | None:
        return self.framework_id


class Assessment(TenantModel):
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("checklist version")
    )
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.FIRM)
    vendor = models.ForeignKey(
        "vendors.Vendor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("vendor"),
    )
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    # Which requirements apply and why, decided at creation by compliance.applicability:
    # {"<requirement id>": {"applies": bool, "reasons": [{"code": ..., "params": {...}}]}}
    applicability = models.JSONField(_("applicability"), default=dict, blank=True, editable=False)
    # The cached result of compliance.scoring, recomputed on every answer change.
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True, editable=False)
    rating = models.CharField(_("rating"), max_length=1, choices=Rating.choices, blank=True, editable=False)
    rating_reasons = models.JSONField(_("rating reasons"), default=list, blank=True, editable=False)
    score_details = models.JSONField(_("section scores"), default=dict, blank=True, editable=False)
    # Set when the firm started this assessment from one on an older version of the same checklist
    # (compliance.upgrades): the page shows what is new against that version.
    upgraded_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False,
        verbose_name=_("started from"),
    )

    class Meta:
        ordering = ["-period_end", "title"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return self.title

    def applicable_requirement_ids(self) -> list[int]:
        return [int(k) for k, v in (self.applicability or {}).items() if v.get("applies")]

    def clean(self) -> None:
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The period cannot end before it starts.")
        needs_vendor = self.scope == Scope.VENDOR or (self.framework_id and self.framework.scope == Scope.VENDOR)
        if needs_vendor and not self.vendor_id:
            errors["vendor"] = _("A vendor assessment names the vendor it assesses.")
        if self.scope == Scope.FIRM and self.vendor_id:
            errors["vendor"] = _("A firm-wide assessment is not about one vendor; choose the scope 'One vendor'.")
        if self.vendor_id and self.organization_id and self.vendor.organization_id != self.organization_id:
            errors["vendor"] = _("The vendor belongs to another firm.")
        if self.framework_id and self.framework.published_at is None:
            errors["framework"] = _("This checklist version is not published.")
        if errors:
            raise ValidationError(errors)


class Answer(TenantModel):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answers", verbose_name=_("assessment")
    )
    requirement = models.ForeignKey(
        Requirement, on_delete=models.PROTECT, related_name="answers", verbose_name=_("requirement")
    )
    response = models.CharField(_("response"), max_length=20, choices=Response.choices)
    comment = models.TextField(_("comment"), blank=True)
    na_reason = models.TextField(_("reason it does not apply"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["assessment", "requirement__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "assessment", "requirement"], name="one_answer_per_requirement"
            )
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.requirement.ref}: {self.get_response_display()}"

    def clean(self) -> None:
        errors = {}
        if self.response == Response.NOT_APPLICABLE and not (self.na_reason or "").strip():
            errors["na_reason"] = _("Say why this requirement does not apply.")
        if self.assessment_id and self.requirement_id:
            if self.requirement.framework_id != self.assessment.framework_id:
                errors["requirement"] = _("This requirement is not part of the assessment's checklist.")
            elif self.requirement_id not in self.assessment.applicable_requirement_ids():
                errors["requirement"] = _("This requirement does not apply to this assessment.")
        if errors:
            raise ValidationError(errors)


def evidence_path(instance: Evidence, filename: str) -> str:
    # The stored name is random: the user's file name is kept in original_name, never trusted as a path.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"evidence/{instance.organization_id}/{timezone.now():%Y%m}/{uuid.uuid4().hex}{suffix}"


class Evidence(TenantModel):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("answer"))
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name


class Finding(TenantModel):
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings",
        verbose_name=_("assessment"),
    )
    requirement = models.ForeignKey(
        Requirement, null=True, blank=True, on_delete=models.PROTECT, related_name="findings",
        verbose_name=_("requirement"),
    )
    dependency = models.ForeignKey(
        "vendors.Dependency", null=True, blank=True, on_delete=models.SET_NULL, related_name="findings",
        verbose_name=_("dependency"),
    )
    source = models.CharField(_("source"), max_length=10, choices=FindingSource.choices, default=FindingSource.MANUAL)
    # Automatic findings are matched by this key on every sync, so they are updated, never duplicated.
    source_key = models.CharField(_("source key"), max_length=120, blank=True, editable=False)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    remediation_plan = models.TextField(_("remediation plan"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    risk_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("risk accepted by"),
    )
    risk_acceptance_expires_on = models.DateField(_("risk acceptance expires on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["status", "due_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source_key"], condition=~Q(source_key=""), name="one_finding_per_source_key"
            )
        ]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_FINDING_STATUSES

    def clean(self) -> None:
        errors = {}
        if self.status == FindingStatus.RISK_ACCEPTED:
            if not self.risk_accepted_by_id:
                errors["risk_accepted_by"] = _("Accepting a risk needs the approver.")
            if not self.risk_acceptance_expires_on:
                errors["risk_acceptance_expires_on"] = _("Accepting a risk needs an expiry date.")
            elif self.risk_acceptance_expires_on <= timezone.localdate():
                errors["risk_acceptance_expires_on"] = _("The expiry date must be in the future.")
        for name in ("assessment", "dependency"):
            related = getattr(self, name) if getattr(self, f"{name}_id") else None
            if related is not None and self.organization_id and related.organization_id != self.organization_id:
                errors[name] = _("This belongs to another firm.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        # closed_at follows the status so "open findings" and ageing reports need no extra bookkeeping.
        if self.is_closed and self.closed_at is None:
            self.closed_at = timezone.now()
        elif not self.is_closed:
            self.closed_at = None
        super().save(*args, **kwargs)
