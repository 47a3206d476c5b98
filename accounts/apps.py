from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Registers the pending-invitations dashboard panel (core.dashboard) once, at startup.
        from accounts import dashboard  # noqa: F401
