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
