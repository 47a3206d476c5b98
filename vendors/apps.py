from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VendorsConfig(AppConfig):
    name = "vendors"
    verbose_name = _("Vendor register")

    def ready(self) -> None:
        # Registers the firm dashboard panels (core.dashboard) once, at startup.
        from vendors import dashboard  # noqa: F401
