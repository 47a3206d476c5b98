"""The register: who the firm's providers are, what depends on them, and what happens if one fails."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import SharedManager, TenantModel
from audit.values import AuditedModelMixin
from core.countries import CountryCodeValidator
from vendors import reporting
from vendors.choices import (
    CatalogStatus,
    DataLocation,
    DependencyRole,
    Importance,
    ProviderCategory,
    Strategy,
    SwitchTime,
    TestResult,
    Tier,
    VendorStatus,
)

country_code = CountryCodeValidator()


class ProviderCatalog(AuditedModelMixin, models.Model):
    """The canonical identity of a provider, shared by all firms (curated by lead supervisors).

    Firms link their vendor records here; that link is what makes market-wide concentration countable.
    """

    audited = True

    objects = SharedManager()

    key = models.SlugField(_("key"), max_length=60, unique=True)
    legal_name = models.CharField(_("legal name"), max_length=200, unique=True)
    name_ko = models.CharField(_("Korean name"), max_length=200, blank=True)
    brand = models.CharField(_("brand"), max_length=100, blank=True)
    parent_group = models.CharField(_("ultimate parent"), max_length=200, blank=True)
    country = models.CharField(_("headquarters country"), max_length=2, validators=[country_code])
    korean_entity = models.BooleanField(_("has a Korean entity"), default=False)
    category = models.CharField(_("category"), max_length=30, choices=ProviderCategory.choices)
    website = models.URLField(_("website"), blank=True)
    lei = models.CharField(
        _("LEI"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^[A-Z0-9]{18}[0-9]{2}$", _("An LEI has 20 characters (ISO 17442)."))],
    )
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CatalogStatus.choices, default=CatalogStatus.PUBLISHED
    )
    proposed_by = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    upstreams = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="downstreams",
        verbose_name=_("known upstream providers"),
        help_text=_("Providers this one itself relies on (its own sub-processors)."),
    )

    class Meta:
        ordering = ["brand", "legal_name"]
        verbose_name = _("catalog provider")
        verbose_name_plural = _("provider catalog")

    def __str__(self) -> str:
        if (get_language() or "ko").startswith("ko") and self.name_ko:
            return self.name_ko
        return self.brand or self.legal_name


class Vendor(TenantModel):
    """A firm's relationship with one provider: contract, data shared, exit plan."""

    reference = models.CharField(
        _("reference"), max_length=50, help_text=_("Your own identifier; re-imports match rows by it.")
    )
    catalog = models.ForeignKey(
        ProviderCatalog, on_delete=models.PROTECT, related_name="vendors", verbose_name=_("provider")
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("The service or contract name, e.g. 'CDN and WAF'."))
    category = models.CharField(_("category"), max_length=30, choices=ProviderCategory.choices)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=2, validators=[country_code])
    data_location = models.CharField(_("data location"), max_length=30, choices=DataLocation.choices)
    data_region = models.CharField(
        _("data region"), max_length=100, blank=True, help_text=_("e.g. ap-northeast-2 (Seoul)")
    )
    shares_personal_credit = models.BooleanField(_("personal credit information"), default=False)
    shares_unique_id = models.BooleanField(_("unique identifiers"), default=False)
    shares_transaction_data = models.BooleanField(_("transaction data"), default=False)
    shares_crypto_keys = models.BooleanField(_("cryptographic keys"), default=False)
    contract_reference = models.CharField(_("contract reference"), max_length=100, blank=True)
    contract_start = models.DateField(_("contract start"), null=True, blank=True)
    contract_end = models.DateField(_("contract end"), null=True, blank=True)
    notice_period_days = models.PositiveIntegerField(_("notice period (days)"), null=True, blank=True)
    audit_rights = models.BooleanField(_("audit and information rights"), default=False)
    supervisory_access = models.BooleanField(_("supervisory access right"), default=False)
    exit_clause = models.BooleanField(_("exit clause"), default=False)
    priority_contract = models.BooleanField(
        _("priority contract (중점관리)"), default=False, help_text=_("Designated for priority management (gate G5).")
    )
    undisclosed_subcontractors = models.BooleanField(_("critical subcontractors undisclosed"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=VendorStatus.choices, default=VendorStatus.ACTIVE)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    subcontractors = models.ManyToManyField(
        ProviderCatalog, blank=True, related_name="subcontracted_by", verbose_name=_("subcontractors (nth parties)")
    )
    exit_plan_exists = models.BooleanField(_("exit plan exists"), default=False)
    exit_plan_reviewed_on = models.DateField(_("exit plan last reviewed"), null=True, blank=True)
    exit_plan_target = models.ForeignKey(
        ProviderCatalog,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("exit target provider"),
    )
    exit_plan_in_house = models.BooleanField(_("exit to in-house"), default=False)
    exit_plan_duration_days = models.PositiveIntegerField(_("exit estimated duration (days)"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "reference"], name="vendor_reference_per_firm")]
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")

    def __str__(self) -> str:
        return self.name

    @property
    def shares_sensitive_data(self) -> bool:
        """Gate G1: unique-identification or personal credit information."""
        return self.shares_unique_id or self.shares_personal_credit

    def clean(self) -> None:
        errors = {}
        if self.contract_start and self.contract_end and self.contract_end < self.contract_start:
            errors["contract_end"] = _("The contract cannot end before it starts.")
        if self.exit_plan_target_id and self.exit_plan_target_id == self.catalog_id:
            errors["exit_plan_target"] = _("The exit target must be another provider.")
        if self.exit_plan_reviewed_on and self.exit_plan_reviewed_on > timezone.localdate():
            errors["exit_plan_reviewed_on"] = _("This date is in the future.")
        if errors:
            raise ValidationError(errors)


