"""Export jobs: the record of what left the system, who asked for it, and where the file is."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import TenantModel


class ExportKind(models.TextChoices):
    REGISTER_WORKBOOK = "register_workbook", _("Register workbook")
    AUDIT_WORKBOOK = "audit_workbook", _("Audit workbook")
    REVIEW_QUEUE = "review_queue", _("Review queue (supervisors)")
    MARKET_CONCENTRATION = "market_concentration", _("Market concentration (supervisors)")
    MARKET_SIMULATION = "market_simulation", _("Saved outage simulation")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


def export_file_path(instance: ExportJob, filename: str) -> str:
    # Private storage (no MEDIA_URL route): files leave only through the permission-checked view.
    return f"exports/{instance.organization_id}/{filename}"


class ExportJob(TenantModel):
    """One requested export. The job row stays after its file expires, so an audit can show
    what was exported, by whom and when."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("requested by"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=ExportKind.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="ko")
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    file = models.FileField(_("file"), upload_to=export_file_path, blank=True, max_length=300)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("rows written"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_dispatched_at = models.DateTimeField(_("last dispatched at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="exportjob_status_created")]
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED)

    @property
    def is_downloadable(self) -> bool:
        return self.status == ExportStatus.DONE and bool(self.file)

    @property
    def download_name(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""
