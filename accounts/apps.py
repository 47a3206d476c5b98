from django.apps import AppConfig
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
