"""Saved outage simulations: the parameters a person chose, and the results as they were computed."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import TenantModel


class SavedSimulation(TenantModel):
    """Owned by the organisation that ran it: the regulator (market-wide) or a firm (its own register)."""

    name = models.CharField(_("name"), max_length=200)
    provider_ids = models.JSONField(_("failed providers"), default=list, blank=True)
    category = models.CharField(_("category"), max_length=30, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(60 * 24 * 30)]
    )
    traffic_share_pct = models.PositiveSmallIntegerField(
        _("share of the provider's traffic affected (%)"), default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    scope = models.CharField(_("scope"), max_length=10, default="firm")  # "market" or "firm"
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    shared = models.BooleanField(_("shared with colleagues"), default=False)
    results = models.JSONField(_("results"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("saved simulation")
        verbose_name_plural = _("saved simulations")

    def __str__(self) -> str:
        return self.name


# --- market aggregates (issue 16): maintained when a firm's market set changes --------------------------

AGGREGATE_TABLES = ("providers", "parents", "countries", "locations", "nth", "nth_vendor", "services")


class _AggregateCounts(models.Model):
    """One group of one table (``AGGREGATE_TABLES``) for one firm kind; keys as text ('' when unused).

    providers: k1 provider id, k2 category, k3 country; parents / countries / locations: k1 the value;
    nth: k1 the subcontractor id; nth_vendor: k1 subcontractor id, k2 the provider naming it;
    services: the (firm, service) pairs (``services``), the simulation's not-affected baseline.
    """

    firm_kind = models.CharField(max_length=20)
    table = models.CharField(max_length=12)
    k1 = models.CharField(max_length=200, default="", blank=True)
    k2 = models.CharField(max_length=200, default="", blank=True)
    k3 = models.CharField(max_length=200, default="", blank=True)
    critical_services = models.BigIntegerField(default=0)
    important_services = models.BigIntegerField(default=0)
    dependencies = models.BigIntegerField(default=0)
    tested = models.BigIntegerField(default=0)
    services = models.BigIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.table} {self.k1} {self.k2} {self.k3}".strip()


class MarketTotal(_AggregateCounts):
    """The market's totals: sums over the firms' ``MarketContribution`` rows. No firm is named here,
    only catalog providers (ids), parent groups, countries and locations, and counts; so it is not
    firm-owned and not under row-level security (docs/security.md, "Market aggregates")."""

    firms = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["firm_kind", "table", "k1", "k2", "k3"],
                                               name="market_total_key")]


class MarketContribution(TenantModel, _AggregateCounts):
    """What one firm's market set (its latest, not withdrawn, submission) adds to ``MarketTotal``:
    firm-owned (row-level security), replaced whenever that set changes."""

    audited = False  # derived from the submission, whose creation and withdrawal are recorded
    submission = models.ForeignKey("review.Submission", on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["organization", "table"], name="market_contrib_org")]


class SubmissionCriticalCount(TenantModel):
    """Per submission, its critical (T1) dependencies per (category, provider): the inputs of the
    monthly HHI trend, written once with the submission (its rows never change)."""

    audited = False
    submission = models.ForeignKey("review.Submission", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=30)
    provider_id = models.BigIntegerField()
    dependencies = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["submission"], name="market_critcount_sub")]

    def __str__(self) -> str:
        return f"{self.category} {self.provider_id}: {self.dependencies}"
