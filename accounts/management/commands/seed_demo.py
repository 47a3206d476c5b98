from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import rls
from accounts.demo import demo_code_now, demo_secret, seed_second_factors
from accounts.models import User
from audit.context import acting_as
from audit.recorder import batched
from core.demo import DEMO_PASSWORD, seed_all


class Command(BaseCommand):
    help = "Create (or complete) the demo organisations, people and registers. Safe to run again."

    def handle(self, *args, **options):
        # Demo notifications are kept in memory, not printed as dozens of console emails.
        quiet_mail = override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
        # Seeding writes every demo firm's rows: an operator's work across firms, so on PostgreSQL it runs in
        # the maintenance scope (row-level security refuses a firm row written with no firm set).
        with quiet_mail, acting_as(None), rls.maintenance(), transaction.atomic(), batched():
            world = seed_all()
            emails = [login.email for login in world.logins]
            with_second_factor = {u.email for u in seed_second_factors(list(User.objects.filter(email__in=emails)))}
        # The printout speaks the product's default language (Korean unless LANGUAGE_CODE says otherwise).
        with translation.override(settings.LANGUAGE_CODE):
            self._print(world, with_second_factor)

    def _print(self, world, with_second_factor: set[str]) -> None:
        self.stdout.write(self.style.SUCCESS(
            _("Demo data ready. Logins (password for all: %(password)s):") % {"password": DEMO_PASSWORD}))
        for login in world.logins:
            marker = "  + " + _("second factor") if login.email in with_second_factor else ""
            self.stdout.write(f"  {login.email:<28} {login.role!s:<24} {login.place}{marker}")
        code, seconds = demo_code_now()
        self.stdout.write(
            _("Second factor (supervisors, leads, firm admins, operator): demo-only authenticator secret "
              "%(secret)s") % {"secret": demo_secret()}
        )
        self.stdout.write("  " + _(
            "Add it to an authenticator app, or use the code now: %(code)s (valid %(seconds)ss more); "
            "`python manage.py demo_code` prints the current one."
        ) % {"code": code, "seconds": seconds})