class BusinessService(TenantModel):
    """What customers or the market rely on: exchange web front, mobile login, deposits ..."""

    reference = models.CharField(_("reference"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    importance = models.CharField(_("importance"), max_length=20, choices=Importance.choices)
    is_core_business = models.BooleanField(
        _("core business (핵심업무)"),
        default=False,
        help_text=_("Subject to the EFSR Art. 23 recovery-time target (gate G2)."),
    )
    customer_facing = models.BooleanField(_("customer-facing"), default=True)
    trading_path = models.BooleanField(
        _("in the trading, deposit/withdrawal, wallet or login path"), default=False, help_text=_("Gate G4 for VASPs.")
    )
    rto_minutes = models.PositiveIntegerField(_("RTO (minutes)"), validators=[MinValueValidator(1)])
    rpo_minutes = models.PositiveIntegerField(_("RPO (minutes)"), null=True, blank=True)
    max_tolerable_downtime_minutes = models.PositiveIntegerField(
        _("maximum tolerable downtime (minutes)"), validators=[MinValueValidator(1)]
    )
    customers_affected = models.PositiveIntegerField(_("customers affected at peak"), default=0)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "reference"], name="service_reference_per_firm")]
        verbose_name = _("business service")
        verbose_name_plural = _("business services")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.rto_minutes
            and self.max_tolerable_downtime_minutes
            and self.rto_minutes > self.max_tolerable_downtime_minutes
        ):
            raise ValidationError({"rto_minutes": _("The RTO cannot exceed the maximum tolerable downtime.")})


class Dependency(TenantModel):
    """Service x vendor x role: the unit of materiality (regulation.md §5.1)."""

    service = models.ForeignKey(
        BusinessService, on_delete=models.CASCADE, related_name="dependencies", verbose_name=_("service")
    )
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="dependencies", verbose_name=_("vendor"))
    role = models.CharField(_("role"), max_length=20, choices=DependencyRole.choices)
    substitutability = models.CharField(
        _("time to switch to an alternative"), max_length=10, choices=SwitchTime.choices, default=SwitchTime.WEEKS
    )
    # The materiality gates judge the work outsourced, so the dependency says what the work touches and
    # what its failure does; both default to the cautious answer.
    failure_stops_service = models.BooleanField(
        _("its failure stops the service"),
        default=True,
        help_text=_(
            "Untick when the service keeps running, perhaps degraded, without it (monitoring, internal chat). "
            "Gates G2 and G4 need the failure to stop the service."
        ),
    )
    processes_shared_data = models.BooleanField(
        _("this work processes the data shared with the vendor"),
        default=True,
        help_text=_(
            "Untick when this work does not touch the data listed on the vendor record. "
            "Gate G1 needs the work itself to process unique identifiers or personal credit information."
        ),
    )
    notes = models.TextField(_("notes"), blank=True)
    # The computed tier is stored so that lists, snapshots and supervisors read what was shown.
    computed_tier = models.CharField(_("computed tier"), max_length=2, choices=Tier.choices, blank=True)
    tier_score = models.PositiveSmallIntegerField(_("materiality score"), null=True, blank=True)
    tier_gates = models.JSONField(_("gates hit"), default=list, blank=True)
    tier_override = models.CharField(_("tier override"), max_length=2, choices=Tier.choices, blank=True)
    tier_override_reason = models.TextField(_("override reason"), blank=True)
    tier_override_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("override approved by"),
    )
    tier_override_minutes_ref = models.CharField(
        _("committee minutes reference"),
        max_length=100,
        blank=True,
        help_text=_("Required to move a T1 dependency down (EFSR Art. 14-2 ②)."),
    )

    class Meta:
        ordering = ["service__name", "vendor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "service", "vendor", "role"], name="one_dependency_per_role"
            ),
        ]
        verbose_name = _("dependency")
        verbose_name_plural = _("dependencies")

    def __str__(self) -> str:
        return f"{self.service} → {self.vendor} ({self.get_role_display()})"

    @property
    def tier(self) -> str:
        return self.tier_override or self.computed_tier

    def clean(self) -> None:
        errors = {}
        if self.service_id and self.vendor_id and self.service.organization_id != self.vendor.organization_id:
            errors["vendor"] = _("The vendor belongs to another firm.")
        if self.tier_override:
            if not self.tier_override_reason.strip():
                errors["tier_override_reason"] = _("An override needs a reason.")
            if not self.tier_override_approver_id:
                errors["tier_override_approver"] = _("An override needs an approver.")
            if (
                self.computed_tier == Tier.T1
                and self.tier_override != Tier.T1
                and not self.tier_override_minutes_ref.strip()
            ):
                errors["tier_override_minutes_ref"] = _("Moving a T1 dependency down needs the committee minutes.")
        if errors:
            raise ValidationError(errors)


