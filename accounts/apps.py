from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import schema  # noqa: F401 - registers the OpenAPI descriptions of our auth classes
        from accounts.second_factor import mark_pending_at_login

        def _hold_back_until_second_factor(sender, request, user, **kwargs):
            mark_pending_at_login(request, user)

        user_logged_in.connect(
            _hold_back_until_second_factor, dispatch_uid="accounts-second-factor-pending", weak=False
        )

        from accounts import rls  # noqa: F401 - connects the new-connection handler
        from accounts.rls_schema import ensure_row_level_security

        # Once per migrate (sender: this app), after every app's migrations: no firm table without RLS.
        post_migrate.connect(ensure_row_level_security, sender=self, dispatch_uid="backstop-ensure-rls")

        # Registers the pending-invitations dashboard panel (core.dashboard) once, at startup.
        from accounts import dashboard  # noqa: F401
