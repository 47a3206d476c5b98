"""Live outage response: providers' status feeds, the outages they reveal, and each firm's answer.

Feeds and detected outages are shared (lead supervisors curate them, like the catalog); a firm's
response to an outage (its failover, its incident) is firm data behind the tenant wall.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import SharedManager, TenantModel
from audit.values import AuditedModelMixin


class FeedFormat(models.TextChoices):
    STATUSPAGE = "statuspage", _("Atlassian Statuspage v2 (JSON)")
    RSS = "rss", _("RSS 2.0")
    ATOM = "atom", _("Atom")


class FeedHealth(models.TextChoices):
    UNKNOWN = "unknown", _("Not polled yet")
    OK = "ok", _("Reachable")
    FAILING = "failing", _("Failing")
    # Several polls in a row failed: a provider's status page that is itself down is a signal.
    UNREACHABLE = "unreachable", _("Unreachable")


class StatusFeed(AuditedModelMixin, models.Model):
    """One provider's public status feed, polled by ``outages.poll_feeds``."""

    audited = True

    provider = models.ForeignKey(
        "vendors.ProviderCatalog", on_delete=models.PROTECT, related_name="status_feeds", verbose_name=_("provider")
    )
    format = models.CharField(_("format"), max_length=20, choices=FeedFormat.choices)
    url = models.URLField(
        _("feed URL"), max_length=500,
        help_text=_("Statuspage: the page's /api/v2/summary.json. RSS/Atom: the feed itself."),
    )
    enabled = models.BooleanField(_("polled"), default=True)
    # Conditional requests: what the server last said, sent back as If-None-Match / If-Modified-Since.
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    health = models.CharField(_("health"), max_length=20, choices=FeedHealth.choices, default=FeedHealth.UNKNOWN)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True, editable=False)
    last_ok_at = models.DateTimeField(_("last answered"), null=True, blank=True, editable=False)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0, editable=False)
    next_poll_at = models.DateTimeField(_("next poll"), null=True, blank=True, editable=False)
    last_error = models.CharField(_("last error"), max_length=300, blank=True, editable=False)
    page_indicator = models.CharField(_("overall status"), max_length=30, blank=True, editable=False)

    class Meta:
        ordering = ["provider__brand", "url"]
        constraints = [models.UniqueConstraint(fields=["provider", "url"], name="one_feed_per_provider_url")]
        verbose_name = _("status feed")
        verbose_name_plural = _("status feeds")

    def __str__(self) -> str:
        return f"{self.provider} · {self.get_format_display()}"


class FeedComponent(models.Model):
    """A component the feed names (a product, a region or a data centre) with its last status."""

    feed = models.ForeignKey(StatusFeed, on_delete=models.CASCADE, related_name="components")
    external_id = models.CharField(max_length=100)
    name = models.CharField(_("component"), max_length=300)
    # The feed's grouping: Statuspage groups components by product or region ("Asia", "Cloudflare Sites").
    group = models.CharField(_("product or region"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=30)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["group", "name"]
        constraints = [models.UniqueConstraint(fields=["feed", "external_id"], name="one_row_per_feed_component")]

    def __str__(self) -> str:
        return f"{self.group} / {self.name}" if self.group else self.name


class OutageStatus(models.TextChoices):
    DRAFT = "draft", _("Detected, to confirm")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")
    RESOLVED = "resolved", _("Resolved")


class Severity(models.TextChoices):
    PARTIAL = "partial_outage", _("Partial outage")
    MAJOR = "major_outage", _("Major outage")


class LiveOutage(AuditedModelMixin, models.Model):
    """A market-wide outage as it happens: opened as a draft from a feed, confirmed by a lead supervisor."""

    audited = True
    # Firms' responses point here: a join from this table into firm rows must name a firm.
    objects = SharedManager()

    provider = models.ForeignKey(
        "vendors.ProviderCatalog", on_delete=models.PROTECT, related_name="live_outages", verbose_name=_("provider")
    )
    feed = models.ForeignKey(
        StatusFeed, null=True, blank=True, on_delete=models.SET_NULL, related_name="outages", verbose_name=_("feed")
    )
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(_("status"), max_length=20, choices=OutageStatus.choices, default=OutageStatus.DRAFT)
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices, default=Severity.MAJOR)
    components = models.JSONField(_("affected components"), default=list, blank=True)
    started_at = models.DateTimeField(_("start"))
    # The reporting clock runs from detection (vendors.reporting): when the feed first showed it.
    detected_at = models.DateTimeField(_("detected at"))
    # The feed said it is over; a lead supervisor confirms that end (or another) as ``ended_at``.
    proposed_end_at = models.DateTimeField(_("end proposed by the feed"), null=True, blank=True)
    ended_at = models.DateTimeField(_("end"), null=True, blank=True)
    external_id = models.CharField(_("feed incident id"), max_length=100, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    firms_notified_at = models.DateTimeField(_("firms notified at"), null=True, blank=True)
    # Once resolved, the outage is also a market-wide event: a replayable scenario that firms' incidents name.
    event = models.OneToOneField("vendors.OutageEvent", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="live_outage", verbose_name=_("market-wide outage"))

    class Meta:
        ordering = ["-detected_at", "-id"]
        verbose_name = _("live outage")
        verbose_name_plural = _("live outages")

    def __str__(self) -> str:
        return f"{self.provider} · {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in (OutageStatus.DRAFT, OutageStatus.CONFIRMED)

    def clean(self) -> None:
        errors = {}
        if self.started_at and self.detected_at and self.detected_at < self.started_at:
            errors["detected_at"] = _("The detection cannot precede the start.")
        if self.started_at and self.ended_at and self.ended_at <= self.started_at:
            errors["ended_at"] = _("The end must be after the start.")
        if errors:
            raise ValidationError(errors)


class ResponseState(models.TextChoices):
    NOTIFIED = "notified", _("Notified, no answer yet")
    DEGRADED = "degraded", _("Degraded")
    FAILED_OVER = "failed_over", _("Failed over")


class OutageResponse(TenantModel):
    """A firm's answer to one live outage: which of its services it hits, and what the firm did."""

    outage = models.ForeignKey(LiveOutage, on_delete=models.PROTECT, related_name="responses",
                               verbose_name=_("outage"))
    # The affected services as the firm's latest submission names them: [{"reference", "name"}].
    services = models.JSONField(_("affected services"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=ResponseState.choices,
                             default=ResponseState.NOTIFIED)
    failed_over_at = models.DateTimeField(_("failed over at"), null=True, blank=True)
    degraded_since = models.DateTimeField(_("degraded since"), null=True, blank=True)
    incident = models.ForeignKey("vendors.Incident", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("incident"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organization", "outage"], name="one_response_per_outage")]
        verbose_name = _("outage response")
        verbose_name_plural = _("outage responses")

    def __str__(self) -> str:
        return f"{self.outage} · {self.get_state_display()}"

    def clean(self) -> None:
        errors = {}
        if self.failed_over_at and self.outage_id and self.failed_over_at < self.outage.started_at:
            errors["failed_over_at"] = _("The failover cannot precede the outage.")
        if self.incident_id and self.organization_id and self.incident.organization_id != self.organization_id:
            errors["incident"] = _("This incident belongs to another firm.")
        if errors:
            raise ValidationError(errors)