class RedundancyMeasure(TenantModel):
    """What keeps a service running if the dependency's provider fails."""

    dependency = models.ForeignKey(
        Dependency, on_delete=models.CASCADE, related_name="measures", verbose_name=_("dependency")
    )
    strategy = models.CharField(_("strategy"), max_length=20, choices=Strategy.choices)
    alternate_provider = models.ForeignKey(
        ProviderCatalog,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("alternate provider"),
    )
    alternate_in_house = models.BooleanField(_("in-house alternate"), default=False)
    expected_switch_minutes = models.PositiveIntegerField(
        _("expected switch-over time (minutes)"), null=True, blank=True
    )
    runbook_reference = models.CharField(_("runbook reference"), max_length=200, blank=True)
    shared_upstreams = models.ManyToManyField(
        ProviderCatalog,
        blank=True,
        related_name="+",
        verbose_name=_("upstreams shared by primary and alternate"),
        help_text=_(
            "The same CDN, DNS, certificate authority or identity provider behind both: "
            "a hidden single point of failure."
        ),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["dependency", "id"]
        verbose_name = _("redundancy measure")
        verbose_name_plural = _("redundancy measures")

    def __str__(self) -> str:
        return f"{self.get_strategy_display()} · {self.dependency}"

    def clean(self) -> None:
        errors = {}
        primary_id = self.dependency.vendor.catalog_id if self.dependency_id else None
        if self.alternate_provider_id and self.alternate_provider_id == primary_id:
            errors["alternate_provider"] = _("The alternate provider cannot be the primary provider itself.")
        if self.strategy == Strategy.NONE and (self.alternate_provider_id or self.alternate_in_house):
            errors["strategy"] = _("A measure with strategy 'none' has no alternate.")
        if self.strategy == Strategy.IN_HOUSE:
            self.alternate_in_house = True
        if self.alternate_provider_id and self.alternate_in_house and self.strategy != Strategy.IN_HOUSE:
            errors["alternate_in_house"] = _("Choose an alternate provider or in-house, not both.")
        if errors:
            raise ValidationError(errors)


def failover_evidence_path(instance: FailoverTest, filename: str) -> str:
    return f"evidence/{instance.organization_id}/failover/{timezone.now():%Y%m}/{filename}"


class FailoverTest(TenantModel):
    measure = models.ForeignKey(
        RedundancyMeasure, on_delete=models.CASCADE, related_name="tests", verbose_name=_("measure")
    )
    tested_on = models.DateField(_("test date"))
    scenario = models.CharField(_("scenario"), max_length=300)
    result = models.CharField(_("result"), max_length=10, choices=TestResult.choices)
    achieved_recovery_minutes = models.PositiveIntegerField(
        _("achieved recovery time (minutes)"), null=True, blank=True
    )
    evidence = models.FileField(_("evidence file"), upload_to=failover_evidence_path, blank=True, max_length=300)
    evidence_sha256 = models.CharField(_("evidence SHA-256"), max_length=64, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-tested_on", "-id"]
        verbose_name = _("failover test")
        verbose_name_plural = _("failover tests")

    def __str__(self) -> str:
        return f"{self.tested_on} {self.get_result_display()} · {self.scenario}"

    def clean(self) -> None:
        if self.tested_on and self.tested_on > timezone.localdate():
            raise ValidationError({"tested_on": _("A test date cannot be in the future.")})


class OutageEvent(AuditedModelMixin, models.Model):
    """A market-wide outage defined by lead supervisors (e.g. the 18 Nov 2025 CDN outage)."""

    objects = SharedManager()

    audited = True

    name = models.CharField(_("name"), max_length=200)
    name_ko = models.CharField(_("Korean name"), max_length=200)
    provider = models.ForeignKey(
        ProviderCatalog, on_delete=models.PROTECT, related_name="outage_events", verbose_name=_("provider")
    )
    started_at = models.DateTimeField(_("start"))
    # Full impact ends here; from then to ``ended_at`` a tail of residual errors. Empty: no tail.
    core_restored_at = models.DateTimeField(_("core service restored at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("end"))
    # A partial outage: the share of the provider's traffic affected (market.rules.classify_outage).
    traffic_share_pct = models.PositiveSmallIntegerField(
        _("share of the provider's traffic affected (%)"), default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("outage event")
        verbose_name_plural = _("outage events")

    def __str__(self) -> str:
        return self.name_ko if (get_language() or "ko").startswith("ko") else self.name

    @property
    def duration_minutes(self) -> int:
        return int((self.ended_at - self.started_at).total_seconds() // 60)

    @property
    def core_minutes(self) -> int:
        """The full-impact window: what a replay of the event simulates as downtime."""
        end = self.core_restored_at or self.ended_at
        return int((end - self.started_at).total_seconds() // 60)

    def clean(self) -> None:
        errors = {}
        if self.started_at and self.ended_at and self.ended_at <= self.started_at:
            errors["ended_at"] = _("The end must be after the start.")
        if self.core_restored_at and self.started_at and not (
                self.started_at < self.core_restored_at <= (self.ended_at or self.core_restored_at)):
            errors["core_restored_at"] = _("Core service is restored after the start and by the end.")
        if errors:
            raise ValidationError(errors)


class Incident(TenantModel):
    """A provider outage as the firm lived it."""

    reference = models.CharField(_("reference"), max_length=50)
    provider = models.ForeignKey(
        ProviderCatalog, on_delete=models.PROTECT, related_name="+", verbose_name=_("provider")
    )
    vendor = models.ForeignKey(
        Vendor, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents", verbose_name=_("vendor")
    )
    outage_event = models.ForeignKey(
        OutageEvent,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incidents",
        verbose_name=_("market-wide outage"),
    )
    started_at = models.DateTimeField(_("start"))
    # When the firm became aware: the Art. 73 report clock runs from here (vendors.reporting).
    detected_at = models.DateTimeField(_("detected at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("end"), null=True, blank=True)
    affected_services = models.ManyToManyField(
        BusinessService, blank=True, related_name="incidents", verbose_name=_("affected services")
    )
    users_affected = models.PositiveIntegerField(_("users affected"), null=True, blank=True)
    customer_impact = models.TextField(_("customer impact"), blank=True)
    reported_to_supervisor_at = models.DateTimeField(_("reported to the supervisor at"), null=True, blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    actions = models.TextField(_("actions"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "reference"], name="incident_reference_per_firm")
        ]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return f"{self.reference} · {self.provider}"

    @property
    def duration_minutes(self) -> int | None:
        if not self.ended_at:
            return None
        return int((self.ended_at - self.started_at).total_seconds() // 60)

    @property
    def service_users(self) -> int:
        """The size of the disrupted service: its largest affected service, or the users counted."""
        # .all() so that a list's prefetch of affected_services is used.
        sizes = [s.customers_affected for s in self.affected_services.all()] if self.pk else []
        return max([*sizes, self.users_affected or 0])

    def reportability(self, now: datetime.datetime | None = None) -> reporting.Reportability:
        """EFSR Art. 73: an incident still ongoing counts the minutes elapsed so far."""
        end = self.ended_at or now or timezone.now()
        minutes = int((end - self.started_at).total_seconds() // 60) if self.started_at else None
        return reporting.reportability(service_users=self.service_users, started_at=self.started_at,
                                       detected_at=self.detected_at, duration_minutes=minutes)

    def report_overdue(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return reporting.report_overdue(self.reportability(now), self.reported_to_supervisor_at, now)

    def clean(self) -> None:
        errors = {}
        if self.started_at and self.ended_at and self.ended_at <= self.started_at:
            errors["ended_at"] = _("The end must be after the start.")
        if self.started_at and self.detected_at and self.detected_at < self.started_at:
            errors["detected_at"] = _("The detection cannot precede the start.")
        if self.started_at and self.started_at > timezone.now():
            errors["started_at"] = _("An incident cannot start in the future.")
        if self.reported_to_supervisor_at and self.started_at and self.reported_to_supervisor_at < self.started_at:
            errors["reported_to_supervisor_at"] = _("The report cannot precede the incident.")
        if self.vendor_id and self.vendor.catalog_id != self.provider_id:
            errors["vendor"] = _("This vendor record is for another provider.")
        if errors:
            raise ValidationError(errors)
